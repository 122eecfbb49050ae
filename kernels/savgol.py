"""Savitzky-Golay smoothing and differentiation as a convolution (inter-diffusion, issue 7).

The coefficients (``scipy.signal.savgol_coeffs``) are computed once in Python; the edge rows
reproduce ``mode="interp"`` of ``scipy.signal.savgol_filter``. Arrays in, arrays out; no
validation (done in ``mixmap.diffusion``).
"""

import numpy as np
from numba import njit


@njit(cache=True)
def savgol_apply(y, coef):
    """Apply Savitzky-Golay coefficients ``coef`` to ``y``.

    ``coef`` is w x w: row p = weights for position p of a window, as
    ``savgol_coeffs(w, order, pos=p, use="dot")``. Interior points use the centre row; the first and
    last w//2 points use the edge rows on the first/last window (``mode="interp"``).
    """
    n = y.size
    w = coef.shape[0]
    h = w // 2
    out = np.empty(n)
    for i in range(h, n - h):
        s = 0.0
        for j in range(w):
            s += coef[h, j] * y[i - h + j]
        out[i] = s
    for p in range(h):
        s = 0.0
        s2 = 0.0
        for j in range(w):
            s += coef[p, j] * y[j]
            s2 += coef[w - h + p, j] * y[n - w + j]
        out[p] = s
        out[n - h + p] = s2
    return out


@njit(cache=True)
def savgol_at(y, coef, i):
    """Savitzky-Golay filter output at index ``i`` only (same rows as :func:`savgol_apply`)."""
    n = y.size
    w = coef.shape[0]
    h = w // 2
    s = 0.0
    if i < h:
        for j in range(w):
            s += coef[i, j] * y[j]
    elif i >= n - h:
        p = w - (n - i)
        for j in range(w):
            s += coef[p, j] * y[n - w + j]
    else:
        for j in range(w):
            s += coef[h, j] * y[i - h + j]
    return s
