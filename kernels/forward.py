"""Forward solver of dc/dt = d/dx (D(c) dc/dx) (inter-diffusion, issue 7).

Finite volumes on any increasing grid, zero-flux ends, theta scheme (Crank-Nicolson theta=1/2
with fully implicit start-up steps, or fully implicit), Newton (stopping early when the next
correction is predicted below the tolerance) or Picard iteration on D(c), Thomas tridiagonal
solve run from both ends. Arrays in, arrays out; no validation (done in ``mixmap.diffusion``).
"""

import numpy as np
from numba import njit

# forward solver
#: Newton in :func:`diffuse` stops after one correction when the next one is predicted below
#: NEWTON_PREDICT * tol
NEWTON_PREDICT = 0.1
#: floating-point contractions (FMA) and reassociation for the forward solver; no NaN/inf
#: assumptions (about 10 % faster; results agree with the plain build to ~1e-15)
_FAST = {"contract", "arcp", "nsz", "reassoc"}


@njit(cache=True, fastmath=_FAST)
def thomas(a, b, c, d, cp, dp, out):
    """Solve the tridiagonal system a_i x_{i-1} + b_i x_i + c_i x_{i+1} = d_i (a_0, c_{n-1} unused) into ``out``.

    ``cp``, ``dp`` are work arrays of the same length.

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
    """D and dD/dc of the piecewise-linear table at concentration c (zero slope beyond the ends).

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
