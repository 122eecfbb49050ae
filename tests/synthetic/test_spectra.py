"""Synthetic spectrum images (mixmap.synthetic._spectra)."""

import numpy as np
import pytest

import mixmap
from mixmap.synthetic import aggregates

SMALL = dict(d_a=30.0, d_b=30.0, n_primary=(40, 70), pixel_size=3.0)


# --- spectrum images ------------------------------------------------------------------------------
def _disc_maps():
    a = np.zeros((40, 36), bool)
    a[5:25, 4:30] = True
    b = np.zeros_like(a)
    b[15:35, 10:33] = True
    return a, b


def test_spectrum_image_chunkwise_equals_in_memory(tmp_path):
    from mixmap.synthetic import spectrum_image

    a, b = _disc_maps()
    kw = dict(elements=("C", "Si"), n_channels=300, energy_scale=0.01, counts_per_pixel=50, background=2, seed=3)
    whole = spectrum_image((a, b), chunks=(64, 64), **kw).compute()  # one chunk: in memory
    si = spectrum_image((a, b), tmp_path / "c.zarr", chunks=(16, 8), **kw)
    assert si.data.chunks[0][0] == 16 and si.data.chunks[1][0] == 8
    np.testing.assert_array_equal(si.data.compute(), whole)
    assert si.elements == ("C", "Si") and si.energy_scale == 0.01
    other = spectrum_image((a, b), chunks=(64, 64), **{**kw, "seed": 4}).compute()
    assert not np.array_equal(other, whole)


def test_spectrum_image_counts_lines_and_widths():
    from mixmap.synthetic import _spectra, spectrum_image

    a, b = _disc_maps()
    cube = spectrum_image(
        (a, b), n_channels=400, energy_scale=0.005, counts_per_pixel=(80, 40), background=1.0, seed=1
    ).compute()
    expected = 80 * a.sum() + 40 * b.sum() + 1.0 * a.size
    assert cube.sum() == pytest.approx(expected, rel=0.01)
    e = 0.005 * np.arange(400)
    only_c = cube[~b & a].sum(0)
    only_si = cube[b & ~a].sum(0)
    assert abs(e[np.argmax(only_c)] - mixmap.xray_line("C_Ka")) <= 0.0101  # peak within 2 channels
    assert abs(e[np.argmax(only_si)] - mixmap.xray_line("Si_Ka")) <= 0.0101
    assert only_si[np.abs(e - 0.2774) < 0.03].sum() < 0.01 * only_si.sum()  # no C line where only Si
    # the line spectrum has the detector FWHM at its energy
    edges = 0.001 * (np.arange(3001) - 0.5)
    L = _spectra._line_spectrum([1.74], [1.0], edges, 130.0)
    c = 0.001 * np.arange(3000)
    sd = np.sqrt((L * (c - (L * c).sum()) ** 2).sum() - 0.001**2 / 12)
    assert sd * 2.3548 * 1000 == pytest.approx(mixmap.detector_fwhm(1.74, 130.0), rel=0.01)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(elements=("C",)), "one map per"),
        (dict(elements=("C", "Xx")), "unknown element"),
        (dict(chunks=(10, 16)), "multiples of 8"),
        (dict(counts_per_pixel=-1), "counts_per_pixel"),
        (dict(energy_scale=0), "energy_scale"),
        (dict(continuum=1.0), "continuum"),
        (dict(n_channels=1), "n_channels"),
        (dict(energy_scale=0.0001, n_channels=100, elements=("Si", "Si")), "no X-ray line"),
    ],
)
def test_spectrum_image_bad_inputs(kwargs, match):
    from mixmap.synthetic import spectrum_image

    with pytest.raises(mixmap.InputError, match=match):
        spectrum_image(_disc_maps(), **kwargs)


def test_spectrum_image_bad_maps_and_existing_path(tmp_path):
    from mixmap.synthetic import spectrum_image

    a, b = _disc_maps()
    with pytest.raises(mixmap.InputError, match="non-negative"):
        spectrum_image((a * -1.0, b))
    with pytest.raises(mixmap.InputError, match="2-D"):
        spectrum_image((a, b[:5]))
    spectrum_image((a, b), tmp_path / "x.zarr", n_channels=200, seed=0)
    with pytest.raises(mixmap.InputError, match="exists"):
        spectrum_image((a, b), tmp_path / "x.zarr", n_channels=200, seed=0)
    assert (tmp_path / "x.zarr").exists()  # nothing lost


def test_spectrum_image_from_aggregate(tmp_path):
    from mixmap.synthetic import spectrum_image

    g = aggregates(1, mixing="random", seed=1, **SMALL)[0]
    si = spectrum_image(g, tmp_path / "g.zarr", n_channels=256, counts_per_pixel=200, seed=2)
    assert si.pixel_size == g.pixel_size and si.shape[:2] == g.a.shape
    maps = mixmap.element_maps(si, ["C_Ka", "Si_Ka"])
    c = np.asarray(maps["C_Ka"]) if isinstance(maps, dict) else np.asarray(maps[0])
    assert c[g.mask_a].mean() > 10 * c[~g.mask_a].mean()
