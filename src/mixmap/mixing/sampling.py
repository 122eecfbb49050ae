"""Exact-N cutouts of a map pair: summed-area tables and sampling (paper Section 2.1).

The validated maps are put in kernel layout (bool maps as uint8 views, no copy), one parallel kernel
pass builds the summed-area tables together with the pixel classes (Eq. 3), P and s²_max (Eq. 4),
and cutouts holding exactly a target foreground count are sampled around random foreground pixels.
Shared by :mod:`.intra` (Eqs. 1, 6) and the precursor cutouts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._random import generator, kernel_keys
from .._validate import check_integer, check_map_pair
from ..errors import DataError, InputError
from ..kernels import cutouts as K
from .pixels import PixelClasses

__all__ = ["sample_cutouts", "check_n_samples"]


def check_n_samples(n_samples) -> int:
    """``n_samples`` as an int >= 2 (Eq. 1 divides by ``n_samples - 1``)."""
    return check_integer("n_samples", n_samples, minimum=2, why="Eq. 1 divides by n_samples - 1")


@dataclass(frozen=True, eq=False)
class _Tables:
    """A validated map pair in kernel layout with its summed-area tables and pixel statistics."""

    A: np.ndarray
    B: np.ndarray
    SA: np.ndarray
    SB: np.ndarray
    SF: np.ndarray
    classes: PixelClasses
    s2_max: float


def _alloc_tables(A):
    """Zeroed summed-area tables: int32 where counts fit (bool maps, foreground), else float64/int64."""
    H, W = A.shape
    small = H * W < 2**31 - 1
    cnt = np.int32 if small else np.int64
    val = cnt if A.dtype == np.uint8 and small and H * W < 2**31 // 255 else np.float64
    return (np.zeros((H + 1, W + 1), val), np.zeros((H + 1, W + 1), val), np.zeros((H + 1, W + 1), cnt))


def _prepare(a, b, *, require_both=True) -> _Tables:
    """Validate, convert without copying where possible (bool -> uint8 view) and build the tables.

    One parallel kernel pass gives the tables, the pixel classes (Eq. 3), P and s²_max (Eq. 4, as the
    foreground mean of (x - P)², which equals Eq. 4 for bool maps).
    """
    A, B = check_map_pair(a, b)
    if A.dtype == bool and B.dtype == bool:
        A = np.ascontiguousarray(A).view(np.uint8)
        B = np.ascontiguousarray(B).view(np.uint8)
    else:
        A = np.ascontiguousarray(A, dtype=np.float64)
        B = np.ascontiguousarray(B, dtype=np.float64)
    SA, SB, SF = _alloc_tables(A)
    st = K.map_tables(A, B, SA, SB, SF)
    n10, n01, n11, sa, sb, sx, sxx = st
    n = int(n10 + n01 + n11)
    if n == 0:
        raise DataError("a and b have no foreground pixel (both are zero everywhere); check the segmentation threshold")
    if require_both and (sa == 0 or sb == 0):
        missing = "a" if sa == 0 else "b"
        raise DataError(
            f"{missing} is empty: only one element is present (P = {1.0 if sb == 0 else 0.0}), so the "
            f"mixing variance bounds and the Schmahl index are undefined; analyse aggregates that "
            f"contain both elements"
        )
    P = sa / (sa + sb) if sa + sb > 0 else float("nan")
    pc = PixelClasses(P=float(P), P10=n10 / n, P01=n01 / n, P11=n11 / n, n_foreground=n)
    s2max = max(float(sxx - 2 * P * sx + n * P * P) / n, 0.0)
    return _Tables(A, B, SA, SB, SF, pc, s2max)


def _sample(T: _Tables, targets, n_samples, rng):
    """Cutouts for every target (rows) x sample (columns)."""
    targets = np.asarray(targets, dtype=np.int64)
    nt = targets.size
    ranks = rng.integers(0, T.classes.n_foreground, size=nt * n_samples)
    keys = kernel_keys(rng, nt * n_samples)
    tt = np.repeat(targets, n_samples)
    conc, hw, cnt, centre = K.sample_cutouts(T.A, T.B, T.SA, T.SB, T.SF, ranks, tt, keys)
    shape = (nt, n_samples)
    return conc.reshape(shape), hw.reshape(shape), cnt.reshape(shape), centre.reshape(nt, n_samples, 2)


def _check_targets(targets, n_fg, what):
    too_big = [t for t in np.atleast_1d(targets) if t > n_fg]
    if too_big:
        raise DataError(
            f"{what}: a cutout of {max(too_big)} foreground pixels exceeds the aggregate's "
            f"{n_fg} foreground pixels; use fewer particles per cutout (smaller n_particles)"
        )


def sample_cutouts(a, b, target_counts, *, n_samples, seed=0):
    """Exact-N cutouts of a map pair for several target sizes (Section 2.1).

    Parameters
    ----------
    a, b : array_like
        2-D maps (bool or non-negative numbers) of equal shape; foreground is ``a > 0 | b > 0``.
    target_counts : int or sequence of int
        Foreground pixels each cutout must hold.
    n_samples : int
        Cutouts per target.
    seed : int, Generator or None, default 0
        Same seed, same cutouts; None draws fresh entropy.

    Returns
    -------
    concentrations, half_widths, counts : ndarray, shape (n_targets, n_samples)
        ΣA/(ΣA+ΣB) of each cutout, the half-width k of its completed ring (pixels) and its
        foreground count (always equal to the target).
    """
    targets = np.atleast_1d(np.asarray(target_counts))
    if targets.size == 0 or not np.issubdtype(targets.dtype, np.integer) or targets.min() < 1:
        raise InputError(f"target_counts must be integers >= 1, got {target_counts!r}")
    n_samples = check_n_samples(n_samples)
    T = _prepare(a, b, require_both=False)
    _check_targets(targets, T.classes.n_foreground, "target_counts")
    conc, hw, cnt, _ = _sample(T, targets, n_samples, generator(seed))
    return conc, hw, cnt
