"""Figures of inter-diffusion analyses (mixmap.plot._diffusion)."""

import numpy as np

from mixmap import diffusion as d
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14
X = np.linspace(-40e-6, 40e-6, 201)


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
