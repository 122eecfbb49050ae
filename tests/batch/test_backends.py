"""Schedulers give identical tables; bounded memory; the kept process pool (mixmap.batch.backends)."""

import tracemalloc

import pandas as pd
import pytest
import zarr
from batch_maps import KW, make_maps, zarr_stack

import mixmap
from mixmap.batch import backends as batch


@pytest.mark.parametrize("scheduler, workers", [("threads", 1), ("threads", 2), ("processes", 2)])
def test_identical_across_schedulers(store, reference, scheduler, workers):
    t = mixmap.analyze(store[0], scheduler=scheduler, workers=workers, window=3, **KW)
    pd.testing.assert_frame_equal(t, reference)


def test_identical_on_local_cluster(store, reference):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        t = mixmap.analyze(store[0], client=client, window=3, **KW)
        t2 = mixmap.analyze(store[0], scheduler=cluster.scheduler_address, **KW)  # CLI --scheduler
    pd.testing.assert_frame_equal(t, reference)
    pd.testing.assert_frame_equal(t2, reference)


def test_memory_flat_as_maps_grow(tmp_path):
    maps = make_maps(96, shape=(128, 128))
    small = zarr_stack(tmp_path / "s.zarr", maps[:24])
    large = zarr_stack(tmp_path / "l.zarr", maps)
    mixmap.analyze(small, scheduler="synchronous", **KW)  # imports, JIT, caches
    peaks = []
    for path in (small, large):
        tracemalloc.start()
        mixmap.analyze(path, scheduler="threads", workers=2, window=2, batch_size=2, **KW)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    one_map = 2 * 128 * 128 * 8  # a map pair as float64
    # 4x the maps: the peak grows by far less than the 72 extra maps would need if held at once
    assert peaks[1] - peaks[0] < 10 * one_map, peaks


def test_process_pool_workers_decode_zarr_in_batches():
    keys = ("threading.max_workers", "codec_pipeline.batch_size")
    old = {k: zarr.config.get(k) for k in keys}
    try:
        batch._worker_init()
        assert [zarr.config.get(k) for k in keys] == [1, 16]
    finally:
        zarr.config.set(old)
    assert [zarr.config.get(k) for k in keys] == list(old.values())
    pool = batch._process_pool(1)  # workers start lazily: nothing is spawned here
    try:
        assert pool._initializer is batch._worker_init
    finally:
        batch._shutdown_pool()
