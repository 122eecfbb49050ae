"""Map fixtures of the R(h) tests: an irregular two-element aggregate and the brute-force reference."""

import numpy as np
from naive import naive_pair_sums

from mixmap.mixing import pixel_concentration


def blob_maps(rng, shape=(17, 23), p_fg=0.75, p_overlap=0.15):
    """An irregular aggregate with A, B and overlap pixels, with holes and a ragged edge."""
    H, W = shape
    yy, xx = np.mgrid[:H, :W]
    r = np.hypot((yy - H / 2) / (H / 2), (xx - W / 2) / (W / 2))
    fg = (r < 0.95) & (rng.random(shape) < p_fg)
    a_side = (xx + 3 * np.sin(yy / 2.0)) < W / 2
    a = fg & (a_side | (rng.random(shape) < p_overlap))
    b = fg & (~a_side | (rng.random(shape) < p_overlap))
    return a, b


def expected(a, b, h_max, direction=None):
    """Brute-force S, N and R(h) (Eqs. 7-8) of a map pair up to ``h_max``."""
    A, B = np.asarray(a, float), np.asarray(b, float)
    x, fg = pixel_concentration(A, B)
    P = A.sum() / (A.sum() + B.sum())
    s2 = np.mean((x[fg] - P) ** 2)
    S, N = naive_pair_sums(np.where(fg, x - P, 0.0), fg, h_max, direction)
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.where(N > 1, S / (N - 1), np.nan) / s2
    return S, N, R
