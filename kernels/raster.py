"""Projected thickness of spheres: the transmission image of an aggregate along z.

A beam through pixel centre (row i, column j) crosses sphere k (centre (x_k, y_k), radius r_k, in
pixel units, pixel (0, 0) at the origin, x along columns) over the chord

    2 * sqrt(r_k**2 - (j - x_k)**2 - (i - y_k)**2)      where positive.

Chords of spheres of the same material add up, so overlapping particles (and the small sintering
necks) thicken the projection as they would in STEM.
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def thickness(xc, yc, r, material, n_materials, H, W):
    """Projected thickness maps (n_materials, H, W) in pixel units of spheres in pixel units.

    ``xc, yc, r`` (n,) float64 and ``material`` (n,) int labels in [0, n_materials). Only the
    bounding box of each sphere is visited.
    """
    out = np.zeros((n_materials, H, W))
    for k in range(xc.shape[0]):
        rk = r[k]
        m = material[k]
        i0 = max(0, int(np.ceil(yc[k] - rk)))
        i1 = min(H - 1, int(np.floor(yc[k] + rk)))
        j0 = max(0, int(np.ceil(xc[k] - rk)))
        j1 = min(W - 1, int(np.floor(xc[k] + rk)))
        r2 = rk * rk
        for i in range(i0, i1 + 1):
            dy2 = (i - yc[k]) ** 2
            for j in range(j0, j1 + 1):
                q = r2 - dy2 - (j - xc[k]) ** 2
                if q > 0.0:
                    out[m, i, j] += 2.0 * np.sqrt(q)
    return out
