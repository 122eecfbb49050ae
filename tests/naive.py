"""Obvious, slow, pure-NumPy twins of every mixmap kernel.

Tests compare each Numba kernel with its twin here; benchmarks time both in the same run. Each
section below belongs to one module of kernels/; sections are appended, never interleaved.
"""

import numpy as np


# --- kernels/rng.py and kernels/cutouts.py -------------------------------------------------------
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
    pad = lambda M: np.pad(M, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
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


# --- kernels/radial.py and kernels/pairs.py (scale of segregation, issue 5) -----------------------
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


# --- src/mixmap/precursors.py (projection of spot compositions on the precursor segment) --------
def naive_precursor_fractions(S, a, b, units_a, units_b):
    """One bounded least-squares solve per spot: min_c |s' - (c a + (1 - c) b)|², 0 <= c <= 1.

    ``S`` rows are raw spot fractions, ``a``/``b`` the normalised precursor compositions,
    ``units_*`` detected atoms (or detected g/mol) per formula unit. ``s'`` is the spot
    renormalised over the precursors' elements; the residual uses the spot renormalised over all
    elements. Returns ``(c, residual, x)`` like ``mixmap.precursors._project``.
    """
    from scipy.optimize import lsq_linear

    S = np.asarray(S, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n = len(S)
    c = np.empty(n)
    res = np.empty(n)
    x = np.empty(n)
    own = (a > 0) | (b > 0)
    A = (a - b)[own][:, None]
    for i in range(n):
        s = S[i] / S[i].sum()
        sp = S[i][own] / S[i][own].sum()
        sol = lsq_linear(A, sp - b[own], bounds=(0.0, 1.0), method="bvls")
        ci = float(sol.x[0])
        c[i] = ci
        res[i] = np.linalg.norm(s - (b + ci * (a - b)))
        na = ci / units_a
        nb = (1.0 - ci) / units_b
        x[i] = na / (na + nb)
    return c, res, x


# --- kernels/windows.py (spectral window sums, issue 6) -------------------------------------------
def naive_window_sums(block, starts, stops):
    """Slice-and-sum every window of every spectrum (same clipping as kernels.windows)."""
    block = np.asarray(block)
    ne = block.shape[2]
    out = np.zeros(block.shape[:2] + (len(starts),), dtype=np.float64)
    for w, (a, b) in enumerate(zip(starts, stops)):
        a = min(max(int(a), 0), ne)
        b = min(max(int(b), a), ne)
        out[:, :, w] = block[:, :, a:b].astype(np.float64).sum(axis=2)
    return out


def naive_element_map(cube, energy, line_keV, fwhm_keV, width=2.0, background=None, offsets=(2.0, 2.0), bg_width=1.0):
    """Element map of one line by masking channels on the energy axis (no merging of windows).

    Channel k belongs to [lo, hi) when round_half_down((lo - e0)/de) <= k < round_half_down(...).
    """
    cube = np.asarray(cube, dtype=np.float64)
    e0, de = energy[0], energy[1] - energy[0]

    def ch(v):
        x = (v - e0) / de
        return int(np.ceil(x - 0.5)) if x >= 0 else int(np.floor(x + 0.5))

    k = np.arange(cube.shape[2])
    lo, hi = line_keV - width * fwhm_keV / 2, line_keV + width * fwhm_keV / 2
    m = (k >= ch(lo)) & (k < ch(hi))
    out = cube[:, :, m].sum(axis=2)
    if background == "windows":
        l0, l1 = line_keV - fwhm_keV * (offsets[0] + bg_width), line_keV - fwhm_keV * offsets[0]
        r0, r1 = line_keV + fwhm_keV * offsets[1], line_keV + fwhm_keV * (offsets[1] + bg_width)
        ml = (k >= ch(l0)) & (k < max(ch(l1), ch(l0) + 1))
        mr = (k >= ch(r0)) & (k < max(ch(r1), ch(r0) + 1))
        bg = (cube[:, :, ml].sum(axis=2) + cube[:, :, mr].sum(axis=2)) / (ml.sum() + mr.sum())
        out = out - bg * m.sum()
    return out


# --- kernels/aggregation.py and kernels/raster.py (synthetic aggregates, issue 3) ----------------
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
    for x, y, rk, m in zip(xc, yc, r, material):
        q = rk * rk - (ii - y) ** 2 - (jj - x) ** 2
        out[m] += np.where(q > 0, 2 * np.sqrt(np.clip(q, 0, None)), 0.0)
    return out


# --- kernels/profiles.py (inter-diffusion profiles, issue 7) -------------------------------------
def naive_profile_normals(key, n, offset=0):
    """Standard normals z_i (Box-Muller on draws offset+2i, offset+2i+1 of SplitMix64 stream ``key``),
    the numbers kernels.profiles.replicate adds to a profile."""
    with np.errstate(over="ignore"):
        k = np.uint64(key)
        i = np.arange(offset, offset + 2 * n, dtype=np.uint64)
        z = k + (i + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) / 9007199254740992.0
    u1, u2 = u[0::2], u[1::2]
    return np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2)


def naive_plateau_end(c, m, right):
    """Value at the end point of a straight line (np.polyfit) through the first/last m points."""
    idx = np.arange(c.size)
    sl = slice(c.size - m, None) if right else slice(0, m)
    b, a = np.polyfit(idx[sl], c[sl], 1)
    return a + b * idx[-1 if right else 0]


def naive_analyse_profile(c, x0, dx, t, window, order, m, levels, method, molar_volume=None, tail=(0.01, 0.2)):
    """Sauer-Freise (0), Boltzmann-Matano (1) or Hall (2) D(levels) with scipy.signal.savgol_filter,
    np.cumsum trapezoids, np.polyfit and scipy.special.erfinv; ``molar_volume`` a callable V(c).
    Same definitions as kernels.profiles.analyse_profile (crossing = mean of first and last upward
    crossing of the smoothed Y)."""
    from scipy.signal import savgol_filter
    from scipy.special import erfinv

    c = np.asarray(c, dtype=float)
    n = c.size
    x = x0 + dx * np.arange(n)
    if window:
        cs = savgol_filter(c, window, order, mode="interp")
        dc = savgol_filter(c, window, order, deriv=1, delta=dx, mode="interp")
    else:
        cs, dc = c.copy(), np.gradient(c, dx, edge_order=2)
    cl, cr = naive_plateau_end(c, m, False), naive_plateau_end(c, m, True)
    Y, dY = (cs - cl) / (cr - cl), dc / (cr - cl)
    vm = np.ones(n) if molar_volume is None else molar_volume(cs)
    trap = lambda f: np.concatenate(([0.0], np.cumsum(0.5 * dx * (f[1:] + f[:-1]))))
    F, G = trap(Y / vm), trap((1 - Y) / vm)
    x_m = x[-1] - trap(Y)[-1]
    M = (x0 - x_m) * Y[0] + np.concatenate(([0.0], np.cumsum((0.5 * (x[1:] + x[:-1]) - x_m) * np.diff(Y))))
    fits = []
    for lo, hi in ((tail[0], tail[1]), (1 - tail[1], 1 - tail[0])):
        sel = (Y > lo) & (Y < hi)
        h, k = np.polyfit((x[sel] - x_m) / np.sqrt(t), erfinv(2 * Y[sel] - 1), 1) if sel.sum() >= 3 else (np.nan,) * 2
        fits.append((h, k))
    out = np.full(len(levels), np.nan)
    for j, lev in enumerate(levels):
        ys = (lev - cl) / (cr - cl)
        up = np.flatnonzero((Y[:-1] <= ys) & (Y[1:] > ys))
        if up.size == 0:
            continue
        fr = [i + (Y[i] - ys) / (Y[i] - Y[i + 1]) for i in (up[0], up[-1])]
        f = 0.5 * (fr[0] + fr[1])
        at = lambda a: np.interp(f, np.arange(n), a)
        g = at(dY)
        if not g > 0:
            continue
        if method == 0:
            v = 1.0 if molar_volume is None else molar_volume(np.array([lev]))[0]
            out[j] = v * ((1 - ys) * at(F) + ys * (G[-1] - at(G))) / (2 * t * g)
        elif method == 1:
            out[j] = -at(M) / (2 * t * g)
        else:
            u = erfinv(2 * ys - 1)
            (hl, kl), (hr, kr) = fits
            if tail[0] < ys < tail[1] and hl > 0:
                out[j] = (1 + 2 * kl * np.sqrt(np.pi) * ys * np.exp(u * u)) / (4 * hl * hl)
            elif 1 - tail[1] < ys < 1 - tail[0] and hr > 0:
                out[j] = (1 - 2 * kr * np.sqrt(np.pi) * (1 - ys) * np.exp(u * u)) / (4 * hr * hr)
    return out


def naive_mc_profiles(base, sigma, keys, x0, dx, t, window, order, m, levels, method):
    """Monte-Carlo replicates one after the other: base + sigma * z (same random stream per key)."""
    return np.array(
        [
            naive_analyse_profile(
                base + sigma * naive_profile_normals(k, base.size), x0, dx, t, window, order, m, levels, method
            )
            for k in keys
        ]
    )


def naive_mc_erfc(base, sigma, keys, u, p0):
    """Monte-Carlo of the erfc fit with scipy.optimize.curve_fit for every replicate."""
    from scipy.optimize import curve_fit
    from scipy.special import erfc

    f = lambda x, cl, cr, x0, w: cl + 0.5 * (cr - cl) * erfc(-(x - x0) / w)
    return np.array([curve_fit(f, u, base + sigma * naive_profile_normals(k, base.size), p0=p0)[0] for k in keys])


def naive_theta_diffuse(x, c0, times, theta, n_startup, D_of_c, max_picard=50, tol=1e-12):
    """Finite-volume theta scheme with Picard iteration, one step at a time with
    scipy.linalg.solve_banded (twin of kernels.profiles.diffuse; D_of_c vectorised, m^2/s)."""
    from scipy.linalg import solve_banded

    x = np.asarray(x, dtype=float)
    n = x.size
    vol = np.empty(n)
    vol[1:-1] = 0.5 * (x[2:] - x[:-2])
    vol[0], vol[-1] = 0.5 * (x[1] - x[0]), 0.5 * (x[-1] - x[-2])
    h = np.diff(x)
    c = np.asarray(c0, dtype=float).copy()
    t_prev = 0.0
    for k, tk in enumerate(times):
        dt, t_prev = tk - t_prev, tk
        th = 1.0 if k < n_startup else theta
        new = c.copy()
        for _ in range(max_picard):
            K = D_of_c(0.25 * (c[:-1] + c[1:] + new[:-1] + new[1:])) / h
            kl, kr = np.r_[0.0, K], np.r_[K, 0.0]
            ab = np.zeros((3, n))
            ab[0, 1:] = -th * K
            ab[1] = vol / dt + th * (kl + kr)
            ab[2, :-1] = -th * K
            flux = np.r_[0.0, K * np.diff(c)] * -1 + np.r_[K * np.diff(c), 0.0]
            rhs = vol / dt * c + (1 - th) * flux
            nxt = solve_banded((1, 1), ab, rhs)
            done = np.abs(nxt - new).max() <= tol
            new = nxt
            if done:
                break
        c = new
    return c


def naive_explicit_diffuse(x, c0, D_of_c, t, safety=0.45):
    """Explicit (forward Euler) finite differences on a uniform grid, zero-flux ends, plain NumPy step
    loop with dt = safety * dx^2 / max D (the benchmark peer of the implicit solver)."""
    c = np.asarray(c0, dtype=float).copy()
    dx = x[1] - x[0]
    dmax = float(np.max(D_of_c(np.linspace(c.min(), c.max(), 257))))
    n_steps = int(np.ceil(t / (safety * dx * dx / dmax)))
    dt = t / n_steps
    for _ in range(n_steps):
        flux = D_of_c(0.5 * (c[1:] + c[:-1])) * np.diff(c) / dx
        c[1:-1] += dt / dx * (flux[1:] - flux[:-1])
        c[0] += 2 * dt / dx * flux[0]
        c[-1] -= 2 * dt / dx * flux[-1]
    return c
