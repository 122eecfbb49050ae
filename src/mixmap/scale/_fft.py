"""Exact pair sums of R(h) by FFT: zero-padded windows, tiling over Dask chunks, memory budget.

Concern: the sums behind Eqs. (7)-(8) (paper Section 2.2.3) for every displacement up to ``h_max``.
The centred field ``f = (x - P) * mask`` (Eq. 4 for ``P`` and ``s2_max``) and the mask are
autocorrelated with zero-padded real FFTs, giving the sum of products and the number of pixel pairs
per displacement; maps whose FFT would exceed ``memory_budget`` are processed tile by tile over Dask
chunks with an overlap of ``h_max``, each pair attributed to the tile of its first pixel, so the sums
stay exact.
"""

from __future__ import annotations

import math

import dask.array as da
import numpy as np
from scipy.fft import irfft2, next_fast_len, rfft2

from ..errors import DataError, InputError

__all__ = ["DEFAULT_MEMORY_BUDGET", "fft_memory", "windows", "centred_field"]

#: default working-memory budget of the FFT method (bytes)
DEFAULT_MEMORY_BUDGET = 1 << 30
#: bytes of working memory per pixel of the padded FFT frame (untiled autocorrelation; measured)
_BYTES_PER_PX_AUTO = 24
#: bytes per pixel of a tile frame (cross-correlation of a tile with its overlap; measured)
_BYTES_PER_PX_TILE = 48


def _frame(n: int, h: int) -> int:
    # n + h avoids wrap-around for |lag| <= h; 2h + 1 keeps the window columns distinct
    return next_fast_len(max(n + h, 2 * h + 1), real=True)


def fft_memory(shape, h_max: int) -> int:
    """Estimated working memory (bytes) of the untiled exact FFT method for a map of ``shape``."""
    H, W = shape
    return _BYTES_PER_PX_AUTO * _frame(H, h_max) * _frame(W, h_max)


def _window(c: np.ndarray, h: int) -> np.ndarray:
    """Lags (dy, dx), 0 <= dy <= h, -h <= dx <= h, of a circular correlation, as [dy, dx + h]."""
    return np.concatenate([c[: h + 1, c.shape[1] - h :], c[: h + 1, : h + 1]], axis=1)


def _auto_window(f: np.ndarray, h: int) -> np.ndarray:
    """Window of the linear autocorrelation ``sum_i f_i f_{i+d}`` via a zero-padded real FFT."""
    s = (_frame(f.shape[0], h), _frame(f.shape[1], h))
    F = rfft2(f, s=s)
    power = np.abs(F)
    power *= power
    F[...] = power  # |F|^2 in place (imaginary part 0)
    del power
    c = irfft2(F, s=s, overwrite_x=True)
    del F
    return _window(c, h)


def _tile_windows(f: np.ndarray, m: np.ndarray, r0: int, r1: int, c0: int, c1: int, h: int):
    """Windows of one tile: the ordered pairs (i, i + d) with i in the tile core ``[r0:r1, c0:c1]``.

    The core is cross-correlated with the core extended by ``h`` on every side (clipped to the map,
    zeros beyond), ``c[d] = sum_{i in core} f_i f_{i+d}``, for ``|dy|, |dx| <= h``. Both transforms use
    views of the map (scipy pads internally). With the core and the extension both placed at the
    origin of a frame of length ``L >= core + 2h``, lag ``d`` sits at ``(d + h - t) mod L`` where ``t``
    is the number of rows (columns) the extension lost to the map edge at its start: indices that
    wrap around land in the frame's zero padding, so no pair is lost or counted twice.
    """
    if not m[r0:r1, c0:c1].any():
        z = np.zeros((h + 1, 2 * h + 1))
        return z, z.copy()
    H, W = f.shape
    e0, e1, g0, g1 = max(r0 - h, 0), min(r1 + h, H), max(c0 - h, 0), min(c1 + h, W)
    ty, tx = e0 - (r0 - h), g0 - (c0 - h)
    s = (_frame(r1 - r0 + h, h), _frame(c1 - c0 + h, h))
    rows = (np.arange(0, h + 1) + h - ty) % s[0]
    cols = (np.arange(-h, h + 1) + h - tx) % s[1]
    out = []
    for arr in (f, m):
        A = rfft2(arr[r0:r1, c0:c1], s=s)
        B = rfft2(arr[e0:e1, g0:g1], s=s)
        np.conjugate(A, out=A)
        A *= B
        del B
        c = irfft2(A, s=s, overwrite_x=True)
        del A
        out.append(c[np.ix_(rows, cols)])
        del c
    return out[0], np.rint(out[1])


def _tile_size(h: int, budget: int) -> int:
    side = int(math.isqrt(max(int(budget // _BYTES_PER_PX_TILE), 0)))
    return side - 2 * h


def windows(f: np.ndarray, m: np.ndarray, h: int, memory_budget: int):
    """Exact windows of the field and mask autocorrelations; tiles when over ``memory_budget``."""
    if fft_memory(f.shape, h) <= memory_budget:
        wf = _auto_window(f, h)
        wm = _auto_window(m, h)
        return wf, np.rint(wm).astype(np.int64), 1
    c = _tile_size(h, memory_budget)
    if c < max(h, 1):
        need = _BYTES_PER_PX_TILE * (3 * h if h > 0 else 3) ** 2
        raise InputError(
            f"memory_budget={memory_budget} bytes is too small for h_max={h}: a tile with its overlap "
            f"of h_max needs at least {need} bytes; raise memory_budget or lower h_max"
        )
    # the tiles are the chunks of a Dask array over the map; each block task reads its core and an
    # overlap of h_max around it and returns the two windows, which Dask sums
    grid = da.from_array(m, chunks=(c, c), name=False)

    def block(blk, block_info=None):
        (r0, r1), (c0, c1) = block_info[0]["array-location"]
        wf, wm = _tile_windows(f, m, r0, r1, c0, c1, h)
        return np.stack([wf, wm])[None, None]

    parts = grid.map_blocks(
        block, new_axis=[2, 3, 4], chunks=(1, 1, 2, h + 1, 2 * h + 1), dtype=np.float64, meta=np.empty((0, 0, 0, 0, 0))
    )
    # tiles run one after the other so that the working memory stays within the budget
    total = parts.sum(axis=(0, 1)).compute(scheduler="synchronous")
    n_tiles = len(grid.chunks[0]) * len(grid.chunks[1])
    return total[0], np.rint(total[1]).astype(np.int64), n_tiles


def centred_field(A, B):
    """Centred concentration field ``f = (x - P) * mask``, mask, P, s2_max (Eq. 4) and n_foreground.

    Same definitions as :func:`mixmap.maps.pixel_concentration` and :func:`mixmap.maps.s2_max`
    (``x = A / (A + B)``, 1 / 0 / 0.5 for bool maps; ``s2_max`` = foreground mean of ``(x - P)^2``),
    computed with one float64 map of working memory so that large maps stay within budget.
    """
    if A.dtype == bool and B.dtype == bool:
        fg = A | B
        sa, sb = float(np.count_nonzero(A)), float(np.count_nonzero(B))
    else:
        fg = (A > 0) | (B > 0)
        sa, sb = float(A.sum(dtype=np.float64)), float(B.sum(dtype=np.float64))
    n_fg = int(np.count_nonzero(fg))
    if n_fg == 0:
        raise DataError("a and b have no foreground pixel (both are zero everywhere); check the segmentation threshold")
    if sa == 0 or sb == 0:
        missing = "a" if sa == 0 else "b"
        raise DataError(
            f"{missing} is empty: only one element is present (P = {1.0 if sb == 0 else 0.0}), so the "
            f"unmixed variance s2_max and R(h) are undefined; analyse aggregates that contain both elements"
        )
    P = sa / (sa + sb)
    if A.dtype == bool and B.dtype == bool:
        f = A.astype(np.float64)  # x = (A - B + 1) / 2 on the foreground: 1, 0 or 0.5
        f -= B
        f *= 0.5
        f += 0.5 - P
    else:
        f = A.astype(np.float64)
        tot = f + B
        np.divide(f, tot, out=f, where=fg)
        del tot
        f -= P
    f[~fg] = 0.0
    flat = f.ravel()
    s2max = float(np.dot(flat, flat)) / n_fg
    return f, fg, P, s2max, n_fg
