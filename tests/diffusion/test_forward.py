"""Forward solver (mixmap.diffusion._forward): simulate against exact solutions; fit_forward recovers D(C)."""

import numpy as np
from scipy.integrate import trapezoid
import pytest
from scipy.special import erfc

from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile
from naive import (
    naive_explicit_diffuse,
)

T = 3600.0
D0 = 1e-14


def approx(expected, **kw):
    """pytest.approx without its default absolute tolerance of 1e-12 (D values are ~1e-14 m^2/s)."""
    kw.setdefault("abs", 0.0)
    return pytest.approx(expected, **kw)


def _exp_D(c):
    return D0 * np.exp(2.0 * (c - 0.5))


X_WIDE = np.linspace(-60e-6, 60e-6, 481)


@pytest.fixture(scope="module")
def dc_profile():
    """Clean profile with D(c) = D0 exp(2(c - 1/2)) from the forward solver (semi-infinite domain)."""
    return diffusion_profile(X_WIDE, T, D=_exp_D)


def test_simulate_matches_analytic_erfc_and_conserves_mass():
    x = np.linspace(-60e-6, 60e-6, 481)
    c0 = np.where(x < 0, 0.2, 0.9)
    c0[240] = 0.55
    exact = 0.2 + 0.35 * erfc(-x / (2 * np.sqrt(D0 * T)))
    for scheme, tol in (("crank-nicolson", 1e-4), ("implicit", 2e-3)):
        c = d.simulate(x, c0, D0, T, scheme=scheme)
        assert np.abs(c - exact).max() < tol, scheme
        assert trapezoid(c, x) == approx(trapezoid(c0, x), rel=1e-12)
    # several output times at once, D as a table
    cs = d.simulate(x, c0, ([0.0, 1.0], [D0, D0]), [T / 4, T])
    assert cs.shape == (2, x.size)
    np.testing.assert_allclose(cs[1], exact, atol=1e-4)
    np.testing.assert_allclose(cs[0], 0.2 + 0.35 * erfc(-x / (2 * np.sqrt(D0 * T / 4))), atol=2e-4)


def test_simulate_matches_explicit_numpy_for_D_of_c():
    x = np.linspace(-40e-6, 40e-6, 161)
    c0 = np.where(x < 0, 0.0, 1.0)
    c = d.simulate(x, c0, _exp_D, T / 4)
    ref = naive_explicit_diffuse(x, c0, _exp_D, T / 4)
    assert np.abs(c - ref).max() < 2e-3


def test_D_of_c_recovered_within_10_percent(dc_profile):
    rng = np.random.default_rng(21)
    central = np.linspace(0.2, 0.8, 13)
    for noise in (0.0, 0.005):
        c = dc_profile + rng.normal(0, noise, dc_profile.size) if noise else dc_profile
        for fn in (d.sauer_freise, d.boltzmann_matano):
            r = fn(X_WIDE, c, T, levels=central)
            np.testing.assert_allclose(r.D, _exp_D(central), rtol=0.10 if noise else 0.02)
    c = dc_profile + rng.normal(0, 0.005, dc_profile.size)
    mc = d.monte_carlo(X_WIDE, c, T, n=1000, seed=3, levels=central)
    np.testing.assert_allclose(mc.D_median, _exp_D(central), rtol=0.10)
    ff = d.fit_forward(X_WIDE, c, T, model="exp")
    np.testing.assert_allclose(ff.D_of(central), _exp_D(central), rtol=0.05)
    assert np.all((ff.D_low <= ff.D) & (ff.D <= ff.D_high)) and ff.r2 > 0.999
    fp = d.fit_forward(X_WIDE, c, T, model="poly-logD", degree=2)
    np.testing.assert_allclose(fp.D_of(central), _exp_D(central), rtol=0.05)
    fk = d.fit_forward(X_WIDE, c, T, model=[0, 0.5, 1])
    np.testing.assert_allclose(fk.D_of(central), _exp_D(central), rtol=0.10)
