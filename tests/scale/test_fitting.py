"""Parametric models of R(h) and their fits, Eq. 14 and Table 1 (mixmap.scale.fitting)."""

import numpy as np
import pytest
from scale.blobs import blob_maps

import mixmap
from mixmap import DataError, InputError
from mixmap.scale import correlation_models
from mixmap.scale.fitting import _model_sinc_exp


def test_fit_recovers_eq14_parameters():
    rng = np.random.default_rng(7)
    h = np.arange(0, 201, 1.0)
    true = dict(s1=5.13, s2=9.34, nu=0.86, lam=0.13)  # Table 1, KB
    R = _model_sinc_exp(h, **true) + rng.normal(0, 0.003, h.size)
    fit = mixmap.fit_correlation(h, R)
    assert fit.model_name == "sinc-exp" and fit.n_points == h.size
    assert fit.params["s1"] == pytest.approx(true["s1"], rel=0.05)
    assert fit.params["s2"] == pytest.approx(true["s2"], rel=0.05)
    assert fit.params["nu"] == pytest.approx(true["nu"], rel=0.05)
    assert fit.params["lam"] == pytest.approx(true["lam"], abs=0.02)
    assert fit.r2 > 0.99
    assert all(np.isfinite(v) and v > 0 for v in fit.stderr.values())
    np.testing.assert_allclose(fit(h), _model_sinc_exp(h, *fit.params.values()))
    d = fit.to_dict()
    assert d["model"] == "sinc-exp" and "s1_stderr" in d
    # robust to a bad extra starting value
    bad = mixmap.fit_correlation(h, R, p0=[1000.0, 0.01, 0.1, 0.99])
    assert bad.params["s2"] == pytest.approx(true["s2"], rel=0.05)


def test_fit_other_models_and_registry():
    h = np.arange(0, 80, 1.0)
    R = np.exp(-((h / 12.0) ** 1.4))
    assert mixmap.fit_correlation(h, R, "stretched-exp").params == pytest.approx({"s": 12.0, "nu": 1.4}, rel=1e-4)
    assert mixmap.fit_correlation(h, np.exp(-h / 7.0), "exp").params["s"] == pytest.approx(7.0, rel=1e-6)
    assert mixmap.fit_correlation(h, np.exp(-((h / 9.0) ** 2)), "gauss").params["s"] == pytest.approx(9.0, rel=1e-6)
    assert {"sinc-exp", "exp", "stretched-exp", "gauss"} <= set(correlation_models())
    mixmap.register_correlation_model(
        "damped-cos",
        lambda t, s, w: np.exp(-t / s) * np.cos(t / w),
        ["s", "w"],
        ([1e-6, 1e-6], [np.inf, np.inf]),
        overwrite=True,
    )
    Rc = np.exp(-h / 20.0) * np.cos(h / 6.0)
    fit = mixmap.fit_correlation(h, Rc, "damped-cos")
    assert fit.params == pytest.approx({"s": 20.0, "w": 6.0}, rel=1e-4)
    with pytest.raises(InputError, match="exists"):
        mixmap.register_correlation_model("damped-cos", lambda t, s: t, ["s"], ([0], [1]))


def test_fit_result_objects_and_nan_points(rng):
    a, b = blob_maps(rng, shape=(40, 40), p_fg=0.95)
    res = mixmap.correlation(a, b, h_max=60, pixel_size=1.5)  # far bins are empty -> NaN
    assert np.isnan(res.R[-1])
    fit = mixmap.fit_correlation(res, model="stretched-exp")
    assert fit.h_unit == "nm" and fit.n_points == int(np.isfinite(res.R).sum())
    m = mixmap.mean_correlation([res])
    assert mixmap.fit_correlation(m, model="exp").h_unit == "nm"


def test_bad_inputs_fitting(rng):
    a, b = blob_maps(rng)
    res = mixmap.correlation(a, b, h_max=5, pixel_size=1.0)
    with pytest.raises(InputError, match="unknown model"):
        mixmap.fit_correlation(res, model="bessel")
    with pytest.raises(InputError, match="same length"):
        mixmap.fit_correlation([0, 1, 2], [1, 0.5])
    with pytest.raises(DataError, match="parameters"):
        mixmap.fit_correlation([0, 1, 2], [1, 0.5, 0.2])
    with pytest.raises(InputError, match="p0"):
        mixmap.fit_correlation(np.arange(10), np.exp(-np.arange(10)), "exp", p0=[1, 2])
    with pytest.raises(InputError, match="p0 must be 1 numbers"):
        mixmap.fit_correlation(np.arange(10), np.exp(-np.arange(10)), "exp", p0=["z"])
    with pytest.raises(InputError, match="p0 must lie within the bounds"):
        mixmap.fit_correlation(np.arange(10), np.exp(-np.arange(10)), "sinc-exp", p0=[1, 1, 3.0, 0.5])
    with pytest.raises(InputError, match="bounds"):
        mixmap.register_correlation_model("m1", lambda t, s: t, ["s"], ([1], [0]))
    with pytest.raises(InputError, match="callable"):
        mixmap.register_correlation_model("m2", "f", ["s"], ([0], [1]))
