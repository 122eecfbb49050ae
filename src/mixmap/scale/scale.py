"""Danckwerts' scale of segregation from R(h): integral scale and 1/e length (paper Section 2.2.3).

Concern: :func:`scale_of_segregation` and its result :class:`ScaleOfSegregation` - the integral of
R(h) up to its first zero crossing (Danckwerts' linear scale, ref. [39]) and the correlation length
where R falls to 1/e, for raw (Eq. 8), smoothed or mean (Eq. 9) curves.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import trapezoid  # numpy.trapezoid needs numpy >= 2

from .._results import Result, result
from ..errors import DataError, InputError
from .coefficient import CorrelationResult
from .smoothing import MeanCorrelation, SmoothedCorrelation

__all__ = ["ScaleOfSegregation", "scale_of_segregation"]


@result
class ScaleOfSegregation(Result):
    """Danckwerts' integral scale and the 1/e correlation length of R(h).

    ``integral_scale`` is the integral of R from 0 to the first zero crossing (trapezoid rule with
    a linearly interpolated crossing). When R stays positive over the whole range, the integral runs
    to the end and ``truncated`` is True (a lower bound). Lengths not reached are NaN; lengths in a
    unit that is unknown (no pixel size; a mean over maps of different pixel sizes) are None.
    """

    integral_scale_px: float | None
    integral_scale_nm: float | None
    correlation_length_px: float | None
    correlation_length_nm: float | None
    zero_crossing_px: float | None
    zero_crossing_nm: float | None
    truncated: bool

    @property
    def integral_scale(self) -> float:
        """``integral_scale_px`` (pixels), NaN when the pixel unit is unknown."""
        return float("nan") if self.integral_scale_px is None else self.integral_scale_px

    @property
    def correlation_length(self) -> float:
        """``correlation_length_px`` (pixels), NaN when the pixel unit is unknown."""
        return float("nan") if self.correlation_length_px is None else self.correlation_length_px


def _first_crossing(h, R, threshold):
    """First h > h[0] where R falls to ``threshold`` (<=), linearly interpolated; NaN if never."""
    idx = np.flatnonzero(R[1:] <= threshold)
    if idx.size == 0:
        return float("nan"), None
    k = int(idx[0]) + 1
    r0, r1 = R[k - 1], R[k]
    frac = (r0 - threshold) / (r0 - r1) if r0 != r1 else 0.0
    return float(h[k - 1] + frac * (h[k] - h[k - 1])), k


def scale_of_segregation(result) -> ScaleOfSegregation:
    """Danckwerts' scale of segregation: integral of R(h) up to its first zero, and the 1/e length.

    Danckwerts' linear scale of segregation (Section 2.2.3, ref. [39]) is ``integral_0^h0 R(h) dh``
    with ``h0`` the first zero crossing of R; it is computed by the trapezoid rule with the
    crossing interpolated linearly. The correlation length is the first h where R falls to 1/e.

    Parameters
    ----------
    result : CorrelationResult, SmoothedCorrelation or MeanCorrelation
        Raw R is integrated on its integer grid, skipping undefined values (n_h <= 1); a smoothed
        curve on a 0.1 px grid; a mean curve on its own grid.

    Returns
    -------
    ScaleOfSegregation
        Lengths in pixels and nm (None when that unit is unknown, NaN when not reached).
    """
    if isinstance(result, CorrelationResult):
        h = result.h.astype(np.float64)
        R = result.R
        px = result.pixel_size
        unit = "px"
    elif isinstance(result, SmoothedCorrelation):
        h = np.linspace(0.0, result.h_end, int(round(result.h_end * 10)) + 1)
        R = result(h)
        px = result.pixel_size
        unit = "px"
    elif isinstance(result, MeanCorrelation):
        h = result.h
        R = result.R
        px = None
        unit = result.unit
    else:
        raise InputError(
            f"result must be a CorrelationResult, SmoothedCorrelation or MeanCorrelation, got {type(result).__name__}"
        )
    ok = np.isfinite(R)  # undefined distances (n_h <= 1, e.g. empty bins along a direction) are skipped
    h, R = h[ok], R[ok]
    if h.size < 2:
        raise DataError("R(h) is defined at fewer than two distances; increase h_max")
    h0, k0 = _first_crossing(h, R, 0.0)
    if k0 is None:
        integral = float(trapezoid(R, h))
        truncated = True
    else:
        integral = float(trapezoid(R[:k0], h[:k0]) + 0.5 * R[k0 - 1] * (h0 - h[k0 - 1]))
        truncated = False
    le, _ = _first_crossing(h, R, 1.0 / math.e)

    def both(v):
        if unit == "nm":
            return None, v
        return v, (None if px is None else v * px)

    i_px, i_nm = both(integral)
    l_px, l_nm = both(le)
    z_px, z_nm = both(h0)
    return ScaleOfSegregation(i_px, i_nm, l_px, l_nm, z_px, z_nm, truncated)
