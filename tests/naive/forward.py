"""NumPy twins of kernels/forward.py: implicit and explicit forward diffusion."""

import numpy as np


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
