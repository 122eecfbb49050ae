"""NumPy twins of kernels/aggregation.py and kernels/raster.py: synthetic aggregates and their projection."""

import numpy as np

from .cutouts import naive_splitmix64


def _naive_uniform(key, i):
    return (naive_splitmix64(key, i) >> 11) * (1.0 / 9007199254740992.0)


def _naive_unit(key, i):
    z = 2.0 * _naive_uniform(key, i) - 1.0
    phi = 2.0 * np.pi * _naive_uniform(key, i + 1)
    s = np.sqrt(max(0.0, 1.0 - z * z))
    return np.array([s * np.cos(phi), s * np.sin(phi), z])


def _naive_rotation(key, i):
    u1, u2, u3 = (_naive_uniform(key, i + k) for k in range(3))
    x, y = np.sqrt(1 - u1) * np.sin(2 * np.pi * u2), np.sqrt(1 - u1) * np.cos(2 * np.pi * u2)
    z, w = np.sqrt(u1) * np.sin(2 * np.pi * u3), np.sqrt(u1) * np.cos(2 * np.pi * u3)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _naive_moments(p, r):
    w = r**3
    cm = (w[:, None] * p).sum(0) / w.sum()
    return w.sum(), cm, float((w * (((p - cm) ** 2).sum(1) + 0.6 * r**2)).sum() / w.sum())


def naive_grow(radii, starts, df, kf, neck, n_dirs, key):
    """kernels.aggregation.grow with all sphere pairs of a trial line as one NumPy array."""
    radii = np.asarray(radii, dtype=float)
    n = radii.size
    pos = np.zeros((n, 3))
    ctr = [0]

    def attach(g0, g1, c1):
        M, cmG, rgG2 = _naive_moments(pos[g0:g1], radii[g0:g1])
        m, cmC, rgC2 = _naive_moments(pos[g1:c1], radii[g1:c1])
        rel = (pos[g1:c1] - cmC) @ _naive_rotation(key, ctr[0]).T
        ctr[0] += 3
        rmean = radii[g0:c1].mean()
        rg_t = rmean * ((c1 - g0) / kf) ** (1.0 / df)
        gam2 = (M + m) / (M * m) * ((M + m) * rg_t**2 - M * rgG2 - m * rgC2)
        gam = np.sqrt(gam2) if gam2 > 0 else 0.0
        tol = 0.01 * (gam + rmean)
        d = cmG + rel[None, :, :] - pos[g0:g1, None, :]
        Rc = (radii[g0:g1, None] + radii[None, g1:c1]) * (1 - neck)
        best, best_s, best_u, t = np.inf, 0.0, None, 0
        while t < n_dirs or best == np.inf:
            u = _naive_unit(key, ctr[0])
            ctr[0] += 2
            t += 1
            b = d @ u
            disc = b * b - ((d * d).sum(-1) - Rc * Rc)
            if not (disc >= 0).any():
                continue
            s = (-b[disc >= 0] + np.sqrt(disc[disc >= 0])).max()
            err = abs(abs(s) - gam)
            if err < best:
                best, best_s, best_u = err, s, u
                if err <= tol:
                    break
        pos[g1:c1] = cmG + best_s * best_u + rel

    for g in range(len(starts) - 1):
        for k in range(starts[g] + 1, starts[g + 1]):
            attach(starts[g], k, k + 1)
    for g in range(1, len(starts) - 1):
        attach(0, starts[g], starts[g + 1])
    return pos - _naive_moments(pos, radii)[1]


def naive_decorate(pos, radii, n_backbone, weights, neck, max_tries, key, ctr):
    """kernels.aggregation.decorate with the overlap test as one NumPy comparison."""
    pos = np.array(pos, dtype=float)
    radii = np.asarray(radii, dtype=float)
    p = np.asarray(weights, dtype=float)[:n_backbone]
    edges = np.concatenate(([0.0], np.cumsum(p)))
    failed = 0
    for k in range(n_backbone, radii.size):
        for _ in range(max_tries):
            u = _naive_uniform(key, ctr) * edges[-1]
            i = min(int(np.flatnonzero(edges <= u)[-1]), n_backbone - 1)  # interval [edges[i], edges[i+1])
            x = pos[i] + (radii[i] + radii[k]) * (1 - neck) * _naive_unit(key, ctr + 1)
            ctr += 3
            lim = (radii[:k] + radii[k]) * (1 - neck) * (1 - 1e-9)
            close = ((pos[:k] - x) ** 2).sum(1) < lim**2
            close[i] = False
            if not close.any():
                pos[k] = x
                break
        else:
            failed += 1
            pos[k] = np.nan
    return pos, failed


def naive_thickness(xc, yc, r, material, n_materials, H, W):
    """Projected chord lengths of spheres on the whole pixel grid, one sphere at a time."""
    ii, jj = np.mgrid[0:H, 0:W]
    out = np.zeros((n_materials, H, W))
    for x, y, rk, m in zip(xc, yc, r, material, strict=False):
        q = rk * rk - (ii - y) ** 2 - (jj - x) ** 2
        out[m] += np.where(q > 0, 2 * np.sqrt(np.clip(q, 0, None)), 0.0)
    return out
