"""Figure 7: mean R-bar(h) per group with fitted curves (mixmap.plot.correlation)."""

import pytest
from scale.blobs import blob_maps

import mixmap
from mixmap import InputError


def _groups(rng):
    out = {}
    for name, shape, px in (("KB", (36, 40), 2.0), ("C65", (30, 30), 1.5)):
        out[name] = [mixmap.correlation(*blob_maps(rng, shape, p_fg=0.95), h_max=12, pixel_size=px) for _ in range(2)]
    return out


def test_plot_correlation(tmp_path, rng):
    groups = _groups(rng)
    path = tmp_path / "fig7.png"
    fig = mixmap.plot.correlation(groups, path=path)
    assert path.stat().st_size > 10_000
    ax = fig.axes[0]
    assert ax.get_xlabel() == "distance h (nm)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("KB (n = 2)") for t in labels) and sum("fit sinc-exp" in t for t in labels) == 2
    means = {k: mixmap.mean_correlation(v) for k, v in groups.items()}
    fits = {"KB": mixmap.fit_correlation(means["KB"], model="exp")}
    fig2 = mixmap.plot.correlation(means, fits=fits)
    labels2 = [t.get_text() for t in fig2.axes[0].get_legend().get_texts()]
    assert sum("fit exp" in t for t in labels2) == 1
    with pytest.raises(InputError, match="group"):
        mixmap.plot.correlation({"x": 3})
    with pytest.raises(InputError, match="CorrelationFit"):
        mixmap.plot.correlation(means, fits={"KB": 1.0})
    import matplotlib.pyplot as plt

    plt.close("all")
