"""Analysis of one concentration profile across an interface (inter-diffusion, issue 7).

* level crossings of the smoothed, normalised profile (mean of first and last upward crossing);
* plateau ends (least-squares line through the first/last points);
* Sauer-Freise, Boltzmann-Matano and Hall sums on a uniform grid (:func:`analyse_profile`).

Arrays in, arrays out; no validation (done in ``mixmap.diffusion``).
"""

import math

import numpy as np
from numba import njit

from .savgol import savgol_apply, savgol_at

# method codes of analyse_profile / mc_profiles
SAUER_FREISE = 0
MATANO = 1
HALL = 2

_SQRT_PI = math.sqrt(math.pi)


# --------------------------------------------------------------------------------------------------
# small numerical helpers
@njit(cache=True)
def erfinv(y):
    """Inverse error function for -1 < y < 1 (Giles' approximation refined by Newton steps)."""
    if y <= -1.0:
        return -np.inf
    if y >= 1.0:
        return np.inf
    w = -math.log((1.0 - y) * (1.0 + y))
    if w < 5.0:
        w -= 2.5
        p = 2.81022636e-08
        p = 3.43273939e-07 + p * w
        p = -3.5233877e-06 + p * w
        p = -4.39150654e-06 + p * w
        p = 0.00021858087 + p * w
        p = -0.00125372503 + p * w
        p = -0.00417768164 + p * w
        p = 0.246640727 + p * w
        p = 1.50140941 + p * w
    else:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        p = 0.000100950558 + p * w
        p = 0.00134934322 + p * w
        p = -0.00367342844 + p * w
        p = 0.00573950773 + p * w
        p = -0.0076224613 + p * w
        p = 0.00943887047 + p * w
        p = 1.00167406 + p * w
        p = 2.83297682 + p * w
    x = p * y
    for _ in range(2):  # Newton on erf(x) - y
        err = math.erf(x) - y
        x -= err / (2.0 / _SQRT_PI * math.exp(-x * x))
    return x


@njit(cache=True)
def _up_crossing(ys, lev, i):
    """Fractional index of the upward crossing of ``lev`` between points i and i + 1."""
    a = ys[i] - lev
    b = ys[i + 1] - lev
    return i + a / (a - b)


@njit(cache=True)
def crossing(ys, rmax, rmin, level):
    """Fractional index where the smoothed normalised profile ``ys`` crosses ``level`` upwards.

    Mean of the first upward crossing (ys[i] <= level < ys[i+1]) and the last one; they coincide for a monotonic
    profile. ``rmax``/``rmin`` are the running maximum from the left and running minimum from the right of ``ys``
    (binary search). Returns -1 when there is no upward crossing.
    """
    n = ys.size
    fl = -1.0
    if ys[0] <= level:
        j = np.searchsorted(rmax, level, side="right")
        if j < n:
            fl = _up_crossing(ys, level, j - 1)
    else:
        for i in range(n - 1):
            if ys[i] <= level and ys[i + 1] > level:
                fl = _up_crossing(ys, level, i)
                break
    if fl < 0.0:
        return -1.0
    fr = fl
    if ys[n - 1] > level:
        i = np.searchsorted(rmin, level, side="right") - 1
        if i >= 0:
            fr = _up_crossing(ys, level, i)
    else:
        for i in range(n - 2, -1, -1):
            if ys[i] <= level and ys[i + 1] > level:
                fr = _up_crossing(ys, level, i)
                break
    return 0.5 * (fl + fr)


@njit(cache=True)
def _at(arr, f):
    """Linear interpolation of ``arr`` at fractional index ``f``."""
    i = int(f)
    if i >= arr.size - 1:
        return arr[arr.size - 1]
    w = f - i
    return arr[i] * (1.0 - w) + arr[i + 1] * w


@njit(cache=True)
def _interp_uniform(c, c_lo, c_step, tab):
    """Linear interpolation in a table sampled on a uniform grid c_lo + k*c_step (clamped ends)."""
    m = tab.size
    if m == 1 or c_step <= 0.0:
        return tab[0]
    f = (c - c_lo) / c_step
    if f <= 0.0:
        return tab[0]
    if f >= m - 1:
        return tab[m - 1]
    i = int(f)
    w = f - i
    return tab[i] * (1.0 - w) + tab[i + 1] * w


# --------------------------------------------------------------------------------------------------
# analysis of one profile
@njit(cache=True)
def plateau_end(c, m, right):
    """Value at the end point of the least-squares line through the first or last ``m`` points of ``c``.

    The first points when ``right`` is False, else the last (unbiased for a plateau that still drifts
    slightly).
    """
    n = c.size
    ib = 0.5 * (m - 1)
    cb = 0.0
    for k in range(m):
        cb += c[n - m + k] if right else c[k]
    cb /= m
    sxy = 0.0
    sxx = 0.0
    for k in range(m):
        v = c[n - m + k] if right else c[k]
        sxy += (k - ib) * (v - cb)
        sxx += (k - ib) * (k - ib)
    b = sxy / sxx
    return cb + b * ((m - 1) - ib) if right else cb - b * ib


@njit(cache=True)
def analyse_profile(
    c, x0, dx, t, sg_smooth, sg_deriv, m_plateau, levels, method, vm_lo, vm_step, vm_tab, tail_lo, tail_hi, out
):
    """D at the concentrations ``levels`` from one profile ``c`` on the grid x0 + i*dx.

    Steps: Savitzky-Golay smoothing and first derivative; plateaus c_L, c_R = values at the end points
    of straight lines fitted to the first and last ``m_plateau`` raw points (:func:`plateau_end`);
    Y = (c - c_L)/(c_R - c_L); then for each level the crossing x* of
    the smoothed Y and

    * Sauer-Freise (``method`` 0), with molar volume Vm(c) tabulated on a uniform c grid:
      D = Vm*/(2t Y'*) [(1-Y*) int_{x0}^{x*} Y/Vm dx + Y* int_{x*}^{xN} (1-Y)/Vm dx];
    * Boltzmann-Matano (1): x_M from the mass balance int (Y - H(x - x_M)) dx = 0, and
      D = -1/(2t Y'*) int_0^{Y*} (x - x_M) dY (trapezoids along the smoothed profile, starting with
      the segment from Y = 0 to the first smoothed point at x0);
    * Hall (2): u = erfinv(2Y - 1) is fitted as u = h*lam + k with lam = (x - x_M)/sqrt(t) over the
      points with tail_lo < Y < tail_hi (left tail) and 1-tail_hi < Y < 1-tail_lo (right tail);
      D = (1 + 2k sqrt(pi) Y exp(u^2)) / (4h^2) on the left, (1 - 2k sqrt(pi) (1-Y) exp(u^2)) / (4h^2)
      on the right, for levels inside the tail windows (NaN elsewhere).

    Writes D into ``out`` (NaN where the level is not crossed or the gradient is not positive) and
    returns (c_L, c_R, x_M, h_left, k_left, h_right, k_right).
    """
    n = c.size
    cs = savgol_apply(c, sg_smooth)
    cl = plateau_end(c, m_plateau, False)
    cr = plateau_end(c, m_plateau, True)
    delta = cr - cl
    ys = (cs - cl) / delta
    rmax = np.empty(n)
    rmin = np.empty(n)
    rmax[0] = ys[0]
    for i in range(1, n):
        rmax[i] = max(rmax[i - 1], ys[i])
    rmin[n - 1] = ys[n - 1]
    for i in range(n - 2, -1, -1):
        rmin[i] = min(rmin[i + 1], ys[i])
    # cumulative trapezoid integrals of Y/Vm and (1-Y)/Vm from the left
    fw = np.empty(n)
    gw = np.empty(n)
    fw[0] = 0.0
    gw[0] = 0.0
    yv_prev = ys[0] / _interp_uniform(cs[0], vm_lo, vm_step, vm_tab)
    zv_prev = (1.0 - ys[0]) / _interp_uniform(cs[0], vm_lo, vm_step, vm_tab)
    for i in range(1, n):
        vm = _interp_uniform(cs[i], vm_lo, vm_step, vm_tab)
        yv = ys[i] / vm
        zv = (1.0 - ys[i]) / vm
        fw[i] = fw[i - 1] + 0.5 * dx * (yv + yv_prev)
        gw[i] = gw[i - 1] + 0.5 * dx * (zv + zv_prev)
        yv_prev = yv
        zv_prev = zv
    xn = x0 + (n - 1) * dx
    # Matano plane from the (unweighted) mass balance: int_{x0}^{xN} Y dx = xN - x_M
    fy = 0.0
    for i in range(1, n):
        fy += 0.5 * dx * (ys[i] + ys[i - 1])
    x_m = xn - fy
    hl = np.nan
    kl = np.nan
    hr = np.nan
    kr = np.nan
    if method == MATANO:
        mcum = np.empty(n)
        mcum[0] = (x0 - x_m) * ys[0]  # from Y = 0 (c_L) up to the first smoothed point
        for i in range(1, n):
            xmid = x0 + (i - 0.5) * dx
            mcum[i] = mcum[i - 1] + (xmid - x_m) * (ys[i] - ys[i - 1])
    if method == HALL:
        st = math.sqrt(t)
        for side in range(2):
            s0 = 0.0
            s1 = 0.0
            s2 = 0.0
            su = 0.0
            slu = 0.0
            for i in range(n):
                y = ys[i]
                if side == 0:
                    inside = y > tail_lo and y < tail_hi
                else:
                    inside = y > 1.0 - tail_hi and y < 1.0 - tail_lo
                if inside:
                    lam = (x0 + i * dx - x_m) / st
                    u = erfinv(2.0 * y - 1.0)
                    s0 += 1.0
                    s1 += lam
                    s2 += lam * lam
                    su += u
                    slu += lam * u
            den = s0 * s2 - s1 * s1
            if s0 >= 3.0 and den > 0.0:
                h = (s0 * slu - s1 * su) / den
                k = (su - h * s1) / s0
                if side == 0:
                    hl = h
                    kl = k
                else:
                    hr = h
                    kr = k
    gtot = gw[n - 1]
    for j in range(levels.size):
        ystar = (levels[j] - cl) / delta
        f = crossing(ys, rmax, rmin, ystar)
        if f < 0.0:
            out[j] = np.nan
            continue
        i0 = min(int(f), n - 2)
        wf = f - i0
        g = ((1.0 - wf) * savgol_at(c, sg_deriv, i0) + wf * savgol_at(c, sg_deriv, i0 + 1)) / delta
        if not g > 0.0:
            out[j] = np.nan
            continue
        if method == SAUER_FREISE:
            vm = _interp_uniform(levels[j], vm_lo, vm_step, vm_tab)
            fl = _at(fw, f)
            gr = gtot - _at(gw, f)
            out[j] = vm * ((1.0 - ystar) * fl + ystar * gr) / (2.0 * t * g)
        elif method == MATANO:
            out[j] = -_at(mcum, f) / (2.0 * t * g)
        else:
            if ystar > tail_lo and ystar < tail_hi and hl > 0.0:
                u = erfinv(2.0 * ystar - 1.0)
                out[j] = (1.0 + 2.0 * kl * _SQRT_PI * ystar * math.exp(u * u)) / (4.0 * hl * hl)
            elif ystar > 1.0 - tail_hi and ystar < 1.0 - tail_lo and hr > 0.0:
                u = erfinv(2.0 * ystar - 1.0)
                out[j] = (1.0 - 2.0 * kr * _SQRT_PI * (1.0 - ystar) * math.exp(u * u)) / (4.0 * hr * hr)
            else:
                out[j] = np.nan
    return cl, cr, x_m, hl, kl, hr, kr
