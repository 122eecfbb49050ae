"""Segmentation of element maps: thresholding and splitting a field into aggregates (Section 2.1).

The paper (Section 2.1, Fig. 2) prepares its maps by hand in an image editor: the background noise
is removed with a threshold and the maps are turned into black/white images, one hetero-aggregate
per image. :func:`binarize` does the thresholding reproducibly with scikit-image, and
:func:`label_aggregates` cuts a field of view holding many aggregates into one map pair per
aggregate, ready for :func:`mixmap.intra_mixing`.
"""

from __future__ import annotations

import numbers

import numpy as np
import skimage.filters
from scipy import ndimage
from skimage.measure import label
from skimage.morphology import disk

from .._validate import as_map, check_bool, check_choice, check_integer, check_map_pair, check_number
from ..errors import DataError, InputError

__all__ = ["THRESHOLD_METHODS", "binarize", "label_aggregates"]

#: Automatic threshold methods of :func:`binarize` -> ``skimage.filters`` function name.
THRESHOLD_METHODS = {
    "otsu": "threshold_otsu",
    "li": "threshold_li",
    "yen": "threshold_yen",
    "triangle": "threshold_triangle",
    "isodata": "threshold_isodata",
    "mean": "threshold_mean",
    "minimum": "threshold_minimum",
}


def _remove_small(mask: np.ndarray, min_size: int) -> np.ndarray:
    """Drop 8-connected foreground objects with fewer than ``min_size`` pixels."""
    if min_size <= 1 or not mask.any():
        return mask
    labels = label(mask, connectivity=2)
    keep = np.bincount(labels.ravel()) >= min_size
    keep[0] = False
    return keep[labels]


def binarize(image, method="otsu", threshold=None, smooth_sigma=None, min_size=4):
    """Segment an element map into foreground (element present) and background.

    Reproduces the paper's manual preparation (Section 2.1, Fig. 2b-c: "a threshold was introduced
    ... the images were transformed into binary images") with scikit-image: optional Gaussian
    denoising, a global threshold, and removal of isolated noise specks.

    Parameters
    ----------
    image : array_like, 2-D
        Counts or intensities (any finite real numbers; bool is treated as 0/1).
    method : str
        Automatic threshold used when ``threshold`` is None: one of ``THRESHOLD_METHODS``
        ("otsu", "li", "yen", "triangle", "isodata", "mean", "minimum"), computed with the
        ``skimage.filters.threshold_<method>`` function on the (smoothed) image. "triangle" and
        "yen" suit sparse maps with a dominant background peak; "otsu" suits maps with a balanced
        foreground.
    threshold : float, optional
        Fixed threshold in the units of the (smoothed) image; replaces ``method``.
    smooth_sigma : float, optional
        Standard deviation in pixels of a Gaussian filter applied before thresholding
        (``skimage.filters.gaussian``, values kept in the image's units). Suppresses the shot
        noise of low-count EDX maps; None (default) applies no smoothing.
    min_size : int, default 4
        Connected foreground objects (8-connectivity) with fewer pixels are removed as noise.
        0 or 1 keeps everything. Keep it below the area of one primary particle in pixels.

    Returns
    -------
    ndarray of bool
        True where ``image > threshold``, small objects removed.

    Raises
    ------
    InputError
        Not 2-D, RGB, empty, non-numeric, NaN/inf, unknown ``method``, non-finite ``threshold``,
        ``smooth_sigma`` <= 0, negative ``min_size``.
    DataError
        An automatic threshold is asked for a constant image (nothing to separate).

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> img = np.zeros((32, 32)); img[8:20, 8:20] = 10.0
    >>> img += np.random.default_rng(0).normal(0, 1, img.shape)
    >>> mask = mixmap.binarize(img)
    >>> int(mask.sum())
    144
    """
    arr = as_map(image, "image", allow_negative=True, before="binarizing")
    if threshold is None:
        method = check_choice("method", method.lower() if isinstance(method, str) else method, THRESHOLD_METHODS)
    else:
        if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real):
            raise InputError(f"threshold must be a real number, got {threshold!r}")
        threshold = float(threshold)
        if not np.isfinite(threshold):
            raise InputError(f"threshold must be finite, got {threshold}")
    check_number("smooth_sigma", smooth_sigma, optional=True, unit="pixels, or None")
    min_size = check_integer("min_size", min_size, minimum=0, why="pixels")

    work = arr.astype(np.float64)
    if smooth_sigma is not None:
        work = skimage.filters.gaussian(work, sigma=float(smooth_sigma), preserve_range=True, mode="nearest")
    if threshold is None:
        if work.min() == work.max():
            raise DataError(
                f"image is constant ({work.min():g}) so the automatic '{method}' threshold has nothing "
                f"to separate; pass threshold= explicitly"
            )
        fn = getattr(skimage.filters, THRESHOLD_METHODS[method])
        try:
            threshold = float(fn(work))
        except RuntimeError as exc:  # threshold_minimum fails on unimodal histograms
            raise DataError(
                f"the '{method}' threshold failed on this image ({exc}); try method='otsu' or 'triangle'"
            ) from exc
    return _remove_small(work > threshold, min_size)


def label_aggregates(a, b, min_area=50, closing_radius=2, *, return_boxes=False):
    """Split a field of view into one (a, b) map pair per connected aggregate.

    The paper analyses one hetero-aggregate per map (Section 2.1); a STEM-EDX field of view often
    holds several. The union foreground ``(a > 0) | (b > 0)`` is closed morphologically with a disk
    of radius ``closing_radius`` (so that an aggregate broken by small gaps, e.g. between touching
    primary particles, stays one object), its 8-connected components are labelled
    (``skimage.measure.label``), and each component large enough is cropped to its bounding box.
    Pixels of the crop that belong to another aggregate are set to 0, so each crop contains exactly
    one aggregate. Closing only decides which pixels belong together: it never adds foreground.

    Parameters
    ----------
    a, b : array_like, 2-D
        Element maps of equal shape, bool (segmented, e.g. from :func:`binarize`) or non-negative
        numbers with 0 as background (see ../shared/DESIGN.md, "Definitions").
    min_area : int, default 50
        Aggregates with fewer foreground pixels (counted before closing) are dropped as debris.
    closing_radius : int, default 2
        Radius in pixels of the disk used to bridge gaps; 0 disables closing.
    return_boxes : bool, default False
        Also return the bounding box of each aggregate.

    Returns
    -------
    crops : list of (ndarray, ndarray)
        One ``(a_crop, b_crop)`` per aggregate with the input dtype, sorted by foreground area,
        largest first; equal areas are ordered by the position of the box (top row, then left
        column), so the order is deterministic.
    boxes : list of (row0, col0, row1, col1)
        Only with ``return_boxes=True``: ``a[row0:row1, col0:col1]`` is the region of each crop (the
        same box convention as ``read_composite(exclude=...)``).

    Raises
    ------
    InputError
        Invalid maps (shapes differ, not 2-D, NaN, negative) or parameters.
    DataError
        No foreground at all, or no aggregate reaches ``min_area`` (the message gives the largest).

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> a = np.zeros((40, 40), bool); b = np.zeros((40, 40), bool)
    >>> a[2:12, 2:12] = True; b[20:35, 20:30] = True; b[5:10, 8:14] = True
    >>> crops = mixmap.label_aggregates(a, b, min_area=20)
    >>> [c[0].shape for c in crops]
    [(15, 10), (10, 12)]
    """
    A, B = check_map_pair(a, b)
    min_area = check_integer("min_area", min_area, minimum=0, why="pixels")
    closing_radius = check_integer("closing_radius", closing_radius, minimum=0, why="pixels")
    check_bool("return_boxes", return_boxes)

    fg = (A > 0) | (B > 0)
    if not fg.any():
        raise DataError("a and b have no foreground pixel (both are zero everywhere); check the segmentation")
    joined = fg
    if closing_radius > 0:
        r = closing_radius
        padded = np.pad(fg, r)  # pad so that closing does not erode at the image border
        joined = ndimage.binary_closing(padded, structure=disk(r).astype(bool))[r:-r, r:-r] | fg
    labels = label(joined, connectivity=2)
    areas = np.bincount(labels.ravel(), weights=fg.ravel().astype(np.float64)).astype(np.int64)
    slices = ndimage.find_objects(labels)
    found = []
    for lab, sl in enumerate(slices, start=1):
        if sl is None or areas[lab] < min_area:
            continue
        found.append((-int(areas[lab]), sl[0].start, sl[1].start, lab, sl))
    if not found:
        raise DataError(
            f"no aggregate has at least min_area={min_area} foreground pixels (the largest has "
            f"{int(areas[1:].max())}); lower min_area or check the segmentation"
        )
    found.sort()
    crops, boxes = [], []
    for _, _, _, lab, sl in found:
        own = labels[sl] == lab
        zero = np.zeros((), dtype=A.dtype)
        crops.append((np.where(own, A[sl], zero), np.where(own, B[sl], np.zeros((), dtype=B.dtype))))
        boxes.append((sl[0].start, sl[1].start, sl[0].stop, sl[1].stop))
    return (crops, boxes) if return_boxes else crops
