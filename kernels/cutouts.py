"""Exact-N cutouts on summed-area tables (Buchheiser et al., Section 2.1).

Centres are foreground pixels given by their rank in row-major order, located on the tables.
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


@njit(cache=True, nogil=True, parallel=True)
def map_tables(A, B, SA, SB, SF):
    """Fill summed-area tables of A, B and the foreground and return pixel statistics, in one pass.

    ``SA, SB, SF`` are zero-initialised outputs of shape (H+1, W+1) (int32 for bool maps and the
    foreground count, float64 for intensities); ``S[i, j]`` is the sum over rows < i and columns < j,
    and the foreground is A > 0 or B > 0. Returns ``stats`` = [n10, n01, n11, ΣA, ΣB, Σx, Σx²] with
    the pixel concentration x = A/(A+B) summed over foreground pixels. Each row and each column block
    is summed by one thread in a fixed order, so the result does not depend on the thread count.
    """
    H, W = A.shape
    rows = np.zeros((H, 7), dtype=np.float64)
    for i in prange(H):  # pass 1: prefix sums along each row, row statistics
        ra = 0.0
        rb = 0.0
        rf = 0
        n10 = 0
        n01 = 0
        n11 = 0
        sx = 0.0
        sxx = 0.0
        for j in range(W):
            a = np.float64(A[i, j])
            b = np.float64(B[i, j])
            ra += a
            rb += b
            if a > 0.0 or b > 0.0:
                rf += 1
                x = a / (a + b)
                sx += x
                sxx += x * x
                if b == 0.0:
                    n10 += 1
                elif a == 0.0:
                    n01 += 1
                else:
                    n11 += 1
            SA[i + 1, j + 1] = ra
            SB[i + 1, j + 1] = rb
            SF[i + 1, j + 1] = rf
        rows[i, 0] = n10
        rows[i, 1] = n01
        rows[i, 2] = n11
        rows[i, 3] = ra
        rows[i, 4] = rb
        rows[i, 5] = sx
        rows[i, 6] = sxx
    block = 256
    nblocks = (W + block) // block
    for jb in prange(nblocks):  # pass 2: accumulate down the columns, one block per thread
        j0 = jb * block + 1
        j1 = min(j0 + block, W + 1)
        for i in range(1, H + 1):
            for j in range(j0, j1):
                SA[i, j] += SA[i - 1, j]
                SB[i, j] += SB[i - 1, j]
                SF[i, j] += SF[i - 1, j]
    stats = np.zeros(7, dtype=np.float64)
    for i in range(H):
        for m in range(7):
            stats[m] += rows[i, m]
    return stats


@njit(cache=True, nogil=True)
def locate_foreground(SF, rank):
    """Row and column of the foreground pixel of the given rank in row-major order."""
    H = SF.shape[0] - 1
    W = SF.shape[1] - 1
    lo = 0
    hi = H - 1
    while lo < hi:  # last row r with SF[r, W] <= rank
        mid = (lo + hi + 1) // 2
        if SF[mid, W] <= rank:
            lo = mid
        else:
            hi = mid - 1
    r = lo
    k = rank - np.int64(SF[r, W])  # rank within row r
    lo = 0
    hi = W - 1
    while lo < hi:  # first column c with count(row r, cols <= c) > k
        mid = (lo + hi) // 2
        if SF[r + 1, mid + 1] - SF[r, mid + 1] > k:
            hi = mid
        else:
            lo = mid + 1
    return r, lo


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
def one_cutout(A, B, SA, SB, SF, r, c, target, key, density):
    """Concentration, half-width k and foreground count of one exact-N cutout."""
    H, W = A.shape
    kmax = max(max(r, H - 1 - r), max(c, W - 1 - c))
    # smallest k with count(k) >= target: gallop from the estimate for the map's mean density,
    # then bisect; count(k) is non-decreasing in k
    k0 = min(max(np.int64((np.sqrt(target / density) - 1.0) / 2.0), 0), kmax)
    lo = 0
    hi = kmax
    if _square_count(SF, r, c, k0, H, W) >= target:
        hi = k0
        step = 1
        while hi - step >= 0 and _square_count(SF, r, c, hi - step, H, W) >= target:
            hi -= step
            step *= 2
        lo = max(hi - step + 1, 0)
    else:
        lo = k0 + 1
        step = 1
        while lo + step <= kmax and _square_count(SF, r, c, lo + step - 1, H, W) < target:
            lo += step
            step *= 2
        hi = min(lo + step - 1, kmax)
    while lo < hi:
        mid = (lo + hi) // 2
        if _square_count(SF, r, c, mid, H, W) >= target:
            hi = mid
        else:
            lo = mid + 1
    k = lo
    if k == 0:
        a = np.float64(A[r, c])
        b = np.float64(B[r, c])
        return a / (a + b), 0, 1
    km = k - 1
    r0 = max(r - km, 0)
    r1 = min(r + km, H - 1)
    c0 = max(c - km, 0)
    c1 = min(c + km, W - 1)
    n_in = np.int64(_box(SF, r0, r1, c0, c1))
    sa = np.float64(_box(SA, r0, r1, c0, c1))
    sb = np.float64(_box(SB, r0, r1, c0, c1))
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
        sa += np.float64(A[p // W, p % W])
        sb += np.float64(B[p // W, p % W])
    return sa / (sa + sb), k, n_in + need


@njit(cache=True, nogil=True, parallel=True)
def sample_cutouts(A, B, SA, SB, SF, ranks, targets, keys):
    """Exact-N cutouts for many (centre, target, key) items at once.

    Parameters
    ----------
    A, B : (H, W) uint8 (bool maps) or float64
    SA, SB, SF : summed-area tables from :func:`map_tables`
    ranks : int64 (n,) centre of each cutout as the rank of a foreground pixel in row-major order
    targets : int64 (n,) foreground pixel count of each cutout (1 <= target <= foreground)
    keys : uint64 (n,) random-stream key of each cutout

    Returns
    -------
    conc : float64 (n,) cutout concentrations ΣA/(ΣA+ΣB)
    half_width : int64 (n,) half-width k of the completed ring
    count : int64 (n,) foreground pixels in the cutout (equals the target)
    centre : int64 (n, 2) row and column of each centre
    """
    n = ranks.shape[0]
    H, W = A.shape
    density = max(SF[H, W] / (H * W), 1e-12)
    conc = np.empty(n, dtype=np.float64)
    hw = np.empty(n, dtype=np.int64)
    cnt = np.empty(n, dtype=np.int64)
    centre = np.empty((n, 2), dtype=np.int64)
    for i in prange(n):
        r, c = locate_foreground(SF, ranks[i])
        x, k, m = one_cutout(A, B, SA, SB, SF, r, c, targets[i], keys[i], density)
        conc[i] = x
        hw[i] = k
        cnt[i] = m
        centre[i, 0] = r
        centre[i, 1] = c
    return conc, hw, cnt, centre
