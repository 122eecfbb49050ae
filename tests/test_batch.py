"""mixmap.analyze: many maps, Dask schedulers and a local cluster, nothing lost, resume."""

import os

import numpy as np
import pandas as pd
import pytest

import mixmap
from mixmap.batch import read_results
from mixmap.batch.plan import _stem_of

KW = dict(n_particles=10, particle_area_px=4, n_samples=40)


def _maps(n, seed=0, shape=(48, 48)):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        p = 0.3 + 0.4 * rng.random()
        m = rng.random(shape) < p
        fg = rng.random(shape) < 0.8
        out.append((m & fg, ~m & fg))
    return out


def _zarr_stack(path, maps, groups=None):
    import zarr

    g = zarr.open_group(str(path), mode="w")
    g.create_array("a", data=np.stack([m[0] for m in maps]), chunks=(1,) + maps[0][0].shape)
    g.create_array("b", data=np.stack([m[1] for m in maps]), chunks=(1,) + maps[0][0].shape)
    g.attrs["ids"] = [f"agg{i:02d}" for i in range(len(maps))]
    if groups is not None:
        g.attrs["groups"] = list(groups)
    return str(path)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    maps = _maps(8)
    return _zarr_stack(tmp_path_factory.mktemp("z") / "maps.zarr", maps, ["C65"] * 4 + ["KB"] * 4), maps


@pytest.fixture(scope="module")
def reference(store):
    return mixmap.analyze(store[0], scheduler="synchronous", **KW)


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


def test_array_pairs_and_subgroup_layout_match(tmp_path, store, reference):
    import zarr

    path, maps = store
    t = mixmap.analyze(maps, groups=["C65"] * 4 + ["KB"] * 4, **KW)
    cols = ["P", "s2", "schmahl", "group", "item"]
    pd.testing.assert_frame_equal(t[cols], reference[cols])
    g = zarr.open_group(str(tmp_path / "sub.zarr"), mode="w")
    for i in (2, 0, 1):
        s = g.create_group(f"agg{i:02d}")
        s.create_array("a", data=maps[i][0])
        s.create_array("b", data=maps[i][1])
        s.attrs["group"] = "C65"
    t2 = mixmap.analyze(g, **KW)  # zarr.Group object, sorted subgroup ids
    assert list(t2["id"]) == ["agg00", "agg01", "agg02"] and (t2["group"] == "C65").all()
    assert np.array_equal(t2["P"], reference["P"][:3])


def test_bad_maps_are_rows_and_batch_continues():
    maps = _maps(6)
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
    import zarr

    g = zarr.open_group(str(tmp_path / "m.zarr"), mode="w")
    maps = _maps(2)
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


def test_progress_bar(store, capsys):
    mixmap.analyze(store[0], progress=True, **KW)
    assert "8/8" in capsys.readouterr().err


def test_groups_options(store):
    path = store[0]
    t = mixmap.analyze(path, groups=r"a\[(\d)\]", **KW)  # regex on the source "...::a[i]"
    assert list(t["group"]) == [str(i) for i in range(8)]
    t = mixmap.analyze(path, groups=lambda s: "even" if s[-2] in "0246" else "odd", **KW)
    assert list(t["group"][:2]) == ["even", "odd"]
    t = mixmap.analyze(path, groups={f"agg{i:02d}": "g" for i in range(8)}, **KW)
    assert (t["group"] == "g").all()


def test_stem_definition():
    assert _stem_of("agg01_C.png", "*_C.png") == "agg01"
    assert _stem_of("C_agg01.png", "C_*.png") == "agg01"
    assert _stem_of("x_7_C.tif", "x_?_C.tif") == "7"
    assert _stem_of("m3_C.png", "m[0-9]_C.png") == "3"


@pytest.mark.parametrize(
    "items, kwargs, match",
    [
        ([], {}, "empty"),
        ("nothing/*_C.png", {"pair": "{stem}_Si.png"}, "matches no file"),
        ("plain.png", {}, "single path"),
        (["a.png", "b.png"], {}, "single paths"),
        ("maps/C.png", {"pair": "{stem}_Si.png"}, "wildcard"),
        ([(np.ones((4, 4)), "b.png")], {}, "mixes"),
        ([np.ones(3)], {}, "pair"),
        (["x_*.png"], {"channels": {"C": "green"}}, "exactly two"),
    ],
)
def test_bad_items(items, kwargs, match):
    with pytest.raises(mixmap.InputError, match=match):
        mixmap.analyze(items, **KW, **kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_particles": 0}, "n_particles"),
        ({"n_samples": 1}, "n_samples"),
        ({"particle_area_px": None}, "exactly one"),
        ({"scheduler": "gpu"}, "scheduler"),
        ({"workers": 0}, "workers"),
        ({"out": "results.xlsx"}, "out"),
        ({"groups": ["a"]}, "labels"),
        ({"groups": "("}, "regular expression"),
        ({"groups": "zzz"}, "matches no part"),
        ({"label": "yes"}, "label"),
        ({"correlation": 5}, "correlation"),
    ],
)
def test_bad_options(kwargs, match):
    maps = _maps(2)
    with pytest.raises(mixmap.InputError, match=match):
        mixmap.analyze(maps, **{**KW, **kwargs})


def test_bad_zarr_layout(tmp_path):
    import zarr

    g = zarr.open_group(str(tmp_path / "e.zarr"), mode="w")
    g.create_group("x")
    with pytest.raises(mixmap.FormatError, match="'a' and 'b'"):
        mixmap.analyze(str(tmp_path / "e.zarr"), **KW)
    g2 = zarr.open_group(str(tmp_path / "f.zarr"), mode="w")
    g2.create_array("a", data=np.ones((2, 4, 4)))
    g2.create_array("b", data=np.ones((3, 4, 4)))
    with pytest.raises(mixmap.FormatError, match=r"\(n, y, x\)"):
        mixmap.analyze(str(tmp_path / "f.zarr"), **KW)


def test_memory_flat_as_maps_grow(tmp_path):
    import tracemalloc

    maps = _maps(96, shape=(128, 128))
    small = _zarr_stack(tmp_path / "s.zarr", maps[:24])
    large = _zarr_stack(tmp_path / "l.zarr", maps)
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


def test_figures(tmp_path, reference):
    import matplotlib

    fig = mixmap.plot.schmahl_histogram(reference, path=tmp_path / "h.png")
    assert isinstance(fig, matplotlib.figure.Figure) and (tmp_path / "h.png").stat().st_size > 1000
    fig2 = mixmap.plot.schmahl_heatmap(reference, path=tmp_path / "m.png")
    assert len(fig2.axes) == 3 and (tmp_path / "m.png").exists()  # 2 groups + colour bar
    # the group means are marked
    x, y = fig2.axes[0].lines[0].get_data()
    ok = reference[reference["group"] == "C65"]
    assert x[0] == pytest.approx(ok["P"].mean()) and y[0] == pytest.approx(ok["schmahl"].mean())
    with pytest.raises(mixmap.InputError, match="lacks"):
        mixmap.plot.schmahl_histogram(reference.drop(columns="schmahl"))
    with pytest.raises(mixmap.DataError, match="no aggregate"):
        mixmap.plot.schmahl_heatmap(reference.assign(status="invalid"))


def test_cli_analyze_and_summary(tmp_path, store, reference, capsys, monkeypatch):
    from mixmap.cli import main

    monkeypatch.chdir(tmp_path)
    rc = main(
        [
            "analyze",
            store[0],
            "--particles",
            "10",
            "--particle-area-px",
            "4",
            "--samples",
            "40",
            "--out",
            "r.csv",
            "--workers",
            "2",
            "--figures",
            "figs",
            "--max-p",
            "0.99",
        ]
    )
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "C65" in out.out and "KB" in out.out and "psi_comb" in out.out
    assert "analyze:" not in out.err and "\r" not in out.err  # no progress bar when stderr is not a terminal
    assert (tmp_path / "figs" / "schmahl_histogram.png").exists()
    assert (tmp_path / "figs" / "schmahl_heatmap.png").exists()
    t = read_results(tmp_path / "r.csv").sort_values("item").reset_index(drop=True)
    pd.testing.assert_frame_equal(t, reference)
    rc = main(["summary", "r.csv"])
    out2 = capsys.readouterr().out
    assert rc == 0
    s = mixmap.inter_mixing(reference)
    assert f"{s.loc['KB', 'psi_p']:.3f}" in out2 and f"{s.loc['C65', 'psi_comb']:.3f}" in out2


@pytest.mark.parametrize(
    "argv, match",
    [
        (["a.png"], "pairs"),
        (["maps/*_C.png", "x.png"], "pattern"),
        (["x.zarr", "y.png"], "only input"),
        (["a_*.png", "--pair", "{stem}.png", "--channels", "C=green,Si=red"], "not both"),
        (["a.png", "--channels", "C=green"], "two elements"),
    ],
)
def test_cli_bad_inputs(argv, match, capsys):
    from mixmap.cli import main

    rc = main(["analyze", *argv, "--particles", "25", "--particle-area-px", "4"])
    assert rc == 2 and match in capsys.readouterr().err


def test_cli_summary_missing_file(tmp_path, capsys):
    from mixmap.cli import main

    assert main(["summary", str(tmp_path / "none.parquet")]) == 2
    assert "no results" in capsys.readouterr().err


def test_correlation_option_stored_alongside_and_summarised(tmp_path, store):
    from mixmap.batch import correlation_summary

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


def _write_png(path, mask):
    from PIL import Image

    Image.fromarray((np.asarray(mask) * 255).astype(np.uint8)).save(path)


@pytest.fixture(scope="module")
def png_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("png")
    maps = _maps(4, seed=5)
    for i, (a, b) in enumerate(maps):
        cond = "C65" if i < 2 else "KB"
        _write_png(d / f"{cond}_map{i}_C.png", a)
        _write_png(d / f"{cond}_map{i}_Si.png", b)
    (d / "KB_map9_C.png").write_bytes(b"not a png")  # unreadable
    _write_png(d / "KB_map9_Si.png", maps[0][1])
    _write_png(d / "KB_map8_C.png", maps[0][0])  # its pair is missing
    return d, maps


def test_glob_pattern_with_pair_template(png_dir):
    d, maps = png_dir
    t = mixmap.analyze(str(d / "*_C.png"), pair="{stem}_Si.png", groups=r"(C65|KB)_", **KW)
    assert list(t["id"]) == ["C65_map0", "C65_map1", "KB_map2", "KB_map3", "KB_map8", "KB_map9"]
    assert list(t["group"]) == ["C65", "C65", "KB", "KB", "KB", "KB"]
    assert list(t["status"]) == ["ok"] * 4 + ["unreadable", "unreadable"]
    assert "KB_map8_Si.png" in t.loc[4, "error"]
    # the maps read from the files give the same numbers as the arrays (positional seeds)
    ref = mixmap.analyze(maps, **KW)
    np.testing.assert_array_equal(t["schmahl"][:4], ref["schmahl"])
    # explicit (path_a, path_b) pairs: same rows, ids from the A file names
    pairs = [(d / f"C65_map{i}_C.png", d / f"C65_map{i}_Si.png") for i in range(2)]
    t2 = mixmap.analyze(pairs, **KW)
    assert list(t2["id"]) == ["C65_map0_C", "C65_map1_C"]
    np.testing.assert_array_equal(t2["schmahl"], ref["schmahl"][:2])


def test_composites_with_channel_names(tmp_path):
    from PIL import Image

    maps = _maps(2, seed=9)
    for i, (a, b) in enumerate(maps):
        rgb = np.zeros(a.shape + (3,), np.uint8)
        rgb[..., 1] = 255 * a  # C green
        rgb[..., 0] = 255 * b  # Si red
        Image.fromarray(rgb).save(tmp_path / f"comp{i}.png")
    t = mixmap.analyze(str(tmp_path / "comp*.png"), channels={"C": "green", "Si": "red"}, **KW)
    assert list(t["id"]) == ["comp0", "comp1"] and (t["status"] == "ok").all()
    for i, (a, b) in enumerate(maps):
        assert t.loc[i, "P"] == pytest.approx(a.sum() / (a.sum() + b.sum()), abs=1e-6)


def test_label_splits_images_into_aggregates():
    a1, b1 = _maps(1, seed=1, shape=(30, 30))[0]
    a2, b2 = _maps(1, seed=2, shape=(30, 30))[0]
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


def test_cli_on_png_files(png_dir, tmp_path, capsys, monkeypatch):
    from mixmap.cli import main

    d, _ = png_dir
    monkeypatch.chdir(tmp_path)
    rc = main(
        [
            "analyze",
            str(d / "*_C.png"),
            "--pair",
            "{stem}_Si.png",
            "--group-by",
            "(C65|KB)_",
            "--particles",
            "10",
            "--particle-area-px",
            "4",
            "--samples",
            "40",
            "--out",
            "res.parquet",
        ]
    )
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    assert "6 aggregates: 4 ok, 2 not analysed" in cap.out and "unreadable" in cap.err
    assert (tmp_path / "res.parquet").exists() and len(read_results(tmp_path / "res.parquet")) == 6
    # pairs given explicitly
    rc = main(
        [
            "analyze",
            str(d / "C65_map0_C.png"),
            str(d / "C65_map0_Si.png"),
            str(d / "C65_map1_C.png"),
            str(d / "C65_map1_Si.png"),
            "--particles",
            "10",
            "--particle-area-px",
            "4",
            "--out",
            "p.csv",
        ]
    )
    assert rc == 0 and "2 aggregates: 2 ok" in capsys.readouterr().out


def test_store_rewritten_between_calls_is_reread(tmp_path):
    path = tmp_path / "re.zarr"
    first = _maps(3, seed=11)
    _zarr_stack(path, first)
    t1 = mixmap.analyze(str(path), scheduler="threads", workers=2, **KW)
    second = _maps(5, seed=12)
    _zarr_stack(path, second)
    t2 = mixmap.analyze(str(path), scheduler="threads", workers=2, **KW)
    assert len(t1) == 3 and len(t2) == 5
    ref = mixmap.analyze(second, **KW)
    np.testing.assert_array_equal(t2["P"], ref["P"])


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


def test_cli_summary_names_the_results_argument(tmp_path, capsys):
    from mixmap.cli import main

    assert main(["summary", str(tmp_path / "run.txt")]) == 2
    err = capsys.readouterr().err
    assert "results must be the .parquet or .csv" in err and "Traceback" not in err


def test_schmahl_histogram_counts_on_integer_ticks():
    import pandas as pd

    t = pd.DataFrame({"group": ["a"] * 5, "P": [0.5, 0.6, 0.7, 0.6, 0.5], "schmahl": [0.4, 0.45, 0.8, 0.85, 1.6]})
    ax = mixmap.plot.schmahl_histogram(t).axes[0]
    ticks = ax.get_yticks()
    assert np.allclose(ticks, np.round(ticks))


def test_process_pool_workers_decode_zarr_in_batches():
    import zarr

    from mixmap.batch import backends as batch

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
