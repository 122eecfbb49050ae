"""Reading element maps (PNG/TIFF/NPY) and splitting RGB composites (issue 2, "Element maps in")."""

import warnings

import imageio.v3 as iio
import numpy as np
import pytest
import tifffile
from scipy import ndimage
from scipy.optimize import nnls

import mixmap
from mixmap import FormatError, InputError, MixmapError
from mixmap.maps import overlay_mask, parse_colour, unmix

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


# ------------------------------------------------------------------------------- colours, NNLS


def test_parse_colour_forms_agree():
    for spec in ["#ff8000", "#FF8000", (255, 128, 0), (1.0, 128 / 255, 0.0)]:
        np.testing.assert_allclose(parse_colour(spec), [1.0, 128 / 255, 0.0])
    np.testing.assert_array_equal(parse_colour("#0f0"), [0, 1, 0])
    np.testing.assert_array_equal(parse_colour("Magenta"), [1, 0, 1])


@pytest.mark.parametrize(
    "spec, match",
    [
        ("pink", "unknown colour"),
        ("#12345", "unknown colour"),
        ((1, 2), "3 finite"),
        ((0, 0, 0), "black"),
        ((-1, 0, 1), "non-negative"),
        (object(), "colour must be"),
    ],
)
def test_parse_colour_bad(spec, match):
    with pytest.raises(InputError, match=match):
        parse_colour(spec, name="channels['Ti']")


def test_unmix_equals_scipy_nnls(rng):
    colours = np.stack([parse_colour(c) for c in ["red", "#ff8000", (0, 77, 255)]], axis=1)
    x = rng.random((300, 3))
    coef, resid = unmix(x, colours, chunk=64)  # several chunks
    for i in range(x.shape[0]):
        c, r = nnls(colours, x[i])
        np.testing.assert_allclose(coef[i], c, atol=1e-9)
        assert resid[i] == pytest.approx(r, abs=1e-9)


# --------------------------------------------------------------------------------- composites


def _truth_maps(rng, shape=(120, 160)):
    """Smooth noisy intensity maps in [0, 1] for two elements with partial overlap."""
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    ti = np.exp(-(((yy - 50) / 30.0) ** 2 + ((xx - 60) / 35.0) ** 2))
    w = np.exp(-(((yy - 70) / 25.0) ** 2 + ((xx - 105) / 30.0) ** 2))
    ti = np.clip(ti * 0.9 + rng.normal(0, 0.03, shape), 0, 1)
    w = np.clip(w * 0.8 + rng.normal(0, 0.03, shape), 0, 1)
    ti[ti < 0.08] = 0
    w[w < 0.08] = 0
    return np.round(ti * 255) / 255, np.round(w * 255) / 255


def _draw_overlays(img):
    """White scale bar + anti-aliased white text-like strokes + navy legend box with swatches."""
    over = np.zeros(img.shape[:2], bool)
    white = np.array([255, 255, 255])
    img[108:112, 10:60] = white  # scale bar
    over[108:112, 10:60] = True
    # "text": strokes of a few glyphs, one on top of the red data, with half-blended edges
    for r0, c0 in [(98, 12), (98, 20), (40, 40)]:
        img[r0 : r0 + 7, c0 : c0 + 2] = white
        img[r0 : r0 + 2, c0 : c0 + 5] = white
        over[r0 : r0 + 7, c0 : c0 + 2] = True
        over[r0 : r0 + 2, c0 : c0 + 5] = True
    stroke = over.copy()
    edge = ndimage.binary_dilation(stroke, np.ones((3, 3), bool)) & ~stroke
    img[edge] = (img[edge].astype(float) * 0.5 + white * 0.5).astype(np.uint8)  # anti-aliasing
    over |= edge
    # legend box in the top-right corner: navy fill, red and green swatches, white label strokes
    img[0:22, 125:160] = (20, 30, 90)
    img[4:9, 129:135] = (255, 0, 0)
    img[13:18, 129:135] = (0, 255, 0)
    img[5:8, 140:150] = white
    over[0:22, 125:160] = True
    return over


def _composite(ti, w, colours=("red", "green")):
    c = np.stack([parse_colour(x) for x in colours], axis=1)
    rgb = np.clip(ti[..., None] * c[:, 0] + w[..., None] * c[:, 1], 0, 1)
    return np.rint(rgb * 255).astype(np.uint8)


def test_composite_auto_exclusion_keeps_maps(tmp_path, rng):
    ti, w = _truth_maps(rng)
    img = _composite(ti, w)
    overlays = _draw_overlays(img)
    iio.imwrite(tmp_path / "overlay.png", img)
    maps = mixmap.read_composite(tmp_path / "overlay.png", channels={"Ti": "red", "W": "green"})
    assert list(maps) == ["Ti", "W"]
    excluded = overlay_mask(img, {"Ti": "red", "W": "green"})
    # every overlay pixel is excluded; the exclusion eats at most a one-pixel rim around overlays
    assert np.all(excluded[overlays])
    assert not np.any(excluded & ~ndimage.binary_dilation(overlays, np.ones((3, 3), bool)))
    assert np.all(maps["Ti"][overlays] == 0) and np.all(maps["W"][overlays] == 0)
    keep = ~excluded
    np.testing.assert_allclose(maps["Ti"][keep], ti[keep], atol=1e-12)
    np.testing.assert_allclose(maps["W"][keep], w[keep], atol=1e-12)
    assert keep.mean() > 0.85  # the data survive
    # both elements and their overlap are present
    assert np.count_nonzero((maps["Ti"] > 0) & (maps["W"] > 0)) > 100


def test_composite_without_exclusion_shows_the_contamination(rng):
    ti, w = _truth_maps(rng)
    img = _composite(ti, w)
    _draw_overlays(img)
    with pytest.warns(UserWarning, match="not mixtures of the channel colours"):
        maps = mixmap.read_composite(img, channels={"Ti": "red", "W": "green"}, exclude=None)
    # the white scale bar reads as full-intensity overlap of both elements
    np.testing.assert_allclose(maps["Ti"][109, 30], 1.0)
    np.testing.assert_allclose(maps["W"][109, 30], 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixmap.read_composite(img, channels={"Ti": "red", "W": "green"})  # auto: no warning


def test_composite_mask_and_boxes(rng):
    ti, w = _truth_maps(rng, (40, 50))
    img = _composite(ti, w)
    boxes = [(0, 0, 10, 12), (30, 40, 40, 50)]
    maps = mixmap.read_composite(img, channels={"Ti": "red", "W": "green"}, exclude=boxes)
    mask = np.zeros((40, 50), bool)
    mask[0:10, 0:12] = True
    mask[30:40, 40:50] = True
    assert np.all(maps["Ti"][mask] == 0) and np.all(maps["W"][mask] == 0)
    np.testing.assert_allclose(maps["Ti"][~mask], ti[~mask], atol=1e-12)
    by_mask = mixmap.read_composite(img, channels={"Ti": "red", "W": "green"}, exclude=mask)
    np.testing.assert_array_equal(by_mask["W"], maps["W"])
    none = mixmap.read_composite(img, channels={"Ti": "red", "W": "green"}, exclude=[])
    np.testing.assert_allclose(none["W"], w, atol=1e-12)


def test_composite_arbitrary_colours_and_three_elements(rng):
    shape = (30, 40)
    c = [rng.random(shape) * 0.5 * (rng.random(shape) > 0.3) for _ in range(3)]
    colours = ("#ff8000", (0, 128, 255), "magenta")
    cols = np.stack([parse_colour(x) for x in colours], axis=1)
    rgb = sum(ci[..., None] * cols[:, i] for i, ci in enumerate(c))
    assert rgb.max() <= 1
    maps = mixmap.read_composite(rgb, channels=dict(zip(["Fe", "Co", "Ni"], colours)), exclude=None)
    for ci, m in zip(c, maps.values()):
        np.testing.assert_allclose(m, ci, atol=1e-9)


def test_composite_grey_representable_keeps_isolated_grey_data(rng):
    """Magenta + green add up to grey: isolated grey pixels are data, a white bar is not."""
    ti, w = _truth_maps(rng, (60, 80))
    ti[30, 40] = w[30, 40] = 0.6  # balanced overlap -> a grey data pixel
    img = _composite(ti, w, colours=("magenta", "green"))
    img[50:53, 5:40] = 255  # scale bar
    maps = mixmap.read_composite(img, channels={"Si": "magenta", "C": "green"})
    assert maps["Si"][30, 40] == pytest.approx(0.6, abs=1e-9)
    assert maps["C"][30, 40] == pytest.approx(0.6, abs=1e-9)
    assert np.all(maps["Si"][50:53, 5:40] == 0)


def test_composite_rgba_and_16bit(tmp_path, rng):
    ti, w = _truth_maps(rng, (30, 30))
    rgb16 = _composite(ti, w).astype(np.uint16) * 257
    rgba = np.concatenate([rgb16, np.full((30, 30, 1), 65535, np.uint16)], axis=-1)
    tifffile.imwrite(tmp_path / "c.tif", rgba)
    maps = mixmap.read_composite(tmp_path / "c.tif", exclude=None)
    np.testing.assert_allclose(maps["Ti"], ti, atol=1e-12)
    np.testing.assert_allclose(maps["W"], w, atol=1e-12)


@pytest.mark.parametrize(
    "channels, match",
    [
        ({}, "non-empty dict"),
        ([("Ti", "red")], "non-empty dict"),
        ({"A": "red", "B": "green", "C": "blue", "D": "cyan"}, "at most 3"),
        ({"Ti": "purple"}, r"channels\['Ti'\].*unknown colour"),
        ({"A": "red", "B": "green", "C": "yellow"}, "linearly dependent"),
        ({"A": "red", "B": (255, 0, 0)}, "linearly dependent"),
        ({1: "red"}, "element names"),
    ],
)
def test_composite_bad_channels(channels, match):
    with pytest.raises(InputError, match=match):
        mixmap.read_composite(np.zeros((5, 5, 3), np.uint8), channels=channels)


@pytest.mark.parametrize(
    "exclude, match",
    [
        ("everything", "got the string"),
        ([(0, 0, 10, 10)], "not a box inside"),
        ([(5, 5, 2, 8)], "not a box inside"),
        ([(0, 0, 3)], "4 integers"),
        ([(0, 0.5, 3, 3)], "4 integers"),
        ((0, 0, 3, 3), "wrap a single box"),
        (np.zeros((4, 4), bool), "shape"),
        (np.zeros((5, 5), np.uint8), "bool array"),
        (3.5, "got float"),
    ],
)
def test_composite_bad_exclude(exclude, match):
    with pytest.raises(InputError, match=match):
        mixmap.read_composite(np.zeros((5, 5, 3), np.uint8), exclude=exclude)


def test_composite_bad_images(tmp_path):
    iio.imwrite(tmp_path / "grey.png", np.zeros((5, 5), np.uint8))
    with pytest.raises(FormatError, match="single-channel.*read_maps"):
        mixmap.read_composite(tmp_path / "grey.png")
    with pytest.raises(FormatError, match="does not exist"):
        mixmap.read_composite(tmp_path / "missing.png")
    with pytest.raises(FormatError, match="unsupported"):
        mixmap.read_composite(tmp_path / "x.gif")
    with pytest.raises(FormatError, match=r"\(rows, cols, 3\|4\)"):
        mixmap.read_composite(np.zeros((5, 5, 5)))
    with pytest.raises(InputError, match="scaled to"):
        mixmap.read_composite(np.full((5, 5, 3), 200.0))
    with pytest.raises(InputError, match="NaN"):
        mixmap.read_composite(np.full((5, 5, 3), np.nan))


def test_composite_with_font_rendered_annotations(rng):
    """Anti-aliased text drawn by Pillow, a scale bar and a grey legend box, as exports look."""
    from PIL import Image, ImageDraw, ImageFont

    ti, w = _truth_maps(rng, (240, 320))
    clean = _composite(ti, w)
    im = Image.fromarray(clean)
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=14)
    draw.rectangle([10, 215, 90, 220], fill=(255, 255, 255))
    draw.text((20, 195), "50 nm", fill=(255, 255, 255), font=font)
    draw.text((100, 90), "Ti-K / W-L", fill=(255, 255, 255), font=font)  # over the data
    draw.rectangle([250, 0, 319, 40], fill=(40, 40, 40))
    draw.rectangle([255, 5, 265, 15], fill=(255, 0, 0))
    draw.text((270, 3), "Ti", fill=(255, 255, 255), font=font)
    draw.rectangle([255, 22, 265, 32], fill=(0, 255, 0))
    draw.text((270, 20), "W", fill=(255, 255, 255), font=font)
    img = np.array(im)
    touched = np.any(img != clean, axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        maps = mixmap.read_composite(img)
    excluded = overlay_mask(img, {"Ti": "red", "W": "green"})
    assert np.all(excluded[touched])
    assert not np.any(excluded & ~ndimage.binary_dilation(touched, np.ones((3, 3), bool)))
    keep = ~excluded
    np.testing.assert_allclose(maps["Ti"][keep], ti[keep], atol=1e-12)
    np.testing.assert_allclose(maps["W"][keep], w[keep], atol=1e-12)
    assert np.all(maps["Ti"][touched] == 0) and np.all(maps["W"][touched] == 0)


def test_exclude_boxes_as_integer_array(rng):
    ti, w = _truth_maps(rng, (40, 50))
    img = _composite(ti, w)
    boxes = np.array([[0, 0, 10, 12], [30, 40, 40, 50]])
    by_array = mixmap.read_composite(img, exclude=boxes)
    by_list = mixmap.read_composite(img, exclude=boxes.tolist())
    np.testing.assert_array_equal(by_array["Ti"], by_list["Ti"])
    assert np.all(by_array["Ti"][:10, :12] == 0)


def test_overlay_mask_public_with_channels(rng):
    ti, w = _truth_maps(rng, (60, 80))
    ti[30, 40] = w[30, 40] = 0.6
    img = _composite(ti, w, colours=("magenta", "green"))
    img[50:53, 5:40] = 255
    grey_ok = overlay_mask(img, {"Si": "magenta", "C": "green"})
    assert grey_ok[51, 20] and not grey_ok[30, 40]  # bar excluded, isolated grey data pixel kept
    assert overlay_mask(img)[30, 40]  # without channels grey is never data
    with pytest.raises(InputError, match="unknown colour"):
        overlay_mask(img, {"Si": "pinkish"})
