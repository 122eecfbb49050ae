"""Splitting RGB composites: colours, NNLS unmixing, overlay exclusion (mixmap.maps.composite)."""

import warnings

import imageio.v3 as iio
import numpy as np
import pytest
import tifffile
from scipy import ndimage
from scipy.optimize import nnls

import mixmap
from mixmap import FormatError, InputError
from mixmap.maps import overlay_mask, parse_colour, unmix

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
    maps = mixmap.read_composite(rgb, channels=dict(zip(["Fe", "Co", "Ni"], colours, strict=True)), exclude=None)
    for ci, m in zip(c, maps.values(), strict=True):
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
