"""NumPy twins of kernels/radial.py and kernels/pairs.py: pair sums of the correlation function R(h)."""

import numpy as np

from .cutouts import naive_splitmix64


def naive_in_direction(dy, dx, theta_deg, tol_deg):
    """Axis of (dy, dx) within tol of theta (degrees, counter-clockwise, rows grow downwards)."""
    import math

    ang = math.degrees(math.atan2(-dy, dx))
    diff = (ang - theta_deg + 90.0) % 180.0 - 90.0
    return abs(diff) <= tol_deg + 1e-9


def naive_pair_sums(f, mask, h_max, direction=None):
    """Brute force over all unordered foreground pixel pairs: (S_h, n_h) of Eq. (7).

    ``f`` is the centred field x - P; a pair at distance d falls in bin h when h - 0.5 <= d < h + 0.5;
    bin 0 holds each pixel paired with itself. ``direction`` = (theta, tol) in degrees or None.
    """
    import math

    rr, cc = np.nonzero(mask)
    vals = np.asarray(f, dtype=np.float64)[rr, cc]
    S = np.zeros(h_max + 1)
    N = np.zeros(h_max + 1, dtype=np.int64)
    S[0] = float(np.sum(vals * vals))
    N[0] = len(vals)
    n = len(vals)
    for i in range(n):
        for j in range(i + 1, n):
            dy, dx = int(rr[j] - rr[i]), int(cc[j] - cc[i])
            d = math.sqrt(dy * dy + dx * dx)
            h = int(math.floor(d + 0.5))
            if h > h_max:
                continue
            if direction is not None and not naive_in_direction(dy, dx, *direction):
                continue
            S[h] += vals[i] * vals[j]
            N[h] += 1
    return S, N


def naive_radial_pair_sums(win_f, win_m, h_max, direction=None):
    """Twin of kernels.radial.radial_pair_sums: loop over the half-plane window."""
    import math

    S = np.zeros(h_max + 1)
    N = np.zeros(h_max + 1, dtype=np.int64)
    S[0] = win_f[0, h_max]
    N[0] = win_m[0, h_max]
    for dy in range(h_max + 1):
        for dx in range(-h_max, h_max + 1):
            if dy == 0 and dx <= 0:
                continue
            h = int(math.floor(math.sqrt(dy * dy + dx * dx) + 0.5))
            if h > h_max or (direction is not None and not naive_in_direction(dy, dx, *direction)):
                continue
            S[h] += win_f[dy, dx + h_max]
            N[h] += win_m[dy, dx + h_max]
    return S, N


def naive_displacement_sums(f, mask, h_max):
    """Half-plane windows [dy, dx + h_max] of sum f_i f_{i+d} and of pair counts, by slicing."""
    f = np.asarray(f, dtype=np.float64)
    m = np.asarray(mask, dtype=np.float64)
    H, W = f.shape
    wf = np.zeros((h_max + 1, 2 * h_max + 1))
    wm = np.zeros((h_max + 1, 2 * h_max + 1), dtype=np.int64)
    for dy in range(h_max + 1):
        for dx in range(-h_max, h_max + 1):
            if dy >= H or abs(dx) >= W:
                continue
            r0 = slice(0, H - dy)
            r1 = slice(dy, H)
            c0 = slice(max(0, -dx), W - max(0, dx))
            c1 = slice(max(0, dx), W - max(0, -dx))
            wf[dy, dx + h_max] = np.sum(f[r0, c0] * f[r1, c1])
            wm[dy, dx + h_max] = int(np.sum(m[r0, c0] * m[r1, c1]))
    return wf, wm


def naive_ring_offsets(h_max, direction=None):
    """Twin of kernels.pairs.ring_offsets: displacements per bin in row-major order."""
    import math

    per = [[] for _ in range(h_max + 1)]
    for dy in range(-h_max, h_max + 1):
        for dx in range(-h_max, h_max + 1):
            h = int(math.floor(math.sqrt(dy * dy + dx * dx) + 0.5))
            if h > h_max:
                continue
            if direction is not None and h > 0 and not naive_in_direction(dy, dx, *direction):
                continue
            per[h].append((dy, dx))
    start = np.cumsum([0] + [len(p) for p in per])
    flat = [o for p in per for o in p]
    return (
        np.array([o[0] for o in flat], dtype=np.int64),
        np.array([o[1] for o in flat], dtype=np.int64),
        start.astype(np.int64),
    )


def naive_random_pair_sums(f2d, mask2d, h_max, n_pairs, max_attempts, keys, direction=None):
    """Twin of kernels.pairs.random_pair_sums with the same SplitMix64 streams (draws 2t, 2t+1)."""
    f = np.asarray(f2d, dtype=np.float64).ravel()
    mask = np.asarray(mask2d, dtype=bool).ravel()
    H, W = np.shape(f2d)
    fg = np.flatnonzero(mask)
    rdy, rdx, start = naive_ring_offsets(h_max, direction)
    S = np.zeros(h_max + 1)
    N = np.zeros(h_max + 1, dtype=np.int64)
    for h in range(h_max + 1):
        lo, nr = int(start[h]), int(start[h + 1] - start[h])
        if nr == 0:
            continue
        key = int(keys[h])
        s, n, t = 0.0, 0, 0
        while n < n_pairs and t < max_attempts:
            p = int(fg[naive_splitmix64(key, 2 * t) % len(fg)])
            k = lo + naive_splitmix64(key, 2 * t + 1) % nr
            t += 1
            r, c = p // W + int(rdy[k]), p % W + int(rdx[k])
            if 0 <= r < H and 0 <= c < W and mask[r * W + c]:
                s += f[p] * f[r * W + c]
                n += 1
        S[h], N[h] = s, n
    return S, N
