"""Profile preprocessing: average scans, remove outliers, uniform grid, Savitzky-Golay, plateaus."""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import median_filter
from scipy.signal import savgol_coeffs

from .._results import Result, result
from ..errors import DataError, InputError, PlateauWarning, SamplingWarning
from ..kernels.interdiffusion import plateau_end
from ..kernels.savgol import savgol_apply
from ._io import check_profile, unpack_line_profile

PLATEAU_FRACTION = 0.1


@result
class PreprocessedProfile(Result):
    """A preprocessed profile on a uniform grid.

    Reference: EPMA workflow - average >= 3 parallel scans, remove > 3 sigma outliers from a local median,
    Savitzky-Golay smoothing, boundary plateaus.

    Attributes
    ----------
    x : ndarray
        Uniform positions in m.
    c : ndarray
        Averaged, outlier-cleaned, resampled concentrations (not smoothed).
    c_smooth : ndarray
        Savitzky-Golay smoothed ``c`` (equal to ``c`` when smoothing is off).
    sigma : float
        Noise standard deviation per point of ``c``, from the residuals of straight-line fits to the
        end plateaus.
    c_left, c_right : float
        Plateau concentrations: values at the end points of straight lines fitted to the first/last
        ``n_plateau`` points of ``c`` (unbiased when a plateau still drifts a little).
    plateau_left, plateau_right : bool
        Whether each end looks flat (False raised a :class:`PlateauWarning`).
    window, order : int
        Savitzky-Golay window (points, odd) and polynomial order; window 0 = no smoothing.
    n_plateau : int
        Points per end plateau.
    n_scans : int
        Number of averaged scans.
    outliers : ndarray
        (scan, index) pairs of the removed outliers (indices into the input points).
    """

    x: np.ndarray
    c: np.ndarray
    c_smooth: np.ndarray
    sigma: float
    c_left: float
    c_right: float
    plateau_left: bool
    plateau_right: bool
    window: int
    order: int
    n_plateau: int
    n_scans: int
    outliers: np.ndarray

    @property
    def dx(self) -> float:
        """Grid step in m."""
        return float(self.x[1] - self.x[0])

    @property
    def n_outliers(self) -> int:
        return int(len(self.outliers))

    def normalized(self, c=None):
        """Y = (c - c_left)/(c_right - c_left) (of the smoothed profile by default)."""
        c = self.c_smooth if c is None else np.asarray(c, dtype=float)
        return (c - self.c_left) / (self.c_right - self.c_left)

    def to_dict(self) -> dict:
        """Scalar fields plus n_points, dx_m and n_outliers."""
        d = super().to_dict()
        d.update(n_points=int(self.x.size), dx_m=self.dx, n_outliers=self.n_outliers)
        return d

    def to_frame(self):
        return pd.DataFrame({"x_m": self.x, "c": self.c, "c_smooth": self.c_smooth})


@lru_cache(maxsize=64)
def _savgol_matrix(window: int, order: int, deriv: int, delta: float) -> np.ndarray:
    rows = [savgol_coeffs(window, order, deriv=deriv, delta=delta, pos=p, use="dot") for p in range(window)]
    m = np.ascontiguousarray(np.array(rows, dtype=float))
    m.setflags(write=False)
    return m


def savgol_matrices(window: int, order: int, dx: float):
    """Savitzky-Golay coefficient rows (window x window) for smoothing and d/dx (per m).

    Computed once by :func:`scipy.signal.savgol_coeffs`; see :func:`mixmap.kernels.savgol.savgol_apply`.
    """
    if window == 0:
        w = 3
        s = np.zeros((w, w))
        s[np.arange(w), np.arange(w)] = 1.0
        d = np.array([[-1.5, 2.0, -0.5], [-0.5, 0.0, 0.5], [0.5, -2.0, 1.5]]) / dx
        return s, d
    return _savgol_matrix(window, order, 0, 1.0), _savgol_matrix(window, order, 1, float(dx))


def _odd(v: float) -> int:
    k = int(round(v))
    return k if k % 2 == 1 else k + 1


def transition_width_points(c: np.ndarray) -> float:
    """Width of the transition in points.

    Distance between the 16 % and 84 % crossings of a median-filtered, normalised profile (for an erfc profile of
    width w = 2 sqrt(Dt) this is sqrt(2) w).
    """
    n = c.size
    m = max(3, int(round(PLATEAU_FRACTION * n)))
    cm = median_filter(c, size=5, mode="nearest")
    lo, hi = cm[:m].mean(), cm[-m:].mean()
    if hi == lo:
        return float(n)
    y = (cm - lo) / (hi - lo)
    pos = []
    for level in (0.16, 0.84):
        idx = np.flatnonzero(np.diff(np.sign(y - level)) != 0)
        pos.append(idx.mean() if idx.size else np.nan)
    w = abs(pos[1] - pos[0])
    return float(w) if np.isfinite(w) and w > 0 else float(n)


def auto_window(c: np.ndarray, order: int = 3) -> int:
    """Default Savitzky-Golay window.

    About half the 16-84 % transition width (points), odd, at least order + 4 and at most a fifth of the profile.
    Cubic smoothing over that window keeps the bias on D well below 1 % for erfc-like transitions while averaging
    the noise of the derivative.
    """
    n = c.size
    w = 0.5 * transition_width_points(c)
    lo = order + 4 if (order + 4) % 2 == 1 else order + 5
    hi = int(n // 5)
    hi = max(lo, hi if hi % 2 == 1 else hi - 1)
    return int(min(max(_odd(w), lo), hi))


def parse_smooth(smooth, c: np.ndarray):
    """(window, order) from ``smooth``: "auto", None/False (off) or ("savgol", window, order)."""
    if smooth is None or smooth is False:
        return 0, 0
    if isinstance(smooth, str):
        if smooth != "auto":
            raise InputError(f"smooth={smooth!r}: use 'auto', None or ('savgol', window, order)")
        return auto_window(c, 3), 3
    try:
        kind, window, order = smooth
    except (TypeError, ValueError):
        raise InputError(f"smooth={smooth!r}: use 'auto', None or ('savgol', window, order)") from None
    if kind != "savgol":
        raise InputError(f"smooth kind {kind!r} is not supported; use ('savgol', window, order)")
    if window == "auto":
        window = auto_window(c, int(order))
    window, order = int(window), int(order)
    if window % 2 == 0 or window < 3:
        raise InputError(f"Savitzky-Golay window must be odd and >= 3, got {window}")
    if not 1 <= order < window - 1:
        raise InputError(f"Savitzky-Golay order must be >= 1 and < window - 1 = {window - 1}, got {order}")
    if window > c.size // 2:
        raise InputError(
            f"Savitzky-Golay window {window} is too wide for {c.size} points; "
            f"use at most {c.size // 2 - (1 - c.size // 2 % 2)}"
        )
    return window, order


def _remove_outliers(x, c, k, size):
    """Mask of outliers per scan.

    Points further than k standard deviations from the median of their ``size - 1`` neighbours AND outside the range
    spanned by those neighbours.

    sigma is the robust noise level 1.4826 MAD(second differences)/sqrt(6) of the scan, at least 0.1 %
    of its range. The range condition keeps steep but monotonic transitions (where a point always
    lies between its neighbours) from being flagged however sharp they are; the centre point is left
    out of its own median.
    """
    h = size // 2
    pad = np.pad(c, ((0, 0), (h, h)), mode="reflect")
    win = sliding_window_view(pad, 2 * h + 1, axis=1)
    neigh = np.delete(win, h, axis=2)
    r = c - np.median(neigh, axis=2)
    outside = (c > neigh.max(axis=2)) | (c < neigh.min(axis=2))
    d2 = np.diff(c, 2, axis=1)
    mad = np.median(np.abs(d2 - np.median(d2, axis=1, keepdims=True)), axis=1, keepdims=True)
    span = np.ptp(c, axis=1, keepdims=True)
    s = np.maximum(1.4826 * mad / np.sqrt(6.0), 1e-3 * span)
    s_r = s * np.sqrt(1.0 + np.pi / (2.0 * (2 * h)))  # sd of (point - median of 2h neighbours) for noise
    return outside & (np.abs(r) > k * s_r)


def _plateau_fit(x, c):
    """Slope, residual sd and drift significance of a straight line through one end segment."""
    A = np.vstack([np.ones_like(x), x - x.mean()]).T
    coef, *_ = np.linalg.lstsq(A, c, rcond=None)
    res = c - A @ coef
    dof = max(x.size - 2, 1)
    s = float(np.sqrt(res @ res / dof))
    sxx = float(((x - x.mean()) ** 2).sum())
    se_slope = s / np.sqrt(sxx) if sxx > 0 else np.inf
    return float(coef[1]), s, se_slope, res


def preprocess(
    x,
    c,
    *,
    x_unit="m",
    outlier_sigma=3.0,
    outlier_window=7,
    smooth="auto",
    grid=None,
    plateau=PLATEAU_FRACTION,
    warn=True,
) -> PreprocessedProfile:
    """Average scans, remove outliers, resample to a uniform grid, smooth, estimate plateaus and noise.

    Implements the EPMA preprocessing workflow of the reference guide (ref. 002, "Q3 ... best
    preprocessing approach"): average parallel line scans, remove points more than ``outlier_sigma``
    robust standard deviations from a local median, Savitzky-Golay smoothing (polynomial smoothing that
    preserves derivatives), boundary plateaus C_left (x -> -inf) and C_right (x -> +inf).

    Parameters
    ----------
    x : array_like, shape (n,), or a :func:`mixmap.line_profile` result
        Positions (m unless ``x_unit``), strictly monotonic; a line profile of one map (with
        ``c=None``) gives its ``position_m`` and ``values``.
    c : array_like, shape (n,) or (n_scans, n)
        Concentrations (mole fraction or any unit); rows are parallel scans, averaged point-wise.
    x_unit : {"m", "mm", "um", "nm"}
    outlier_sigma : float or None
        Outlier threshold k: a point is removed when it lies outside the range of its
        ``outlier_window - 1`` neighbours and more than k sigma from their median (sigma: robust noise
        level from the second differences, at least 0.1 % of the range); None disables. Removed points are
        re-filled by linear interpolation on the grid and listed in ``PreprocessedProfile.outliers``.
    smooth : "auto", None or ("savgol", window, order)
        "auto" = cubic Savitzky-Golay over about half the 16-84 % transition width (odd, >= 7 points).
    grid : None, int or array_like
        None keeps a uniform input grid (or resamples a non-uniform one to the same number of points);
        an int resamples to that many uniform points; an array gives the uniform positions (m).
    plateau : float
        Fraction of the points at each end used as plateau (at least 5 points).
    warn : bool
        Emit a :class:`PlateauWarning` when an end is not flat.

    Returns
    -------
    PreprocessedProfile

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.diffusion import preprocess
    >>> from mixmap.synthetic import diffusion_profile
    >>> x = np.linspace(-20e-6, 20e-6, 301)
    >>> p = preprocess(x, diffusion_profile(x, 3600.0, D=1e-14, noise=0.01, seed=0))
    >>> round(p.c_right, 1), p.window > 0
    (1.0, True)
    """
    if c is None and hasattr(x, "position_m"):
        x, c = unpack_line_profile(x, c)
        x_unit = "m"
    x, c = check_profile(x, c, x_unit=x_unit)
    n_scans, n = c.shape
    if outlier_sigma is not None:
        if not outlier_sigma > 0:
            raise InputError(f"outlier_sigma must be positive or None, got {outlier_sigma}")
        if int(outlier_window) < 3:
            raise InputError(f"outlier_window must be >= 3 points, got {outlier_window}")
        mask = _remove_outliers(x, c, float(outlier_sigma), int(outlier_window))
    else:
        mask = np.zeros_like(c, dtype=bool)
    outliers = np.argwhere(mask)
    cm = np.where(mask, np.nan, c)
    counts = (~mask).sum(0)
    with np.errstate(invalid="ignore"):
        avg = np.nansum(cm, axis=0) / np.where(counts > 0, counts, 1)
    ok = counts > 0
    if ok.sum() < max(n // 2, 8):
        raise DataError(f"outlier removal left only {ok.sum()} of {n} points; raise outlier_sigma or pass None")
    xk, ck = x[ok], avg[ok]

    # uniform grid
    if grid is None:
        d = np.diff(x)
        if np.allclose(d, d.mean(), rtol=1e-6, atol=0):
            xg = x
        else:
            xg = np.linspace(x[0], x[-1], n)
    elif np.ndim(grid) == 0:
        if int(grid) < 12:
            raise InputError(f"grid={grid}: ask for at least 12 points")
        xg = np.linspace(x[0], x[-1], int(grid))
    else:
        xg = np.asarray(grid, dtype=float)
        dg = np.diff(xg)
        if xg.ndim != 1 or xg.size < 12 or np.any(dg <= 0) or not np.allclose(dg, dg.mean(), rtol=1e-6):
            raise InputError("grid must be an increasing uniform array of >= 12 positions (m), an int or None")
        if xg[0] < x[0] - 1e-12 * abs(x[0]) or xg[-1] > x[-1] + 1e-12 * abs(x[-1]):
            raise InputError(
                f"grid [{xg[0]:.4g}, {xg[-1]:.4g}] m reaches outside the data "
                f"[{x[0]:.4g}, {x[-1]:.4g}] m; nothing is extrapolated"
            )
    cg = np.interp(xg, xk, ck)
    n = xg.size

    window, order = parse_smooth(smooth, cg)
    if window:
        cs = savgol_apply(cg, savgol_matrices(window, order, xg[1] - xg[0])[0])
    else:
        cs = cg.copy()

    m = max(5, int(round(plateau * n)))
    if not 0 < plateau < 0.5 or 2 * m >= n:
        raise InputError(f"plateau={plateau}: use a fraction in (0, 0.5) leaving points in between")
    cl, cr = float(plateau_end(cg, m, False)), float(plateau_end(cg, m, True))
    step = cr - cl
    fits = [_plateau_fit(xg[:m], cg[:m]), _plateau_fit(xg[-m:], cg[-m:])]
    res = np.concatenate([fits[0][3], fits[1][3]])
    sigma = float(np.sqrt(res @ res / max(res.size - 4, 1)))
    if not abs(step) > 0 or abs(step) < 3 * sigma:
        raise DataError(
            f"no concentration step: plateaus c_left={cl:.4g}, c_right={cr:.4g} differ by less "
            f"than 3 noise sd ({sigma:.3g}); is this a profile across an interface?"
        )
    width = transition_width_points(cg)
    if warn and width < 8:
        warnings.warn(
            f"the transition spans only ~{width:.0f} points (16-84 %); derivative-based D(C) "
            "(Matano, Sauer-Freise, Hall) is unreliable - sample more finely or use fit_erfc / "
            "fit_forward",
            SamplingWarning,
            stacklevel=2,
        )
    flat = []
    span = (m - 1) * (xg[1] - xg[0])
    for slope, _s, se, _ in fits:
        drift = abs(slope) * span
        flat.append(not (drift > 4 * se * span and drift > 0.05 * abs(step)))
    if warn:
        for side, is_flat, val, (slope, *_rest) in zip(("left", "right"), flat, (cl, cr), fits, strict=True):
            if not is_flat:
                warnings.warn(
                    f"the profile does not reach a plateau on the {side}: c changes by "
                    f"{abs(slope) * span:.3g} over the last {m} points at that end; plateau estimate "
                    f"c_{side} = {val:.4g} (D near that end is unreliable; extend the scan)",
                    PlateauWarning,
                    stacklevel=2,
                )
    return PreprocessedProfile(
        x=xg,
        c=cg,
        c_smooth=cs,
        sigma=sigma,
        c_left=cl,
        c_right=cr,
        plateau_left=flat[0],
        plateau_right=flat[1],
        window=int(window),
        order=int(order),
        n_plateau=m,
        n_scans=n_scans,
        outliers=outliers,
    )


def as_profile(x, c, *, x_unit, outlier_sigma, smooth, grid, warn=True, stacklevel=3) -> PreprocessedProfile:
    """``x`` if it is a :class:`PreprocessedProfile` (then ``c`` must be None), else :func:`preprocess`."""
    if isinstance(x, PreprocessedProfile):
        if c is not None:
            raise InputError("pass either a PreprocessedProfile or x and c, not both")
        return x
    if c is None and not hasattr(x, "position_m"):
        raise InputError(
            "c (the concentrations) is required unless x is a PreprocessedProfile from preprocess() "
            "or a mixmap.line_profile result"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlateauWarning)
        p = preprocess(x, c, x_unit=x_unit, outlier_sigma=outlier_sigma, smooth=smooth, grid=grid, warn=warn)
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=stacklevel + 1)
    return p
