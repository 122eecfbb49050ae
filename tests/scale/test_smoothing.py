"""Gaussian smoothing of R(h) (Section 2.2.3) and the mean curve R-bar(h), Eq. 9 (mixmap.scale.smoothing)."""

import numpy as np
import pytest
from scale.blobs import blob_maps

import mixmap
from mixmap import InputError
from mixmap.scale import CorrelationResult, MeanCorrelation


def test_smooth_correlation(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.9)
    res = mixmap.correlation(a, b, h_max=15, pixel_size=2.0)
    sm = mixmap.smooth_correlation(res, 1.5)
    assert sm(0.0) == pytest.approx(sm.R[0])
    assert np.all(np.isfinite(sm(np.linspace(0, 15, 61))))
    assert np.isnan(sm(15.5)) and np.isnan(sm(-1.0))
    # continuous: non-integer points lie between neighbours for a monotone curve
    v = sm(np.array([3.0, 3.5, 4.0]))
    assert min(v[0], v[2]) <= v[1] <= max(v[0], v[2])
    # sigma in nm equals sigma/pixel_size in px; nm evaluation matches px evaluation
    sm_nm = mixmap.smooth_correlation(res, 3.0, unit="nm")
    np.testing.assert_allclose(sm_nm.R, sm.R)
    assert sm(2.5) == pytest.approx(sm(5.0, unit="nm"))
    # a tiny kernel reproduces the raw values; a constant curve stays constant
    np.testing.assert_allclose(mixmap.smooth_correlation(res, 0.05).R, res.R, atol=1e-12)
    flat = CorrelationResult(
        h=np.arange(6),
        h_nm=None,
        C=np.ones(6),
        R=np.full(6, 0.3),
        n_pairs=np.full(6, 9),
        sum_products=np.ones(6),
        P=0.5,
        s2_max=0.25,
        n_foreground=9,
        h_max=5,
        method="fft",
    )
    np.testing.assert_allclose(mixmap.smooth_correlation(flat, 2.0)(np.linspace(0, 5, 11)), 0.3)


def test_mean_correlation_on_common_nm_grid(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.95)
    r1 = mixmap.correlation(a, b, h_max=12, pixel_size=2.0)
    # the same structure imaged at half the pixel size (each pixel -> 2x2)
    a2, b2 = np.kron(a, np.ones((2, 2), bool)), np.kron(b, np.ones((2, 2), bool))
    r2 = mixmap.correlation(a2, b2, h_max=20, pixel_size=1.0)
    m = mixmap.mean_correlation([r1, r2])
    assert isinstance(m, MeanCorrelation) and m.unit == "nm" and m.n_results == 2
    np.testing.assert_allclose(np.diff(m.h), 1.0)
    assert m.h[-1] == pytest.approx(20.0)  # smallest support: 20 nm
    assert np.all(m.n == 2)
    np.testing.assert_allclose(m.curves[0][::2], r1.R[:11])
    np.testing.assert_allclose(m.curves[1], r2.R[:21])
    np.testing.assert_allclose(m.R, m.curves.mean(axis=0))  # Eq. (9)
    # identical curves: mean = curve, std = 0
    same = mixmap.mean_correlation([r1, r1])
    np.testing.assert_allclose(same.R, r1.R[: len(same.R)], atol=1e-12)
    np.testing.assert_allclose(same.std, 0.0, atol=1e-12)
    # a user grid beyond one support: the count drops there
    mu = mixmap.mean_correlation([r1, r2], h=[0.0, 10.0, 22.0, 30.0])
    np.testing.assert_array_equal(mu.n, [2, 2, 1, 0])
    assert np.isnan(mu.R[-1])
    # smoothed curves average too; px grid when no pixel size
    s1 = mixmap.smooth_correlation(r1, 1.0)
    ms = mixmap.mean_correlation([s1, mixmap.smooth_correlation(r2, 2.0)])
    assert ms.unit == "nm" and np.all(np.isfinite(ms.R))
    rp = mixmap.correlation(a, b, h_max=12)
    assert mixmap.mean_correlation([rp, rp]).unit == "px"
    assert set(m.to_frame().columns) == {"h_nm", "R", "std", "n"}


def test_mean_correlation_from_tables(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.95)
    r1 = mixmap.correlation(a, b, h_max=12, pixel_size=2.0)
    r2 = mixmap.correlation(b, a.T.copy() | b, h_max=10, pixel_size=1.0)
    ref = mixmap.mean_correlation([r1, r2])
    tab = mixmap.mean_correlation([r1.to_frame(), r2.to_dict()])
    np.testing.assert_allclose(tab.h, ref.h)
    np.testing.assert_allclose(tab.R, ref.R, equal_nan=True)
    assert tab.unit == "nm"
    px = mixmap.mean_correlation([{"h": r1.h, "R": r1.R}])
    assert px.unit == "px"
    with pytest.raises(InputError, match="results\\[0\\]"):
        mixmap.mean_correlation([{"h": [0, 1], "R": [1.0]}])
    with pytest.raises(InputError, match="pixel size"):
        mixmap.mean_correlation([{"h": [0, 1, 2], "R": [1.0, 0.5, 0.2], "h_nm": [0, 1, 3]}])


def test_bad_inputs_smoothing(rng):
    a, b = blob_maps(rng)
    res = mixmap.correlation(a, b, h_max=5, pixel_size=1.0)
    with pytest.raises(InputError, match="sigma"):
        mixmap.smooth_correlation(res, 0)
    with pytest.raises(InputError, match="CorrelationResult"):
        mixmap.smooth_correlation(res.R, 1.0)
    with pytest.raises(InputError, match="pixel size"):
        mixmap.smooth_correlation(mixmap.correlation(a, b, h_max=5), 1.0, unit="nm")
    with pytest.raises(InputError, match="pixel size"):
        mixmap.mean_correlation([res, mixmap.correlation(a, b, h_max=5)])
    with pytest.raises(InputError, match="empty"):
        mixmap.mean_correlation([])
    with pytest.raises(InputError, match="results\\[1\\]"):
        mixmap.mean_correlation([res, "x"])
    with pytest.raises(InputError, match="h must be"):
        mixmap.mean_correlation([res], h="x")
    with pytest.raises(InputError, match="h must be"):
        mixmap.smooth_correlation(res, 1.0)("x")
