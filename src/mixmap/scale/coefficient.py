"""The correlation coefficient function R(h) of one map pair (paper Eqs. 7-8, Section 2.2.3).

Concern: :func:`correlation` and its result :class:`CorrelationResult`. Danckwerts' second measure
of mixing quality as Buchheiser et al. compute it, but exact over all pixel pairs instead of sampled:

- pixel concentrations ``x`` (1, 0, 0.5 for bool maps; ``A / (A + B)`` for intensity maps), the
  aggregate concentration ``P`` and the variance of the unmixed state ``s2_max`` (Eq. 4);
- the ``n_h`` unordered pairs of foreground pixels at distance ``h`` are those whose Euclidean
  distance rounds to ``h`` (``h - 0.5 <= d < h + 0.5``); at ``h = 0`` each pixel pairs with itself;
- ``C(h) = sum (x_i - P)(x_j - P) / (n_h - 1)`` (Eq. 7) and ``R(h) = C(h) / s2_max`` (Eq. 8),
  defined where ``n_h > 1``; hence ``R(0) = n_0 / (n_0 - 1)`` literally.

The exact sums come from :mod:`mixmap.scale._fft`; a Numba kernel (:mod:`mixmap.kernels.radial`)
bins them by distance, weighted by pair counts. ``method="pairs"`` is the paper's sampled estimator
(:mod:`mixmap.kernels.pairs`).
"""

from __future__ import annotations

import math

import numpy as np

from .._random import generator, kernel_keys
from .._results import Result, result
from .._validate import check_choice, check_integer, check_map_pair, check_number
from ..errors import DataError, InputError
from ..kernels import pairs as kpairs
from ..kernels import radial as kradial
from ._fft import DEFAULT_MEMORY_BUDGET, centred_field, windows

__all__ = ["CorrelationResult", "correlation", "check_correlation_result", "DEFAULT_DIRECTION_TOLERANCE"]

#: default tolerance of ``direction=`` (degrees)
DEFAULT_DIRECTION_TOLERANCE = 22.5
#: the two estimators of R(h)
METHODS = ("fft", "pairs")


@result
class CorrelationResult(Result):
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

    _summary = ("P", "s2_max", "n_foreground", "h_max", "method", "pixel_size", "direction", "tiles")

    def to_frame(self):
        """Table with columns ``h, [h_nm], C, R, n_pairs`` (one row per distance)."""
        import pandas as pd

        cols = {"h": self.h}
        if self.h_nm is not None:
            cols["h_nm"] = self.h_nm
        cols.update(C=self.C, R=self.R, n_pairs=self.n_pairs)
        return pd.DataFrame(cols)

    def to_dict(self, arrays: bool = True) -> dict:
        """Scalars (and, with ``arrays=True``, the curves as lists).

        Parameters
        ----------
        arrays : bool
            Include ``h, h_nm, C, R, n_pairs`` as lists (default True).
        """
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


def _check_direction(direction):
    """``direction=`` as ``(angle mod 180, tolerance)`` in degrees, or None."""
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
    """Half the largest extent of the foreground bounding box (at least 1 pixel)."""
    rows = np.flatnonzero(fg.any(axis=1))
    cols = np.flatnonzero(fg.any(axis=0))
    extent = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)
    return max(1, int(extent) // 2)


def correlation(
    a,
    b,
    *,
    h_max=None,
    method="fft",
    pixel_size=None,
    direction=None,
    n_pairs=None,
    seed=0,
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
    seed : int or Generator
        Randomness of ``method="pairs"`` (default 0: identical calls give identical results).
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
    check_choice("method", method, METHODS)
    pixel_size = check_number("pixel_size", pixel_size, optional=True, unit="nm per pixel")
    h_max = check_integer("h_max", h_max, minimum=1, optional=True, why="pixels")
    dirn = _check_direction(direction)
    if method == "fft":
        if n_pairs is not None or max_attempts is not None:
            raise InputError("n_pairs and max_attempts apply to method='pairs' only; drop them or pass method='pairs'")
        budget = (
            DEFAULT_MEMORY_BUDGET
            if memory_budget is None
            else check_integer("memory_budget", memory_budget, minimum=1, why="bytes")
        )
    else:
        if memory_budget is not None:
            raise InputError("memory_budget applies to method='fft' only")
        n_pairs = 10000 if n_pairs is None else check_integer("n_pairs", n_pairs, minimum=2)
        max_attempts = (
            100 * n_pairs if max_attempts is None else check_integer("max_attempts", max_attempts, minimum=n_pairs)
        )

    f, fg, P, s2max, n_fg = centred_field(A, B)
    del A, B
    if not s2max > 0:
        raise DataError(
            "s2_max = 0: every foreground pixel has the concentration P (e.g. identical maps), so R(h) "
            "= C(h)/s2_max (Eq. 8) is undefined"
        )
    if h_max is None:
        h_max = _default_h_max(fg)
    use_dir = dirn is not None
    theta, tol = dirn if use_dir else (0.0, 90.0)
    # no pair lies beyond the map diagonal: compute up to that bin, the rest is empty (n_h = 0)
    H, W = f.shape
    h_eff = min(h_max, int(math.floor(math.hypot(H - 1, W - 1) + 0.5)))
    if method == "fft":
        wf, wm, tiles = windows(f, fg, h_eff, budget)
        S, N = kradial.radial_pair_sums(wf, wm, h_eff, use_dir, theta, tol)
    else:
        keys = kernel_keys(generator(seed), h_max + 1)[: h_eff + 1]
        rdy, rdx, rstart = kpairs.ring_offsets(h_eff, use_dir, theta, tol)
        fg_index = np.flatnonzero(fg).astype(np.int64)
        S, N = kpairs.random_pair_sums(
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


def check_correlation_result(value, name="result"):
    """Raise :class:`mixmap.InputError` unless ``value`` is a :class:`CorrelationResult`."""
    if not isinstance(value, CorrelationResult):
        raise InputError(f"{name} must be a CorrelationResult from mixmap.correlation(), got {type(value).__name__}")
    return value
