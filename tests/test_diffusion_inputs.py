"""Inter-diffusion (issue 7): bad inputs, preprocessing, CSV reading, CLI and figures."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from mixmap import DataError, FormatError, InputError
from mixmap import diffusion as d
from mixmap.cli import main
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


# --- files and command line ----------------------------------------------------------------------
def test_read_profile_units_header_and_scans(tmp_path):
    c = diffusion_profile(X, T, D=D0, noise=0.01, n_scans=2, seed=4)
    f = tmp_path / "p.csv"
    pd.DataFrame({"x (um)": X * 1e6, "Co_1": c[0], "Co_2": c[1]}).to_csv(f, index=False)
    x, cc = d.read_profile(f)
    np.testing.assert_allclose(x, X, rtol=1e-12)
    assert cc.shape == (2, X.size)
    x2, c2 = d.read_profile(f, c_cols=["Co_2"], x_unit="nm")
    assert c2.shape == (X.size,) and x2[-1] == pytest.approx(40e-9, abs=0)
    g = tmp_path / "noheader.tsv"
    np.savetxt(g, np.c_[X, C], delimiter="\t")
    x3, c3 = d.read_profile(g)
    np.testing.assert_allclose(c3, C)
    bad = tmp_path / "bad.csv"
    bad.write_text("x,c\n1,0.1\n2,abc\n3,0.3\n")
    with pytest.raises((FormatError, DataError)):
        d.read_profile(bad)
    with pytest.raises(InputError, match="not found"):
        d.read_profile(f, c_cols=["Ni"])


def test_cli_diffusion(tmp_path, capsys):
    f = tmp_path / "profile.csv"
    c = diffusion_profile(X, 36_000.0, D=1e-15, noise=0.01, n_scans=3, seed=5)
    pd.DataFrame({"x_um": X * 1e6, **{f"s{i}": c[i] for i in range(3)}}).to_csv(f, index=False)
    rc = main(
        [
            "diffusion",
            str(f),
            "--time",
            "10h",
            "--mc",
            "500",
            "--figures",
            str(tmp_path / "fig"),
            "--out",
            str(tmp_path / "D.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "erfc fit: D = " in out and "95% band" in out
    assert (tmp_path / "fig" / "profile_fit.png").stat().st_size > 10_000
    assert (tmp_path / "fig" / "diffusivity.png").stat().st_size > 10_000
    table = pd.read_csv(tmp_path / "D.csv")
    mid = table[(table.c > 0.3) & (table.c < 0.7)]
    assert np.all((mid.D_low < 1e-15 * 1.3) & (mid.D_high > 1e-15 / 1.3))
    rc = main(["diffusion", str(f), "--time", "10h", "--method", "erfc", "--mc", "0", "--json"])
    assert rc == 0 and '"erfc_fit"' in capsys.readouterr().out
    assert main(["diffusion", str(f), "--time", "soon"]) == 2
    assert "cannot read the time" in capsys.readouterr().err
    assert main(["diffusion", str(tmp_path / "missing.csv"), "--time", "1h"]) == 2


def test_figures(tmp_path):
    from mixmap import plot

    c = diffusion_profile(X, T, D=D0, noise=0.01, seed=6)
    mc = d.monte_carlo(X, c, T, n=300, seed=0)
    fig = plot.profile_fit(
        X, c, fit=d.fit_erfc(X, c, T), mc=d.monte_carlo(X, c, T, method="erfc", n=100), path=tmp_path / "p.png"
    )
    assert len(fig.axes) == 2 and (tmp_path / "p.png").exists()
    fig = plot.diffusivity({"SF": mc, "forward": d.fit_forward(X, c, T)}, true_D=D0, path=tmp_path / "d.png")
    assert fig.axes[0].get_yscale() == "log"
    Tk = np.array([900.0, 1000, 1100, 1200])
    D = 1e-4 * np.exp(-250e3 / (8.314 * Tk))
    fig = plot.arrhenius(d.fit_arrhenius(Tk, D, D_err=0.1 * D), path=tmp_path / "a.png")
    assert (tmp_path / "a.png").stat().st_size > 10_000


def test_line_profile_from_a_map_and_x_jitter():
    import mixmap

    x = np.arange(200) * 0.2e-6
    img = np.tile(diffusion_profile(x - 20e-6, T, D=1e-15), (30, 1))
    img = img + np.random.default_rng(0).normal(0, 0.02, img.shape)
    lp = mixmap.line_profile(img, (15, 0), (15, 199), width=9, pixel_size=200.0)
    r = d.sauer_freise(lp, t=T, levels=[0.3, 0.5, 0.7])
    np.testing.assert_allclose(r.D, 1e-15, rtol=0.1)
    assert d.fit_erfc(lp, t=T).D == pytest.approx(1e-15, rel=0.03, abs=0)
    two = mixmap.line_profile({"A": img, "B": 1 - img}, (15, 0), (15, 199), pixel_size=200.0)
    with pytest.raises(InputError, match="holds 2 maps"):
        d.preprocess(two, None)
    # position noise widens the band
    plain = d.monte_carlo(lp, t=T, n=400, seed=0, levels=[0.5])
    jitter = d.monte_carlo(lp, t=T, n=400, seed=0, levels=[0.5], x_jitter=0.5, x_unit="um")
    assert jitter.D_high[0] - jitter.D_low[0] > 1.2 * (plain.D_high[0] - plain.D_low[0])


def test_under_resolved_transition_warns():
    c = diffusion_profile(X, T, D=1e-17, noise=0.01, seed=7)  # 2 sqrt(Dt) = 0.4 um = one grid step
    with pytest.warns(UserWarning, match="transition spans only"):
        d.preprocess(X, c)
    with pytest.warns(UserWarning, match="transition spans only"):
        assert d.fit_erfc(X, c, T).D < 1e-15  # the model fit still works


def test_cli_diffusion_negative_mc_is_an_error(tmp_path, capsys):
    f = tmp_path / "profile.csv"
    c = diffusion_profile(X, 36_000.0, D=1e-15, noise=0.01, seed=5)
    pd.DataFrame({"x_um": X * 1e6, "c": c}).to_csv(f, index=False)
    assert main(["diffusion", str(f), "--time", "10h", "--mc", "-5"]) == 2
    err = capsys.readouterr().err
    assert "--mc must be 0" in err and "Traceback" not in err


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


def test_positions_in_um_given_as_metres_warn(tmp_path, capsys):
    c = diffusion_profile(X, T, D=1e-14, noise=0.01, seed=5)
    with pytest.warns(UserWarning, match="spans 80 m.*x_unit='um'"):
        d.preprocess(X * 1e6, c)
    f = tmp_path / "p.csv"
    pd.DataFrame({"x": X * 1e6, "c": c}).to_csv(f, index=False)
    with pytest.warns(UserWarning, match="spans 80 m"):
        d.read_profile(f)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        d.read_profile(f, x_unit="um")  # no warning with the unit given
