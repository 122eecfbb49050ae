"""NumPy twins of kernels/interdiffusion.py and kernels/savgol.py.

Profile normals, plateau ends, Boltzmann-Matano, Sauer-Freise and Hall.
"""

import numpy as np


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

    def trap(f):
        return np.concatenate(([0.0], np.cumsum(0.5 * dx * (f[1:] + f[:-1]))))

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

        def at(a, f=f):
            return np.interp(f, np.arange(n), a)

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
