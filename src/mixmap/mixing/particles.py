"""Primary-particle model: cutout target area and the random-mixing variance (paper Eq. 5).

The paper (Section 2.1) sizes each cutout so that it holds the projected area of N primary particles,
from the mean primary diameters of both materials and the composition, and bounds the variance from
below by completely random mixing (Eq. 5). It leaves the averaging implicit; mixmap makes it explicit
(see ../shared/DESIGN.md):

* ``P`` is the area concentration of material A in the aggregate (ΣA / (ΣA + ΣB)).
* Number fraction of A particles: ν_A = (P/⟨d_A²⟩) / (P/⟨d_A²⟩ + (1−P)/⟨d_B²⟩), with the second
  moment ⟨d²⟩ = d²(1 + cv²) of a size distribution with mean d and coefficient of variation cv.
* Mean projected particle area in pixels: a = π/4 · (ν_A⟨d_A²⟩ + ν_B⟨d_B²⟩) / pixel_size².
* Target foreground count of a cutout with N particles: round(N · a).
* Eq. (5): s²_min = P(1−P)/N · (d_A d_B / d_mean²)² · (1 + (1−P) cv_A² + P cv_B²), with
  d_mean = ν_A d_A + ν_B d_B and σ²_SD = cv² (squared coefficients of variation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._results import Result
from .._validate import check_number
from ..errors import InputError

__all__ = ["Particles", "target_count", "s2_min_monodisperse"]


def _check_P(P):
    if not 0.0 < P < 1.0:
        raise InputError(f"P must lie strictly between 0 and 1 for both materials to be present, got {P}")


@dataclass(frozen=True)
class Particles(Result):
    """Primary particles of materials A and B (an input model with value semantics).

    Unlike the result objects, ``Particles`` holds only five numbers, so it keeps dataclass value
    equality and hashing (two models with the same sizes are equal and can key a dict) and the
    exact dataclass ``repr``; ``to_dict``/``to_frame`` come from :class:`mixmap._results.Result`.

    Parameters
    ----------
    d_a, d_b : float
        Mean primary-particle diameters of A and B in nm.
    cv_a, cv_b : float, default 0
        Coefficients of variation (std/mean, dimensionless) of the number-based size distributions;
        their squares are the σ²_SD of Eq. (5).
    pixel_size : float, default 1.0
        Pixel size of the maps in nm.

    Examples
    --------
    >>> p = Particles(d_a=39.6, d_b=11.6, cv_a=0.29, cv_b=0.29, pixel_size=2.0)
    >>> p.target_count(25, P=0.7) > 0
    True
    """

    d_a: float
    d_b: float
    cv_a: float = 0.0
    cv_b: float = 0.0
    pixel_size: float = 1.0

    def __post_init__(self):
        for name in ("d_a", "d_b", "pixel_size"):
            object.__setattr__(self, name, check_number(name, getattr(self, name)))
        for name in ("cv_a", "cv_b"):
            object.__setattr__(self, name, check_number(name, getattr(self, name), allow_zero=True))

    def number_fraction_a(self, P: float) -> float:
        """ν_A, the number fraction of A particles for area concentration ``P``."""
        _check_P(P)
        m_a = self.d_a**2 * (1 + self.cv_a**2)
        m_b = self.d_b**2 * (1 + self.cv_b**2)
        return (P / m_a) / (P / m_a + (1 - P) / m_b)

    def mean_area_px(self, P: float) -> float:
        """Mean projected area of one primary particle in pixels, a = π/4 ⟨d²⟩ / pixel_size²."""
        nu = self.number_fraction_a(P)
        m_a = self.d_a**2 * (1 + self.cv_a**2)
        m_b = self.d_b**2 * (1 + self.cv_b**2)
        return math.pi / 4 * (nu * m_a + (1 - nu) * m_b) / self.pixel_size**2

    def target_count(self, n_particles: float, P: float) -> int:
        """Foreground pixels of a cutout holding ``n_particles`` particles: round(N · a)."""
        return target_count(n_particles, self.mean_area_px(P))

    def s2_min(self, P: float, n_particles: float) -> float:
        """Variance of completely random mixing, Eq. (5)."""
        _check_P(P)
        nu = self.number_fraction_a(P)
        d_mean = nu * self.d_a + (1 - nu) * self.d_b
        size = (self.d_a * self.d_b / d_mean**2) ** 2
        poly = 1 + (1 - P) * self.cv_a**2 + P * self.cv_b**2
        return P * (1 - P) / float(n_particles) * size * poly


def target_count(n_particles: float, area_px: float) -> int:
    """round(N · a) with a clear error when the cutout would hold no pixel."""
    n = check_number("n_particles", n_particles)
    a = check_number("particle_area_px", area_px)
    t = int(round(n * a))
    if t < 1:
        raise InputError(
            f"a cutout of n_particles={n_particles} particles of {a:.3g} px each holds no pixel; "
            f"increase n_particles or use a smaller pixel_size"
        )
    return t


def s2_min_monodisperse(P: float, n_particles: float) -> float:
    """Eq. (5) for equal monodisperse particles: P(1−P)/N (used with ``particle_area_px=``)."""
    _check_P(P)
    return P * (1 - P) / float(check_number("n_particles", n_particles))
