"""NumPy twins of kernels/precursors.py: projection of spot compositions on the precursor segment."""

import numpy as np


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
