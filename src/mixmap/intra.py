"""Intra-aggregate mixing quality (Buchheiser et al., Sections 2.1, 2.2.1, 2.2.2, 3.1, 3.2).

Random cutouts holding exactly the foreground area of N primary particles are sampled around random
foreground pixels; the empirical variance of their concentrations about the aggregate concentration P
(Eq. 1) is set between the unmixed bound (Eq. 4) and the random-mixing bound (Eq. 5) by the Schmahl
index (Eq. 6).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._random import generator, kernel_keys
from .errors import DataError, InputError, UndefinedIndexWarning
from ._validate import check_number
from ._validate import check_map_pair
from .maps import PixelClasses
from .particles import Particles, s2_min_monodisperse, target_count as _target_count

__all__ = ["IntraResult", "intra_mixing", "variance_curve", "sample_cutouts", "schmahl_index", "variance_ci"]


def _kernels():
    from .kernels import cutouts

    return cutouts


def _check_n_samples(n_samples):
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise InputError(f"n_samples must be an integer >= 2 (Eq. 1 divides by n_samples - 1), got {n_samples!r}")
    return int(n_samples)


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
    st = _kernels().map_tables(A, B, SA, SB, SF)
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
    conc, hw, cnt, centre = _kernels().sample_cutouts(T.A, T.B, T.SA, T.SB, T.SF, ranks, tt, keys)
    shape = (nt, n_samples)
    return conc.reshape(shape), hw.reshape(shape), cnt.reshape(shape), centre.reshape(nt, n_samples, 2)


def _check_targets(targets, n_fg, what):
    too_big = [t for t in np.atleast_1d(targets) if t > n_fg]
    if too_big:
        raise DataError(
            f"{what}: a cutout of {max(too_big)} foreground pixels exceeds the aggregate's "
            f"{n_fg} foreground pixels; use fewer particles per cutout (smaller n_particles)"
        )


def sample_cutouts(a, b, target_counts, *, n_samples, seed=None):
    """Exact-N cutouts of a map pair for several target sizes (Section 2.1).

    Parameters
    ----------
    a, b : array_like
        2-D maps (bool or non-negative numbers) of equal shape; foreground is ``a > 0 | b > 0``.
    target_counts : int or sequence of int
        Foreground pixels each cutout must hold.
    n_samples : int
        Cutouts per target.
    seed : int, Generator or None

    Returns
    -------
    concentrations, half_widths, counts : ndarray, shape (n_targets, n_samples)
        ΣA/(ΣA+ΣB) of each cutout, the half-width k of its completed ring (pixels) and its
        foreground count (always equal to the target).
    """
    targets = np.atleast_1d(np.asarray(target_counts))
    if targets.size == 0 or not np.issubdtype(targets.dtype, np.integer) or targets.min() < 1:
        raise InputError(f"target_counts must be integers >= 1, got {target_counts!r}")
    n_samples = _check_n_samples(n_samples)
    T = _prepare(a, b, require_both=False)
    _check_targets(targets, T.classes.n_foreground, "target_counts")
    conc, hw, cnt, _ = _sample(T, targets, n_samples, generator(seed))
    return conc, hw, cnt


def schmahl_index(s2: float, s2_max: float, s2_min: float) -> float:
    """Mixing index of Ashton and Schmahl, Eq. (6): log(s²_max/s²) / log(s²_max/s²_min).

    0 for the unmixed state (s² = s²_max), 1 for completely random mixing (s² = s²_min). Values are
    not clipped: s² below the random-mixing bound gives an index above 1, s² above s²_max a
    negative one. s² = 0 gives +inf. When s²_min >= s²_max (cutouts of about one pixel) the index is
    undefined and NaN is returned.
    """
    if not (s2_min < s2_max):
        return float("nan")
    if s2 == 0:
        return float("inf")
    return math.log(s2_max / s2) / math.log(s2_max / s2_min)


def variance_ci(s2: float, n_samples: int, confidence: float = 0.95) -> tuple[float, float]:
    """χ² confidence interval of a variance estimated from ``n_samples`` values with n−1 d.o.f."""
    from scipy.special import chdtri  # inverse survival function of χ²; lighter than scipy.stats

    df = n_samples - 1
    alpha = 1 - confidence
    return (float(df * s2 / chdtri(df, alpha / 2)), float(df * s2 / chdtri(df, 1 - alpha / 2)))


def _particle_model(particles, particle_area_px):
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


@dataclass(frozen=True, eq=False)
class IntraResult:
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
    s2_ci: tuple
    confidence: float
    concentrations: np.ndarray = field(repr=False)
    half_widths: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)
    centres: np.ndarray = field(repr=False)

    def to_dict(self, arrays: bool = False) -> dict:
        """Scalars as a dict (``s2_ci`` split into ``s2_ci_low``/``s2_ci_high``); arrays on request."""
        d = {
            k: getattr(self, k)
            for k in (
                "P",
                "P10",
                "P01",
                "P11",
                "n_foreground",
                "n_particles",
                "target_count",
                "n_samples",
                "s2",
                "s2_max",
                "s2_min",
                "schmahl",
                "confidence",
            )
        }
        d["s2_ci_low"], d["s2_ci_high"] = self.s2_ci
        if arrays:
            for k in ("concentrations", "half_widths", "counts", "centres"):
                d[k] = getattr(self, k)
        return d


def intra_mixing(
    a, b, *, n_particles, particles=None, particle_area_px=None, n_samples=150, seed=None, confidence=0.95
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
    seed : int, Generator or None
        Same seed, same result, whatever the number of threads.
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
    _particle_model(particles, particle_area_px)
    n_samples = _check_n_samples(n_samples)
    if not 0 < confidence < 1:
        raise InputError(f"confidence must lie in (0, 1), got {confidence!r}")
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
            f"Schmahl index undefined: s2_min={s2min:.3g} >= s2_max={s2max:.3g}; the cutout "
            f"({target} px) is too small - increase n_particles",
            UndefinedIndexWarning,
            stacklevel=2,
        )
    return IntraResult(
        P=pc.P,
        P10=pc.P10,
        P01=pc.P01,
        P11=pc.P11,
        n_foreground=pc.n_foreground,
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


def variance_curve(a, b, *, n_particles=range(1, 101), particles=None, particle_area_px=None, n_samples=120, seed=None):
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
    seed : int, Generator or None

    Returns
    -------
    pandas.DataFrame
        One row per N: ``n_particles, target_count, s2, s2_max, s2_min, schmahl``.
    """
    import pandas as pd

    _particle_model(particles, particle_area_px)
    n_samples = _check_n_samples(n_samples)
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
    schm = [schmahl_index(float(v), s2max, float(m)) for v, m in zip(s2, s2min)]
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
