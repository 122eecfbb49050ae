"""Inter-diffusion: bad inputs give clear errors (InputError/DataError naming the problem), nothing lost."""

import warnings

import numpy as np
import pytest

from mixmap import DataError, InputError
from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14
X = np.linspace(-40e-6, 40e-6, 201)
C = diffusion_profile(X, T, D=D0, noise=0.01, seed=0)


# --- bad inputs: clear errors, nothing lost -------------------------------------------------------
def test_non_monotonic_x():
    x = X.copy()
    x[[50, 51]] = x[[51, 50]]
    with pytest.raises(DataError, match="not monotonic.*sort"):
        d.sauer_freise(x, C, T)


def test_duplicate_x():
    x = X.copy()
    x[60] = x[59]
    with pytest.raises(DataError, match="duplicate positions at indices 59"):
        d.fit_erfc(x, C, T)


def test_nan_in_c_and_x():
    c = C.copy()
    c[[10, 20]] = np.nan
    with pytest.raises(DataError, match="2 NaN/inf values at indices 10, 20"):
        d.preprocess(X, c)
    x = X.copy()
    x[3] = np.inf
    with pytest.raises(DataError, match="x has 1 NaN/inf"):
        d.boltzmann_matano(x, C, T)
    assert np.isnan(c).sum() == 2  # the caller's array is untouched


def test_too_few_points_and_shape_mismatch():
    with pytest.raises(DataError, match="at least 12"):
        d.preprocess(X[:8], C[:8])
    with pytest.raises(InputError, match=r"shape \(201,\) or \(n_scans, 201\)"):
        d.preprocess(X, C[:-1])
    with pytest.raises(InputError, match="x must be a 1-D"):
        d.preprocess(np.c_[X, X], C)


def test_no_plateau_warns_with_estimate():
    x = np.linspace(-8e-6, 8e-6, 201)  # only +-0.7 erfc widths: no plateaus
    c = diffusion_profile(x, T, D=D0, noise=0.002, seed=1)
    with pytest.warns(d.PlateauWarning) as rec:
        p = d.preprocess(x, c)
    msgs = [str(w.message) for w in rec]
    assert any("plateau on the left" in m and "c_left = " in m for m in msgs)
    assert any("plateau on the right" in m and "c_right = " in m for m in msgs)
    assert not p.plateau_left and not p.plateau_right
    with pytest.warns(d.PlateauWarning):
        d.sauer_freise(x, c, T)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert d.preprocess(X, C).plateau_left  # a proper profile does not warn


def test_flat_profile_is_a_data_error():
    with pytest.raises(DataError, match="no concentration step"):
        d.preprocess(X, 0.3 + 0.01 * np.random.default_rng(0).normal(size=X.size))


def test_decreasing_x_and_descending_profile_are_accepted():
    a = d.sauer_freise(X, C, T, levels=[0.5])
    b = d.sauer_freise(X[::-1], C[::-1], T, levels=[0.5])
    assert b.D[0] == pytest.approx(a.D[0], rel=1e-12, abs=0)
    # a profile going down from left to right (mirror image) gives the same D
    m = d.sauer_freise(-X[::-1], C[::-1], T, levels=[0.5])
    assert m.D[0] == pytest.approx(a.D[0], rel=0.02, abs=0)


def test_bad_arguments():
    with pytest.raises(InputError, match="cannot read the time"):
        d.sauer_freise(X, C, "ten hours")
    with pytest.raises(InputError, match="time unit 'weeks'"):
        d.sauer_freise(X, C, "2weeks")
    with pytest.raises(InputError, match="required"):
        d.sauer_freise(X, C)
    with pytest.raises(InputError, match="x_unit='inch'"):
        d.preprocess(X, C, x_unit="inch")
    with pytest.raises(InputError, match="method="):
        d.monte_carlo(X, C, T, method="magic")
    with pytest.raises(InputError, match="strictly between the plateaus"):
        d.sauer_freise(X, C, T, levels=[0.5, 1.2])
    with pytest.raises(InputError, match="window must be odd"):
        d.preprocess(X, C, smooth=("savgol", 10, 3))
    with pytest.raises(InputError, match="tail="):
        d.hall(X, C, T, tail=(0.3, 0.6))
    with pytest.raises(InputError, match="noise must be"):
        d.monte_carlo(X, C, T, noise=np.ones(5))
    with pytest.raises(InputError, match="the D table covers"):
        d.simulate(X, np.where(X < 0, 0.0, 1.0), ([0.2, 1.0], [D0, D0]), T)
    with pytest.raises(InputError, match="strictly increasing"):
        d.simulate(X[::-1], C, D0, T)
    with pytest.raises(InputError, match="D must be positive"):
        d.simulate(X, C, lambda c: -np.ones_like(c), T)
    with pytest.raises(DataError, match="not wider than the instrument"):
        d.fit_erfc(X, C, T, instrument_sigma=50, x_unit="um")
    with pytest.raises(InputError, match="T_unit"):
        d.fit_arrhenius([900, 1000, 1100], [1e-15, 1e-14, 1e-13], T_unit="F")
    with pytest.raises(DataError, match="D must be positive"):
        d.fit_arrhenius([900, 1000, 1100], [1e-15, 0.0, 1e-13])
    with pytest.raises(DataError, match="at least 3 temperatures"):
        d.fit_arrhenius([900, 1000], [1e-15, 1e-14])
    with pytest.raises(InputError, match="above absolute zero"):
        d.fit_arrhenius([-10, 20, 30], [1e-15, 1e-14, 1e-13])
    with pytest.raises(DataError, match="at least 3 points"):
        d.fit_parabolic([1, 2], [1, 2])


def test_under_resolved_transition_warns():
    c = diffusion_profile(X, T, D=1e-17, noise=0.01, seed=7)  # 2 sqrt(Dt) = 0.4 um = one grid step
    with pytest.warns(UserWarning, match="transition spans only"):
        d.preprocess(X, c)
    with pytest.warns(UserWarning, match="transition spans only"):
        assert d.fit_erfc(X, c, T).D < 1e-15  # the model fit still works


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: d.monte_carlo(X, C, T, n=5), "n"),
        (lambda: d.monte_carlo(X, C, T, n=12.5), "n"),
        (lambda: d.monte_carlo(X, C, T, n=20, confidence=95), "confidence"),
        (lambda: d.fit_arrhenius([900.0, 950, 1000], [1e-16, 2e-16, 4e-16], confidence=1.5), "confidence"),
        (lambda: d.simulate(X, np.where(X < 0, 0.0, 1.0), 1e-14, T, n_steps=0), "n_steps"),
        (lambda: diffusion_profile(X, T, D=D0, n_scans=0), "n_scans"),
    ],
)
def test_bad_integers_and_confidences_name_the_argument(call, name):
    with pytest.raises(InputError, match=rf"^{name} must be"):
        call()
