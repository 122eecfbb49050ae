"""Synthetic hetero-aggregates (mixmap.synthetic._aggregates, _build): geometry, ground truth, reproducibility."""

import numpy as np
import pytest

import mixmap
from mixmap.synthetic import Aggregate, aggregates

SMALL = dict(d_a=30.0, d_b=30.0, n_primary=(40, 70), pixel_size=3.0)


# --- geometry and ground truth -------------------------------------------------------------------
def _contacts(g):
    p = g.particles[["x_nm", "y_nm", "z_nm"]].to_numpy()
    r = g.particles["radius_nm"].to_numpy()
    d = np.linalg.norm(p[:, None] - p[None], axis=-1)
    lim = (r[:, None] + r[None]) * (1 - 0.05)
    np.fill_diagonal(d, np.inf)
    return d, lim


@pytest.mark.parametrize("mixing", ["random", "segregated", "decorated", 0.5])
def test_spheres_touch_without_overlap(mixing):
    from scipy.sparse.csgraph import connected_components

    for g in aggregates(3, mixing=mixing, seed=2, **SMALL):
        d, lim = _contacts(g)
        assert (d >= lim * (1 - 1e-6)).all()  # no overlap beyond the sintering neck
        touch = d <= lim * (1 + 1e-6)
        assert connected_components(touch, directed=False)[0] == 1  # one aggregate
        assert g.truth["n_contacts"] == touch.sum() // 2
        mat = g.particles["material"].to_numpy()
        hetero = (touch & (mat[:, None] != mat[None])).sum() // 2
        assert g.truth["n_hetero_contacts"] == hetero
        assert g.truth["n_a"] >= 1 and g.truth["n_b"] >= 1


def test_reproducible_and_independent_of_n():
    a = aggregates(4, mixing=0.3, seed=11, intensity=True, **SMALL)
    b = aggregates(4, mixing=0.3, seed=11, intensity=True, **SMALL)
    c = aggregates(2, mixing=0.3, seed=11, intensity=True, **SMALL)
    d = aggregates(2, mixing=0.3, seed=12, intensity=True, **SMALL)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.a, y.a)
        np.testing.assert_array_equal(x.b, y.b)
        assert x.truth == y.truth
        assert x.particles.equals(y.particles)
    for x, y in zip(a, c, strict=False):
        np.testing.assert_array_equal(x.a, y.a)
    assert not np.array_equal(a[0].particles["x_nm"].to_numpy()[:5], d[0].particles["x_nm"].to_numpy()[:5])


def test_maps_have_overlap_pixels_and_match_particles():
    aggs = aggregates(5, mixing="random", seed=3, keep_thickness=True, **SMALL)
    for g in aggs:
        assert isinstance(g, Aggregate) and g.a.dtype == bool and g.a.shape == g.b.shape
        assert (g.a & g.b).sum() > 0  # [1,1] pixels arise from transmission
        assert (g.a & ~g.b).sum() > 0 and (~g.a & g.b).sum() > 0
        # projected volume = particle volume (chords integrate to the sphere volume)
        vol = 4 / 3 * np.pi * g.particles["radius_nm"] ** 3
        proj = g.thickness_nm.sum(axis=(1, 2)) * g.pixel_size**2
        mat = g.particles["material"]
        assert proj[0] == pytest.approx(vol[mat == "A"].sum(), rel=0.02)
        assert proj[1] == pytest.approx(vol[mat == "B"].sum(), rel=0.02)
        # a pixel over the centre of every sphere is foreground
        col = np.rint((g.particles["x_nm"] - g.origin_nm[0]) / g.pixel_size).astype(int)
        row = np.rint((g.particles["y_nm"] - g.origin_nm[1]) / g.pixel_size).astype(int)
        assert (g.a | g.b)[row, col].all()


def test_random_mixing_P_matches_3d_truth():
    """Tolerance: |P_2D - area_fraction_A| <= 0.08 per aggregate and <= 0.02 on average (equal sizes,
    ν_A = 0.5; overlap in projection hides some particles of each material about equally)."""
    aggs = aggregates(16, mixing="random", d_a=30, d_b=30, n_primary=(60, 150), pixel_size=1.5, seed=4)
    P = np.array([g.a.sum() / (g.a.sum() + g.b.sum()) for g in aggs])
    truth = np.array([g.truth["area_fraction_a"] for g in aggs])
    assert np.abs(P - truth).max() <= 0.08
    assert abs((P - truth).mean()) <= 0.02
    nf = np.array([g.truth["number_fraction_a"] for g in aggs])
    assert abs(nf.mean() - 0.5) < 0.05
    # random labels: hetero-contact fraction as expected for independent materials
    h = np.array([g.truth["hetero_contact_fraction"] for g in aggs])
    h0 = np.array([g.truth["hetero_contact_fraction_random"] for g in aggs])
    assert abs(h.mean() - h0.mean()) < 0.05


def test_size_distributions_lognormal_fit():
    from scipy import stats

    aggs = aggregates(
        8,
        mixing="random",
        d_a=40,
        d_b=12,
        cv_a=0.3,
        cv_b=0.15,
        fraction_a=0.3,
        n_primary=(150, 250),
        pixel_size=4.0,
        seed=5,
    )
    parts = [g.particles for g in aggs]
    for mat, d, cv in (("A", 40, 0.3), ("B", 12, 0.15)):
        dia = 2 * np.concatenate([p.loc[p.material == mat, "radius_nm"].to_numpy() for p in parts])
        s, _, scale = stats.lognorm.fit(dia, floc=0)
        mean = scale * np.exp(s**2 / 2)
        fit_cv = np.sqrt(np.exp(s**2) - 1)
        assert mean == pytest.approx(d, rel=0.04)
        assert fit_cv == pytest.approx(cv, rel=0.1)


def test_mixing_states_ordered():
    kw = dict(d_a=30, d_b=20, n_primary=(60, 100), pixel_size=3.0, seed=6)
    rnd = aggregates(12, mixing="random", **kw)
    seg = aggregates(12, mixing="segregated", **kw)
    dec = aggregates(12, mixing="decorated", **kw)

    def hf(aggs):
        return np.mean([g.truth["hetero_contact_fraction"] for g in aggs])

    def var(aggs):
        return np.var([g.truth["number_fraction_a"] for g in aggs])

    assert hf(seg) < 0.1 < hf(rnd)
    assert all(g.truth["n_clusters_a"] == 1 and g.truth["n_clusters_b"] == 1 for g in seg)
    assert var(seg) > 5 * var(rnd)
    # decorated: one A backbone, every B touches A
    for g in dec:
        assert g.truth["n_clusters_a"] == 1
        d, lim = _contacts(g)
        touch = d <= lim * (1 + 1e-6)
        mat = g.particles["material"].to_numpy()
        assert touch[np.ix_(mat == "B", mat == "A")].any(axis=1).all()
    # interpolation: clusters per material fall monotonically with the mixing weight
    nb = [np.mean([g.truth["n_clusters_b"] for g in aggregates(6, mixing=m, **kw)]) for m in (0.0, 0.5, 0.9)]
    assert nb[0] > nb[1] > nb[2]


@pytest.mark.parametrize("df", [1.8, 2.2])
def test_fractal_dimension_tunable(df):
    aggs = aggregates(
        30,
        mixing="random",
        d_a=20,
        d_b=20,
        cv_a=0,
        cv_b=0,
        n_primary=(20, 250),
        pixel_size=5.0,
        seed=7,
        fractal_dimension=df,
    )
    N = np.array([g.truth["n_particles"] for g in aggs])
    rg = np.array([g.truth["radius_of_gyration_nm"] for g in aggs])
    slope, icpt = np.polyfit(np.log(rg / 10.0), np.log(N), 1)
    assert slope == pytest.approx(df, abs=0.1)
    assert np.exp(icpt) == pytest.approx(1.3, rel=0.15)
    assert np.mean([g.truth["fractal_dimension"] for g in aggs]) == pytest.approx(df, abs=0.1)


def test_intensity_maps_and_lacey_film():
    g0 = aggregates(1, mixing="random", seed=8, **SMALL)[0]
    g = aggregates(
        1,
        mixing="random",
        seed=8,
        intensity=True,
        dose=2.0,
        background=0.1,
        blur=0.7,
        lacey=True,
        keep_thickness=True,
        **SMALL,
    )[0]
    assert g.a.dtype == np.int32 and (g.a >= 0).all()
    np.testing.assert_array_equal(g.mask_a, g0.a)  # same aggregate, masks unchanged
    # counts follow dose x thickness on the B map (no film): total within Poisson + blur error
    expected = 2.0 * g.thickness_nm[1].sum() + 0.1 * g.b.size
    assert g.b.sum() == pytest.approx(expected, rel=0.05)
    # the film adds counts to A outside the particles
    bg = ~(g.mask_a | g.mask_b)
    assert g.a[bg].mean() > g.b[bg].mean()
    g2 = aggregates(1, mixing="random", seed=8, intensity=True, lacey=False, blur=0, **SMALL)[0]
    assert g2.a[bg].mean() == pytest.approx(g2.b[bg].mean(), abs=0.05)


def test_fixed_shape_and_fractions():
    aggs = aggregates(2, mixing="random", d_a=20, d_b=20, n_primary=60, pixel_size=3.0, shape=(256, 200), seed=9)
    assert all(g.a.shape == (256, 200) and g.truth["n_particles"] == 60 for g in aggs)
    with pytest.raises(mixmap.InputError, match="shape"):
        aggregates(1, mixing="random", d_a=20, d_b=20, n_primary=60, pixel_size=1.0, shape=(32, 32), seed=9)
    # a mass fraction with densities becomes the matching number fraction (equal sizes: rho ratio)
    aggs = aggregates(
        6,
        mixing="random",
        d_a=20,
        d_b=20,
        cv_a=0,
        cv_b=0,
        fraction_a=0.5,
        fraction="mass",
        densities=(1.8, 2.2),
        n_primary=(200, 200),
        pixel_size=5.0,
        seed=10,
    )
    nf = np.mean([g.truth["number_fraction_a"] for g in aggs])
    assert nf == pytest.approx(2.2 / 4.0, abs=0.03)
    assert np.mean([g.truth["mass_fraction_a"] for g in aggs]) == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n=0), "n must"),
        (dict(mixing="stirred"), "mixing"),
        (dict(mixing=1.5), "mixing"),
        (dict(d_a=-1), "d_a"),
        (dict(d_b=float("nan")), "d_b"),
        (dict(cv_a=-0.1), "cv_a"),
        (dict(fraction_a=1.0), "fraction_a"),
        (dict(fraction="weight"), "fraction"),
        (dict(fraction="mass"), "densities"),
        (dict(densities=(1.0, -2.0)), "densities"),
        (dict(n_primary=(10, 5)), "n_primary"),
        (dict(n_primary=1), "n_primary"),
        (dict(pixel_size=0), "pixel_size"),
        (dict(shape=(0, 10)), "shape"),
        (dict(fractal_dimension=3.5), "fractal_dimension"),
        (dict(neck=0.5), "neck"),
        (dict(seed=-1), "seed"),
        (dict(dose=(1.0, 0.0), intensity=True), "dose"),
        (dict(n_directions=0), "n_directions"),
    ],
)
def test_bad_inputs(kwargs, match):
    args = dict(n=1, mixing="random", **SMALL)
    args.update(kwargs)
    n = args.pop("n")
    with pytest.raises(mixmap.InputError, match=match):
        aggregates(n, **args)


def test_patchy_decoration_and_threads():
    from scipy.spatial import cKDTree

    def host_cv(patchiness):
        cvs = []
        for g in aggregates(
            4,
            mixing="decorated",
            d_a=40,
            d_b=10,
            fraction_a=0.15,
            n_primary=150,
            pixel_size=4.0,
            seed=3,
            patchiness=patchiness,
        ):
            p = g.particles
            A = p[p.material == "A"][["x_nm", "y_nm", "z_nm"]].to_numpy()
            B = p[p.material == "B"][["x_nm", "y_nm", "z_nm"]].to_numpy()
            counts = np.bincount(cKDTree(A).query(B)[1], minlength=len(A))
            cvs.append(counts.std() / counts.mean())
        return np.mean(cvs)

    assert host_cv(3.0) > 1.5 * host_cv(0.0)
    one = aggregates(3, mixing="decorated", seed=4, n_workers=1, patchiness=1.0, **SMALL)
    two = aggregates(3, mixing="decorated", seed=4, n_workers=2, patchiness=1.0, **SMALL)
    for x, y in zip(one, two, strict=True):
        assert x.particles.equals(y.particles) and np.array_equal(x.a, y.a)


@pytest.mark.parametrize("kwargs", [dict(n=0), dict(n=1.5), dict(n=True), dict(n_directions=0), dict(n_workers=0)])
def test_bad_integers_name_the_argument(kwargs):
    args = {"n": 1, "mixing": "random", **SMALL, **kwargs}
    name = next(iter(kwargs))
    with pytest.raises(mixmap.InputError, match=rf"^{name} must be an integer"):
        aggregates(**args)
