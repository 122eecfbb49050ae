"""Inter-diffusion kernels (kernels/savgol, interdiffusion, erfc_fit, forward) against their NumPy/SciPy twins."""

import numpy as np
import pytest
from mixmap.kernels import erfc_fit, forward, interdiffusion, savgol
from scipy.signal import savgol_filter
from scipy.special import erfc, erfinv

from mixmap import diffusion as d
from mixmap.diffusion._forward import diffusivity_table, time_schedule
from mixmap.diffusion._preprocess import savgol_matrices
from mixmap.synthetic import diffusion_profile
from naive import (
    naive_analyse_profile,
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
