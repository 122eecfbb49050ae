"""Kernels for concentration profiles across an interface (inter-diffusion, issue 7).

* Savitzky-Golay smoothing/differentiation as a convolution with precomputed coefficients
  (``scipy.signal.savgol_coeffs``, computed once in Python; edge rows reproduce ``mode="interp"``).
* Sauer-Freise, Boltzmann-Matano and Hall analyses of one profile on a uniform grid.
* Monte-Carlo error propagation: replicates of a base profile with Gaussian noise drawn from the
  counter-based generator (:mod:`mixmap.kernels.rng`) keyed per replicate, so the result does not
  depend on the number of threads; parallel over chunks of replicates.
* Levenberg-Marquardt fit of the erfc diffusion-couple solution (for Monte-Carlo of ``fit_erfc``).
* Forward solver of dc/dt = d/dx (D(c) dc/dx): finite volumes on any increasing grid, zero-flux ends,
  theta scheme (Crank-Nicolson theta=1/2 with fully implicit start-up steps, or fully implicit),
  Newton (stopping early when the next correction is predicted below the tolerance) or Picard
  iteration on D(c), Thomas tridiagonal solve.

Arrays in, arrays out; no validation (done in ``mixmap.diffusion``).
"""

import math

import numpy as np
from numba import njit, prange

from .rng import uniform

# method codes of analyse_profile / mc_profiles
SAUER_FREISE = 0
MATANO = 1
HALL = 2

_SQRT_PI = math.sqrt(math.pi)


# --------------------------------------------------------------------------------------------------
# Savitzky-Golay as a convolution
@njit(cache=True)
def savgol_apply(y, coef):
    """Apply Savitzky-Golay coefficients ``coef`` (w x w: row p = weights for position p of a window,
    as ``savgol_coeffs(w, order, pos=p, use="dot")``) to ``y``. Interior points use the centre row;
    the first and last w//2 points use the edge rows on the first/last window (``mode="interp"``).
    """
    n = y.size
    w = coef.shape[0]
    h = w // 2
    out = np.empty(n)
    for i in range(h, n - h):
        s = 0.0
        for j in range(w):
            s += coef[h, j] * y[i - h + j]
        out[i] = s
    for p in range(h):
        s = 0.0
        s2 = 0.0
        for j in range(w):
            s += coef[p, j] * y[j]
            s2 += coef[w - h + p, j] * y[n - w + j]
        out[p] = s
        out[n - h + p] = s2
    return out


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
    """Fractional index where the smoothed normalised profile ``ys`` crosses ``level`` upwards: mean of
    the first upward crossing (ys[i] <= level < ys[i+1]) and the last one; they coincide for a
    monotonic profile. ``rmax``/``rmin`` are the running maximum from the left and running minimum from
    the right of ``ys`` (binary search). Returns -1 when there is no upward crossing.
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
def savgol_at(y, coef, i):
    """Savitzky-Golay filter output at index ``i`` only (same rows as :func:`savgol_apply`)."""
    n = y.size
    w = coef.shape[0]
    h = w // 2
    s = 0.0
    if i < h:
        for j in range(w):
            s += coef[i, j] * y[j]
    elif i >= n - h:
        p = w - (n - i)
        for j in range(w):
            s += coef[p, j] * y[n - w + j]
    else:
        for j in range(w):
            s += coef[h, j] * y[i - h + j]
    return s


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
    """Value at the end point of the least-squares line through the first (``right`` False) or last
    ``m`` points of ``c`` (unbiased for a plateau that still drifts slightly).
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
    of straight lines fitted to the first and last ``m_plateau`` raw points (:func:`plateau_end`); Y = (c - c_L)/(c_R - c_L); then for each level the crossing x* of
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


# --------------------------------------------------------------------------------------------------
# random replicates
@njit(cache=True)
def replicate(base, sigma, jitter, key, out):
    """One replicate: out[i] = base(i + jitter*z'_i) + sigma_i * z_i with standard normal z, z' drawn
    by Box-Muller from draws 0..4n-1 of the counter-based stream ``key`` (``sigma`` has one value per
    point; ``jitter`` is the position noise in grid steps, linear interpolation of ``base``).
    """
    n = base.size
    for i in range(n):
        u1 = uniform(key, 2 * i)
        u2 = uniform(key, 2 * i + 1)
        z = math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
        v = base[i]
        if jitter > 0.0:
            w1 = uniform(key, 2 * n + 2 * i)
            w2 = uniform(key, 2 * n + 2 * i + 1)
            zj = math.sqrt(-2.0 * math.log(1.0 - w1)) * math.cos(2.0 * math.pi * w2)
            f = i + jitter * zj
            if f <= 0.0:
                v = base[0]
            elif f >= n - 1:
                v = base[n - 1]
            else:
                k = int(f)
                a = f - k
                v = base[k] * (1.0 - a) + base[k + 1] * a
        out[i] = v + sigma[i] * z


@njit(cache=True, parallel=True)
def mc_profiles(
    base,
    sigma,
    jitter,
    keys,
    x0,
    dx,
    t,
    sg_smooth,
    sg_deriv,
    m_plateau,
    levels,
    method,
    vm_lo,
    vm_step,
    vm_tab,
    tail_lo,
    tail_hi,
):
    """Monte-Carlo replicates (one per key) through :func:`analyse_profile`.

    Returns (D, extra): D has shape (n_keys, n_levels); extra (n_keys, 7) holds the per-replicate
    (c_L, c_R, x_M, h_left, k_left, h_right, k_right). Replicate r depends only on keys[r].
    """
    nr = keys.size
    nl = levels.size
    n = base.size
    D = np.empty((nr, nl))
    extra = np.empty((nr, 7))
    n_chunks = min(nr, 256)
    for ch in prange(n_chunks):
        buf = np.empty(n)
        row = np.empty(nl)
        for r in range(ch, nr, n_chunks):
            replicate(base, sigma, jitter, keys[r], buf)
            res = analyse_profile(
                buf,
                x0,
                dx,
                t,
                sg_smooth,
                sg_deriv,
                m_plateau,
                levels,
                method,
                vm_lo,
                vm_step,
                vm_tab,
                tail_lo,
                tail_hi,
                row,
            )
            for j in range(nl):
                D[r, j] = row[j]
            for j in range(7):
                extra[r, j] = res[j]
    return D, extra


# --------------------------------------------------------------------------------------------------
# erfc fit (Levenberg-Marquardt) for the Monte-Carlo of fit_erfc
@njit(cache=True)
def erfc_model(x, p):
    """C = cL + (cR - cL)/2 * erfc(-(x - x0)/w) with p = (cL, cR, x0, w), w = 2 sqrt(D t)."""
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = p[0] + 0.5 * (p[1] - p[0]) * math.erfc(-(x[i] - p[2]) / p[3])
    return out


@njit(cache=True)
def _erfc_sse(x, y, q):
    s = 0.0
    for i in range(x.size):
        e = y[i] - (q[0] + 0.5 * (q[1] - q[0]) * math.erfc(-(x[i] - q[2]) / q[3]))
        s += e * e
    return s


@njit(cache=True)
def fit_erfc_lm(x, y, p0, max_iter):
    """Least-squares fit of :func:`erfc_model` by Levenberg-Marquardt from ``p0``.

    Returns (p, sse, n_iter). Uses the analytic Jacobian and a 4 x 4 normal-equation solve.
    """
    n = x.size
    p = p0.copy()
    lam = 1e-3
    J = np.empty((n, 4))
    r = np.empty(n)

    sse = _erfc_sse(x, y, p)
    it = 0
    rel = 1.0
    for it in range(max_iter):
        for i in range(n):
            z = -(x[i] - p[2]) / p[3]
            e = math.erfc(z)
            r[i] = y[i] - (p[0] + 0.5 * (p[1] - p[0]) * e)
            de = -2.0 / _SQRT_PI * math.exp(-z * z)  # d erfc / dz
            half = 0.5 * (p[1] - p[0])
            J[i, 0] = 1.0 - 0.5 * e
            J[i, 1] = 0.5 * e
            J[i, 2] = half * de / p[3]
            J[i, 3] = half * de * (x[i] - p[2]) / (p[3] * p[3])
        A = J.T @ J
        g = J.T @ r
        improved = False
        small = False
        for _ in range(12):
            M = A.copy()
            for k in range(4):
                M[k, k] += lam * (A[k, k] + 1e-300)
            step = np.linalg.solve(M, g)
            q = p + step
            # converged: the step no longer moves any parameter (relative to its size or the width)
            small = True
            for k in range(4):
                if abs(step[k]) > 1e-10 * (abs(p[k]) + abs(p[3])):
                    small = False
            if q[3] <= 0.0:
                lam *= 10.0
                continue
            s_new = _erfc_sse(x, y, q)
            if s_new <= sse:
                rel = (sse - s_new) / (sse + 1e-300)
                p = q
                sse = s_new
                lam = max(lam * 0.3, 1e-12)
                improved = True
                break
            if small:
                break
            lam *= 10.0
        if not improved or small or rel < 1e-12:
            break
    return p, sse, it + 1


@njit(cache=True, parallel=True)
def mc_erfc(base, sigma, jitter, keys, x, p0, max_iter):
    """Monte-Carlo of the erfc fit: replicate r = base + noise (stream keys[r]), refitted from p0.

    Returns params (n_keys, 4) = (cL, cR, x0, w) per replicate.
    """
    nr = keys.size
    n = base.size
    out = np.empty((nr, 4))
    n_chunks = min(nr, 256)
    for ch in prange(n_chunks):
        buf = np.empty(n)
        for r in range(ch, nr, n_chunks):
            replicate(base, sigma, jitter, keys[r], buf)
            p, _, _ = fit_erfc_lm(x, buf, p0, max_iter)
            for k in range(4):
                out[r, k] = p[k]
    return out


# --------------------------------------------------------------------------------------------------
# forward solver
#: Newton in :func:`diffuse` stops after one correction when the next one is predicted below
#: NEWTON_PREDICT * tol
NEWTON_PREDICT = 0.1
#: floating-point contractions (FMA) and reassociation for the forward solver; no NaN/inf
#: assumptions (about 10 % faster; results agree with the plain build to ~1e-15)
_FAST = {"contract", "arcp", "nsz", "reassoc"}


@njit(cache=True, fastmath=_FAST)
def thomas(a, b, c, d, cp, dp, out):
    """Solve the tridiagonal system a_i x_{i-1} + b_i x_i + c_i x_{i+1} = d_i (a_0, c_{n-1} unused)
    into ``out``; ``cp``, ``dp`` are work arrays of the same length.

    Thomas algorithm run from both ends at once ("burn at both ends"): the upper half is eliminated
    top-down, the lower half bottom-up, in the same loop, and the two meet at the middle row. The
    two independent dependency chains overlap in the CPU pipeline (about twice as fast as the
    one-way sweep, whose divisions form one serial chain); stable for diagonally dominant systems.
    """
    n = d.size
    if n < 4:
        cp[0] = c[0] / b[0]
        dp[0] = d[0] / b[0]
        for i in range(1, n):
            m = 1.0 / (b[i] - a[i] * cp[i - 1])
            cp[i] = c[i] * m
            dp[i] = (d[i] - a[i] * dp[i - 1]) * m
        out[n - 1] = dp[n - 1]
        for i in range(n - 2, -1, -1):
            out[i] = dp[i] - cp[i] * out[i + 1]
        return
    mid = n // 2
    # top: x_i = dp_i - cp_i x_{i+1} for i < mid; bottom: x_i = dp_i - cp_i x_{i-1} for i > mid
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    cp[n - 1] = a[n - 1] / b[n - 1]
    dp[n - 1] = d[n - 1] / b[n - 1]
    for k in range(1, mid):
        i = k
        m = 1.0 / (b[i] - a[i] * cp[i - 1])
        cp[i] = c[i] * m
        dp[i] = (d[i] - a[i] * dp[i - 1]) * m
        j = n - 1 - k
        if j > mid:
            q = 1.0 / (b[j] - c[j] * cp[j + 1])
            cp[j] = a[j] * q
            dp[j] = (d[j] - c[j] * dp[j + 1]) * q
    up = 0.0
    ud = 0.0
    if mid + 1 <= n - 1:
        up = cp[mid + 1]
        ud = dp[mid + 1]
    xm = (d[mid] - a[mid] * dp[mid - 1] - c[mid] * ud) / (b[mid] - a[mid] * cp[mid - 1] - c[mid] * up)
    out[mid] = xm
    for k in range(1, n - mid):
        if mid - k >= 0:
            i = mid - k
            out[i] = dp[i] - cp[i] * out[i + 1]
        j = mid + k
        out[j] = dp[j] - cp[j] * out[j - 1]
    for i in range(mid - (n - mid), -1, -1):
        out[i] = dp[i] - cp[i] * out[i + 1]


@njit(cache=True, inline="always", fastmath=_FAST)
def _d_and_slope(c, c_lo, inv_step, dtab):
    """D and dD/dc of the piecewise-linear table at concentration c (zero slope beyond the ends);
    ``inv_step`` = 1/(table step), 0 for a one-entry table.
    """
    m = dtab.size
    if m == 1 or inv_step <= 0.0:
        return dtab[0], 0.0
    f = (c - c_lo) * inv_step
    if f <= 0.0:
        return dtab[0], 0.0
    if f >= m - 1:
        return dtab[m - 1], 0.0
    i = int(f)
    w = f - i
    return dtab[i] * (1.0 - w) + dtab[i + 1] * w, (dtab[i + 1] - dtab[i]) * inv_step


@njit(cache=True, fastmath=_FAST)
def diffuse(x, c0, times, theta, n_startup, c_lo, c_step, logd_tab, max_iter, tol, save, newton=True):
    """Finite-volume solution of dc/dt = d/dx(D(c) dc/dx) with zero-flux ends.

    ``x``: increasing node positions (m); control volumes end halfway between nodes. ``times``:
    increasing step end times (s), starting after 0. Step k goes from times[k-1] (0 for k = 0) to
    times[k] with the theta scheme

        V_i (c'_i - c_i)/dt = F_{i+1/2} - F_{i-1/2},
        F_{i+1/2} = D(cf)/h [theta (c'_{i+1} - c'_i) + (1 - theta)(c_{i+1} - c_i)],
        cf = (c_i + c_{i+1} + c'_i + c'_{i+1})/4  (D at the face, at mid-step),

    D = exp(logd_tab) on the uniform grid c_lo + k*c_step, linearly interpolated. The first
    ``n_startup`` steps are fully implicit (theta = 1; damps the Crank-Nicolson oscillations of a step
    initial condition). The nonlinear system of each step is solved from the linear extrapolation of
    the previous step by Newton's method (``newton``; the Jacobian is tridiagonal as well) or by
    Picard iteration (D frozen at the current iterate), each linear system by the Thomas algorithm,
    at most ``max_iter`` times until max |change| <= tol. Newton also stops after its first
    correction d1 when the quadratic convergence seen at the last step that took two corrections
    (K = d2/d1^2) predicts a next correction K d1^2 <= NEWTON_PREDICT * tol (the usual test of
    stiff ODE solvers; it saves about a third of the solves, and the iteration error stays under
    1 % of the time-discretisation error). Constant D (a one-entry table) takes one linear solve
    per step.
    Returns the profiles at the steps flagged in ``save`` (one row each) and the number of solves.
    """
    n = x.size
    vol = np.empty(n)
    vol[0] = 0.5 * (x[1] - x[0])
    vol[n - 1] = 0.5 * (x[n - 1] - x[n - 2])
    for i in range(1, n - 1):
        vol[i] = 0.5 * (x[i + 1] - x[i - 1])
    inv_h = np.empty(n - 1)
    for i in range(n - 1):
        inv_h[i] = 1.0 / (x[i + 1] - x[i])
    n_save = 0
    for k in range(times.size):
        if save[k]:
            n_save += 1
    out = np.empty((n_save, n))
    dtab = np.exp(logd_tab)  # D on the table grid (linear interpolation between the nodes)
    linear = dtab.size == 1
    inv_step = 1.0 / c_step if (c_step > 0.0 and not linear) else 0.0
    c = c0.copy()
    cn = c0.copy()
    c_old = c0.copy()
    new = np.empty(n)
    # face quantities, padded with a zero face at each end (zero flux): face j sits between nodes
    # j-1 and j, for j = 1..n-1
    kf = np.zeros(n + 1)  # D(cf)/h
    ff = np.zeros(n + 1)  # flux F
    pf = np.zeros(n + 1)  # dF/dc' of the left node
    qf = np.zeros(n + 1)  # dF/dc' of the right node
    a = np.empty(n)
    b = np.empty(n)
    cc = np.empty(n)
    d = np.empty(n)
    cp = np.empty(n)
    dp = np.empty(n)
    t_prev = 0.0
    dt_prev = 0.0
    row = 0
    total_iter = 0
    K = -1.0  # d2/d1^2 of the last Newton step that took two corrections (< 0: none yet)
    for k in range(times.size):
        dt = times[k] - t_prev
        inv_dt = 1.0 / dt
        t_prev = times[k]
        th = 1.0 if k < n_startup else theta
        g = dt / dt_prev if (dt_prev > 0.0 and not linear) else 0.0
        for i in range(n):
            cn[i] = c[i] + g * (c[i] - c_old[i])
        d1 = 0.0
        for it in range(max_iter):
            total_iter += 1
            use_newton = newton and not linear
            for j in range(1, n):
                cf = 0.25 * (c[j - 1] + c[j] + cn[j - 1] + cn[j])
                dv, ds = _d_and_slope(cf, c_lo, inv_step, dtab)
                kk = dv * inv_h[j - 1]
                kf[j] = kk
                if use_newton:
                    gf = th * (cn[j] - cn[j - 1]) + (1.0 - th) * (c[j] - c[j - 1])
                    sj = 0.25 * ds * inv_h[j - 1] * gf
                    ff[j] = kk * gf
                    pf[j] = sj - th * kk
                    qf[j] = sj + th * kk
            if use_newton:
                # J delta = -R, R_i = V_i (c'_i - c_i)/dt - (F_{i+1/2} - F_{i-1/2})
                for i in range(n):
                    r = vol[i] * inv_dt
                    a[i] = pf[i]
                    b[i] = r - pf[i + 1] + qf[i]
                    cc[i] = -qf[i + 1]
                    d[i] = ff[i + 1] - ff[i] - r * (cn[i] - c[i])
                thomas(a, b, cc, d, cp, dp, new)
                change = 0.0
                for i in range(n):
                    e = abs(new[i])
                    if e > change:
                        change = e
                    cn[i] += new[i]
            else:
                for i in range(n):
                    kl = kf[i]
                    kr = kf[i + 1]
                    r = vol[i] * inv_dt
                    a[i] = -th * kl
                    cc[i] = -th * kr
                    b[i] = r + th * (kl + kr)
                    cl_ = c[i - 1] if i > 0 else c[i]
                    cr_ = c[i + 1] if i < n - 1 else c[i]
                    d[i] = r * c[i] + (1.0 - th) * (kr * (cr_ - c[i]) - kl * (c[i] - cl_))
                thomas(a, b, cc, d, cp, dp, new)
                change = 0.0
                for i in range(n):
                    e = abs(new[i] - cn[i])
                    if e > change:
                        change = e
                    cn[i] = new[i]
            if use_newton:
                if it == 0:
                    d1 = change
                elif it == 1 and d1 > 0.0:
                    K = change / (d1 * d1)
            if change <= tol or linear:
                break
            if use_newton and it == 0 and K >= 0.0 and K * change * change <= NEWTON_PREDICT * tol:
                break
        for i in range(n):
            c_old[i] = c[i]
            c[i] = cn[i]
        dt_prev = dt
        if save[k]:
            for i in range(n):
                out[row, i] = c[i]
            row += 1
    return out, total_iter
