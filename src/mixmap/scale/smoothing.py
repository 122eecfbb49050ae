"""Smoothing and averaging of R(h): Gaussian kernel (Section 2.2.3) and the mean curve R-bar(h), Eq. 9.

Concern: :func:`smooth_correlation` (:class:`SmoothedCorrelation`, a Nadaraya-Watson kernel
average that also interpolates R at non-integer h) and :func:`mean_correlation`
(:class:`MeanCorrelation`, the pointwise mean over maps on a common grid, nm when every pixel
size is known).
"""

from __future__ import annotations

import math

import numpy as np

from .._results import Result, result
from .._validate import check_choice, check_number
from ..errors import DataError, InputError
from .coefficient import CorrelationResult, check_correlation_result

__all__ = ["SmoothedCorrelation", "MeanCorrelation", "smooth_correlation", "mean_correlation"]

#: units of distance along R(h)
UNITS = ("px", "nm")


def _in_pixels(value, unit, pixel_size, missing):
    """``value`` in ``unit`` (``"px"`` or ``"nm"``) as pixels; ``missing``: the error when nm lacks a pixel size."""
    check_choice("unit", unit, UNITS)
    if unit == "px":
        return value
    if pixel_size is None:
        raise InputError(missing)
    return value / pixel_size


@result
class SmoothedCorrelation(Result):
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

    _summary = ("sigma", "pixel_size", "h_end")

    @property
    def h_nm(self):
        """Knots in nm (None when the pixel size is unknown)."""
        return None if self.pixel_size is None else self.h * self.pixel_size

    def __call__(self, h, unit: str = "px"):
        """The smoothed R at distance(s) ``h`` in ``unit`` (``"px"`` or ``"nm"``); NaN outside the support."""
        try:
            t = np.asarray(h, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(f"h must be a distance or an array of distances ({unit}), got {h!r}") from None
        t = _in_pixels(t, unit, self.pixel_size, "unit='nm' needs a pixel size; pass pixel_size= to correlation()")
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
        """Table with columns ``h, [h_nm], R_raw, R`` (one row per knot)."""
        import pandas as pd

        cols = {"h": self.h}
        if self.pixel_size is not None:
            cols["h_nm"] = self.h_nm
        cols.update(R_raw=self.R_raw, R=self.R)
        return pd.DataFrame(cols)

    def to_dict(self) -> dict:
        """Scalars and the knots ``h`` and smoothed ``R`` as lists."""
        return {
            "sigma": self.sigma,
            "pixel_size": self.pixel_size,
            "h_end": self.h_end,
            "h": self.h.tolist(),
            "R": self.R.tolist(),
        }


@result
class MeanCorrelation(Result):
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
    curves: np.ndarray

    _summary = ("unit", "n_results")

    def to_frame(self):
        """Table with columns ``h_<unit>, R, std, n`` (one row per grid point)."""
        import pandas as pd

        return pd.DataFrame({f"h_{self.unit}": self.h, "R": self.R, "std": self.std, "n": self.n})

    def to_dict(self) -> dict:
        """Scalars and the curves ``h, R, std, n`` as lists."""
        return {
            "unit": self.unit,
            "n_results": self.n_results,
            "h": self.h.tolist(),
            "R": self.R.tolist(),
            "std": self.std.tolist(),
            "n": self.n.tolist(),
        }


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
    check_correlation_result(result)
    s = check_number("sigma", sigma, unit=f"kernel width in {unit}")
    missing = "sigma in nm needs the pixel size: pass pixel_size= to correlation() or use unit='px'"
    s = _in_pixels(s, unit, result.pixel_size, missing)
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
    """Last distance (px) where a curve is defined; -1 when nowhere."""
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
