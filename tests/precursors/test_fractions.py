"""Spot mode: precursor molar fractions, filters, bootstrap (mixmap.precursors.fractions)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import mixmap
from mixmap import DataError, InputError
from mixmap import GenerationVolumeWarning
from mixmap.precursors.fractions import _std_ci
from mixmap.precursors.projection import _project, _project_status, _segment
from mixmap.precursors import PrecursorSamples, formula_mass
from naive import naive_precursor_fractions
from precursor_tables import mixture_atomic, spots_frame, write_autoemx_csv


def test_recovers_mean_and_sigma_of_known_mixtures(rng):
    for mean, sd in ((0.5, 0.05), (0.3, 0.15)):
        x_true = np.clip(rng.normal(mean, sd, 4000), 0, 1)
        t = spots_frame(x_true, noise=0.3, rng=rng)
        r = mixmap.precursor_fractions(t, "Al2O3", "MgO", n_boot=200, seed=3)
        assert r.n_spots == 4000 and r.n_rejected == 0
        assert r.mean == pytest.approx(x_true.mean(), abs=0.005)
        assert r.std == pytest.approx(x_true.std(), abs=0.005)
        assert r.std_ci[0] < x_true.std() + 0.005 and r.std_ci[1] > x_true.std() - 0.005
        assert r.std_sample > r.std
        assert r.molar_ratio == pytest.approx(r.mean / (1 - r.mean))
        assert r.std_pp == pytest.approx(100 * r.std)


def test_exact_compositions_give_exact_x_in_both_bases():
    x = np.linspace(0, 1, 11)
    t = spots_frame(x)
    for basis in ("atomic", "mass"):
        r = mixmap.precursor_fractions(t, "Al2O3", "MgO", basis=basis, n_boot=0)
        np.testing.assert_allclose(r.x, x, atol=1e-12)
        np.testing.assert_allclose(r.residual, 0, atol=1e-12)
    assert r.units_per_formula == pytest.approx((formula_mass("Al2O3"), formula_mass("MgO")))


def test_projection_equals_bruteforce_constrained_least_squares(rng):
    seg = _segment("Al2O3", "MgAl2O4", ["Mg", "Al", "Si", "O"], "atomic", ("H", "He", "Li"))
    S = rng.dirichlet(np.ones(4), size=300)  # many spots off the segment, some beyond its ends
    S[:50] = S[:50] * 0.1 + 0.9 * (seg.a + rng.uniform(-0.5, 1.5, (50, 1)) * (seg.b - seg.a))
    S = np.clip(S, 1e-6, None)
    St = S / S.sum(axis=1, keepdims=True)
    c, res, x = _project(St, seg)
    c0, res0, x0 = naive_precursor_fractions(S, seg.a, seg.b, seg.units_a, seg.units_b)
    np.testing.assert_allclose(c, c0, atol=1e-7)
    np.testing.assert_allclose(res, res0, atol=1e-7)
    np.testing.assert_allclose(x, x0, atol=1e-7)
    assert (c == 0).any() and (c == 1).any()  # clipping exercised
    # and a dense grid search over the segment (on the precursors' elements Mg, Al, O) agrees too
    own = [0, 1, 3]
    grid = np.linspace(0, 1, 20001)
    pts = seg.b[own] + grid[:, None] * (seg.a - seg.b)[own]
    for i in range(0, 300, 37):
        sp = S[i, own] / S[i, own].sum()
        d = np.linalg.norm(sp - pts, axis=1)
        assert c[i] == pytest.approx(grid[d.argmin()], abs=1e-4)
        p = seg.b + grid[d.argmin()] * (seg.a - seg.b)
        assert res[i] == pytest.approx(np.linalg.norm(St[i] - p), abs=1e-4)


def test_foreign_elements_count_in_residual():
    t = spots_frame(np.array([0.5, 0.5]))
    t["Si_at%"] = [0.0, 5.0]
    r = mixmap.precursor_fractions(t, "Al2O3", "MgO", n_boot=0)
    assert r.residual[0] == pytest.approx(0, abs=1e-12)
    assert r.residual[1] > 0.04
    assert r.x[1] == pytest.approx(0.5, abs=1e-12)  # Si does not bias x
    p = np.r_[mixture_atomic([0.5])[0][[2, 1, 0]] / 100, 0]  # O, Mg, Al, Si (by Z)
    assert r.residual[1] == pytest.approx(np.linalg.norm(5 / 105 * (np.array([0, 0, 0, 1]) - p)))
    t["Mg_at%"] = t["Al_at%"] = t["O_at%"] = [0.0, 0.0]
    with pytest.raises(DataError, match="no precursor element detected: 1"):
        mixmap.precursor_fractions(t, "Al2O3", "MgO")
    t = spots_frame(np.array([0.5, 0.5]))
    t["Si_at%"] = [0.0, 5.0]
    r = mixmap.precursor_fractions(t, "Al2O3", "MgO", n_boot=0, max_residual=0.02)
    assert r.n_spots == 1 and r.rejected["reason"].iloc[0] == "residual > 0.02"


def test_undetectable_hydrogen_and_analytical_error_allowance():
    # Mg(OH)2: H excluded -> 3 detected atoms per formula unit, 3.46 wt% H missing
    x = np.array([0.25, 0.5, 0.75, 0.5, 0.5])
    n = x[:, None] * np.array([2.0, 0, 3]) + (1 - x[:, None]) * np.array([0, 1.0, 2])
    t = pd.DataFrame(100 * n / n.sum(axis=1, keepdims=True), columns=["Al_at%", "Mg_at%", "O_at%"])
    t["An er w%"] = [0.0, -7.5, 4.0, 6.0, -9.0]
    r = mixmap.precursor_fractions(t, "Al2O3", "Mg(OH)2", max_analytical_error=5, n_boot=0)
    h = 100 * 2 * 1.008 / formula_mass("Mg(OH)2")
    assert r.units_per_formula == (5.0, 3.0)
    np.testing.assert_allclose(r.x, [0.25, 0.5, 0.75], atol=1e-12)  # -7.5 kept: within -(5 + 3.46)
    assert list(r.rejected["spot"]) == [3, 4]
    assert r.rejected["reason"].iloc[0] == f"analytical error outside [-{5 + h:.3g}, 5] wt%"


def test_filters_on_autoemx_fixture(tmp_path, rng):
    p = tmp_path / "Data.csv"
    write_autoemx_csv(p, rng)
    t = mixmap.read_spot_table(p)
    r = mixmap.precursor_fractions(t, "Al2O3", "MgO", accepted_flags=[0, -1], max_analytical_error=5, n_boot=0)
    reasons = dict(zip(r.rejected["spot"], r.rejected["reason"], strict=True))
    assert reasons[20] == reasons[41] == "missing composition"
    assert reasons[11] == reasons[12] == "quant_flag not in [-1, 0]"
    assert reasons[3].startswith("analytical error") and reasons[17].startswith("analytical error")
    assert r.n_spots == 60 - 6 and r.n_rejected == 6
    assert 5 in r.spot and 6 in r.spot  # flag -1 accepted
    assert 0.4 < r.mean < 0.6 and 0.03 < r.std < 0.15
    # the filters need their columns
    bare = spots_frame(np.array([0.5]))
    with pytest.raises(InputError, match="quant_flag"):
        mixmap.precursor_fractions(bare, "Al2O3", "MgO", accepted_flags=[0])
    with pytest.raises(InputError, match="analytical_error"):
        mixmap.precursor_fractions(bare, "Al2O3", "MgO", max_analytical_error=5)


def test_all_spots_rejected_is_a_clear_error(tmp_path, rng):
    p = tmp_path / "Data.csv"
    write_autoemx_csv(p, rng)
    t = mixmap.read_spot_table(p)
    with pytest.raises(DataError, match=r"no spot left .*missing composition: 2; quant_flag not in \[7\]: 58"):
        mixmap.precursor_fractions(t, "Al2O3", "MgO", accepted_flags=[7])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(basis="volume"), "basis"),
        (dict(confidence=1.5), "confidence"),
        (dict(n_boot=-1), "n_boot"),
        (dict(max_analytical_error=-1), "max_analytical_error"),
        (dict(by="batch"), "by='batch'"),
        (dict(exclude_elements=["Zz"]), "exclude_elements"),
        (dict(densities=(3.99, 3.58)), "beam_energy_keV"),
        (dict(beam_energy_keV=15), "density"),
        (dict(generation_size_um=-1), "generation_size_um"),
    ],
)
def test_bad_arguments(kwargs, match):
    t = spots_frame(np.array([0.3, 0.6]))
    with pytest.raises(InputError, match=match):
        mixmap.precursor_fractions(t, "Al2O3", "MgO", **kwargs)
    with pytest.raises(InputError, match="same detectable composition"):
        mixmap.precursor_fractions(t, "Al2O3", "Al4O6")
    with pytest.raises(InputError, match="no element left"):
        mixmap.precursor_fractions(t, "Al2O3", "LiH")


def test_by_sample_one_row_per_sample(rng):
    t = pd.concat(
        [
            spots_frame(np.clip(rng.normal(0.5, 0.04, 300), 0, 1), sample="milled"),
            spots_frame(np.clip(rng.normal(0.5, 0.20, 300), 0, 1), sample="shaken"),
        ],
        ignore_index=True,
    )
    res = mixmap.precursor_fractions(t, "Al2O3", "MgO", by="sample", n_boot=100, seed=5)
    assert isinstance(res, PrecursorSamples) and len(res) == 2
    df = res.to_frame()
    assert list(df["sample"]) == ["milled", "shaken"]
    assert df["std"].iloc[0] < 0.05 < 0.15 < df["std"].iloc[1]
    assert res["milled"].n_spots == 300
    again = mixmap.precursor_fractions(t, "Al2O3", "MgO", by="sample", n_boot=100, seed=5)
    assert again["shaken"].std_ci == res["shaken"].std_ci
    assert len(res.spots()) == 600 and set(res.spots()["sample"]) == {"milled", "shaken"}
    bad = t.copy()
    bad.loc[bad["sample"] == "shaken", "Al_at%"] = np.nan
    with pytest.raises(DataError, match="sample = 'shaken'"):
        mixmap.precursor_fractions(bad, "Al2O3", "MgO", by="sample")


def test_bootstrap_normal_limit_matches_exact_bootstrap(rng):
    x = rng.beta(4, 4, 20000)
    (lo, hi), m = _std_ci(x, np.random.default_rng(0), 400, 0.95)
    assert m == "bootstrap"
    import mixmap.precursors.fractions as P

    old = P._EXACT_BOOTSTRAP_LIMIT
    try:
        P._EXACT_BOOTSTRAP_LIMIT = 0
        (lo2, hi2), m2 = _std_ci(x, np.random.default_rng(0), 4000, 0.95)
    finally:
        P._EXACT_BOOTSTRAP_LIMIT = old
    assert m2 == "bootstrap-normal"
    assert lo < x.std() < hi and lo2 < x.std() < hi2
    assert (hi2 - lo2) == pytest.approx(hi - lo, rel=0.2)


def test_generation_volume_warning():
    t = spots_frame(np.array([0.3, 0.6]))
    with pytest.warns(GenerationVolumeWarning, match="spot spacing"):
        r = mixmap.precursor_fractions(
            t, "Al2O3", "MgO", beam_energy_keV=15, densities=(3.99, 3.58), spot_spacing_um=0.5, n_boot=0
        )
    assert r.generation_size_um == pytest.approx(
        max(mixmap.kanaya_okayama_range("Al2O3", 15, 3.99), mixmap.kanaya_okayama_range("MgO", 15, 3.58))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixmap.precursor_fractions(t, "Al2O3", "MgO", generation_size_um=1.0, spot_spacing_um=5, n_boot=0)


def test_kernel_status_codes_match_numpy_conditions(rng):

    seg = _segment("Al2O3", "MgO", ["O", "Mg", "Al", "Si"], "atomic", ("H", "He", "Li"))
    S = rng.uniform(0, 1, (400, 4))
    S[rng.random(400) < 0.1, 1] = np.nan
    S[rng.random(400) < 0.1, 2] = -0.01
    S[rng.random(400) < 0.1, :3] = 0.0  # only Si: no precursor element
    S[rng.random(400) < 0.05] = 0.0  # no signal at all
    c, res, x, status = _project_status(S, seg)
    nonfinite = ~np.isfinite(S).all(axis=1)
    with np.errstate(invalid="ignore"):
        negative = ~nonfinite & (S < 0).any(axis=1)
        empty = ~nonfinite & ~negative & ~(S.sum(axis=1) > 0)
        noprec = ~nonfinite & ~negative & ~empty & ~(S[:, :3].sum(axis=1) > 0)
    expected = np.select([nonfinite, negative, empty, noprec], [1, 2, 3, 4], 0)
    np.testing.assert_array_equal(status, expected)
    ok = status == 0
    assert np.isnan(x[~ok]).all() and np.isfinite(x[ok]).all()
    c0, res0, x0 = naive_precursor_fractions(S[ok], seg.a, seg.b, seg.units_a, seg.units_b)
    np.testing.assert_allclose(x[ok], x0, atol=1e-9)
    np.testing.assert_allclose(res[ok], res0, atol=1e-9)


def test_same_elements_different_ratio_and_missing_labels():
    # Fe2O3 vs FeO: same elements, different ratios -> the segment still separates them
    x = np.array([0.0, 0.25, 1.0])
    n = x[:, None] * np.array([2.0, 3.0]) + (1 - x[:, None]) * np.array([1.0, 1.0])
    t = pd.DataFrame(n, columns=["Fe", "O"])
    r = mixmap.precursor_fractions(t, "Fe2O3", "FeO", n_boot=0)
    np.testing.assert_allclose(r.x, x, atol=1e-12)
    t["sample"] = ["a", None, "a"]
    with pytest.raises(InputError, match="empty in 1 row"):
        mixmap.precursor_fractions(t, "Fe2O3", "FeO", by="sample")
    assert mixmap.GenerationVolumeWarning is GenerationVolumeWarning


def test_spot_spacing_needs_a_generation_size():
    t = spots_frame(np.array([0.3, 0.6]))
    with pytest.raises(InputError, match="spot_spacing_um needs a generation size"):
        mixmap.precursor_fractions(t, "Al2O3", "MgO", spot_spacing_um=0.5, n_boot=0)


def test_results_compare_hash_and_print_short(rng):
    t = spots_frame(np.clip(rng.normal(0.5, 0.1, 40), 0, 1), sample="a")
    t = pd.concat([t, spots_frame(np.clip(rng.normal(0.4, 0.1, 40), 0, 1), sample="b")], ignore_index=True)
    r1 = mixmap.precursor_fractions(t, "Al2O3", "MgO", n_boot=20)
    r2 = mixmap.precursor_fractions(t, "Al2O3", "MgO", n_boot=20)
    assert r1 == r1 and r1 != r2 and hash(r1) != hash(r2) and len({r1, r2}) == 2
    assert r1.std_ci == r2.std_ci  # seed defaults to 0: identical calls, identical numbers
    text = repr(r1)
    assert len(text) <= 300 and text.startswith("PrecursorResult(sample=None, precursor_a='Al2O3'")
    assert "<float64 array" not in text.split("std_ci")[0]
    s = mixmap.precursor_fractions(t, "Al2O3", "MgO", by="sample", n_boot=20)
    assert isinstance(s, PrecursorSamples) and s == s and hash(s) == hash(s)
    assert len(repr(s)) <= 300 and repr(s).startswith("PrecursorSamples(by='sample'")
    assert len(repr(s["a"])) <= 300 and "sample='a'" in repr(s["a"])
    assert "<table" in s._repr_html_() or "<table" in r1._repr_html_()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(confidence=95), "confidence must be a number in \\(0, 1\\) - pass a fraction"),
        (dict(n_boot=2.5), "n_boot"),
        (dict(n_boot="many"), "n_boot"),
        (dict(basis="molar"), "basis must be one of 'atomic', 'mass'"),
    ],
)
def test_argument_checks_name_the_argument(kwargs, match):
    t = spots_frame(np.array([0.3, 0.6]))
    with pytest.raises(InputError, match=match):
        mixmap.precursor_fractions(t, "Al2O3", "MgO", **kwargs)
