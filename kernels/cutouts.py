"""Exact-N cutouts on summed-area tables (Buchheiser et al., Section 2.1).

A cutout around a foreground centre (r, c) holding exactly ``T`` foreground pixels is the largest
square of half-width k-1 (clipped at the border) whose foreground count is below T, completed with T
minus that count foreground pixels of the ring at half-width k, chosen at random. k is found by binary
search on the summed-area tables; the ring walk visits at most 8k pixels.

Random picks in the ring use a partial Fisher-Yates shuffle of the ring's foreground pixels listed in
row-major order, driven by the counter-based generator of :mod:`mixmap.kernels.rng` with one key per
cutout, so a cutout depends only on its own key (any thread count, any order).
"""

import numpy as np
from numba import njit, prange

from .rng import randbelow


@njit(cache=True, nogil=True)
def summed_area_tables(A, B):
    """Summed-area tables of A, B and of the foreground (A > 0 or B > 0), shape (H+1, W+1).

    ``S[i, j]`` is the sum over rows < i and columns < j.
    """
    H, W = A.shape
    SA = np.zeros((H + 1, W + 1), dtype=np.float64)
    SB = np.zeros((H + 1, W + 1), dtype=np.float64)
    SF = np.zeros((H + 1, W + 1), dtype=np.int64)
    for i in range(H):
        ra = 0.0
        rb = 0.0
        rf = 0
        for j in range(W):
            a = A[i, j]
            b = B[i, j]
            ra += a
            rb += b
            if a > 0.0 or b > 0.0:
                rf += 1
            SA[i + 1, j + 1] = SA[i, j + 1] + ra
            SB[i + 1, j + 1] = SB[i, j + 1] + rb
            SF[i + 1, j + 1] = SF[i, j + 1] + rf
    return SA, SB, SF


@njit(cache=True, nogil=True, inline="always")
def _box(S, r0, r1, c0, c1):
    # inclusive rows r0..r1 and columns c0..c1
    return S[r1 + 1, c1 + 1] - S[r0, c1 + 1] - S[r1 + 1, c0] + S[r0, c0]


@njit(cache=True, nogil=True)
def _square_count(SF, r, c, k, H, W):
    r0 = max(r - k, 0)
    r1 = min(r + k, H - 1)
    c0 = max(c - k, 0)
    c1 = min(c + k, W - 1)
    return _box(SF, r0, r1, c0, c1)


@njit(cache=True, nogil=True)
def one_cutout(A, B, SA, SB, SF, r, c, target, key):
    """Concentration, half-width k and foreground count of one exact-N cutout."""
    H, W = A.shape
    kmax = max(max(r, H - 1 - r), max(c, W - 1 - c))
    lo = 0
    hi = kmax
    while lo < hi:  # smallest k with count(k) >= target
        mid = (lo + hi) // 2
        if _square_count(SF, r, c, mid, H, W) >= target:
            hi = mid
        else:
            lo = mid + 1
    k = lo
    if k == 0:
        a = A[r, c]
        b = B[r, c]
        return a / (a + b), 0, 1
    km = k - 1
    r0 = max(r - km, 0)
    r1 = min(r + km, H - 1)
    c0 = max(c - km, 0)
    c1 = min(c + km, W - 1)
    n_in = _box(SF, r0, r1, c0, c1)
    sa = _box(SA, r0, r1, c0, c1)
    sb = _box(SB, r0, r1, c0, c1)
    need = target - n_in
    # foreground pixels of the ring at half-width k, row-major order
    R0 = max(r - k, 0)
    R1 = min(r + k, H - 1)
    C0 = max(c - k, 0)
    C1 = min(c + k, W - 1)
    buf = np.empty(8 * k + 4, dtype=np.int64)
    L = 0
    for i in range(R0, R1 + 1):
        if i == r - k or i == r + k:
            for j in range(C0, C1 + 1):
                if A[i, j] > 0.0 or B[i, j] > 0.0:
                    buf[L] = i * W + j
                    L += 1
        else:
            j = c - k
            if j >= 0 and (A[i, j] > 0.0 or B[i, j] > 0.0):
                buf[L] = i * W + j
                L += 1
            j = c + k
            if j < W and (A[i, j] > 0.0 or B[i, j] > 0.0):
                buf[L] = i * W + j
                L += 1
    for t in range(need):  # partial Fisher-Yates: buf[:need] is a uniform random subset
        u = t + randbelow(key, t, L - t)
        tmp = buf[t]
        buf[t] = buf[u]
        buf[u] = tmp
        p = buf[t]
        sa += A[p // W, p % W]
        sb += B[p // W, p % W]
    return sa / (sa + sb), k, n_in + need


@njit(cache=True, nogil=True, parallel=True)
def sample_cutouts(A, B, SA, SB, SF, rows, cols, targets, keys):
    """Exact-N cutouts for many (centre, target, key) items at once.

    Parameters
    ----------
    A, B : float64 (H, W)
    SA, SB, SF : summed-area tables from :func:`summed_area_tables`
    rows, cols : int64 (n,) foreground centres
    targets : int64 (n,) foreground pixel count of each cutout (1 <= target <= foreground)
    keys : uint64 (n,) random-stream key of each cutout

    Returns
    -------
    conc : float64 (n,) cutout concentrations ΣA/(ΣA+ΣB)
    half_width : int64 (n,) half-width k of the completed ring
    count : int64 (n,) foreground pixels in the cutout (equals the target)
    """
    n = rows.shape[0]
    conc = np.empty(n, dtype=np.float64)
    hw = np.empty(n, dtype=np.int64)
    cnt = np.empty(n, dtype=np.int64)
    for i in prange(n):
        x, k, m = one_cutout(A, B, SA, SB, SF, rows[i], cols[i], targets[i], keys[i])
        conc[i] = x
        hw[i] = k
        cnt[i] = m
    return conc, hw, cnt
