"""Violin plot of precursor fractions (mixmap.plot._precursors)."""

import numpy as np
import pandas as pd
import pytest

import mixmap
from mixmap import InputError
from precursor_tables import spots_frame


def test_violin_plot(tmp_path, rng):
    t = pd.concat(
        [spots_frame(np.clip(rng.normal(0.5, s, 80), 0, 1), sample=name) for name, s in (("a", 0.05), ("b", 0.2))],
        ignore_index=True,
    )
    res = mixmap.precursor_fractions(t, "Al2O3", "MgO", by="sample", n_boot=50, seed=0)
    fig = mixmap.plot.violin(res, path=tmp_path / "v.png", max_points=50)
    assert (tmp_path / "v.png").stat().st_size > 10_000
    ax = fig.axes[0]
    texts = [tx.get_text() for tx in ax.texts]
    assert texts[0].startswith(f"σ = {res['a'].std_pp:.1f} pp")
    assert "Al2O3" in ax.get_ylabel()
    assert any("MgO" in a.get_ylabel() for a in fig.axes[0].child_axes)
    assert "per sample shown" in ax.get_legend().get_texts()[0].get_text()
    mixmap.plot.violin(res["a"])
    with pytest.raises(InputError):
        mixmap.plot.violin(t)
    with pytest.raises(InputError, match="labels"):
        mixmap.plot.violin(res, labels=["only one"])
