"""Synthetic inter-diffusion profiles with known D(C): analytic erfc or the forward solver."""

from __future__ import annotations

import numpy as np
from scipy.special import erfc

from .._random import generator
from .._units import length_factor
from .._validate import check_integer
from ..diffusion import check_time, diffusivity_table, simulate
from ..errors import InputError


def diffusion_profile(
    x,
    t,
    D=1e-14,
    c_left=0.0,
    c_right=1.0,
    *,
    x0=0.0,
    noise=0.0,
    n_scans=1,
    seed=0,
    x_unit="m",
    n_steps=400,
    points_per_width=40,
):
    """Concentration profile of a diffusion couple after annealing for ``t`` s, optionally noisy.

    Constant D: the analytic solution c = c_L + (c_R - c_L)/2 erfc(-(x - x0)/(2 sqrt(D t))). D(c)
    (callable or (c_grid, D_grid) table): the implicit forward solver
    (:func:`mixmap.diffusion.simulate`) on a fine grid extended far beyond ``x`` so the couple is
    semi-infinite, interpolated to ``x``.

    Parameters
    ----------
    x : array_like
        Positions (m unless ``x_unit``).
    t : float
        Annealing time in s.
    D : float, callable or (c_grid, D_grid)
        Inter-diffusion coefficient in m^2/s.
    c_left, c_right : float
        End concentrations (x -> -inf, x -> +inf).
    x0 : float
        Initial interface position (same unit as ``x``).
    noise : float or array_like
        Standard deviation of additive Gaussian noise (concentration units; per point if an array).
    n_scans : int
        Number of independent noisy scans; > 1 returns shape (n_scans, n).
    seed : int, Generator or None
        Random seed of the noise (default 0: identical calls give identical profiles).

    Returns
    -------
    ndarray
        c at ``x``, shape (n,) or (n_scans, n).

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.synthetic import diffusion_profile
    >>> x = np.array([-20, -5, 0, 5, 20]) * 1e-6
    >>> np.round(diffusion_profile(x, 3600.0, D=1e-15), 3).tolist()
    [0.0, 0.031, 0.5, 0.969, 1.0]
    """
    scale = length_factor(x_unit, "x_unit")
    x = np.asarray(x, dtype=float) * scale
    x0 = float(x0) * scale
    t = check_time(t)
    if x.ndim != 1 or x.size < 1 or not np.all(np.isfinite(x)):
        raise InputError("x must be a 1-D array of finite positions")
    n_scans = check_integer("n_scans", n_scans, minimum=1)
    lo, hi = min(c_left, c_right), max(c_left, c_right)
    if np.ndim(D) == 0 and not callable(D):
        D = float(D)
        if not D > 0:
            raise InputError(f"D must be positive (m^2/s), got {D}")
        c = c_left + 0.5 * (c_right - c_left) * erfc(-(x - x0) / (2.0 * np.sqrt(D * t)))
    else:
        _, _, logd = diffusivity_table(D, lo, hi)
        dmin, dmax = float(np.exp(logd.min())), float(np.exp(logd.max()))
        wmin, wmax = 2 * np.sqrt(dmin * t), 2 * np.sqrt(dmax * t)
        pad = 8 * wmax
        a, b = min(x.min(), x0) - pad, max(x.max(), x0) + pad
        h = wmin / points_per_width
        n = int(np.ceil((b - a) / h)) + 1
        if n > 200_000:
            raise InputError("the profile is too wide for its narrowest transition; narrow x or raise D")
        xg = np.linspace(a, b, n)
        hg = xg[1] - xg[0]
        frac = np.clip((xg + hg / 2 - x0) / hg, 0.0, 1.0)
        c0 = c_left + (c_right - c_left) * frac
        cg = simulate(xg, c0, D, t, n_steps=n_steps)
        c = np.interp(x, xg, cg)
    if int(n_scans) > 1:
        c = np.repeat(c[None, :], int(n_scans), axis=0)
    noise = np.asarray(noise, dtype=float)
    if np.any(noise < 0) or not np.all(np.isfinite(noise)):
        raise InputError("noise must be a non-negative standard deviation")
    if np.any(noise > 0):
        c = c + generator(seed).normal(size=c.shape) * noise
    return c
