"""CLI end to end for `mixmap intra` and `mixmap curve` on files; user mistakes are one line, exit 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

from mixmap.cli import main


@pytest.fixture
def map_files(tmp_path, rng):
    a = rng.random((64, 64)) < 0.5
    b = ~a
    pa, pb = tmp_path / "C.npy", tmp_path / "Si.npy"
    np.save(pa, a)
    np.save(pb, b)
    return pa, pb


def test_intra_json(map_files, capsys):
    pa, pb = map_files
    rc = main(["intra", str(pa), str(pb), "--particles", "25", "--particle-area-px", "1", "--json", "--seed", "3"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["target_count"] == 25 and d["n_samples"] == 150
    assert 0.7 < d["schmahl"] < 1.3


def test_intra_text_with_sizes(map_files, capsys):
    pa, pb = map_files
    rc = main(["intra", str(pa), str(pb), "--particles", "5", "--d-a", "2", "--d-b", "2", "--pixel-size", "1"])
    out = capsys.readouterr().out
    assert rc == 0 and "Schmahl" in out and "Eq. 6" in out


def test_curve_writes_csv_and_png(map_files, tmp_path, capsys):
    pa, pb = map_files
    out = tmp_path / "res" / "curve.csv"
    rc = main(["curve", str(pa), str(pb), "--particles", "1:20:5", "--particle-area-px", "1", "--out", str(out)])
    assert rc == 0
    import pandas as pd

    df = pd.read_csv(out)
    assert list(df["n_particles"]) == [1, 6, 11, 16]
    assert out.with_suffix(".png").stat().st_size > 1000


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--particles", "5"], "particle model"),
        (["--particles", "5", "--particle-area-px", "1", "--d-a", "3"], "not both"),
        (["--particles", "5000", "--particle-area-px", "1"], "exceeds"),
    ],
)
def test_user_mistakes_are_one_line(map_files, capsys, extra, match):
    pa, pb = map_files
    rc = main(["intra", str(pa), str(pb), *extra])
    err = capsys.readouterr().err
    assert rc == 2
    assert match in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_file_is_one_line(tmp_path, capsys):
    rc = main(
        [
            "intra",
            str(tmp_path / "nope_a.png"),
            str(tmp_path / "nope_b.png"),
            "--particles",
            "5",
            "--particle-area-px",
            "1",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "nope_a.png" in err and len(err.strip().splitlines()) == 1


def test_console_script_help():
    r = subprocess.run([sys.executable, "-m", "mixmap", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for cmd in ("intra", "curve", "demo"):
        assert cmd in r.stdout
