"""Precursor fractions speed: vectorised projection vs a per-spot bounded least-squares loop.

Issue 8 target: 10⁶ EDS spots (Al, Mg, O, Si columns; Al2O3 + MgO) through
``precursor_fractions`` (filters, projection, statistics and bootstrap CI) in < 1 s. The naive
twin (tests/naive/, one ``scipy.optimize.lsq_linear`` per spot) runs on a subset; the ratio is
per spot.

Run: pytest benchmarks/test_precursors.py --benchmark-enable -s
"""

import time

import numpy as np
import pandas as pd
from naive import naive_precursor_fractions

import mixmap
from mixmap.precursors.projection import _segment


def _spots(n, seed=0):
    rng = np.random.default_rng(seed)
    x = np.clip(rng.normal(0.5, 0.1, n), 0, 1)[:, None]
    atoms = x * np.array([2.0, 0.0, 3.0, 0.0]) + (1 - x) * np.array([0.0, 1.0, 1.0, 0.0])
    at = 100 * atoms / atoms.sum(axis=1, keepdims=True)
    at = np.abs(at + rng.normal(0, 0.5, at.shape))
    df = pd.DataFrame(at, columns=["Al_at%", "Mg_at%", "O_at%", "Si_at%"])
    df["Quant_flag"] = rng.choice([0, 0, 0, -1, 1], n)
    df["An er w%"] = rng.normal(0, 3, n)
    return df


def test_precursor_fractions_vs_per_spot_loop(benchmark):
    big = not benchmark.disabled
    n, n_naive = (1_000_000, 2000) if big else (5000, 200)
    table = _spots(n)
    mixmap.precursor_fractions(table.head(10), "Al2O3", "MgO")  # JIT outside the timed region

    def run():
        return mixmap.precursor_fractions(
            table, "Al2O3", "MgO", accepted_flags=[0, -1], max_analytical_error=5, n_boot=1000, seed=0
        )

    r = benchmark.pedantic(run, rounds=5 if big else 1, warmup_rounds=1 if big else 0)
    assert 0.45 < r.mean < 0.55 and r.n_spots + r.n_rejected == n

    # naive twin on the first accepted spots; same c, residual, x
    seg = _segment("Al2O3", "MgO", ["O", "Mg", "Al", "Si"], "atomic", ("H", "He", "Li"))
    sub = table[["O_at%", "Mg_at%", "Al_at%", "Si_at%"]].to_numpy()[r.spot[:n_naive]]
    t0 = time.perf_counter()
    c0, res0, x0 = naive_precursor_fractions(sub, seg.a, seg.b, seg.units_a, seg.units_b)
    t_naive = (time.perf_counter() - t0) / n_naive
    np.testing.assert_allclose(r.x[:n_naive], x0, atol=1e-9)
    np.testing.assert_allclose(r.residual[:n_naive], res0, atol=1e-9)

    if big:
        t_fast = benchmark.stats.stats.median
    else:
        t0 = time.perf_counter()
        run()
        t_fast = time.perf_counter() - t0
    per_spot = t_fast / n
    ratio = t_naive / per_spot
    benchmark.extra_info.update(n_spots=n, total_s=t_fast, naive_per_spot_s=t_naive, speedup=ratio)
    print(
        f"\nprecursor_fractions on {n} spots: {t_fast:.3f} s ({per_spot * 1e9:.0f} ns/spot, incl. "
        f"filters + bootstrap CI); per-spot lsq_linear loop {t_naive * 1e6:.0f} us/spot; "
        f"speed-up {ratio:.0f}x"
    )


def test_projection_kernel_vs_per_spot_loop(benchmark):
    """The projection kernel alone (no DataFrame, filters or bootstrap) vs the naive twin."""
    from mixmap.precursors.projection import _project

    big = not benchmark.disabled
    n, n_naive = (1_000_000, 2000) if big else (5000, 200)
    S = _spots(n)[["O_at%", "Mg_at%", "Al_at%", "Si_at%"]].to_numpy()
    seg = _segment("Al2O3", "MgO", ["O", "Mg", "Al", "Si"], "atomic", ("H", "He", "Li"))
    _project(S[:10], seg)  # JIT outside the timed region

    def run():
        return _project(S, seg)

    c, res, x = benchmark.pedantic(run, rounds=10 if big else 1, warmup_rounds=1 if big else 0)
    assert len(x) == n and np.all((c >= 0) & (c <= 1))
    t0 = time.perf_counter()
    c0, res0, x0 = naive_precursor_fractions(S[:n_naive], seg.a, seg.b, seg.units_a, seg.units_b)
    t_naive = (time.perf_counter() - t0) / n_naive
    np.testing.assert_allclose(x[:n_naive], x0, atol=1e-9)
    if big:
        t_fast = benchmark.stats.stats.median
    else:
        t0 = time.perf_counter()
        run()
        t_fast = time.perf_counter() - t0
    ratio = t_naive / (t_fast / n)
    benchmark.extra_info.update(n_spots=n, kernel_s=t_fast, naive_per_spot_s=t_naive, speedup=ratio)
    print(
        f"\nprojection kernel on {n} spots: {t_fast * 1e3:.1f} ms ({t_fast / n * 1e9:.0f} ns/spot); "
        f"per-spot lsq_linear loop {t_naive * 1e6:.0f} us/spot; speed-up {ratio:.0f}x"
    )
