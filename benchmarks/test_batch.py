"""Many maps in one call: mixmap.analyze (threads, processes) vs a plain Python loop over intra_mixing.

Issue 4 target: 1000 maps of 512x512 (intra-aggregate only) in one call on 2 cores; report maps/s
with threads and with processes; the parallel run must beat the plain loop by >= 1.6x. The maps live
in a Zarr (n, y, x) store (memory stays flat: tasks read their maps), and the loop reads the same
store map by map. With benchmarking disabled (CI) 20 small maps are used.

Run: pytest benchmarks/test_batch.py --benchmark-enable -s
"""

import time

import numpy as np
from _maps import blob_maps

import mixmap

KW = dict(n_particles=25, particle_area_px=80.0, n_samples=150)


def _store(path, n, size, n_base=40):
    """``n`` maps: rolled/rotated copies of ``n_base`` blob maps (distinct maps, cheap to make)."""
    import zarr

    rng = np.random.default_rng(0)
    base = [blob_maps((size, size), foreground=0.5, particle_area_px=80.0, seed=s) for s in range(min(n, n_base))]
    g = zarr.open_group(str(path), mode="w")
    A = g.create_array("a", shape=(n, size, size), dtype=bool, chunks=(1, size, size))
    B = g.create_array("b", shape=(n, size, size), dtype=bool, chunks=(1, size, size))
    for s0 in range(0, n, 50):
        aa, bb = [], []
        for i in range(s0, min(n, s0 + 50)):
            a, b = base[i % len(base)]
            sh, k = tuple(rng.integers(0, size, 2)), (i // len(base)) % 4
            aa.append(np.rot90(np.roll(a, sh, (0, 1)), k))
            bb.append(np.rot90(np.roll(b, sh, (0, 1)), k))
        A[s0 : s0 + len(aa)] = np.stack(aa)
        B[s0 : s0 + len(bb)] = np.stack(bb)
    return str(path)


def _loop(path, n, numba_threads=None):
    """What a user writes without mixmap.analyze: read each map, call intra_mixing.

    ``numba_threads=1`` is the stricter baseline: the cutout kernel is ``parallel=True`` and its
    2-thread OpenMP regions slow down a lot when the cores are busy with other work.
    """
    import numba
    import zarr

    g = zarr.open_group(path, mode="r")
    A, B = g["a"], g["b"]
    seeds = np.random.SeedSequence(0).spawn(n)
    prev = numba.get_num_threads()
    numba.set_num_threads(numba_threads or prev)
    try:
        return [mixmap.intra_mixing(A[i], B[i], seed=seeds[i], **KW).schmahl for i in range(n)]
    finally:
        numba.set_num_threads(prev)


def test_analyze_many_maps_vs_loop(benchmark, tmp_path):
    big = not benchmark.disabled
    n, size = (1000, 512) if big else (20, 128)
    path = _store(tmp_path / "maps.zarr", n, size)
    # JIT and process-pool start-up outside the timed region (processes only when benchmarking:
    # the pool start-up alone takes seconds, too long for CI; tests/test_batch.py covers it)
    if big:
        mixmap.analyze(path, scheduler="processes", workers=2, **KW)
    ref = _loop(path, n)

    t0 = time.perf_counter()
    _loop(path, n)
    t_loop = time.perf_counter() - t0
    t0 = time.perf_counter()
    _loop(path, n, numba_threads=1)
    t_loop1 = time.perf_counter() - t0

    times = []

    def run_threads():
        t0 = time.perf_counter()
        out = mixmap.analyze(path, scheduler="threads", workers=2, **KW)
        times.append(time.perf_counter() - t0)
        return out

    table = benchmark.pedantic(run_threads, rounds=1, warmup_rounds=1)
    t_threads = times[-1]

    # same numbers whatever the scheduler, and the same as the loop with positional seeds
    assert (table["status"] == "ok").all()
    assert np.array_equal(table["schmahl"].to_numpy(), np.asarray(ref))
    best = min(t_loop, t_loop1)
    print(f"\n{n} maps {size}x{size}, N=25, 150 cutouts, 2 workers:")
    print(f"  loop over intra_mixing (numba default threads): {n / t_loop:8.1f} maps/s")
    print(f"  loop over intra_mixing (numba 1 thread)       : {n / t_loop1:8.1f} maps/s")
    print(f"  analyze, threads  : {n / t_threads:8.1f} maps/s   {best / t_threads:5.2f}x the faster loop")
    if big:
        t0 = time.perf_counter()
        table_p = mixmap.analyze(path, scheduler="processes", workers=2, **KW)
        t_proc = time.perf_counter() - t0
        assert np.array_equal(table_p["schmahl"].to_numpy(), np.asarray(ref))
        print(f"  analyze, processes: {n / t_proc:8.1f} maps/s   {best / t_proc:5.2f}x the faster loop")
