"""`mixmap demo` end to end on a small set."""

import numpy as np
import pandas as pd

from mixmap.cli import main
from mixmap.demo import run_demo


def test_demo_writes_tables_and_figures(tmp_path):
    lines = []
    res = run_demo(tmp_path / "d", n_per_set=4, seed=0, progress=False, echo=lines.append)
    names = {f.name for f in res["files"]}
    assert {
        "results.csv",
        "summary.csv",
        "variance_curve.csv",
        "fig3_variance_curve.png",
        "fig5a_schmahl_histogram.png",
        "fig6_schmahl_heatmap.png",
        "fig7_correlation.png",
        "example_cutouts.png",
    } <= names
    for f in res["files"]:
        assert f.stat().st_size > 200
    table = pd.read_csv(tmp_path / "d" / "results.csv")
    assert len(table) == 12 and (table["status"] == "ok").all()
    summary = res["summary"]
    assert list(summary.index) == ["random", "partly segregated", "segregated"]
    # segregated sets spread in composition: lowest psi_P (Eq. 10)
    assert summary.loc["segregated", "psi_P"] < summary.loc["random", "psi_P"]
    assert any("psi_comb" in line for line in lines)


def test_demo_is_deterministic(tmp_path):
    r1 = run_demo(tmp_path / "1", n_per_set=3, seed=5, progress=False, echo=lambda *_: None)
    r2 = run_demo(tmp_path / "2", n_per_set=3, seed=5, progress=False, echo=lambda *_: None)
    np.testing.assert_array_equal(r1["table"]["schmahl"].to_numpy(), r2["table"]["schmahl"].to_numpy())


def test_demo_cli_rejects_tiny_sets(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--n", "1"]) == 2
    assert "at least 3" in capsys.readouterr().err
