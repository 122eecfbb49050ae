"""Splitting RGB composite element maps into one map per element (README "Element maps in").

Microscope software exports the overlay of several element maps as one colour image (the paper's
Figs. 1, 3, 4) carrying annotations (scale bar, text, legend box). This module parses channel
colours, unmixes every pixel by non-negative least squares, finds the annotation overlays and
builds the exclusion masks of :func:`read_composite`.
"""

from __future__ import annotations

import operator
import os
import warnings
from collections.abc import Mapping

import numpy as np
from scipy import ndimage
from skimage.measure import label

from ..errors import FormatError, InputError, UnmixedPixelsWarning
from .io import _check_path, _max_value, read_image

__all__ = ["COLOUR_NAMES", "parse_colour", "unmix", "overlay_mask", "read_composite"]

#: Colour names understood by :func:`parse_colour` (full-brightness RGB, components in [0, 1]).
COLOUR_NAMES = {
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 1.0, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "cyan": (0.0, 1.0, 1.0),
    "magenta": (1.0, 0.0, 1.0),
    "yellow": (1.0, 1.0, 0.0),
}

# Thresholds of the automatic overlay detection (colour components scaled to [0, 1]).
_NEUTRAL_MAX_SATURATION = 0.1  # HSV saturation (max-min)/max at or below which a pixel is grey/white
_NEUTRAL_MIN_VALUE = 0.08  # grey pixels darker than this are left alone (they carry ~no signal)
_NEUTRAL_MIN_AREA = 6  # min. grey component size when the channel colours can themselves add up to grey
_BOX_MIN_AREA = 16  # legend box: at least this many pixels ...
_BOX_MAX_FRACTION = 0.25  # ... at most this fraction of the image ...
_BOX_MIN_FILL = 0.9  # ... and its holes-filled area covers this fraction of its bounding box
_UNEXPLAINED_RESIDUAL = 0.25  # RGB distance above which a pixel is "not a mix of the channel colours"


def parse_colour(colour, *, name: str = "colour") -> np.ndarray:
    """Turn a colour specification into a full-brightness RGB direction.

    Parameters
    ----------
    colour : str or sequence of 3 numbers
        A name from ``COLOUR_NAMES`` (red, green, blue, cyan, magenta, yellow), a hex string
        ``"#rrggbb"`` / ``"#rgb"``, or an RGB triple (0-255 integers or 0-1 floats).
    name : str
        Argument name used in error messages.

    Returns
    -------
    ndarray of shape (3,)
        The colour scaled so that its largest component is 1. Only the hue matters: the element
        intensity of a pixel drawn in this colour is the factor by which it is scaled, so
        ``(255, 128, 0)``, ``(1, 0.5, 0)`` and ``"#ff8000"`` are the same channel.
    """
    if isinstance(colour, str):
        s = colour.strip().lower()
        if s in COLOUR_NAMES:
            rgb = np.array(COLOUR_NAMES[s], dtype=np.float64)
        elif s.startswith("#") and len(s) in (4, 7) and all(c in "0123456789abcdef" for c in s[1:]):
            digits = s[1:]
            if len(digits) == 3:
                digits = "".join(c * 2 for c in digits)
            rgb = np.array([int(digits[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)
        else:
            raise InputError(
                f"{name}: unknown colour {colour!r}; use one of {', '.join(COLOUR_NAMES)}, a hex string "
                f"like '#ff8000', or an RGB triple like (255, 128, 0)"
            )
    else:
        try:
            rgb = np.asarray(colour, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{name}: colour must be a name, hex string or RGB triple, got {colour!r}") from exc
        if rgb.shape != (3,) or not np.all(np.isfinite(rgb)) or np.any(rgb < 0):
            raise InputError(
                f"{name}: an RGB colour needs 3 finite non-negative components (0-255 or 0-1), got {colour!r}"
            )
    top = rgb.max()
    if top <= 0:
        raise InputError(f"{name}: colour {colour!r} is black and cannot carry a signal")
    return rgb / top


def _as_rgb(image, name: str) -> np.ndarray:
    """Float RGB in [0, 1] (alpha composited over black) from a path or an (rows, cols, 3|4) array."""
    if isinstance(image, (str, os.PathLike, bytes)):
        p = _check_path(image, name)
        arr = read_image(p, name=name)
        where = f"{name} ('{p}')"
    else:
        arr = np.asarray(image)
        where = name
        if arr.dtype.kind not in "biuf":
            raise InputError(f"{name} must be a path or a numeric RGB(A) array, got dtype {arr.dtype}")
    if arr.ndim == 2 or (arr.ndim == 3 and arr.shape[-1] in (1, 2)):
        raise FormatError(
            f"{where} is a single-channel image (shape {arr.shape}), not an RGB composite; read one map "
            f"per element with mixmap.read_maps"
        )
    if arr.ndim != 3 or arr.shape[-1] not in (3, 4):
        raise FormatError(f"{where} must be an RGB or RGBA image of shape (rows, cols, 3|4), got {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InputError(f"{where} is empty (shape {arr.shape})")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise InputError(f"{where} contains NaN/inf values")
    if arr.min() < 0:
        raise InputError(f"{where} contains negative colour values (min {arr.min()})")
    if arr.dtype.kind == "f" and arr.max() > 1:
        raise InputError(
            f"{where} is a float image with values up to {arr.max():g}; float composites must be "
            f"scaled to [0, 1] (or pass the 8/16-bit integer image)"
        )
    full = _max_value(arr)
    rgb = arr[..., :3].astype(np.float64) / full
    if arr.shape[-1] == 4:
        rgb *= arr[..., 3].astype(np.float64)[..., None] / full
    return rgb


def _subset_solvers(colours: np.ndarray):
    """Stacked least-squares solvers for every non-empty subset of the colour columns.

    Returns ``(pinv_rows, slots)``: the rows of all subset pseudo-inverses stacked (so one product
    gives every subset's coefficients) and, for each subset, its ``(row in pinv_rows, colour index)``
    pairs.
    """
    k = colours.shape[1]
    rows, slots = [], []
    for mask in range(1, 2**k):
        idx = [j for j in range(k) if mask >> j & 1]
        pinv = np.linalg.pinv(colours[:, idx])
        slots.append([(len(rows) + i, j) for i, j in enumerate(idx)])
        rows.extend(pinv)
    return np.array(rows), slots


def unmix(rgb: np.ndarray, colours: np.ndarray, *, chunk: int = 1 << 12) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel non-negative least squares: ``rgb ≈ Σ_k c_k colour_k`` with ``c_k >= 0``.

    With at most three linearly independent colours the exact NNLS optimum is found by enumerating
    the active sets: for every subset of colours the unconstrained least-squares coefficients are
    computed (one matrix product for all pixels and subsets); among the subsets whose coefficients
    are all non-negative, the one with the smallest residual is the NNLS solution (the optimum is
    the unconstrained solution on its own support; the empty subset, c = 0, is always feasible).
    This equals :func:`scipy.optimize.nnls` pixel by pixel but runs as a few vectorised operations
    instead of one call per pixel.

    Parameters
    ----------
    rgb : ndarray, shape (..., 3)
        Colours in [0, 1].
    colours : ndarray, shape (3, K), K <= 3
        Channel colours as columns (linearly independent).
    chunk : int
        Pixels processed at once (bounds the temporary memory).

    Returns
    -------
    coefficients : ndarray, shape (..., K)
        Non-negative element intensities in units of the full-brightness channel colour.
    residual : ndarray, shape (...)
        Euclidean RGB distance between each pixel and its reconstruction.
    """
    shape = rgb.shape[:-1]
    flat = rgb.reshape(-1, 3)
    k = colours.shape[1]
    pinv_rows, slots = _subset_solvers(colours)
    coef = np.zeros((flat.shape[0], k))
    resid = np.zeros(flat.shape[0])

    def times(x, m):  # x @ m.T by broadcasting over the short inner axis (BLAS is slow on such shapes)
        return sum(x[:, i : i + 1] * m[:, i] for i in range(x.shape[1]))

    for start in range(0, flat.shape[0], chunk):
        x = np.asarray(flat[start : start + chunk], dtype=np.float64)
        n = x.shape[0]
        c_all = times(x, pinv_rows)  # (n, rows): every subset's least-squares coefficients
        g = times(x, colours.T)  # (n, k): colour_k . x
        norm2 = (x * x).sum(axis=1)
        r2 = np.empty((n, len(slots) + 1))
        r2[:, 0] = norm2  # empty support
        for s, sl in enumerate(slots, start=1):
            # a least-squares residual is orthogonal to the fit: |x - Cc|^2 = |x|^2 - c.(C^T x)
            fit = sum(c_all[:, row] * g[:, j] for row, j in sl)
            feasible = np.logical_and.reduce([c_all[:, row] >= -1e-12 for row, _ in sl])
            r2[:, s] = np.where(feasible, norm2 - fit, np.inf)
        best = np.argmin(r2, axis=1)  # the NNLS solution is unique for independent colours
        out = np.zeros((n, k))
        for s, sl in enumerate(slots, start=1):
            hit = best == s
            for row, j in sl:
                out[:, j] = np.where(hit, np.maximum(c_all[:, row], 0.0), out[:, j])
        coef[start : start + n] = out
        r = x - times(out, colours)  # exact residual of the chosen fit (no cancellation)
        resid[start : start + n] = np.sqrt((r * r).sum(axis=1))
    return coef.reshape(*shape, k), resid.reshape(shape)


def _box_mask(boxes, shape, name: str) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    rows, cols = shape
    for i, box in enumerate(boxes):
        try:
            vals = [_pixel_index(v) for v in box]
        except TypeError as exc:
            raise InputError(f"{name}[{i}] = {box!r}: a box must be 4 integers (row0, col0, row1, col1)") from exc
        if len(vals) != 4:
            raise InputError(f"{name}[{i}] = {box!r}: a box must be 4 integers (row0, col0, row1, col1)")
        r0, c0, r1, c1 = vals
        if not (0 <= r0 < r1 <= rows and 0 <= c0 < c1 <= cols):
            raise InputError(
                f"{name}[{i}] = {tuple(vals)} is not a box inside the {rows}x{cols} image; need "
                f"0 <= row0 < row1 <= {rows} and 0 <= col0 < col1 <= {cols} (row1/col1 exclusive)"
            )
        mask[r0:r1, c0:c1] = True
    return mask


def _pixel_index(v) -> int:
    """``int(v)`` for integer-like values only (bool and floats are refused)."""
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("bool is not a pixel index")
    return operator.index(v)


def _legend_boxes(rgb: np.ndarray) -> np.ndarray:
    """Uniform-colour rectangles touching the image border (legend boxes), as a mask of their boxes."""
    rows, cols = rgb.shape[:2]
    q = np.rint(rgb * 255).astype(np.int64)
    code = (q[..., 0] << 16) | (q[..., 1] << 8) | q[..., 2]  # 0 = black (data background)
    labels = label(code, background=0, connectivity=1)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    border = border[border > 0]
    mask = np.zeros((rows, cols), dtype=bool)
    if border.size == 0:
        return mask
    areas = np.bincount(labels.ravel())
    candidates = border[areas[border] >= _BOX_MIN_AREA]
    if candidates.size == 0:
        return mask
    slices = ndimage.find_objects(labels, max_label=int(candidates.max()))
    for lab in candidates:
        sl = slices[lab - 1]
        h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        if h < 3 or w < 3 or h * w > _BOX_MAX_FRACTION * rows * cols:
            continue
        filled = ndimage.binary_fill_holes(labels[sl] == lab)
        if filled.sum() >= _BOX_MIN_FILL * h * w:
            mask[sl] = True
    return mask


def overlay_mask(image, channels=None) -> np.ndarray:
    """Pixels of annotation overlays in an exported RGB(A) composite (``exclude="auto"``).

    Three kinds of overlay are found:

    1. **Grey/white marks** (scale bars, text, frames): pixels with HSV saturation
       ``(max - min)/max <= 0.1`` and value ``max >= 0.08``. When the channel colours can add up to
       grey themselves (e.g. magenta + green, or red + green + blue), a grey pixel may be genuine
       overlap of all elements; then only grey connected components of at least 6 pixels count
       (an isolated grey data pixel is kept; a stroke of text is not).
    2. **Legend boxes**: connected regions of one exact colour (8-bit quantised, not black) that
       touch the image border, are at least 16 pixels and at most a quarter of the image, and
       whose hole-filled area covers >= 90 % of their bounding box; the whole bounding box is
       excluded, including the coloured swatches and labels drawn inside it.
    3. The marks of (1) are grown by one pixel (3x3) to catch anti-aliased edges that blend the
       white annotation into the data colours.

    Black boxes cannot be told apart from the black data background; coloured text without a box
    is not detected. Pass explicit boxes or a mask to :func:`read_composite` in such cases.

    Parameters
    ----------
    image : str, pathlib.Path or ndarray
        The composite (path or ``(rows, cols, 3|4)`` array).
    channels : dict {element: colour}, optional
        The channel colours as for :func:`read_composite`; only used to decide whether grey is a
        possible data colour. Default: it is not (e.g. red + green).

    Returns
    -------
    ndarray of bool, shape (rows, cols)
        True on overlay pixels.
    """
    rgb = _as_rgb(image, "image")
    colours = None if channels is None else _channel_colours(channels)
    return _overlay_mask(rgb, colours)


def _overlay_mask(rgb: np.ndarray, colours: np.ndarray | None) -> np.ndarray:
    hi = rgb.max(axis=-1)
    lo = rgb.min(axis=-1)
    neutral = (hi >= _NEUTRAL_MIN_VALUE) & (hi - lo <= _NEUTRAL_MAX_SATURATION * hi)
    if colours is not None and neutral.any():
        _, grey_res = unmix(np.ones((1, 3)), colours)
        if grey_res[0] < 0.05:  # grey is a possible data colour: keep isolated grey pixels
            lab = label(neutral, connectivity=2)
            sizes = np.bincount(lab.ravel())
            keep = sizes >= _NEUTRAL_MIN_AREA
            keep[0] = False
            neutral = keep[lab]
    marks = ndimage.binary_dilation(neutral, structure=np.ones((3, 3), dtype=bool))
    return marks | _legend_boxes(rgb)


def _exclude_mask(exclude, rgb: np.ndarray, colours: np.ndarray) -> np.ndarray | None:
    shape = rgb.shape[:2]
    if exclude is None:
        return None
    if isinstance(exclude, str):
        if exclude != "auto":
            raise InputError(
                f"exclude must be 'auto', None, a boolean mask or a list of (row0, col0, row1, col1) "
                f"boxes, got the string {exclude!r}"
            )
        return _overlay_mask(rgb, colours)
    if isinstance(exclude, np.ndarray) and exclude.ndim == 2:
        if exclude.dtype.kind in "iu" and exclude.shape[1] == 4 and exclude.shape != shape:
            return _box_mask(exclude.tolist(), shape, "exclude")  # an (n, 4) array of boxes
        if exclude.dtype != bool:
            raise InputError(
                f"exclude mask must be a bool array of the image shape {shape} (or an (n, 4) integer "
                f"array of boxes), got dtype {exclude.dtype} and shape {exclude.shape}"
            )
        if exclude.shape != shape:
            raise InputError(
                f"exclude mask has shape {exclude.shape} but the image is {shape}; pass a mask of the image size"
            )
        return exclude
    try:
        boxes = list(exclude)
    except TypeError as exc:
        raise InputError(
            f"exclude must be 'auto', None, a boolean mask or a list of (row0, col0, row1, col1) boxes, "
            f"got {type(exclude).__name__}"
        ) from exc
    if boxes and not isinstance(boxes[0], (list, tuple, np.ndarray)):
        raise InputError(
            f"exclude must be a list of boxes, e.g. [(0, 0, 40, 120)], got {exclude!r}; wrap a single box in a list"
        )
    return _box_mask(boxes, shape, "exclude")


def _channel_colours(channels) -> np.ndarray:
    """Validate ``{element: colour}`` and return the colours as columns of a (3, K) array."""
    if not isinstance(channels, Mapping) or not channels:
        raise InputError(
            "channels must be a non-empty dict {element: colour}, e.g. {'Ti': 'red', 'W': 'green'}, "
            f"got {channels!r}"
        )
    if len(channels) > 3:
        raise InputError(f"channels has {len(channels)} entries; an RGB image can be split into at most 3 elements")
    for key in channels:
        if not isinstance(key, str) or not key:
            raise InputError(f"channels keys must be element names (non-empty str), got {key!r}")
    colours = np.stack([parse_colour(c, name=f"channels[{k!r}]") for k, c in channels.items()], axis=1)
    if np.linalg.matrix_rank(colours, tol=1e-6) < colours.shape[1]:
        raise InputError(
            f"channels colours {dict(channels)} are linearly dependent (one is a mix of the others, "
            f"e.g. yellow = red + green), so overlapping elements cannot be separated; choose "
            f"independent colours"
        )
    return colours


_DEFAULT_CHANNELS = {"Ti": "red", "W": "green"}


def read_composite(path, channels=None, exclude="auto"):
    """Split an RGB(A) composite element map into one intensity map per element.

    Microscope software exports the overlay of several element maps as one colour image, each
    element drawn in its colour and added (the paper's Figs. 1, 3, 4 show such composites). This
    function undoes the colouring so that each element's map can be analysed (Section 2.2.2),
    after removing the annotations the export carries.

    Parameters
    ----------
    path : str, pathlib.Path or ndarray
        PNG or TIFF file (8/16-bit, RGB or RGBA; alpha is composited over black), or an array of
        shape ``(rows, cols, 3|4)`` (integers scaled by their dtype maximum, floats taken in [0, 1]).
    channels : dict {element: colour}, default ``{"Ti": "red", "W": "green"}``
        One to three elements and their display colours: a name (red, green, blue, cyan, magenta,
        yellow), a hex string (``"#ff8000"``) or an RGB triple (0-255 or 0-1); see
        :func:`parse_colour`. The colours must be linearly independent (e.g. red, green and yellow
        are not: yellow = red + green).
    exclude : "auto", None, ndarray of bool or list of (row0, col0, row1, col1)
        Pixels to drop (set to 0 in every map). ``"auto"`` removes annotation overlays (white/grey
        scale bars and text, solid legend boxes touching the border; see :func:`overlay_mask`). A
        bool mask of the image shape, or boxes in pixel indices with exclusive ``row1, col1`` (like
        ``image[row0:row1, col0:col1]``). ``None`` keeps everything.

    Returns
    -------
    dict {element: ndarray of float64}
        2-D maps in the order of ``channels``. Each value is the pixel's intensity of that element
        in units of the full-brightness channel colour (0 = absent, 1 = the colour at full
        brightness), found by per-pixel non-negative least squares ``rgb ≈ Σ c_k colour_k``
        (:func:`unmix`). Additive overlap (red + green = yellow) is split exactly; where the export
        clipped overlapping bright colours the split is the best non-negative fit.

    Warns
    -----
    UnmixedPixelsWarning
        When kept pixels are not mixtures of the channel colours (RGB residual > 0.25), which
        usually means a wrong ``channels`` mapping or an overlay that ``"auto"`` missed.

    Raises
    ------
    FormatError
        Unreadable / missing / unsupported file, or a single-channel image.
    InputError
        Bad ``channels`` (empty, more than 3, unknown colour, dependent colours) or bad ``exclude``
        (wrong mask shape or dtype, box outside the image).

    Examples
    --------
    >>> maps = mixmap.read_composite("overlay.png", channels={"C": "green", "Si": "magenta"})  # doctest: +SKIP
    >>> a = mixmap.binarize(maps["C"]); b = mixmap.binarize(maps["Si"])  # doctest: +SKIP
    """
    if channels is None:
        channels = _DEFAULT_CHANNELS
    colours = _channel_colours(channels)
    rgb = _as_rgb(path, "path")
    drop = _exclude_mask(exclude, rgb, colours)
    coef, resid = unmix(rgb, colours)
    if drop is not None:
        coef[drop] = 0.0
        resid = np.where(drop, 0.0, resid)
    bad = int(np.count_nonzero(resid > _UNEXPLAINED_RESIDUAL))
    if bad:
        warnings.warn(
            f"read_composite: {bad} kept pixel(s) ({100 * bad / resid.size:.2g} %) are not mixtures of "
            f"the channel colours {dict(channels)}; check channels= or exclude those regions",
            UnmixedPixelsWarning,
            stacklevel=2,
        )
    return {k: np.ascontiguousarray(coef[..., i]) for i, k in enumerate(channels)}
