"""Inter-diffusion (issue 7): kernels against their NumPy/SciPy twins, and recovery of known D(C)."""

import numpy as np
import pytest
from mixmap.kernels import erfc_fit, forward, interdiffusion, savgol
from scipy.signal import savgol_filter
from scipy.special import erfc, erfinv

from mixmap import diffusion as d
from mixmap.diffusion._forward import diffusivity_table, time_schedule
from mixmap.diffusion._preprocess import savgol_matrices
from mixmap.errors import InputError
from mixmap.synthetic import diffusion_profile
from naive import (
    naive_analyse_profile,
    naive_explicit_diffuse,
    naive_mc_erfc,
    naive_mc_profiles,
    naive_profile_normals,
    naive_theta_diffuse,
)

T = 3600.0
D0 = 1e-14


def approx(expected, **kw):
    """pytest.approx without its default absolute tolerance of 1e-12 (D values are ~1e-14 m^2/s)."""
    kw.setdefault("abs", 0.0)
    return pytest.approx(expected, **kw)


X = np.linspace(-40e-6, 40e-6, 401)  # erfc width 2 sqrt(D t) = 12 um: plateaus on both sides


def _exp_D(c):
    return D0 * np.exp(2.0 * (c - 0.5))


X_WIDE = np.linspace(-60e-6, 60e-6, 481)


@pytest.fixture(scope="module")
def dc_profile():
    """Clean profile with D(c) = D0 exp(2(c - 1/2)) from the forward solver (semi-infinite domain)."""
    return diffusion_profile(X_WIDE, T, D=_exp_D)


# --- kernels against their twins -------------------------------------------------------------------
def test_savgol_kernel_matches_scipy(rng):
    y = np.cumsum(rng.normal(size=120))
    for window, order in ((7, 2), (21, 3), (31, 4)):
        sm, dm = savgol_matrices(window, order, 0.5)
        np.testing.assert_allclose(
            savgol.savgol_apply(y, sm), savgol_filter(y, window, order, mode="interp"), rtol=1e-10, atol=1e-10
        )
        ref = savgol_filter(y, window, order, deriv=1, delta=0.5, mode="interp")
        np.testing.assert_allclose(savgol.savgol_apply(y, dm), ref, rtol=1e-9, atol=1e-9)
        for i in (0, 3, window // 2, 60, 119 - window // 2, 119):
            assert savgol.savgol_at(y, dm, i) == approx(ref[i], rel=1e-9, abs=1e-9)


def test_replicate_noise_matches_naive_stream():
    base = np.linspace(0, 1, 50)
    sig = np.full(50, 0.1)
    out = np.empty(50)
    erfc_fit.replicate(base, sig, 0.0, np.uint64(987654321), out)
    np.testing.assert_allclose(out, base + 0.1 * naive_profile_normals(987654321, 50), rtol=0, atol=1e-13)
    z = np.concatenate([naive_profile_normals(k, 500) for k in range(1, 41)])
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03


def test_erfinv_kernel():
    y = np.linspace(-0.999, 0.999, 101)
    np.testing.assert_allclose([interdiffusion.erfinv(v) for v in y], erfinv(y), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("method", [0, 1, 2])
def test_analyse_profile_matches_naive(method):
    c = diffusion_profile(X, T, D=D0, noise=0.01, seed=3)
    dx = X[1] - X[0]
    sm, dm = savgol_matrices(31, 3, dx)
    levels = np.linspace(0.03, 0.97, 40)
    out = np.empty(levels.size)
    interdiffusion.analyse_profile(c, X[0], dx, T, sm, dm, 40, levels, method, 0.0, 0.0, np.ones(1), 0.01, 0.2, out)
    ref = naive_analyse_profile(c, X[0], dx, T, 31, 3, 40, levels, method)
    np.testing.assert_allclose(out, ref, rtol=1e-7)
    if method == 2:
        # Hall covers the tails 0.01 < Y < 0.2 and 0.8 < Y < 0.99; Y uses the noisy plateau
        # estimates, so levels within 0.01 of a window edge may fall either side of it
        inside = ((levels > 0.02) & (levels < 0.19)) | ((levels > 0.81) & (levels < 0.98))
        assert np.isfinite(out[inside]).all()
    else:
        assert np.isfinite(out).sum() >= 38


def test_sauer_freise_molar_volume_matches_naive():
    c = diffusion_profile(X, T, D=D0, noise=0.005, seed=4)
    p = d.preprocess(X, c, smooth=("savgol", 31, 3), outlier_sigma=None)
    vm = lambda cc: 10.0 + 4.0 * (cc - p.c_left) / (p.c_right - p.c_left)  # noqa: E731 - Vegard
    r = d.sauer_freise(p, t=T, molar_volume=(10.0, 14.0), levels=[0.2, 0.5, 0.8])
    ref = naive_analyse_profile(p.c, p.x[0], p.dx, T, 31, 3, p.n_plateau, [0.2, 0.5, 0.8], 0, molar_volume=vm)
    np.testing.assert_allclose(r.D, ref, rtol=2e-4)  # V(c) tabulated on 257 points in the kernel
    r0 = d.sauer_freise(p, t=T, levels=[0.2, 0.5, 0.8])
    assert not np.allclose(r.D, r0.D, rtol=1e-3, atol=0)  # the weighting matters


def test_mc_kernel_matches_naive_and_thread_count():
    import numba

    c = diffusion_profile(X, T, D=D0, noise=0.01, seed=5)
    dx = X[1] - X[0]
    sm, dm = savgol_matrices(31, 3, dx)
    levels = np.array([0.2, 0.5, 0.8])
    keys = np.arange(1, 13, dtype=np.uint64) * np.uint64(0x1234567)
    sig = np.full(X.size, 0.01)
    args = (c, sig, 0.0, keys, X[0], dx, T, sm, dm, 40, levels, 0, 0.0, 0.0, np.ones(1), 0.01, 0.2)
    D2, extra = erfc_fit.mc_profiles(*args)
    ref = naive_mc_profiles(c, 0.01, keys, X[0], dx, T, 31, 3, 40, levels, 0)
    np.testing.assert_allclose(D2, ref, rtol=1e-7)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        D1, _ = erfc_fit.mc_profiles(*args)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(D1, D2)


def test_mc_erfc_kernel_matches_curve_fit():
    u = np.linspace(-4, 4, 120)
    base = 0.1 + 0.4 * erfc(-u / 1.2)
    keys = np.arange(1, 6, dtype=np.uint64) * np.uint64(977)
    p0 = np.array([0.1, 0.9, 0.0, 1.0])
    got = erfc_fit.mc_erfc(base, np.full(u.size, 0.01), 0.0, keys, u, p0, 100)
    ref = naive_mc_erfc(base, 0.01, keys, u, p0)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("theta,n_start,newton", [(0.5, 4, True), (0.5, 4, False), (1.0, 0, True)])
def test_diffuse_kernel_matches_naive(theta, n_start, newton):
    x = np.sort(np.r_[np.linspace(-30e-6, 30e-6, 90), [1.3e-6, 2.9e-6]])  # non-uniform
    c0 = np.where(x < 0, 0.0, 1.0)
    lo, step, tab = diffusivity_table(_exp_D, 0.0, 1.0)
    grid = lo + step * np.arange(tab.size)
    D_of_c = lambda c: np.interp(c, grid, np.exp(tab))  # noqa: E731 - the kernel's table
    times, save = time_schedule([T], 30)
    got, _ = forward.diffuse(x, c0, times, theta, n_start, lo, step, tab, 50, 1e-12, save, newton)
    ref = naive_theta_diffuse(x, c0, times, theta, n_start, D_of_c)
    np.testing.assert_allclose(got[0], ref, atol=1e-9)


@pytest.mark.parametrize("n", [300, 1000])
def test_newton_predicted_stop_saves_solves_not_accuracy(n):
    """Newton stops after one correction when the next is predicted below 0.1 tol: fewer solves,
    and the result stays within 1e-6 of the fully converged one (tol 1e-12)."""
    x = np.linspace(-60e-6, 60e-6, n)
    c0 = np.where(x < 0, 0.0, 1.0)
    lo, step, tab = diffusivity_table(_exp_D, 0.0, 1.0)
    times, save = time_schedule([T], 100)
    fast, solves = forward.diffuse(x, c0, times, 0.5, 4, lo, step, tab, 50, 1e-6, save, True)
    conv, solves_conv = forward.diffuse(x, c0, times, 0.5, 4, lo, step, tab, 50, 1e-12, save, True)
    assert solves < 0.8 * solves_conv and solves < 1.7 * times.size
    assert np.abs(fast - conv).max() < 1e-6


def test_simulate_matches_analytic_erfc_and_conserves_mass():
    x = np.linspace(-60e-6, 60e-6, 481)
    c0 = np.where(x < 0, 0.2, 0.9)
    c0[240] = 0.55
    exact = 0.2 + 0.35 * erfc(-x / (2 * np.sqrt(D0 * T)))
    for scheme, tol in (("crank-nicolson", 1e-4), ("implicit", 2e-3)):
        c = d.simulate(x, c0, D0, T, scheme=scheme)
        assert np.abs(c - exact).max() < tol, scheme
        assert np.trapezoid(c, x) == approx(np.trapezoid(c0, x), rel=1e-12)
    # several output times at once, D as a table
    cs = d.simulate(x, c0, ([0.0, 1.0], [D0, D0]), [T / 4, T])
    assert cs.shape == (2, x.size)
    np.testing.assert_allclose(cs[1], exact, atol=1e-4)
    np.testing.assert_allclose(cs[0], 0.2 + 0.35 * erfc(-x / (2 * np.sqrt(D0 * T / 4))), atol=2e-4)


def test_simulate_matches_explicit_numpy_for_D_of_c():
    x = np.linspace(-40e-6, 40e-6, 161)
    c0 = np.where(x < 0, 0.0, 1.0)
    c = d.simulate(x, c0, _exp_D, T / 4)
    ref = naive_explicit_diffuse(x, c0, _exp_D, T / 4)
    assert np.abs(c - ref).max() < 2e-3


# --- analyses recover known D ----------------------------------------------------------------------
def test_erfc_fit_within_2_percent_of_D():
    for seed in range(3):
        # three parallel scans with 1.25 % noise (of the step), averaged by the fit: D sd ~0.7 %
        c = diffusion_profile(X, T, D=D0, c_left=0.1, c_right=0.9, x0=2e-6, noise=0.01, n_scans=3, seed=seed)
        fit = d.fit_erfc(X, c, T)
        assert fit.D == approx(D0, rel=0.02)
        assert abs(fit.D - D0) < 4 * fit.D_stderr
        assert fit.x0 == approx(2e-6, abs=0.3e-6)
        assert fit.c_left == approx(0.1, abs=0.01) and fit.r2 > 0.99


def test_erfc_fit_instrument_broadening_correction():
    from scipy.ndimage import gaussian_filter1d

    x = np.linspace(-40e-6, 40e-6, 801)
    sigma = 5e-6
    c = gaussian_filter1d(diffusion_profile(x, T, D=D0), sigma / (x[1] - x[0]), mode="nearest")
    plain = d.fit_erfc(x, c, T)
    corrected = d.fit_erfc(x * 1e6, c, T, instrument_sigma=5.0, x_unit="um")
    assert plain.D > 1.3 * D0
    assert corrected.D == approx(D0, rel=0.01)
    assert corrected.D_apparent == approx(D0 + sigma**2 / (2 * T), rel=0.01)


def test_thin_film_and_semi_infinite_fits():
    x = np.linspace(-30e-6, 30e-6, 301)
    M = 1e-5  # source (concentration x m): peak about 0.47
    c = 0.02 + M / np.sqrt(4 * np.pi * D0 * T) * np.exp(-((x - 1e-6) ** 2) / (4 * D0 * T))
    c = c + np.random.default_rng(0).normal(0, 0.005, x.size)
    tf = d.fit_thin_film(x, c, T)
    assert tf.D == approx(D0, rel=0.03)
    assert tf.amount == approx(M, rel=0.03) and tf.x0 == approx(1e-6, abs=0.2e-6)
    depth = np.linspace(0, 40e-6, 201)
    cs = 0.05 + 0.6 * erfc(depth / (2 * np.sqrt(D0 * T))) + np.random.default_rng(1).normal(0, 0.005, depth.size)
    si = d.fit_semi_infinite(depth, cs, T)
    assert si.D == approx(D0, rel=0.03)
    assert si.c_surface == approx(0.65, abs=0.01) and si.c_bulk == approx(0.05, abs=0.01)


def test_matano_and_sauer_freise_clean_constant_D():
    c = diffusion_profile(X, T, D=D0)
    for fn in (d.sauer_freise, d.boltzmann_matano):
        r = fn(X, c, T)
        sel = (r.c > 0.1) & (r.c < 0.9)
        np.testing.assert_allclose(r.D[sel], D0, rtol=0.01)
        assert r.x_matano == approx(0.0, abs=0.05e-6)
    assert d.matano_plane(X + 3e-6, c) == approx(3e-6, abs=0.05e-6)


@pytest.mark.parametrize("seed", range(5))
def test_monte_carlo_median_within_5_percent_noisy_constant_D(seed):
    """Median within 5 % at 13 levels over 0.2 < c < 0.8, for five independent noisy profiles.

    At 1 % noise one scan gives the median a per-level sd of 3-5 % (measured over 20 profiles, no
    bias), so no estimator can hold 5 % at every level for every single scan; the profile here is
    the average of 5 parallel scans, as ref. 002 averages scans (30 of 30 seeds within 5 %).
    """
    c = diffusion_profile(X, T, D=D0, noise=0.01, n_scans=5, seed=seed)
    levels = np.linspace(0.2, 0.8, 13)
    for method in ("sauer-freise", "matano"):
        mc = d.monte_carlo(X, c, T, method=method, n=2000, seed=1, levels=levels)
        np.testing.assert_allclose(mc.D_median, D0, rtol=0.05)
        assert np.all(mc.D_low < mc.D_median) and np.all(mc.D_median < mc.D_high)
        assert np.all(mc.valid == 1.0)


def test_monte_carlo_erfc_median_and_params():
    c = diffusion_profile(X, T, D=D0, noise=0.01, n_scans=3, seed=11)
    mc = d.monte_carlo(X, c, T, method="erfc", n=500, seed=1)
    assert mc.D_median[0] == approx(D0, rel=0.02) and mc.D_low[0] < D0 < mc.D_high[0]
    assert set(mc.params) == {"D", "x0", "c_left", "c_right"}


def test_monte_carlo_is_deterministic_and_batched_same():
    c = diffusion_profile(X, T, D=D0, noise=0.01, seed=12)
    a = d.monte_carlo(X, c, T, n=300, seed=7, levels=[0.5])
    b = d.monte_carlo(X, c, T, n=300, seed=7, levels=[0.5], progress=True)
    np.testing.assert_array_equal(a.samples, b.samples)
    e = d.monte_carlo(X, c, T, n=300, seed=8, levels=[0.5])
    assert not np.array_equal(a.samples, e.samples)


def test_monte_carlo_coverage_is_honest():
    """Nominal 95 % band contains the true D 90-99 % of the time over 200 synthetic experiments."""
    x = np.linspace(-40e-6, 40e-6, 200)
    levels = [0.3, 0.5, 0.7]
    hits = []
    for r in range(200):
        c = diffusion_profile(x, T, D=D0, noise=0.01, seed=10_000 + r)
        mc = d.monte_carlo(x, c, T, n=300, seed=r, levels=levels)
        hits.append((mc.D_low <= D0) & (D0 <= mc.D_high))
    cover = np.mean(hits, axis=0)
    assert np.all((cover >= 0.90) & (cover <= 0.99)), cover


def test_D_of_c_recovered_within_10_percent(dc_profile):
    rng = np.random.default_rng(21)
    central = np.linspace(0.2, 0.8, 13)
    for noise in (0.0, 0.005):
        c = dc_profile + rng.normal(0, noise, dc_profile.size) if noise else dc_profile
        for fn in (d.sauer_freise, d.boltzmann_matano):
            r = fn(X_WIDE, c, T, levels=central)
            np.testing.assert_allclose(r.D, _exp_D(central), rtol=0.10 if noise else 0.02)
    c = dc_profile + rng.normal(0, 0.005, dc_profile.size)
    mc = d.monte_carlo(X_WIDE, c, T, n=1000, seed=3, levels=central)
    np.testing.assert_allclose(mc.D_median, _exp_D(central), rtol=0.10)
    ff = d.fit_forward(X_WIDE, c, T, model="exp")
    np.testing.assert_allclose(ff.D_of(central), _exp_D(central), rtol=0.05)
    assert np.all((ff.D_low <= ff.D) & (ff.D <= ff.D_high)) and ff.r2 > 0.999
    fp = d.fit_forward(X_WIDE, c, T, model="poly-logD", degree=2)
    np.testing.assert_allclose(fp.D_of(central), _exp_D(central), rtol=0.05)
    fk = d.fit_forward(X_WIDE, c, T, model=[0, 0.5, 1])
    np.testing.assert_allclose(fk.D_of(central), _exp_D(central), rtol=0.10)


def test_hall_coefficient_against_direct_boltzmann_integration():
    """u = h lam + k on the whole profile: the Boltzmann integral evaluated numerically equals Hall's
    closed form with the coefficient 2 k sqrt(pi)."""
    h, k = 8.0e5, 0.3  # s^0.5/m, dimensionless
    lam = np.linspace(-4.5 / h, 4.5 / h, 400_001)
    Y = 0.5 * (1 + np.vectorize(__import__("math").erf)(h * lam + k))
    dlam_dY = 1 / np.gradient(Y, lam)
    integral = np.concatenate(([0.0], np.cumsum(0.5 * (lam[1:] + lam[:-1]) * np.diff(Y))))
    D_direct = -0.5 * dlam_dY * integral
    for ys in (0.02, 0.1, 0.3):
        i = np.searchsorted(Y, ys)
        u = h * lam[i] + k
        hall_left = (1 + 2 * k * np.sqrt(np.pi) * Y[i] * np.exp(u * u)) / (4 * h * h)
        assert D_direct[i] == approx(hall_left, rel=1e-4)
    right = 0.5 * dlam_dY * (np.trapezoid(lam * np.gradient(Y, lam), lam) - integral)  # from the right end
    for ys in (0.7, 0.9, 0.98):
        i = np.searchsorted(Y, ys)
        u = h * lam[i] + k
        hall_right = (1 - 2 * k * np.sqrt(np.pi) * (1 - Y[i]) * np.exp(u * u)) / (4 * h * h)
        assert right[i] == approx(hall_right, rel=1e-3)


def test_hall_recovers_constant_D_in_the_tails():
    c = diffusion_profile(X, T, D=D0)
    r = d.hall(X, c, T)
    assert np.isfinite(r.D).all() and r.D.size == 24
    np.testing.assert_allclose(r.D, D0, rtol=0.02)
    assert r.h_left == approx(1 / (2 * np.sqrt(D0)), rel=0.01) and abs(r.k_left) < 0.01
    mc = d.monte_carlo(X, diffusion_profile(X, T, D=D0, noise=0.003, seed=2), T, method="hall", n=500, seed=0)
    assert np.nanmedian(mc.D_median / D0) == approx(1.0, abs=0.1)


# --- temperature and time dependence ---------------------------------------------------------------
def test_arrhenius_recovers_Ea_with_intervals():
    R = 8.314462618
    T_C = np.array([600.0, 650, 700, 750, 800])
    Tk = T_C + 273.15
    D = 2e-3 * np.exp(-300e3 / (R * Tk))
    rng = np.random.default_rng(5)
    Dn = D * np.exp(rng.normal(0, 0.05, D.size))
    fit = d.fit_arrhenius(T_C, Dn, D_err=0.05 * Dn, T_unit="degC")
    assert fit.Ea_kJmol == approx(300, rel=0.05)
    assert fit.Ea_ci_kJmol[0] < 300 < fit.Ea_ci_kJmol[1]
    assert fit.Ea_eV == approx(fit.Ea_kJmol / 96.485, rel=1e-4)
    assert fit.D0_ci[0] < 2e-3 < fit.D0_ci[1]
    exact = d.fit_arrhenius(Tk, D)
    assert exact.Ea_kJmol == approx(300, rel=1e-9) and exact.D0 == approx(2e-3, rel=1e-9)
    lo, hi = fit.band(Tk)
    assert np.all(lo < fit.predict(Tk)) and np.all(fit.predict(Tk) < hi)
    # unweighted: interval from the scatter (t with n - 2 dof) is wider than the weighted one here
    un = d.fit_arrhenius(Tk, Dn)
    assert un.Ea_ci_kJmol[0] < un.Ea_kJmol < un.Ea_ci_kJmol[1] and not un.weighted


def test_parabolic_growth():
    t = np.array([1, 2, 4, 8, 16, 32.0]) * 3600
    L = 50e-9 + 3e-9 * np.sqrt(t)
    fit = d.fit_parabolic(t, L)
    assert fit.k == approx(3e-9, rel=1e-9) and fit.L0 == approx(50e-9, rel=1e-6)
    through0 = d.fit_parabolic(t, 3e-9 * np.sqrt(t), intercept=False)
    assert through0.kp == approx(9e-18, rel=1e-9)
    assert through0.exponent == approx(0.5, abs=1e-9)
    noisy = d.fit_parabolic(t, L * (1 + np.random.default_rng(1).normal(0, 0.01, t.size)))
    assert noisy.ci[0] < 3e-9 < noisy.ci[1] and not noisy.weighted


def test_parabolic_interval_coverage():
    """95 % intervals of k over 400 noisy series: honest for equal noise without L_err and for 1 %
    relative noise with L_err = 0.01 L; the unweighted fit under-covers relative noise (~87 %),
    as its docstring says."""
    t = np.array([1, 2, 4, 8, 16, 32.0]) * 3600
    L = 50e-9 + 3e-9 * np.sqrt(t)
    rng = np.random.default_rng(2024)
    hits = np.zeros(3)
    for _ in range(400):
        add = L + rng.normal(0, 0.01 * L.mean(), t.size)
        rel = L * (1 + rng.normal(0, 0.01, t.size))
        fits = (d.fit_parabolic(t, add), d.fit_parabolic(t, rel, 0.01 * rel), d.fit_parabolic(t, rel))
        hits += [f.ci[0] < 3e-9 < f.ci[1] for f in fits]
    cover = hits / 400
    assert 0.92 <= cover[0] <= 0.98 and 0.92 <= cover[1] <= 0.98, cover
    assert cover[2] < 0.925, cover  # ~0.87 (0.835-0.91 over 11 seeds)
    w = d.fit_parabolic(t, L, 1e-9)
    assert w.weighted and w.k == approx(3e-9, rel=1e-9) and w.exponent_stderr > 0
    with pytest.raises(InputError, match="L_err"):
        d.fit_parabolic(t, L, -1.0)
    with pytest.raises(InputError, match="L_err"):
        d.fit_parabolic(t, L, np.ones(3))
