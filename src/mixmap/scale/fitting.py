"""Parametric models of R(h) and their least-squares fits (paper Eq. 14, Section 3.4, Table 1).

Concern: the model registry (:class:`CorrelationModel`, :func:`register_correlation_model`,
:func:`correlation_models`; built-ins ``"sinc-exp"`` = Eq. 14, ``"exp"``, ``"stretched-exp"``,
``"gauss"``) and the multi-start fit :func:`fit_correlation` (:class:`CorrelationFit`).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from .._results import Result, result
from .._validate import check_integer
from ..errors import DataError, InputError
from .coefficient import CorrelationResult
from .smoothing import MeanCorrelation, SmoothedCorrelation

__all__ = ["CorrelationModel", "CorrelationFit", "correlation_models", "register_correlation_model", "fit_correlation"]


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
    if any(not (lo < hi) or math.isnan(lo) or math.isnan(hi) for lo, hi in zip(lower, upper, strict=True)):
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
    def starts(h, R):
        axes = []
        for lo, hi in zip(lower, upper, strict=True):
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


@result
class CorrelationFit(Result):
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
    model: Callable

    _summary = ("model_name", "r2", "sse", "n_points", "h_unit", "params")

    def __call__(self, h):
        """The fitted curve at distance(s) ``h`` (unit of the fitted h)."""
        return self.model(h)

    def to_dict(self) -> dict:
        """``model, r2, sse, n_points, h_unit``, the parameters and their ``*_stderr``."""
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
    n_starts = check_integer("n_starts", n_starts, minimum=1, optional=True)
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
            for n, v, lo, hi in zip(m.params, p0, m.lower, m.upper, strict=True)
            if not lo <= v <= hi
        ]
        if outside:
            raise InputError(f"p0 must lie within the bounds of model {m.name!r}: {'; '.join(outside)}")
        starts.insert(0, p0)
    lo = np.array(m.lower)
    hi = np.array(m.upper)
    best = None
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
    params = {p: float(v) for p, v in zip(m.params, popt, strict=True)}
    stderr = {p: float(v) for p, v in zip(m.params, err, strict=True)}
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
