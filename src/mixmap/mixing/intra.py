"""Intra-aggregate mixing quality (Buchheiser et al., Sections 2.1, 2.2.1, 2.2.2, 3.1, 3.2).

Random cutouts holding exactly the foreground area of N primary particles are sampled around random
foreground pixels (:mod:`.sampling`); the empirical variance of their concentrations about the
aggregate concentration P (Eq. 1) is set between the unmixed bound (Eq. 4) and the random-mixing
bound (Eq. 5) by the Schmahl index (Eq. 6).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy.special import chdtri  # inverse survival function of χ²; lighter than scipy.stats

from .._random import generator
from .._results import Result, result
from .._validate import check_confidence, check_number
from ..errors import DataError, InputError, UndefinedIndexWarning
from .particles import Particles, s2_min_monodisperse
from .particles import target_count as _target_count
from .sampling import _check_targets, _prepare, _sample, check_n_samples, sample_cutouts

__all__ = [
    "IntraResult",
    "intra_mixing",
    "variance_curve",
    "sample_cutouts",
    "schmahl_index",
    "variance_ci",
    "check_particle_model",
]


_UNDEFINED_REL = 1e-9  # relative gap of the bounds below which Eq. (6) is undefined


def schmahl_index(s2: float, s2_max: float, s2_min: float) -> float:
    """Mixing index of Ashton and Schmahl, Eq. (6): log(s²_max/s²) / log(s²_max/s²_min).

    0 for the unmixed state (s² = s²_max), 1 for completely random mixing (s² = s²_min). Values are
    not clipped: s² below the random-mixing bound gives an index above 1, s² above s²_max a
    negative one. s² = 0 gives +inf. When s²_max - s²_min <= 1e-9 s²_max (s²_min >= s²_max, or the
    two equal to rounding, as for cutouts of about one pixel) the index is undefined and NaN is
    returned: the denominator log(s²_max/s²_min) is then zero or rounding noise (it gave ±3e14).
    """
    if not (s2_max - s2_min > _UNDEFINED_REL * s2_max):
        return float("nan")
    if s2 == 0:
        return float("inf")
    return math.log(s2_max / s2) / math.log(s2_max / s2_min)


def variance_ci(s2: float, n_samples: int, confidence: float = 0.95) -> tuple[float, float]:
    """χ² confidence interval of a variance estimated from ``n_samples`` values with n−1 d.o.f."""
    df = n_samples - 1
    alpha = 1 - confidence
    return (float(df * s2 / chdtri(df, alpha / 2)), float(df * s2 / chdtri(df, 1 - alpha / 2)))


def check_particle_model(particles, particle_area_px) -> None:
    """Exactly one particle model: a :class:`Particles` or a positive ``particle_area_px``."""
    if (particles is None) == (particle_area_px is None):
        raise InputError(
            "give exactly one of particles=mixmap.Particles(d_a, d_b, cv_a, cv_b, pixel_size) "
            "(primary sizes in nm) or particle_area_px= (mean projected particle area in pixels)"
        )
    if particles is not None and not isinstance(particles, Particles):
        raise InputError(f"particles must be a mixmap.Particles, got {type(particles).__name__}")
    check_number("particle_area_px", particle_area_px, optional=True, unit="mean projected particle area in pixels")


def _bounds(P, n_particles, particles, particle_area_px):
    """(target_count, s2_min) for N particles."""
    if particles is not None:
        return particles.target_count(n_particles, P), particles.s2_min(P, n_particles)
    return _target_count(n_particles, particle_area_px), s2_min_monodisperse(P, n_particles)


@result
class IntraResult(Result):
    """Intra-aggregate mixing quality of one map pair.

    Attributes
    ----------
    P : float
        Concentration of A in the aggregate, ΣA/(ΣA+ΣB).
    P10, P01, P11 : float
        Fractions of [1,0], [0,1], [1,1] foreground pixels (Eq. 3).
    n_foreground : int
    n_particles : float
        Particles per cutout N.
    target_count : int
        Foreground pixels per cutout, round(N · a).
    s2 : float
        Empirical variance of cutout concentrations about P, Eq. (1) (divisor n_samples − 1).
    s2_max : float
        Variance of the unmixed state, Eq. (4).
    s2_min : float
        Variance of completely random mixing, Eq. (5).
    schmahl : float
        Schmahl index, Eq. (6).
    s2_ci : tuple of float
        χ² confidence interval of s2 at ``confidence``.
    concentrations, half_widths, counts : ndarray
        Per cutout: concentration X_i, half-width (pixels) and foreground count.
    centres : ndarray, shape (n_samples, 2)
        Row, column of each cutout centre.
    """

    P: float
    P10: float
    P01: float
    P11: float
    n_foreground: int
    n_particles: float
    target_count: int
    n_samples: int
    s2: float
    s2_max: float
    s2_min: float
    schmahl: float
    confidence: float
    s2_ci: tuple
    concentrations: np.ndarray
    half_widths: np.ndarray
    counts: np.ndarray
    centres: np.ndarray

    _summary = ("P", "schmahl", "s2", "s2_min", "s2_max", "s2_ci", "n_particles", "target_count", "n_samples")


def intra_mixing(
    a, b, *, n_particles, particles=None, particle_area_px=None, n_samples=150, seed=0, confidence=0.95
) -> IntraResult:
    """Intra-aggregate mixing quality from two element maps (Eqs. 1, 3, 4, 5, 6).

    ``n_samples`` random foreground pixels are drawn as cutout centres; each cutout holds exactly
    the foreground area of ``n_particles`` primary particles (Section 2.1; the largest square below
    the target, completed at random from the next ring). The variance of the cutout concentrations
    about the aggregate concentration P (Eq. 1) is compared with its bounds (Eqs. 4, 5) through the
    Schmahl index (Eq. 6).

    Parameters
    ----------
    a, b : array_like
        2-D element maps of materials A and B (bool after segmentation, or non-negative counts).
    n_particles : float
        Number N of primary particles per cutout (the paper uses N = 25).
    particles : mixmap.Particles, optional
        Primary-particle sizes (nm) and pixel size (nm): gives the cutout area and Eq. (5) with size
        polydispersity.
    particle_area_px : float, optional
        Mean projected particle area in pixels, instead of ``particles``; then s²_min = P(1−P)/N.
    n_samples : int, default 150
        Number of cutouts (the paper uses 120-150).
    seed : int, Generator or None, default 0
        Same seed, same result, whatever the number of threads (None draws fresh entropy).
    confidence : float, default 0.95
        Level of the χ² interval ``s2_ci``.

    Returns
    -------
    IntraResult

    Raises
    ------
    mixmap.InputError
        Bad shapes, types, NaN or negative values, or an inconsistent particle model.
    mixmap.DataError
        Empty foreground, only one element present, or a cutout larger than the aggregate.

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> rng = np.random.default_rng(0)
    >>> a = rng.random((64, 64)) < 0.5
    >>> r = mixmap.intra_mixing(a, ~a, n_particles=25, particle_area_px=1, seed=0)
    >>> 0.8 < r.schmahl < 1.2
    True
    """
    check_particle_model(particles, particle_area_px)
    n_samples = check_n_samples(n_samples)
    confidence = check_confidence(confidence)
    T = _prepare(a, b)
    pc, s2max = T.classes, T.s2_max
    target, s2min = _bounds(pc.P, n_particles, particles, particle_area_px)
    _check_targets(target, pc.n_foreground, f"n_particles={n_particles}")
    conc, hw, cnt, centres = _sample(T, [target], n_samples, generator(seed))
    conc = conc[0]
    s2 = float(np.sum((conc - pc.P) ** 2) / (n_samples - 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = schmahl_index(s2, s2max, s2min)
    if math.isnan(m):
        warnings.warn(
            f"Schmahl index undefined: s2_min={s2min:.6g} is not below s2_max={s2max:.6g}; the cutout "
            f"({target} px) is too small - increase n_particles",
            UndefinedIndexWarning,
            stacklevel=2,
        )
    return IntraResult(
        **pc.to_dict(),  # P, P10, P01, P11, n_foreground (Eq. 3)
        n_particles=float(n_particles),
        target_count=int(target),
        n_samples=n_samples,
        s2=s2,
        s2_max=s2max,
        s2_min=s2min,
        schmahl=m,
        s2_ci=variance_ci(s2, n_samples, confidence),
        confidence=float(confidence),
        concentrations=conc,
        half_widths=hw[0],
        counts=cnt[0],
        centres=centres[0],
    )


def variance_curve(a, b, *, n_particles=range(1, 101), particles=None, particle_area_px=None, n_samples=120, seed=0):
    """Variance of local concentration versus particles per cutout (Section 3.1, Figs. 3-4).

    The summed-area tables are built once and every N is sampled from them in one kernel call.

    Parameters
    ----------
    a, b : array_like
        Element maps as in :func:`intra_mixing`.
    n_particles : iterable of float, default 1..100
        Values of N.
    particles, particle_area_px :
        Particle model, exactly one of them (see :func:`intra_mixing`).
    n_samples : int, default 120
        Cutouts per N (the paper uses 120).
    seed : int, Generator or None, default 0
        Same seed, same curve (None draws fresh entropy).

    Returns
    -------
    pandas.DataFrame
        One row per N: ``n_particles, target_count, s2, s2_max, s2_min, schmahl``.
    """
    check_particle_model(particles, particle_area_px)
    n_samples = check_n_samples(n_samples)
    Ns = np.atleast_1d(np.asarray(list(n_particles) if not np.isscalar(n_particles) else [n_particles], dtype=float))
    if Ns.size == 0:
        raise InputError("n_particles is empty; pass e.g. range(1, 101)")
    T = _prepare(a, b)
    pc, s2max = T.classes, T.s2_max
    pairs = [_bounds(pc.P, N, particles, particle_area_px) for N in Ns]
    targets = np.array([t for t, _ in pairs], dtype=np.int64)
    too_big = Ns[targets > pc.n_foreground]
    if too_big.size:
        ok = Ns[targets <= pc.n_foreground]
        hint = f"at most n_particles={ok.max():g} fits" if ok.size else "no value fits"
        raise DataError(
            f"n_particles={too_big.min():g} needs {targets.max()} foreground pixels but the aggregate "
            f"has {pc.n_foreground}; {hint}"
        )
    conc, _, _, _ = _sample(T, targets, n_samples, generator(seed))
    s2 = np.sum((conc - pc.P) ** 2, axis=1) / (n_samples - 1)
    s2min = np.array([m for _, m in pairs])
    schm = [schmahl_index(float(v), s2max, float(m)) for v, m in zip(s2, s2min, strict=True)]
    return pd.DataFrame(
        {
            "n_particles": Ns,
            "target_count": targets,
            "s2": s2,
            "s2_max": s2max,
            "s2_min": s2min,
            "schmahl": schm,
        }
    )
