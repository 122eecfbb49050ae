"""NumPy twins of kernels/erfc_fit.py: Monte-Carlo replicates and erfc fits."""

import numpy as np

from .interdiffusion import naive_analyse_profile, naive_profile_normals


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

    def f(x, cl, cr, x0, w):
        return cl + 0.5 * (cr - cl) * erfc(-(x - x0) / w)

    return np.array([curve_fit(f, u, base + sigma * naive_profile_normals(k, base.size), p0=p0)[0] for k in keys])
