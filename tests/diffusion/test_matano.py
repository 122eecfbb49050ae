"""Boltzmann-Matano, Sauer-Freise and Hall analyses (mixmap.diffusion._matano) recover known D."""

import numpy as np
from scipy.integrate import trapezoid
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


def test_matano_and_sauer_freise_clean_constant_D():
    c = diffusion_profile(X, T, D=D0)
    for fn in (d.sauer_freise, d.boltzmann_matano):
        r = fn(X, c, T)
        sel = (r.c > 0.1) & (r.c < 0.9)
        np.testing.assert_allclose(r.D[sel], D0, rtol=0.01)
        assert r.x_matano == approx(0.0, abs=0.05e-6)
    assert d.matano_plane(X + 3e-6, c) == approx(3e-6, abs=0.05e-6)


def test_hall_coefficient_against_direct_boltzmann_integration():
    """u = h lam + k on the whole profile: the Boltzmann integral evaluated numerically equals Hall's
    closed form with the coefficient 2 k sqrt(pi)."""
    h, k = 8.0e5, 0.3  # s^0.5/m, dimensionless
    lam = np.linspace(-4.5 / h, 4.5 / h, 400_001)
    Y = 0.5 * (1 + np.vectorize(__import__("math").erf)(h * lam + k))
    dlam_dY = 1 / np.gradient(Y, lam)
    integral = np.concatenate(([0.0], np.cumsum(0.5 * (lam[1:] + lam[:-1]) * np.diff(Y))))
    D_direct = -0.5 * dlam_dY * integral
    for ys in (0.02, 0.1, 0.3):
        i = np.searchsorted(Y, ys)
        u = h * lam[i] + k
        hall_left = (1 + 2 * k * np.sqrt(np.pi) * Y[i] * np.exp(u * u)) / (4 * h * h)
        assert D_direct[i] == approx(hall_left, rel=1e-4)
    right = 0.5 * dlam_dY * (trapezoid(lam * np.gradient(Y, lam), lam) - integral)  # from the right end
    for ys in (0.7, 0.9, 0.98):
        i = np.searchsorted(Y, ys)
        u = h * lam[i] + k
        hall_right = (1 - 2 * k * np.sqrt(np.pi) * (1 - Y[i]) * np.exp(u * u)) / (4 * h * h)
        assert right[i] == approx(hall_right, rel=1e-3)


def test_hall_recovers_constant_D_in_the_tails():
    c = diffusion_profile(X, T, D=D0)
    r = d.hall(X, c, T)
    assert np.isfinite(r.D).all() and r.D.size == 24
    np.testing.assert_allclose(r.D, D0, rtol=0.02)
    assert r.h_left == approx(1 / (2 * np.sqrt(D0)), rel=0.01) and abs(r.k_left) < 0.01
    mc = d.monte_carlo(X, diffusion_profile(X, T, D=D0, noise=0.003, seed=2), T, method="hall", n=500, seed=0)
    assert np.nanmedian(mc.D_median / D0) == approx(1.0, abs=0.1)
