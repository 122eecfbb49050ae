"""Result objects of mixmap.diffusion: compare by identity (==), hash and print in one short line."""

import numpy as np
import pytest
from scipy.special import erfc

from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14
X = np.linspace(-40e-6, 40e-6, 201)
C = diffusion_profile(X, T, D=D0, noise=0.01, seed=0)


def _thin_film():
    x = np.linspace(-30e-6, 30e-6, 301)
    c = 0.02 + 1e-5 / np.sqrt(4 * np.pi * D0 * T) * np.exp(-((x - 1e-6) ** 2) / (4 * D0 * T))
    return d.fit_thin_film(x, c + np.random.default_rng(0).normal(0, 0.005, x.size), T)


def _semi_infinite():
    depth = np.linspace(0, 40e-6, 201)
    cs = 0.05 + 0.6 * erfc(depth / (2 * np.sqrt(D0 * T))) + np.random.default_rng(1).normal(0, 0.005, depth.size)
    return d.fit_semi_infinite(depth, cs, T)


def _arrhenius():
    Tk = np.array([600.0, 650, 700, 750, 800]) + 273.15
    return d.fit_arrhenius(Tk, 2e-3 * np.exp(-300e3 / (8.314462618 * Tk)))


def _parabolic():
    t = np.array([1, 2, 4, 8, 16, 32.0]) * 3600
    return d.fit_parabolic(t, 50e-9 + 3e-9 * np.sqrt(t))


MAKERS = {
    "PreprocessedProfile": lambda: d.preprocess(X, C),
    "ErfcFit": lambda: d.fit_erfc(X, C, T),
    "ThinFilmFit": _thin_film,
    "SemiInfiniteFit": _semi_infinite,
    "DiffusivityResult": lambda: d.sauer_freise(X, C, T),
    "HallResult": lambda: d.hall(X, C, T),
    "MonteCarloResult": lambda: d.monte_carlo(X, C, T, n=50, levels=[0.5]),
    "ForwardFit": lambda: d.fit_forward(X, C, T, model="exp"),
    "ArrheniusFit": _arrhenius,
    "ParabolicFit": _parabolic,
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_result_eq_hash_repr(name):
    r = MAKERS[name]()
    assert type(r).__name__ == name
    assert r == r and r != MAKERS[name]()  # identity comparison (fields hold arrays)
    assert isinstance(hash(r), int) and len({r, r}) == 1
    text = repr(r)
    assert text.startswith(name + "(") and len(text) <= 300
    assert isinstance(r.to_dict(), dict)


def test_profile_is_a_deprecated_alias_of_preprocessed_profile():
    with pytest.warns(DeprecationWarning, match="PreprocessedProfile"):
        alias = d.Profile
    assert alias is d.PreprocessedProfile
    assert isinstance(d.preprocess(X, C), alias)
    assert "Profile" not in d.__all__ and "PreprocessedProfile" in d.__all__
    with pytest.raises(AttributeError):
        d.NoSuchName  # noqa: B018
