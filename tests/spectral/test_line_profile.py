"""Line profiles across images, maps, cubes and spectrum-image stores."""

from __future__ import annotations

import numpy as np
import pytest

import mixmap
from mixmap.errors import InputError

OFFSET, SCALE, NE = -0.1, 0.01, 1100  # 0-11 keV, the calibration of the cube of conftest.py


# ------------------------------------------------------------------------------------ profiles
def test_line_profile_image_and_band():
    img = np.tile(np.linspace(0.0, 1.0, 50), (20, 1))
    p = mixmap.line_profile(img, (10, 0), (10, 49), width=5, pixel_size=2.0)
    np.testing.assert_allclose(p.values, np.linspace(0, 1, 50), atol=1e-12)
    np.testing.assert_allclose(p.position_px, np.arange(50))
    np.testing.assert_allclose(p.position_m, np.arange(50) * 2e-9)
    # width 3 on a row = mean of the three rows
    rng = np.random.default_rng(1)
    noisy = rng.random((15, 30))
    q = mixmap.line_profile(noisy, (7, 2), (7, 25), width=3)
    np.testing.assert_allclose(q.values, noisy[6:9, 2:26].mean(axis=0))
    assert q.position_m is None and list(q.to_frame().columns) == ["position_px", "value"]


def test_line_profile_maps_cube_and_store(store, cube):
    maps = {"a": cube[:, :, 10].astype(float), "b": cube[:, :, 20].astype(float)}
    p = mixmap.line_profile(maps, (2, 1), (20, 17), width=3)
    assert p.values.shape[1] == 2 and p.names == ("a", "b")
    single = mixmap.line_profile(maps["b"], (2, 1), (20, 17), width=3)
    np.testing.assert_allclose(p.values[:, 1], single.values)
    a = mixmap.line_profile(store, (2, 1), (20, 17), width=3)
    b = mixmap.line_profile(cube, (2, 1), (20, 17), width=3)
    np.testing.assert_allclose(a.values, b.values)
    assert a.values.shape == (b.position_px.size, NE)
    np.testing.assert_allclose(a.position_m, a.position_px * 2e-9)  # pixel size from the store


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(start=(0, 0), end=(0, 0)), "differ"),
        (dict(start=(0, 0), end=(99, 0)), "outside"),
        (dict(start=(0, 0), end=(5, 5), width=0), "width"),
        (dict(start=(0, 0), end=(5, 5), pixel_size=-2), "pixel_size"),
    ],
)
def test_line_profile_bad(kwargs, match):
    with pytest.raises(InputError, match=match):
        mixmap.line_profile(np.ones((10, 10)), **kwargs)


def test_line_profile_bad_arrays():
    with pytest.raises(InputError, match="2-D"):
        mixmap.line_profile(np.ones(10), (0, 0), (1, 1))
    with pytest.raises(InputError, match="NaN"):
        mixmap.line_profile(np.full((4, 4), np.nan), (0, 0), (3, 3))
    with pytest.raises(InputError, match="same shape"):
        mixmap.line_profile({"a": np.ones((4, 4)), "b": np.ones((5, 4))}, (0, 0), (3, 3))


def test_line_profile_result_compares_hashes_and_prints_one_line():
    img = np.tile(np.linspace(0.0, 1.0, 50), (20, 1))
    p = mixmap.line_profile(img, (10, 0), (10, 49), width=5, pixel_size=2.0)
    q = mixmap.line_profile(img, (10, 0), (10, 49), width=5, pixel_size=2.0)
    assert p == p and p != q and hash(p) != hash(q) and len({p, q}) == 2
    text = repr(p)
    assert len(text) <= 300 and "\n" not in text and text.startswith("LineProfile(width=5")
    cube = mixmap.line_profile(np.ones((10, 10, 500)), (0, 0), (9, 9))
    assert len(repr(cube)) <= 300  # 500 column names are not printed
    assert set(p.to_dict()) == {"position_px", "position_m", "values", "names", "start", "end", "width"}
    assert p.to_dict(arrays=False) == {"start": (10.0, 0.0), "end": (10.0, 49.0), "width": 5}


def test_profile_is_a_deprecated_alias_of_line_profile():
    import mixmap.diffusion
    import mixmap.spectral

    with pytest.warns(DeprecationWarning, match="LineProfile"):
        alias = mixmap.spectral.Profile
    assert alias is mixmap.spectral.LineProfile
    assert isinstance(mixmap.line_profile(np.ones((5, 5)), (0, 0), (4, 4)), alias)
    assert mixmap.spectral.LineProfile is not mixmap.diffusion.Profile
    with pytest.raises(AttributeError):
        mixmap.spectral.NoSuchName  # noqa: B018


@pytest.mark.parametrize("kwargs", [dict(width=1.5), dict(width=True), dict(order=6), dict(order=-1)])
def test_line_profile_bad_integers_name_the_argument(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(InputError, match=name):
        mixmap.line_profile(np.ones((10, 10)), (0, 0), (5, 5), **kwargs)
