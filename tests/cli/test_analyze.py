"""``mixmap analyze`` and ``mixmap summary`` (src/mixmap/cli/analyze.py)."""

import pandas as pd
import pytest

import batch_maps
import mixmap
from mixmap.batch import read_results
from mixmap.cli import main

# the module-scoped fixtures of tests/batch (pytest finds fixtures among the module attributes)
store, reference, png_dir = batch_maps.store, batch_maps.reference, batch_maps.png_dir


def test_cli_analyze_and_summary(tmp_path, store, reference, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc = main(
        [
            "analyze",
            store[0],
            "--particles",
            "10",
            "--particle-area-px",
            "4",
            "--samples",
            "40",
            "--out",
            "r.csv",
            "--workers",
            "2",
            "--figures",
            "figs",
            "--max-p",
            "0.99",
        ]
    )
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "C65" in out.out and "KB" in out.out and "psi_comb" in out.out
    assert "analyze:" not in out.err and "\r" not in out.err  # no progress bar when stderr is not a terminal
    assert (tmp_path / "figs" / "schmahl_histogram.png").exists()
    assert (tmp_path / "figs" / "schmahl_heatmap.png").exists()
    t = read_results(tmp_path / "r.csv").sort_values("item").reset_index(drop=True)
    pd.testing.assert_frame_equal(t, reference)
    rc = main(["summary", "r.csv"])
    out2 = capsys.readouterr().out
    assert rc == 0
    s = mixmap.inter_mixing(reference)
    assert f"{s.loc['KB', 'psi_P']:.3f}" in out2 and f"{s.loc['C65', 'psi_comb']:.3f}" in out2


@pytest.mark.parametrize(
    "argv, match",
    [
        (["a.png"], "pairs"),
        (["maps/*_C.png", "x.png"], "pattern"),
        (["x.zarr", "y.png"], "only input"),
        (["a_*.png", "--pair", "{stem}.png", "--channels", "C=green,Si=red"], "not both"),
        (["a.png", "--channels", "C=green"], "two elements"),
    ],
)
def test_cli_bad_inputs(argv, match, capsys):
    rc = main(["analyze", *argv, "--particles", "25", "--particle-area-px", "4"])
    assert rc == 2 and match in capsys.readouterr().err


def test_cli_summary_missing_file(tmp_path, capsys):
    assert main(["summary", str(tmp_path / "none.parquet")]) == 2
    assert "no results" in capsys.readouterr().err


def test_cli_on_png_files(png_dir, tmp_path, capsys, monkeypatch):
    d, _ = png_dir
    monkeypatch.chdir(tmp_path)
    rc = main(
        [
            "analyze",
            str(d / "*_C.png"),
            "--pair",
            "{stem}_Si.png",
            "--group-by",
            "(C65|KB)_",
            "--particles",
            "10",
            "--particle-area-px",
            "4",
            "--samples",
            "40",
            "--out",
            "res.parquet",
        ]
    )
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    assert "6 aggregates: 4 ok, 2 not analysed" in cap.out and "unreadable" in cap.err
    assert (tmp_path / "res.parquet").exists() and len(read_results(tmp_path / "res.parquet")) == 6
    # pairs given explicitly
    rc = main(
        [
            "analyze",
            str(d / "C65_map0_C.png"),
            str(d / "C65_map0_Si.png"),
            str(d / "C65_map1_C.png"),
            str(d / "C65_map1_Si.png"),
            "--particles",
            "10",
            "--particle-area-px",
            "4",
            "--out",
            "p.csv",
        ]
    )
    assert rc == 0 and "2 aggregates: 2 ok" in capsys.readouterr().out


def test_cli_summary_names_the_results_argument(tmp_path, capsys):
    assert main(["summary", str(tmp_path / "run.txt")]) == 2
    err = capsys.readouterr().err
    assert "results must be the .parquet or .csv" in err and "Traceback" not in err
