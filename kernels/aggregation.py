"""Aggregates of touching spheres with a tunable fractal dimension.

Sequential tunable aggregation (after Filippov, Zurita & Rosner, J. Colloid Interface Sci. 229, 261
(2000)): a cluster C (a single sphere, or a cluster grown the same way) is attached to a growing
aggregate G so that the radius of gyration of the union follows the fractal law

    Rg(N) = r_mean * (N / kf) ** (1 / Df).

Masses are sphere volumes (r**3) and a sphere contributes its own (3/5) r**2 to Rg**2. The law fixes
the distance Gamma between the centres of mass of G and C (parallel-axis theorem):

    Gamma**2 = (M+m)/(M m) * ((M+m) Rg_t**2 - M Rg_G**2 - m Rg_C**2).

C is given a random orientation, then moved in from infinity along ``n_dirs`` random lines through
the centre of mass of G until its first contact ("ray landing"): along each line the landing point is
exact and guarantees touching without overlap. The first line landing within 1 % of Gamma, else
the closest of ``n_dirs`` lines, is kept. Two spheres touch when their centres are
(r_i + r_j)(1 - neck) apart: ``neck`` is a small sintering overlap. Clusters of several
spheres are built first (each in its own frame, from its first sphere), then attached in order to
the cluster of the first group.

``decorate`` places spheres on the surface of an existing backbone instead: a backbone sphere drawn
by weight, a random direction, accepted when nothing overlaps.

Randomness comes from the counter-based generator of :mod:`mixmap.kernels.rng`, one key per
aggregate, with a fixed number of draws per step, so the result depends only on the key.
"""

import numpy as np
from numba import njit

from .rng import uniform

_TWO_PI = 2.0 * np.pi


@njit(cache=True)
def unit_vector(key, i):
    """A uniformly distributed unit vector from draws ``i`` and ``i + 1`` of stream ``key``."""
    z = 2.0 * uniform(key, i) - 1.0
    phi = _TWO_PI * uniform(key, i + 1)
    s = np.sqrt(max(0.0, 1.0 - z * z))
    return s * np.cos(phi), s * np.sin(phi), z


@njit(cache=True)
def rotation(key, i):
    """A uniformly distributed rotation matrix (Shoemake's quaternion) from draws i .. i+2."""
    u1 = uniform(key, i)
    u2 = uniform(key, i + 1)
    u3 = uniform(key, i + 2)
    a = np.sqrt(1.0 - u1)
    b = np.sqrt(u1)
    x = a * np.sin(_TWO_PI * u2)
    y = a * np.cos(_TWO_PI * u2)
    z = b * np.sin(_TWO_PI * u3)
    w = b * np.cos(_TWO_PI * u3)
    R = np.empty((3, 3))
    R[0, 0] = 1 - 2 * (y * y + z * z)
    R[0, 1] = 2 * (x * y - z * w)
    R[0, 2] = 2 * (x * z + y * w)
    R[1, 0] = 2 * (x * y + z * w)
    R[1, 1] = 1 - 2 * (x * x + z * z)
    R[1, 2] = 2 * (y * z - x * w)
    R[2, 0] = 2 * (x * z - y * w)
    R[2, 1] = 2 * (y * z + x * w)
    R[2, 2] = 1 - 2 * (x * x + y * y)
    return R


@njit(cache=True)
def mass_moments(pos, radii, i0, i1):
    """Mass (Σ r³), centre of mass (3,) and Rg² (volume-weighted, with the (3/5) r² self term)."""
    M = 0.0
    cm = np.zeros(3)
    for i in range(i0, i1):
        m = radii[i] ** 3
        M += m
        for d in range(3):
            cm[d] += m * pos[i, d]
    for d in range(3):
        cm[d] /= M
    rg2 = 0.0
    for i in range(i0, i1):
        m = radii[i] ** 3
        q = 0.6 * radii[i] ** 2
        for d in range(3):
            q += (pos[i, d] - cm[d]) ** 2
        rg2 += m * q
    return M, cm, rg2 / M


@njit(cache=True)
def attach(pos, radii, g0, g1, c1, df, kf, neck, n_dirs, key, ctr):
    """Attach cluster ``pos[g1:c1]`` (any frame) to aggregate ``pos[g0:g1]``; return the new counter.

    Draw use: 3 for the orientation of C, then 2 per trial line. Lines are tried until one lands
    within 1 % of (Gamma + r_mean) of Gamma, or ``n_dirs`` lines have been tried (more only while
    no line has met the aggregate); the closest landing is kept.
    """
    M, cmG, rgG2 = mass_moments(pos, radii, g0, g1)
    m, cmC, rgC2 = mass_moments(pos, radii, g1, c1)
    nC = c1 - g1
    R = rotation(key, ctr)
    ctr += 3
    rel = np.empty((nC, 3))
    for j in range(nC):
        for d in range(3):
            rel[j, d] = (
                R[d, 0] * (pos[g1 + j, 0] - cmC[0])
                + R[d, 1] * (pos[g1 + j, 1] - cmC[1])
                + R[d, 2] * (pos[g1 + j, 2] - cmC[2])
            )
    n = c1 - g0
    rmean = 0.0
    for i in range(g0, c1):
        rmean += radii[i]
    rmean /= n
    rg_t = rmean * (n / kf) ** (1.0 / df)
    gam2 = (M + m) / (M * m) * ((M + m) * rg_t * rg_t - M * rgG2 - m * rgC2)
    gam = np.sqrt(gam2) if gam2 > 0.0 else 0.0
    tol = 0.01 * (gam + rmean)
    best = np.inf
    best_s = 0.0
    bu0 = 0.0
    bu1 = 0.0
    bu2 = 1.0
    t = 0
    while t < n_dirs or best == np.inf:
        u0, u1, u2 = unit_vector(key, ctr)
        ctr += 2
        t += 1
        s_land = -np.inf
        for i in range(g0, g1):
            for j in range(nC):
                d0 = cmG[0] + rel[j, 0] - pos[i, 0]
                d1 = cmG[1] + rel[j, 1] - pos[i, 1]
                d2 = cmG[2] + rel[j, 2] - pos[i, 2]
                Rc = (radii[i] + radii[g1 + j]) * (1.0 - neck)
                b = u0 * d0 + u1 * d1 + u2 * d2
                disc = b * b - (d0 * d0 + d1 * d1 + d2 * d2 - Rc * Rc)
                if disc >= 0.0:
                    root = -b + np.sqrt(disc)
                    if root > s_land:
                        s_land = root
        if s_land == -np.inf:
            continue
        err = abs(abs(s_land) - gam)
        if err < best:
            best = err
            best_s = s_land
            bu0 = u0
            bu1 = u1
            bu2 = u2
            if err <= tol:
                break
        if t > 100 * n_dirs:  # pragma: no cover - a line through the centre of mass always meets G
            break
    for j in range(nC):
        pos[g1 + j, 0] = cmG[0] + best_s * bu0 + rel[j, 0]
        pos[g1 + j, 1] = cmG[1] + best_s * bu1 + rel[j, 1]
        pos[g1 + j, 2] = cmG[2] + best_s * bu2 + rel[j, 2]
    return ctr


@njit(cache=True, nogil=True)
def grow(radii, starts, df, kf, neck, n_dirs, key):
    """Centres (n, 3) of an aggregate of spheres ``radii`` (n,) built from groups.

    ``starts`` (g+1,) holds group boundaries: spheres ``starts[k]:starts[k+1]`` form group k, each
    grown sphere by sphere from its first sphere, then groups 1..g-1 are attached in order to the
    growing aggregate of group 0. The result is centred on its centre of mass.
    """
    n = radii.shape[0]
    pos = np.zeros((n, 3))
    ctr = 0
    ng = starts.shape[0] - 1
    for g in range(ng):
        s = starts[g]
        for k in range(s + 1, starts[g + 1]):
            ctr = attach(pos, radii, s, k, k + 1, df, kf, neck, n_dirs, key, ctr)
    for g in range(1, ng):
        ctr = attach(pos, radii, 0, starts[g], starts[g + 1], df, kf, neck, n_dirs, key, ctr)
    _, cm, _ = mass_moments(pos, radii, 0, n)
    for i in range(n):
        for d in range(3):
            pos[i, d] -= cm[d]
    return pos


@njit(cache=True, nogil=True)
def decorate(pos, radii, n_backbone, cum_weights, neck, max_tries, key, ctr):
    """Place spheres ``n_backbone..n-1`` each touching a random backbone sphere, without overlap.

    The backbone sphere is drawn with probability proportional to its weight (``cum_weights``:
    cumulative weights of spheres 0..n_backbone-1, last > 0). Each try uses 3 draws (backbone sphere,
    direction). Works in place on ``pos``; returns the number of spheres that found no free place
    within ``max_tries`` (their rows are set to NaN).
    """
    n = radii.shape[0]
    failed = 0
    total = cum_weights[n_backbone - 1]
    for k in range(n_backbone, n):
        placed = False
        for _ in range(max_tries):
            i = min(np.searchsorted(cum_weights, uniform(key, ctr) * total, side="right"), n_backbone - 1)
            u0, u1, u2 = unit_vector(key, ctr + 1)
            ctr += 3
            dist = (radii[i] + radii[k]) * (1.0 - neck)
            x0 = pos[i, 0] + dist * u0
            x1 = pos[i, 1] + dist * u1
            x2 = pos[i, 2] + dist * u2
            ok = True
            for j in range(k):
                if j == i:
                    continue
                lim = (radii[j] + radii[k]) * (1.0 - neck) * (1.0 - 1e-9)
                dd = (pos[j, 0] - x0) ** 2 + (pos[j, 1] - x1) ** 2 + (pos[j, 2] - x2) ** 2
                if dd < lim * lim:
                    ok = False
                    break
            if ok:
                pos[k, 0] = x0
                pos[k, 1] = x1
                pos[k, 2] = x2
                placed = True
                break
        if not placed:
            failed += 1
            pos[k, 0] = np.nan
            pos[k, 1] = np.nan
            pos[k, 2] = np.nan
    return failed
