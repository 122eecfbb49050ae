"""Temperature and time dependence: Arrhenius fits of D(T) and parabolic growth laws."""

from __future__ import annotations


import numpy as np
from scipy.stats import norm
from scipy.stats import t as student

from .._results import Result, result
from .._validate import check_confidence
from .._deprecate import renamed_attribute, renamed_keyword
from ..errors import DataError, InputError

R_GAS = 8.314462618  # J/(mol K)
EV_PER_KJMOL = 1.0 / 96.48533212  # eV per (kJ/mol)


@result
class ArrheniusFit(Result):
    """D = D0 exp(-Ea/(R T)) fitted by weighted least squares of ln D on 1/T.

    Attributes
    ----------
    Ea_kJmol, Ea_eV : float
        Activation energy; ``Ea_stderr_kJmol``/``Ea_stderr_eV`` its standard error and
        ``Ea_ci_kJmol``/``Ea_ci_eV`` the ``confidence`` confidence interval.
    D0, D0_ci : float, tuple
        Pre-exponential factor (m^2/s) and its interval (from ln D0 +- q se).
    r2 : float
        Weighted coefficient of determination.
    T : ndarray
        Temperatures in K; ``D`` in m^2/s; ``D_err`` the standard errors used (or None).
    weighted : bool
        True when D uncertainties were given (absolute weights, normal quantiles); otherwise the
        residual scatter sets the errors (Student-t with n - 2 dof).
    """

    Ea_kJmol: float
    Ea_stderr_kJmol: float
    Ea_ci_kJmol: tuple
    Ea_eV: float
    Ea_stderr_eV: float
    Ea_ci_eV: tuple
    D0: float
    D0_ci: tuple
    lnD0_stderr: float
    r2: float
    confidence: float
    weighted: bool
    n: int
    T: np.ndarray
    D: np.ndarray
    D_err: np.ndarray = None
    cov: np.ndarray = None

    level = renamed_attribute("confidence")  # deprecated name of confidence

    def predict(self, T, T_unit="K"):
        """D (m^2/s) at temperatures ``T`` with the fitted Ea and D0."""
        T = _kelvin(np.asarray(T, dtype=float), T_unit)
        return self.D0 * np.exp(-self.Ea_kJmol * 1e3 / (R_GAS * T))

    def band(self, T, T_unit="K"):
        """(low, high) confidence band of the fitted line at temperatures ``T``."""
        T = _kelvin(np.asarray(T, dtype=float), T_unit)
        X = np.vstack([np.ones_like(T), 1.0 / T]).T
        sd = np.sqrt(np.einsum("ij,jk,ik->i", X, self.cov, X))
        q = norm.ppf(0.5 + self.confidence / 2) if self.weighted else student.ppf(0.5 + self.confidence / 2, self.n - 2)
        mid = np.log(self.predict(T))
        return np.exp(mid - q * sd), np.exp(mid + q * sd)

    def to_dict(self) -> dict:
        """Scalar fields; the intervals as [low, high] lists."""
        d = {k: getattr(self, k) for k in self._fields() if k not in ("T", "D", "D_err", "cov")}
        d["Ea_ci_kJmol"] = list(self.Ea_ci_kJmol)
        d["Ea_ci_eV"] = list(self.Ea_ci_eV)
        d["D0_ci"] = list(self.D0_ci)
        return d


def _std_errors(err, like, name, unit):
    """``err`` broadcast to the shape of ``like``; positive finite standard errors or InputError."""
    try:
        e = np.asarray(err, dtype=float) * np.ones_like(like)
    except (TypeError, ValueError):
        e = None
    if e is None or e.shape != like.shape or not np.all(np.isfinite(e) & (e > 0)):
        raise InputError(
            f"{name} must be positive finite standard errors, one per value or one for all ({unit}), got {err!r}"
        )
    return e


def _wls(X, y, w, weighted, confidence, centered=True):
    """Weighted least squares y ~ X beta with weights w: (beta, cov, q, r2).

    With ``weighted`` (w = 1/var from known errors) cov = (X^T W X)^-1 and q is the normal quantile
    of ``confidence``; otherwise cov is scaled by chi2/dof and q is Student-t with dof = n - p. r2 is
    about the weighted mean (``centered``, a model with intercept) or about 0.
    """
    XtW = X.T * w
    cov = np.linalg.inv(XtW @ X)
    beta = cov @ (XtW @ y)
    res = y - X @ beta
    chi2 = float((w * res**2).sum())
    if weighted:
        q = norm.ppf(0.5 + confidence / 2)
    else:
        dof = y.size - X.shape[1]
        cov = cov * chi2 / dof
        q = student.ppf(0.5 + confidence / 2, dof)
    sst = float((w * (y - (w * y).sum() / w.sum()) ** 2).sum()) if centered else float((w * y**2).sum())
    r2 = 1.0 - chi2 / sst if sst > 0 else np.nan
    return beta, cov, q, r2


def _kelvin(T, T_unit):
    unit = str(T_unit).strip().lower().replace("°", "")
    if unit in ("k", "kelvin"):
        return T
    if unit in ("c", "degc", "celsius"):
        return T + 273.15
    raise InputError(f"T_unit={T_unit!r}: use 'K' or 'degC'")


@renamed_keyword("level", "confidence")
def fit_arrhenius(T, D, D_err=None, *, T_unit="K", confidence: float = 0.95) -> ArrheniusFit:
    """Fit the Arrhenius law D = D0 exp(-Ea/(R T)).

    Weighted least squares of ln D against 1/T (ref. 002: "Plot ln(D) vs. 1/T. The slope gives -Ea/R").
    With ``D_err`` the weights are 1/var(ln D) = (D/D_err)^2 and the parameter covariance is
    (X^T W X)^-1 (errors propagated from the D uncertainties, normal quantiles); without, the
    covariance is scaled by the residual variance and intervals use Student-t with n - 2 dof.

    Parameters
    ----------
    T : array_like
        Temperatures in K (or degC with ``T_unit="degC"``).
    D : array_like
        Diffusion coefficients in m^2/s (> 0).
    D_err : array_like, optional
        Standard errors of D (m^2/s), e.g. half the width of a Monte-Carlo 68 % band.
    T_unit : {"K", "degC"}
    confidence : float
        Confidence level of the intervals (``level=`` is its deprecated name).

    Returns
    -------
    ArrheniusFit
        Ea in kJ/mol and eV, D0 in m^2/s, with confidence intervals.

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.diffusion import fit_arrhenius
    >>> T = np.array([900.0, 1000.0, 1100.0, 1200.0])
    >>> fit = fit_arrhenius(T, 1e-4 * np.exp(-250e3 / (8.314462618 * T)))
    >>> round(fit.Ea_kJmol, 3), round(fit.Ea_eV, 3)
    (250.0, 2.591)
    """
    T = _kelvin(np.atleast_1d(np.asarray(T, dtype=float)), T_unit)
    D = np.atleast_1d(np.asarray(D, dtype=float))
    if T.ndim != 1 or T.shape != D.shape:
        raise InputError(f"T and D must be 1-D arrays of equal length, got {T.shape} and {D.shape}")
    if not (np.all(np.isfinite(T)) and np.all(np.isfinite(D))):
        raise DataError("T and D must be finite (no NaN)")
    if np.any(T <= 0):
        raise InputError("temperatures must be above absolute zero (give T_unit='degC' for Celsius)")
    if np.any(D <= 0):
        raise DataError("D must be positive (m^2/s) for an Arrhenius fit (ln D)")
    confidence = check_confidence(confidence)
    n = T.size
    weighted = D_err is not None
    if weighted:
        err = _std_errors(D_err, D, "D_err", "m^2/s")
        w = (D / err) ** 2
        if n < 2:
            raise DataError("an Arrhenius fit needs at least 2 temperatures")
    else:
        err = None
        w = np.ones_like(D)
        if n < 3:
            raise DataError("an Arrhenius fit without D_err needs at least 3 temperatures (2 give no error)")
    if np.unique(T).size < 2:
        raise DataError("an Arrhenius fit needs at least 2 different temperatures")
    X = np.vstack([np.ones_like(T), 1.0 / T]).T
    beta, cov, q, r2 = _wls(X, np.log(D), w, weighted, confidence)
    se = np.sqrt(np.diag(cov))
    Ea = -beta[1] * R_GAS / 1e3  # kJ/mol
    Ea_se = se[1] * R_GAS / 1e3
    ci = (Ea - q * Ea_se, Ea + q * Ea_se)
    return ArrheniusFit(
        Ea_kJmol=float(Ea),
        Ea_stderr_kJmol=float(Ea_se),
        Ea_ci_kJmol=tuple(map(float, ci)),
        Ea_eV=float(Ea * EV_PER_KJMOL),
        Ea_stderr_eV=float(Ea_se * EV_PER_KJMOL),
        Ea_ci_eV=tuple(float(v * EV_PER_KJMOL) for v in ci),
        D0=float(np.exp(beta[0])),
        D0_ci=(float(np.exp(beta[0] - q * se[0])), float(np.exp(beta[0] + q * se[0]))),
        lnD0_stderr=float(se[0]),
        r2=float(r2),
        confidence=confidence,
        weighted=weighted,
        n=n,
        T=T,
        D=D,
        D_err=err,
        cov=cov,
    )


@result
class ParabolicFit(Result):
    """L = L0 + k sqrt(t) (parabolic growth; L^2 = kp t with kp = k^2 when L0 = 0).

    Attributes
    ----------
    k, k_stderr : float
        Rate constant in units of L per s^0.5 and its standard error.
    kp : float
        Parabolic constant k^2 (L^2/s; m^2/s for thicknesses in m).
    L0, L0_stderr : float
        Intercept (0 and NaN when ``intercept=False``).
    exponent, exponent_stderr : float
        Exponent n of a free power law L = a t^n (ln-ln fit; 0.5 for diffusion control), NaN when it
        cannot be fitted (non-positive values).
    r2 : float
    ci : tuple
        ``confidence`` interval of k.
    weighted : bool
        True when ``L_err`` was given (errors propagated from it; normal quantiles).
    """

    k: float
    k_stderr: float
    ci: tuple
    kp: float
    L0: float
    L0_stderr: float
    exponent: float
    exponent_stderr: float
    r2: float
    confidence: float
    n: int
    weighted: bool
    t: np.ndarray
    L: np.ndarray
    L_err: np.ndarray | None = None

    level = renamed_attribute("confidence")  # deprecated name of confidence

    def predict(self, t):
        return self.L0 + self.k * np.sqrt(np.asarray(t, dtype=float))

    def to_dict(self) -> dict:
        """Scalar fields; the interval ``ci`` as a [low, high] list."""
        d = {k: getattr(self, k) for k in self._fields() if k not in ("t", "L", "L_err")}
        d["ci"] = list(self.ci)
        return d


@renamed_keyword("level", "confidence")
def fit_parabolic(t, L, L_err=None, *, intercept: bool = True, confidence: float = 0.95) -> ParabolicFit:
    """Fit the parabolic growth law L = L0 + k sqrt(t) by (weighted) least squares.

    Diffusion-controlled growth of a reaction/degradation layer, or of an interfacial resistance
    (ref. 002: "parabolic growth law: R_int ∝ sqrt(D t)"; "linear growth of the degraded layer
    thickness over sqrt(time), indicating Fickian diffusion control"). Also fits a free power law
    L = a t^n to test n = 0.5.

    Parameters
    ----------
    t : array_like
        Times in s (>= 0).
    L : array_like
        Layer thicknesses (m) or resistances (any unit).
    L_err : float or array_like, optional
        Standard errors of L (same unit). Weights are 1/L_err^2 and the covariance (X^T W X)^-1
        (errors propagated, normal quantiles), as in :func:`fit_arrhenius`. Without it the noise is
        taken as equal at every point: the covariance is scaled by the residual variance and the
        interval uses Student-t with n - 2 (n - 1 without intercept) dof. For errors proportional
        to L (e.g. 1 % of the thickness) pass ``L_err=0.01 * L``; the unweighted interval then
        covers k only ~87 % of the time at a nominal 95 % (measured, six points over 1-32 h).
    intercept : bool
        Fit L0 (default) or force the line through the origin.
    confidence : float
        Confidence level of the interval of k (``level=`` is its deprecated name).

    Returns
    -------
    ParabolicFit

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.diffusion import fit_parabolic
    >>> t = np.array([1, 4, 9, 16.0]) * 3600
    >>> round(fit_parabolic(t, 2e-9 * np.sqrt(t), intercept=False).k, 12)
    2e-09
    """
    t = np.atleast_1d(np.asarray(t, dtype=float))
    L = np.atleast_1d(np.asarray(L, dtype=float))
    if t.ndim != 1 or t.shape != L.shape:
        raise InputError(f"t and L must be 1-D arrays of equal length, got {t.shape} and {L.shape}")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(L))):
        raise DataError("t and L must be finite (no NaN)")
    if np.any(t < 0):
        raise InputError("times must be >= 0 s")
    confidence = check_confidence(confidence)
    n = t.size
    k_par = 2 if intercept else 1
    weighted = L_err is not None
    if weighted:
        err = _std_errors(L_err, L, "L_err", "unit of L")
        w = err**-2.0
    else:
        err = None
        w = np.ones_like(L)
    need = k_par if weighted else k_par + 1
    if n < need or np.unique(t).size < k_par:
        raise DataError(
            f"fit_parabolic needs at least {need} points at {k_par} different times"
            + ("" if weighted else " (give L_err to fit fewer)")
        )
    s = np.sqrt(t)
    X = np.vstack([np.ones_like(s), s]).T if intercept else s[:, None]
    beta, cov, q, r2 = _wls(X, L, w, weighted, confidence, centered=intercept)
    se = np.sqrt(np.diag(cov))
    k = float(beta[-1])
    expo, expo_se = np.nan, np.nan
    pos = (t > 0) & (L > 0)
    if pos.sum() >= 3 and np.unique(t[pos]).size >= 2:
        A = np.vstack([np.ones(pos.sum()), np.log(t[pos])]).T
        wl = (L[pos] / err[pos]) ** 2 if weighted else np.ones(pos.sum())  # 1/var(ln L)
        b, c2, _, _ = _wls(A, np.log(L[pos]), wl, weighted, confidence)
        expo, expo_se = float(b[1]), float(np.sqrt(c2[1, 1]))
    return ParabolicFit(
        k=k,
        k_stderr=float(se[-1]),
        ci=(float(k - q * se[-1]), float(k + q * se[-1])),
        kp=k * k,
        L0=float(beta[0]) if intercept else 0.0,
        L0_stderr=float(se[0]) if intercept else np.nan,
        exponent=expo,
        exponent_stderr=expo_se,
        r2=float(r2),
        confidence=confidence,
        n=n,
        weighted=weighted,
        t=t,
        L=L,
        L_err=err,
    )
