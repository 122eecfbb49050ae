"""Result files: resume without duplicates or losses, parameters check, partial CSV lines (mixmap.batch.store)."""

import pandas as pd
import pytest
from batch_maps import KW

import mixmap
from mixmap.batch import read_results


class _Stop(Exception):
    pass


@pytest.mark.parametrize("ext, scheduler", [("parquet", "threads"), ("csv", "synchronous"), ("csv", "threads")])
def test_interrupted_run_resumes_without_duplicates_or_losses(tmp_path, store, reference, ext, scheduler):
    out = tmp_path / f"results.{ext}"
    seen = []

    def stop_after_3(rows):
        seen.append(rows[0]["item"])
        if len(seen) == 3:
            raise _Stop

    with pytest.raises(_Stop):
        mixmap.analyze(store[0], out=out, scheduler=scheduler, workers=2, window=4, callback=stop_after_3, **KW)
    partial = read_results(out)
    assert len(partial) >= 3 and partial["source"].is_unique
    again = []
    t = mixmap.analyze(
        store[0], out=out, scheduler=scheduler, workers=2, callback=lambda rows: again.append(rows[0]["item"]), **KW
    )
    assert not set(again) & set(partial["item"])  # nothing recomputed
    assert sorted(again + list(partial["item"])) == list(range(8))  # nothing lost
    pd.testing.assert_frame_equal(t, reference)
    back = read_results(out).sort_values("item").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, reference)
    # a third run computes nothing and returns the same table
    none = []
    t3 = mixmap.analyze(store[0], out=out, callback=none.append, **KW)
    assert none == []
    pd.testing.assert_frame_equal(t3, reference)


def test_resume_refuses_other_parameters(tmp_path, store):
    out = tmp_path / "r.parquet"
    mixmap.analyze(store[0], out=out, **KW)
    with pytest.raises(mixmap.InputError, match="n_samples"):
        mixmap.analyze(store[0], out=out, **{**KW, "n_samples": 41})
    foreign = tmp_path / "x.csv"
    foreign.write_text("a,b\n1,2\n")
    with pytest.raises(mixmap.InputError, match="not written by"):
        mixmap.analyze(store[0], out=foreign, **KW)


def test_csv_resume_after_a_kill_mid_line(tmp_path, store, reference):
    out = tmp_path / "k.csv"
    seen = []

    def stop(rows):
        seen.append(1)
        if len(seen) == 2:
            raise _Stop

    with pytest.raises(_Stop):
        mixmap.analyze(store[0], out=out, scheduler="synchronous", callback=stop, **KW)
    with open(out, "a") as fh:  # a run killed while writing a row leaves half a line
        fh.write("agg07,/some/where::a[7],KB,7,0,0.51")
    t = mixmap.analyze(store[0], out=out, **KW)
    pd.testing.assert_frame_equal(t, reference)
    assert len(read_results(out)) == 8
