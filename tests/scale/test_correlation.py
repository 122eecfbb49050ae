"""Exact R(h) (Eqs. 7-8) vs brute force, the sampled estimator, FFT windows and tiling (scale.coefficient, _fft)."""

import numpy as np
import pytest
from naive import (
    naive_displacement_sums,
    naive_radial_pair_sums,
    naive_random_pair_sums,
    naive_ring_offsets,
)
from scale.blobs import blob_maps, expected

import mixmap
from mixmap import DataError, InputError
from mixmap.kernels import pairs as kpairs
from mixmap.kernels import radial as kradial
from mixmap.mixing import pixel_concentration
from mixmap.scale import fft_memory
from mixmap.scale._fft import _auto_window


def test_fft_equals_brute_force_bool_maps(rng):
    a, b = blob_maps(rng)
    assert (a & b).any() and (a & ~b).any() and (~a & b).any()
    res = mixmap.correlation(a, b, h_max=14)
    S, N, R = expected(a, b, 14)
    np.testing.assert_array_equal(res.n_pairs, N)
    np.testing.assert_allclose(res.sum_products, S, rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.R, R, rtol=0, atol=1e-10, equal_nan=True)
    # total pair count: every unordered pair within range counted once
    assert res.n_pairs[1:].sum() <= res.n_foreground * (res.n_foreground - 1) // 2


def test_fft_equals_brute_force_intensity_maps_and_large_h(rng):
    a, b = blob_maps(rng, shape=(13, 9))
    A = a * rng.integers(1, 20, a.shape)
    B = b * rng.random(b.shape) * 7
    res = mixmap.correlation(A, B, h_max=20)  # beyond the map diagonal: empty bins
    S, N, R = expected(A, B, 20)
    np.testing.assert_array_equal(res.n_pairs, N)
    np.testing.assert_allclose(res.R, R, rtol=0, atol=1e-10, equal_nan=True)
    assert res.n_pairs[-1] == 0 and np.isnan(res.R[-1]) and np.isnan(res.C[-1])
    # all pairs of the map are within h_max = 20 > diagonal
    assert res.n_pairs[1:].sum() == res.n_foreground * (res.n_foreground - 1) // 2


@pytest.mark.parametrize("direction", [0.0, (90.0, 10.0), (45.0, 0.0), (135.0, 30.0)])
def test_direction_equals_brute_force(rng, direction):
    a, b = blob_maps(rng, shape=(15, 15))
    res = mixmap.correlation(a, b, h_max=9, direction=direction)
    d = direction if isinstance(direction, tuple) else (direction, 22.5)
    S, N, R = expected(a, b, 9, d)
    np.testing.assert_array_equal(res.n_pairs, N)
    np.testing.assert_allclose(res.R, R, rtol=0, atol=1e-10, equal_nan=True)
    assert res.direction == d


def test_direction_sees_anisotropy():
    # vertical stripes of width 4: correlated along columns (90 deg), alternating along rows (0 deg)
    xx = np.arange(64)[None, :].repeat(64, 0)
    a = (xx // 4) % 2 == 0
    along = mixmap.correlation(a, ~a, h_max=8, direction=(90, 5))
    across = mixmap.correlation(a, ~a, h_max=8, direction=(0, 5))
    np.testing.assert_allclose(along.R[1:], 1.0, atol=0.02)
    assert across.R[4] < -0.9 and across.R[8] > 0.9


def test_R0_is_n0_over_n0_minus_1(rng):
    a, b = blob_maps(rng)
    res = mixmap.correlation(a, b, h_max=3)
    n0 = res.n_foreground
    assert res.n_pairs[0] == n0
    assert res.R[0] == pytest.approx(n0 / (n0 - 1), abs=1e-12)


def test_swap_a_b_leaves_R_unchanged(rng):
    a, b = blob_maps(rng, shape=(30, 30))
    r1 = mixmap.correlation(a, b, h_max=12)
    r2 = mixmap.correlation(b, a, h_max=12)
    np.testing.assert_allclose(r1.R, r2.R, atol=1e-12)
    assert r1.P == pytest.approx(1 - r2.P)


def test_random_map_is_uncorrelated(rng):
    a = rng.random((160, 160)) < 0.4
    res = mixmap.correlation(a, ~a, h_max=20)
    assert np.max(np.abs(res.R[1:])) < 0.03
    assert res.R[0] == pytest.approx(1.0, abs=1e-4)


def test_sampled_estimator_converges_to_exact(rng):
    a, b = blob_maps(rng, shape=(48, 56), p_fg=0.9)
    exact = mixmap.correlation(a, b, h_max=15)
    samp = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=60000, seed=3)
    assert samp.method == "pairs" and samp.tiles == 0
    assert np.all(samp.n_pairs == 60000)
    np.testing.assert_allclose(samp.R, exact.R, atol=0.03)
    few = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=300, seed=3)
    err_few = np.nanmean(np.abs(few.R - exact.R))
    err_many = np.nanmean(np.abs(samp.R - exact.R))
    assert err_many < err_few
    # reproducible for a seed, different for another
    again = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=300, seed=3)
    np.testing.assert_array_equal(few.R, again.R)
    other = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=300, seed=4)
    assert not np.array_equal(few.R, other.R)


def test_pairs_kernel_equals_naive_twin(rng):
    a, b = blob_maps(rng, shape=(12, 14))
    x, fg = pixel_concentration(a.astype(float), b.astype(float))
    f = np.where(fg, x - 0.5, 0.0)
    keys = rng.integers(0, 2**63 - 1, size=7, dtype=np.int64).astype(np.uint64)
    for direction in (None, (30.0, 20.0)):
        use, th, tol = (False, 0.0, 90.0) if direction is None else (True, *direction)
        dy, dx, st = kpairs.ring_offsets(6, use, th, tol)
        ndy, ndx, nst = naive_ring_offsets(6, direction)
        np.testing.assert_array_equal(dy, ndy)
        np.testing.assert_array_equal(dx, ndx)
        np.testing.assert_array_equal(st, nst)
        S, N = kpairs.random_pair_sums(
            f.ravel(), fg.ravel(), f.shape[1], np.flatnonzero(fg).astype(np.int64), dy, dx, st, 50, 400, keys
        )
        nS, nN = naive_random_pair_sums(f, fg, 6, 50, 400, keys, direction)
        np.testing.assert_array_equal(N, nN)
        np.testing.assert_allclose(S, nS, rtol=1e-13, atol=1e-13)


def test_radial_kernel_and_fft_windows_equal_naive(rng):
    a, b = blob_maps(rng, shape=(11, 16))
    x, fg = pixel_concentration(a.astype(float), b.astype(float))
    f = np.where(fg, x - 0.4, 0.0)
    wf, wm = naive_displacement_sums(f, fg, 7)
    np.testing.assert_allclose(_auto_window(f, 7), wf, atol=1e-10)
    np.testing.assert_array_equal(np.rint(_auto_window(fg.astype(float), 7)).astype(np.int64), wm)
    for direction in (None, (60.0, 25.0)):
        use, th, tol = (False, 0.0, 90.0) if direction is None else (True, *direction)
        S, N = kradial.radial_pair_sums(wf, wm, 7, use, th, tol)
        nS, nN = naive_radial_pair_sums(wf, wm, 7, direction)
        np.testing.assert_array_equal(N, nN)
        np.testing.assert_allclose(S, nS, atol=1e-12)


def test_tiled_equals_untiled(rng):
    a, b = blob_maps(rng, shape=(70, 90), p_fg=0.85)
    full = mixmap.correlation(a, b, h_max=9)
    assert full.tiles == 1
    budget = 48 * 40**2  # tiles of 22 px + overlap 9 on each side
    assert fft_memory(a.shape, 9) > budget
    tiled = mixmap.correlation(a, b, h_max=9, memory_budget=budget)
    assert tiled.tiles > 4
    np.testing.assert_array_equal(tiled.n_pairs, full.n_pairs)
    np.testing.assert_allclose(tiled.sum_products, full.sum_products, rtol=0, atol=1e-9)
    np.testing.assert_allclose(tiled.R, full.R, rtol=0, atol=1e-12)
    # and the tiled result is exact against brute force, including a direction
    S, N, R = expected(a[:30, :40], b[:30, :40], 6, (0.0, 40.0))
    t2 = mixmap.correlation(a[:30, :40], b[:30, :40], h_max=6, direction=(0, 40), memory_budget=48 * 20**2)
    assert t2.tiles > 4
    np.testing.assert_array_equal(t2.n_pairs, N)
    np.testing.assert_allclose(t2.R, R, atol=1e-10)


def test_default_h_max_and_pixel_size():
    a = np.zeros((50, 60), bool)
    a[10:30, 5:45] = True  # extent 40 px
    b = np.zeros_like(a)
    b[10:30, 25:45] = True
    a[10:30, 25:45] = False
    res = mixmap.correlation(a, b, pixel_size=2.5)
    assert res.h_max == 20 and len(res.h) == 21
    np.testing.assert_allclose(res.h_nm, res.h * 2.5)
    df = res.to_frame()
    assert list(df.columns) == ["h", "h_nm", "C", "R", "n_pairs"]
    d = res.to_dict()
    assert d["h_max"] == 20 and d["pixel_size"] == 2.5 and len(d["R"]) == 21
    assert mixmap.correlation(a, b).h_nm is None


def test_public_function_survives_submodule_import(rng):
    import mixmap.scale
    import mixmap.scale.coefficient as mod

    assert callable(mixmap.scale.correlation) and mixmap.scale.correlation is mod.correlation

    a, b = blob_maps(rng)
    assert callable(mixmap.correlation) and mixmap.correlation is mod.correlation
    assert mixmap.correlation(a, b, h_max=3).R[1] == mod.correlation(a, b, h_max=3).R[1]


def test_h_max_beyond_the_map_is_cheap_and_empty(rng):
    a, b = blob_maps(rng, shape=(12, 10))
    res = mixmap.correlation(a, b, h_max=5000, memory_budget=10**6)
    assert len(res.h) == 5001 and res.tiles == 1
    assert np.all(res.n_pairs[16:] == 0) and np.all(np.isnan(res.R[16:]))
    S, N, R = expected(a, b, 20)
    np.testing.assert_array_equal(res.n_pairs[:21], N)
    samp = mixmap.correlation(a, b, h_max=300, method="pairs", n_pairs=50, seed=1)
    short = mixmap.correlation(a, b, h_max=15, method="pairs", n_pairs=50, seed=1)
    np.testing.assert_array_equal(samp.n_pairs[:16], short.n_pairs)
    assert np.all(samp.n_pairs[16:] == 0)


def test_bad_inputs_correlation(rng):
    a, b = blob_maps(rng)
    a0, b0 = a.copy(), b.copy()
    with pytest.raises(InputError, match="method"):
        mixmap.correlation(a, b, method="sampled")
    with pytest.raises(InputError, match="h_max"):
        mixmap.correlation(a, b, h_max=0)
    with pytest.raises(InputError, match="h_max"):
        mixmap.correlation(a, b, h_max=2.5)
    with pytest.raises(InputError, match="pixel_size"):
        mixmap.correlation(a, b, pixel_size=-1)
    with pytest.raises(InputError, match="tolerance"):
        mixmap.correlation(a, b, direction=(10, 120))
    with pytest.raises(InputError, match="direction"):
        mixmap.correlation(a, b, direction=(1, 2, 3))
    with pytest.raises(InputError, match="n_pairs"):
        mixmap.correlation(a, b, n_pairs=100)
    with pytest.raises(InputError, match="n_pairs"):
        mixmap.correlation(a, b, method="pairs", n_pairs=1)
    with pytest.raises(InputError, match="memory_budget"):
        mixmap.correlation(a, b, method="pairs", memory_budget=10**6)
    with pytest.raises(InputError, match="too small"):
        mixmap.correlation(a, b, h_max=5, memory_budget=1000)
    with pytest.raises(InputError, match="same shape"):
        mixmap.correlation(a, b[:-1])
    with pytest.raises(DataError, match="s2_max"):
        mixmap.correlation(a, a)
    with pytest.raises(DataError, match="empty"):
        mixmap.correlation(a, np.zeros_like(b))
    # the inputs were not modified
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)
