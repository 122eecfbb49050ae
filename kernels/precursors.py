"""Projection of EDS spot compositions on the segment between two precursor compositions.

One pass per spot, no temporaries: the spot's element fractions are checked (finite, >= 0, some
signal, some precursor element), renormalised, and projected on the segment ``b + c (a - b)``:
``c = (s' - b)·(a - b) / |a - b|²`` clipped to [0, 1] with ``s'`` the spot renormalised over the
precursors' elements, the residual ``|s - (b + c (a - b))|`` with ``s`` renormalised over all
elements, and the molar fraction ``x = (c/N_a) / (c/N_a + (1 - c)/N_b)``. The pure-NumPy twin is
``naive_precursor_fractions`` in tests/naive/.
"""

import numpy as np
from numba import njit

OK = 0
NONFINITE = 1
NEGATIVE = 2
EMPTY = 3
NO_PRECURSOR_ELEMENT = 4


@njit(cache=True, nogil=True)
def project_spots(S, a, b, own, units_a, units_b, c, residual, x, status):
    """Fill ``c``, ``residual``, ``x`` (float64, NaN where rejected) and ``status`` (int8) per row.

    ``S`` (n, k) raw fractions; ``a``, ``b`` (k,) normalised precursor compositions (zero on
    elements of neither precursor); ``own`` (k,) bool, element of either precursor; ``units_*``
    detected atoms (or g/mol) per formula unit. ``status``: 0 ok, 1 non-finite value,
    2 negative value, 3 no signal, 4 no precursor element.
    """
    n, k = S.shape
    dd = 0.0
    bd = 0.0
    for j in range(k):
        dj = a[j] - b[j]
        dd += dj * dj
        bd += b[j] * dj
    for i in range(n):
        st = OK
        tot = 0.0
        totp = 0.0
        num = 0.0
        for j in range(k):
            v = S[i, j]
            if not np.isfinite(v):
                st = NONFINITE
                break
            if v < 0.0:
                st = NEGATIVE
            tot += v
            if own[j]:
                totp += v
                num += v * (a[j] - b[j])
        if st == OK and not tot > 0.0:
            st = EMPTY
        if st == OK and not totp > 0.0:
            st = NO_PRECURSOR_ELEMENT
        status[i] = st
        if st != OK:
            c[i] = np.nan
            residual[i] = np.nan
            x[i] = np.nan
            continue
        ci = (num / totp - bd) / dd
        if ci < 0.0:
            ci = 0.0
        elif ci > 1.0:
            ci = 1.0
        r2 = 0.0
        for j in range(k):
            rj = S[i, j] / tot - b[j] - ci * (a[j] - b[j])
            r2 += rj * rj
        pa = ci / units_a
        c[i] = ci
        residual[i] = np.sqrt(r2)
        x[i] = pa / (pa + (1.0 - ci) / units_b)
