"""Aggregation and raster kernels (kernels/aggregation.py, kernels/raster.py) against their naive twins."""

import numpy as np
import pytest
from mixmap.kernels import aggregation, raster

from naive import naive_decorate, naive_grow, naive_thickness


# --- kernels vs naive twins ----------------------------------------------------------------------
def test_grow_matches_naive(rng):
    radii = rng.uniform(5, 15, size=40)
    starts = np.array([0, 12, 13, 30, 40], dtype=np.int64)
    key = np.uint64(987654321987)
    fast = aggregation.grow(radii, starts, 1.8, 1.3, 0.05, 16, key)
    slow = naive_grow(radii, starts, 1.8, 1.3, 0.05, 16, key)
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-9)


def test_decorate_matches_naive(rng):
    radii = np.concatenate((rng.uniform(10, 20, 25), rng.uniform(3, 6, 30)))
    pos = np.zeros((55, 3))
    pos[:25] = aggregation.grow(radii[:25].copy(), np.array([0, 25], np.int64), 1.8, 1.3, 0.05, 16, np.uint64(5))
    w = rng.exponential(1.0, 25)
    slow, failed_slow = naive_decorate(pos, radii, 25, w, 0.05, 100, 77, 0)
    failed = aggregation.decorate(pos, radii, 25, np.cumsum(w), 0.05, 100, np.uint64(77), 0)
    assert failed == failed_slow == 0
    np.testing.assert_allclose(pos, slow, rtol=1e-12, atol=1e-9)


def test_thickness_matches_naive(rng):
    n = 30
    xc, yc = rng.uniform(-5, 45, n), rng.uniform(-5, 35, n)
    r = rng.uniform(0.3, 8, n)
    mat = rng.integers(0, 2, n)
    fast = raster.thickness(xc, yc, r, mat, 2, 31, 41)
    np.testing.assert_allclose(fast, naive_thickness(xc, yc, r, mat, 2, 31, 41), rtol=1e-12, atol=1e-12)


def test_single_sphere_chord():
    t = raster.thickness(np.array([5.0]), np.array([5.0]), np.array([4.0]), np.array([0]), 1, 11, 11)
    assert t[0, 5, 5] == pytest.approx(8.0)
    assert t[0, 5, 9] == 0.0 and t[0, 5, 8] == pytest.approx(2 * np.sqrt(7))
