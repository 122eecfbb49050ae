"""Element maps: validation, pixel classes and concentrations (paper Section 2.2.2, Eqs. 3-4).

Definitions (../shared/DESIGN.md, "Definitions shared by several issues"): two 2-D maps A and B of
equal shape, bool (segmented) or non-negative numbers (counts, intensities). A pixel is foreground
when A > 0 or B > 0; background pixels [0,0] are ignored. The concentration of a region is
ΣA / (ΣA + ΣB) over its foreground pixels, so a bool overlap pixel [1,1] has concentration 0.5 as in
the paper. Bool maps are handled as 0/1 numbers, so both kinds share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_map, check_map_pair
from .errors import DataError, InputError, UnmixedPixelsWarning

__all__ = ["check_map_pair", "as_map_pair", "PixelClasses", "pixel_classes", "pixel_concentration", "s2_max"]


def as_map_pair(a, b, *, names=("a", "b"), require_both: bool = True):
    """Validate two element maps and return them as float64 arrays plus the foreground mask.

    Parameters
    ----------
    a, b : array_like
        2-D maps of equal shape, bool or non-negative finite numbers.
    names : tuple of str
        Argument names used in error messages.
    require_both : bool
        Raise :class:`DataError` when one element is absent (P = 0 or 1), where the Schmahl index
        is undefined.

    Returns
    -------
    a, b : ndarray of float64
    foreground : ndarray of bool
    """
    A, B = check_map_pair(a, b, names=names)
    A = A.astype(np.float64, copy=False)
    B = B.astype(np.float64, copy=False)
    fg = (A > 0) | (B > 0)
    if not fg.any():
        raise DataError(
            f"{names[0]} and {names[1]} have no foreground pixel (both are zero everywhere); "
            f"check the segmentation threshold"
        )
    if require_both:
        sa, sb = float(A.sum()), float(B.sum())
        if sa == 0 or sb == 0:
            missing = names[0] if sa == 0 else names[1]
            raise DataError(
                f"{missing} is empty: only one element is present (P = {1.0 if sb == 0 else 0.0}), "
                f"so the mixing variance bounds and the Schmahl index are undefined; analyse "
                f"aggregates that contain both elements"
            )
    return A, B, fg


@dataclass(frozen=True)
class PixelClasses:
    """Foreground pixel fractions (Eq. 3) and aggregate concentration P."""

    P: float
    P10: float
    P01: float
    P11: float
    n_foreground: int


def pixel_classes(A: np.ndarray, B: np.ndarray) -> PixelClasses:
    """Fractions of [1,0], [0,1], [1,1] pixels among the foreground (Eq. 3) and P = ΣA/(ΣA+ΣB).

    ``A`` and ``B`` are validated float arrays (see :func:`as_map_pair`).
    """
    pa, pb = A > 0, B > 0
    n10 = int(np.count_nonzero(pa & ~pb))
    n01 = int(np.count_nonzero(~pa & pb))
    n11 = int(np.count_nonzero(pa & pb))
    n = n10 + n01 + n11
    sa, sb = float(A.sum()), float(B.sum())
    return PixelClasses(P=sa / (sa + sb), P10=n10 / n, P01=n01 / n, P11=n11 / n, n_foreground=n)


def pixel_concentration(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel concentration x = A/(A+B) (1, 0, 0.5 for bool maps) and the foreground mask."""
    fg = (A > 0) | (B > 0)
    x = np.zeros(A.shape, dtype=np.float64)
    np.divide(A, A + B, out=x, where=fg)
    return x, fg


def s2_max(A: np.ndarray, B: np.ndarray, P: float | None = None) -> float:
    """Variance of the unmixed state, Eq. (4).

    For bool maps this is P10(1-P)² + P01 P² + P11(0.5-P)²; for intensity maps the same expression
    generalises to the foreground mean of (x - P)² with pixel concentrations x = A/(A+B), which is
    what is computed here (identical for bool maps).
    """
    x, fg = pixel_concentration(A, B)
    if P is None:
        P = float(A.sum()) / float(A.sum() + B.sum())
    d = x[fg] - P
    return float(np.mean(d * d))


# ---------------------------------------------------------------------------------------------------
# Reading element maps and splitting RGB composites (issue 2, "Element maps in")
# ---------------------------------------------------------------------------------------------------
#
# The paper (Section 2.1) starts from "separate images of the isolated signals" exported by the EDX
# software and segments them by hand. Real exports come in three shapes, all handled here:
#
# * one grey image per element (8/16-bit PNG or TIFF, float TIFF, or a NumPy ``.npy`` array),
# * one *coloured* image per element (the element shown in its colour on black), and
# * one RGB composite holding all elements in different colours plus annotations (scale bar,
#   text, legend box) -> :func:`read_composite`.

import operator  # noqa: E402 - section imports kept next to the code that uses them
import os  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from pathlib import Path  # noqa: E402

from .errors import FormatError  # noqa: E402

__all__ += ["read_maps", "read_image", "read_composite", "parse_colour", "overlay_mask", "unmix"]

#: File extensions read by :func:`read_maps` / :func:`read_composite` (lower case).
IMAGE_EXTENSIONS = (".png", ".tif", ".tiff", ".npy")

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


def _check_path(path, name: str) -> Path:
    if isinstance(path, (bytes, bytearray)):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"{name} must be a file path (str or pathlib.Path), got {type(path).__name__}")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in IMAGE_EXTENSIONS:
        hint = " (JPEG is lossy and alters pixel values; export PNG or TIFF)" if suffix in (".jpg", ".jpeg") else ""
        raise FormatError(
            f"{name}: cannot read '{p}': unsupported file type '{p.suffix or '(none)'}'{hint}; "
            f"supported are {', '.join(IMAGE_EXTENSIONS)}"
        )
    if not p.exists():
        raise FormatError(f"{name}: file '{p}' does not exist; check the path")
    if not p.is_file():
        raise FormatError(f"{name}: '{p}' is not a file")
    return p


def read_image(path, *, name: str = "path") -> np.ndarray:
    """Read a PNG, TIFF or ``.npy`` file into an array exactly as stored.

    PNG files are read with imageio (palette images are expanded to RGB(A)), TIFF files with
    tifffile, ``.npy`` files with :func:`numpy.load` (``allow_pickle=False``). No conversion is
    applied: 8/16-bit data keep their integer dtype, 1-bit PNGs come back as bool.

    Parameters
    ----------
    path : str or pathlib.Path
        File to read; the extension selects the reader (see ``IMAGE_EXTENSIONS``).
    name : str
        Argument name used in error messages.

    Returns
    -------
    ndarray
        ``(rows, cols)``, ``(rows, cols, channels)`` or whatever the file holds.

    Raises
    ------
    FormatError
        Missing file, unsupported extension, or a file the reader cannot decode (the message names
        the path).
    """
    p = _check_path(path, name)
    suffix = p.suffix.lower()
    try:
        if suffix == ".npy":
            arr = np.load(p, allow_pickle=False)
        elif suffix in (".tif", ".tiff"):
            import tifffile

            arr = tifffile.imread(p)
        else:
            import imageio.v3 as iio

            arr = iio.imread(p, plugin="pillow")
    except Exception as exc:  # noqa: BLE001 - every reader failure means "not a readable image"
        raise FormatError(
            f"{name}: cannot read '{p}' as {suffix[1:].upper()}: {type(exc).__name__}: {exc}; "
            f"the file is truncated or not in this format"
        ) from exc
    arr = np.asarray(arr)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise FormatError(f"{name}: '{p}' holds {arr.dtype} data; element maps must be numeric")
    return arr


def _max_value(arr: np.ndarray) -> float:
    """Full-scale value of an image array: dtype max for integers, 1.0 for floats <= 1."""
    if arr.dtype == bool:
        return 1.0
    if np.issubdtype(arr.dtype, np.integer):
        return float(np.iinfo(arr.dtype).max)
    m = float(np.nanmax(arr)) if arr.size else 1.0
    return 1.0 if m <= 1.0 else m


def _composite_over_black(arr: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Drop an alpha channel; when it is not fully opaque, composite the colour over black."""
    full = _max_value(alpha)
    if np.all(alpha == full):
        return arr
    return arr.astype(np.float64) * (alpha.astype(np.float64)[..., None] / full if arr.ndim == 3 else alpha / full)


def _to_intensity(arr: np.ndarray, name: str, p: Path) -> np.ndarray:
    """Reduce a single-element image to a 2-D intensity map (see :func:`read_maps`)."""
    if arr.ndim == 2:
        return arr
    if p.suffix.lower() != ".npy" and arr.ndim == 3 and arr.shape[-1] in (2, 3, 4):
        if arr.shape[-1] == 2:  # grey + alpha
            return _composite_over_black(arr[..., 0], arr[..., 1])
        rgb = arr[..., :3]
        if arr.shape[-1] == 4:
            rgb = _composite_over_black(rgb, arr[..., 3])
        if np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2]):
            return rgb[..., 0]  # grey saved as RGB
        return rgb.max(axis=-1)  # HSV value: proportional to the signal of a one-colour map
    raise FormatError(
        f"{name}: '{p}' holds an array of shape {arr.shape}, not one 2-D element map; "
        + (
            "save a single 2-D array per element"
            if p.suffix.lower() == ".npy"
            else "export one element per file (a multi-page TIFF or image stack is not a map); for an "
            "RGB composite of several elements use mixmap.read_composite"
        )
    )


def _binary_level(arr: np.ndarray) -> float | None:
    """The non-zero level if ``arr`` holds only 0 and one of 1 / 255 / 65535 / dtype max, else None."""
    if arr.dtype == bool:
        return 1.0
    top = arr.max()
    levels = {1.0, 255.0, 65535.0}
    if np.issubdtype(arr.dtype, np.integer):
        levels.add(float(np.iinfo(arr.dtype).max))
    if float(top) not in levels:
        return None
    if np.all((arr == 0) | (arr == top)) and np.any(arr == 0):
        return float(top)
    return None


def read_maps(path_a, path_b, *, binary="auto"):
    """Read two element maps (one file per element) of the same field of view.

    Implements the input step of the paper's workflow (Section 2.1, Fig. 2: "separate images of the
    isolated signals ... are available directly from the EDX measurement").

    Parameters
    ----------
    path_a, path_b : str or pathlib.Path
        PNG (8/16-bit, grey, grey+alpha, RGB, RGBA or palette), TIFF (single page, any numeric dtype)
        or ``.npy`` (a 2-D array) files of equal size.
    binary : {"auto", True, False}
        What to do with segmented masks. ``"auto"`` (default): an image holding only 0 and a single
        full-scale level (255, 65535 or the dtype maximum, or a 1-bit PNG) is a black/white mask as
        exported by an image editor; when both files are masks they are returned as bool maps,
        which is what the paper's analysis of binarized maps expects ([1,1] overlap pixels have
        concentration 0.5). A map of only 0 and 1 is numerically the same as a mask and follows the
        other file. A mask paired with an intensity map is refused (see Raises). ``True``: every
        non-zero pixel is foreground (both maps bool). ``False``: keep the numbers as stored.

    Returns
    -------
    a, b : ndarray
        Two 2-D maps of equal shape. Count/intensity maps keep their numbers and dtype (a 16-bit
        TIFF stays ``uint16``; nothing is rescaled); masks are bool (see ``binary``).

    Notes
    -----
    Reduction of a colour image of **one** element to an intensity:

    * grey stored as RGB (R = G = B everywhere): the grey level;
    * a coloured map (the element drawn in its colour on black): the HSV value ``max(R, G, B)``,
      which is proportional to the signal for any single-hue colour scale (luminance would
      down-weight blue maps seven-fold);
    * an alpha channel that is not fully opaque: the colour is composited over black (transparent =
      background, 0), which makes the map float.

    False-colour lookup tables (e.g. "fire", "rainbow") are not inverted: export such maps as grey
    images or raw counts. For a composite of several elements in one image use
    :func:`read_composite`.

    Raises
    ------
    FormatError
        A file is missing, has an unsupported extension, cannot be decoded, or holds a stack /
        3-D array instead of one map.
    InputError
        Shapes differ, NaN / inf / negative values, or (``binary="auto"``) one file is a black/white
        mask while the other holds intensities (their scales are not comparable; binarize both with
        :func:`mixmap.binarize`, or pass ``binary=False``).

    Examples
    --------
    >>> a, b = mixmap.read_maps("Ti.png", "W.png")  # doctest: +SKIP
    >>> res = mixmap.intra_mixing(a, b, n_particles=25, particle_area_px=80)  # doctest: +SKIP
    """
    if not (binary == "auto" if isinstance(binary, str) else isinstance(binary, (bool, np.bool_))):
        raise InputError(f"binary must be 'auto', True or False, got {binary!r}")
    if not isinstance(binary, str):
        binary = bool(binary)
    raw, names, kinds = [], [], []
    for path, arg in ((path_a, "path_a"), (path_b, "path_b")):
        p = _check_path(path, arg)
        name = f"{arg} ('{p}')"
        arr = _to_intensity(read_image(p, name=arg), name, p)
        as_map(arr, name)  # NaN / negative / empty / dtype checks with the path in the message
        level = _binary_level(arr)
        # "mask": black/white export (bool, or 0 and 255/65535/dtype max); "unit": only 0 and 1
        # (a mask or a sparse count map - identical numbers either way); "intensity": anything else.
        kind = "intensity" if level is None else ("mask" if arr.dtype == bool or level > 1 else "unit")
        raw.append(arr)
        names.append(name)
        kinds.append(kind)
    check_map_pair(raw[0], raw[1], names=tuple(names))
    if binary is True:
        return raw[0] > 0, raw[1] > 0
    if binary is False:
        return raw[0], raw[1]
    if "mask" in kinds and "intensity" in kinds:
        mask_name, int_name = (names[0], names[1]) if kinds[0] == "mask" else (names[1], names[0])
        raise InputError(
            f"{mask_name} is a black/white mask but {int_name} holds intensities; their scales cannot "
            f"be compared. Segment both (mixmap.binarize) or pass binary=False to keep the numbers"
        )
    if "intensity" in kinds:
        return raw[0], raw[1]
    return raw[0] > 0, raw[1] > 0


# ----------------------------------------------------------------------------------- composites


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
    from scipy import ndimage
    from skimage.measure import label

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
    from scipy import ndimage
    from skimage.measure import label

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
