"""Geometry of one synthetic hetero-aggregate: particles, sequential aggregation, projection.

Log-normal primary diameters, tunable sequential aggregation (``kernels/aggregation.py``, fractal
dimension Df and prefactor kf, sintering necks), the composition drawn from a Beta distribution whose
concentration parameter follows the mixing state, projection along z (``kernels/raster.py``; a pixel
belongs to A (B) when the chord through A (B) spheres exceeds ``min_thickness``, Section 2.2.2 of
Buchheiser et al.), count images with blur, background, Poisson noise and a lacey carbon support
(Section 2.1), and the 3-D ground truth (radius of gyration, fractal dimension, contacts).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from skimage.draw import bezier_curve

from .._random import kernel_keys
from ..errors import DataError, InputError
from ..kernels import aggregation, raster

#: Concentration parameter κ of the Beta distribution of aggregate compositions at full segregation
#: (mixing = 1). The inter-aggregate variance of the expected number fraction is ν(1−ν)/(κ+1), so
#: ψ_P ≈ κ/(κ+1) ≈ 0.5 as for the paper's KB aggregates (ψ_P = 0.474, Section 3.3).
KAPPA_SEGREGATED = 1.0
#: κ approached as mixing -> 0 (composition spread negligible next to the binomial one).
KAPPA_RANDOM = 1000.0
_DECORATE_TRIES = 2000


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
    """Decoration weights exp(σ g − σ²/2) of backbone spheres.

    g is a unit-variance Gaussian random field with Gaussian covariance of correlation length ``length``
    (nm), by random Fourier features.
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


def _counts(rng, t, cfg):
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


def render(seed, cfg):
    """Build one aggregate from its seed and the checked arguments ``cfg`` of :func:`aggregates`.

    Returns the fields of :class:`Aggregate` in order.
    """
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
    return (
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
