"""The shared percentile bootstrap (mixmap._bootstrap)."""

import numpy as np
import pytest

from mixmap._bootstrap import bootstrap_ci, bootstrap_replicates, percentile_interval, resample_indices


def test_blocks_cover_n_boot_and_max_elements_bounds_them():
    blocks = list(resample_indices(np.random.default_rng(0), 10, 25, max_elements=40))
    assert [b.shape for b in blocks] == [(4, 10)] * 6 + [(1, 10)]
    (one,) = resample_indices(np.random.default_rng(0), 10, 25)
    assert one.shape == (25, 10) and one.min() >= 0 and one.max() <= 9


def test_replicates_follow_the_generator_draw_order():
    x = np.random.default_rng(1).random(50)
    rng = np.random.default_rng(7)
    expected = np.concatenate(
        [x[rng.integers(0, 50, size=(m, 50))].std(axis=1) for m in (40, 40, 20)]
    )  # blocks of max(1, 2000 // 50) = 40 rows, as precursor_fractions draws them
    got = bootstrap_replicates(lambda idx: x[idx].std(axis=1), 50, 100, np.random.default_rng(7), max_elements=2000)
    np.testing.assert_array_equal(got, expected)


def test_percentile_interval_and_ci():
    v = np.arange(101.0)
    assert percentile_interval(v, 0.9) == pytest.approx((5.0, 95.0))
    assert percentile_interval([np.nan, 1.0, np.inf, 3.0], 0.5, finite_only=True) == pytest.approx((1.5, 2.5))
    assert np.isnan(percentile_interval([np.nan], 0.9, finite_only=True)[0])
    x = np.random.default_rng(2).normal(3.0, 1.0, 200)
    lo, hi = bootstrap_ci(x, lambda r: r.mean(axis=1), np.random.default_rng(0), n_boot=500, confidence=0.95)
    assert lo < x.mean() < hi and hi - lo == pytest.approx(2 * 1.96 / np.sqrt(200), rel=0.25)
