"""Scale of segregation: the correlation coefficient function R(h) (paper Sections 2.2.3 and 3.4).

Danckwerts' second measure of mixing quality as Buchheiser et al. compute it, but exact over all
pixel pairs instead of sampled:

- pixel concentrations ``x`` (1, 0, 0.5 for bool maps; ``A / (A + B)`` for intensity maps), the
  aggregate concentration ``P`` and the variance of the unmixed state ``s2_max`` (Eq. 4) come from
  :mod:`mixmap.maps`;
- the ``n_h`` unordered pairs of foreground pixels at distance ``h`` are those whose Euclidean
  distance rounds to ``h`` (``h - 0.5 <= d < h + 0.5``); at ``h = 0`` each pixel pairs with itself;
- ``C(h) = sum (x_i - P)(x_j - P) / (n_h - 1)`` (Eq. 7) and ``R(h) = C(h) / s2_max`` (Eq. 8),
  defined where ``n_h > 1``; hence ``R(0) = n_0 / (n_0 - 1)`` literally;
- curves are smoothed with a Gaussian kernel (Section 2.2.3), averaged pointwise (Eq. 9) and fitted
  with low-parametric models such as Eq. (14) (Section 3.4, Table 1).

The exact sums come from zero-padded FFTs of the centred field ``(x - P) * mask`` and of the mask:
their autocorrelations are the sum of products and the number of pixel pairs for every displacement;
a Numba kernel (:mod:`mixmap.kernels.radial`) bins them by distance, weighted by pair counts. Maps
whose FFT would not fit ``memory_budget`` are processed tile by tile over Dask chunks with an overlap
of ``h_max``; every pair is attributed to the tile of its first pixel, so the sums are exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from collections.abc import Callable

import numpy as np

from ._random import generator, kernel_keys
from .errors import DataError, InputError
from ._validate import check_number
from ._validate import check_map_pair

__all__ = [
    "CorrelationResult",
    "SmoothedCorrelation",
    "MeanCorrelation",
    "CorrelationFit",
    "CorrelationModel",
    "ScaleOfSegregation",
    "correlation",
    "smooth_correlation",
    "mean_correlation",
    "fit_correlation",
    "register_correlation_model",
    "correlation_models",
    "scale_of_segregation",
    "fft_memory",
]

#: default working-memory budget of the FFT method (bytes)
DEFAULT_MEMORY_BUDGET = 1 << 30
#: bytes of working memory per pixel of the padded FFT frame (untiled autocorrelation; measured)
_BYTES_PER_PX_AUTO = 24
#: bytes per pixel of a tile frame (cross-correlation of a tile with its overlap; measured)
_BYTES_PER_PX_TILE = 48
#: default tolerance of ``direction=`` (degrees)
DEFAULT_DIRECTION_TOLERANCE = 22.5


def _kernels():
    from .kernels import pairs, radial

    return radial, pairs


# --------------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CorrelationResult:
    """Correlation coefficient function of one map pair (Eqs. 7-8).

    Attributes
    ----------
    h : ndarray of int64
        Distances 0 ... h_max in pixels.
    h_nm : ndarray of float or None
        ``h * pixel_size`` when the pixel size (nm) is known.
    C : ndarray
        Empirical covariance, Eq. (7); NaN where ``n_pairs <= 1``.
    R : ndarray
        Correlation coefficient ``C / s2_max``, Eq. (8); NaN where ``n_pairs <= 1``.
    n_pairs : ndarray of int64
        ``n_h``: unordered pixel pairs per distance (all pairs for ``method="fft"``, the pairs kept
        by the sampler for ``method="pairs"``).
    sum_products : ndarray
        ``sum (x_i - P)(x_j - P)`` over those pairs (lets several maps be pooled exactly).
    P, s2_max : float
        Aggregate concentration and unmixed variance (Eq. 4).
    n_foreground : int
    h_max : int
    method : str
        ``"fft"`` (exact) or ``"pairs"`` (sampled).
    pixel_size : float or None
        nm per pixel.
    direction : tuple (angle, tolerance) in degrees, or None
    tiles : int
        Number of FFT tiles used (1 = whole map at once; 0 for ``method="pairs"``).
    """

    h: np.ndarray
    h_nm: np.ndarray | None
    C: np.ndarray
    R: np.ndarray
    n_pairs: np.ndarray
    sum_products: np.ndarray
    P: float
    s2_max: float
    n_foreground: int
    h_max: int
    method: str
    pixel_size: float | None = None
    direction: tuple | None = None
    tiles: int = 1

    def to_frame(self):
        """Table with columns ``h, [h_nm], C, R, n_pairs``."""
        import pandas as pd

        cols = {"h": self.h}
        if self.h_nm is not None:
            cols["h_nm"] = self.h_nm
        cols.update(C=self.C, R=self.R, n_pairs=self.n_pairs)
        return pd.DataFrame(cols)

    def to_dict(self, arrays: bool = True) -> dict:
        """Scalars (and, with ``arrays=True``, the curves as lists)."""
        d = {
            "P": self.P,
            "s2_max": self.s2_max,
            "n_foreground": self.n_foreground,
            "h_max": self.h_max,
            "method": self.method,
            "pixel_size": self.pixel_size,
            "direction": None if self.direction is None else list(self.direction),
            "tiles": self.tiles,
        }
        if arrays:
            d.update(
                h=self.h.tolist(),
                h_nm=None if self.h_nm is None else self.h_nm.tolist(),
                C=self.C.tolist(),
                R=self.R.tolist(),
                n_pairs=self.n_pairs.tolist(),
            )
        return d


@dataclass(frozen=True, eq=False)
class SmoothedCorrelation:
    """A correlation coefficient function smoothed with a Gaussian kernel (Section 2.2.3).

    Callable: ``smoothed(h)`` evaluates the Nadaraya-Watson estimate
    ``sum_k w_k(h) R(h_k) / sum_k w_k(h)`` with ``w_k(h) = exp(-(h - h_k)^2 / (2 sigma^2))`` at any
    real ``h`` in ``[0, h_end]`` (pixels, or nm with ``unit="nm"``); NaN outside.

    Attributes
    ----------
    h : ndarray
        Integer knots (pixels) with a defined R.
    R_raw : ndarray
        R at the knots before smoothing.
    R : ndarray
        Smoothed R at the knots.
    sigma : float
        Kernel width in pixels.
    pixel_size : float or None
        nm per pixel.
    h_end : float
        Last knot (pixels): the end of the support.
    """

    h: np.ndarray
    R_raw: np.ndarray
    R: np.ndarray
    sigma: float
    pixel_size: float | None
    h_end: float

    @property
    def h_nm(self):
        return None if self.pixel_size is None else self.h * self.pixel_size

    def __call__(self, h, unit: str = "px"):
        try:
            t = np.asarray(h, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"h must be a distance or an array of distances ({unit}), got {h!r}") from None
        if unit == "nm":
            if self.pixel_size is None:
                raise InputError("unit='nm' needs a pixel size; pass pixel_size= to correlation()")
            t = t / self.pixel_size
        elif unit != "px":
            raise InputError(f"unit must be 'px' or 'nm', got {unit!r}")
        flat = np.atleast_1d(t).ravel()
        out = np.full(flat.shape, np.nan)
        ok = (flat >= 0) & (flat <= self.h_end + 1e-9)
        for lo in range(0, int(ok.sum()), 4096):  # bounded memory for long grids
            idx = np.flatnonzero(ok)[lo : lo + 4096]
            z = (flat[idx, None] - self.h[None, :]) / self.sigma
            w = np.exp(-0.5 * z * z)
            out[idx] = (w @ self.R_raw) / w.sum(axis=1)
        return out.reshape(t.shape) if t.ndim else float(out[0])

    def to_frame(self):
        import pandas as pd

        cols = {"h": self.h}
        if self.pixel_size is not None:
            cols["h_nm"] = self.h_nm
        cols.update(R_raw=self.R_raw, R=self.R)
        return pd.DataFrame(cols)

    def to_dict(self) -> dict:
        return {
            "sigma": self.sigma,
            "pixel_size": self.pixel_size,
            "h_end": self.h_end,
            "h": self.h.tolist(),
            "R": self.R.tolist(),
        }


@dataclass(frozen=True, eq=False)
class MeanCorrelation:
    """Pointwise mean correlation coefficient function R-bar(h), Eq. (9).

    Attributes
    ----------
    h : ndarray
        Common grid, in ``unit``.
    unit : str
        ``"nm"`` when every input knows its pixel size, else ``"px"``.
    R : ndarray
        Mean of the curves defined at each h (Eq. 9 where ``n == n_results``).
    std : ndarray
        Standard deviation across curves (ddof=1; NaN where ``n < 2``).
    n : ndarray of int
        Number of curves defined at each h.
    n_results : int
    curves : ndarray (n_results, len(h))
        Each curve evaluated on the grid (NaN outside its support).
    """

    h: np.ndarray
    unit: str
    R: np.ndarray
    std: np.ndarray
    n: np.ndarray
    n_results: int
    curves: np.ndarray = field(repr=False)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame({f"h_{self.unit}": self.h, "R": self.R, "std": self.std, "n": self.n})

    def to_dict(self) -> dict:
        return {
            "unit": self.unit,
            "n_results": self.n_results,
            "h": self.h.tolist(),
            "R": self.R.tolist(),
            "std": self.std.tolist(),
            "n": self.n.tolist(),
        }


@dataclass(frozen=True)
class ScaleOfSegregation:
    """Danckwerts' integral scale and the 1/e correlation length of R(h).

    ``integral_scale`` is the integral of R from 0 to the first zero crossing (trapezoid rule with
    a linearly interpolated crossing). When R stays positive over the whole range, the integral runs
    to the end and ``truncated`` is True (a lower bound). Lengths not reached are NaN; lengths in a
    unit that is unknown (no pixel size; a mean over maps of different pixel sizes) are None.
    """

    integral_scale_px: float | None
    integral_scale_nm: float | None
    correlation_length_px: float | None
    correlation_length_nm: float | None
    zero_crossing_px: float | None
    zero_crossing_nm: float | None
    truncated: bool

    @property
    def integral_scale(self) -> float:
        """``integral_scale_px`` (pixels), NaN when the pixel unit is unknown."""
        return float("nan") if self.integral_scale_px is None else self.integral_scale_px

    @property
    def correlation_length(self) -> float:
        """``correlation_length_px`` (pixels), NaN when the pixel unit is unknown."""
        return float("nan") if self.correlation_length_px is None else self.correlation_length_px

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# --------------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------------
def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_direction(direction):
    if direction is None:
        return None
    if isinstance(direction, (tuple, list)):
        if len(direction) != 2:
            raise InputError(f"direction must be an angle in degrees or a pair (angle, tolerance), got {direction!r}")
        angle, tol = direction
    else:
        angle, tol = direction, DEFAULT_DIRECTION_TOLERANCE
    try:
        angle, tol = float(angle), float(tol)
    except (TypeError, ValueError):
        raise InputError(f"direction must hold numbers (degrees), got {direction!r}") from None
    if not (math.isfinite(angle) and math.isfinite(tol)):
        raise InputError(f"direction must be finite, got {direction!r}")
    if not 0 <= tol <= 90:
        raise InputError(f"direction tolerance must be between 0 and 90 degrees (90 = all directions), got {tol}")
    return (angle % 180.0, tol)


def _default_h_max(fg: np.ndarray) -> int:
    rows = np.flatnonzero(fg.any(axis=1))
    cols = np.flatnonzero(fg.any(axis=0))
    extent = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)
    return max(1, int(extent) // 2)


# --------------------------------------------------------------------------------------------------
# exact sums: FFT windows
# --------------------------------------------------------------------------------------------------
def _frame(n: int, h: int) -> int:
    from scipy.fft import next_fast_len

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
    from scipy.fft import irfft2, rfft2

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
    from scipy.fft import irfft2, rfft2

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


def _windows(f: np.ndarray, m: np.ndarray, h: int, memory_budget: int):
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
    import dask.array as da

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


def _centred_field(A, B):
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


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------
def correlation(
    a,
    b,
    *,
    h_max=None,
    method="fft",
    pixel_size=None,
    direction=None,
    n_pairs=None,
    seed=None,
    memory_budget=None,
    max_attempts=None,
) -> CorrelationResult:
    """Correlation coefficient function R(h) of one map pair (Eqs. 7-8, Section 2.2.3).

    For every distance ``h = 0 ... h_max`` (pixels) the ``n_h`` unordered pairs of foreground pixels
    whose Euclidean distance rounds to ``h`` (``h - 0.5 <= d < h + 0.5``; at ``h = 0`` each pixel
    pairs with itself) give the empirical covariance of the pixel concentrations

        C(h) = sum (x_i - P)(x_j - P) / (n_h - 1)      (Eq. 7)

    and R(h) = C(h) / s2_max (Eq. 8), with P the aggregate concentration and s2_max the variance of
    the unmixed state (Eq. 4; for intensity maps the foreground mean of (x - P)^2). Thus
    R(0) = n_0 / (n_0 - 1). R is unchanged when A and B are swapped (bilinearity of C, Section 2.2.3).

    Parameters
    ----------
    a, b : array_like
        2-D element maps of equal shape, bool or non-negative numbers (see :func:`mixmap.read_maps`).
    h_max : int, optional
        Largest distance (pixels). Default: half the aggregate's largest extent, i.e.
        ``max(bounding-box height, width) // 2`` of the foreground.
    method : {"fft", "pairs"}
        ``"fft"`` (default): exact over all pairs, from zero-padded FFTs of the masked centred field
        and of the mask, binned by a Numba kernel. ``"pairs"``: the paper's sampled estimator -
        ``n_pairs`` random pairs per distance (random foreground pixel, random direction), where
        ``n_h`` in Eq. (7) is the number of sampled pairs.
    pixel_size : float, optional
        nm per pixel; adds ``h_nm`` to the result.
    direction : float or (float, float), optional
        Keep only pairs whose axis lies within a tolerance of this angle (degrees, counter-clockwise
        from the +x axis of the displayed image, rows growing downwards; tolerance default 22.5)
        for anisotropic structures. ``h = 0`` (self pairs) is unaffected.
    n_pairs : int, optional
        Pairs per distance for ``method="pairs"`` (default 10000).
    seed : int, Generator or None
        Randomness of ``method="pairs"``.
    memory_budget : int, optional
        Working-memory budget (bytes) of the FFT method, default 1 GiB. When the padded FFT of the
        whole map would exceed it (:func:`fft_memory`), R(h) is computed tile by tile over Dask chunks
        with an overlap of ``h_max``; per-tile sums of products and pair counts are added exactly
        (each pair is counted in the tile of its first pixel).
    max_attempts : int, optional
        Draws per distance for ``method="pairs"`` before giving up (default ``100 * n_pairs``).

    Returns
    -------
    CorrelationResult

    Raises
    ------
    InputError
        Bad maps or arguments. DataError: empty foreground, one element absent, or ``s2_max = 0``.

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> a = np.zeros((40, 40), bool); a[:, :20] = True
    >>> r = mixmap.correlation(a, ~a, h_max=10, pixel_size=2.0)
    >>> round(float(r.R[1]), 3), int(r.n_pairs[0])
    (0.962, 1600)
    """
    A, B = check_map_pair(a, b)
    if method not in ("fft", "pairs"):
        raise InputError(f"method must be 'fft' (exact) or 'pairs' (sampled), got {method!r}")
    pixel_size = check_number("pixel_size", pixel_size, optional=True, unit="nm per pixel")
    if h_max is not None:
        h_max = _check_int(h_max, "h_max", 1)
    dirn = _check_direction(direction)
    if method == "fft":
        if n_pairs is not None or max_attempts is not None:
            raise InputError("n_pairs and max_attempts apply to method='pairs' only; drop them or pass method='pairs'")
        budget = DEFAULT_MEMORY_BUDGET if memory_budget is None else _check_int(memory_budget, "memory_budget", 1)
    else:
        if memory_budget is not None:
            raise InputError("memory_budget applies to method='fft' only")
        n_pairs = 10000 if n_pairs is None else _check_int(n_pairs, "n_pairs", 2)
        max_attempts = 100 * n_pairs if max_attempts is None else _check_int(max_attempts, "max_attempts", n_pairs)

    f, fg, P, s2max, n_fg = _centred_field(A, B)
    del A, B
    if not s2max > 0:
        raise DataError(
            "s2_max = 0: every foreground pixel has the concentration P (e.g. identical maps), so R(h) "
            "= C(h)/s2_max (Eq. 8) is undefined"
        )
    if h_max is None:
        h_max = _default_h_max(fg)
    radial, pairs = _kernels()
    use_dir = dirn is not None
    theta, tol = dirn if use_dir else (0.0, 90.0)
    # no pair lies beyond the map diagonal: compute up to that bin, the rest is empty (n_h = 0)
    H, W = f.shape
    h_eff = min(h_max, int(math.floor(math.hypot(H - 1, W - 1) + 0.5)))
    if method == "fft":
        wf, wm, tiles = _windows(f, fg, h_eff, budget)
        S, N = radial.radial_pair_sums(wf, wm, h_eff, use_dir, theta, tol)
    else:
        keys = kernel_keys(generator(seed), h_max + 1)[: h_eff + 1]
        rdy, rdx, rstart = pairs.ring_offsets(h_eff, use_dir, theta, tol)
        fg_index = np.flatnonzero(fg).astype(np.int64)
        S, N = pairs.random_pair_sums(
            f.ravel(), fg.ravel(), f.shape[1], fg_index, rdy, rdx, rstart, n_pairs, max_attempts, keys
        )
        tiles = 0
    if h_eff < h_max:
        S = np.concatenate([S, np.zeros(h_max - h_eff)])
        N = np.concatenate([N, np.zeros(h_max - h_eff, dtype=np.int64)])
    with np.errstate(invalid="ignore", divide="ignore"):
        C = np.where(N > 1, S / (N - 1), np.nan)
    R = C / s2max
    h = np.arange(h_max + 1, dtype=np.int64)
    return CorrelationResult(
        h=h,
        h_nm=None if pixel_size is None else h * pixel_size,
        C=C,
        R=R,
        n_pairs=N.astype(np.int64),
        sum_products=S,
        P=P,
        s2_max=s2max,
        n_foreground=n_fg,
        h_max=h_max,
        method=method,
        pixel_size=pixel_size,
        direction=dirn,
        tiles=tiles,
    )


def _check_result(result, name="result"):
    if not isinstance(result, CorrelationResult):
        raise InputError(f"{name} must be a CorrelationResult from mixmap.correlation(), got {type(result).__name__}")


def smooth_correlation(result, sigma, *, unit="px") -> SmoothedCorrelation:
    """Smooth R(h) with a Gaussian kernel, giving R on the continuous interval [0, h_max].

    Section 2.2.3: the values R(0), ..., R(h_max) fluctuate, so they are smoothed with a Gaussian
    kernel, which also interpolates R at non-integer h. The estimate is the Nadaraya-Watson kernel
    average ``R_s(h) = sum_k w_k R(h_k) / sum_k w_k`` with ``w_k = exp(-(h - h_k)^2 / (2 sigma^2))``
    over the distances where R is defined (``n_h > 1``).

    Parameters
    ----------
    result : CorrelationResult
    sigma : float
        Kernel standard deviation, > 0, in ``unit``.
    unit : {"px", "nm"}
        Unit of ``sigma``; ``"nm"`` needs the pixel size of ``result``.

    Returns
    -------
    SmoothedCorrelation
        Callable at any h; ``.R`` holds the smoothed values at the integer knots.
    """
    _check_result(result)
    s = check_number("sigma", sigma, unit=f"kernel width in {unit}")
    if unit == "nm":
        if result.pixel_size is None:
            raise InputError("sigma in nm needs the pixel size: pass pixel_size= to correlation() or use unit='px'")
        s = s / result.pixel_size
    elif unit != "px":
        raise InputError(f"unit must be 'px' or 'nm', got {unit!r}")
    ok = np.isfinite(result.R)
    if ok.sum() < 1:
        raise DataError("R(h) is undefined at every distance (n_h <= 1); nothing to smooth")
    h = result.h[ok].astype(np.float64)
    raw = result.R[ok]
    sm = SmoothedCorrelation(h=h, R_raw=raw, R=raw, sigma=s, pixel_size=result.pixel_size, h_end=float(h[-1]))
    object.__setattr__(sm, "R", sm(h))
    return sm


def _curve_eval(item, grid, unit):
    """Evaluate a result on ``grid`` (in ``unit``): smoothed curves by their kernel, raw ones linearly."""
    if isinstance(item, SmoothedCorrelation):
        return item(grid, unit=unit)
    ok = np.isfinite(item.R)
    hk = item.h[ok].astype(np.float64)
    t = grid / item.pixel_size if unit == "nm" else grid
    out = np.interp(t, hk, item.R[ok])
    out[(t < hk[0]) | (t > hk[-1] + 1e-9)] = np.nan
    return out


def _support(item):
    if isinstance(item, SmoothedCorrelation):
        return item.h_end
    ok = np.flatnonzero(np.isfinite(item.R))
    return float(item.h[ok[-1]]) if ok.size else -1.0


def _as_curve(item, i):
    """A result object, or a table / mapping with columns ``h`` (px), ``R`` and optional ``h_nm``."""
    if isinstance(item, (CorrelationResult, SmoothedCorrelation)):
        return item
    try:
        h = np.asarray(item["h"], dtype=np.float64)
        R = np.asarray(item["R"], dtype=np.float64)
    except (TypeError, KeyError, IndexError, ValueError):
        raise InputError(
            f"results[{i}] must be a CorrelationResult, a SmoothedCorrelation or a table with columns "
            f"h, R (and h_nm), got {type(item).__name__}"
        ) from None
    if h.ndim != 1 or h.shape != R.shape or h.size == 0 or not np.all(np.isfinite(h)):
        raise InputError(f"results[{i}]: h and R must be 1-D of equal length with finite h")
    pixel_size = None
    try:
        h_nm = np.asarray(item["h_nm"], dtype=np.float64)
    except (TypeError, KeyError, IndexError, ValueError):
        h_nm = None
    if h_nm is not None and h_nm.shape == h.shape:
        ok = np.isfinite(h_nm) & (h > 0)
        if ok.any():
            ratio = h_nm[ok] / h[ok]
            if not np.allclose(ratio, ratio[0], rtol=1e-9):
                raise InputError(f"results[{i}]: h_nm / h is not constant (one pixel size per curve)")
            pixel_size = float(ratio[0])
    order = np.argsort(h, kind="stable")
    h, R = h[order], R[order]
    nan = np.full(h.shape, np.nan)
    return CorrelationResult(
        h=h,
        h_nm=None if pixel_size is None else h * pixel_size,
        C=nan,
        R=R,
        n_pairs=np.zeros(h.shape, np.int64),
        sum_products=nan,
        P=float("nan"),
        s2_max=float("nan"),
        n_foreground=0,
        h_max=int(h[-1]),
        method="table",
        pixel_size=pixel_size,
    )


def mean_correlation(results, h=None) -> MeanCorrelation:
    """Pointwise mean correlation coefficient function R-bar(h) over several maps (Eq. 9).

    ``R-bar(h) = (1 / n_HetAgg) sum_i R_i(h)``. Each curve is evaluated on a common grid:
    smoothed curves (:func:`smooth_correlation`) by their Gaussian kernel, raw ones by linear
    interpolation between integer distances. When every result knows its pixel size the grid is
    physical (nm), so maps of different pixel sizes average correctly.

    Parameters
    ----------
    results : sequence of CorrelationResult, SmoothedCorrelation or tables
        A table is a DataFrame / mapping with columns ``h`` (pixels), ``R`` and optionally ``h_nm``
        (e.g. one aggregate's rows of the curves stored by :func:`mixmap.analyze`).
    h : array_like, optional
        Grid in nm (or pixels when no pixel size is known). Default: from 0 in steps of the smallest
        pixel size (1 px) up to the smallest support among the curves, so that every curve is defined
        and the mean is exactly Eq. (9). On a user grid reaching beyond some curve's support the mean
        runs over the curves defined there; ``n`` says how many.

    Returns
    -------
    MeanCorrelation
    """
    try:
        items = list(results)
    except TypeError:
        raise InputError("results must be a list of CorrelationResult / SmoothedCorrelation objects") from None
    if not items:
        raise InputError("results is empty; pass at least one correlation result")
    items = [_as_curve(it, i) for i, it in enumerate(items)]
    sizes = [it.pixel_size for it in items]
    known = [s is not None for s in sizes]
    if any(known) and not all(known):
        raise InputError(
            "some results have a pixel size and others not; pass pixel_size= to every correlation() "
            "call so that the curves can be averaged on a common nm grid"
        )
    unit = "nm" if all(known) else "px"
    supports = np.array([_support(it) for it in items])
    if np.any(supports < 0):
        raise DataError("a result has no defined R(h) (n_h <= 1 everywhere)")
    if unit == "nm":
        supports = supports * np.array(sizes)
    if h is None:
        step = min(sizes) if unit == "nm" else 1.0
        end = float(supports.min())
        n = int(math.floor(end / step + 1e-9))
        grid = np.arange(n + 1) * step
    else:
        try:
            grid = np.asarray(h, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise InputError(f"h must be an array of distances >= 0 ({unit}), got {h!r}") from None
        if grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
            raise InputError(f"h must be a non-empty array of finite distances >= 0 ({unit}), got {h!r}")
    curves = np.vstack([_curve_eval(it, grid, unit) for it in items])
    cnt = np.sum(np.isfinite(curves), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tot = np.nansum(curves, axis=0)
        mean = np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)
        dev = np.where(np.isfinite(curves), curves - mean, 0.0)
        std = np.where(cnt > 1, np.sqrt(np.sum(dev * dev, axis=0) / np.maximum(cnt - 1, 1)), np.nan)
    return MeanCorrelation(
        h=grid, unit=unit, R=mean, std=std, n=cnt.astype(np.int64), n_results=len(items), curves=curves
    )


# --------------------------------------------------------------------------------------------------
# parametric models and fits (Eq. 14, Table 1)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorrelationModel:
    """A parametric correlation coefficient function ``func(h, *params)`` with box bounds.

    ``starts`` is a callable ``(h, R) -> list of start vectors`` for the multi-start fit.
    """

    name: str
    func: Callable
    params: tuple
    lower: tuple
    upper: tuple
    starts: Callable
    description: str = ""


def _sinc(u):
    """sinc(u) = sin(u)/u with sinc(0) = 1 (the unnormalised sinc of Eq. 14)."""
    return np.sinc(np.asarray(u, dtype=np.float64) / np.pi)


def _model_sinc_exp(h, s1, s2, nu, lam):
    h = np.asarray(h, dtype=np.float64)
    return lam * _sinc(h / s1) + (1.0 - lam) * np.exp(-np.power(h / s2, nu))


def _model_exp(h, s):
    return np.exp(-np.asarray(h, dtype=np.float64) / s)


def _model_stretched(h, s, nu):
    return np.exp(-np.power(np.asarray(h, dtype=np.float64) / s, nu))


def _model_gauss(h, s):
    h = np.asarray(h, dtype=np.float64)
    return np.exp(-((h / s) ** 2))


def _scale_guesses(h, R):
    """A few plausible length scales: the 1/e crossing of the data and a geometric ladder over h."""
    hp = h[h > 0]
    hi = float(hp.max()) if hp.size else 1.0
    lo = float(hp.min()) if hp.size else 1.0
    below = np.flatnonzero(R < 1 / math.e)
    e_len = float(h[below[0]]) if below.size and h[below[0]] > 0 else 0.3 * hi
    ladder = np.geomspace(max(lo, hi / 100), hi, 4)
    return [e_len, *ladder.tolist()]


def _starts_sinc_exp(h, R):
    sc = _scale_guesses(h, R)
    out = []
    for s2 in sc[:3]:
        for s1 in (sc[0], sc[2]):
            for nu in (0.7, 1.2, 1.8):
                for lam in (0.1, 0.5):
                    out.append([s1, s2, nu, lam])
    return out


def _starts_one_scale(h, R):
    return [[s] for s in _scale_guesses(h, R)]


def _starts_stretched(h, R):
    return [[s, nu] for s in _scale_guesses(h, R) for nu in (0.6, 1.0, 1.6)]


_TINY = 1e-9
_MODELS: dict[str, CorrelationModel] = {
    "sinc-exp": CorrelationModel(
        "sinc-exp",
        _model_sinc_exp,
        ("s1", "s2", "nu", "lam"),
        (_TINY, _TINY, 1e-6, 0.0),
        (np.inf, np.inf, 2.0, 1.0),
        _starts_sinc_exp,
        "Eq. (14): lam*sinc(h/s1) + (1-lam)*exp(-(h/s2)^nu), sinc(u)=sin(u)/u",
    ),
    "exp": CorrelationModel("exp", _model_exp, ("s",), (_TINY,), (np.inf,), _starts_one_scale, "exp(-h/s)"),
    "stretched-exp": CorrelationModel(
        "stretched-exp",
        _model_stretched,
        ("s", "nu"),
        (_TINY, 1e-6),
        (np.inf, 2.0),
        _starts_stretched,
        "exp(-(h/s)^nu), 0 < nu <= 2",
    ),
    "gauss": CorrelationModel("gauss", _model_gauss, ("s",), (_TINY,), (np.inf,), _starts_one_scale, "exp(-(h/s)^2)"),
}


def correlation_models() -> dict:
    """The registered models: name -> :class:`CorrelationModel`."""
    return dict(_MODELS)


def register_correlation_model(
    name, func, params, bounds, *, starts=None, description="", overwrite=False
) -> CorrelationModel:
    """Add a parametric correlation model usable as ``fit_correlation(..., model=name)``.

    Section 3.4 notes that many parametric families of correlation functions exist; Eq. (14) is the
    built-in ``"sinc-exp"``, with ``"exp"``, ``"stretched-exp"`` and ``"gauss"``.

    Parameters
    ----------
    name : str
    func : callable
        ``func(h, *params) -> R`` vectorised over the array ``h``.
    params : sequence of str
        Parameter names, in the order ``func`` takes them.
    bounds : (lower, upper)
        Sequences of length ``len(params)`` (use ``numpy.inf`` for no bound), lower < upper.
    starts : sequence of start vectors or callable ``(h, R) -> sequence``, optional
        Starting values for the multi-start fit. Default: for each parameter with finite bounds
        the points at 1/4 and 3/4 of its range; for a parameter unbounded above (a length scale),
        the 1/e crossing of the data and a geometric ladder over h; all combinations (at most 64).
    description : str
    overwrite : bool
        Replace an existing model of that name (built-ins included).

    Returns
    -------
    CorrelationModel
    """
    if not isinstance(name, str) or not name:
        raise InputError(f"name must be a non-empty string, got {name!r}")
    if name in _MODELS and not overwrite:
        raise InputError(f"a correlation model named {name!r} exists; pass overwrite=True to replace it")
    if not callable(func):
        raise InputError(f"func must be callable as func(h, *params), got {type(func).__name__}")
    params = tuple(params) if not isinstance(params, str) else (params,)
    if not params or not all(isinstance(p, str) and p for p in params) or len(set(params)) != len(params):
        raise InputError(f"params must be distinct non-empty parameter names, got {params!r}")
    try:
        lower, upper = bounds
        lower = tuple(float(v) for v in lower)
        upper = tuple(float(v) for v in upper)
    except (TypeError, ValueError):
        raise InputError("bounds must be a pair (lower, upper) of number sequences") from None
    k = len(params)
    if len(lower) != k or len(upper) != k:
        raise InputError(f"bounds must hold {k} lower and {k} upper values (one per parameter)")
    if any(not (lo < hi) or math.isnan(lo) or math.isnan(hi) for lo, hi in zip(lower, upper)):
        raise InputError(f"bounds: every lower bound must be < its upper bound, got {lower} and {upper}")
    if starts is None:
        start_fn = _generic_starts(lower, upper)
    elif callable(starts):
        start_fn = starts
    else:
        fixed = [list(map(float, s)) for s in starts]
        if not fixed or any(len(s) != k for s in fixed):
            raise InputError(f"starts must be a non-empty list of vectors of length {k}")
        start_fn = lambda h, R, _f=fixed: _f  # noqa: E731
    model = CorrelationModel(name, func, params, lower, upper, start_fn, description)
    _MODELS[name] = model
    return model


def _generic_starts(lower, upper):
    import itertools

    def starts(h, R):
        axes = []
        for lo, hi in zip(lower, upper):
            if math.isfinite(lo) and math.isfinite(hi):
                axes.append([lo + 0.25 * (hi - lo), lo + 0.75 * (hi - lo)])
            elif math.isfinite(lo):
                axes.append([max(s, lo + 1e-6) for s in _scale_guesses(h, R)[:3]])
            elif math.isfinite(hi):
                axes.append([hi - 1.0, hi - 10.0])
            else:
                axes.append([0.0, 1.0])
        return [list(c) for c in itertools.islice(itertools.product(*axes), 64)]

    return starts


@dataclass(frozen=True, eq=False)
class CorrelationFit:
    """Least-squares fit of a parametric correlation model (Section 3.4, Table 1).

    Attributes
    ----------
    model_name : str
    params : dict
        Best-fit parameters (lengths in the unit of the fitted h).
    stderr : dict
        Standard errors from the covariance of ``scipy.optimize.curve_fit`` (NaN when undetermined,
        e.g. a parameter at its bound).
    r2 : float
        Coefficient of determination ``1 - SS_res / SS_tot``.
    sse : float
    n_points : int
        Points used (finite R).
    h_unit : str or None
    model : callable
        ``model(h)`` evaluates the fitted curve.
    """

    model_name: str
    params: dict
    stderr: dict
    r2: float
    sse: float
    n_points: int
    h_unit: str | None
    model: Callable = field(repr=False)

    def __call__(self, h):
        return self.model(h)

    def to_dict(self) -> dict:
        d = {"model": self.model_name, "r2": self.r2, "sse": self.sse, "n_points": self.n_points, "h_unit": self.h_unit}
        d.update(self.params)
        d.update({f"{k}_stderr": v for k, v in self.stderr.items()})
        return d


def fit_correlation(h, R=None, model="sinc-exp", *, p0=None, n_starts=None) -> CorrelationFit:
    """Fit a parametric correlation coefficient function by least squares, from several starts.

    The default model is Eq. (14), the convex combination of a scaled sinc and a stretched
    exponential, ``R(h) = lam sinc(h/s1) + (1 - lam) exp(-(h/s2)^nu)`` with ``sinc(u) = sin(u)/u``,
    ``s1, s2 > 0``, ``0 < nu <= 2`` and ``0 <= lam <= 1``, fitted with
    ``scipy.optimize.curve_fit`` as in Section 3.4 (Table 1). The fit is started from a grid of
    starting values (the 1/e crossing of the data and a geometric ladder of length scales, several
    nu and lam) and the best least-squares solution is kept, so it does not depend on one guess.

    Parameters
    ----------
    h : array_like or MeanCorrelation or CorrelationResult or SmoothedCorrelation
        Distances; or a result object, whose grid (nm when known) and R are used (``R`` omitted).
    R : array_like, optional
        Correlation values at ``h``. Non-finite values (n_h <= 1) are left out; ``n_points`` says
        how many points were used.
    model : str
        A registered model name (see :func:`register_correlation_model`):
        ``"sinc-exp"`` (Eq. 14), ``"exp"``, ``"stretched-exp"``, ``"gauss"``.
    p0 : sequence, optional
        An extra starting vector tried in addition to the built-in ones.
    n_starts : int, optional
        Use only the first ``n_starts`` built-in starts.

    Returns
    -------
    CorrelationFit
    """
    from scipy.optimize import curve_fit

    h_unit = None
    if isinstance(h, (MeanCorrelation, CorrelationResult, SmoothedCorrelation)):
        if R is not None:
            raise InputError("pass either a result object or arrays h and R, not both")
        obj = h
        if isinstance(obj, MeanCorrelation):
            h, R, h_unit = obj.h, obj.R, obj.unit
        elif obj.pixel_size is not None:
            h, R, h_unit = obj.h * obj.pixel_size, obj.R, "nm"
        else:
            h, R, h_unit = obj.h, obj.R, "px"
    if R is None:
        raise InputError("R is missing: pass fit_correlation(h, R) or a result object")
    if model not in _MODELS:
        raise InputError(f"unknown model {model!r}; registered models: {sorted(_MODELS)}")
    m = _MODELS[model]
    try:
        h = np.asarray(h, dtype=np.float64).ravel()
        R = np.asarray(R, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise InputError("h and R must be numeric arrays") from None
    if h.shape != R.shape:
        raise InputError(f"h and R must have the same length, got {h.size} and {R.size}")
    if not np.all(np.isfinite(h)) or np.any(h < 0):
        raise InputError("h must hold finite distances >= 0")
    ok = np.isfinite(R)
    h, R = h[ok], R[ok]
    k = len(m.params)
    if h.size < k + 1:
        raise DataError(f"model {model!r} has {k} parameters but only {h.size} finite points to fit")
    if n_starts is not None:
        n_starts = _check_int(n_starts, "n_starts", 1)
    starts = [list(s) for s in m.starts(h, R)]
    if n_starts is not None:
        starts = starts[:n_starts]
    if p0 is not None:
        try:
            p0 = [float(v) for v in p0]
        except (TypeError, ValueError):
            raise InputError(f"p0 must be {k} numbers ({', '.join(m.params)}), got {p0!r}") from None
        if len(p0) != k:
            raise InputError(f"p0 must hold {k} values ({', '.join(m.params)}), got {len(p0)}")
        outside = [
            f"{n}={v:g} not in [{lo:g}, {hi:g}]"
            for n, v, lo, hi in zip(m.params, p0, m.lower, m.upper)
            if not lo <= v <= hi
        ]
        if outside:
            raise InputError(f"p0 must lie within the bounds of model {m.name!r}: {'; '.join(outside)}")
        starts.insert(0, p0)
    lo = np.array(m.lower)
    hi = np.array(m.upper)
    best = None
    import warnings

    for s in starts:
        s = np.clip(np.asarray(s, dtype=np.float64), lo, hi)
        # keep starts strictly inside the box (required by the trust-region solver)
        span = np.where(np.isfinite(hi - lo), hi - lo, np.maximum(np.abs(s), 1.0))
        s = np.minimum(np.maximum(s, lo + 1e-6 * span), hi - 1e-6 * span)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                popt, pcov = curve_fit(m.func, h, R, p0=s, bounds=(lo, hi), method="trf", maxfev=5000)
        except (RuntimeError, ValueError, FloatingPointError):
            continue
        res = R - m.func(h, *popt)
        sse = float(np.dot(res, res))
        if np.isfinite(sse) and (best is None or sse < best[0]):
            best = (sse, popt, pcov)
    if best is None:
        raise DataError(f"the fit of model {model!r} did not converge from any starting value")
    sse, popt, pcov = best
    sst = float(np.sum((R - R.mean()) ** 2))
    r2 = 1.0 - sse / sst if sst > 0 else float("nan")
    err = np.sqrt(np.diag(pcov)) if np.all(np.isfinite(pcov)) else np.full(k, np.nan)
    params = {p: float(v) for p, v in zip(m.params, popt)}
    stderr = {p: float(v) for p, v in zip(m.params, err)}
    fitted = popt.copy()
    return CorrelationFit(
        model_name=model,
        params=params,
        stderr=stderr,
        r2=float(r2),
        sse=sse,
        n_points=int(h.size),
        h_unit=h_unit,
        model=lambda t, _f=m.func, _p=fitted: _f(np.asarray(t, dtype=np.float64), *_p),
    )


# --------------------------------------------------------------------------------------------------
# scale of segregation
# --------------------------------------------------------------------------------------------------
def _first_crossing(h, R, level):
    """First h > h[0] where R falls to ``level`` (<= level), linearly interpolated; NaN if never."""
    idx = np.flatnonzero(R[1:] <= level)
    if idx.size == 0:
        return float("nan"), None
    k = int(idx[0]) + 1
    r0, r1 = R[k - 1], R[k]
    frac = (r0 - level) / (r0 - r1) if r0 != r1 else 0.0
    return float(h[k - 1] + frac * (h[k] - h[k - 1])), k


def scale_of_segregation(result) -> ScaleOfSegregation:
    """Danckwerts' scale of segregation: integral of R(h) up to its first zero, and the 1/e length.

    Danckwerts' linear scale of segregation (Section 2.2.3, ref. [39]) is ``integral_0^h0 R(h) dh``
    with ``h0`` the first zero crossing of R; it is computed by the trapezoid rule with the
    crossing interpolated linearly. The correlation length is the first h where R falls to 1/e.

    Parameters
    ----------
    result : CorrelationResult, SmoothedCorrelation or MeanCorrelation
        Raw R is integrated on its integer grid, skipping undefined values (n_h <= 1); a smoothed
        curve on a 0.1 px grid; a mean curve on its own grid.

    Returns
    -------
    ScaleOfSegregation
        Lengths in pixels and nm (None when that unit is unknown, NaN when not reached).
    """
    if isinstance(result, CorrelationResult):
        h = result.h.astype(np.float64)
        R = result.R
        px = result.pixel_size
        unit = "px"
    elif isinstance(result, SmoothedCorrelation):
        h = np.linspace(0.0, result.h_end, int(round(result.h_end * 10)) + 1)
        R = result(h)
        px = result.pixel_size
        unit = "px"
    elif isinstance(result, MeanCorrelation):
        h = result.h
        R = result.R
        px = None
        unit = result.unit
    else:
        raise InputError(
            f"result must be a CorrelationResult, SmoothedCorrelation or MeanCorrelation, got {type(result).__name__}"
        )
    ok = np.isfinite(R)  # undefined distances (n_h <= 1, e.g. empty bins along a direction) are skipped
    h, R = h[ok], R[ok]
    if h.size < 2:
        raise DataError("R(h) is defined at fewer than two distances; increase h_max")
    h0, k0 = _first_crossing(h, R, 0.0)
    if k0 is None:
        integral = float(np.trapezoid(R, h))
        truncated = True
    else:
        integral = float(np.trapezoid(R[:k0], h[:k0]) + 0.5 * R[k0 - 1] * (h0 - h[k0 - 1]))
        truncated = False
    le, _ = _first_crossing(h, R, 1.0 / math.e)

    def both(v):
        if unit == "nm":
            return None, v
        return v, (None if px is None else v * px)

    i_px, i_nm = both(integral)
    l_px, l_nm = both(le)
    z_px, z_nm = both(h0)
    return ScaleOfSegregation(i_px, i_nm, l_px, l_nm, z_px, z_nm, truncated)
