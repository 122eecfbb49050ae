"""Chemical formula parser and molar masses (mixmap.chemistry.formula)."""

import pytest

from mixmap import InputError
from mixmap.chemistry.formula import formula_mass, parse_formula


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("Al2O3", {"Al": 2, "O": 3}),
        ("Ca(OH)2", {"Ca": 1, "O": 2, "H": 2}),
        ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}),
        ("Ca10(PO4)6(OH)2", {"Ca": 10, "P": 6, "O": 26, "H": 2}),
        ("Fe((CO)2)3", {"Fe": 1, "C": 6, "O": 6}),
        ("CuSO4·5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
        ("MgSO4*7H2O", {"Mg": 1, "S": 1, "O": 11, "H": 14}),
        ("CaSO4•0.5H2O", {"Ca": 1, "S": 1, "O": 4.5, "H": 1}),
        ("Li0.5Mn2O4", {"Li": 0.5, "Mn": 2, "O": 4}),
        ("La.7Sr.3MnO3", {"La": 0.7, "Sr": 0.3, "Mn": 1, "O": 3}),
        (" Al2 O3 ", {"Al": 2, "O": 3}),
        ("CO", {"C": 1, "O": 1}),
        ("Co", {"Co": 1}),
        ({"Mg": 1, "O": 1}, {"Mg": 1, "O": 1}),
    ],
)
def test_parse_formula(formula, expected):
    got = parse_formula(formula)
    assert got == pytest.approx({k: float(v) for k, v in expected.items()})
    assert list(got) == list(expected)  # order of first appearance


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "Xx2",
        "Ca(OH",
        "CaOH)2",
        "()",
        "Fe3+",
        "co",
        "O0",
        "Al2O3·",
        "H2O·xH2O",
        "CuSO4.5H2O",
        "Al-2O3",
        42,
        {"Qq": 1},
        {"Mg": 0},
        {},
    ],
)
def test_parse_formula_rejects(bad):
    with pytest.raises(InputError):
        parse_formula(bad)


def test_formula_mass_uses_standard_atomic_weights():
    assert formula_mass("Al2O3") == pytest.approx(101.961, abs=2e-3)
    assert formula_mass("CuSO4·5H2O") == pytest.approx(249.68, abs=0.01)
