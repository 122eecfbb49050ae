"""The paper's sampled estimator of Eq. (7): random pixel pairs at each distance h.

For each distance bin ``h`` a pair is drawn as a random foreground pixel ``i`` and a random integer
displacement ``d`` from the ring ``round(|d|) = h`` (a random direction, optionally restricted to an
axis); the pair is kept when ``i + d`` is a foreground pixel. Kept pairs are uniform over the
ordered pairs of the bin, so the estimate converges to the exact all-pairs value. Random numbers
come from the counter-based generator of :mod:`mixmap.kernels.rng`, one key per bin, so results do
not depend on the thread count.
"""

import numpy as np
from numba import njit, prange

from .radial import distance_bin, in_direction
from .rng import randbelow


@njit(cache=True)
def _kept_bin(dy, dx, h_max, use_dir, theta_deg, tol_deg):
    """Distance bin of displacement (dy, dx), or -1 when it is beyond h_max or outside the direction."""
    h = distance_bin(dy, dx)
    if h > h_max or (use_dir and h > 0 and not in_direction(dy, dx, theta_deg, tol_deg)):
        return -1
    return h


@njit(cache=True)
def ring_offsets(h_max, use_dir, theta_deg, tol_deg):
    """Integer displacements grouped by distance bin (both half planes).

    Returns ``(dy, dx, start)``: the displacements of bin ``h`` are
    ``dy[start[h]:start[h + 1]], dx[start[h]:start[h + 1]]``, in row-major order.
    """
    counts = np.zeros(h_max + 2, dtype=np.int64)
    for dy in range(-h_max, h_max + 1):
        for dx in range(-h_max, h_max + 1):
            h = _kept_bin(dy, dx, h_max, use_dir, theta_deg, tol_deg)
            if h >= 0:
                counts[h + 1] += 1
    start = np.cumsum(counts)
    fill = start[:-1].copy()
    n = start[-1]
    ody = np.empty(n, dtype=np.int64)
    odx = np.empty(n, dtype=np.int64)
    for dy in range(-h_max, h_max + 1):
        for dx in range(-h_max, h_max + 1):
            h = _kept_bin(dy, dx, h_max, use_dir, theta_deg, tol_deg)
            if h < 0:
                continue
            ody[fill[h]] = dy
            odx[fill[h]] = dx
            fill[h] += 1
    return ody, odx, start


@njit(cache=True, parallel=True)
def random_pair_sums(f, mask, width, fg_index, ring_dy, ring_dx, ring_start, n_pairs, max_attempts, keys):
    """Sum of products over up to ``n_pairs`` random foreground pairs per distance bin.

    Parameters
    ----------
    f : float64 (H * W,)
        Flattened centred concentration field ``x - P``.
    mask : bool (H * W,)
        Flattened foreground mask.
    width : int
        W, the number of columns.
    fg_index : int64 (n_fg,)
        Flat indices of the foreground pixels.
    ring_dy, ring_dx, ring_start : from :func:`ring_offsets`.
    n_pairs : int
        Pairs to keep per bin.
    max_attempts : int
        Draws per bin before giving up (pairs falling outside the foreground are rejected).
    keys : uint64 (h_max + 1,)
        One random stream per bin; draw ``2 t`` picks the pixel, ``2 t + 1`` the displacement.

    Returns
    -------
    S : float64 (h_max + 1,)
        Sum of ``f_i f_j`` over the kept pairs.
    N : int64 (h_max + 1,)
        Number of kept pairs.
    """
    n_bins = ring_start.shape[0] - 1
    height = f.shape[0] // width
    n_fg = fg_index.shape[0]
    S = np.zeros(n_bins, dtype=np.float64)
    N = np.zeros(n_bins, dtype=np.int64)
    for h in prange(n_bins):
        lo = ring_start[h]
        nr = ring_start[h + 1] - lo
        if nr == 0:
            continue
        key = keys[h]
        s = 0.0
        n = 0
        t = 0
        while n < n_pairs and t < max_attempts:
            p = fg_index[randbelow(key, 2 * t, n_fg)]
            k = lo + randbelow(key, 2 * t + 1, nr)
            t += 1
            r = p // width + ring_dy[k]
            c = p % width + ring_dx[k]
            if r < 0 or r >= height or c < 0 or c >= width:
                continue
            q = r * width + c
            if mask[q]:
                s += f[p] * f[q]
                n += 1
        S[h] = s
        N[h] = n
    return S, N
