"""Reading element maps, one file per element (mixmap.maps.io; README "Element maps in")."""

import imageio.v3 as iio
import numpy as np
import pytest
import tifffile

import mixmap
from mixmap import FormatError, InputError, MixmapError

# ------------------------------------------------------------------------------------ read_maps


def _counts(rng, shape=(24, 30), lam=3.0, dtype=np.uint16):
    return rng.poisson(lam, shape).astype(dtype)


def test_npy_round_trip_keeps_numbers(tmp_path, rng):
    a = rng.random((20, 25))
    b = rng.random((20, 25)) * 5
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    ra, rb = mixmap.read_maps(tmp_path / "a.npy", str(tmp_path / "b.npy"))
    assert ra.dtype == np.float64 and rb.dtype == np.float64
    np.testing.assert_array_equal(ra, a)
    np.testing.assert_array_equal(rb, b)


def test_16bit_tiff_kept_as_numbers(tmp_path, rng):
    a = _counts(rng, lam=300.0)
    b = _counts(rng, lam=40.0)
    a[0, 0] = 60000  # beyond 8 bit: must survive
    tifffile.imwrite(tmp_path / "a.tif", a)
    tifffile.imwrite(tmp_path / "b.TIFF", b)
    ra, rb = mixmap.read_maps(tmp_path / "a.tif", tmp_path / "b.TIFF")
    assert ra.dtype == np.uint16
    np.testing.assert_array_equal(ra, a)
    np.testing.assert_array_equal(rb, b)


def test_float_tiff_and_8bit_png(tmp_path, rng):
    a = rng.random((16, 16)).astype(np.float32)
    b = (rng.random((16, 16)) * 200).astype(np.uint8)
    tifffile.imwrite(tmp_path / "a.tiff", a)
    iio.imwrite(tmp_path / "b.png", b)
    tifffile.imwrite(tmp_path / "b.tif", b)
    ra, rb = mixmap.read_maps(tmp_path / "a.tiff", tmp_path / "b.png")
    np.testing.assert_array_equal(ra, a)
    np.testing.assert_array_equal(rb, b)
    assert rb.dtype == np.uint8


def test_black_white_png_masks_become_bool(tmp_path, rng):
    a = rng.random((20, 20)) > 0.6
    b = rng.random((20, 20)) > 0.5
    iio.imwrite(tmp_path / "a.png", (a * 255).astype(np.uint8))  # 0/255 grey PNG (image editor)
    iio.imwrite(tmp_path / "b.png", b)  # 1-bit PNG
    ra, rb = mixmap.read_maps(tmp_path / "a.png", tmp_path / "b.png")
    assert ra.dtype == bool and rb.dtype == bool
    np.testing.assert_array_equal(ra, a)
    np.testing.assert_array_equal(rb, b)
    # binary=False keeps the stored numbers
    na, nb = mixmap.read_maps(tmp_path / "a.png", tmp_path / "b.png", binary=False)
    assert na.dtype == np.uint8 and set(np.unique(na)) <= {0, 255}


def test_binary_true_thresholds_at_zero(tmp_path, rng):
    a = _counts(rng, lam=1.0, dtype=np.uint8)
    b = _counts(rng, lam=2.0, dtype=np.uint8)
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    ra, rb = mixmap.read_maps(tmp_path / "a.npy", tmp_path / "b.npy", binary=True)
    np.testing.assert_array_equal(ra, a > 0)
    np.testing.assert_array_equal(rb, b > 0)


def test_zero_one_count_map_follows_intensity_partner(tmp_path, rng):
    a = (rng.random((10, 10)) > 0.5).astype(np.uint16)  # sparse counts: only 0 and 1
    b = _counts(rng, (10, 10), lam=5.0)
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    ra, rb = mixmap.read_maps(tmp_path / "a.npy", tmp_path / "b.npy")
    assert ra.dtype == np.uint16 and rb.dtype == np.uint16


def test_coloured_single_element_png_reduces_to_value(tmp_path, rng):
    level = (rng.random((18, 22)) * 255).astype(np.uint8)
    green = np.zeros((18, 22, 3), np.uint8)
    green[..., 1] = level  # element drawn in green on black
    orange = np.stack([level, level // 2, np.zeros_like(level)], axis=-1)
    grey_rgb = np.repeat(level[..., None], 3, axis=-1)
    iio.imwrite(tmp_path / "g.png", green)
    iio.imwrite(tmp_path / "o.png", orange)
    iio.imwrite(tmp_path / "grey.png", grey_rgb)
    ra, rb = mixmap.read_maps(tmp_path / "g.png", tmp_path / "o.png")
    np.testing.assert_array_equal(ra, level)
    np.testing.assert_array_equal(rb, level)
    rg, _ = mixmap.read_maps(tmp_path / "grey.png", tmp_path / "g.png")
    np.testing.assert_array_equal(rg, level)


def test_rgba_alpha_composited_over_black(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[..., 3] = 255
    rgba[0, 0, 3] = 0  # transparent -> background
    iio.imwrite(tmp_path / "a.png", rgba)
    opaque = rgba.copy()
    opaque[..., 3] = 255
    iio.imwrite(tmp_path / "b.png", opaque)
    ra, rb = mixmap.read_maps(tmp_path / "a.png", tmp_path / "b.png")
    assert ra[0, 0] == 0 and ra[1, 1] == pytest.approx(200)
    assert rb.dtype == np.uint8 and np.all(rb == 200)  # fully opaque alpha is just dropped


# ---------------------------------------------------------------------------- bad files/inputs


def test_missing_file(tmp_path):
    np.save(tmp_path / "b.npy", np.ones((3, 3)))
    with pytest.raises(FormatError, match="does not exist") as exc:
        mixmap.read_maps(tmp_path / "nope.png", tmp_path / "b.npy")
    assert "nope.png" in str(exc.value) and "path_a" in str(exc.value)


@pytest.mark.parametrize("suffix", [".bmp", ".jpg", ""])
def test_unsupported_extension(tmp_path, suffix):
    p = tmp_path / f"a{suffix}"
    p.write_bytes(b"\x00" * 10)
    with pytest.raises(FormatError, match="unsupported file type"):
        mixmap.read_maps(p, p)


def test_corrupt_png_names_path(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"not a png at all")
    np.save(tmp_path / "b.npy", np.ones((3, 3)))
    with pytest.raises(FormatError, match="bad.png"):
        mixmap.read_maps(tmp_path / "b.npy", tmp_path / "bad.png")


def test_directory_is_not_a_file(tmp_path):
    d = tmp_path / "dir.png"
    d.mkdir()
    with pytest.raises(FormatError, match="not a file"):
        mixmap.read_maps(d, d)


def test_shapes_differ(tmp_path):
    np.save(tmp_path / "a.npy", np.ones((4, 5)))
    np.save(tmp_path / "b.npy", np.ones((5, 4)))
    with pytest.raises(InputError, match="same shape"):
        mixmap.read_maps(tmp_path / "a.npy", tmp_path / "b.npy")


def test_tiff_stack_is_not_a_map(tmp_path):
    tifffile.imwrite(tmp_path / "stack.tif", np.zeros((5, 8, 9), np.uint16))
    with pytest.raises(FormatError, match="stack"):
        mixmap.read_maps(tmp_path / "stack.tif", tmp_path / "stack.tif")


def test_3d_npy_is_refused(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros((6, 6, 3)))
    np.save(tmp_path / "b.npy", np.zeros((6, 6)))
    with pytest.raises(FormatError, match=r"shape \(6, 6, 3\)"):
        mixmap.read_maps(tmp_path / "a.npy", tmp_path / "b.npy")


def test_nan_and_negative_values_named(tmp_path):
    a = np.ones((4, 4))
    a[1, 1] = np.nan
    np.save(tmp_path / "nan.npy", a)
    np.save(tmp_path / "neg.npy", -np.ones((4, 4)))
    np.save(tmp_path / "ok.npy", np.ones((4, 4)))
    with pytest.raises(InputError, match="nan.npy.*NaN"):
        mixmap.read_maps(tmp_path / "nan.npy", tmp_path / "ok.npy")
    with pytest.raises(InputError, match="neg.npy.*negative"):
        mixmap.read_maps(tmp_path / "ok.npy", tmp_path / "neg.npy")


def test_object_npy_refused(tmp_path):
    np.save(tmp_path / "s.npy", np.array([["a", "b"]]))
    with pytest.raises(FormatError, match="numeric"):
        mixmap.read_maps(tmp_path / "s.npy", tmp_path / "s.npy")


def test_mask_with_intensity_map_refused(tmp_path, rng):
    iio.imwrite(tmp_path / "mask.png", ((rng.random((8, 8)) > 0.5) * 255).astype(np.uint8))
    np.save(tmp_path / "counts.npy", rng.poisson(20.0, (8, 8)).astype(np.uint16))
    with pytest.raises(InputError, match="mask.png.*black/white mask.*binary=False"):
        mixmap.read_maps(tmp_path / "mask.png", tmp_path / "counts.npy")
    a, b = mixmap.read_maps(tmp_path / "mask.png", tmp_path / "counts.npy", binary=False)
    assert a.dtype == np.uint8 and b.dtype == np.uint16


def test_bad_binary_and_path_types(tmp_path):
    np.save(tmp_path / "a.npy", np.ones((3, 3)))
    with pytest.raises(InputError, match="binary"):
        mixmap.read_maps(tmp_path / "a.npy", tmp_path / "a.npy", binary="yes")
    with pytest.raises(InputError, match="binary"):
        mixmap.read_maps(tmp_path / "a.npy", tmp_path / "a.npy", binary=1)
    with pytest.raises(InputError, match="path_a must be a file path"):
        mixmap.read_maps(np.ones((3, 3)), tmp_path / "a.npy")


def test_errors_are_value_errors(tmp_path):
    with pytest.raises(ValueError):
        mixmap.read_maps(tmp_path / "x.png", tmp_path / "y.png")
    assert issubclass(FormatError, MixmapError)
