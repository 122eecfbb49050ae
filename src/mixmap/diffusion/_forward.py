"""Forward solver of Fick's second law with D(C) and fits of parametric D(C) by forward simulation."""

from __future__ import annotations


import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.stats import norm

from .._results import Result, result
from .._validate import check_confidence, check_integer
from .._deprecate import renamed_attribute, renamed_keyword
from ..errors import DataError, InputError
from ..kernels.forward import diffuse
from ._fits import fit_erfc
from ._io import check_time, x_scale
from ._preprocess import as_profile

SCHEMES = {"crank-nicolson": (0.5, 4), "implicit": (1.0, 0)}
TABLE_POINTS = 513


def diffusivity_table(D, c_lo: float, c_hi: float, n: int = TABLE_POINTS):
    """(c_lo, c_step, log D table) on a uniform concentration grid covering [c_lo, c_hi].

    ``D``: a positive number (m^2/s), a callable D(c) evaluated on the grid, or a table
    (c_grid, D_grid) interpolated linearly in log D (it must cover [c_lo, c_hi]; nothing is extrapolated).
    """
    if callable(D):
        grid = np.linspace(c_lo, c_hi, n) if c_hi > c_lo else np.array([c_lo])
        try:
            vals = np.asarray(D(grid), dtype=float) * np.ones_like(grid)
        except Exception as exc:
            raise InputError(
                f"D(c) failed on an array of concentrations: {exc}; it must accept a NumPy array and return D in m^2/s"
            ) from None
    elif np.ndim(D) == 0:
        vals = np.array([float(D)])
        grid = np.array([c_lo])
    else:
        try:
            cg, dg = (np.asarray(v, dtype=float) for v in D)
        except (TypeError, ValueError):
            raise InputError("D must be a number (m^2/s), a callable D(c) or a table (c_grid, D_grid)") from None
        if cg.ndim != 1 or cg.shape != dg.shape or cg.size < 2 or np.any(np.diff(cg) <= 0):
            raise InputError("a D table needs increasing c_grid and D_grid of the same length >= 2")
        if cg[0] > c_lo + 1e-12 * max(1.0, abs(c_lo)) or cg[-1] < c_hi - 1e-12 * max(1.0, abs(c_hi)):
            raise InputError(
                f"the D table covers c in [{cg[0]:.4g}, {cg[-1]:.4g}] but the profile spans "
                f"[{c_lo:.4g}, {c_hi:.4g}]; extend the table (nothing is extrapolated)"
            )
        if np.any(~np.isfinite(dg)) or np.any(dg <= 0):
            raise InputError("D_grid must be positive and finite (m^2/s)")
        grid = np.linspace(c_lo, c_hi, n) if c_hi > c_lo else np.array([c_lo])
        vals = np.exp(np.interp(grid, cg, np.log(dg)))
    if np.any(~np.isfinite(vals)) or np.any(vals <= 0):
        raise InputError("D must be positive and finite (m^2/s) over the concentration range of the profile")
    step = float(grid[1] - grid[0]) if grid.size > 1 else 0.0
    return float(grid[0]), step, np.log(vals)


def time_schedule(t_out, n_steps: int):
    """Step end times.

    Quadratic spacing t_max (k/N)^2 (fine steps while the initial step relaxes) merged with the requested output
    times; returns (times, save flags).
    """
    t_out = np.asarray(t_out, dtype=float)
    base = t_out.max() * (np.arange(1, n_steps + 1) / n_steps) ** 2
    times = np.unique(np.concatenate([base, t_out]))
    save = np.isin(times, t_out)
    return times, save


def simulate(
    x,
    c0,
    D,
    t,
    *,
    n_steps: int = 100,
    scheme: str = "crank-nicolson",
    iteration: str = "newton",
    x_unit="m",
    tol=None,
    max_iter: int = 50,
):
    """Solve dc/dt = d/dx (D(c) dc/dx) with zero-flux ends (implicit finite volumes, Numba).

    Crank-Nicolson (theta = 1/2, second order in time; the first four steps are fully implicit to damp
    the oscillations a step initial condition excites) or fully implicit (theta = 1). D(c) is evaluated
    at the faces at the mid-step concentration and the nonlinear system of each step is solved by
    Newton's method (default; its Jacobian is tridiagonal too) or Picard iteration; each linear system
    by the Thomas algorithm. Steps grow quadratically in time (fine steps while the initial step
    relaxes); 100 steps reproduce the analytic erfc to ~1e-5 of the step height.
    Kernel: :func:`mixmap.kernels.forward.diffuse`. Fick's second law, ref. 002 ("Fick's-law fits").

    Parameters
    ----------
    x : array_like, shape (n,)
        Increasing node positions (m unless ``x_unit``); non-uniform grids are allowed.
    c0 : array_like, shape (n,)
        Initial concentrations.
    D : float, callable or (c_grid, D_grid)
        Inter-diffusion coefficient in m^2/s: constant, a function D(c) (evaluated on a 513-point grid
        spanning the concentrations of ``c0`` and interpolated linearly in log D), or a table.
    t : float or array_like
        Time(s) in s at which the profile is returned.
    n_steps : int
        Number of time steps to the last time.
    scheme : {"crank-nicolson", "implicit"}
    iteration : {"newton", "picard"}
        Solver of the nonlinear system of each step (same solution; Newton needs fewer solves).
    tol : float, optional
        Stop iterating when the last correction is below tol x (concentration range); Newton also
        stops after its first correction d1 when the quadratic convergence of the previous step
        (K = d2/d1²) predicts the next one, K d1², below 0.1 tol x range. Default 1e-6 for Newton
        (measured iteration error 1e-8 to 2e-7 of the range on 300-2000 nodes, under 1 % of the
        time-discretisation error of 100 steps) and 1e-9 for Picard (linear convergence).
    max_iter : int
        Maximum number of iterations per step.

    Returns
    -------
    ndarray
        c(x, t), shape (n,) for a scalar ``t`` or (len(t), n).

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.diffusion import simulate
    >>> from scipy.special import erfc
    >>> x = np.linspace(-50e-6, 50e-6, 401)
    >>> c0 = np.where(x < 0, 0.0, 1.0); c0[200] = 0.5
    >>> c = simulate(x, c0, 1e-14, 3600.0)           # 2 sqrt(D t) = 12 um
    >>> exact = 0.5 * erfc(-x / (2 * np.sqrt(1e-14 * 3600.0)))
    >>> bool(np.abs(c - exact).max() < 1e-3)
    True
    """
    x = np.asarray(x, dtype=float) * x_scale(x_unit)
    c0 = np.asarray(c0, dtype=float)
    if x.ndim != 1 or x.size < 3:
        raise InputError("x must be a 1-D array of at least 3 positions")
    if c0.shape != x.shape:
        raise InputError(f"c0 must have the shape of x {x.shape}, got {c0.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(c0))):
        raise DataError("x and c0 must be finite (no NaN/inf)")
    if np.any(np.diff(x) <= 0):
        raise InputError("x must be strictly increasing (sort it; no duplicates)")
    if scheme not in SCHEMES:
        raise InputError(f"scheme={scheme!r}: use 'crank-nicolson' or 'implicit'")
    if iteration not in ("newton", "picard"):
        raise InputError(f"iteration={iteration!r}: use 'newton' or 'picard'")
    n_steps = check_integer("n_steps", n_steps, minimum=1)
    scalar = np.ndim(t) == 0
    t_out = np.atleast_1d(np.asarray([check_time(v) for v in np.atleast_1d(t)], dtype=float))
    if t_out.ndim != 1 or np.any(np.diff(t_out) <= 0):
        raise InputError("t must be a positive time or an increasing array of times (s)")
    c_lo, c_step, tab = diffusivity_table(D, float(c0.min()), float(c0.max()))
    theta, n_start = SCHEMES[scheme]
    times, save = time_schedule(t_out, int(n_steps))
    rng = float(c0.max() - c0.min()) or 1.0
    if tol is None:
        tol = 1e-6 if iteration == "newton" else 1e-9
    out, _ = diffuse(
        x, c0, times, theta, n_start, c_lo, c_step, tab, int(max_iter), tol * rng, save, iteration == "newton"
    )
    return out[0] if scalar else out


# --------------------------------------------------------------------------------------------------
def _basis(model, y, knots, degree):
    """Rows of the log-D basis at normalised concentrations y."""
    y = np.asarray(y, dtype=float)
    if model == "exp":
        return np.vstack([np.ones_like(y), y]).T
    if model == "poly-logD":
        return np.vstack([y**k for k in range(degree + 1)]).T
    # piecewise linear in log D through the knots (hat functions)
    B = np.empty((y.size, knots.size))
    for j in range(knots.size):
        e = np.zeros(knots.size)
        e[j] = 1.0
        B[:, j] = np.interp(y, knots, e)
    return B


@result
class ForwardFit(Result):
    """Parametric D(C) fitted by forward simulation.

    Attributes
    ----------
    model : str
        "exp" (log D linear in Y), "poly-logD" (polynomial in Y) or "knots" (piecewise linear log D).
    c, D, D_low, D_high : ndarray
        D(c) in m^2/s with the ``confidence`` confidence band (delta method on log D).
    params : ndarray
        log-D coefficients (log of m^2/s units for the constant term).
    x0 : float
        Initial interface position (m).
    c_left, c_right : float
        Fitted end concentrations.
    r2, rms : float
        Goodness of fit; rms in concentration units.
    fitted : ndarray
        Model profile at the data positions.
    """

    model: str
    c: np.ndarray
    D: np.ndarray
    D_low: np.ndarray
    D_high: np.ndarray
    params: np.ndarray
    x0: float
    c_left: float
    c_right: float
    r2: float
    rms: float
    confidence: float
    t: float
    x: np.ndarray
    fitted: np.ndarray
    knots: np.ndarray = None

    level = renamed_attribute("confidence")  # deprecated name of confidence

    def D_of(self, c):
        """D (m^2/s) of the fitted model at concentrations ``c``."""
        y = (np.asarray(c, dtype=float) - self.c_left) / (self.c_right - self.c_left)
        degree = self.params.size - 1
        return np.exp(_basis(self.model, np.atleast_1d(y), self.knots, degree) @ self.params)

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "params": self.params.tolist(),
            "x0_m": self.x0,
            "c_left": self.c_left,
            "c_right": self.c_right,
            "r2": self.r2,
            "rms": self.rms,
            "confidence": self.confidence,
            "t_s": self.t,
            "c": self.c.tolist(),
            "D_m2_s": self.D.tolist(),
        }

    def to_frame(self):
        return pd.DataFrame({"c": self.c, "D_m2_s": self.D, "D_low": self.D_low, "D_high": self.D_high})


@renamed_keyword("level", "confidence")
def fit_forward(
    x,
    c=None,
    t=None,
    *,
    model="exp",
    degree: int = 2,
    x_unit="m",
    outlier_sigma=3.0,
    grid=None,
    confidence: float = 0.95,
    n_steps: int = 80,
    pad: float = 6.0,
    points_per_width: int = 24,
) -> ForwardFit:
    """Fit a parametric D(C) by forward simulation (least squares on the profile).

    The robust alternative to differentiating noisy data (Boltzmann-Matano): the diffusion couple
    (step from c_left to c_right at x0, semi-infinite ends approximated by zero-flux ends ``pad``
    widths beyond the data) is evolved by :func:`simulate` for each trial D(C) and compared with the
    measured profile; scipy.optimize.least_squares adjusts log D(C), x0, c_left and c_right.

    Parameters
    ----------
    x, c, t
        Profile (m unless ``x_unit``; or a :class:`PreprocessedProfile` with ``c=None``) and time (s).
    model : "exp", "poly-logD" or array_like of knots
        log D as a line in Y = (c - c_L)/(c_R - c_L) (D = D0 exp(b Y)), a polynomial of ``degree`` in
        Y, or piecewise linear through values at the given Y knots (in [0, 1], increasing).
    confidence : float
        Confidence level of the D(C) band (delta method from the least-squares covariance);
        ``level=`` is its deprecated name.
    n_steps, pad, points_per_width
        Time steps, domain padding (in erfc widths 2 sqrt(D t)) and grid resolution of the solver.

    Returns
    -------
    ForwardFit
    """
    t = check_time(t)
    p = as_profile(x, c, x_unit=x_unit, outlier_sigma=outlier_sigma, smooth="auto", grid=grid)
    confidence = check_confidence(confidence)
    knots = None
    if isinstance(model, str):
        if model not in ("exp", "poly-logD"):
            raise InputError(f"model={model!r}: use 'exp', 'poly-logD' or an array of knots in Y")
        if model == "poly-logD" and not 1 <= int(degree) <= 6:
            raise InputError(f"degree must be 1..6, got {degree}")
        name = model
    else:
        knots = np.asarray(model, dtype=float)
        if knots.ndim != 1 or knots.size < 2 or np.any(np.diff(knots) <= 0) or knots[0] > 0 or knots[-1] < 1:
            raise InputError("knots must be increasing Y values covering [0, 1], e.g. [0, 0.25, 0.5, 0.75, 1]")
        name = "knots"
    e = fit_erfc(p, t=t)
    D0 = max(e.D_apparent, 1e-300)
    L = 2.0 * np.sqrt(D0 * t)  # length unit: erfc width
    xs = (p.x - p.x[0]) / L
    tau = 0.25  # D0 t / L^2
    times, save = time_schedule([tau], int(n_steps))
    nb = _basis(name, np.array([0.0]), knots, int(degree)).shape[1]
    ytab = np.linspace(0.0, 1.0, 129)
    Btab = _basis(name, ytab, knots, int(degree))
    grid = {}

    def set_grid(h, pad_):
        n_sim = int(np.ceil((xs[-1] + 2 * pad_) / h)) + 1
        if n_sim > 20000:
            raise DataError(
                "fit_forward: the solver grid would need more than 20000 nodes (D(C) spans too "
                "wide a range for this profile length); crop the profile or use a simpler model"
            )
        grid["h"], grid["pad"] = h, pad_
        grid["xg"] = -pad_ + h * np.arange(n_sim)

    def simulate_params(q):
        theta = q[:nb]
        x0s, cl, cr = q[nb], q[nb + 1], q[nb + 2]
        xg, h = grid["xg"], grid["h"]
        frac = np.clip((xg + h / 2 - x0s) / h, 0.0, 1.0)
        c0 = cl + (cr - cl) * frac
        logd = Btab @ theta  # log(D/D0) on the Y table
        lo, hi = (cl, cr) if cr >= cl else (cr, cl)
        tab = logd if cr >= cl else logd[::-1]
        step = (hi - lo) / (ytab.size - 1)
        out, _ = diffuse(xg, c0, times, 0.5, 4, lo, step, np.ascontiguousarray(tab), 50, 1e-8, save, True)
        return np.interp(xs, xg, out[0])

    def resid(q):
        return simulate_params(q) - p.c

    q0 = np.zeros(nb + 3)
    q0[nb] = (e.x0 - p.x[0]) / L
    q0[nb + 1] = e.c_left
    q0[nb + 2] = e.c_right
    set_grid(1.0 / points_per_width, pad)
    for _ in range(3):
        sol = least_squares(resid, q0, method="trf", x_scale="jac", diff_step=1e-6, xtol=1e-10, ftol=1e-10)
        # the grid must resolve the narrowest transition and keep the ends beyond the widest one
        logd = Btab @ sol.x[:nb]
        w_min, w_max = np.exp(0.5 * logd.min()), np.exp(0.5 * logd.max())  # widths in units of L
        h_need, pad_need = w_min / points_per_width, pad * w_max
        if grid["h"] <= 1.5 * h_need and grid["pad"] >= 0.75 * pad_need:
            break
        set_grid(min(grid["h"], h_need), max(grid["pad"], pad_need))
        q0 = sol.x
    r = sol.fun
    n, k = r.size, sol.x.size
    sse = float(r @ r)
    sst = float(((p.c - p.c.mean()) ** 2).sum())
    J = sol.jac
    try:
        cov = np.linalg.inv(J.T @ J) * sse / max(n - k, 1)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    theta = sol.x[:nb].copy()
    if name in ("exp", "poly-logD"):
        theta[0] += np.log(D0)
    else:
        theta += np.log(D0)
    yl = np.linspace(0.02, 0.98, 49)
    B = _basis(name, yl, knots, int(degree))
    logd = B @ theta
    sd = np.sqrt(np.einsum("ij,jk,ik->i", B, cov[:nb, :nb], B))
    z = norm.ppf(0.5 + confidence / 2)
    cl, cr = float(sol.x[nb + 1]), float(sol.x[nb + 2])
    return ForwardFit(
        model=name,
        c=cl + yl * (cr - cl),
        D=np.exp(logd),
        D_low=np.exp(logd - z * sd),
        D_high=np.exp(logd + z * sd),
        params=theta,
        x0=float(p.x[0] + sol.x[nb] * L),
        c_left=cl,
        c_right=cr,
        r2=1.0 - sse / sst if sst > 0 else np.nan,
        rms=float(np.sqrt(sse / n)),
        confidence=confidence,
        t=t,
        x=p.x,
        fitted=p.c + r,
        knots=knots,
    )
