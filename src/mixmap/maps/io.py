"""Reading element maps, one file per element (paper Section 2.1, README "Element maps in").

The paper starts from "separate images of the isolated signals" exported by the EDX software and
segments them by hand. One grey image per element (8/16-bit PNG or TIFF, float TIFF, or a NumPy
``.npy`` array) or one *coloured* image per element (the element in its colour on black) is read by
:func:`read_maps`, which also detects black/white masks. RGB composites of several elements are
split by :mod:`mixmap.maps.composite`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .._validate import as_map, check_map_pair
from ..errors import FormatError, InputError

__all__ = ["IMAGE_EXTENSIONS", "read_image", "read_maps"]

#: File extensions read by :func:`read_maps` / :func:`read_composite` (lower case).
IMAGE_EXTENSIONS = (".png", ".tif", ".tiff", ".npy")


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
