"""Spectrum images (issue 6): Zarr format, conversion, element maps, line profiles, CLI."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import mixmap
from mixmap.errors import DataError, FormatError, InputError
from naive import naive_element_map, naive_window_sums

OFFSET, SCALE, NE = -0.1, 0.01, 1100  # 0-11 keV


def _cube(rng, shape=(24, 20), ne=NE):
    """Poisson cube with a Cu disc (Cu Ka, Cu La) on the left and Zn (Zn Ka) on the right."""
    ny, nx = shape
    yy, xx = np.mgrid[:ny, :nx]
    cu = (xx < nx // 2).astype(float)
    zn = 1.0 - cu
    E = OFFSET + SCALE * np.arange(ne)

    def peak(e0, fwhm_ev):
        s = fwhm_ev / 1000 / 2.3548
        return np.exp(-0.5 * ((E - e0) / s) ** 2)

    lam = (
        0.5 + 15 * cu[..., None] * (peak(8.0478, 149) + 0.5 * peak(0.9295, 67)) + 15 * zn[..., None] * peak(8.6389, 154)
    )
    return rng.poisson(lam).astype(np.uint16)


@pytest.fixture
def cube(rng):
    return _cube(rng)


@pytest.fixture
def store(tmp_path, cube):
    return mixmap.write_spectrum_image(
        tmp_path / "cube.zarr",
        cube,
        energy_offset=OFFSET,
        energy_scale=SCALE,
        beam_energy=200,
        pixel_size=2.0,
        elements=["Cu", "Zn"],
        chunks=(8, 8),
    )


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


# ------------------------------------------------------------------------------------ format
def test_write_open_roundtrip(store, cube):
    si = mixmap.open_spectrum_image(store.path)
    np.testing.assert_array_equal(si.data.compute(), cube)
    assert si.data.chunks[2] == (NE,)
    assert si.data.chunksize[:2] == (8, 8)
    np.testing.assert_allclose(si.energy, OFFSET + SCALE * np.arange(NE))
    d = si.to_dict()
    assert d["beam_energy_keV"] == 200 and d["pixel_size_nm"] == 2.0
    assert d["elements"] == ["Cu", "Zn"] and d["fwhm_mnka_eV"] == 130.0
    with open(os.path.join(store.path, "zarr.json")) as fh:
        meta = json.load(fh)
    assert meta["attributes"]["mixmap"]["complete"] is True


def test_write_from_dask_equals_numpy(tmp_path, cube):
    import dask.array as da

    a = mixmap.write_spectrum_image(tmp_path / "np.zarr", cube, energy_offset=OFFSET, energy_scale=SCALE, chunks=(8, 8))
    lazy = da.from_array(cube, chunks=(5, 7, 300))
    b = mixmap.write_spectrum_image(tmp_path / "da.zarr", lazy, energy_offset=OFFSET, energy_scale=SCALE, chunks=(8, 8))
    np.testing.assert_array_equal(a.data.compute(), b.data.compute())
    assert a.data.chunks == b.data.chunks
    assert a.to_dict() | {"path": None} == b.to_dict() | {"path": None}


def test_default_chunks_hold_whole_spectra(tmp_path):
    data = np.zeros((300, 10, 2048), np.uint16)
    si = mixmap.write_spectrum_image(tmp_path / "c.zarr", data, energy_offset=0, energy_scale=0.01)
    cy, cx, ce = si.data.chunksize
    assert ce == 2048 and cx == 10 and cy * cx * ce * 2 <= 16 * 2**20


def test_write_bad_inputs(tmp_path, cube):
    kw = dict(energy_offset=0.0, energy_scale=0.01)
    with pytest.raises(InputError, match="integer counts"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube.astype(float), **kw)
    with pytest.raises(InputError, match="3-D"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube[0], **kw)
    with pytest.raises(InputError, match="energy_scale"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, energy_offset=0, energy_scale=0)
    with pytest.raises(InputError, match="pixel_size"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, pixel_size=-1, **kw)
    with pytest.raises(InputError, match="chunks"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, chunks=(0, 4), **kw)
    for bad in (5, ["Cu", None], ["cu"], ["Cu", ""]):
        with pytest.raises(InputError, match="elements"):
            mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, elements=bad, **kw)
    assert not (tmp_path / "f.zarr").exists()
    # existing store: refused, and nothing lost
    mixmap.write_spectrum_image(tmp_path / "keep.zarr", cube, **kw)
    with pytest.raises(InputError, match="overwrite"):
        mixmap.write_spectrum_image(tmp_path / "keep.zarr", cube[:2], **kw)
    np.testing.assert_array_equal(mixmap.open_spectrum_image(tmp_path / "keep.zarr").data, cube)


def test_negative_counts_leave_incomplete_store(tmp_path, cube):
    bad = cube.astype(np.int32)
    bad[3, 4, 5] = -1
    with pytest.raises(DataError, match=">= 0"):
        mixmap.write_spectrum_image(tmp_path / "n.zarr", bad, energy_offset=0, energy_scale=0.01)
    with pytest.raises(FormatError, match="truncated"):
        mixmap.open_spectrum_image(tmp_path / "n.zarr")


def test_open_foreign_and_truncated(tmp_path, store):
    import zarr

    with pytest.raises(FormatError, match="no such"):
        mixmap.open_spectrum_image(tmp_path / "missing.zarr")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FormatError, match="not a Zarr v3"):
        mixmap.open_spectrum_image(tmp_path / "empty")
    g = zarr.open_group(tmp_path / "foreign.zarr", mode="w", zarr_format=3)
    g.create_array("data", shape=(2, 2, 4), dtype="uint16")
    with pytest.raises(FormatError, match="not a mixmap spectrum image"):
        mixmap.open_spectrum_image(tmp_path / "foreign.zarr")
    zarr.open_group(tmp_path / "v2.zarr", mode="w", zarr_format=2)
    with pytest.raises(FormatError, match="Zarr v2"):
        mixmap.open_spectrum_image(tmp_path / "v2.zarr")
    # a chunk file deleted after writing
    chunk = next(p for p in (tmp_path / "cube.zarr" / "data" / "c").rglob("*") if p.is_file())
    chunk.unlink()
    with pytest.raises(FormatError, match="chunks of 'data' are missing"):
        mixmap.open_spectrum_image(store.path)


def test_corrupted_chunk_raises_format_error(tmp_path, store):
    si = mixmap.open_spectrum_image(store.path)
    chunk = next(p for p in (tmp_path / "cube.zarr" / "data" / "c").rglob("*") if p.is_file())
    chunk.write_bytes(b"not zstd" * 10)
    with pytest.raises(FormatError, match="corrupted"):
        mixmap.element_maps(si, ["Cu_Ka"])


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
        for line, r in zip(lines, ref):
            np.testing.assert_allclose(ours[line], r.data, rtol=1e-12, atol=1e-9)


# ------------------------------------------------------------------------------------ profiles
def test_line_profile_image_and_band():
    img = np.tile(np.linspace(0.0, 1.0, 50), (20, 1))
    p = mixmap.line_profile(img, (10, 0), (10, 49), width=5, pixel_size=2.0)
    np.testing.assert_allclose(p.values, np.linspace(0, 1, 50), atol=1e-12)
    np.testing.assert_allclose(p.position_px, np.arange(50))
    np.testing.assert_allclose(p.position_m, np.arange(50) * 2e-9)
    # width 3 on a row = mean of the three rows
    rng = np.random.default_rng(1)
    noisy = rng.random((15, 30))
    q = mixmap.line_profile(noisy, (7, 2), (7, 25), width=3)
    np.testing.assert_allclose(q.values, noisy[6:9, 2:26].mean(axis=0))
    assert q.position_m is None and list(q.to_frame().columns) == ["position_px", "value"]


def test_line_profile_maps_cube_and_store(store, cube):
    maps = {"a": cube[:, :, 10].astype(float), "b": cube[:, :, 20].astype(float)}
    p = mixmap.line_profile(maps, (2, 1), (20, 17), width=3)
    assert p.values.shape[1] == 2 and p.names == ("a", "b")
    single = mixmap.line_profile(maps["b"], (2, 1), (20, 17), width=3)
    np.testing.assert_allclose(p.values[:, 1], single.values)
    a = mixmap.line_profile(store, (2, 1), (20, 17), width=3)
    b = mixmap.line_profile(cube, (2, 1), (20, 17), width=3)
    np.testing.assert_allclose(a.values, b.values)
    assert a.values.shape == (b.position_px.size, NE)
    np.testing.assert_allclose(a.position_m, a.position_px * 2e-9)  # pixel size from the store


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(start=(0, 0), end=(0, 0)), "differ"),
        (dict(start=(0, 0), end=(99, 0)), "outside"),
        (dict(start=(0, 0), end=(5, 5), width=0), "width"),
        (dict(start=(0, 0), end=(5, 5), pixel_size=-2), "pixel_size"),
    ],
)
def test_line_profile_bad(kwargs, match):
    with pytest.raises(InputError, match=match):
        mixmap.line_profile(np.ones((10, 10)), **kwargs)


def test_line_profile_bad_arrays():
    with pytest.raises(InputError, match="2-D"):
        mixmap.line_profile(np.ones(10), (0, 0), (1, 1))
    with pytest.raises(InputError, match="NaN"):
        mixmap.line_profile(np.full((4, 4), np.nan), (0, 0), (3, 3))
    with pytest.raises(InputError, match="same shape"):
        mixmap.line_profile({"a": np.ones((4, 4)), "b": np.ones((5, 4))}, (0, 0), (3, 3))


# ------------------------------------------------------------------------------------ convert
def _rsciio_signal(cube):
    axes = [
        {"name": "y", "size": cube.shape[0], "offset": 0.0, "scale": 2.5, "units": "nm", "navigate": True},
        {"name": "x", "size": cube.shape[1], "offset": 0.0, "scale": 2.5, "units": "nm", "navigate": True},
        {"name": "Energy", "size": cube.shape[2], "offset": -100.0, "scale": 20.0, "units": "eV", "navigate": False},
    ]
    meta = {
        "General": {"title": "t"},
        "Signal": {"signal_type": "EDS_TEM"},
        "Acquisition_instrument": {
            "TEM": {"beam_energy": 200.0, "Detector": {"EDS": {"energy_resolution_MnKa": 128.0}}}
        },
        "Sample": {"elements": ["Cu", "Zn"]},
    }
    return {
        "data": cube,
        "axes": axes,
        "metadata": meta,
        "original_metadata": {},
        "tmp_parameters": {},
        "attributes": {"_lazy": False},
        "package_info": {"name": "mixmap", "version": mixmap.__version__},
        "learning_results": {},
        "models": {},
    }


@pytest.mark.parametrize("plugin, ext", [("ripple", "rpl"), ("hspy", "hspy"), ("emd", "emd")])
def test_convert_roundtrip_rosettasciio(tmp_path, rng, plugin, ext):
    module = pytest.importorskip(f"rsciio.{plugin}")
    cube = rng.poisson(3.0, (9, 11, 200)).astype(np.uint16)
    src = tmp_path / f"c.{ext}"
    module.file_writer(str(src), _rsciio_signal(cube))
    si = mixmap.convert(src, tmp_path / "c.zarr", chunks=(4, 4))
    np.testing.assert_array_equal(si.data.compute(), cube)
    assert si.energy_offset == pytest.approx(-0.1) and si.energy_scale == pytest.approx(0.02)
    assert si.pixel_size == pytest.approx(2.5) and si.source == src.name
    if ext != "emd":  # the NCEM .emd writer keeps no HyperSpy metadata
        assert si.beam_energy == 200.0 and si.fwhm_mnka == 128.0
    if ext == "hspy":
        assert si.elements == ("Cu", "Zn")
    if ext == "rpl":  # the .raw file (with its .rpl next to it) works too
        si2 = mixmap.convert(src.with_suffix(".raw"), tmp_path / "raw.zarr")
        np.testing.assert_array_equal(si2.data.compute(), cube)


def _write_h5oina(path, cube, *, spectrum=True):
    import h5py

    ny, nx, nc = cube.shape
    with h5py.File(path, "w") as f:
        f["Format Version"] = np.array([b"7.0"])
        f["Index"] = np.array([b"1"])
        hdr = f.create_group("1/EDS/Header")
        for key, val in {"X Cells": nx, "Y Cells": ny}.items():
            hdr[key] = np.array([val], np.int32)
        for key, val in {
            "X Step": 0.004,
            "Y Step": 0.004,
            "Channel Width": 10.0,
            "Start Channel": -200.0,
            "Beam Voltage": 15.0,
        }.items():
            hdr[key] = np.array([val], np.float32)
        data = f.create_group("1/EDS/Data")
        if spectrum:
            data.create_dataset(
                "Spectrum", data=cube.reshape(ny * nx, nc).astype(np.int32), chunks=(nx, nc), compression="lzf"
            )
        wi = data.create_group("Window Integral")
        for name, z in (("Cu Ka1", 29), ("Zn Ka1", 30)):
            wi.create_dataset(name, data=np.zeros(ny * nx, np.float32)).attrs["Atomic Number"] = z


def test_convert_h5oina(tmp_path, rng):
    cube = rng.poisson(2.0, (13, 9, 300)).astype(np.int32)
    _write_h5oina(tmp_path / "m.h5oina", cube)
    si = mixmap.convert(tmp_path / "m.h5oina", tmp_path / "m.zarr", chunks=(5, 5))
    np.testing.assert_array_equal(si.data.compute(), cube)
    assert si.energy_offset == pytest.approx(-0.2) and si.energy_scale == pytest.approx(0.01)
    assert si.pixel_size == pytest.approx(4.0) and si.beam_energy == 15.0
    assert si.elements == ("Cu", "Zn")
    _write_h5oina(tmp_path / "nospec.h5oina", cube, spectrum=False)
    with pytest.raises(FormatError, match="Spectrum"):
        mixmap.convert(tmp_path / "nospec.h5oina", tmp_path / "n.zarr")
    assert not (tmp_path / "n.zarr").exists()


def test_convert_bad_inputs(tmp_path, store):
    with pytest.raises(FormatError, match="no such file"):
        mixmap.convert(tmp_path / "none.bcf", tmp_path / "x.zarr")
    (tmp_path / "a.xyz").write_text("hello")
    with pytest.raises(FormatError, match="unknown file type"):
        mixmap.convert(tmp_path / "a.xyz", tmp_path / "x.zarr")
    (tmp_path / "lonely.raw").write_bytes(b"\0" * 10)
    with pytest.raises(FormatError, match=".rpl header"):
        mixmap.convert(tmp_path / "lonely.raw", tmp_path / "x.zarr")
    (tmp_path / "bad.h5oina").write_text("not hdf5")
    with pytest.raises(FormatError, match="HDF5"):
        mixmap.convert(tmp_path / "bad.h5oina", tmp_path / "x.zarr")
    (tmp_path / "bad.bcf").write_bytes(b"\0" * 100)
    with pytest.raises(FormatError, match="RosettaSciIO"):
        mixmap.convert(tmp_path / "bad.bcf", tmp_path / "x.zarr")
    with pytest.raises(InputError, match="already exists.*--overwrite"):
        mixmap.convert(tmp_path / "bad.bcf", store.path)


# ------------------------------------------------------------------------------------ CLI + plot
def test_cli_maps_and_convert(tmp_path, store, rng, capsys):
    from mixmap.cli import main

    out = tmp_path / "maps"
    rc = main(["maps", store.path, "--lines", "Cu_Ka", "Zn_Ka", "--background", "windows", "--out", str(out)])
    assert rc == 0
    for name in ("Cu_Ka.npy", "Cu_Ka.tif", "Cu_Ka.png", "Zn_Ka.npy", "windows.csv", "preview.png"):
        assert (out / name).is_file(), name
    ref = mixmap.element_maps(store, ["Cu_Ka", "Zn_Ka"], background="windows")["Cu_Ka"]
    np.testing.assert_array_equal(np.load(out / "Cu_Ka.npy"), ref)
    import tifffile

    np.testing.assert_allclose(tifffile.imread(out / "Cu_Ka.tif"), ref.astype(np.float32))
    # second run refuses to overwrite; bad line -> exit 2 with one line
    assert main(["maps", store.path, "--lines", "Cu_Ka", "--out", str(out)]) == 2
    assert main(["maps", store.path, "--lines", "Qq_Ka", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "Qq_Ka" in err
    assert main(["maps", store.path, "--lines", "Cu_Ka", "--zarr", "--out", str(tmp_path / "z")]) == 0
    assert (tmp_path / "z" / "maps.zarr").is_dir()

    pytest.importorskip("rsciio.ripple")
    import rsciio.ripple

    cube = rng.poisson(3.0, (6, 7, 120)).astype(np.uint16)
    rsciio.ripple.file_writer(str(tmp_path / "s.rpl"), _rsciio_signal(cube))
    assert main(["convert", str(tmp_path / "s.rpl"), str(tmp_path / "s.zarr")]) == 0
    assert "6 x 7 pixels x 120 channels" in capsys.readouterr().out
    assert main(["convert", str(tmp_path / "s.rpl"), str(tmp_path / "s.zarr")]) == 2


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
