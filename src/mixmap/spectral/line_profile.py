"""Line profiles: intensity along a line, averaged over a perpendicular band, and their result.

Parallel scans across an interface are averaged (``width`` pixels) as recommended for noisy
concentration profiles; works on an image, a dict of element maps, a (y, x, k) cube or a spectrum
image (only the band is read from the store).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
from skimage.measure import profile_line

from .._results import Result, result
from .._validate import check_integer, check_number
from ..errors import InputError
from ._shared import compute_checked
from .store import SpectrumImage, open_spectrum_image

__all__ = ["LineProfile", "line_profile"]


@result
class LineProfile(Result):
    """An intensity profile along a line (result of :func:`line_profile`).

    Attributes
    ----------
    position_px : ndarray, shape (n,)
        Distance from ``start`` along the line (pixels).
    position_m : ndarray or None
        The same in metres, when the pixel size is known.
    values : ndarray
        Band-averaged values, shape (n,) for an image, (n, k) for k maps or channels.
    names : tuple of str or None
        Column names of ``values`` (map names, or ``"<energy> keV"`` per channel of a cube).
    start, end : tuple of float
        End points (row, col) in pixels.
    width : int
        Width of the averaged band (pixels).
    """

    position_px: np.ndarray
    position_m: np.ndarray | None
    values: np.ndarray
    names: tuple | None
    start: tuple
    end: tuple
    width: int

    _summary = ("width", "start", "end")

    def to_dict(self, arrays: bool = True) -> dict:
        """All fields as a dict (arrays included, as before the result base; ``arrays=False`` drops them)."""
        d = {
            "position_px": self.position_px,
            "position_m": self.position_m,
            "values": self.values,
            "names": self.names,
            "start": self.start,
            "end": self.end,
            "width": self.width,
        }
        return d if arrays else {k: d[k] for k in ("start", "end", "width")}

    def to_frame(self):
        """Tidy table: ``position_px``, ``position_m`` (if known) and one column per map/channel."""
        cols = {"position_px": self.position_px}
        if self.position_m is not None:
            cols["position_m"] = self.position_m
        if self.values.ndim == 1:
            cols["value"] = self.values
        else:
            for k, name in enumerate(self.names):
                cols[name] = self.values[:, k]
        return pd.DataFrame(cols)


def _point(name, p, shape):
    try:
        r, c = (float(v) for v in p)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a (row, col) pair in pixels, got {p!r}") from None
    if not (0 <= r <= shape[0] - 1 and 0 <= c <= shape[1] - 1):
        raise InputError(f"{name}={p!r} lies outside the image (rows 0..{shape[0] - 1}, cols 0..{shape[1] - 1})")
    return r, c


def line_profile(image_or_cube, start, end, *, width=1, pixel_size=None, order=1):
    """Profile along a line, averaged over a perpendicular band of ``width`` pixels.

    Samples are spaced by about one pixel from ``start`` to ``end`` (both included); at each sample
    the values on ``width`` parallel lines (spaced one pixel apart across the line) are
    interpolated (``order`` 1: bilinear) and averaged - parallel scans averaged, as recommended for
    noisy concentration profiles across an interface. Implemented with
    :func:`skimage.measure.profile_line` (``mode="nearest"`` where the band leaves the image).

    Parameters
    ----------
    image_or_cube : 2-D array, dict of 2-D arrays, 3-D array (y, x, k) or SpectrumImage
        An image gives one profile; a dict of maps (e.g. from :func:`element_maps`) or a
        (y, x, k) array gives one profile per map/channel, as the columns of ``values``. For a
        SpectrumImage, only the pixels around the band are read from the store and ``values`` holds
        the spectrum along the line (one column per energy channel).
    start, end : (row, col)
        End points in pixels (inside the image, distinct).
    width : int
        Band width in pixels (>= 1; odd widths are centred on the line).
    pixel_size : float, optional
        Pixel size (nm) to give ``position_m``; taken from a SpectrumImage when not given.
    order : int
        Spline interpolation order (0-5).

    Returns
    -------
    LineProfile

    Raises
    ------
    mixmap.InputError
        Bad array dimensions, points outside the image or equal, width < 1, bad pixel size.

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> img = np.tile(np.linspace(0, 1, 50), (20, 1))
    >>> p = mixmap.line_profile(img, (10, 0), (10, 49), width=5, pixel_size=2.0)
    >>> p.values.shape, round(float(p.values[-1]), 3)
    ((50,), 1.0)
    """
    names = None
    offset = (0.0, 0.0)
    if isinstance(image_or_cube, (str, os.PathLike)):
        image_or_cube = open_spectrum_image(image_or_cube)
    width = check_integer("width", width, minimum=1, why="pixels")
    order = check_integer("order", order, minimum=0, maximum=5, why="spline order")
    if isinstance(image_or_cube, SpectrumImage):
        si = image_or_cube
        if pixel_size is None:
            pixel_size = si.pixel_size
        shape = si.data.shape[:2]
        p0, p1 = _point("start", start, shape), _point("end", end, shape)
        margin = width / 2 + order + 2
        r0 = max(int(math.floor(min(p0[0], p1[0]) - margin)), 0)
        r1 = min(int(math.ceil(max(p0[0], p1[0]) + margin)) + 1, shape[0])
        c0 = max(int(math.floor(min(p0[1], p1[1]) - margin)), 0)
        c1 = min(int(math.ceil(max(p0[1], p1[1]) + margin)) + 1, shape[1])
        arr = compute_checked(lambda: np.asarray(si.data[r0:r1, c0:c1].compute(), np.float64), si)
        offset = (r0, c0)
        names = tuple(f"{e:.4f} keV" for e in si.energy)
    elif isinstance(image_or_cube, dict):
        if not image_or_cube:
            raise InputError("image_or_cube: the dict of maps is empty")
        names = tuple(str(k) for k in image_or_cube)
        maps = [np.asarray(v, dtype=np.float64) for v in image_or_cube.values()]
        if any(m.ndim != 2 or m.shape != maps[0].shape for m in maps):
            raise InputError("image_or_cube: all maps of the dict must be 2-D with the same shape")
        arr = np.stack(maps, axis=-1)
    else:
        arr = np.asarray(image_or_cube)
        if arr.dtype.kind not in "biuf":
            raise InputError(f"image_or_cube must be numeric, got dtype {arr.dtype}")
        arr = arr.astype(np.float64)
        if arr.ndim == 3:
            names = tuple(str(k) for k in range(arr.shape[2]))
        elif arr.ndim != 2:
            raise InputError(
                "image_or_cube must be a 2-D image, a (y, x, k) cube, a dict of maps "
                f"or a SpectrumImage, got an array of shape {arr.shape}"
            )
    if not np.all(np.isfinite(arr)):
        raise InputError("image_or_cube contains NaN or infinite values")
    full_shape = (arr.shape[0] + offset[0], arr.shape[1] + offset[1])
    p0, p1 = _point("start", start, full_shape), _point("end", end, full_shape)
    length = math.hypot(p1[0] - p0[0], p1[1] - p0[1])
    if length == 0:
        raise InputError(f"start and end must differ, both are {start!r}")
    if pixel_size is not None:
        pixel_size = check_number("pixel_size", pixel_size, unit="nm")
    src = (p0[0] - offset[0], p0[1] - offset[1])
    dst = (p1[0] - offset[0], p1[1] - offset[1])
    values = profile_line(arr, src, dst, linewidth=int(width), order=int(order), mode="nearest", reduce_func=np.mean)
    n = values.shape[0]
    pos = np.linspace(0.0, length, n)
    return LineProfile(
        position_px=pos,
        position_m=None if pixel_size is None else pos * pixel_size * 1e-9,
        values=np.asarray(values, dtype=np.float64),
        names=names,
        start=tuple(p0),
        end=tuple(p1),
        width=int(width),
    )
