"""Monte-Carlo replicates of a profile and the erfc fit (inter-diffusion, issue 7).

* :func:`replicate`: a base profile plus Gaussian noise (values and positions) drawn from the
  counter-based generator (:mod:`mixmap.kernels.rng`) keyed per replicate, so results do not
  depend on the number of threads;
* :func:`mc_profiles`: replicates through :func:`mixmap.kernels.interdiffusion.analyse_profile`,
  parallel over chunks of replicates;
* :func:`fit_erfc_lm` / :func:`mc_erfc`: Levenberg-Marquardt fit of the erfc diffusion-couple
  solution C = cL + (cR - cL)/2 erfc(-(x - x0)/w), w = 2 sqrt(D t), and its Monte-Carlo.

Arrays in, arrays out; no validation (done in ``mixmap.diffusion``).
"""

import math

import numpy as np
from numba import njit, prange

from .interdiffusion import analyse_profile
from .rng import uniform

_SQRT_PI = math.sqrt(math.pi)


# --------------------------------------------------------------------------------------------------
# random replicates
@njit(cache=True)
def replicate(base, sigma, jitter, key, out):
    """One noisy replicate of ``base`` into ``out``.

    out[i] = base(i + jitter*z'_i) + sigma_i * z_i with standard normal z, z' drawn by Box-Muller from draws 0..4n-1
    of the counter-based stream ``key`` (``sigma`` has one value per point; ``jitter`` is the position noise in grid
    steps, linear interpolation of ``base``).
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
def _erfc_sse(x, y, q):
    s = 0.0
    for i in range(x.size):
        e = y[i] - (q[0] + 0.5 * (q[1] - q[0]) * math.erfc(-(x[i] - q[2]) / q[3]))
        s += e * e
    return s


@njit(cache=True)
def fit_erfc_lm(x, y, p0, max_iter):
    """Least-squares fit of C = cL + (cR - cL)/2 erfc(-(x - x0)/w) by Levenberg-Marquardt from ``p0``.

    p = (cL, cR, x0, w), w = 2 sqrt(D t).

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
    for it in range(max_iter):  # noqa: B007 (it is returned)
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
