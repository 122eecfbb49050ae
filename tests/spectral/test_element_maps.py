"""Element maps from spectrum images: X-ray lines, windows, the window-sum kernel, CLI maps."""

from __future__ import annotations

import numpy as np
import pytest

import mixmap
from mixmap.errors import InputError
from naive import naive_element_map, naive_window_sums

OFFSET, SCALE, NE = -0.1, 0.01, 1100  # 0-11 keV, the calibration of the cube of conftest.py


# ------------------------------------------------------------------------------------ x-ray lines
def test_xray_line_values_and_table():
    assert mixmap.xray_line("Cu_Ka") == pytest.approx(8.0478)
    assert mixmap.xray_line("Mn_Ka") == pytest.approx(5.8987)
    assert mixmap.xray_line("Au_Ma") == pytest.approx(2.1216)
    assert mixmap.xray_line("Li_Ka") == pytest.approx(0.0543)
    assert mixmap.xray_line("U_La") == pytest.approx(13.618)
    rec = mixmap.xray_line("Fe_Kb", info=True)
    assert rec.Z == 26 and rec.family == "K" and 0 < rec.weight < 1
    from mixmap.chemistry.xray import line_table

    t = line_table()
    assert sorted(t["Z"].unique()) == list(range(3, 93))
    assert set(t["family"]) == {"K", "L", "M"}
    main = t[t["line"].isin(["Ka", "La", "Ma"])]
    assert np.all(main["weight"] == 1.0)
    # within a family the energies increase with Z for the main lines
    ka = t[t["line"] == "Ka"].sort_values("Z")["energy_keV"].to_numpy()
    assert np.all(np.diff(ka) > 0)


@pytest.mark.parametrize("bad", ["Cu_Ma", "Xx_Ka", "CuKa", 29])
def test_xray_line_bad(bad):
    with pytest.raises(InputError, match="line"):
        mixmap.xray_line(bad)


def test_xray_line_case_hint():
    with pytest.raises(InputError, match="did you mean 'Cu_Ka'"):
        mixmap.xray_line("cu_ka")
    with pytest.raises(InputError, match="did you mean 'Fe_Kb'"):
        mixmap.xray_line("FE_KB")


def test_detector_fwhm():
    assert mixmap.detector_fwhm(5.8987, 130) == pytest.approx(130.0)
    e = np.array([0.2774, 8.0478])
    expect = np.sqrt(128.0**2 + 2.5 * (e - 5.8987) * 1000)
    np.testing.assert_allclose(mixmap.detector_fwhm(e, 128.0), expect)
    with pytest.raises(InputError, match="energy"):
        mixmap.detector_fwhm(-1.0)
    with pytest.raises(InputError, match="fwhm_mnka"):
        mixmap.detector_fwhm(1.0, 0)
    with pytest.raises(InputError, match="FWHM"):
        mixmap.detector_fwhm(0.0543, 100.0)
    with pytest.raises(InputError, match="energy must be a number"):
        mixmap.detector_fwhm("Cu_Ka")
    with pytest.raises(InputError, match="fwhm_mnka must be a number"):
        mixmap.detector_fwhm(1.0, "high")


# ------------------------------------------------------------------------------------ kernel
def test_window_sums_kernel_matches_naive(rng):
    from mixmap.kernels.windows import window_sums

    block = rng.integers(0, 50, size=(5, 6, 40)).astype(np.uint16)
    starts = np.array([0, 3, 10, 35, -5, 20, 38], np.int64)
    stops = np.array([1, 9, 10, 45, 2, 19, 40], np.int64)
    np.testing.assert_array_equal(window_sums(block, starts, stops), naive_window_sums(block, starts, stops))
    f = rng.random((3, 4, 20))
    np.testing.assert_allclose(window_sums(f, starts[:3], stops[:3]), naive_window_sums(f, starts[:3], stops[:3]))


# ------------------------------------------------------------------------------------ maps
@pytest.mark.parametrize("background", [None, "windows"])
@pytest.mark.parametrize("chunks", [(8, 8), (7, 20, 300)])
def test_element_maps_match_naive(tmp_path, cube, background, chunks):
    si = mixmap.write_spectrum_image(
        tmp_path / "c.zarr", cube, energy_offset=OFFSET, energy_scale=SCALE, fwhm_mnka=128.0, chunks=chunks
    )
    lines = ["Cu_Ka", "Cu_La", "Fe_Ka"]  # lines far apart: no window merging
    maps = mixmap.element_maps(si, lines, width=1.7, background=background)
    for line in lines:
        e = mixmap.xray_line(line)
        ref = naive_element_map(
            cube, si.energy, e, mixmap.detector_fwhm(e, 128.0) / 1000, width=1.7, background=background
        )
        np.testing.assert_allclose(maps[line], ref, rtol=1e-12, atol=1e-9)
    # physics sanity: Cu only on the left half
    cu = maps["Cu_Ka"]
    assert cu[:, :10].mean() > 10 * max(cu[:, 10:].mean(), 1)


def test_element_maps_background_merges_close_lines(store):
    from mixmap.spectral import windows

    t = windows(store, ["Cu_Ka", "Zn_Ka"], background="windows").set_index("line")
    # Cu Ka and Zn Ka are 0.59 keV apart: they share the left window of Cu and the right of Zn
    assert t.loc["Cu_Ka", "bl_lo_ch"] == t.loc["Zn_Ka", "bl_lo_ch"]
    assert t.loc["Cu_Ka", "br_hi_ch"] == t.loc["Zn_Ka", "br_hi_ch"]
    assert t.loc["Cu_Ka", "br_lo_keV"] > mixmap.xray_line("Zn_Ka")
    maps = mixmap.element_maps(store, ["Cu_Ka", "Zn_Ka"], background="windows")
    assert abs(maps["Cu_Ka"][:, 10:].mean()) < 3 and maps["Cu_Ka"][:, :10].mean() > 20


def test_element_maps_to_zarr_equals_memory(tmp_path, store):
    mem = mixmap.element_maps(store, ["Cu_Ka", "Zn_Ka"], background="windows")
    lazy = mixmap.element_maps(store, ["Cu_Ka", "Zn_Ka"], background="windows", out=tmp_path / "maps.zarr")
    for k in mem:
        np.testing.assert_array_equal(np.asarray(lazy[k]), mem[k])
    with pytest.raises(InputError, match="already exists"):
        mixmap.element_maps(store, ["Cu_Ka"], out=tmp_path / "maps.zarr")


def test_element_maps_bad_inputs(store):
    with pytest.raises(InputError, match="outside the energy range"):
        mixmap.element_maps(store, ["U_Ka"])
    with pytest.raises(InputError, match="line"):
        mixmap.element_maps(store, ["Cu_Kx"])
    with pytest.raises(InputError, match="background"):
        mixmap.element_maps(store, ["Cu_Ka"], background="linear")
    with pytest.raises(InputError, match="width"):
        mixmap.element_maps(store, ["Cu_Ka"], width=0)
    with pytest.raises(InputError, match="duplicates"):
        mixmap.element_maps(store, ["Cu_Ka", "Cu_Ka"])
    with pytest.raises(InputError, match="at least one"):
        mixmap.element_maps(store, [])
    with pytest.raises(InputError, match="outside the spectrum"):
        mixmap.element_maps(store, ["Cu_Ka"], background="windows", background_offset=(2, 30))
    with pytest.raises(InputError, match="background_offset"):
        mixmap.element_maps(store, ["Cu_Ka"], background="windows", background_offset=(-1, 2))
    with pytest.raises(InputError, match="SpectrumImage"):
        mixmap.element_maps(np.zeros((2, 2, 2)), ["Cu_Ka"])


def test_element_maps_agree_with_exspy(store, cube):
    exspy = pytest.importorskip("exspy")
    import warnings

    warnings.simplefilter("ignore")
    s = exspy.signals.EDSTEMSpectrum(cube)
    ax = s.axes_manager.signal_axes[0]
    ax.offset, ax.scale, ax.units = OFFSET, SCALE, "keV"
    s.metadata.set_item("Acquisition_instrument.TEM.Detector.EDS.energy_resolution_MnKa", 130.0)
    lines = ["Cu_Ka", "Zn_Ka", "Cu_La"]
    for bg in (None, "windows"):
        bw = s.estimate_background_windows(xray_lines=lines) if bg else None
        ref = s.get_lines_intensity(xray_lines=lines, background_windows=bw)
        ours = mixmap.element_maps(store, lines, background=bg)
        for line, r in zip(lines, ref, strict=True):
            np.testing.assert_allclose(ours[line], r.data, rtol=1e-12, atol=1e-9)


def test_maps_preview(tmp_path, store):
    maps = mixmap.element_maps(store, ["Cu_Ka", "Zn_Ka", "Cu_La"])
    fig = mixmap.plot.maps_preview(maps, pixel_size=2.0, title="t", path=tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000
    assert len([ax for ax in fig.axes if ax.get_title()]) == 3
    with pytest.raises(InputError, match="non-empty dict"):
        mixmap.plot.maps_preview({})
    with pytest.raises(InputError, match="2-D"):
        mixmap.plot.maps_preview({"a": np.zeros(3)})


def test_windows_cut_by_spectrum_end_warn(tmp_path, capsys):
    """A window reaching past the last channel is summed over the channels inside, with a warning."""
    from mixmap.cli import main

    rng = np.random.default_rng(5)
    data = rng.poisson(2, (6, 5, 180)).astype(np.uint16)  # 0 ... 1.79 keV: Si Ka window is cut
    mixmap.write_spectrum_image(tmp_path / "edge.zarr", data, energy_offset=0.0, energy_scale=0.01)
    with pytest.warns(UserWarning, match=r"Si_Ka integration window \(16 -> 14 channels\)"):
        maps = mixmap.element_maps(tmp_path / "edge.zarr", ["Si_Ka"])
    np.testing.assert_array_equal(maps["Si_Ka"], data[..., 166:180].sum(-1))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixmap.element_maps(tmp_path / "edge.zarr", ["Al_Ka"], background="windows")  # fully inside
    rc = main(
        [
            "maps",
            str(tmp_path / "edge.zarr"),
            "--lines",
            "Si_Ka",
            "--format",
            "npy",
            "--no-preview",
            "--out",
            str(tmp_path / "m"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 0 and err.count("windows cut at the ends") == 1 and "mixmap maps: warning:" in err
