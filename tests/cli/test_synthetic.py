"""`mixmap synthetic` writes maps and truth that `mixmap analyze` reads back."""

import pandas as pd
import pytest
from skimage.io import imread

from mixmap.cli import main


def test_synthetic_then_analyze(tmp_path, capsys):
    out = tmp_path / "syn"
    rc = main(
        [
            "synthetic",
            "3",
            "--mixing",
            "0.5",
            "--d-a",
            "20",
            "--d-b",
            "20",
            "--pixel-size",
            "2",
            "--n-primary",
            "60",
            "80",
            "--out",
            str(out),
            "--seed",
            "4",
        ]
    )
    assert rc == 0
    truth = pd.read_csv(out / "truth.csv")
    assert len(truth) == 3 and "number_fraction_a" in truth
    a = imread(out / "agg0_A.png")
    assert a.ndim == 2 and set(a.ravel()) <= {0, 255}
    parts = pd.read_csv(out / "particles.csv")
    assert set(parts["id"]) == {"agg0", "agg1", "agg2"}
    capsys.readouterr()
    rc = main(
        [
            "analyze",
            str(out / "*_A.png"),
            "--pair",
            "{stem}_B.png",
            "--particles",
            "10",
            "--d-a",
            "20",
            "--d-b",
            "20",
            "--pixel-size",
            "2",
            "--out",
            str(tmp_path / "r.csv"),
        ]
    )
    assert rc == 0
    table = pd.read_csv(tmp_path / "r.csv")
    assert (table["status"] == "ok").all() and len(table) == 3


def test_synthetic_bad_mixing_is_one_line(tmp_path, capsys):
    rc = main(["synthetic", "2", "--mixing", "stirred", "--d-a", "20", "--d-b", "20", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2 and "mixing" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--spectrum-image", "--elements", "Xx", "Si"], "unknown element 'Xx'"),
        (["--d-a", "-3"], "d_a must be"),
    ],
)
def test_synthetic_bad_input_writes_nothing(tmp_path, capsys, extra, match):
    out = tmp_path / "out"
    args = ["synthetic", "2", "--d-a", "20", "--d-b", "20", "--n-primary", "10", "20", "--out", str(out)]
    rc = main(args + extra)
    err = capsys.readouterr().err
    assert rc == 2 and match in err and "Traceback" not in err
    assert not out.exists()
