"""``mixmap precursors`` command (mixmap.cli.precursors)."""

import pandas as pd
import pytest

from mixmap.cli import main
from precursor_tables import write_autoemx_csv


def test_cli(tmp_path, rng, capsys):

    for name in ("milled", "shaken"):
        d = tmp_path / name
        d.mkdir()
        write_autoemx_csv(d / "Data.csv", rng, x_sd=0.03 if name == "milled" else 0.2)
    out, fig = tmp_path / "x.csv", tmp_path / "violin.png"
    rc = main(
        [
            "precursors",
            str(tmp_path / "milled" / "Data.csv"),
            str(tmp_path / "shaken" / "Data.csv"),
            "--a",
            "Al2O3",
            "--b",
            "MgO",
            "--flags",
            "0,-1",
            "--max-error",
            "5",
            "--figure",
            str(fig),
            "--out",
            str(out),
            "--beam-energy",
            "15",
            "--density-a",
            "3.99",
            "--density-b",
            "3.58",
            "--spot-spacing",
            "1",
            "--boot",
            "50",
        ]
    )
    captured = capsys.readouterr()
    assert rc == 0
    assert "[milled] n = 54 spots (6 rejected)" in captured.out
    assert "[shaken]" in captured.out and "sigma =" in captured.out
    assert "GenerationVolumeWarning" not in captured.err and "warning: the spot spacing" in captured.err
    assert fig.exists() and set(pd.read_csv(out)["sample"]) == {"milled", "shaken"}
    rc = main(["precursors", str(tmp_path / "milled" / "Data.csv"), "--a", "Al2O3", "--b", "MgOx"])
    assert rc == 2 and "unknown element" in capsys.readouterr().err
    rc = main(
        ["precursors", str(tmp_path / "milled" / "Data.csv"), "--a", "Al2O3", "--b", "MgO", "--json", "--boot", "0"]
    )
    assert rc == 0 and '"n_spots": 58' in capsys.readouterr().out


@pytest.mark.parametrize(
    "extra, match",
    [
        (["--spot-spacing", "1"], "--spot-spacing needs --beam-energy"),
        (["--density-a", "3.99", "--density-b", "3.58"], "--density-a/--density-b need --beam-energy"),
        (["--beam-energy", "15", "--density-a", "3.99"], "pass --density-b G/CM3"),
        (["--beam-energy", "-3"], "--beam-energy must be a positive number"),
    ],
)
def test_cli_generation_flags_named(tmp_path, rng, capsys, extra, match):

    write_autoemx_csv(tmp_path / "Data.csv", rng, x_sd=0.05)
    rc = main(["precursors", str(tmp_path / "Data.csv"), "--a", "Al2O3", "--b", "MgO", "--boot", "0"] + extra)
    err = capsys.readouterr().err
    assert rc == 2 and match in err and "Traceback" not in err and "_keV" not in err


def test_cli_given_generation_size_is_labelled(tmp_path, rng, capsys):

    write_autoemx_csv(tmp_path / "Data.csv", rng, x_sd=0.05)
    rc = main(
        [
            "precursors",
            str(tmp_path / "Data.csv"),
            "--a",
            "Al2O3",
            "--b",
            "MgO",
            "--boot",
            "0",
            "--generation-size",
            "2",
            "--spot-spacing",
            "1",
        ]
    )
    cap = capsys.readouterr()
    assert rc == 0 and "X-ray generation size (given): 2 um" in cap.out and "Kanaya" not in cap.out
    assert "warning: the spot spacing (1 µm)" in cap.err
