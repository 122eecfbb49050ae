"""Inter-diffusion speed (issue 7): Monte-Carlo kernel and forward solver against their NumPy twins.

Targets: 10 000 Monte-Carlo replicates of a 500-point profile in < 2 s on 2 cores after JIT (the
Savitzky-Golay smoothing and the Sauer-Freise analysis of every replicate inside the kernel);
``simulate`` >= 100x faster than an explicit pure-NumPy step loop on the same grid.

Run: pytest benchmarks/test_diffusion.py --benchmark-enable -s
"""

import time

import numpy as np
import pytest

from mixmap import diffusion as d
from mixmap._random import generator, kernel_keys
from mixmap.synthetic import diffusion_profile
from naive import naive_explicit_diffuse, naive_mc_erfc, naive_mc_profiles

T = 3600.0
D0 = 1e-14


def _profile(n_points):
    x = np.linspace(-40e-6, 40e-6, n_points)
    return x, diffusion_profile(x, T, D=D0, noise=0.01, seed=0)


def test_monte_carlo_sauer_freise_vs_numpy(benchmark):
    big = not benchmark.disabled
    n_points, n_rep, n_naive = (500, 10_000, 300) if big else (200, 200, 20)
    x, c = _profile(n_points)
    p = d.preprocess(x, c)
    run = lambda: d.monte_carlo(p, t=T, n=n_rep, seed=1)  # noqa: E731
    first = run()  # JIT outside the timed region
    res = benchmark.pedantic(run, rounds=5 if big else 1, warmup_rounds=1 if big else 0)
    assert res.samples.shape == (n_rep, first.c.size)
    t_fast = benchmark.stats.stats.median if big else _timed(run)

    # the twin: replicate by replicate with scipy.signal.savgol_filter and NumPy integrals
    keys = kernel_keys(generator(1), n_rep)[:n_naive]
    t0 = time.perf_counter()
    ref = naive_mc_profiles(p.c_smooth, p.sigma, keys, p.x[0], p.dx, T, p.window, p.order, p.n_plateau, res.c, 0)
    t_naive = (time.perf_counter() - t0) * n_rep / n_naive
    np.testing.assert_allclose(res.samples[:n_naive], ref, rtol=1e-6)
    ratio = t_naive / t_fast
    benchmark.extra_info.update(kernel_s=t_fast, naive_s_extrapolated=t_naive, speedup=ratio)
    print(
        f"\nMonte-Carlo Sauer-Freise, {n_rep} replicates x {n_points} points x {res.c.size} levels "
        f"(SG window {p.window}): monte_carlo() {t_fast:.3f} s (target < 2 s), NumPy/SciPy twin "
        f"{t_naive:.1f} s (from {n_naive} replicates), speed-up {ratio:.0f}x"
    )


def test_monte_carlo_erfc_vs_curve_fit(benchmark):
    big = not benchmark.disabled
    n_points, n_rep, n_naive = (500, 10_000, 200) if big else (200, 100, 10)
    x, c = _profile(n_points)
    p = d.preprocess(x, c)
    run = lambda: d.monte_carlo(p, t=T, n=n_rep, seed=1, method="erfc")  # noqa: E731
    res = run()
    benchmark.pedantic(run, rounds=3 if big else 1, warmup_rounds=0)
    t_fast = benchmark.stats.stats.median if big else _timed(run)
    keys = kernel_keys(generator(1), n_rep)[:n_naive]
    fit = d.fit_erfc(p, t=T)
    w = 2 * np.sqrt(fit.D_apparent * T)
    t0 = time.perf_counter()
    ref = naive_mc_erfc(fit.predict(p.x), p.sigma, keys, (p.x - fit.x0) / w, [fit.c_left, fit.c_right, 0.0, 1.0])
    t_naive = (time.perf_counter() - t0) * n_rep / n_naive
    np.testing.assert_allclose(res.params["D"][:n_naive], (ref[:, 3] * w) ** 2 / (4 * T), rtol=1e-4)
    ratio = t_naive / t_fast
    benchmark.extra_info.update(kernel_s=t_fast, naive_s_extrapolated=t_naive, speedup=ratio)
    print(
        f"\nMonte-Carlo erfc fit, {n_rep} replicates x {n_points} points: {t_fast:.3f} s, "
        f"scipy curve_fit loop {t_naive:.1f} s, speed-up {ratio:.0f}x"
    )


@pytest.mark.parametrize("n_big", [1000, 2000])
def test_simulate_vs_explicit_numpy(benchmark, n_big):
    """The explicit loop needs dt <= dx^2/(2 D_max): its cost grows as n^3, the implicit one as n, so
    the speed-up grows with the grid (both grids resolve the narrowest transition, 7 um, with >= 60
    nodes)."""
    big = not benchmark.disabled
    if not big and n_big != 1000:
        pytest.skip("one small size is enough without --benchmark-enable")
    n = n_big if big else 120
    x = np.linspace(-60e-6, 60e-6, n)
    c0 = np.where(x < 0, 0.0, 1.0)
    D = lambda c: D0 * np.exp(2.0 * (c - 0.5))  # noqa: E731
    run = lambda: d.simulate(x, c0, D, T)  # noqa: E731 - Crank-Nicolson, Newton, 100 steps
    c = run()  # JIT
    benchmark.pedantic(run, rounds=20 if big else 1, warmup_rounds=1 if big else 0)
    t_fast = benchmark.stats.stats.median if big else _timed(run)
    t0 = time.perf_counter()
    ref = naive_explicit_diffuse(x, c0, D, T)
    t_naive = time.perf_counter() - t0
    exact = d.simulate(x, c0, D, T, n_steps=4000, tol=1e-12)  # time-converged solution on this grid
    err_fast, err_naive = float(np.abs(c - exact).max()), float(np.abs(ref - exact).max())
    assert err_fast < 1e-3 and err_naive < 1e-3
    ratio = t_naive / t_fast
    benchmark.extra_info.update(
        kernel_s=t_fast, naive_s=t_naive, speedup=ratio, err_kernel=err_fast, err_naive=err_naive
    )
    print(
        f"\nforward solver D(c), {n} nodes to t = {T:.0f} s: Crank-Nicolson + Newton (100 steps) "
        f"{t_fast * 1e3:.2f} ms (max error {err_fast:.1e}), explicit NumPy step loop {t_naive:.2f} s "
        f"(max error {err_naive:.1e}), speed-up {ratio:.0f}x"
    )


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
