"""binarize and label_aggregates (issue 2, "Element maps in")."""

import numpy as np
import pytest

import mixmap
from mixmap import DataError, InputError
from mixmap.maps import THRESHOLD_METHODS


def _blobs(shape=(96, 96)):
    """Bool truth: three discs of different size."""
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    truth = np.zeros(shape, bool)
    for r, c, rad in [(25, 25, 14), (65, 30, 9), (50, 72, 17)]:
        truth |= (yy - r) ** 2 + (xx - c) ** 2 <= rad**2
    return truth


def _noisy(truth, rng, signal=10.0, noise=3.0):
    return truth * signal + rng.normal(2.0, noise, truth.shape)


def test_binarize_noisy_blobs_with_smoothing(rng):
    truth = _blobs()
    img = _noisy(truth, rng)
    mask = mixmap.binarize(img, smooth_sigma=1.5)
    assert mask.dtype == bool and mask.shape == truth.shape
    assert np.mean(mask == truth) > 0.99
    raw = mixmap.binarize(img, min_size=0)
    # without smoothing the shot noise leaves many wrong pixels: smoothing must help
    assert np.count_nonzero(raw != truth) > 3 * np.count_nonzero(mask != truth)


@pytest.mark.parametrize("method", sorted(THRESHOLD_METHODS))
def test_binarize_method_is_the_skimage_threshold(method, rng):
    import skimage.filters

    img = _noisy(_blobs(), rng, noise=1.0)
    t = getattr(skimage.filters, f"threshold_{method}")(img)
    np.testing.assert_array_equal(mixmap.binarize(img, method=method, min_size=0), img > t)


@pytest.mark.parametrize("method", ["otsu", "isodata", "li", "minimum"])
def test_binarize_balanced_blobs(method, rng):
    truth = _blobs()  # ~19 % foreground
    mask = mixmap.binarize(_noisy(truth, rng, noise=1.0), method=method, smooth_sigma=1.0)
    assert np.mean(mask == truth) > 0.98, method


@pytest.mark.parametrize("method", ["triangle", "yen", "otsu"])
def test_binarize_sparse_blobs(method, rng):
    yy, xx = np.mgrid[:96, :96]
    truth = np.zeros((96, 96), bool)
    for r, c in [(20, 20), (70, 30), (50, 70)]:
        truth |= (yy - r) ** 2 + (xx - c) ** 2 <= 36  # ~4 % foreground
    mask = mixmap.binarize(_noisy(truth, rng, noise=1.0), method=method, smooth_sigma=1.0)
    assert np.mean(mask == truth) > 0.97, method


def test_binarize_fixed_threshold_and_min_size(rng):
    img = np.zeros((40, 40))
    img[5:15, 5:15] = 5.0  # 100-pixel object
    img[30, 30] = 5.0  # single noise pixel
    img[20:22, 33:35] = 5.0  # 4-pixel speck
    mask = mixmap.binarize(img, threshold=1.0, min_size=0)
    assert mask.sum() == 105
    assert mixmap.binarize(img, threshold=1.0, min_size=4).sum() == 104
    assert mixmap.binarize(img, threshold=1.0, min_size=5).sum() == 100
    # strictly greater than the threshold
    assert mixmap.binarize(img, threshold=5.0, min_size=0).sum() == 0
    # diagonal neighbours form one object (8-connectivity)
    diag = np.zeros((6, 6))
    diag[[1, 2, 3], [1, 2, 3]] = 1.0
    assert mixmap.binarize(diag, threshold=0.5, min_size=3).sum() == 3


def test_binarize_integer_and_bool_inputs(rng):
    truth = _blobs((40, 40))
    counts = rng.poisson(np.where(truth, 20.0, 1.0)).astype(np.uint16)
    assert np.mean(mixmap.binarize(counts, method="otsu") == truth) > 0.97
    np.testing.assert_array_equal(mixmap.binarize(truth, min_size=0), truth)


@pytest.mark.parametrize(
    "image, kwargs, match",
    [
        (np.zeros((4, 4, 3)), {}, "RGB"),
        (np.zeros((2, 4, 5)), {}, "2-D"),
        (np.zeros((0, 4)), {}, "empty"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), {}, "NaN"),
        (np.array([["a", "b"]]), {}, "numeric"),
        (np.eye(4), {"method": "magic"}, "method must be one of"),
        (np.eye(4), {"method": None}, "method must be one of"),
        (np.eye(4), {"threshold": np.inf}, "finite"),
        (np.eye(4), {"threshold": "high"}, "real number"),
        (np.eye(4), {"smooth_sigma": -1.0}, "positive"),
        (np.eye(4), {"smooth_sigma": "1"}, "positive"),
        (np.eye(4), {"min_size": -1}, "min_size"),
        (np.eye(4), {"min_size": 2.5}, "min_size"),
    ],
)
def test_binarize_bad_input(image, kwargs, match):
    with pytest.raises(InputError, match=match):
        mixmap.binarize(image, **kwargs)


def test_binarize_constant_image():
    with pytest.raises(DataError, match="constant"):
        mixmap.binarize(np.full((5, 5), 3.0))
    assert mixmap.binarize(np.full((5, 5), 3.0), threshold=2.0, min_size=0).all()


# ------------------------------------------------------------------------------ label_aggregates


def _three_aggregates():
    """Three aggregates; the L-shaped one's bounding box contains part of another aggregate."""
    a = np.zeros((60, 70), bool)
    b = np.zeros((60, 70), bool)
    # aggregate 1 (L shape, 10x30 + 25x8 = 500 px), A on the left part, B on the right
    a[5:15, 5:20] = True
    b[5:15, 20:35] = True
    b[15:40, 5:13] = True
    # aggregate 2 (inside the L's bounding box but not touching it), 8x10 = 80 px
    a[22:30, 20:30] = True
    b[26:30, 25:30] = True  # overlap pixels
    # aggregate 3 (far right), 20x15 = 300 px
    a[30:50, 45:60] = True
    b[40:50, 50:60] = True
    return a, b


def test_three_aggregates_sorted_by_area_and_isolated():
    a, b = _three_aggregates()
    crops, boxes = mixmap.label_aggregates(a, b, min_area=10, closing_radius=2, return_boxes=True)
    assert len(crops) == 3
    areas = [int(np.count_nonzero(ca | cb)) for ca, cb in crops]
    assert areas == [500, 300, 80]
    assert boxes == [(5, 5, 40, 35), (30, 45, 50, 60), (22, 20, 30, 30)]
    # the L's crop contains its own pixels only: aggregate 2 inside its box is zeroed
    ca, cb = crops[0]
    assert ca.dtype == bool and ca.shape == (35, 30)
    assert not ca[17:25, 15:25].any() and not cb[17:25, 15:25].any()
    np.testing.assert_array_equal(ca[0:10, 0:15], True)
    # every foreground pixel of the field ends up in exactly one crop
    total = sum(int(np.count_nonzero(x | y)) for x, y in crops)
    assert total == int(np.count_nonzero(a | b))
    for (r0, c0, r1, c1), (x, y) in zip(boxes, crops, strict=True):
        np.testing.assert_array_equal(x, a[r0:r1, c0:c1] & (x | y))


def test_intensity_maps_keep_dtype_and_values(rng):
    a, b = _three_aggregates()
    ia = (a * rng.integers(1, 50, a.shape)).astype(np.uint16)
    ib = b * rng.random(b.shape) + 0.0
    crops, boxes = mixmap.label_aggregates(ia, ib, min_area=10, return_boxes=True)
    assert crops[0][0].dtype == np.uint16 and crops[0][1].dtype == np.float64
    r0, c0, r1, c1 = boxes[1]
    np.testing.assert_array_equal(crops[1][0], ia[r0:r1, c0:c1])
    np.testing.assert_array_equal(crops[1][1], ib[r0:r1, c0:c1])
    assert crops[2][1].sum() == pytest.approx(ib[22:30, 20:30].sum())


def test_closing_bridges_small_gaps():
    a = np.zeros((20, 40), bool)
    b = np.zeros((20, 40), bool)
    a[5:15, 5:18] = True
    b[5:15, 20:33] = True  # 2-pixel gap between the two halves
    assert len(mixmap.label_aggregates(a, b, min_area=10, closing_radius=0)) == 2
    crops = mixmap.label_aggregates(a, b, min_area=10, closing_radius=2)
    assert len(crops) == 1
    ca, cb = crops[0]
    assert ca.sum() == 130 and cb.sum() == 130  # closing never adds foreground


def test_min_area_drops_debris_and_ties_are_ordered_by_position():
    a = np.zeros((30, 30), bool)
    b = np.zeros((30, 30), bool)
    a[2:7, 20:25] = True  # 25 px, top right
    b[20:25, 2:7] = True  # 25 px, bottom left
    a[14, 14] = True  # debris
    crops, boxes = mixmap.label_aggregates(a, b, min_area=5, closing_radius=1, return_boxes=True)
    assert boxes == [(2, 20, 7, 25), (20, 2, 25, 7)]
    assert crops[0][0].all() and not crops[0][1].any()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"min_area": -1}, "min_area"),
        ({"min_area": 1.5}, "min_area"),
        ({"closing_radius": True}, "closing_radius"),
        ({"closing_radius": -2}, "closing_radius"),
        ({"return_boxes": "yes"}, "return_boxes"),
    ],
)
def test_label_aggregates_bad_parameters(kwargs, match):
    a, b = _three_aggregates()
    with pytest.raises(InputError, match=match):
        mixmap.label_aggregates(a, b, **kwargs)


def test_label_aggregates_bad_maps():
    a, b = _three_aggregates()
    with pytest.raises(InputError, match="same shape"):
        mixmap.label_aggregates(a, b[:, :-1])
    with pytest.raises(InputError, match="2-D"):
        mixmap.label_aggregates(a[None], b[None])
    with pytest.raises(InputError, match="negative"):
        mixmap.label_aggregates(a * 1.0, -1.0 * b)
    nan = a * 1.0
    nan[0, 0] = np.nan
    with pytest.raises(InputError, match="NaN"):
        mixmap.label_aggregates(nan, b)


def test_label_aggregates_no_foreground_or_all_too_small():
    z = np.zeros((10, 10), bool)
    with pytest.raises(DataError, match="no foreground"):
        mixmap.label_aggregates(z, z)
    a = z.copy()
    a[2:4, 2:4] = True
    with pytest.raises(DataError, match="largest has 4"):
        mixmap.label_aggregates(a, z, min_area=50)


def test_pipeline_composite_to_aggregates(rng):
    """read_composite -> binarize -> label_aggregates on a synthetic field with two aggregates."""
    yy, xx = np.mgrid[:80, :120]
    ti = np.where((yy - 30) ** 2 + (xx - 30) ** 2 < 15**2, 0.8, 0.0)
    w = np.where((yy - 45) ** 2 + (xx - 85) ** 2 < 20**2, 0.7, 0.0)
    w[25:35, 25:40] = 0.6  # W particles on the Ti aggregate
    noisy = [np.clip(m + rng.normal(0, 0.05, m.shape), 0, 1) for m in (ti, w)]
    rgb = np.zeros((80, 120, 3))
    rgb[..., 0], rgb[..., 1] = noisy
    img = np.rint(rgb * 255).astype(np.uint8)
    img[72:75, 5:45] = 255  # scale bar
    maps = mixmap.read_composite(img, channels={"Ti": "red", "W": "green"})
    a = mixmap.binarize(maps["Ti"], smooth_sigma=1.0)
    b = mixmap.binarize(maps["W"], smooth_sigma=1.0)
    crops = mixmap.label_aggregates(a, b, min_area=50)
    assert len(crops) == 2
    big_a, big_b = crops[0]
    assert big_b.sum() > 900 and big_a.sum() == 0  # the W-only aggregate is larger
    small_a, small_b = crops[1]
    assert small_a.sum() > 600 and small_b.sum() > 100


def test_shared_checks_one_wording():
    with pytest.raises(InputError, match=r"min_size must be an integer >= 0 \(pixels\), got -1"):
        mixmap.binarize(np.eye(4), min_size=-1)
    with pytest.raises(InputError, match=r"method must be one of 'otsu', .*got 'magic'"):
        mixmap.binarize(np.eye(4), method="magic")
    with pytest.raises(InputError, match="return_boxes must be True or False"):
        mixmap.label_aggregates(np.eye(4, dtype=bool), ~np.eye(4, dtype=bool), return_boxes=1)
    assert mixmap.binarize(np.eye(4), method="OTSU", min_size=0).sum() == 4  # case-insensitive
