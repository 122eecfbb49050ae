"""Precursor intermixing from EDS spot compositions (issue 8)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import mixmap
from mixmap import DataError, FormatError, InputError
from mixmap import GenerationVolumeWarning
from mixmap.precursors import (
    PrecursorSamples,
    _project,
    _segment,
    _std_ci,
    formula_mass,
    parse_formula,
    precursor_map,
)
from naive import naive_precursor_fractions

# atoms per formula unit: Al2O3 -> Al 2, O 3 ; MgO -> Mg 1, O 1
AL2O3 = np.array([2.0, 0.0, 3.0])
MGO = np.array([0.0, 1.0, 1.0])


def mixture_atomic(x):
    """Atomic percent (Al, Mg, O) of x mol Al2O3 + (1 - x) mol MgO."""
    x = np.asarray(x, dtype=float)[:, None]
    n = x * AL2O3 + (1 - x) * MGO
    return 100 * n / n.sum(axis=1, keepdims=True)


def spots_frame(x, noise=0.0, rng=None, sample=None):
    at = mixture_atomic(x)
    if noise:
        at = np.clip(at + rng.normal(0, noise, at.shape), 0, None)
        at = 100 * at / at.sum(axis=1, keepdims=True)
    df = pd.DataFrame({"Al_at%": at[:, 0], "Mg_at%": at[:, 1], "O_at%": at[:, 2]})
    if sample is not None:
        df.insert(0, "sample", sample)
    return df


def write_autoemx_csv(path, rng, n=60, x_mean=0.5, x_sd=0.08):
    """A realistic AutoEMXSp Data.csv of an Al2O3 + MgO mixture (15 keV, spot mode).

    Includes failed spots (empty compositions, Quant_flag 2/3, comments), flags 0/-1/1,
    analytical errors with a few outliers, spectra stored as strings, coordinates, fit metrics.
    """
    x = np.clip(rng.normal(x_mean, x_sd, n), 0, 1)
    at = mixture_atomic(x)
    at = np.clip(at + rng.normal(0, 0.4, at.shape), 0, None)
    at = 100 * at / at.sum(axis=1, keepdims=True)
    wts = np.array([26.9815384, 24.305, 15.999])
    w = at * wts
    err = rng.normal(0, 1.5, n)
    err[[3, 17]] = [9.0, -12.0]  # outliers
    w = w / w.sum(axis=1, keepdims=True) * (100 + err[:, None])
    flags = np.zeros(n, dtype=int)
    flags[[5, 6, 7]] = -1
    flags[[11, 12]] = 1
    failed = [20, 41]
    rows = []
    for i in range(n):
        bad = i in failed
        spec = "[" + ", ".join(str(v) for v in rng.poisson(40, 8)) + ", ...]"
        row = {
            "Spectrum #": i,
            "Particle #": i // 3,
            "Frame ID": i // 20,
            "x": round(float(rng.uniform(-0.5, 0.5)), 4),
            "y": round(float(rng.uniform(-0.4, 0.4)), 4),
            "Spectrum": spec,
            "Background": spec,
            "Real_time": 11.8,
            "Live_time": 10.0,
        }
        for j, el in enumerate(("Al", "Mg", "O")):
            row[f"{el}_at%"] = "" if bad else round(float(at[i, j]), 3)
        for j, el in enumerate(("Al", "Mg", "O")):
            row[f"{el}_w%"] = "" if bad else round(float(w[i, j]), 3)
        row["An er w%"] = "" if bad else round(float(err[i]), 3)
        row["r_squared"] = "" if bad else 0.99
        row["redchi_sq"] = "" if bad else 1.1
        row["Quant_flag"] = 3 if bad else int(flags[i])
        row["Comments"] = "Spectrum could not be fitted" if bad else "min counts 1503"
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)
    return x


# --- formula parser ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "formula, expected",
    [
        ("Al2O3", {"Al": 2, "O": 3}),
        ("Ca(OH)2", {"Ca": 1, "O": 2, "H": 2}),
        ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}),
        ("Ca10(PO4)6(OH)2", {"Ca": 10, "P": 6, "O": 26, "H": 2}),
        ("Fe((CO)2)3", {"Fe": 1, "C": 6, "O": 6}),
        ("CuSO4·5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
        ("MgSO4*7H2O", {"Mg": 1, "S": 1, "O": 11, "H": 14}),
        ("CaSO4•0.5H2O", {"Ca": 1, "S": 1, "O": 4.5, "H": 1}),
        ("Li0.5Mn2O4", {"Li": 0.5, "Mn": 2, "O": 4}),
        ("La.7Sr.3MnO3", {"La": 0.7, "Sr": 0.3, "Mn": 1, "O": 3}),
        (" Al2 O3 ", {"Al": 2, "O": 3}),
        ("CO", {"C": 1, "O": 1}),
        ("Co", {"Co": 1}),
        ({"Mg": 1, "O": 1}, {"Mg": 1, "O": 1}),
    ],
)
def test_parse_formula(formula, expected):
    got = parse_formula(formula)
    assert got == pytest.approx({k: float(v) for k, v in expected.items()})
    assert list(got) == list(expected)  # order of first appearance


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "Xx2",
        "Ca(OH",
        "CaOH)2",
        "()",
        "Fe3+",
        "co",
        "O0",
        "Al2O3·",
        "H2O·xH2O",
        "CuSO4.5H2O",
        "Al-2O3",
        42,
        {"Qq": 1},
        {"Mg": 0},
        {},
    ],
)
def test_parse_formula_rejects(bad):
    with pytest.raises(InputError):
        parse_formula(bad)


def test_formula_mass_uses_standard_atomic_weights():
    assert formula_mass("Al2O3") == pytest.approx(101.961, abs=2e-3)
    assert formula_mass("CuSO4·5H2O") == pytest.approx(249.68, abs=0.01)


# --- reading tables ----------------------------------------------------------------------------
def test_read_autoemx_table(tmp_path, rng):
    p = tmp_path / "Al2O3_MgO" / "Data.csv"
    p.parent.mkdir()
    write_autoemx_csv(p, rng)
    t = mixmap.read_spot_table(p)
    assert list(t.columns[:8]) == [
        "spot",
        "particle",
        "frame",
        "spot_x",
        "spot_y",
        "quant_flag",
        "analytical_error",
        "O_at%",
    ]
    assert [c for c in t.columns if c.endswith("%")] == [
        "O_at%",
        "Mg_at%",
        "Al_at%",
        "O_w%",
        "Mg_w%",
        "Al_w%",
    ]  # ordered by Z
    assert len(t) == 60
    assert t.loc[[20, 41], "Al_at%"].isna().all()
    assert t["quant_flag"].iloc[20] == 3
    assert "Spectrum" not in t and "Comments" not in t
    # lossless round trip through precursor_fractions
    r1 = mixmap.precursor_fractions(t, "Al2O3", "MgO", seed=1)
    r2 = mixmap.precursor_fractions(pd.read_csv(p), "Al2O3", "MgO", seed=1)
    np.testing.assert_allclose(r1.x, r2.x)


@pytest.mark.parametrize(
    "names, basis",
    [
        (("Al", "Mg", "O"), "atomic"),
        (("Al (at%)", "Mg (at%)", "O (at%)"), "atomic"),
        (("Al at.%", "Mg at.%", "O at.%"), "atomic"),
        (("Al_wt%", "Mg_wt%", "O_wt%"), "mass"),
        (("Al (wt.%)", "Mg (wt.%)", "O (wt.%)"), "mass"),
        (("Al_mass%", "Mg_mass%", "O_mass%"), "mass"),
    ],
)
def test_generic_columns_and_bases(tmp_path, names, basis):
    x = np.array([0.2, 0.5, 0.8])
    at = mixture_atomic(x)
    wts = np.array([26.9815384, 24.305, 15.999])
    vals = at if basis == "atomic" else 100 * at * wts / (at * wts).sum(axis=1, keepdims=True)
    df = pd.DataFrame(vals / 100, columns=list(names))  # fractions: renormalised anyway
    df.insert(0, "Sample", "s1")
    p = tmp_path / "generic.csv"
    df.to_csv(p, sep=";", index=False)
    t = mixmap.read_spot_table(p)
    assert (t["sample"] == "s1").all()
    for b in ("atomic", "mass"):
        r = mixmap.precursor_fractions(t, "Al2O3", "MgO", basis=b, n_boot=0)
        np.testing.assert_allclose(r.x, x, atol=1e-9)


def test_bad_tables(tmp_path):
    p = tmp_path / "t.csv"
    pd.DataFrame({"spot": [1, 2], "counts": [3, 4]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="no element composition columns"):
        mixmap.read_spot_table(p)
    pd.DataFrame({"Al_at%": [1.0], "Al (at%)": [1.0]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="both hold Al"):
        mixmap.read_spot_table(p)
    pd.DataFrame({"Al_at%": [1.0, "n/a?"], "O_at%": [1.0, 2.0]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="non-numeric"):
        mixmap.read_spot_table(p)
    pd.DataFrame({"Al_at%": [1.0], "O_at%": [1.0], "O_w%": [1.0]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="not both"):
        mixmap.read_spot_table(p)
    with pytest.raises(FileNotFoundError):
        mixmap.read_spot_table(tmp_path / "missing.csv")
    # the precursor element Mg is not in the table
    t = pd.DataFrame({"Al_at%": [40.0], "O_at%": [60.0]})
    with pytest.raises(DataError, match=r"\['Mg'\]"):
        mixmap.precursor_fractions(t, "Al2O3", "MgO")
    with pytest.raises(InputError, match="DataFrame"):
        mixmap.precursor_fractions(np.zeros((3, 3)), "Al2O3", "MgO")


# --- the method --------------------------------------------------------------------------------
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
    reasons = dict(zip(r.rejected["spot"], r.rejected["reason"]))
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
    import mixmap.precursors as P

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


# --- map mode ----------------------------------------------------------------------------------
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


# --- plot and CLI ------------------------------------------------------------------------------
def test_violin_plot(tmp_path, rng):
    t = pd.concat(
        [spots_frame(np.clip(rng.normal(0.5, s, 80), 0, 1), sample=name) for name, s in (("a", 0.05), ("b", 0.2))],
        ignore_index=True,
    )
    res = mixmap.precursor_fractions(t, "Al2O3", "MgO", by="sample", n_boot=50, seed=0)
    fig = mixmap.plot.violin(res, path=tmp_path / "v.png", max_points=50)
    assert (tmp_path / "v.png").stat().st_size > 10_000
    ax = fig.axes[0]
    texts = [tx.get_text() for tx in ax.texts]
    assert texts[0].startswith(f"σ = {res['a'].std_pp:.1f} pp")
    assert "Al2O3" in ax.get_ylabel()
    assert any("MgO" in a.get_ylabel() for a in fig.axes[0].child_axes)
    assert "per sample shown" in ax.get_legend().get_texts()[0].get_text()
    mixmap.plot.violin(res["a"])
    with pytest.raises(InputError):
        mixmap.plot.violin(t)
    with pytest.raises(InputError, match="labels"):
        mixmap.plot.violin(res, labels=["only one"])


def test_cli(tmp_path, rng, capsys):
    from mixmap.cli import main

    for name in ("milled", "shaken"):
        d = tmp_path / name
        d.mkdir()
        write_autoemx_csv(d / "Data.csv", rng, x_sd=0.03 if name == "milled" else 0.2)
    out, fig = tmp_path / "x.csv", tmp_path / "violin.png"
    rc = main(
        [
            "precursors",
            str(tmp_path / "milled" / "Data.csv"),
            str(tmp_path / "shaken" / "Data.csv"),
            "--a",
            "Al2O3",
            "--b",
            "MgO",
            "--flags",
            "0,-1",
            "--max-error",
            "5",
            "--figure",
            str(fig),
            "--out",
            str(out),
            "--beam-energy",
            "15",
            "--density-a",
            "3.99",
            "--density-b",
            "3.58",
            "--spot-spacing",
            "1",
            "--boot",
            "50",
        ]
    )
    captured = capsys.readouterr()
    assert rc == 0
    assert "[milled] n = 54 spots (6 rejected)" in captured.out
    assert "[shaken]" in captured.out and "sigma =" in captured.out
    assert "GenerationVolumeWarning" not in captured.err and "warning: the spot spacing" in captured.err
    assert fig.exists() and set(pd.read_csv(out)["sample"]) == {"milled", "shaken"}
    rc = main(["precursors", str(tmp_path / "milled" / "Data.csv"), "--a", "Al2O3", "--b", "MgOx"])
    assert rc == 2 and "unknown element" in capsys.readouterr().err
    rc = main(
        ["precursors", str(tmp_path / "milled" / "Data.csv"), "--a", "Al2O3", "--b", "MgO", "--json", "--boot", "0"]
    )
    assert rc == 0 and '"n_spots": 58' in capsys.readouterr().out


def test_kernel_status_codes_match_numpy_conditions(rng):
    from mixmap.precursors import _project_status

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


def test_semicolon_decimal_comma_table(tmp_path):
    p = tmp_path / "eu.csv"
    p.write_text(
        "Spectrum #;Al_at%;Mg_at%;O_at%;Quant_flag\n0;30,5;10,2;59,3;0\n1;20,0;25,0;55,0;0\n", encoding="utf-8"
    )
    t = mixmap.read_spot_table(p)
    assert t["Al_at%"].tolist() == [30.5, 20.0]
    p.write_text("Al_at%;O_at%\n1,0;abc\n", encoding="utf-8")
    with pytest.raises(FormatError, match="eu.csv: column 'O_at%' has non-numeric"):
        mixmap.read_spot_table(p)


def test_spot_spacing_needs_a_generation_size():
    t = spots_frame(np.array([0.3, 0.6]))
    with pytest.raises(InputError, match="spot_spacing_um needs a generation size"):
        mixmap.precursor_fractions(t, "Al2O3", "MgO", spot_spacing_um=0.5, n_boot=0)


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--spot-spacing", "1"], "--spot-spacing needs --beam-energy"),
        (["--density-a", "3.99", "--density-b", "3.58"], "--density-a/--density-b need --beam-energy"),
        (["--beam-energy", "15", "--density-a", "3.99"], "pass --density-b G/CM3"),
        (["--beam-energy", "-3"], "--beam-energy must be a positive number"),
    ],
)
def test_cli_generation_flags_named(tmp_path, rng, capsys, extra, match):
    from mixmap.cli import main

    write_autoemx_csv(tmp_path / "Data.csv", rng, x_sd=0.05)
    rc = main(["precursors", str(tmp_path / "Data.csv"), "--a", "Al2O3", "--b", "MgO", "--boot", "0"] + extra)
    err = capsys.readouterr().err
    assert rc == 2 and match in err and "Traceback" not in err and "_keV" not in err


def test_cli_given_generation_size_is_labelled(tmp_path, rng, capsys):
    from mixmap.cli import main

    write_autoemx_csv(tmp_path / "Data.csv", rng, x_sd=0.05)
    rc = main(
        [
            "precursors",
            str(tmp_path / "Data.csv"),
            "--a",
            "Al2O3",
            "--b",
            "MgO",
            "--boot",
            "0",
            "--generation-size",
            "2",
            "--spot-spacing",
            "1",
        ]
    )
    cap = capsys.readouterr()
    assert rc == 0 and "X-ray generation size (given): 2 um" in cap.out and "Kanaya" not in cap.out
    assert "warning: the spot spacing (1 µm)" in cap.err
