"""Fick's-law model fits: diffusion couple (erfc), thin-film (Gaussian) source, constant surface source."""

from __future__ import annotations

import numpy as np
from scipy.optimize import curve_fit
from scipy.special import erfc

from .._results import Result, result
from ..errors import DataError, InputError
from ._io import check_profile, check_time, unpack_line_profile, x_scale
from ._preprocess import PreprocessedProfile, _remove_outliers, as_profile, transition_width_points

SQRT_PI = np.sqrt(np.pi)


def _instrument(instrument_sigma, x_unit):
    if instrument_sigma is None:
        return 0.0
    s = float(instrument_sigma) * x_scale(x_unit)
    if not np.isfinite(s) or s < 0:
        raise InputError(f"instrument_sigma must be a non-negative length ({x_unit}), got {instrument_sigma}")
    return s


def _correct(D_app, t, s_instr, what):
    """D = D_app - sigma^2/(2t): a Gaussian probe of sd sigma adds sigma^2 to the profile variance 2Dt."""
    D = D_app - s_instr**2 / (2.0 * t)
    if s_instr > 0 and D <= 0:
        raise DataError(
            f"{what}: the profile (apparent D = {D_app:.3g} m^2/s) is not wider than the "
            f"instrument broadening (sigma = {s_instr:.3g} m); D cannot be resolved"
        )
    return D


def _stats(y, fit):
    r = y - fit
    sse = float(r @ r)
    sst = float(((y - y.mean()) ** 2).sum())
    return (1.0 - sse / sst if sst > 0 else np.nan), float(np.sqrt(sse / y.size))


def _curve_fit(f, x, y, p0, what):
    try:
        popt, pcov = curve_fit(f, x, y, p0=p0, maxfev=20000)
    except (RuntimeError, ValueError) as exc:
        raise DataError(f"{what}: the least-squares fit did not converge ({exc}); check the profile") from None
    return popt, pcov


@result
class ErfcFit(Result):
    """Diffusion-couple fit c = c_L + (c_R - c_L)/2 erfc(-(x - x0)/(2 sqrt(D t))).

    D, D_stderr and D_apparent in m^2/s (D corrected for ``instrument_sigma``: 2Dt = 2D_app t - sigma^2),
    x0 and x0_stderr in m, r2, rms (concentration units), t in s, instrument_sigma in m.
    """

    D: float
    D_stderr: float
    x0: float
    x0_stderr: float
    c_left: float
    c_right: float
    r2: float
    rms: float
    D_apparent: float
    t: float
    instrument_sigma: float
    x: np.ndarray
    fitted: np.ndarray

    def predict(self, x):
        """The fitted (apparent, probe-broadened) profile at positions ``x`` (m)."""
        w = 2.0 * np.sqrt(self.D_apparent * self.t)
        return erfc_profile(np.asarray(x, dtype=float), self.c_left, self.c_right, self.x0, w)


def erfc_profile(x, cl, cr, x0, w):
    """c_L + (c_R - c_L)/2 erfc(-(x - x0)/w), w = 2 sqrt(D t)."""
    return cl + 0.5 * (cr - cl) * erfc(-(x - x0) / w)


def erfc_start(p):
    """Initial (c_L, c_R, x0, w) from a preprocessed profile (plateaus, 50 % crossing, 16-84 % width)."""
    y = p.normalized()
    idx = np.flatnonzero(np.diff(np.sign(y - 0.5)) != 0)
    i = int(np.median(idx)) if idx.size else p.x.size // 2
    x0 = p.x[i]
    w = max(transition_width_points(p.c) * p.dx / np.sqrt(2.0), 2 * p.dx)
    return np.array([p.c_left, p.c_right, x0, w])


def fit_erfc(x, c=None, t=None, *, instrument_sigma=None, x_unit="m", outlier_sigma=3.0, grid=None) -> ErfcFit:
    """Fit the diffusion-couple solution of Fick's second law (constant D).

    c(x) = c_L + (c_R - c_L)/2 erfc(-(x - x0)/(2 sqrt(D t))) (ref. 002, "Fit the cation concentration
    profile C(x,t) to the solution of Fick's second law"), by nonlinear least squares (scipy) on the
    averaged, outlier-cleaned profile (no smoothing). With a Gaussian probe of standard deviation
    ``instrument_sigma`` the measured profile is the true one convolved with it, which adds sigma^2 to
    the variance 2Dt of the erfc: D = D_app - sigma^2/(2t).

    Parameters
    ----------
    x, c : array_like or PreprocessedProfile
        Profile (m unless ``x_unit``); ``c`` may hold parallel scans as rows.
    t : float or str
        Annealing time in s (or "100h").
    instrument_sigma : float, optional
        Probe/beam broadening (standard deviation) in ``x_unit``.

    Returns
    -------
    ErfcFit

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.diffusion import fit_erfc
    >>> from mixmap.synthetic import diffusion_profile
    >>> x = np.linspace(-30e-6, 30e-6, 301)
    >>> fit = fit_erfc(x, diffusion_profile(x, 3600.0, D=1e-14, noise=0.01, seed=1), 3600.0)
    >>> bool(abs(fit.D / 1e-14 - 1) < 0.05)
    True
    """
    t = check_time(t)
    s_instr = _instrument(instrument_sigma, x_unit)
    p = as_profile(x, c, x_unit=x_unit, outlier_sigma=outlier_sigma, smooth=None, grid=grid)
    q0 = erfc_start(p)
    xc, L = q0[2], q0[3]  # fit in units of the initial width: well-scaled parameters
    popt, pcov = _curve_fit(erfc_profile, (p.x - xc) / L, p.c, [q0[0], q0[1], 0.0, 1.0], "fit_erfc")
    se = np.sqrt(np.clip(np.diag(pcov), 0, None)) * np.array([1.0, 1.0, L, L])
    popt = popt * np.array([1.0, 1.0, L, L]) + np.array([0.0, 0.0, xc, 0.0])
    popt[3] = abs(popt[3])
    cl, cr, x0, w = popt
    D_app = w * w / (4.0 * t)
    D = _correct(D_app, t, s_instr, "fit_erfc")
    fitted = erfc_profile(p.x, *popt)
    r2, rms = _stats(p.c, fitted)
    return ErfcFit(
        D=float(D),
        D_stderr=float(w * se[3] / (2.0 * t)),
        x0=float(x0),
        x0_stderr=float(se[2]),
        c_left=float(cl),
        c_right=float(cr),
        r2=r2,
        rms=rms,
        D_apparent=float(D_app),
        t=t,
        instrument_sigma=s_instr,
        x=p.x,
        fitted=fitted,
    )


@result
class ThinFilmFit(Result):
    """Thin-film (instantaneous plane source) fit c = c_bg + M/sqrt(4 pi D t) exp(-(x - x0)^2/(4 D t)).

    D, D_stderr, D_apparent in m^2/s; x0 (m); amount M (concentration x m, the source per unit area);
    peak = M/sqrt(4 pi D_app t); background c_bg.
    """

    D: float
    D_stderr: float
    x0: float
    amount: float
    amount_stderr: float
    peak: float
    background: float
    r2: float
    rms: float
    D_apparent: float
    t: float
    instrument_sigma: float
    x: np.ndarray
    fitted: np.ndarray


def _gauss(x, bg, a, x0, w):
    return bg + a * np.exp(-(((x - x0) / w) ** 2))


def fit_thin_film(x, c=None, t=None, *, instrument_sigma=None, x_unit="m", outlier_sigma=3.0, grid=None) -> ThinFilmFit:
    """Fit the thin-film (Gaussian) solution of Fick's second law.

    c(x) = c_bg + M/sqrt(4 pi D t) exp(-(x - x0)^2/(4 D t)) for a thin source of M per unit area at x0
    between two semi-infinite media (ref. 002, "Fit ... to Fick's second law solution for a thin-film
    source"); for a source on a free surface (reflecting) use half the data and M -> 2M. Probe
    broadening adds sigma^2 to the Gaussian variance 2Dt: D = D_app - sigma^2/(2t).

    Parameters
    ----------
    x, c, t, instrument_sigma, x_unit, outlier_sigma, grid
        As in :func:`fit_erfc`.

    Returns
    -------
    ThinFilmFit
    """
    t = check_time(t)
    s_instr = _instrument(instrument_sigma, x_unit)
    p = x if hasattr(x, "c_smooth") else _peak_profile(x, c, x_unit, outlier_sigma, grid)
    xs, ys = p.x, p.c
    m = max(5, xs.size // 10)
    bg = float(np.median(np.r_[ys[:m], ys[-m:]]))
    dev = ys - bg
    i = int(np.argmax(np.abs(dev)))
    a = float(dev[i])
    wts = np.clip(dev / a, 0, None)
    var = float((wts * (xs - xs[i]) ** 2).sum() / max(wts.sum(), 1e-300))
    w0 = max(np.sqrt(2 * var), 2 * p.dx)
    xc, L = xs[i], w0
    popt, pcov = _curve_fit(_gauss, (xs - xc) / L, ys, [bg, a, 0.0, 1.0], "fit_thin_film")
    S = np.array([1.0, 1.0, L, L])
    pcov = pcov * np.outer(S, S)
    se = np.sqrt(np.clip(np.diag(pcov), 0, None))
    popt = popt * S + np.array([0.0, 0.0, xc, 0.0])
    popt[3] = abs(popt[3])
    bg, a, x0, w = popt
    D_app = w * w / (4.0 * t)
    D = _correct(D_app, t, s_instr, "fit_thin_film")
    amount = a * SQRT_PI * w
    amount_se = SQRT_PI * np.sqrt(max((w * se[1]) ** 2 + (a * se[3]) ** 2 + 2 * a * w * pcov[1, 3], 0.0))
    fitted = _gauss(xs, *popt)
    r2, rms = _stats(ys, fitted)
    return ThinFilmFit(
        D=float(D),
        D_stderr=float(w * se[3] / (2 * t)),
        x0=float(x0),
        amount=float(amount),
        amount_stderr=float(amount_se),
        peak=float(a),
        background=float(bg),
        r2=r2,
        rms=rms,
        D_apparent=float(D_app),
        t=t,
        instrument_sigma=s_instr,
        x=xs,
        fitted=fitted,
    )


def _peak_profile(x, c, x_unit, outlier_sigma, grid):
    """A PreprocessedProfile-like object for peaked (not step) data: validation, averaging, outliers, grid."""
    if c is None and hasattr(x, "position_m"):
        x, c = unpack_line_profile(x, c)
        x_unit = "m"
    if c is None:
        raise InputError("c (the concentrations) is required unless x is a PreprocessedProfile or a line profile")
    xm, cm = check_profile(x, c, x_unit=x_unit)
    if outlier_sigma is not None:
        mask = _remove_outliers(xm, cm, float(outlier_sigma), 7)
    else:
        mask = np.zeros_like(cm, dtype=bool)
    cnt = (~mask).sum(0)
    avg = np.where(mask, 0.0, cm).sum(0) / np.where(cnt > 0, cnt, 1)
    ok = cnt > 0
    d = np.diff(xm)
    if grid is None:
        xg = xm if np.allclose(d, d.mean(), rtol=1e-6) else np.linspace(xm[0], xm[-1], xm.size)
    elif np.ndim(grid) == 0:
        xg = np.linspace(xm[0], xm[-1], int(grid))
    else:
        xg = np.asarray(grid, dtype=float)
    cg = np.interp(xg, xm[ok], avg[ok])
    return PreprocessedProfile(
        x=xg,
        c=cg,
        c_smooth=cg,
        sigma=np.nan,
        c_left=float(cg[0]),
        c_right=float(cg[-1]),
        plateau_left=True,
        plateau_right=True,
        window=0,
        order=0,
        n_plateau=0,
        n_scans=cm.shape[0],
        outliers=np.argwhere(mask),
    )


@result
class SemiInfiniteFit(Result):
    """Constant-surface-source fit c = c_b + (c_s - c_b) erfc(|x - x_s|/(2 sqrt(D t))).

    D, D_stderr, D_apparent in m^2/s; surface position x_s (m); surface and bulk concentrations.
    """

    D: float
    D_stderr: float
    surface: float
    c_surface: float
    c_bulk: float
    r2: float
    rms: float
    D_apparent: float
    t: float
    instrument_sigma: float
    x: np.ndarray
    fitted: np.ndarray


def fit_semi_infinite(
    x, c=None, t=None, *, surface=None, instrument_sigma=None, x_unit="m", outlier_sigma=3.0, grid=None
) -> SemiInfiniteFit:
    """Fit the constant-surface-source solution c = c_b + (c_s - c_b) erfc(d/(2 sqrt(D t))), d = |x - x_s|.

    In-diffusion from a surface held at c_s into a semi-infinite body at c_b (ref. 002:
    C(x,t) = (C0/2) erfc(x/(2 sqrt(Dt))) for depth profiles). The probe correction
    D = D_app - sigma^2/(2t) is exact far from the surface and approximate within ~sigma of it.

    Parameters
    ----------
    x, c, t, instrument_sigma, x_unit, outlier_sigma, grid
        As in :func:`fit_erfc`.
    surface : float, optional
        Surface position in ``x_unit``; default the first point (smallest x). Points on both sides are
        treated by their distance from it.

    Returns
    -------
    SemiInfiniteFit
    """
    t = check_time(t)
    s_instr = _instrument(instrument_sigma, x_unit)
    if hasattr(x, "c_smooth"):
        p = x
    else:
        p = _peak_profile(x, c, x_unit, outlier_sigma, grid)
    xs_ = p.x[0] if surface is None else float(surface) * x_scale(x_unit)
    d = np.abs(p.x - xs_)
    ys = p.c
    order = np.argsort(d)
    cs0, cb0 = float(ys[order[0]]), float(np.median(ys[order[-max(5, d.size // 10) :]]))
    if cs0 == cb0:
        raise DataError("fit_semi_infinite: the profile is flat; no in-diffusion to fit")
    yn = (ys - cb0) / (cs0 - cb0)
    half = d[np.argmin(np.abs(yn - 0.5))]
    w0 = max(half / 0.477, 2 * p.dx)  # erfc(0.477) = 0.5

    def f(dd, cs, cb, w):
        return cb + (cs - cb) * erfc(dd / w)

    popt, pcov = _curve_fit(f, d / w0, ys, [cs0, cb0, 1.0], "fit_semi_infinite")
    se = np.sqrt(np.clip(np.diag(pcov), 0, None)) * np.array([1.0, 1.0, w0])
    popt = popt * np.array([1.0, 1.0, w0])
    popt[2] = abs(popt[2])
    cs, cb, w = popt
    D_app = w * w / (4.0 * t)
    D = _correct(D_app, t, s_instr, "fit_semi_infinite")
    fitted = f(d, *popt)
    r2, rms = _stats(ys, fitted)
    return SemiInfiniteFit(
        D=float(D),
        D_stderr=float(w * se[2] / (2 * t)),
        surface=float(xs_),
        c_surface=float(cs),
        c_bulk=float(cb),
        r2=r2,
        rms=rms,
        D_apparent=float(D_app),
        t=t,
        instrument_sigma=s_instr,
        x=p.x,
        fitted=fitted,
    )
