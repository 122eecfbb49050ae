"""Intra-aggregate mixing: kernel vs naive twin, analytic cases (Section 3.1), validation."""

import numpy as np
import pytest
from naive import naive_cutouts, naive_map_tables, naive_splitmix64

import mixmap
from mixmap.mixing import sample_cutouts, sampling, schmahl_index
from mixmap.kernels import cutouts as K
from mixmap.kernels import rng as krng


def _random_items(A, B, n, rng, tmax):
    n_fg = int(((A > 0) | (B > 0)).sum())
    ranks = rng.integers(0, n_fg, n)
    targets = rng.integers(1, tmax, n)
    keys = rng.integers(0, 2**63 - 1, n).astype(np.uint64)
    return ranks, targets, keys


def test_splitmix_matches_python():
    for key, i in [(0, 0), (1, 7), (2**63 + 5, 123456)]:
        assert int(krng.splitmix64(np.uint64(key), i)) == naive_splitmix64(key, i)


@pytest.mark.parametrize("kind", ["bool", "counts"])
def test_kernel_equals_naive_twin(kind, rng):
    shape = (47, 61)
    if kind == "bool":
        A = (rng.random(shape) < 0.35).view(np.uint8)
        B = (rng.random(shape) < 0.35).view(np.uint8)
    else:
        A = rng.poisson(0.8, shape).astype(float)
        B = rng.poisson(0.6, shape).astype(float)
    SA, SB, SF = sampling._alloc_tables(A)
    stats = K.map_tables(A, B, SA, SB, SF)
    for got, ref in zip((SA, SB, SF, stats), naive_map_tables(A, B), strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-12)
    n_fg = int(((A > 0) | (B > 0)).sum())
    ranks, targets, keys = _random_items(A, B, 400, rng, n_fg + 1)
    got = K.sample_cutouts(A, B, SA, SB, SF, ranks, targets, keys)
    ref = naive_cutouts(A, B, ranks, targets, keys)
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-12, atol=1e-14)
    for g, r in zip(got[1:], ref[1:], strict=True):
        np.testing.assert_array_equal(g, r)
    np.testing.assert_array_equal(got[2], targets)  # exactly the target number of pixels


def test_map_tables_statistics_match_eq3_eq4(rng):
    a = rng.random((33, 40)) < 0.4
    b = rng.random((33, 40)) < 0.3
    T = sampling._prepare(a, b)
    A, B = a.astype(float), b.astype(float)
    pc = mixmap.mixing.pixel_classes(A, B)
    assert T.classes == pc
    assert T.s2_max == pytest.approx(mixmap.mixing.s2_max(A, B), rel=1e-12)
    # the SAT at the far corner is the total
    assert T.SF[-1, -1] == pc.n_foreground and T.SA[-1, -1] == a.sum()


def test_same_seed_same_result_any_thread_count(rng):
    import numba

    a = rng.random((80, 80)) < 0.5
    r1 = mixmap.intra_mixing(a, ~a, n_particles=10, particle_area_px=3, seed=7)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        r2 = mixmap.intra_mixing(a, ~a, n_particles=10, particle_area_px=3, seed=7)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(r1.concentrations, r2.concentrations)
    r3 = mixmap.intra_mixing(a, ~a, n_particles=10, particle_area_px=3, seed=8)
    assert not np.array_equal(r1.concentrations, r3.concentrations)


def test_segregated_map_small_cutouts_give_s2_max():
    a = np.zeros((120, 120), bool)
    a[:, :60] = True
    b = ~a
    r = mixmap.intra_mixing(a, b, n_particles=4, particle_area_px=2, n_samples=2000, seed=1)
    assert r.P == pytest.approx(0.5)
    assert r.s2_max == pytest.approx(0.25)
    assert r.s2 == pytest.approx(r.s2_max, rel=0.06)
    assert abs(r.schmahl) < 0.05


def test_random_map_one_pixel_per_particle_gives_binomial_variance(rng):
    p = 0.3
    a = rng.random((300, 300)) < p
    b = ~a
    N = 25
    r = mixmap.intra_mixing(a, b, n_particles=N, particle_area_px=1, n_samples=3000, seed=3)
    expected = r.P * (1 - r.P) / N
    assert r.s2_min == pytest.approx(expected)
    assert r.s2 == pytest.approx(expected, rel=0.08)
    assert r.schmahl == pytest.approx(1.0, abs=0.04)
    lo, hi = r.s2_ci
    assert lo < r.s2 < hi


def test_single_pixel_cutouts_give_s2_max(rng):
    a = rng.random((100, 100)) < 0.4
    b = rng.random((100, 100)) < 0.4
    with pytest.warns(RuntimeWarning, match="Schmahl index undefined"):
        r = mixmap.intra_mixing(a, b, n_particles=1, particle_area_px=1, n_samples=4000, seed=2)
    assert np.isnan(r.schmahl)  # s2_min = P(1-P) exceeds s2_max when overlap pixels exist
    assert r.target_count == 1 and (r.half_widths == 0).all()
    assert r.P11 > 0
    assert r.s2 == pytest.approx(r.s2_max, rel=0.06)


def test_swapping_a_and_b_changes_neither_s2_nor_schmahl(rng):
    a = rng.random((90, 90)) < 0.3
    b = rng.random((90, 90)) < 0.5
    p = mixmap.Particles(d_a=20, d_b=10, cv_a=0.2, cv_b=0.3, pixel_size=4)
    q = mixmap.Particles(d_a=10, d_b=20, cv_a=0.3, cv_b=0.2, pixel_size=4)
    r1 = mixmap.intra_mixing(a, b, n_particles=25, particles=p, seed=5)
    r2 = mixmap.intra_mixing(b, a, n_particles=25, particles=q, seed=5)
    assert r1.P == pytest.approx(1 - r2.P)
    assert r1.target_count == r2.target_count
    assert r1.s2 == pytest.approx(r2.s2, rel=1e-12)
    assert r1.s2_min == pytest.approx(r2.s2_min, rel=1e-12)
    assert r1.schmahl == pytest.approx(r2.schmahl, rel=1e-12)


def test_schmahl_index_edges():
    assert schmahl_index(0.25, 0.25, 0.01) == 0
    assert schmahl_index(0.01, 0.25, 0.01) == pytest.approx(1)
    assert schmahl_index(0.0, 0.25, 0.01) == np.inf
    assert np.isnan(schmahl_index(0.1, 0.01, 0.02))


def test_variance_curve_decreases_and_matches_bounds(rng):
    a = rng.random((150, 150)) < 0.5
    df = mixmap.variance_curve(a, ~a, n_particles=[1, 5, 25, 100], particle_area_px=1, n_samples=400, seed=0)
    assert list(df.columns) == ["n_particles", "target_count", "s2", "s2_max", "s2_min", "schmahl"]
    assert (np.diff(df["s2"]) < 0).all()
    np.testing.assert_allclose(df["s2"], df["s2_min"], rtol=0.2)


def test_sample_cutouts_public(rng):
    a = rng.random((40, 40))
    b = rng.random((40, 40))
    conc, hw, cnt = sample_cutouts(a, b, [1, 9, 50], n_samples=20, seed=0)
    assert conc.shape == (3, 20)
    assert (cnt == np.array([[1], [9], [50]])).all()
    assert ((conc > 0) & (conc < 1)).all()


# ---- bad input: a clear MixmapError per case --------------------------------------------------------
GOOD = np.eye(8, dtype=bool)


@pytest.mark.parametrize(
    "a, b, match",
    [
        (np.ones((4, 4), bool), np.ones((4, 5), bool), "same shape"),
        (np.ones(16, bool), np.ones(16, bool), "2-D"),
        (np.ones((4, 4, 3)), np.ones((4, 4, 3)), "RGB"),
        (np.full((4, 4), np.nan), np.ones((4, 4)), "NaN"),
        (-np.ones((4, 4)), np.ones((4, 4)), "negative"),
        (np.zeros((4, 4), bool), np.zeros((4, 4), bool), "no foreground"),
        (np.ones((4, 4), bool), np.zeros((4, 4), bool), "only one element"),
        (np.array([["x"]]), np.array([["y"]]), "dtype"),
    ],
)
def test_bad_maps(a, b, match):
    with pytest.raises(mixmap.MixmapError, match=match):
        mixmap.intra_mixing(a, b, n_particles=1, particle_area_px=1, n_samples=5)


def test_bad_particle_arguments():
    with pytest.raises(mixmap.InputError, match="exactly one"):
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=2)
    with pytest.raises(mixmap.InputError, match="exactly one"):
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=2, particle_area_px=1, particles=mixmap.Particles(1, 1))
    with pytest.raises(mixmap.InputError, match="particle_area_px"):
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=2, particle_area_px=-1)
    with pytest.raises(mixmap.InputError, match="d_a"):
        mixmap.Particles(d_a=-3, d_b=1)
    with pytest.raises(mixmap.InputError, match="n_samples"):
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=2, particle_area_px=1, n_samples=1)
    with pytest.raises(mixmap.InputError, match="no pixel"):
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=1, particle_area_px=0.1)
    with pytest.raises(ValueError):  # MixmapError is a ValueError
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=2, particle_area_px=1, seed=-1)


def test_cutout_larger_than_aggregate():
    with pytest.raises(mixmap.DataError, match="exceeds the aggregate"):
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=100, particle_area_px=1)
    with pytest.raises(mixmap.DataError, match="at most n_particles=64"):
        mixmap.variance_curve(GOOD, ~GOOD, n_particles=[1, 64, 65], particle_area_px=1)


def test_inputs_are_not_modified():
    a = GOOD.copy()
    b = (~GOOD).astype(np.uint16) * 7
    mixmap.intra_mixing(a, b, n_particles=3, particle_area_px=1, n_samples=10, seed=0)
    assert (a == GOOD).all() and (b == (~GOOD) * 7).all() and b.dtype == np.uint16


# ---- result object, default seed, validation of the shared checks ------------------------------------


def test_intra_result_compares_hashes_and_prints_short(rng):
    a = rng.random((48, 48)) < 0.5
    r = mixmap.intra_mixing(a, ~a, n_particles=9, particle_area_px=1)
    assert r == r and r != mixmap.intra_mixing(a, ~a, n_particles=9, particle_area_px=1)  # identity
    assert isinstance(hash(r), int) and len({r, r}) == 1
    text = repr(r)
    assert len(text) <= 300 and "\n" not in text and text.startswith("IntraResult(P=")
    assert "array" in text or "..." in text  # arrays by shape, never dumped
    assert "<table>" in r._repr_html_()


def test_intra_result_to_dict_and_frame_unchanged(rng):
    a = rng.random((48, 48)) < 0.5
    r = mixmap.intra_mixing(a, ~a, n_particles=9, particle_area_px=1, seed=3)
    keys = ["P", "P10", "P01", "P11", "n_foreground", "n_particles", "target_count", "n_samples", "s2",
            "s2_max", "s2_min", "schmahl", "confidence", "s2_ci_low", "s2_ci_high"]  # fmt: skip
    assert list(r.to_dict()) == keys
    assert list(r.to_dict(arrays=True)) == [*keys, "concentrations", "half_widths", "counts", "centres"]
    assert (r.to_dict()["s2_ci_low"], r.to_dict()["s2_ci_high"]) == r.s2_ci
    assert list(r.to_frame().columns) == keys and len(r.to_frame()) == 1


def test_default_seed_gives_identical_numbers(rng):
    a = rng.random((64, 64)) < 0.5
    r1 = mixmap.intra_mixing(a, ~a, n_particles=25, particle_area_px=1)
    r2 = mixmap.intra_mixing(a, ~a, n_particles=25, particle_area_px=1)
    assert r1.s2 == r2.s2 and r1.schmahl == r2.schmahl
    np.testing.assert_array_equal(r1.concentrations, r2.concentrations)
    r0 = mixmap.intra_mixing(a, ~a, n_particles=25, particle_area_px=1, seed=0)
    assert r0.schmahl == r1.schmahl  # the default is seed=0
    c1 = mixmap.variance_curve(a, ~a, n_particles=[1, 4], particle_area_px=1, n_samples=30)
    c2 = mixmap.variance_curve(a, ~a, n_particles=[1, 4], particle_area_px=1, n_samples=30)
    np.testing.assert_array_equal(c1["s2"], c2["s2"])
    np.testing.assert_array_equal(sample_cutouts(a, ~a, 5, n_samples=10)[0], sample_cutouts(a, ~a, 5, n_samples=10)[0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"confidence": 95}, r"confidence must be a number in \(0, 1\) - pass a fraction"),
        ({"confidence": 1.0}, "confidence"),
        ({"n_samples": 2.5}, r"n_samples must be an integer >= 2 \(Eq. 1"),
        ({"n_samples": True}, "n_samples"),
    ],
)
def test_shared_checks_name_the_argument(kwargs, match):
    with pytest.raises(mixmap.InputError, match=match):
        mixmap.intra_mixing(GOOD, ~GOOD, n_particles=2, particle_area_px=1, **kwargs)


def test_bounds_equal_to_rounding_give_nan_not_3e14():
    """Issue 12: s2_max and s2_min equal to rounding made Eq. (6) return about -3e14."""
    import pandas as pd

    a = np.zeros((71, 77), bool)
    a[:, :21] = True
    b = ~a
    b[:3, :3] = False
    with pytest.warns(mixmap.UndefinedIndexWarning, match="Schmahl index undefined"):
        r = mixmap.intra_mixing(a, b, n_particles=1, particle_area_px=50)
    assert abs(r.s2_max - r.s2_min) < 1e-15 and np.isnan(r.schmahl)
    t = pd.DataFrame({"group": ["g"] * 3, "P": [r.P, 0.4, 0.5], "schmahl": [r.schmahl, 0.5, 0.6]})
    s = mixmap.inter_mixing(t, n_boot=50)
    assert s.loc["g", "n_undefined"] == 1 and s.loc["g", "n"] == 2
    assert s.loc["g", "M_mean"] == pytest.approx(0.55)
