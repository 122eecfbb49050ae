"""Synthetic hetero-aggregates with a known 3-D mixing state and their 2-D STEM-EDX projections.

The reference paper (Buchheiser et al., Conclusion) calls for "artificially generated 3-dimensional
hetero-aggregates and their corresponding 2D-projections" to learn how projection affects the measured
intensity and scale of segregation. This module builds them:

* primary particles of materials A (e.g. carbon black) and B (e.g. silica) are spheres with log-normal
  diameters of given mean (nm) and coefficient of variation;
* they form fractal-like aggregates by tunable sequential aggregation (kernels/aggregation.py,
  fractal dimension ``Df`` ≈ 1.8–2.2, prefactor ``kf``): spheres touch with a small sintering neck and
  never overlap beyond it;
* the mixing state is a parameter (``random``, ``segregated``, ``decorated`` or a float in [0, 1]);
* each aggregate is projected along z: a pixel belongs to A (B) when the chord through A (B) spheres
  exceeds ``min_thickness`` nm, so overlap pixels [1, 1] arise from transmission as in Section 2.2.2;
* optionally the maps are count images: expected counts proportional to projected thickness, a
  detector/probe blur, background and Poisson noise, and a lacey carbon support film in map A — the
  image-processing problems of the paper's Section 2.1.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from .._progress import progress as _progress
from .._random import spawn
from .._results import Result, result
from .._validate import check_integer
from ..errors import InputError
from ._build import render

__all__ = ["aggregates", "Aggregate"]


@result
class Aggregate(Result):
    """One synthetic hetero-aggregate: 2-D maps, 3-D particles and the ground truth.

    Attributes
    ----------
    a, b : numpy.ndarray
        Element maps of materials A and B, shape (H, W): bool masks (projected thickness above
        ``min_thickness``), or int32 counts when generated with ``intensity=True``.
    truth : dict
        Ground truth of the 3-D aggregate (see :func:`aggregates`).
    particles : pandas.DataFrame
        One row per primary particle: ``x_nm, y_nm, z_nm`` (centre, nm, centre of mass at 0),
        ``radius_nm``, ``material`` ("A"/"B"), ``cluster`` (the same-material group it was grown in).
    pixel_size : float
        Pixel size in nm.
    origin_nm : tuple of float
        (x, y) position in nm of the centre of pixel (0, 0); column j, row i lie at
        ``origin_nm[0] + j * pixel_size``, ``origin_nm[1] + i * pixel_size``.
    mask_a, mask_b : numpy.ndarray
        The noise-free bool masks (identical objects to ``a, b`` unless ``intensity=True``).
    thickness_nm : numpy.ndarray or None
        Projected thickness (2, H, W) in nm of A and B when ``keep_thickness=True``.
    """

    a: np.ndarray
    b: np.ndarray
    truth: dict
    particles: pd.DataFrame
    pixel_size: float = 1.0
    origin_nm: tuple = (0.0, 0.0)
    mask_a: np.ndarray | None = None
    mask_b: np.ndarray | None = None
    thickness_nm: np.ndarray | None = None

    @property
    def shape(self) -> tuple:
        return self.a.shape

    def to_dict(self) -> dict:
        """The truth dict plus pixel size and map shape (scalars only)."""
        return {**self.truth, "pixel_size": self.pixel_size, "height": self.a.shape[0], "width": self.a.shape[1]}

    def to_frame(self) -> pd.DataFrame:
        """A copy of the particle table."""
        return self.particles.copy()


# --- validation ---------------------------------------------------------------------------------
def _number(name, v, lo=None, hi=None, lo_open=False, hi_open=False):
    if isinstance(v, bool):
        raise InputError(f"{name} must be a number, got {v!r}")
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {v!r}") from None
    bad = not math.isfinite(x)
    if lo is not None:
        bad |= x <= lo if lo_open else x < lo
    if hi is not None:
        bad |= x >= hi if hi_open else x > hi
    if bad:
        lo_s = "" if lo is None else f"{'>' if lo_open else '>='} {lo}"
        hi_s = "" if hi is None else f"{'<' if hi_open else '<='} {hi}"
        raise InputError(f"{name} must be a finite number {lo_s}{' and ' if lo_s and hi_s else ''}{hi_s}, got {v!r}")
    return x


def _mixing(mixing):
    """Return (label, weight m in [0, 1], decorated?) of a mixing state."""
    if isinstance(mixing, str):
        key = mixing.lower()
        if key == "random":
            return "random", 0.0, False
        if key == "segregated":
            return "segregated", 1.0, False
        if key == "decorated":
            return "decorated", 0.0, True
        raise InputError(f"mixing must be 'random', 'segregated', 'decorated' or a number in [0, 1], got {mixing!r}")
    m = _number("mixing", mixing, 0.0, 1.0)
    return m, m, False


def _n_primary(n_primary):
    if isinstance(n_primary, (int, np.integer)) and not isinstance(n_primary, bool):
        lo = hi = int(n_primary)
    else:
        try:
            lo, hi = (int(v) for v in n_primary)
            if any(isinstance(v, bool) or float(v) != int(v) for v in n_primary):
                raise ValueError
        except (TypeError, ValueError):
            raise InputError(
                f"n_primary must be an integer or a (low, high) pair of integers, got {n_primary!r}"
            ) from None
    if lo < 2 or hi < lo:
        raise InputError(f"n_primary must satisfy 2 <= low <= high (both materials need a particle), got {n_primary!r}")
    return lo, hi


def _moment(d, cv, k):
    """E[D^k] of a log-normal diameter with mean d and coefficient of variation cv."""
    return d**k * (1.0 + cv * cv) ** (k * (k - 1) / 2.0)


def _number_fraction(fraction_a, fraction, densities, d_a, d_b, cv_a, cv_b):
    f = _number("fraction_a", fraction_a, 0.0, 1.0, True, True)
    if fraction == "number":
        return f
    if fraction not in ("volume", "mass"):
        raise InputError(f"fraction must be 'number', 'volume' or 'mass', got {fraction!r}")
    wa, wb = f, 1.0 - f
    if fraction == "mass":
        if densities is None:
            raise InputError("fraction='mass' needs densities=(rho_a, rho_b) (any common unit, e.g. g/cm^3)")
        ra, rb = _densities(densities)
        wa, wb = wa / ra, wb / rb
    xa = wa / _moment(d_a, cv_a, 3)
    xb = wb / _moment(d_b, cv_b, 3)
    return xa / (xa + xb)


def _densities(densities):
    if densities is None:
        return None
    try:
        ra, rb = (float(v) for v in densities)
    except (TypeError, ValueError):
        raise InputError(f"densities must be a pair of positive numbers (rho_a, rho_b), got {densities!r}") from None
    if not (ra > 0 and rb > 0 and math.isfinite(ra) and math.isfinite(rb)):
        raise InputError(f"densities must be a pair of positive numbers (rho_a, rho_b), got {densities!r}")
    return ra, rb


def _one(seed, cfg):
    return Aggregate(*render(seed, cfg))


def _pair(name, v):
    if np.ndim(v) == 0:
        x = _number(name, v, 0.0, lo_open=True)
        return x, x
    try:
        a, b = v
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a positive number or a pair (A, B), got {v!r}") from None
    return _number(name, a, 0.0, lo_open=True), _number(name, b, 0.0, lo_open=True)


def aggregates(
    n,
    *,
    mixing,
    d_a,
    d_b,
    cv_a=0.25,
    cv_b=0.25,
    fraction_a=0.5,
    n_primary=(50, 300),
    pixel_size=1.0,
    seed=0,
    intensity=False,
    fraction="number",
    densities=None,
    shape=None,
    min_thickness=1.0,
    fractal_dimension=1.8,
    prefactor=1.3,
    neck=0.05,
    n_directions=64,
    dose=1.0,
    background=0.05,
    blur=0.8,
    lacey=True,
    lacey_thickness=10.0,
    patchiness=0.0,
    keep_thickness=False,
    n_workers=1,
    progress=False,
) -> list:
    """Synthetic hetero-aggregates of spheres of materials A and B with a known mixing state.

    Builds ``n`` 3-D aggregates and their 2-D element maps, as the ground truth the paper's
    Conclusion asks for (Buchheiser et al., Sections 2.1, 3.2, 3.3, 4).

    Parameters
    ----------
    n : int
        Number of aggregates.
    mixing : {"random", "segregated", "decorated"} or float in [0, 1]
        Mixing state.

        * ``"random"`` (= 0.0): each particle is A with probability ν_A, independently; one aggregate
          grown particle by particle.
        * ``"segregated"`` (= 1.0): the paper's KB case. The expected composition of each aggregate
          is drawn from a Beta(ν κ, (1 − ν) κ) distribution with κ = ``KAPPA_SEGREGATED`` = 1, so
          compositions spread widely: many aggregates are nearly pure, some hold a single B (or A)
          particle. Each material forms one same-material cluster; the two clusters are joined.
        * a float m in (0, 1) interpolates: κ = 1000^(1−m) · 1^m and each material is split into
          round(n_mat^(1−m)) same-material clusters (random sizes) joined in random order.
        * ``"decorated"``: the paper's C65 case: an A backbone is grown first, then every B particle
          is attached at a random free place on a random A particle (well dispersed B on A);
          compositions are binomial around ν_A. ``patchiness`` > 0 makes the decoration uneven
          along the backbone, as in real maps (the paper's C65 Map6 shows a silica accumulation).

        Every aggregate holds at least one particle of each material (a hetero-aggregate).
    d_a, d_b : float
        Mean primary-particle diameters of A and B in nm (log-normal distributions).
    cv_a, cv_b : float
        Coefficients of variation (std/mean) of the diameters; 0 gives monodisperse particles.
    fraction_a : float in (0, 1)
        Fraction of A (see ``fraction``) in the whole set.
    n_primary : int or (int, int)
        Number of primary particles per aggregate, or an inclusive range drawn uniformly.
    pixel_size : float
        Pixel size of the maps in nm.
    seed : int, Generator, SeedSequence or None
        Default 0 (identical calls give identical aggregates).
        Aggregate ``i`` uses child ``i`` of the seed (:func:`mixmap._random.spawn`): the same seed
        gives identical aggregates, and the first k aggregates do not depend on ``n``.
    intensity : bool
        False: ``a, b`` are bool masks. True: int32 count maps: expected counts ``dose`` × projected
        thickness (nm), plus a lacey carbon film in A (``lacey``), blurred by a Gaussian of ``blur``
        pixels (probe and detector), plus ``background`` counts per pixel, with Poisson noise.
    fraction : {"number", "volume", "mass"}
        Meaning of ``fraction_a``; "mass" needs ``densities=(rho_a, rho_b)``. Converted to the
        number fraction ν_A with the log-normal moments E[d³] = d³(1 + cv²)³.
    densities : (float, float) or None
        Densities of A and B (common unit); adds ``mass_fraction_a`` to the truth.
    shape : (int, int) or None
        Map shape (H, W) with each aggregate centred; None fits each map to its aggregate (+2 px).
        An aggregate larger than the frame raises InputError (nothing is clipped).
    min_thickness : float
        Projected thickness (nm) above which a pixel counts as containing A (B).
    fractal_dimension, prefactor : float
        Df and kf of the growth law Rg = r_mean (N/kf)^(1/Df) (kernels/aggregation.py).
    neck : float
        Sintering overlap: touching centres are (r_i + r_j)(1 − neck) apart, in [0, 0.3].
    n_directions : int
        Trial lines per attachment step; more follow the growth law more closely.
    dose : float or (float, float)
        Expected counts per nm of projected thickness per pixel for A and B (``intensity=True``).
    background : float
        Mean background counts per pixel (``intensity=True``).
    blur : float
        Gaussian blur sigma in pixels (``intensity=True``); 0 for none.
    lacey, lacey_thickness : bool, float
        Add a lacey carbon film (2–4 curved strands, 16–50 nm wide, ``lacey_thickness`` nm thick)
        to map A (``intensity=True``); it is not part of ``mask_a`` or the truth.
    patchiness : float
        ``decorated`` only: σ of the log decoration density along the backbone. Backbone sphere i is
        chosen as host with weight exp(σ g(x_i) − σ²/2), g a unit-variance Gaussian random field of
        correlation length 2 ``d_a``; 0 decorates uniformly.
    keep_thickness : bool
        Keep the projected thickness maps (2, H, W) in nm on each result.
    n_workers : int
        Threads generating aggregates concurrently (the Numba kernels release the GIL). The result
        does not depend on it.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    list of Aggregate
        ``.a, .b`` maps, ``.particles`` table (centres and radii in nm, material), ``.truth`` dict:
        ``mixing, n_particles, n_a, n_b, number_fraction_a, expected_number_fraction_a`` (the
        aggregate's drawn composition), ``volume_fraction_a, area_fraction_a`` (Σr_A²/Σr², the
        cross-section fraction a projection measures as P when nothing overlaps),
        ``n_contacts, n_hetero_contacts, hetero_contact_fraction`` (among all contacts),
        ``hetero_contact_fraction_random`` (2 n_A n_B / (n(n−1)), its value for random labels),
        ``n_clusters_a, n_clusters_b`` (connected same-material clusters),
        ``radius_of_gyration_nm``, ``fractal_dimension`` (slope of log k vs log Rg of the first k
        particles), ``mean_diameter_a_nm, mean_diameter_b_nm`` and ``mass_fraction_a`` with densities.

    Raises
    ------
    mixmap.InputError
        Bad argument (message names it), or an aggregate that does not fit ``shape``.
    mixmap.DataError
        ``decorated``: B particles that find no free place on the A backbone.

    Examples
    --------
    >>> from mixmap.synthetic import aggregates
    >>> aggs = aggregates(3, mixing="random", d_a=30, d_b=30, n_primary=(40, 60), pixel_size=2.0, seed=0)
    >>> aggs[0].a.dtype, aggs[0].a.shape == aggs[0].b.shape
    (dtype('bool'), True)
    >>> 0 < aggs[0].truth["number_fraction_a"] < 1
    True
    """
    n = check_integer("n", n, minimum=1, why="number of aggregates")
    label, m, decorated = _mixing(mixing)
    d_a = _number("d_a", d_a, 0.0, lo_open=True)
    d_b = _number("d_b", d_b, 0.0, lo_open=True)
    cv_a = _number("cv_a", cv_a, 0.0, 2.0)
    cv_b = _number("cv_b", cv_b, 0.0, 2.0)
    nu = _number_fraction(fraction_a, fraction, densities, d_a, d_b, cv_a, cv_b)
    if shape is not None:
        try:
            H, W = (int(v) for v in shape)
        except (TypeError, ValueError):
            raise InputError(f"shape must be None or a pair (H, W) of positive integers, got {shape!r}") from None
        if H < 1 or W < 1:
            raise InputError(f"shape must be None or a pair (H, W) of positive integers, got {shape!r}")
        shape = (H, W)
    n_directions = check_integer("n_directions", n_directions, minimum=1)
    cfg = {
        "label": label,
        "m": m,
        "decorated": decorated,
        "nu": nu,
        "n_primary": _n_primary(n_primary),
        "d_a": d_a,
        "d_b": d_b,
        "cv_a": cv_a,
        "cv_b": cv_b,
        "pixel_size": _number("pixel_size", pixel_size, 0.0, lo_open=True),
        "shape": shape,
        "min_thickness": _number("min_thickness", min_thickness, 0.0),
        "df": _number("fractal_dimension", fractal_dimension, 1.0, 3.0),
        "kf": _number("prefactor", prefactor, 0.0, lo_open=True),
        "neck": _number("neck", neck, 0.0, 0.3),
        "n_dirs": int(n_directions),
        "intensity": bool(intensity),
        "dose": _pair("dose", dose),
        "background": _number("background", background, 0.0),
        "blur": _number("blur", blur, 0.0),
        "lacey": bool(lacey),
        "lacey_thickness": _number("lacey_thickness", lacey_thickness, 0.0),
        "densities": _densities(densities),
        "keep_thickness": bool(keep_thickness),
        "patchiness": _number("patchiness", patchiness, 0.0, 5.0),
    }
    n_workers = check_integer("n_workers", n_workers, minimum=1)
    seeds = spawn(seed, n)
    if n_workers == 1 or n == 1:
        return [_one(s, cfg) for s in _progress(seeds, desc="aggregates", enabled=progress)]
    with ThreadPoolExecutor(max_workers=int(n_workers)) as pool:
        results = pool.map(lambda s: _one(s, cfg), seeds)
        return list(_progress(results, total=n, desc="aggregates", enabled=progress))
