"""One task: positional seeds, error rows and statuses, labelling, Zarr cache (mixmap.batch.tasks)."""

import os

import numpy as np
import zarr
from batch_maps import KW, make_maps, zarr_stack

import mixmap


def test_rows_match_intra_mixing_with_positional_seeds(store, reference):
    path, maps = store
    t = reference
    assert list(t.columns) == mixmap.batch.COLUMNS
    assert list(t["id"]) == [f"agg{i:02d}" for i in range(8)]
    assert list(t["group"]) == ["C65"] * 4 + ["KB"] * 4
    assert (t["status"] == "ok").all() and (t["error"] == "").all()
    seeds = np.random.SeedSequence(0).spawn(8)
    for i in (0, 5):
        r = mixmap.intra_mixing(*maps[i], seed=seeds[i], **KW)
        assert t.loc[i, "s2"] == r.s2 and t.loc[i, "schmahl"] == r.schmahl and t.loc[i, "P"] == r.P
        assert t.loc[i, "target_count"] == r.target_count


def test_bad_maps_are_rows_and_batch_continues():
    maps = make_maps(6)
    maps[1] = (np.zeros((5, 5), bool), np.ones((5, 6), bool))  # shapes differ
    maps[2] = (np.zeros((9, 9), bool), np.ones((9, 9), bool))  # one element only
    maps[3] = (np.zeros((9, 9), bool), np.zeros((9, 9), bool))  # empty
    maps[4] = (np.full((9, 9), np.nan), np.ones((9, 9)))  # NaN
    t = mixmap.analyze(maps, scheduler="threads", workers=2, **KW)
    assert list(t["status"]) == ["ok", "invalid", "invalid", "invalid", "invalid", "ok"]
    assert "same shape" in t.loc[1, "error"] and "only one element" in t.loc[2, "error"]
    assert "no foreground" in t.loc[3, "error"] and "NaN" in t.loc[4, "error"]
    assert t.loc[1:4, "P"].isna().all() and t.loc[1:4, "n_foreground"].isna().all()
    s = mixmap.inter_mixing(t)  # failed rows are ignored by the summary
    assert s.loc["all", "n"] == 2


def test_unreadable_zarr_member_is_a_row(tmp_path):
    g = zarr.open_group(str(tmp_path / "m.zarr"), mode="w")
    maps = make_maps(2)
    for i, (a, b) in enumerate(maps):
        s = g.create_group(f"m{i}")
        s.create_array("a", data=a, chunks=a.shape)
        s.create_array("b", data=b, chunks=b.shape)
    # corrupt one chunk on disk
    chunk_files = [
        os.path.join(r, f) for r, _, fs in os.walk(tmp_path / "m.zarr" / "m1" / "a") for f in fs if f != "zarr.json"
    ]
    for f in chunk_files:
        with open(f, "wb") as fh:
            fh.write(b"garbage")
    t = mixmap.analyze(str(tmp_path / "m.zarr"), **KW)
    assert t.loc[0, "status"] == "ok"
    assert t.loc[1, "status"] != "ok" and t.loc[1, "error"]


def test_label_splits_images_into_aggregates():
    a1, b1 = make_maps(1, seed=1, shape=(30, 30))[0]
    a2, b2 = make_maps(1, seed=2, shape=(30, 30))[0]
    a = np.zeros((40, 80), bool)
    b = np.zeros((40, 80), bool)
    a[5:35, 5:35], b[5:35, 5:35] = a1, b1
    a[5:35, 45:75], b[5:35, 45:75] = a2, b2
    t = mixmap.analyze(
        [(a, b), (np.zeros((9, 9), bool), np.zeros((9, 9), bool))], label={"min_area": 20}, **{**KW, "n_particles": 5}
    )
    assert list(t["id"][:2]) == ["0#0", "0#1"] and list(t["aggregate"][:2]) == [0, 1]
    assert (t["status"][:2] == "ok").all() and t.loc[2, "status"] == "invalid"
    ss = np.random.SeedSequence(0).spawn(2)[0].spawn(2)
    crops = mixmap.label_aggregates(a, b, min_area=20)
    r = mixmap.intra_mixing(*crops[1], seed=ss[1], **{**KW, "n_particles": 5})
    assert t.loc[1, "schmahl"] == r.schmahl


def test_store_rewritten_between_calls_is_reread(tmp_path):
    path = tmp_path / "re.zarr"
    first = make_maps(3, seed=11)
    zarr_stack(path, first)
    t1 = mixmap.analyze(str(path), scheduler="threads", workers=2, **KW)
    second = make_maps(5, seed=12)
    zarr_stack(path, second)
    t2 = mixmap.analyze(str(path), scheduler="threads", workers=2, **KW)
    assert len(t1) == 3 and len(t2) == 5
    ref = mixmap.analyze(second, **KW)
    np.testing.assert_array_equal(t2["P"], ref["P"])
