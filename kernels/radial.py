"""Pair-weighted radial binning of autocorrelation windows (scale of segregation, paper Eq. 7).

The FFT step (in ``mixmap.correlation``) turns a map into two small windows indexed by the
displacement ``(dy, dx)`` with ``0 <= dy <= h_max`` and ``-h_max <= dx <= h_max`` (column index
``dx + h_max``): the sum of products ``sum_i f_i f_{i+d}`` and the number of foreground pixel pairs
with that displacement. This kernel sums both over the half plane (so every unordered pair counts
once) into distance bins ``h = round(|d|)``, i.e. ``h - 0.5 <= |d| < h + 0.5``; the displacement
``(0, 0)`` forms bin 0 (each pixel paired with itself). Integer displacements never fall on a bin
edge (``|d|^2`` is an integer, ``(h + 0.5)^2`` is not), so the binning is unambiguous.
"""

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def distance_bin(dy, dx):
    """Bin ``h`` of the integer displacement ``(dy, dx)``: ``h - 0.5 <= |d| < h + 0.5``."""
    return np.int64(np.floor(np.sqrt(np.float64(dy * dy + dx * dx)) + 0.5))


@njit(cache=True, inline="always")
def in_direction(dy, dx, theta_deg, tol_deg):
    """True when the axis of displacement ``(dy, dx)`` lies within ``tol_deg`` of ``theta_deg``.

    Angles are in degrees, counter-clockwise from the +column (x) axis as the image is displayed
    (rows grow downwards, so "up" is +90); the axis is undirected (theta and theta + 180 agree).
    A slack of 1e-9 degrees makes edges such as 45 +- 0 inclusive despite rounding.
    """
    ang = np.degrees(np.arctan2(-np.float64(dy), np.float64(dx)))
    diff = (ang - theta_deg + 90.0) % 180.0 - 90.0
    return abs(diff) <= tol_deg + 1e-9


@njit(cache=True)
def radial_pair_sums(win_f, win_m, h_max, use_dir, theta_deg, tol_deg):
    """Sum products and pair counts of a half-plane displacement window into distance bins.

    Parameters
    ----------
    win_f : float64 (h_max + 1, 2 h_max + 1)
        ``sum_i f_i f_{i+d}`` for displacement ``d = (dy, dx)`` at ``[dy, dx + h_max]``.
    win_m : int64 (h_max + 1, 2 h_max + 1)
        Number of ordered foreground pixel pairs with that displacement.
    h_max : int
    use_dir : bool
        Keep only displacements within ``tol_deg`` of the axis ``theta_deg`` (degrees).

    Returns
    -------
    S : float64 (h_max + 1,)
        Sum of products over the unordered pairs of each bin (bin 0: pixels with themselves).
    N : int64 (h_max + 1,)
        Number of those pairs, ``n_h`` of Eq. (7).
    """
    S = np.zeros(h_max + 1, dtype=np.float64)
    N = np.zeros(h_max + 1, dtype=np.int64)
    S[0] = win_f[0, h_max]
    N[0] = win_m[0, h_max]
    for dy in range(0, h_max + 1):
        for dx in range(-h_max, h_max + 1):
            if dy == 0 and dx <= 0:
                continue  # the other half plane holds the same unordered pairs
            h = distance_bin(dy, dx)
            if h > h_max:
                continue
            if use_dir and not in_direction(dy, dx, theta_deg, tol_deg):
                continue
            S[h] += win_f[dy, dx + h_max]
            N[h] += win_m[dy, dx + h_max]
    return S, N
