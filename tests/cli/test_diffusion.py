"""``mixmap diffusion`` command line."""

import numpy as np
import pandas as pd

from mixmap.cli import main
from mixmap.synthetic import diffusion_profile

T = 3600.0
D0 = 1e-14
X = np.linspace(-40e-6, 40e-6, 201)


def test_cli_diffusion(tmp_path, capsys):
    f = tmp_path / "profile.csv"
    c = diffusion_profile(X, 36_000.0, D=1e-15, noise=0.01, n_scans=3, seed=5)
    pd.DataFrame({"x_um": X * 1e6, **{f"s{i}": c[i] for i in range(3)}}).to_csv(f, index=False)
    rc = main(
        [
            "diffusion",
            str(f),
            "--time",
            "10h",
            "--mc",
            "500",
            "--figures",
            str(tmp_path / "fig"),
            "--out",
            str(tmp_path / "D.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "erfc fit: D = " in out and "95% band" in out
    assert (tmp_path / "fig" / "profile_fit.png").stat().st_size > 10_000
    assert (tmp_path / "fig" / "diffusivity.png").stat().st_size > 10_000
    table = pd.read_csv(tmp_path / "D.csv")
    mid = table[(table.c > 0.3) & (table.c < 0.7)]
    assert np.all((mid.D_low < 1e-15 * 1.3) & (mid.D_high > 1e-15 / 1.3))
    rc = main(["diffusion", str(f), "--time", "10h", "--method", "erfc", "--mc", "0", "--json"])
    assert rc == 0 and '"erfc_fit"' in capsys.readouterr().out
    assert main(["diffusion", str(f), "--time", "soon"]) == 2
    assert "cannot read the time" in capsys.readouterr().err
    assert main(["diffusion", str(tmp_path / "missing.csv"), "--time", "1h"]) == 2


def test_cli_diffusion_negative_mc_is_an_error(tmp_path, capsys):
    f = tmp_path / "profile.csv"
    c = diffusion_profile(X, 36_000.0, D=1e-15, noise=0.01, seed=5)
    pd.DataFrame({"x_um": X * 1e6, "c": c}).to_csv(f, index=False)
    assert main(["diffusion", str(f), "--time", "10h", "--mc", "-5"]) == 2
    err = capsys.readouterr().err
    assert "--mc must be 0" in err and "Traceback" not in err
