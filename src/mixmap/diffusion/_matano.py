"""D(C) without a model: Boltzmann-Matano, Sauer-Freise and Hall analyses of one profile."""

from __future__ import annotations

import numpy as np
from scipy.integrate import trapezoid
import pandas as pd

from .._results import Result, result
from ..errors import DataError, InputError
from ..kernels.interdiffusion import analyse_profile
from ._io import check_time
from ._preprocess import PreprocessedProfile, as_profile, savgol_matrices

METHODS = {"sauer-freise": 0, "matano": 1, "boltzmann-matano": 1, "hall": 2}
DEFAULT_TAIL = (0.01, 0.2)


@result
class DiffusivityResult(Result):
    """Inter-diffusion coefficient D(C) (m^2/s) at the concentrations ``c``.

    Attributes
    ----------
    method : str
    c : ndarray
        Concentrations at which D is evaluated.
    D : ndarray
        D(c) in m^2/s (NaN where the smoothed profile does not cross c or its gradient is not positive).
    x_matano : float
        Matano plane (m) from the mass balance.
    c_left, c_right : float
        Plateau concentrations.
    t : float
        Annealing time (s).
    """

    method: str
    c: np.ndarray
    D: np.ndarray
    x_matano: float
    c_left: float
    c_right: float
    t: float

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "c": self.c.tolist(),
            "D_m2_s": self.D.tolist(),
            "x_matano_m": self.x_matano,
            "c_left": self.c_left,
            "c_right": self.c_right,
            "t_s": self.t,
        }

    def to_frame(self):
        return pd.DataFrame({"c": self.c, "D_m2_s": self.D})


@result
class HallResult(DiffusivityResult):
    """Hall analysis.

    ``u = erfinv(2Y - 1) = h*lambda + k`` fitted on each tail, lambda = (x - x_M)/sqrt(t) in m/s^0.5; ``h`` in
    s^0.5/m, ``k`` dimensionless (left and right tail).
    """

    h_left: float = np.nan
    k_left: float = np.nan
    h_right: float = np.nan
    k_right: float = np.nan
    tail: tuple = DEFAULT_TAIL

    def to_dict(self) -> dict:
        d = super().to_dict()
        d.update(
            h_left=self.h_left, k_left=self.k_left, h_right=self.h_right, k_right=self.k_right, tail=list(self.tail)
        )
        return d


def default_levels(p: PreprocessedProfile, method: str, tail=DEFAULT_TAIL) -> np.ndarray:
    """Concentrations for D(C): Y = 0.05 ... 0.95 in steps of 0.025, or the Hall tail windows."""
    if method == "hall":
        lo, hi = tail
        y = np.linspace(lo + (hi - lo) * 0.05, hi - (hi - lo) * 0.05, 12)
        y = np.concatenate([y, 1.0 - y[::-1]])
    else:
        y = np.linspace(0.05, 0.95, 37)
    return p.c_left + y * (p.c_right - p.c_left)


def check_levels(levels, p: PreprocessedProfile, method: str, tail=DEFAULT_TAIL) -> np.ndarray:
    if levels is None:
        return default_levels(p, method, tail)
    lv = np.atleast_1d(np.asarray(levels, dtype=float))
    if lv.ndim != 1 or lv.size == 0 or not np.all(np.isfinite(lv)):
        raise InputError("levels must be a 1-D array of finite concentrations")
    lo, hi = sorted((p.c_left, p.c_right))
    if np.any(lv <= lo) or np.any(lv >= hi):
        raise InputError(f"levels must lie strictly between the plateaus {lo:.4g} and {hi:.4g}")
    return lv


def molar_volume_table(molar_volume, p: PreprocessedProfile):
    """(c_lo, c_step, table) of the molar volume on a uniform concentration grid (1 = unweighted).

    ``molar_volume``: None, (V_left, V_right) for Vegard's law (linear in Y), or a callable V(c).
    """
    if molar_volume is None:
        return 0.0, 0.0, np.ones(1)
    lo = min(p.c_left, p.c_right, p.c_smooth.min())
    hi = max(p.c_left, p.c_right, p.c_smooth.max())
    grid = np.linspace(lo, hi, 257)
    if callable(molar_volume):
        tab = np.asarray(molar_volume(grid), dtype=float) * np.ones_like(grid)
    else:
        try:
            vl, vr = (float(v) for v in molar_volume)
        except (TypeError, ValueError):
            raise InputError("molar_volume must be None, (V_left, V_right) or a callable V(c)") from None
        y = (grid - p.c_left) / (p.c_right - p.c_left)
        tab = vl + (vr - vl) * y
    if not np.all(np.isfinite(tab)) or np.any(tab <= 0):
        raise InputError("molar_volume must be positive and finite over the profile's concentration range")
    return float(lo), float(grid[1] - grid[0]), tab


def run_analysis(p: PreprocessedProfile, t: float, method: str, levels, *, molar_volume=None, tail=DEFAULT_TAIL):
    """Call the kernel :func:`mixmap.kernels.interdiffusion.analyse_profile` on a preprocessed profile."""
    code = METHODS[method]
    sg, sd = savgol_matrices(p.window, p.order, p.dx)
    vm_lo, vm_step, vm_tab = molar_volume_table(molar_volume, p)
    out = np.empty(levels.size)
    res = analyse_profile(
        p.c,
        float(p.x[0]),
        p.dx,
        float(t),
        sg,
        sd,
        int(p.n_plateau),
        levels,
        code,
        vm_lo,
        vm_step,
        vm_tab,
        float(tail[0]),
        float(tail[1]),
        out,
    )
    return out, res


def _check_tail(tail):
    try:
        lo, hi = (float(v) for v in tail)
    except (TypeError, ValueError):
        raise InputError("tail must be a pair (Y_low, Y_high), e.g. (0.01, 0.2)") from None
    if not 0 < lo < hi < 0.5:
        raise InputError(f"tail={tail}: need 0 < Y_low < Y_high < 0.5")
    return lo, hi


def matano_plane(x, c=None, *, x_unit="m", outlier_sigma=3.0, smooth="auto", grid=None) -> float:
    """Position (m) of the Matano plane.

    The plane of equal areas, int_{-inf}^{x_M} Y dx = int_{x_M}^{inf} (1 - Y) dx, i.e. x_M = x_N - int_{x_0}^{x_N} Y
    dx with Y = (c - c_L)/(c_R - c_L).

    Boltzmann-Matano analysis, ref. 002, Protocol 1 ("Determine the Matano interface").

    Parameters
    ----------
    x, c : array_like or PreprocessedProfile
        Profile (see :func:`preprocess`); ``x`` may be a :class:`PreprocessedProfile` with ``c=None``.

    Returns
    -------
    float
        x_M in m.
    """
    p = as_profile(x, c, x_unit=x_unit, outlier_sigma=outlier_sigma, smooth=smooth, grid=grid)
    y = p.normalized()
    return float(p.x[-1] - trapezoid(y, p.x))


def _analysis(method, x, c, t, levels, x_unit, outlier_sigma, smooth, grid, molar_volume=None, tail=DEFAULT_TAIL):
    t = check_time(t)
    p = as_profile(x, c, x_unit=x_unit, outlier_sigma=outlier_sigma, smooth=smooth, grid=grid, stacklevel=4)
    lv = check_levels(levels, p, method, tail)
    D, res = run_analysis(p, t, method, lv, molar_volume=molar_volume, tail=tail)
    if np.all(np.isnan(D)):
        raise DataError(
            f"{method}: D could not be evaluated at any level (profile not crossing the levels "
            "or gradient not positive); check the plateaus and the smoothing window"
        )
    return p, lv, D, res, t


def boltzmann_matano(
    x, c=None, t=None, *, levels=None, x_unit="m", outlier_sigma=3.0, smooth="auto", grid=None
) -> DiffusivityResult:
    """Boltzmann-Matano analysis: D(C*) = -1/(2t) (dx/dC)_{C*} int_{C_L}^{C*} (x - x_M) dC.

    The formula of ref. 002, Protocol 1 ("Data Analysis"), on the Savitzky-Golay smoothed profile
    (:func:`preprocess`): dx/dC from the smoothing filter's derivative, the integral by trapezoids along
    the profile, x_M from :func:`matano_plane`.

    Parameters
    ----------
    x : array_like or PreprocessedProfile
        Positions (m unless ``x_unit``) or a preprocessed :class:`PreprocessedProfile` (then ``c=None``).
    c : array_like, shape (n,) or (n_scans, n)
        Concentrations.
    t : float or str
        Annealing time in s (or "100h", "30min").
    levels : array_like, optional
        Concentrations at which D is wanted; default 37 levels at Y = 0.05 ... 0.95.
    x_unit, outlier_sigma, smooth, grid
        Passed to :func:`preprocess`.

    Returns
    -------
    DiffusivityResult

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.diffusion import boltzmann_matano
    >>> from mixmap.synthetic import diffusion_profile
    >>> x = np.linspace(-30e-6, 30e-6, 401)
    >>> r = boltzmann_matano(x, diffusion_profile(x, 3600.0, D=1e-14), 3600.0, levels=[0.5])
    >>> bool(abs(r.D[0] / 1e-14 - 1) < 0.01)
    True
    """
    p, lv, D, res, t = _analysis("matano", x, c, t, levels, x_unit, outlier_sigma, smooth, grid)
    return DiffusivityResult("matano", lv, D, float(res[2]), p.c_left, p.c_right, t)


def sauer_freise(
    x, c=None, t=None, *, levels=None, molar_volume=None, x_unit="m", outlier_sigma=3.0, smooth="auto", grid=None
) -> DiffusivityResult:
    """Sauer-Freise analysis (no Matano plane needed), with optional molar-volume weighting.

    With Y = (C - C_L)/(C_R - C_L) and molar volume V_m (Wagner's form of the method),
    D(Y*) = V_m*/(2t (dY/dx)_{x*}) [(1 - Y*) int_{-inf}^{x*} Y/V_m dx + Y* int_{x*}^{inf} (1 - Y)/V_m dx].
    For constant V_m it equals the Boltzmann-Matano result (it is the same mass balance integrated by
    parts) but needs no Matano plane; ref. 002, Table 1 ("EPMA / Sauer-Freise").

    Parameters
    ----------
    x, c, t, levels, x_unit, outlier_sigma, smooth, grid
        As in :func:`boltzmann_matano`.
    molar_volume : None, (V_left, V_right) or callable
        Molar volume (any unit; only ratios matter): constant (None), linear in Y between the two
        end members (Vegard), or a function V(c) of the concentration. Use with mole fractions.

    Returns
    -------
    DiffusivityResult
    """
    p, lv, D, res, t = _analysis(
        "sauer-freise", x, c, t, levels, x_unit, outlier_sigma, smooth, grid, molar_volume=molar_volume
    )
    return DiffusivityResult("sauer-freise", lv, D, float(res[2]), p.c_left, p.c_right, t)


def hall(
    x, c=None, t=None, *, levels=None, tail=DEFAULT_TAIL, x_unit="m", outlier_sigma=3.0, smooth="auto", grid=None
) -> HallResult:
    """Hall's method for the tails of a profile, where the Matano derivative is least reliable.

    On each tail, u = erfinv(2Y - 1) is fitted as a straight line u = h*lambda + k in the Boltzmann
    variable lambda = (x - x_M)/sqrt(t). Inserting Y = (1 + erf u)/2 into the Boltzmann integral
    D = -1/2 (dlambda/dY) int_0^Y lambda dY gives exactly

        D(Y) = 1/(4h^2) [1 + 2k sqrt(pi) Y exp(u^2)]          (left tail, Y -> 0)
        D(Y) = 1/(4h^2) [1 - 2k sqrt(pi) (1 - Y) exp(u^2)]    (right tail, Y -> 1)

    (Hall, J. Chem. Phys. 21 (1953) 87; the coefficient 2k sqrt(pi) follows from
    int_{-inf}^{u} (u' - k) exp(-u'^2) du' = -exp(-u^2)/2 - k sqrt(pi) (1 + erf u)/2).

    Parameters
    ----------
    x, c, t, x_unit, outlier_sigma, smooth, grid
        As in :func:`boltzmann_matano`.
    levels : array_like, optional
        Concentrations inside the tail windows; default 12 per tail. Levels outside get NaN.
    tail : (float, float)
        Y window of the left tail (Y_low, Y_high); the right tail is (1 - Y_high, 1 - Y_low).

    Returns
    -------
    HallResult
    """
    tail = _check_tail(tail)
    p, lv, D, res, t = _analysis("hall", x, c, t, levels, x_unit, outlier_sigma, smooth, grid, tail=tail)
    return HallResult(
        "hall",
        lv,
        D,
        float(res[2]),
        p.c_left,
        p.c_right,
        t,
        h_left=float(res[3]),
        k_left=float(res[4]),
        h_right=float(res[5]),
        k_right=float(res[6]),
        tail=tail,
    )
