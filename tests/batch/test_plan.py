"""Items -> tasks: pairs, patterns ({stem}), composites, Zarr layouts, groups (mixmap.batch.plan)."""

import numpy as np
import pandas as pd
import pytest
import zarr
from PIL import Image
from batch_maps import KW, make_maps

import mixmap
from mixmap.batch.plan import _stem_of


def test_array_pairs_and_subgroup_layout_match(tmp_path, store, reference):
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


def test_bad_zarr_layout(tmp_path):
    g = zarr.open_group(str(tmp_path / "e.zarr"), mode="w")
    g.create_group("x")
    with pytest.raises(mixmap.FormatError, match="'a' and 'b'"):
        mixmap.analyze(str(tmp_path / "e.zarr"), **KW)
    g2 = zarr.open_group(str(tmp_path / "f.zarr"), mode="w")
    g2.create_array("a", data=np.ones((2, 4, 4)))
    g2.create_array("b", data=np.ones((3, 4, 4)))
    with pytest.raises(mixmap.FormatError, match=r"\(n, y, x\)"):
        mixmap.analyze(str(tmp_path / "f.zarr"), **KW)


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
    maps = make_maps(2, seed=9)
    for i, (a, b) in enumerate(maps):
        rgb = np.zeros(a.shape + (3,), np.uint8)
        rgb[..., 1] = 255 * a  # C green
        rgb[..., 0] = 255 * b  # Si red
        Image.fromarray(rgb).save(tmp_path / f"comp{i}.png")
    t = mixmap.analyze(str(tmp_path / "comp*.png"), channels={"C": "green", "Si": "red"}, **KW)
    assert list(t["id"]) == ["comp0", "comp1"] and (t["status"] == "ok").all()
    for i, (a, b) in enumerate(maps):
        assert t.loc[i, "P"] == pytest.approx(a.sum() / (a.sum() + b.sum()), abs=1e-6)
