"""R(h) curves stored alongside the table and summarised per group (mixmap.batch.summary)."""

import numpy as np
import pandas as pd
import pytest

import mixmap
from mixmap.batch import correlation_summary, read_results


def test_correlation_option_stored_alongside_and_summarised(tmp_path, store):
    path, maps = store
    out = tmp_path / "c.parquet"
    P = mixmap.Particles(10, 10, pixel_size=2.0)
    kw = dict(n_particles=10, particles=P, n_samples=40, correlation={"h_max": 12})
    t = mixmap.analyze(path, out=out, scheduler="threads", workers=2, **kw)
    for c in ("h_max", "integral_scale_px", "integral_scale_nm", "correlation_length_px"):
        assert c in t.columns and t[c].notna().all()
    curves = t.attrs["correlation"]
    assert len(curves) == 8 * 13 and set(curves["h"]) == set(range(13))
    exact = mixmap.correlation(*maps[3], h_max=12, pixel_size=2.0)
    got = curves[curves["item"] == 3]
    np.testing.assert_array_equal(got["R"].to_numpy(), exact.R)
    np.testing.assert_array_equal(got["h_nm"].to_numpy(), exact.h_nm)
    sc = mixmap.scale_of_segregation(exact)
    assert t.loc[3, "integral_scale_nm"] == pytest.approx(sc.integral_scale_nm)
    # stored next to out, identical after a no-op resume, same with the synchronous scheduler
    back = read_results(out, correlation=True).sort_values(["item", "h"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, curves)
    t2 = mixmap.analyze(path, out=out, scheduler="synchronous", **kw)
    pd.testing.assert_frame_equal(t2, t)
    pd.testing.assert_frame_equal(t2.attrs["correlation"], curves)
    # per-group mean R-bar (Eq. 9) on the nm grid and the Eq. 14 fit
    s = correlation_summary(curves)
    assert list(s.table.index) == ["C65", "KB"] and (s.table["unit"] == "nm").all()
    assert {"s1", "s2", "nu", "lam", "r2"} <= set(s.table.columns)
    assert (s.table["r2"] > 0.9).all() and s.table.loc["C65", "n"] == 4
    m = mixmap.mean_correlation([mixmap.correlation(*maps[i], h_max=12, pixel_size=2.0) for i in range(4)])
    np.testing.assert_allclose(s.means["C65"].R, m.R)


def test_correlation_summary_is_a_result(store):
    path, maps = store
    P = mixmap.Particles(10, 10, pixel_size=2.0)
    t = mixmap.analyze(path, n_particles=10, particles=P, n_samples=40, correlation={"h_max": 12})
    s = correlation_summary(t.attrs["correlation"])
    s2 = correlation_summary(t.attrs["correlation"])
    assert s == s and s != s2 and hash(s) == hash(s) and {s, s2} == {s, s2}
    r = repr(s)
    assert r.startswith("CorrelationSummary(") and len(r) <= 300 and "\n" not in r
    d = s.to_dict()  # the per-group table, not the one-row form of other results
    assert set(d) == {"table", "means", "fits"} and d["table"]["group"] == ["C65", "KB"]
    assert set(d["means"]) == {"C65", "KB"}
    pd.testing.assert_frame_equal(s.to_frame(), s.table)
    assert s.to_frame() is not s.table
