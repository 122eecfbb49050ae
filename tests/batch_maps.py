"""Shared maps and fixtures of the mixmap.analyze tests (tests/batch/, tests/cli/test_analyze.py)."""

import numpy as np
import pytest
import zarr
from PIL import Image

import mixmap

KW = dict(n_particles=10, particle_area_px=4, n_samples=40)


def make_maps(n, seed=0, shape=(48, 48)):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        p = 0.3 + 0.4 * rng.random()
        m = rng.random(shape) < p
        fg = rng.random(shape) < 0.8
        out.append((m & fg, ~m & fg))
    return out


def zarr_stack(path, maps, groups=None):
    g = zarr.open_group(str(path), mode="w")
    g.create_array("a", data=np.stack([m[0] for m in maps]), chunks=(1,) + maps[0][0].shape)
    g.create_array("b", data=np.stack([m[1] for m in maps]), chunks=(1,) + maps[0][0].shape)
    g.attrs["ids"] = [f"agg{i:02d}" for i in range(len(maps))]
    if groups is not None:
        g.attrs["groups"] = list(groups)
    return str(path)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    maps = make_maps(8)
    return zarr_stack(tmp_path_factory.mktemp("z") / "maps.zarr", maps, ["C65"] * 4 + ["KB"] * 4), maps


@pytest.fixture(scope="module")
def reference(store):
    return mixmap.analyze(store[0], scheduler="synchronous", **KW)


def write_png(path, mask):
    Image.fromarray((np.asarray(mask) * 255).astype(np.uint8)).save(path)


@pytest.fixture(scope="module")
def png_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("png")
    maps = make_maps(4, seed=5)
    for i, (a, b) in enumerate(maps):
        cond = "C65" if i < 2 else "KB"
        write_png(d / f"{cond}_map{i}_C.png", a)
        write_png(d / f"{cond}_map{i}_Si.png", b)
    (d / "KB_map9_C.png").write_bytes(b"not a png")  # unreadable
    write_png(d / "KB_map9_Si.png", maps[0][1])
    write_png(d / "KB_map8_C.png", maps[0][0])  # its pair is missing
    return d, maps
