"""Fick's-law model fits (mixmap.diffusion._fits): erfc, thin film, semi-infinite recover known D."""

import numpy as np
import pytest
from scipy.special import erfc

from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14


def approx(expected, **kw):
    """pytest.approx without its default absolute tolerance of 1e-12 (D values are ~1e-14 m^2/s)."""
    kw.setdefault("abs", 0.0)
    return pytest.approx(expected, **kw)


X = np.linspace(-40e-6, 40e-6, 401)  # erfc width 2 sqrt(D t) = 12 um: plateaus on both sides


# --- analyses recover known D ----------------------------------------------------------------------
def test_erfc_fit_within_2_percent_of_D():
    for seed in range(3):
        # three parallel scans with 1.25 % noise (of the step), averaged by the fit: D sd ~0.7 %
        c = diffusion_profile(X, T, D=D0, c_left=0.1, c_right=0.9, x0=2e-6, noise=0.01, n_scans=3, seed=seed)
        fit = d.fit_erfc(X, c, T)
        assert fit.D == approx(D0, rel=0.02)
        assert abs(fit.D - D0) < 4 * fit.D_stderr
        assert fit.x0 == approx(2e-6, abs=0.3e-6)
        assert fit.c_left == approx(0.1, abs=0.01) and fit.r2 > 0.99


def test_erfc_fit_instrument_broadening_correction():
    from scipy.ndimage import gaussian_filter1d

    x = np.linspace(-40e-6, 40e-6, 801)
    sigma = 5e-6
    c = gaussian_filter1d(diffusion_profile(x, T, D=D0), sigma / (x[1] - x[0]), mode="nearest")
    plain = d.fit_erfc(x, c, T)
    corrected = d.fit_erfc(x * 1e6, c, T, instrument_sigma=5.0, x_unit="um")
    assert plain.D > 1.3 * D0
    assert corrected.D == approx(D0, rel=0.01)
    assert corrected.D_apparent == approx(D0 + sigma**2 / (2 * T), rel=0.01)


def test_thin_film_and_semi_infinite_fits():
    x = np.linspace(-30e-6, 30e-6, 301)
    M = 1e-5  # source (concentration x m): peak about 0.47
    c = 0.02 + M / np.sqrt(4 * np.pi * D0 * T) * np.exp(-((x - 1e-6) ** 2) / (4 * D0 * T))
    c = c + np.random.default_rng(0).normal(0, 0.005, x.size)
    tf = d.fit_thin_film(x, c, T)
    assert tf.D == approx(D0, rel=0.03)
    assert tf.amount == approx(M, rel=0.03) and tf.x0 == approx(1e-6, abs=0.2e-6)
    depth = np.linspace(0, 40e-6, 201)
    cs = 0.05 + 0.6 * erfc(depth / (2 * np.sqrt(D0 * T))) + np.random.default_rng(1).normal(0, 0.005, depth.size)
    si = d.fit_semi_infinite(depth, cs, T)
    assert si.D == approx(D0, rel=0.03)
    assert si.c_surface == approx(0.65, abs=0.01) and si.c_bulk == approx(0.05, abs=0.01)
