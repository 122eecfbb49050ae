"""Deprecated names of mixmap.diffusion (kept one release) and the default seed 0."""

import numpy as np
import pytest

from mixmap import InputError
from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
X = np.linspace(-40e-6, 40e-6, 201)
C = diffusion_profile(X, T, D=1e-14, noise=0.01, seed=0)
TK = np.array([600.0, 650, 700, 750, 800]) + 273.15
DT = 2e-3 * np.exp(-300e3 / (8.314462618 * TK))
TP = np.array([1, 2, 4, 8, 16, 32.0]) * 3600
LP = 50e-9 + 3e-9 * np.sqrt(TP)

CALLS = {
    "monte_carlo": lambda **kw: d.monte_carlo(X, C, T, n=50, levels=[0.5], **kw),
    "fit_arrhenius": lambda **kw: d.fit_arrhenius(TK, DT, **kw),
    "fit_parabolic": lambda **kw: d.fit_parabolic(TP, LP, **kw),
    "fit_forward": lambda **kw: d.fit_forward(X, C, T, model="exp", **kw),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_level_is_a_deprecated_alias_of_confidence(name):
    new = CALLS[name](confidence=0.9)
    with pytest.warns(DeprecationWarning, match="level"):
        old = CALLS[name](level=0.9)
    assert new.confidence == old.confidence == 0.9
    assert new.to_dict() == old.to_dict()  # same numbers
    with pytest.warns(DeprecationWarning, match="confidence"):
        assert new.level == 0.9
    with pytest.raises(InputError, match="confidence"):
        CALLS[name](confidence=0.9, level=0.9)
    with pytest.raises(InputError, match="confidence"):
        CALLS[name](confidence=95)


def test_monte_carlo_default_seed_is_reproducible():
    a = d.monte_carlo(X, C, T, n=50, levels=[0.5])
    b = d.monte_carlo(X, C, T, n=50, levels=[0.5], seed=0)
    np.testing.assert_array_equal(a.samples, b.samples)


def test_cli_methods_are_the_package_constant():
    from mixmap.cli import diffusion as cli

    assert cli.MC_METHODS is d.MC_METHODS
    assert "erfc" in d.MC_METHODS
