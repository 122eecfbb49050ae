"""Element maps: validation, pixel classes and concentrations (paper Section 2.2.2, Eqs. 3-4).

Definitions (../shared/DESIGN.md, "Definitions shared by several issues"): two 2-D maps A and B of
equal shape, bool (segmented) or non-negative numbers (counts, intensities). A pixel is foreground
when A > 0 or B > 0; background pixels [0,0] are ignored. The concentration of a region is
ΣA / (ΣA + ΣB) over its foreground pixels, so a bool overlap pixel [1,1] has concentration 0.5 as in
the paper. Bool maps are handled as 0/1 numbers, so both kinds share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import DataError, InputError

__all__ = ["check_map_pair", "as_map_pair", "PixelClasses", "pixel_classes", "pixel_concentration", "s2_max"]


def _as_map(m, name: str) -> np.ndarray:
    try:
        arr = np.asarray(m)
    except Exception as exc:  # noqa: BLE001 - anything unconvertible is the caller's mistake
        raise InputError(f"{name} must be a 2-D array, got {type(m).__name__}") from exc
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        raise InputError(
            f"{name} is an RGB(A) image of shape {arr.shape}; split a composite with "
            f"mixmap.read_composite(path, channels=...) or pass one channel"
        )
    if arr.ndim != 2:
        raise InputError(f"{name} must be a 2-D map, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise InputError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype == bool:
        return arr
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise InputError(f"{name} must hold bool or numeric values, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise InputError(
            f"{name} contains {bad} NaN/inf pixel(s); replace them (e.g. np.nan_to_num) or mask "
            f"them as background (0) before the analysis"
        )
    if arr.min() < 0:
        raise InputError(
            f"{name} contains negative values (min {arr.min()}); element maps must be counts or "
            f"intensities >= 0 - subtract the background with clipping yourself if intended"
        )
    return arr


def check_map_pair(a, b, *, names=("a", "b")):
    """Validate two element maps (2-D, equal shape, bool or finite non-negative numbers).

    Returns the two arrays without copying or converting them.
    """
    A = _as_map(a, names[0])
    B = _as_map(b, names[1])
    if A.shape != B.shape:
        raise InputError(
            f"{names[0]} and {names[1]} must have the same shape, got {A.shape} and {B.shape}; "
            f"crop or resample them to the same field of view"
        )
    return A, B


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


@dataclass(frozen=True)
class PixelClasses:
    """Foreground pixel fractions (Eq. 3) and aggregate concentration P."""

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
