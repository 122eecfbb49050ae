"""Scale of segregation: exact R(h) (Eqs. 7-8), sampled estimator, smoothing, mean (Eq. 9), fits (Eq. 14)."""

import math

import numpy as np
import pytest

import mixmap
from mixmap import DataError, InputError
from mixmap.segregation import (
    CorrelationResult,
    MeanCorrelation,
    _auto_window,
    _model_sinc_exp,
    correlation_models,
    fft_memory,
)
from mixmap.kernels import pairs as kpairs
from mixmap.kernels import radial as kradial
from mixmap.mixing import pixel_concentration
from naive import (
    naive_displacement_sums,
    naive_pair_sums,
    naive_radial_pair_sums,
    naive_random_pair_sums,
    naive_ring_offsets,
)


def blob_maps(rng, shape=(17, 23), p_fg=0.75, p_overlap=0.15):
    """An irregular aggregate with A, B and overlap pixels, with holes and a ragged edge."""
    H, W = shape
    yy, xx = np.mgrid[:H, :W]
    r = np.hypot((yy - H / 2) / (H / 2), (xx - W / 2) / (W / 2))
    fg = (r < 0.95) & (rng.random(shape) < p_fg)
    a_side = (xx + 3 * np.sin(yy / 2.0)) < W / 2
    a = fg & (a_side | (rng.random(shape) < p_overlap))
    b = fg & (~a_side | (rng.random(shape) < p_overlap))
    return a, b


def expected(a, b, h_max, direction=None):
    A, B = np.asarray(a, float), np.asarray(b, float)
    x, fg = pixel_concentration(A, B)
    P = A.sum() / (A.sum() + B.sum())
    s2 = np.mean((x[fg] - P) ** 2)
    S, N = naive_pair_sums(np.where(fg, x - P, 0.0), fg, h_max, direction)
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.where(N > 1, S / (N - 1), np.nan) / s2
    return S, N, R


def test_fft_equals_brute_force_bool_maps(rng):
    a, b = blob_maps(rng)
    assert (a & b).any() and (a & ~b).any() and (~a & b).any()
    res = mixmap.correlation(a, b, h_max=14)
    S, N, R = expected(a, b, 14)
    np.testing.assert_array_equal(res.n_pairs, N)
    np.testing.assert_allclose(res.sum_products, S, rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.R, R, rtol=0, atol=1e-10, equal_nan=True)
    # total pair count: every unordered pair within range counted once
    assert res.n_pairs[1:].sum() <= res.n_foreground * (res.n_foreground - 1) // 2


def test_fft_equals_brute_force_intensity_maps_and_large_h(rng):
    a, b = blob_maps(rng, shape=(13, 9))
    A = a * rng.integers(1, 20, a.shape)
    B = b * rng.random(b.shape) * 7
    res = mixmap.correlation(A, B, h_max=20)  # beyond the map diagonal: empty bins
    S, N, R = expected(A, B, 20)
    np.testing.assert_array_equal(res.n_pairs, N)
    np.testing.assert_allclose(res.R, R, rtol=0, atol=1e-10, equal_nan=True)
    assert res.n_pairs[-1] == 0 and np.isnan(res.R[-1]) and np.isnan(res.C[-1])
    # all pairs of the map are within h_max = 20 > diagonal
    assert res.n_pairs[1:].sum() == res.n_foreground * (res.n_foreground - 1) // 2


@pytest.mark.parametrize("direction", [0.0, (90.0, 10.0), (45.0, 0.0), (135.0, 30.0)])
def test_direction_equals_brute_force(rng, direction):
    a, b = blob_maps(rng, shape=(15, 15))
    res = mixmap.correlation(a, b, h_max=9, direction=direction)
    d = direction if isinstance(direction, tuple) else (direction, 22.5)
    S, N, R = expected(a, b, 9, d)
    np.testing.assert_array_equal(res.n_pairs, N)
    np.testing.assert_allclose(res.R, R, rtol=0, atol=1e-10, equal_nan=True)
    assert res.direction == d


def test_direction_sees_anisotropy():
    # vertical stripes of width 4: correlated along columns (90 deg), alternating along rows (0 deg)
    xx = np.arange(64)[None, :].repeat(64, 0)
    a = (xx // 4) % 2 == 0
    along = mixmap.correlation(a, ~a, h_max=8, direction=(90, 5))
    across = mixmap.correlation(a, ~a, h_max=8, direction=(0, 5))
    np.testing.assert_allclose(along.R[1:], 1.0, atol=0.02)
    assert across.R[4] < -0.9 and across.R[8] > 0.9


def test_R0_is_n0_over_n0_minus_1(rng):
    a, b = blob_maps(rng)
    res = mixmap.correlation(a, b, h_max=3)
    n0 = res.n_foreground
    assert res.n_pairs[0] == n0
    assert res.R[0] == pytest.approx(n0 / (n0 - 1), abs=1e-12)


def test_swap_a_b_leaves_R_unchanged(rng):
    a, b = blob_maps(rng, shape=(30, 30))
    r1 = mixmap.correlation(a, b, h_max=12)
    r2 = mixmap.correlation(b, a, h_max=12)
    np.testing.assert_allclose(r1.R, r2.R, atol=1e-12)
    assert r1.P == pytest.approx(1 - r2.P)


def test_random_map_is_uncorrelated(rng):
    a = rng.random((160, 160)) < 0.4
    res = mixmap.correlation(a, ~a, h_max=20)
    assert np.max(np.abs(res.R[1:])) < 0.03
    assert res.R[0] == pytest.approx(1.0, abs=1e-4)


def test_sampled_estimator_converges_to_exact(rng):
    a, b = blob_maps(rng, shape=(48, 56), p_fg=0.9)
    exact = mixmap.correlation(a, b, h_max=15)
    samp = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=60000, seed=3)
    assert samp.method == "pairs" and samp.tiles == 0
    assert np.all(samp.n_pairs == 60000)
    np.testing.assert_allclose(samp.R, exact.R, atol=0.03)
    few = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=300, seed=3)
    err_few = np.nanmean(np.abs(few.R - exact.R))
    err_many = np.nanmean(np.abs(samp.R - exact.R))
    assert err_many < err_few
    # reproducible for a seed, different for another
    again = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=300, seed=3)
    np.testing.assert_array_equal(few.R, again.R)
    other = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=300, seed=4)
    assert not np.array_equal(few.R, other.R)


def test_pairs_kernel_equals_naive_twin(rng):
    a, b = blob_maps(rng, shape=(12, 14))
    x, fg = pixel_concentration(a.astype(float), b.astype(float))
    f = np.where(fg, x - 0.5, 0.0)
    keys = rng.integers(0, 2**63 - 1, size=7, dtype=np.int64).astype(np.uint64)
    for direction in (None, (30.0, 20.0)):
        use, th, tol = (False, 0.0, 90.0) if direction is None else (True, *direction)
        dy, dx, st = kpairs.ring_offsets(6, use, th, tol)
        ndy, ndx, nst = naive_ring_offsets(6, direction)
        np.testing.assert_array_equal(dy, ndy)
        np.testing.assert_array_equal(dx, ndx)
        np.testing.assert_array_equal(st, nst)
        S, N = kpairs.random_pair_sums(
            f.ravel(), fg.ravel(), f.shape[1], np.flatnonzero(fg).astype(np.int64), dy, dx, st, 50, 400, keys
        )
        nS, nN = naive_random_pair_sums(f, fg, 6, 50, 400, keys, direction)
        np.testing.assert_array_equal(N, nN)
        np.testing.assert_allclose(S, nS, rtol=1e-13, atol=1e-13)


def test_radial_kernel_and_fft_windows_equal_naive(rng):
    a, b = blob_maps(rng, shape=(11, 16))
    x, fg = pixel_concentration(a.astype(float), b.astype(float))
    f = np.where(fg, x - 0.4, 0.0)
    wf, wm = naive_displacement_sums(f, fg, 7)
    np.testing.assert_allclose(_auto_window(f, 7), wf, atol=1e-10)
    np.testing.assert_array_equal(np.rint(_auto_window(fg.astype(float), 7)).astype(np.int64), wm)
    for direction in (None, (60.0, 25.0)):
        use, th, tol = (False, 0.0, 90.0) if direction is None else (True, *direction)
        S, N = kradial.radial_pair_sums(wf, wm, 7, use, th, tol)
        nS, nN = naive_radial_pair_sums(wf, wm, 7, direction)
        np.testing.assert_array_equal(N, nN)
        np.testing.assert_allclose(S, nS, atol=1e-12)


def test_tiled_equals_untiled(rng):
    a, b = blob_maps(rng, shape=(70, 90), p_fg=0.85)
    full = mixmap.correlation(a, b, h_max=9)
    assert full.tiles == 1
    budget = 48 * 40**2  # tiles of 22 px + overlap 9 on each side
    assert fft_memory(a.shape, 9) > budget
    tiled = mixmap.correlation(a, b, h_max=9, memory_budget=budget)
    assert tiled.tiles > 4
    np.testing.assert_array_equal(tiled.n_pairs, full.n_pairs)
    np.testing.assert_allclose(tiled.sum_products, full.sum_products, rtol=0, atol=1e-9)
    np.testing.assert_allclose(tiled.R, full.R, rtol=0, atol=1e-12)
    # and the tiled result is exact against brute force, including a direction
    S, N, R = expected(a[:30, :40], b[:30, :40], 6, (0.0, 40.0))
    t2 = mixmap.correlation(a[:30, :40], b[:30, :40], h_max=6, direction=(0, 40), memory_budget=48 * 20**2)
    assert t2.tiles > 4
    np.testing.assert_array_equal(t2.n_pairs, N)
    np.testing.assert_allclose(t2.R, R, atol=1e-10)


def test_default_h_max_and_pixel_size():
    a = np.zeros((50, 60), bool)
    a[10:30, 5:45] = True  # extent 40 px
    b = np.zeros_like(a)
    b[10:30, 25:45] = True
    a[10:30, 25:45] = False
    res = mixmap.correlation(a, b, pixel_size=2.5)
    assert res.h_max == 20 and len(res.h) == 21
    np.testing.assert_allclose(res.h_nm, res.h * 2.5)
    df = res.to_frame()
    assert list(df.columns) == ["h", "h_nm", "C", "R", "n_pairs"]
    d = res.to_dict()
    assert d["h_max"] == 20 and d["pixel_size"] == 2.5 and len(d["R"]) == 21
    assert mixmap.correlation(a, b).h_nm is None


def test_public_function_survives_submodule_import(rng):
    import mixmap.segregation as mod

    a, b = blob_maps(rng)
    assert callable(mixmap.correlation) and mixmap.correlation is mod.correlation
    assert mixmap.correlation(a, b, h_max=3).R[1] == mod.correlation(a, b, h_max=3).R[1]


def test_smooth_correlation(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.9)
    res = mixmap.correlation(a, b, h_max=15, pixel_size=2.0)
    sm = mixmap.smooth_correlation(res, 1.5)
    assert sm(0.0) == pytest.approx(sm.R[0])
    assert np.all(np.isfinite(sm(np.linspace(0, 15, 61))))
    assert np.isnan(sm(15.5)) and np.isnan(sm(-1.0))
    # continuous: non-integer points lie between neighbours for a monotone curve
    v = sm(np.array([3.0, 3.5, 4.0]))
    assert min(v[0], v[2]) <= v[1] <= max(v[0], v[2])
    # sigma in nm equals sigma/pixel_size in px; nm evaluation matches px evaluation
    sm_nm = mixmap.smooth_correlation(res, 3.0, unit="nm")
    np.testing.assert_allclose(sm_nm.R, sm.R)
    assert sm(2.5) == pytest.approx(sm(5.0, unit="nm"))
    # a tiny kernel reproduces the raw values; a constant curve stays constant
    np.testing.assert_allclose(mixmap.smooth_correlation(res, 0.05).R, res.R, atol=1e-12)
    flat = CorrelationResult(
        h=np.arange(6),
        h_nm=None,
        C=np.ones(6),
        R=np.full(6, 0.3),
        n_pairs=np.full(6, 9),
        sum_products=np.ones(6),
        P=0.5,
        s2_max=0.25,
        n_foreground=9,
        h_max=5,
        method="fft",
    )
    np.testing.assert_allclose(mixmap.smooth_correlation(flat, 2.0)(np.linspace(0, 5, 11)), 0.3)


def test_mean_correlation_on_common_nm_grid(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.95)
    r1 = mixmap.correlation(a, b, h_max=12, pixel_size=2.0)
    # the same structure imaged at half the pixel size (each pixel -> 2x2)
    a2, b2 = np.kron(a, np.ones((2, 2), bool)), np.kron(b, np.ones((2, 2), bool))
    r2 = mixmap.correlation(a2, b2, h_max=20, pixel_size=1.0)
    m = mixmap.mean_correlation([r1, r2])
    assert isinstance(m, MeanCorrelation) and m.unit == "nm" and m.n_results == 2
    np.testing.assert_allclose(np.diff(m.h), 1.0)
    assert m.h[-1] == pytest.approx(20.0)  # smallest support: 20 nm
    assert np.all(m.n == 2)
    np.testing.assert_allclose(m.curves[0][::2], r1.R[:11])
    np.testing.assert_allclose(m.curves[1], r2.R[:21])
    np.testing.assert_allclose(m.R, m.curves.mean(axis=0))  # Eq. (9)
    # identical curves: mean = curve, std = 0
    same = mixmap.mean_correlation([r1, r1])
    np.testing.assert_allclose(same.R, r1.R[: len(same.R)], atol=1e-12)
    np.testing.assert_allclose(same.std, 0.0, atol=1e-12)
    # a user grid beyond one support: the count drops there
    mu = mixmap.mean_correlation([r1, r2], h=[0.0, 10.0, 22.0, 30.0])
    np.testing.assert_array_equal(mu.n, [2, 2, 1, 0])
    assert np.isnan(mu.R[-1])
    # smoothed curves average too; px grid when no pixel size
    s1 = mixmap.smooth_correlation(r1, 1.0)
    ms = mixmap.mean_correlation([s1, mixmap.smooth_correlation(r2, 2.0)])
    assert ms.unit == "nm" and np.all(np.isfinite(ms.R))
    rp = mixmap.correlation(a, b, h_max=12)
    assert mixmap.mean_correlation([rp, rp]).unit == "px"
    assert set(m.to_frame().columns) == {"h_nm", "R", "std", "n"}


def test_fit_recovers_eq14_parameters():
    rng = np.random.default_rng(7)
    h = np.arange(0, 201, 1.0)
    true = dict(s1=5.13, s2=9.34, nu=0.86, lam=0.13)  # Table 1, KB
    R = _model_sinc_exp(h, **true) + rng.normal(0, 0.003, h.size)
    fit = mixmap.fit_correlation(h, R)
    assert fit.model_name == "sinc-exp" and fit.n_points == h.size
    assert fit.params["s1"] == pytest.approx(true["s1"], rel=0.05)
    assert fit.params["s2"] == pytest.approx(true["s2"], rel=0.05)
    assert fit.params["nu"] == pytest.approx(true["nu"], rel=0.05)
    assert fit.params["lam"] == pytest.approx(true["lam"], abs=0.02)
    assert fit.r2 > 0.99
    assert all(np.isfinite(v) and v > 0 for v in fit.stderr.values())
    np.testing.assert_allclose(fit(h), _model_sinc_exp(h, *fit.params.values()))
    d = fit.to_dict()
    assert d["model"] == "sinc-exp" and "s1_stderr" in d
    # robust to a bad extra starting value
    bad = mixmap.fit_correlation(h, R, p0=[1000.0, 0.01, 0.1, 0.99])
    assert bad.params["s2"] == pytest.approx(true["s2"], rel=0.05)


def test_fit_other_models_and_registry():
    h = np.arange(0, 80, 1.0)
    R = np.exp(-((h / 12.0) ** 1.4))
    assert mixmap.fit_correlation(h, R, "stretched-exp").params == pytest.approx({"s": 12.0, "nu": 1.4}, rel=1e-4)
    assert mixmap.fit_correlation(h, np.exp(-h / 7.0), "exp").params["s"] == pytest.approx(7.0, rel=1e-6)
    assert mixmap.fit_correlation(h, np.exp(-((h / 9.0) ** 2)), "gauss").params["s"] == pytest.approx(9.0, rel=1e-6)
    assert {"sinc-exp", "exp", "stretched-exp", "gauss"} <= set(correlation_models())
    mixmap.register_correlation_model(
        "damped-cos",
        lambda t, s, w: np.exp(-t / s) * np.cos(t / w),
        ["s", "w"],
        ([1e-6, 1e-6], [np.inf, np.inf]),
        overwrite=True,
    )
    Rc = np.exp(-h / 20.0) * np.cos(h / 6.0)
    fit = mixmap.fit_correlation(h, Rc, "damped-cos")
    assert fit.params == pytest.approx({"s": 20.0, "w": 6.0}, rel=1e-4)
    with pytest.raises(InputError, match="exists"):
        mixmap.register_correlation_model("damped-cos", lambda t, s: t, ["s"], ([0], [1]))


def test_fit_result_objects_and_nan_points(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.95)
    res = mixmap.correlation(a, b, h_max=60, pixel_size=1.5)  # far bins are empty -> NaN
    assert np.isnan(res.R[-1])
    fit = mixmap.fit_correlation(res, model="stretched-exp")
    assert fit.h_unit == "nm" and fit.n_points == int(np.isfinite(res.R).sum())
    m = mixmap.mean_correlation([res])
    assert mixmap.fit_correlation(m, model="exp").h_unit == "nm"


def test_scale_of_segregation():
    h = np.arange(0, 201)
    R = np.exp(-h / 10.0)
    res = CorrelationResult(
        h=h,
        h_nm=h * 2.0,
        C=R,
        R=R,
        n_pairs=np.full(h.size, 10),
        sum_products=R,
        P=0.5,
        s2_max=0.25,
        n_foreground=10,
        h_max=200,
        method="fft",
        pixel_size=2.0,
    )
    s = mixmap.scale_of_segregation(res)
    assert s.truncated
    assert s.integral_scale_px == pytest.approx(10.0, rel=1e-3)
    assert s.integral_scale_nm == pytest.approx(20.0, rel=1e-3)
    assert s.correlation_length_px == pytest.approx(10.0, rel=0.01)
    assert math.isnan(s.zero_crossing_px)
    # a curve crossing zero at 5: integral of the triangle 1 - h/5 = 2.5
    R2 = np.clip(1 - h / 5.0, -1, None)
    res2 = CorrelationResult(
        h=h,
        h_nm=None,
        C=R2,
        R=R2,
        n_pairs=np.full(h.size, 10),
        sum_products=R2,
        P=0.5,
        s2_max=0.25,
        n_foreground=10,
        h_max=200,
        method="fft",
    )
    s2 = mixmap.scale_of_segregation(res2)
    assert not s2.truncated and s2.zero_crossing_px == pytest.approx(5.0)
    assert s2.integral_scale_px == pytest.approx(2.5) and s2.integral_scale_nm is None
    assert s2.correlation_length_px == pytest.approx(5 * (1 - 1 / math.e))
    # striped map: R crosses zero near the stripe half-width
    xx = np.arange(80)[None, :].repeat(80, 0)
    a = (xx // 8) % 2 == 0
    real = mixmap.scale_of_segregation(mixmap.correlation(a, ~a, h_max=20, direction=(0, 1)))
    assert real.zero_crossing_px == pytest.approx(4.0, abs=0.6)
    sm = mixmap.scale_of_segregation(mixmap.smooth_correlation(res, 1.0))
    assert sm.integral_scale_nm == pytest.approx(20.0, rel=0.02)
    assert set(s.to_dict()) >= {"integral_scale_px", "correlation_length_nm", "truncated"}


# ---------------------------------------------------------------------------------------------- errors
def test_bad_inputs(rng):
    a, b = blob_maps(rng)
    a0, b0 = a.copy(), b.copy()
    res = mixmap.correlation(a, b, h_max=5, pixel_size=1.0)
    with pytest.raises(InputError, match="method"):
        mixmap.correlation(a, b, method="sampled")
    with pytest.raises(InputError, match="h_max"):
        mixmap.correlation(a, b, h_max=0)
    with pytest.raises(InputError, match="h_max"):
        mixmap.correlation(a, b, h_max=2.5)
    with pytest.raises(InputError, match="pixel_size"):
        mixmap.correlation(a, b, pixel_size=-1)
    with pytest.raises(InputError, match="tolerance"):
        mixmap.correlation(a, b, direction=(10, 120))
    with pytest.raises(InputError, match="direction"):
        mixmap.correlation(a, b, direction=(1, 2, 3))
    with pytest.raises(InputError, match="n_pairs"):
        mixmap.correlation(a, b, n_pairs=100)
    with pytest.raises(InputError, match="n_pairs"):
        mixmap.correlation(a, b, method="pairs", n_pairs=1)
    with pytest.raises(InputError, match="memory_budget"):
        mixmap.correlation(a, b, method="pairs", memory_budget=10**6)
    with pytest.raises(InputError, match="too small"):
        mixmap.correlation(a, b, h_max=5, memory_budget=1000)
    with pytest.raises(InputError, match="same shape"):
        mixmap.correlation(a, b[:-1])
    with pytest.raises(DataError, match="s2_max"):
        mixmap.correlation(a, a)
    with pytest.raises(DataError, match="empty"):
        mixmap.correlation(a, np.zeros_like(b))
    with pytest.raises(InputError, match="sigma"):
        mixmap.smooth_correlation(res, 0)
    with pytest.raises(InputError, match="CorrelationResult"):
        mixmap.smooth_correlation(res.R, 1.0)
    with pytest.raises(InputError, match="pixel size"):
        mixmap.smooth_correlation(mixmap.correlation(a, b, h_max=5), 1.0, unit="nm")
    with pytest.raises(InputError, match="pixel size"):
        mixmap.mean_correlation([res, mixmap.correlation(a, b, h_max=5)])
    with pytest.raises(InputError, match="empty"):
        mixmap.mean_correlation([])
    with pytest.raises(InputError, match="results\\[1\\]"):
        mixmap.mean_correlation([res, "x"])
    with pytest.raises(InputError, match="unknown model"):
        mixmap.fit_correlation(res, model="bessel")
    with pytest.raises(InputError, match="same length"):
        mixmap.fit_correlation([0, 1, 2], [1, 0.5])
    with pytest.raises(DataError, match="parameters"):
        mixmap.fit_correlation([0, 1, 2], [1, 0.5, 0.2])
    with pytest.raises(InputError, match="p0"):
        mixmap.fit_correlation(np.arange(10), np.exp(-np.arange(10)), "exp", p0=[1, 2])
    with pytest.raises(InputError, match="p0 must be 1 numbers"):
        mixmap.fit_correlation(np.arange(10), np.exp(-np.arange(10)), "exp", p0=["z"])
    with pytest.raises(InputError, match="p0 must lie within the bounds"):
        mixmap.fit_correlation(np.arange(10), np.exp(-np.arange(10)), "sinc-exp", p0=[1, 1, 3.0, 0.5])
    with pytest.raises(InputError, match="h must be"):
        mixmap.mean_correlation([res], h="x")
    with pytest.raises(InputError, match="h must be"):
        mixmap.smooth_correlation(res, 1.0)("x")
    with pytest.raises(InputError, match="bounds"):
        mixmap.register_correlation_model("m1", lambda t, s: t, ["s"], ([1], [0]))
    with pytest.raises(InputError, match="callable"):
        mixmap.register_correlation_model("m2", "f", ["s"], ([0], [1]))
    with pytest.raises(InputError, match="result"):
        mixmap.scale_of_segregation(res.R)
    # the inputs were not modified
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)


# ------------------------------------------------------------------------------------------ figure, CLI
def _groups(rng):
    out = {}
    for name, shape, px in (("KB", (36, 40), 2.0), ("C65", (30, 30), 1.5)):
        out[name] = [mixmap.correlation(*blob_maps(rng, shape, p_fg=0.95), h_max=12, pixel_size=px) for _ in range(2)]
    return out


def test_plot_correlation(tmp_path, rng):
    groups = _groups(rng)
    path = tmp_path / "fig7.png"
    fig = mixmap.plot.correlation(groups, path=path)
    assert path.stat().st_size > 10_000
    ax = fig.axes[0]
    assert ax.get_xlabel() == "distance h (nm)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("KB (n = 2)") for t in labels) and sum("fit sinc-exp" in t for t in labels) == 2
    means = {k: mixmap.mean_correlation(v) for k, v in groups.items()}
    fits = {"KB": mixmap.fit_correlation(means["KB"], model="exp")}
    fig2 = mixmap.plot.correlation(means, fits=fits)
    labels2 = [t.get_text() for t in fig2.axes[0].get_legend().get_texts()]
    assert sum("fit exp" in t for t in labels2) == 1
    with pytest.raises(InputError, match="group"):
        mixmap.plot.correlation({"x": 3})
    with pytest.raises(InputError, match="CorrelationFit"):
        mixmap.plot.correlation(means, fits={"KB": 1.0})
    import matplotlib.pyplot as plt

    plt.close("all")


def test_cli_correlate(tmp_path, rng, capsys):
    from mixmap.cli import main

    paths = []
    for i in range(2):
        a, b = blob_maps(rng, (30, 34), p_fg=0.95)
        np.save(tmp_path / f"a{i}.npy", a)
        np.save(tmp_path / f"b{i}.npy", b)
        paths += [str(tmp_path / f"a{i}.npy"), str(tmp_path / f"b{i}.npy")]
    out = tmp_path / "res" / "corr.csv"
    rc = main(["correlate", *paths, "--pixel-size", "2", "--h-max", "10", "--smooth", "1", "--out", str(out)])
    assert rc == 0
    import pandas as pd

    df = pd.read_csv(out)
    assert len(df) == 22 and {"group", "h", "h_nm", "R", "n_pairs", "R_smooth"} <= set(df.columns)
    a0, b0 = np.load(paths[0]), np.load(paths[1])
    np.testing.assert_allclose(df.R[:11], mixmap.correlation(a0, b0, h_max=10).R)
    assert (tmp_path / "res" / "corr_mean.csv").exists() and (tmp_path / "res" / "corr.png").exists()
    text = capsys.readouterr().out
    assert "integral scale" in text and "fit sinc-exp" in text
    # a list file with groups, the sampled method, JSON output
    (tmp_path / "list.csv").write_text("a,b,group\na0.npy,b0.npy,G1\na1.npy,b1.npy,G2\n")
    rc = main(
        [
            "correlate",
            "--list",
            str(tmp_path / "list.csv"),
            "--method",
            "pairs",
            "--n-pairs",
            "300",
            "--h-max",
            "6",
            "--model",
            "exp",
            "--json",
            "--out",
            str(tmp_path / "j.csv"),
        ]
    )
    assert rc == 0
    import json

    text = capsys.readouterr().out
    summary = json.loads(text[: text.rindex("}") + 1])
    assert [g["group"] for g in summary["groups"]] == ["G1", "G2"] and summary["groups"][0]["model"] == "exp"


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["x.npy"], "pairs"),
        ([], "no maps"),
        (["A", "B", "--model", "bessel"], "unknown"),
        (["A", "B", "--n-pairs", "10"], "--method pairs"),
        (["A", "B", "--direction", "a:b"], "direction"),
        (["A", "B", "--memory-budget", "0"], "memory-budget"),
        (["A", "B", "--h-max", "0"], "h_max"),
    ],
)
def test_cli_bad_input(tmp_path, rng, capsys, argv, msg):
    from mixmap.cli import main

    a, b = blob_maps(rng)
    np.save(tmp_path / "A.npy", a)
    np.save(tmp_path / "B.npy", b)
    argv = [str(tmp_path / f"{v}.npy") if v in ("A", "B") else v for v in argv]
    rc = main(["correlate", *argv, "--out", str(tmp_path / "o.csv")])
    assert rc == 2
    assert msg in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_cli_correlate_fresh_interpreter(tmp_path, rng):
    """The installed command in a fresh process (mixmap.segregation not imported beforehand)."""
    import subprocess
    import sys

    a, b = blob_maps(rng, (24, 26), p_fg=0.95)
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    code = "import sys; from mixmap.cli import main; sys.exit(main(sys.argv[1:]))"
    base = [
        sys.executable,
        "-c",
        code,
        "correlate",
        str(tmp_path / "a.npy"),
        str(tmp_path / "b.npy"),
        "--h-max",
        "5",
        "--out",
        str(tmp_path / "c.csv"),
    ]
    ok = subprocess.run(base, capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "c.csv").exists() and "integral scale" in ok.stdout
    bad = subprocess.run(base + ["--model", "bessel"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "--model 'bessel'" in bad.stderr


def test_scale_aliases_used_by_batch():
    h = np.arange(0, 50)
    R = np.exp(-h / 5.0)
    res = CorrelationResult(
        h=h,
        h_nm=None,
        C=R,
        R=R,
        n_pairs=np.full(h.size, 10),
        sum_products=R,
        P=0.5,
        s2_max=0.25,
        n_foreground=10,
        h_max=49,
        method="fft",
    )
    s = mixmap.scale_of_segregation(res)
    assert s.integral_scale == s.integral_scale_px and s.correlation_length == s.correlation_length_px
    m = mixmap.scale_of_segregation(
        mixmap.mean_correlation(
            [
                CorrelationResult(
                    h=h,
                    h_nm=h * 2.0,
                    C=R,
                    R=R,
                    n_pairs=np.full(h.size, 10),
                    sum_products=R,
                    P=0.5,
                    s2_max=0.25,
                    n_foreground=10,
                    h_max=49,
                    method="fft",
                    pixel_size=2.0,
                )
            ]
        )
    )
    assert math.isnan(m.integral_scale) and m.integral_scale_nm == pytest.approx(2 * s.integral_scale_px, rel=1e-3)


def test_mean_correlation_from_tables(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.95)
    r1 = mixmap.correlation(a, b, h_max=12, pixel_size=2.0)
    r2 = mixmap.correlation(b, a.T.copy() | b, h_max=10, pixel_size=1.0)
    ref = mixmap.mean_correlation([r1, r2])
    tab = mixmap.mean_correlation([r1.to_frame(), r2.to_dict()])
    np.testing.assert_allclose(tab.h, ref.h)
    np.testing.assert_allclose(tab.R, ref.R, equal_nan=True)
    assert tab.unit == "nm"
    px = mixmap.mean_correlation([{"h": r1.h, "R": r1.R}])
    assert px.unit == "px"
    with pytest.raises(InputError, match="results\\[0\\]"):
        mixmap.mean_correlation([{"h": [0, 1], "R": [1.0]}])
    with pytest.raises(InputError, match="pixel size"):
        mixmap.mean_correlation([{"h": [0, 1, 2], "R": [1.0, 0.5, 0.2], "h_nm": [0, 1, 3]}])


def test_h_max_beyond_the_map_is_cheap_and_empty(rng):
    a, b = blob_maps(rng, shape=(12, 10))
    res = mixmap.correlation(a, b, h_max=5000, memory_budget=10**6)
    assert len(res.h) == 5001 and res.tiles == 1
    assert np.all(res.n_pairs[16:] == 0) and np.all(np.isnan(res.R[16:]))
    S, N, R = expected(a, b, 20)
    np.testing.assert_array_equal(res.n_pairs[:21], N)
    samp = mixmap.correlation(a, b, h_max=300, method="pairs", n_pairs=50, seed=1)
    short = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=50, seed=1)
    np.testing.assert_array_equal(samp.n_pairs[:16], short.n_pairs)
    assert np.all(samp.n_pairs[16:] == 0)
