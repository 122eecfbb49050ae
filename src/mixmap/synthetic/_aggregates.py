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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._random import kernel_keys, spawn
from ..errors import DataError, InputError

__all__ = ["aggregates", "Aggregate"]

#: Concentration parameter κ of the Beta distribution of aggregate compositions at full segregation
#: (mixing = 1). The inter-aggregate variance of the expected number fraction is ν(1−ν)/(κ+1), so
#: ψ_P ≈ κ/(κ+1) ≈ 0.5 as for the paper's KB aggregates (ψ_P = 0.474, Section 3.3).
KAPPA_SEGREGATED = 1.0
#: κ approached as mixing -> 0 (composition spread negligible next to the binomial one).
KAPPA_RANDOM = 1000.0
_DECORATE_TRIES = 2000


def _kernels():
    from ..kernels import aggregation, raster

    return aggregation, raster


@dataclass(frozen=True, eq=False)
class Aggregate:
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
    particles: pd.DataFrame = field(repr=False)
    pixel_size: float = 1.0
    origin_nm: tuple = (0.0, 0.0)
    mask_a: np.ndarray | None = field(default=None, repr=False)
    mask_b: np.ndarray | None = field(default=None, repr=False)
    thickness_nm: np.ndarray | None = field(default=None, repr=False)

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
    """(label, weight m in [0, 1], decorated?)"""
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


def _diameters(rng, n, d, cv):
    if n == 0:
        return np.empty(0)
    if cv == 0:
        return np.full(n, d)
    s2 = math.log1p(cv * cv)
    return rng.lognormal(math.log(d) - s2 / 2.0, math.sqrt(s2), size=n)


def _split(rng, n, k):
    """Random composition of n into k positive parts (uniform over compositions)."""
    if k <= 1:
        return np.array([n])
    cuts = np.sort(rng.choice(n - 1, size=k - 1, replace=False) + 1)
    return np.diff(np.concatenate(([0], cuts, [n])))


# --- one aggregate ------------------------------------------------------------------------------
def _build(rng, cfg):
    """3-D particles of one aggregate: centres (n, 3) nm, radii (n,) nm, material (n,) 0/1, group."""
    aggregation, _ = _kernels()
    lo, hi = cfg["n_primary"]
    n = int(rng.integers(lo, hi + 1))
    m, decorated, nu = cfg["m"], cfg["decorated"], cfg["nu"]
    if m > 0:
        kappa = KAPPA_RANDOM ** (1.0 - m) * KAPPA_SEGREGATED**m
        p = float(rng.beta(nu * kappa, (1.0 - nu) * kappa))
    else:
        p = nu
    n_a = int(np.clip(rng.binomial(n, p), 1, n - 1))
    n_b = n - n_a
    da = _diameters(rng, n_a, cfg["d_a"], cfg["cv_a"])
    db = _diameters(rng, n_b, cfg["d_b"], cfg["cv_b"])
    keys = kernel_keys(rng, 2)
    df, kf, neck, n_dirs = cfg["df"], cfg["kf"], cfg["neck"], cfg["n_dirs"]
    if decorated:
        radii = np.concatenate((da, db)) / 2.0
        material = np.repeat(np.array([0, 1], dtype=np.int64), [n_a, n_b])
        group = np.concatenate((np.zeros(n_a, np.int64), np.arange(1, n_b + 1)))
        pos = np.empty((n, 3))
        pos[:n_a] = aggregation.grow(radii[:n_a].copy(), np.array([0, n_a], np.int64), df, kf, neck, n_dirs, keys[0])
        weights = _patches(rng, pos[:n_a], cfg["patchiness"], 2.0 * cfg["d_a"])
        failed = aggregation.decorate(pos, radii, n_a, np.cumsum(weights), neck, _DECORATE_TRIES, keys[1], 0)
        if failed:
            raise DataError(
                f"decorated aggregate: {failed} of {n_b} B particles found no free place on the "
                f"A backbone of {n_a} particles; raise fraction_a (a larger A backbone) or lower d_b"
            )
        pos -= np.average(pos, axis=0, weights=radii**3)
    else:
        k_a = max(1, int(round(n_a ** (1.0 - m))))
        k_b = max(1, int(round(n_b ** (1.0 - m))))
        sizes = np.concatenate((_split(rng, n_a, k_a), _split(rng, n_b, k_b)))
        mats = np.repeat(np.array([0, 1], dtype=np.int64), [k_a, k_b])
        order = rng.permutation(sizes.size)
        sizes, mats = sizes[order], mats[order]
        starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        material = np.repeat(mats, sizes)
        group = np.repeat(np.arange(sizes.size), sizes)
        radii = np.empty(n)
        radii[material == 0] = da / 2.0
        radii[material == 1] = db / 2.0
        pos = aggregation.grow(radii, starts, df, kf, neck, n_dirs, keys[0])
    return pos, radii, material, group, p


def _patches(rng, pos, sigma, length, n_modes=64):
    """Decoration weights exp(σ g − σ²/2) of backbone spheres, g a unit-variance Gaussian random field
    with Gaussian covariance of correlation length ``length`` (nm), by random Fourier features.
    """
    if sigma == 0:
        return np.ones(pos.shape[0])
    k = rng.normal(0.0, 1.0 / length, size=(n_modes, 3))
    phase = rng.uniform(0.0, 2.0 * np.pi, size=n_modes)
    g = np.sqrt(2.0 / n_modes) * np.cos(pos @ k.T + phase).sum(1)
    return np.exp(sigma * g - sigma * sigma / 2.0)


def _frame(pos, radii, pixel_size, shape, margin=2):
    lo = (pos[:, :2] - radii[:, None]).min(0)
    hi = (pos[:, :2] + radii[:, None]).max(0)
    if shape is None:
        W, H = np.ceil((hi - lo) / pixel_size).astype(int) + 2 * margin + 1
        origin = lo - margin * pixel_size
    else:
        H, W = shape
        size = np.array([W, H]) * pixel_size
        if np.any(hi - lo > size - pixel_size):
            raise InputError(
                f"an aggregate spans {hi[0] - lo[0]:.0f} x {hi[1] - lo[1]:.0f} nm (x, y), more than the "
                f"frame shape={tuple(shape)} at pixel_size={pixel_size} nm; pass a larger shape or pixel_size, "
                f"or shape=None to fit each aggregate"
            )
        origin = (lo + hi) / 2.0 - (np.array([W, H]) - 1) / 2.0 * pixel_size
    return int(H), int(W), origin


def _lacey(rng, H, W, pixel_size, thickness):
    """Film thickness (nm) of a lacey carbon support: a few curved strands across the frame."""
    from scipy import ndimage
    from skimage.draw import bezier_curve

    film = np.zeros((H, W))
    for _ in range(int(rng.integers(2, 5))):
        pts = []
        for side in rng.choice(4, size=2, replace=False):
            t = rng.uniform(0, 1)
            pts.append(
                {0: (0, t * (W - 1)), 1: (H - 1, t * (W - 1)), 2: (t * (H - 1), 0), 3: (t * (H - 1), W - 1)}[int(side)]
            )
        ctrl = (rng.uniform(0, H - 1), rng.uniform(0, W - 1))
        (r0, c0), (r2, c2) = pts
        rr, cc = bezier_curve(
            int(r0),
            int(c0),
            int(ctrl[0]),
            int(ctrl[1]),
            int(r2),
            int(c2),
            weight=float(rng.uniform(0.5, 2.0)),
            shape=(H, W),
        )
        line = np.ones((H, W), dtype=bool)
        line[rr, cc] = False
        half = max(1.0, rng.uniform(8.0, 25.0) / pixel_size)  # strand half-width: 8-25 nm
        dist = ndimage.distance_transform_edt(line)
        film = np.maximum(film, thickness * np.sqrt(np.clip(1.0 - (dist / half) ** 2, 0.0, None)))
    return film


def _truth(pos, radii, material, group, neck, label, p, densities):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = radii.size
    is_a = material == 0
    n_a = int(is_a.sum())
    n_b = n - n_a
    pairs = cKDTree(pos).query_pairs(2.0 * radii.max(), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    dist = np.linalg.norm(pos[i] - pos[j], axis=1)
    touch = dist <= (radii[i] + radii[j]) * (1.0 - neck) * (1.0 + 1e-6)
    i, j = i[touch], j[touch]
    hetero = material[i] != material[j]
    homo = ~hetero
    g = coo_matrix((np.ones(int(homo.sum())), (i[homo], j[homo])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    vol = radii**3
    vol_a = float(vol[is_a].sum())
    area = radii**2
    rg = _rg(pos, radii)
    truth = {
        "mixing": label,
        "n_particles": n,
        "n_a": n_a,
        "n_b": n_b,
        "number_fraction_a": n_a / n,
        "expected_number_fraction_a": p,
        "volume_fraction_a": vol_a / float(vol.sum()),
        "area_fraction_a": float(area[is_a].sum() / area.sum()),
        "n_contacts": int(i.size),
        "n_hetero_contacts": int(hetero.sum()),
        "hetero_contact_fraction": float(hetero.mean()) if i.size else float("nan"),
        "hetero_contact_fraction_random": 2.0 * n_a * n_b / (n * (n - 1.0)),
        "n_clusters_a": int(np.unique(comp[is_a]).size),
        "n_clusters_b": int(np.unique(comp[~is_a]).size),
        "radius_of_gyration_nm": rg,
        "fractal_dimension": _fractal_dimension(pos, radii),
        "mean_diameter_a_nm": float(2 * radii[is_a].mean()),
        "mean_diameter_b_nm": float(2 * radii[~is_a].mean()),
    }
    if densities is not None:
        ma, mb = densities[0] * vol_a, densities[1] * float(vol[~is_a].sum())
        truth["mass_fraction_a"] = ma / (ma + mb)
    return truth


def _rg(pos, radii):
    """Volume-weighted radius of gyration (nm), each sphere adding its own (3/5) r²."""
    return float(np.sqrt(_prefix_rg2(pos, radii)[-1]))


def _prefix_rg2(pos, radii):
    """Rg² of the first k spheres for k = 1..n (cumulative volume-weighted moments)."""
    w = radii**3
    W = np.cumsum(w)
    cm = np.cumsum(w[:, None] * pos, axis=0) / W[:, None]
    q = np.cumsum(w * ((pos**2).sum(1) + 0.6 * radii**2)) / W
    return np.maximum(q - (cm**2).sum(1), 0.0)


def _fractal_dimension(pos, radii):
    """Slope of log k vs log Rg(first k particles in growth order), k from n/8 to n."""
    n = radii.size
    ks = np.unique(np.geomspace(max(4, n // 8), n, 8).astype(int))
    if ks.size < 3:
        return float("nan")
    rg2 = _prefix_rg2(pos, radii)[ks - 1]
    return float(np.polyfit(0.5 * np.log(rg2), np.log(ks), 1)[0])


def _one(seed, cfg):
    _, raster = _kernels()
    rng = np.random.default_rng(seed)
    pos, radii, material, group, p = _build(rng, cfg)
    ps = cfg["pixel_size"]
    H, W, origin = _frame(pos, radii, ps, cfg["shape"])
    t = raster.thickness((pos[:, 0] - origin[0]) / ps, (pos[:, 1] - origin[1]) / ps, radii / ps, material, 2, H, W)
    t *= ps
    mask_a = t[0] > cfg["min_thickness"]
    mask_b = t[1] > cfg["min_thickness"]
    a, b = mask_a, mask_b
    if cfg["intensity"]:
        a, b = _counts(rng, t, cfg)
    truth = _truth(pos, radii, material, group, cfg["neck"], cfg["label"], p, cfg["densities"])
    particles = pd.DataFrame(
        {
            "x_nm": pos[:, 0],
            "y_nm": pos[:, 1],
            "z_nm": pos[:, 2],
            "radius_nm": radii,
            "material": np.where(material == 0, "A", "B"),
            "cluster": group,
        }
    )
    return Aggregate(
        a,
        b,
        truth,
        particles,
        ps,
        (float(origin[0]), float(origin[1])),
        mask_a,
        mask_b,
        t if cfg["keep_thickness"] else None,
    )


def _counts(rng, t, cfg):
    from scipy import ndimage

    dose_a, dose_b = cfg["dose"]
    lam = np.empty_like(t)
    lam[0] = dose_a * t[0]
    lam[1] = dose_b * t[1]
    if cfg["lacey"]:
        lam[0] += dose_a * _lacey(rng, t.shape[1], t.shape[2], cfg["pixel_size"], cfg["lacey_thickness"])
    if cfg["blur"] > 0:
        for k in range(2):
            lam[k] = ndimage.gaussian_filter(lam[k], cfg["blur"], mode="constant")
    lam += cfg["background"]
    counts = rng.poisson(lam).astype(np.int32)
    return counts[0], counts[1]


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
    seed=None,
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
    from .._progress import progress as _progress

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"n must be a positive integer number of aggregates, got {n!r}")
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
    if isinstance(n_directions, bool) or not isinstance(n_directions, (int, np.integer)) or n_directions < 1:
        raise InputError(f"n_directions must be a positive integer, got {n_directions!r}")
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
    if isinstance(n_workers, bool) or not isinstance(n_workers, (int, np.integer)) or n_workers < 1:
        raise InputError(f"n_workers must be a positive integer, got {n_workers!r}")
    seeds = spawn(seed, n)
    if n_workers == 1 or n == 1:
        return [_one(s, cfg) for s in _progress(seeds, desc="aggregates", enabled=progress)]
    from concurrent.futures import ThreadPoolExecutor

    _kernels()  # import (and compile) once, before the threads start
    with ThreadPoolExecutor(max_workers=int(n_workers)) as pool:
        results = pool.map(lambda s: _one(s, cfg), seeds)
        return list(_progress(results, total=n, desc="aggregates", enabled=progress))
