"""Spot-table I/O: AutoEMXSp and generic CSV exports (mixmap.precursors.spots)."""

import numpy as np
import pandas as pd
import pytest

import mixmap
from mixmap import DataError, FormatError, InputError
from precursor_tables import mixture_atomic, write_autoemx_csv


def test_read_autoemx_table(tmp_path, rng):
    p = tmp_path / "Al2O3_MgO" / "Data.csv"
    p.parent.mkdir()
    write_autoemx_csv(p, rng)
    t = mixmap.read_spot_table(p)
    assert list(t.columns[:8]) == [
        "spot",
        "particle",
        "frame",
        "spot_x",
        "spot_y",
        "quant_flag",
        "analytical_error",
        "O_at%",
    ]
    assert [c for c in t.columns if c.endswith("%")] == [
        "O_at%",
        "Mg_at%",
        "Al_at%",
        "O_w%",
        "Mg_w%",
        "Al_w%",
    ]  # ordered by Z
    assert len(t) == 60
    assert t.loc[[20, 41], "Al_at%"].isna().all()
    assert t["quant_flag"].iloc[20] == 3
    assert "Spectrum" not in t and "Comments" not in t
    # lossless round trip through precursor_fractions
    r1 = mixmap.precursor_fractions(t, "Al2O3", "MgO", seed=1)
    r2 = mixmap.precursor_fractions(pd.read_csv(p), "Al2O3", "MgO", seed=1)
    np.testing.assert_allclose(r1.x, r2.x)


@pytest.mark.parametrize(
    "names, basis",
    [
        (("Al", "Mg", "O"), "atomic"),
        (("Al (at%)", "Mg (at%)", "O (at%)"), "atomic"),
        (("Al at.%", "Mg at.%", "O at.%"), "atomic"),
        (("Al_wt%", "Mg_wt%", "O_wt%"), "mass"),
        (("Al (wt.%)", "Mg (wt.%)", "O (wt.%)"), "mass"),
        (("Al_mass%", "Mg_mass%", "O_mass%"), "mass"),
    ],
)
def test_generic_columns_and_bases(tmp_path, names, basis):
    x = np.array([0.2, 0.5, 0.8])
    at = mixture_atomic(x)
    wts = np.array([26.9815384, 24.305, 15.999])
    vals = at if basis == "atomic" else 100 * at * wts / (at * wts).sum(axis=1, keepdims=True)
    df = pd.DataFrame(vals / 100, columns=list(names))  # fractions: renormalised anyway
    df.insert(0, "Sample", "s1")
    p = tmp_path / "generic.csv"
    df.to_csv(p, sep=";", index=False)
    t = mixmap.read_spot_table(p)
    assert (t["sample"] == "s1").all()
    for b in ("atomic", "mass"):
        r = mixmap.precursor_fractions(t, "Al2O3", "MgO", basis=b, n_boot=0)
        np.testing.assert_allclose(r.x, x, atol=1e-9)


def test_bad_tables(tmp_path):
    p = tmp_path / "t.csv"
    pd.DataFrame({"spot": [1, 2], "counts": [3, 4]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="no element composition columns"):
        mixmap.read_spot_table(p)
    pd.DataFrame({"Al_at%": [1.0], "Al (at%)": [1.0]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="both hold Al"):
        mixmap.read_spot_table(p)
    pd.DataFrame({"Al_at%": [1.0, "n/a?"], "O_at%": [1.0, 2.0]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="non-numeric"):
        mixmap.read_spot_table(p)
    pd.DataFrame({"Al_at%": [1.0], "O_at%": [1.0], "O_w%": [1.0]}).to_csv(p, index=False)
    with pytest.raises(FormatError, match="not both"):
        mixmap.read_spot_table(p)
    with pytest.raises(FileNotFoundError):
        mixmap.read_spot_table(tmp_path / "missing.csv")
    # the precursor element Mg is not in the table
    t = pd.DataFrame({"Al_at%": [40.0], "O_at%": [60.0]})
    with pytest.raises(DataError, match=r"\['Mg'\]"):
        mixmap.precursor_fractions(t, "Al2O3", "MgO")
    with pytest.raises(InputError, match="DataFrame"):
        mixmap.precursor_fractions(np.zeros((3, 3)), "Al2O3", "MgO")


def test_semicolon_decimal_comma_table(tmp_path):
    p = tmp_path / "eu.csv"
    p.write_text(
        "Spectrum #;Al_at%;Mg_at%;O_at%;Quant_flag\n0;30,5;10,2;59,3;0\n1;20,0;25,0;55,0;0\n", encoding="utf-8"
    )
    t = mixmap.read_spot_table(p)
    assert t["Al_at%"].tolist() == [30.5, 20.0]
    p.write_text("Al_at%;O_at%\n1,0;abc\n", encoding="utf-8")
    with pytest.raises(FormatError, match="eu.csv: column 'O_at%' has non-numeric"):
        mixmap.read_spot_table(p)


def test_bare_basis_is_checked(tmp_path):
    p = tmp_path / "t.csv"
    pd.DataFrame({"Al": [40.0], "O": [60.0]}).to_csv(p, index=False)
    with pytest.raises(InputError, match="bare must be one of 'atomic', 'mass', got 'volume'"):
        mixmap.read_spot_table(p, bare="volume")
