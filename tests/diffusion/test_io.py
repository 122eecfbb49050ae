"""Reading profiles (mixmap.diffusion._io): CSV units and scans, line profiles from maps, unit warnings."""

import warnings

import numpy as np
import pandas as pd
import pytest

from mixmap import DataError, FormatError, InputError
from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14
X = np.linspace(-40e-6, 40e-6, 201)
C = diffusion_profile(X, T, D=D0, noise=0.01, seed=0)


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
