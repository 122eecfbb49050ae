"""Pixel classes and concentrations of a map pair (paper Section 2.2.2, Eqs. 3-4).

Definitions (../shared/DESIGN.md, "Definitions shared by several issues"): two 2-D maps A and B of
equal shape, bool (segmented) or non-negative numbers (counts, intensities). A pixel is foreground
when A > 0 or B > 0; background pixels [0,0] are ignored. The concentration of a region is
ΣA / (ΣA + ΣB) over its foreground pixels, so a bool overlap pixel [1,1] has concentration 0.5 as in
the paper. Bool maps are handled as 0/1 numbers, so both kinds share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._results import Result
from .._validate import check_map_pair
from ..errors import DataError

__all__ = ["as_map_pair", "PixelClasses", "pixel_classes", "pixel_concentration", "s2_max"]


def as_map_pair(a, b, *, names=("a", "b"), require_both: bool = True):
    """Validate two element maps and return them as float64 arrays plus the foreground mask.

    Parameters
    ----------
    a, b : array_like
        2-D maps of equal shape, bool or non-negative finite numbers.
    names : tuple of str
        Argument names used in error messages.
    require_both : bool
        Raise :class:`DataError` when one element is absent (P = 0 or 1), where the Schmahl index
        is undefined.

    Returns
    -------
    a, b : ndarray of float64
    foreground : ndarray of bool
    """
    A, B = check_map_pair(a, b, names=names)
    A = A.astype(np.float64, copy=False)
    B = B.astype(np.float64, copy=False)
    fg = (A > 0) | (B > 0)
    if not fg.any():
        raise DataError(
            f"{names[0]} and {names[1]} have no foreground pixel (both are zero everywhere); "
            f"check the segmentation threshold"
        )
    if require_both:
        sa, sb = float(A.sum()), float(B.sum())
        if sa == 0 or sb == 0:
            missing = names[0] if sa == 0 else names[1]
            raise DataError(
                f"{missing} is empty: only one element is present (P = {1.0 if sb == 0 else 0.0}), "
                f"so the mixing variance bounds and the Schmahl index are undefined; analyse "
                f"aggregates that contain both elements"
            )
    return A, B, fg


@dataclass(frozen=True, repr=False)
class PixelClasses(Result):
    """Foreground pixel fractions (Eq. 3) and aggregate concentration P.

    Holds five numbers and no array, so it keeps dataclass value equality and hashing (equal
    statistics compare equal); ``repr``, ``to_dict`` and ``to_frame`` come from the result base.
    """

    P: float
    P10: float
    P01: float
    P11: float
    n_foreground: int


def pixel_classes(A: np.ndarray, B: np.ndarray) -> PixelClasses:
    """Fractions of [1,0], [0,1], [1,1] pixels among the foreground (Eq. 3) and P = ΣA/(ΣA+ΣB).

    ``A`` and ``B`` are validated float arrays (see :func:`as_map_pair`).
    """
    pa, pb = A > 0, B > 0
    n10 = int(np.count_nonzero(pa & ~pb))
    n01 = int(np.count_nonzero(~pa & pb))
    n11 = int(np.count_nonzero(pa & pb))
    n = n10 + n01 + n11
    sa, sb = float(A.sum()), float(B.sum())
    return PixelClasses(P=sa / (sa + sb), P10=n10 / n, P01=n01 / n, P11=n11 / n, n_foreground=n)


def pixel_concentration(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel concentration x = A/(A+B) (1, 0, 0.5 for bool maps) and the foreground mask."""
    fg = (A > 0) | (B > 0)
    x = np.zeros(A.shape, dtype=np.float64)
    np.divide(A, A + B, out=x, where=fg)
    return x, fg


def s2_max(A: np.ndarray, B: np.ndarray, P: float | None = None) -> float:
    """Variance of the unmixed state, Eq. (4).

    For bool maps this is P10(1-P)² + P01 P² + P11(0.5-P)²; for intensity maps the same expression
    generalises to the foreground mean of (x - P)² with pixel concentrations x = A/(A+B), which is
    what is computed here (identical for bool maps).
    """
    x, fg = pixel_concentration(A, B)
    if P is None:
        P = float(A.sum()) / float(A.sum() + B.sum())
    d = x[fg] - P
    return float(np.mean(d * d))
