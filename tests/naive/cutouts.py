"""NumPy twins of kernels/rng.py and kernels/cutouts.py: SplitMix64, summed-area tables, exact-N cutouts."""

import numpy as np


_MASK64 = (1 << 64) - 1


def naive_splitmix64(key, i):
    """SplitMix64 in plain Python integers."""
    z = (int(key) + (int(i) + 1) * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def naive_map_tables(A, B):
    """Summed-area tables by cumsum and the pixel statistics of kernels.cutouts.map_tables."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    fg = (A > 0) | (B > 0)

    def pad(M):
        return np.pad(M, ((1, 0), (1, 0))).cumsum(0).cumsum(1)

    x = A[fg] / (A[fg] + B[fg])
    stats = [
        np.sum(fg & (B == 0)),
        np.sum(fg & (A == 0)),
        np.sum((A > 0) & (B > 0)),
        A.sum(),
        B.sum(),
        x.sum(),
        (x * x).sum(),
    ]
    return pad(A), pad(B), pad(fg.astype(np.int64)), np.array(stats, dtype=float)  # tables, stats


def naive_cutouts(A, B, ranks, targets, keys):
    """Grow a square one pixel at a time around each centre and count by slicing.

    Centres are foreground pixels by row-major rank; same selection rule and random stream as
    kernels.cutouts.sample_cutouts.
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    fg = (A > 0) | (B > 0)
    H, W = A.shape
    rows, cols = np.divmod(np.flatnonzero(fg)[np.asarray(ranks)], W)
    n = len(rows)
    conc = np.empty(n)
    hw = np.empty(n, dtype=np.int64)
    cnt = np.empty(n, dtype=np.int64)
    for t in range(n):
        r, c, T, key = int(rows[t]), int(cols[t]), int(targets[t]), int(keys[t])
        k = 0
        while fg[max(r - k, 0) : r + k + 1, max(c - k, 0) : c + k + 1].sum() < T:
            k += 1
        if k == 0:
            conc[t], hw[t], cnt[t] = A[r, c] / (A[r, c] + B[r, c]), 0, 1
            continue
        inner = (slice(max(r - k + 1, 0), r + k), slice(max(c - k + 1, 0), c + k))
        outer = (slice(max(r - k, 0), r + k + 1), slice(max(c - k, 0), c + k + 1))
        n_in = int(fg[inner].sum())
        sa = A[inner].sum()
        sb = B[inner].sum()
        r0, c0 = outer[0].start, outer[1].start
        ring = fg[outer].copy()
        ring[inner[0].start - r0 : inner[0].stop - r0, inner[1].start - c0 : inner[1].stop - c0] = False
        rr, cc = np.nonzero(ring)
        flat = list((rr + r0) * W + (cc + c0))
        need = T - n_in
        for j in range(need):
            u = j + naive_splitmix64(key, j) % (len(flat) - j)
            flat[j], flat[u] = flat[u], flat[j]
        picked = np.array(flat[:need], dtype=np.int64)
        sa += A.ravel()[picked].sum()
        sb += B.ravel()[picked].sum()
        conc[t], hw[t], cnt[t] = sa / (sa + sb), k, n_in + need
    return conc, hw, cnt, np.stack([rows, cols], -1)
