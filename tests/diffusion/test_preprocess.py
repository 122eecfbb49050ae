"""Profile preprocessing (mixmap.diffusion._preprocess) and serialisation of the results."""

import dataclasses

import numpy as np
import pytest

from mixmap import InputError
from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14
X = np.linspace(-40e-6, 40e-6, 201)
C = diffusion_profile(X, T, D=D0, noise=0.01, seed=0)


# --- preprocessing -------------------------------------------------------------------------------
def test_preprocess_averages_scans_removes_outliers_and_resamples():
    c = diffusion_profile(X, T, D=D0, noise=0.01, n_scans=3, seed=2)
    c[1, 40] += 0.3
    c[2, 150] -= 0.25
    p = d.preprocess(X * 1e6, c, x_unit="um")
    assert p.n_scans == 3 and p.x[-1] == pytest.approx(40e-6)
    assert {(1, 40), (2, 150)} <= {tuple(v) for v in p.outliers}
    assert p.n_outliers <= 4
    assert p.sigma == pytest.approx(0.01 / np.sqrt(3), rel=0.3)
    assert abs(p.c[40] - np.mean(c[[0, 2], 40])) < 1e-12  # the outlier is left out of the mean
    # non-uniform input is resampled to a uniform grid with the same number of points
    xn = np.sort(np.r_[X[::2], X[1::2][::3] + 1e-8])
    pn = d.preprocess(xn, diffusion_profile(xn, T, D=D0))
    assert np.allclose(np.diff(pn.x), pn.dx) and pn.x.size == xn.size
    pg = d.preprocess(X, C, grid=101)
    assert pg.x.size == 101
    with pytest.raises(InputError, match="outside the data"):
        d.preprocess(X, C, grid=np.linspace(-50e-6, 10e-6, 50))


def test_outliers_do_not_bias_D():
    levels = np.linspace(0.2, 0.8, 7)
    c = diffusion_profile(X, T, D=D0, noise=0.005, seed=3)
    spiky = c.copy()
    spiky[[30, 90, 120, 170]] += [0.2, -0.15, 0.2, -0.3]
    ref = d.sauer_freise(X, c, T, levels=levels)
    got = d.sauer_freise(X, spiky, T, levels=levels)
    np.testing.assert_allclose(got.D, ref.D, rtol=0.03)
    raw = d.sauer_freise(X, spiky, T, levels=levels, outlier_sigma=None)
    assert np.max(np.abs(raw.D / ref.D - 1)) > 0.03


def test_result_objects_serialise():
    mc = d.monte_carlo(X, C, T, n=200, seed=0)
    row = mc.to_frame()
    assert list(row.columns) == ["c", "D", "D_median", "D_low", "D_high", "valid"]
    assert mc.to_dict()["n"] == 200
    assert set(d.fit_erfc(X, C, T).to_dict()) >= {"D", "D_stderr", "x0", "c_left", "c_right", "r2"}
    assert d.preprocess(X, C).to_dict()["n_points"] == X.size
    mce = d.monte_carlo(X, C, T, method="erfc", n=100, seed=0)
    assert "x0_low" in mce.to_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        mc.n = 3  # frozen


def test_parabolic_to_dict_is_plain_json():
    import json

    t = np.array([1.0, 4.0, 9.0, 16.0]) * 3600
    r = d.fit_parabolic(t, 2e-9 * np.sqrt(t) + 1e-8).to_dict()
    assert all(type(v) is float for v in r["ci"])
    json.dumps({k: v for k, v in r.items() if not isinstance(v, (list, np.ndarray)) or k == "ci"})


def test_mc_erfc_to_dict_keeps_the_D_band_of_the_result():
    c = diffusion_profile(X, T, D=1e-14, noise=0.02, seed=4)
    mc = d.monte_carlo(X, c, T, method="erfc", n=200, seed=0)
    r = mc.to_dict()
    assert r["D_low"] == mc.D_low.tolist() and r["D_high"] == mc.D_high.tolist()
    assert r["D_median"] == mc.D_median.tolist()
    assert r["x0_low"] < r["x0_median"] < r["x0_high"] and "c_left_median" in r
