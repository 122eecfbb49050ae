"""X-ray line records as result objects (mixmap.chemistry.xray); the line tests stay in tests/test_spectral.py."""

import mixmap
from mixmap.chemistry import XrayLine, line_table, xray_lines


def test_xray_line_record_compares_hashes_and_prints_short():
    a = mixmap.xray_line("Cu_Ka", info=True)
    b = mixmap.xray_line("Cu_Ka", info=True)
    assert isinstance(a, XrayLine)
    assert a == b and a is b  # cached table: one record per line
    assert a != mixmap.xray_line("Cu_Kb", info=True)
    assert hash(a) == hash(b)
    text = repr(a)
    assert len(text) <= 300 and text.startswith("XrayLine(name='Cu_Ka', energy=8.048")
    assert a.to_dict() == {
        "name": "Cu_Ka",
        "Z": 29,
        "element": "Cu",
        "line": "Ka",
        "family": "K",
        "iupac": a.iupac,
        "energy": 8.0478,
        "weight": a.weight,
        "source": a.source,
    }


def test_xray_lines_is_the_public_table():
    lines = xray_lines()
    assert lines["Fe_La"].element == "Fe" and len(lines) == len(line_table())
