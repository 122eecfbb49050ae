"""Intra-aggregate speed: exact-N cutout kernel vs its straightforward NumPy twin (tests/naive/).

Issue 2 targets: variance curve of 100 values of N x 120 cutouts on a 1024x1024 map with ~50 %
foreground and mean particle area 80 px at >= 100x the NumPy version; one map, 150 cutouts, N = 25:
time per map after JIT, dominated by the summed-area tables.

Run: pytest benchmarks/test_intra.py --benchmark-enable -s
"""

import time

import numpy as np
from _maps import blob_maps
from naive import naive_cutouts

import mixmap
from mixmap.mixing import sampling, target_count


def _items(a, b, Ns, n_samples, seed):
    """The exact (centre, target, key) items variance_curve draws, for the naive twin."""
    T = sampling._prepare(a, b)
    targets = [target_count(N, 80.0) for N in Ns]
    rng = mixmap._random.generator(seed)
    n = len(targets) * n_samples
    ranks = rng.integers(0, T.classes.n_foreground, size=n)
    keys = mixmap._random.kernel_keys(rng, n)
    return a.astype(float), b.astype(float), ranks, np.repeat(targets, n_samples), keys, T.classes


def test_variance_curve_vs_numpy(benchmark):
    big = not benchmark.disabled
    shape, Ns, n_samples = ((1024, 1024), range(1, 101), 120) if big else ((160, 160), range(1, 11), 20)
    a, b = blob_maps(shape, foreground=0.5, particle_area_px=80.0, seed=0)

    def run():
        return mixmap.variance_curve(a, b, n_particles=Ns, particle_area_px=80.0, n_samples=n_samples, seed=1)

    run()  # JIT outside the timed region
    df = benchmark.pedantic(run, rounds=5 if big else 1, warmup_rounds=1 if big else 0)
    assert len(df) == len(Ns)

    A, B, ranks, targets, keys, pc = _items(a, b, Ns, n_samples, 1)
    t0 = time.perf_counter()
    conc, _, _, _ = naive_cutouts(A, B, ranks, targets, keys)
    t_naive = time.perf_counter() - t0
    # same seed, same items: the curve equals the naive one
    s2 = ((conc.reshape(len(Ns), n_samples) - pc.P) ** 2).sum(1) / (n_samples - 1)
    np.testing.assert_allclose(df["s2"], s2, rtol=1e-10)

    t0 = time.perf_counter()
    run()
    t_fast = time.perf_counter() - t0
    if big:
        t_fast = benchmark.stats.stats.median
    ratio = t_naive / t_fast
    benchmark.extra_info.update(naive_s=t_naive, kernel_s=t_fast, speedup=ratio)
    print(
        f"\nvariance curve {shape}, {len(Ns)} N x {n_samples} cutouts: kernel {t_fast * 1e3:.1f} ms, "
        f"NumPy twin {t_naive:.2f} s, speed-up {ratio:.0f}x"
    )


def test_one_map_150_cutouts(benchmark):
    big = not benchmark.disabled
    shape = (1024, 1024) if big else (128, 128)
    a, b = blob_maps(shape, foreground=0.5, particle_area_px=80.0, seed=2)

    def run():
        return mixmap.intra_mixing(a, b, n_particles=25, particle_area_px=80.0, n_samples=150, seed=0)

    run()
    r = benchmark.pedantic(run, rounds=20 if big else 1, warmup_rounds=1 if big else 0)
    assert r.counts.min() == r.target_count

    from mixmap.kernels import cutouts

    A, B = a.view(np.uint8), b.view(np.uint8)
    reps = 20 if big else 1
    t0 = time.perf_counter()
    tables = sampling._alloc_tables(A)
    for _ in range(reps):
        for t in tables:
            t.fill(0)
        cutouts.map_tables(A, B, *tables)
    t_sat = (time.perf_counter() - t0) / reps
    t_map = benchmark.stats.stats.median if big else t_sat
    benchmark.extra_info.update(per_map_s=t_map, tables_s=t_sat)
    print(
        f"\none {shape} map, 150 cutouts, N=25: {t_map * 1e3:.2f} ms per map; summed-area tables "
        f"{t_sat * 1e3:.2f} ms ({100 * t_sat / t_map:.0f} %)"
    )
