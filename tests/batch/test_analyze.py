"""mixmap.analyze options, progress bar, and the figures drawn from its table."""

import numpy as np
import pandas as pd
import pytest
from batch_maps import KW, make_maps

import mixmap


def test_progress_bar(store, capsys):
    mixmap.analyze(store[0], progress=True, **KW)
    assert "8/8" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_particles": 0}, "n_particles"),
        ({"n_samples": 1}, "n_samples"),
        ({"particle_area_px": None}, "exactly one"),
        ({"scheduler": "gpu"}, "scheduler"),
        ({"workers": 0}, "workers"),
        ({"workers": 1.5}, "workers"),
        ({"window": 0}, "window"),
        ({"batch_size": True}, "batch_size"),
        ({"out": "results.xlsx"}, "out"),
        ({"groups": ["a"]}, "labels"),
        ({"groups": "("}, "regular expression"),
        ({"groups": "zzz"}, "matches no part"),
        ({"label": "yes"}, "label"),
        ({"correlation": 5}, "correlation"),
    ],
)
def test_bad_options(kwargs, match):
    maps = make_maps(2)
    with pytest.raises(mixmap.InputError, match=match):
        mixmap.analyze(maps, **{**KW, **kwargs})


def test_figures(tmp_path, reference):
    import matplotlib

    fig = mixmap.plot.schmahl_histogram(reference, path=tmp_path / "h.png")
    assert isinstance(fig, matplotlib.figure.Figure) and (tmp_path / "h.png").stat().st_size > 1000
    fig2 = mixmap.plot.schmahl_heatmap(reference, path=tmp_path / "m.png")
    assert len(fig2.axes) == 3 and (tmp_path / "m.png").exists()  # 2 groups + colour bar
    # the group means are marked
    x, y = fig2.axes[0].lines[0].get_data()
    ok = reference[reference["group"] == "C65"]
    assert x[0] == pytest.approx(ok["P"].mean()) and y[0] == pytest.approx(ok["schmahl"].mean())
    with pytest.raises(mixmap.InputError, match="lacks"):
        mixmap.plot.schmahl_histogram(reference.drop(columns="schmahl"))
    with pytest.raises(mixmap.DataError, match="no aggregate"):
        mixmap.plot.schmahl_heatmap(reference.assign(status="invalid"))


def test_schmahl_histogram_counts_on_integer_ticks():

    t = pd.DataFrame({"group": ["a"] * 5, "P": [0.5, 0.6, 0.7, 0.6, 0.5], "schmahl": [0.4, 0.45, 0.8, 0.85, 1.6]})
    ax = mixmap.plot.schmahl_histogram(t).axes[0]
    ticks = ax.get_yticks()
    assert np.allclose(ticks, np.round(ticks))
