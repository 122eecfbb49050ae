"""Map mode: per-pixel precursor fractions and cutout σ (mixmap.precursors.maps)."""

import numpy as np
import pytest

import mixmap
from mixmap import DataError, GenerationVolumeWarning, InputError
from mixmap.precursors import precursor_map


def block_maps(rng, n=48, block=6):
    blk = (rng.random((n // block, n // block)) < 0.5).repeat(block, 0).repeat(block, 1)
    al = np.where(blk, 0.4, 0.0)
    mg = np.where(blk, 0.0, 0.5)
    o = np.where(blk, 0.6, 0.5)
    al[:2, :] = mg[:2, :] = o[:2, :] = 0.0  # background rows
    return {"Al": al, "Mg": mg, "O": o}, blk


def test_precursor_map_pixels_and_cutouts(rng):
    maps, blk = block_maps(rng)
    r = mixmap.precursor_map(
        maps, "Al2O3", "MgO", cutout_area_nm2=[4.0, 144.0, 900.0], pixel_size=2.0, n_samples=200, seed=1
    )
    fg = r.foreground
    assert not fg[:2].any() and fg[2:].all()
    np.testing.assert_allclose(r.x[fg], np.where(blk, 1.0, 0.0)[fg], atol=1e-12)
    assert np.isnan(r.x[~fg]).all()
    assert list(r.target_counts) == [1, 36, 225]
    # molar fraction of the whole map: formula units of Al2O3 (1/5 per px) vs MgO (1/2 per px)
    na, nb = blk[2:].sum() / 5, (~blk[2:]).sum() / 2
    assert r.mean == pytest.approx(na / (na + nb))
    # one-pixel cutouts are pure: their values are 0 or 1; sigma shrinks with area
    assert set(np.unique(r.concentrations[0])) <= {0.0, 1.0}
    assert r.cutout_std[0] > r.cutout_std[1] > r.cutout_std[2]
    df = r.to_frame()
    assert list(df["area_nm2"]) == [4.0, 144.0, 900.0] and (df["n_samples"] == 200).all()
    assert r.to_dict()["n_foreground"] == fg.sum()
    again = precursor_map(maps, "Al2O3", "MgO", cutout_px=[1, 36, 225], n_samples=200, seed=1)
    np.testing.assert_array_equal(again.concentrations, r.concentrations)


def test_precursor_map_cutout_equals_direct_sum(rng):
    maps, _ = block_maps(rng, n=24, block=3)
    r = precursor_map(maps, "Al2O3", "MgO", cutout_px=[24 * 22], n_samples=3, seed=0)
    # a cutout holding the whole foreground is the whole-map molar fraction
    np.testing.assert_allclose(r.concentrations, r.mean)


def test_precursor_map_warning_and_errors(rng):
    maps, _ = block_maps(rng, n=24, block=3)
    with pytest.warns(GenerationVolumeWarning, match="cutout"):
        precursor_map(
            maps,
            "Al2O3",
            "MgO",
            cutout_area_nm2=100.0,
            pixel_size=2.0,
            n_samples=5,
            beam_energy_keV=20,
            densities=(3.99, 3.58),
            seed=0,
        )
    with pytest.raises(InputError, match="pixel_size"):
        precursor_map(maps, "Al2O3", "MgO", cutout_area_nm2=100.0)
    with pytest.raises(InputError, match="not both"):
        precursor_map(maps, "Al2O3", "MgO", cutout_area_nm2=100.0, cutout_px=4, pixel_size=1)
    with pytest.raises(DataError, match="do not fit"):
        precursor_map(maps, "Al2O3", "MgO", cutout_px=10_000)
    bad = dict(maps, O=np.where(maps["O"] > 0, np.nan, 0))
    with pytest.raises(InputError, match="NaN"):
        precursor_map(bad, "Al2O3", "MgO")
    with pytest.raises(InputError, match="same shape"):
        precursor_map(dict(maps, O=maps["O"][:-1]), "Al2O3", "MgO")
    with pytest.raises(DataError, match="Mg"):
        precursor_map({"Al": maps["Al"], "O": maps["O"]}, "Al2O3", "MgO")
    with pytest.raises(DataError, match="no foreground"):
        precursor_map(maps, "Al2O3", "MgO", mask=np.zeros((24, 24), bool))
    with pytest.raises(InputError, match="dict"):
        precursor_map([maps["Al"]], "Al2O3", "MgO")


def test_precursor_map_compares_hashes_and_prints_short(rng):
    maps, _ = block_maps(rng)
    a = precursor_map(maps, "Al2O3", "MgO", cutout_px=[9, 36], n_samples=20)
    b = precursor_map(maps, "Al2O3", "MgO", cutout_px=[9, 36], n_samples=20)
    assert a == a and a != b and hash(a) != hash(b)
    np.testing.assert_array_equal(a.concentrations, b.concentrations)  # seed defaults to 0
    text = repr(a)
    assert len(text) <= 300 and text.startswith("PrecursorMap(precursor_a='Al2O3', precursor_b='MgO'")
    assert "target_counts=<int64 array 2>" in text
