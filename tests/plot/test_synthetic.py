"""Figures of synthetic aggregates (mixmap.plot._synthetic) and the synthetic study figure."""

import pytest

import mixmap
from mixmap.synthetic import aggregates

SMALL = dict(d_a=30.0, d_b=30.0, n_primary=(40, 70), pixel_size=3.0)


# --- study figure -----------------------------------------------------------------------------------
def test_synthetic_study_figure(tmp_path):
    import pandas as pd

    from mixmap.plot import synthetic_study

    rows, ex = [], []
    part = mixmap.Particles(30, 30, 0.25, 0.25, pixel_size=3.0)
    for mix in ("random", "segregated"):
        aggs = aggregates(4, mixing=mix, seed=1, **SMALL)
        ex.append((mix, aggs[0]))
        for i, g in enumerate(aggs):
            r = mixmap.intra_mixing(g.a, g.b, n_particles=5, particles=part, n_samples=40, seed=i)
            rows.append({"group": mix, "P": r.P, "schmahl": r.schmahl, **g.truth})
    table = pd.DataFrame(rows)
    fig = synthetic_study(table, examples=ex, highlight=("random", "segregated"), path=tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 10_000
    assert len(fig.axes) == 2 + 4  # two example maps, four panels
    with pytest.raises(mixmap.InputError, match="lacks columns"):
        synthetic_study(table.drop(columns="schmahl"))
    with pytest.raises(mixmap.InputError, match="not in table"):
        synthetic_study(table, order=["random", "stirred"])
