"""Monte-Carlo error propagation (mixmap.diffusion._mc): median, determinism and coverage of the band."""

import numpy as np
import pytest

from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14


def approx(expected, **kw):
    """pytest.approx without its default absolute tolerance of 1e-12 (D values are ~1e-14 m^2/s)."""
    kw.setdefault("abs", 0.0)
    return pytest.approx(expected, **kw)


X = np.linspace(-40e-6, 40e-6, 401)  # erfc width 2 sqrt(D t) = 12 um: plateaus on both sides


@pytest.mark.parametrize("seed", range(5))
def test_monte_carlo_median_within_5_percent_noisy_constant_D(seed):
    """Median within 5 % at 13 levels over 0.2 < c < 0.8, for five independent noisy profiles.

    At 1 % noise one scan gives the median a per-level sd of 3-5 % (measured over 20 profiles, no
    bias), so no estimator can hold 5 % at every level for every single scan; the profile here is
    the average of 5 parallel scans, as ref. 002 averages scans (30 of 30 seeds within 5 %).
    """
    c = diffusion_profile(X, T, D=D0, noise=0.01, n_scans=5, seed=seed)
    levels = np.linspace(0.2, 0.8, 13)
    for method in ("sauer-freise", "matano"):
        mc = d.monte_carlo(X, c, T, method=method, n=2000, seed=1, levels=levels)
        np.testing.assert_allclose(mc.D_median, D0, rtol=0.05)
        assert np.all(mc.D_low < mc.D_median) and np.all(mc.D_median < mc.D_high)
        assert np.all(mc.valid == 1.0)


def test_monte_carlo_erfc_median_and_params():
    c = diffusion_profile(X, T, D=D0, noise=0.01, n_scans=3, seed=11)
    mc = d.monte_carlo(X, c, T, method="erfc", n=500, seed=1)
    assert mc.D_median[0] == approx(D0, rel=0.02) and mc.D_low[0] < D0 < mc.D_high[0]
    assert set(mc.params) == {"D", "x0", "c_left", "c_right"}


def test_monte_carlo_is_deterministic_and_batched_same():
    c = diffusion_profile(X, T, D=D0, noise=0.01, seed=12)
    a = d.monte_carlo(X, c, T, n=300, seed=7, levels=[0.5])
    b = d.monte_carlo(X, c, T, n=300, seed=7, levels=[0.5], progress=True)
    np.testing.assert_array_equal(a.samples, b.samples)
    e = d.monte_carlo(X, c, T, n=300, seed=8, levels=[0.5])
    assert not np.array_equal(a.samples, e.samples)


def test_monte_carlo_coverage_is_honest():
    """Nominal 95 % band contains the true D 90-99 % of the time over 200 synthetic experiments."""
    x = np.linspace(-40e-6, 40e-6, 200)
    levels = [0.3, 0.5, 0.7]
    hits = []
    for r in range(200):
        c = diffusion_profile(x, T, D=D0, noise=0.01, seed=10_000 + r)
        mc = d.monte_carlo(x, c, T, n=300, seed=r, levels=levels)
        hits.append((mc.D_low <= D0) & (D0 <= mc.D_high))
    cover = np.mean(hits, axis=0)
    assert np.all((cover >= 0.90) & (cover <= 0.99)), cover
