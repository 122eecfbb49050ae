"""Synthetic aggregates speed (issue 3): generation of many aggregates; kernels vs NumPy twins.

Issue 3 target: 1000 aggregates of ~200 primary particles projected at 512x512 "well under a minute
on 2 cores". Generated in batches of 100 (a list of 1000 results would hold 0.5 GB of masks); the
rasteriser and the aggregation kernel are also timed against their NumPy twins in tests/naive/.

Run: pytest benchmarks/test_synthetic.py --benchmark-enable -s
"""

import time

import numpy as np
from mixmap.kernels import aggregation, raster

from mixmap.synthetic import aggregates
from naive import naive_grow, naive_thickness

KW = dict(mixing="random", d_a=20.0, d_b=20.0, n_primary=(180, 220), pixel_size=2.0, shape=(512, 512))


def test_generate_1000_aggregates_512(benchmark):
    big = not benchmark.disabled
    n_batches, batch = (10, 100) if big else (1, 4)
    aggregates(2, seed=0, **KW)  # JIT outside the timed region

    def run():
        n = 0
        for k in range(n_batches):
            aggs = aggregates(batch, seed=k, **KW)
            n += len(aggs)
        return n

    t0 = time.perf_counter()
    n = benchmark.pedantic(run, rounds=1, warmup_rounds=0)
    t = time.perf_counter() - t0
    assert n == n_batches * batch
    benchmark.extra_info.update(n_aggregates=n, seconds=t, per_aggregate_ms=1e3 * t / n)
    print(f"\n{n} aggregates of 180-220 particles at 512x512: {t:.1f} s ({1e3 * t / n:.1f} ms each)")


def _one_aggregate(n=200, seed=1):
    rng = np.random.default_rng(seed)
    radii = rng.lognormal(np.log(10.0), 0.25, n)
    pos = aggregation.grow(radii, np.array([0, n], np.int64), 1.8, 1.3, 0.05, 64, np.uint64(seed))
    return pos, radii, rng.integers(0, 2, n)


def test_rasterise_vs_numpy(benchmark):
    big = not benchmark.disabled
    H = W = 512 if big else 96
    pos, radii, mat = _one_aggregate()
    scale = (H - 20) / np.ptp(pos[:, :2])  # the aggregate fills the frame
    xc = (pos[:, 0] - pos[:, 0].min()) * scale + 10
    yc = (pos[:, 1] - pos[:, 1].min()) * scale + 10
    r = radii * scale
    args = (xc, yc, r, mat, 2, H, W)
    raster.thickness(*args)
    out = benchmark.pedantic(raster.thickness, args=args, rounds=50 if big else 1, warmup_rounds=1)
    t0 = time.perf_counter()
    slow = naive_thickness(*args)
    t_naive = time.perf_counter() - t0
    np.testing.assert_allclose(out, slow, rtol=1e-12, atol=1e-12)
    t0 = time.perf_counter()
    raster.thickness(*args)
    t_fast = benchmark.stats.stats.median if big else time.perf_counter() - t0
    ratio = t_naive / t_fast
    benchmark.extra_info.update(naive_s=t_naive, kernel_s=t_fast, speedup=ratio)
    print(
        f"\nrasterise 200 spheres at {H}x{W}: kernel {1e3 * t_fast:.2f} ms, NumPy twin "
        f"{1e3 * t_naive:.0f} ms, speed-up {ratio:.0f}x"
    )


def test_grow_vs_numpy(benchmark):
    big = not benchmark.disabled
    n = 200 if big else 40
    rng = np.random.default_rng(2)
    radii = rng.lognormal(np.log(10.0), 0.25, n)
    starts = np.array([0, n], np.int64)
    args = (radii, starts, 1.8, 1.3, 0.05, 64, np.uint64(3))
    aggregation.grow(*args)
    pos = benchmark.pedantic(aggregation.grow, args=args, rounds=20 if big else 1, warmup_rounds=1)
    t0 = time.perf_counter()
    slow = naive_grow(*args)
    t_naive = time.perf_counter() - t0
    np.testing.assert_allclose(pos, slow, rtol=1e-9, atol=1e-9)
    t0 = time.perf_counter()
    aggregation.grow(*args)
    t_fast = benchmark.stats.stats.median if big else time.perf_counter() - t0
    ratio = t_naive / t_fast
    benchmark.extra_info.update(naive_s=t_naive, kernel_s=t_fast, speedup=ratio)
    print(
        f"\ngrow one aggregate of {n} spheres: kernel {1e3 * t_fast:.2f} ms, NumPy twin "
        f"{1e3 * t_naive:.0f} ms, speed-up {ratio:.0f}x"
    )
