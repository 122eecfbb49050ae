"""``mixmap correlation`` (alias ``correlate``): parse, one call of mixmap.correlation_study, format."""

import numpy as np
import pytest
from scale.blobs import blob_maps

import mixmap


def test_cli_correlation(tmp_path, rng, capsys):
    from mixmap.cli import main

    paths = []
    for i in range(2):
        a, b = blob_maps(rng, (30, 34), p_fg=0.95)
        np.save(tmp_path / f"a{i}.npy", a)
        np.save(tmp_path / f"b{i}.npy", b)
        paths += [str(tmp_path / f"a{i}.npy"), str(tmp_path / f"b{i}.npy")]
    out = tmp_path / "res" / "corr.csv"
    rc = main(["correlation", *paths, "--pixel-size", "2", "--h-max", "10", "--smooth", "1", "--out", str(out)])
    assert rc == 0
    import pandas as pd

    df = pd.read_csv(out)
    assert len(df) == 22 and {"group", "h", "h_nm", "R", "n_pairs", "R_smooth"} <= set(df.columns)
    a0, b0 = np.load(paths[0]), np.load(paths[1])
    np.testing.assert_allclose(df.R[:11], mixmap.correlation(a0, b0, h_max=10).R)
    assert (tmp_path / "res" / "corr_mean.csv").exists() and (tmp_path / "res" / "corr.png").exists()
    text = capsys.readouterr().out
    assert "integral scale" in text and "fit sinc-exp" in text
    # a list file with groups, the sampled method, JSON output
    (tmp_path / "list.csv").write_text("a,b,group\na0.npy,b0.npy,G1\na1.npy,b1.npy,G2\n")
    rc = main(
        [
            "correlation",
            "--list",
            str(tmp_path / "list.csv"),
            "--method",
            "pairs",
            "--n-pairs",
            "300",
            "--h-max",
            "6",
            "--model",
            "exp",
            "--json",
            "--out",
            str(tmp_path / "j.csv"),
        ]
    )
    assert rc == 0
    import json

    text = capsys.readouterr().out
    summary = json.loads(text[: text.rindex("}") + 1])
    assert [g["group"] for g in summary["groups"]] == ["G1", "G2"] and summary["groups"][0]["model"] == "exp"


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["x.npy"], "pairs"),
        ([], "no maps"),
        (["A", "B", "--model", "bessel"], "unknown"),
        (["A", "B", "--n-pairs", "10"], "--method pairs"),
        (["A", "B", "--direction", "a:b"], "direction"),
        (["A", "B", "--memory-budget", "0"], "memory-budget"),
        (["A", "B", "--h-max", "0"], "h_max"),
    ],
)
def test_cli_bad_input(tmp_path, rng, capsys, argv, msg):
    from mixmap.cli import main

    a, b = blob_maps(rng)
    np.save(tmp_path / "A.npy", a)
    np.save(tmp_path / "B.npy", b)
    argv = [str(tmp_path / f"{v}.npy") if v in ("A", "B") else v for v in argv]
    rc = main(["correlation", *argv, "--out", str(tmp_path / "o.csv")])
    assert rc == 2
    assert msg in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_cli_correlate_fresh_interpreter(tmp_path, rng):
    """The old name ``correlate`` (an alias) in a fresh process (mixmap.scale not imported beforehand)."""
    import subprocess
    import sys

    a, b = blob_maps(rng, (24, 26), p_fg=0.95)
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    code = "import sys; from mixmap.cli import main; sys.exit(main(sys.argv[1:]))"
    base = [
        sys.executable,
        "-c",
        code,
        "correlate",
        str(tmp_path / "a.npy"),
        str(tmp_path / "b.npy"),
        "--h-max",
        "5",
        "--out",
        str(tmp_path / "c.csv"),
    ]
    ok = subprocess.run(base, capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "c.csv").exists() and "integral scale" in ok.stdout
    bad = subprocess.run(base + ["--model", "bessel"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "--model 'bessel'" in bad.stderr
