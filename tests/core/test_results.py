"""The result base: identity comparison, hashing, one short repr, to_dict/to_frame, HTML."""

import numpy as np
import pytest

from mixmap._results import Result, format_value, result


@result
class _Example(Result):
    P: float
    n: int
    name: str
    s2_ci: tuple
    values: np.ndarray


def _make(n=5):
    return _Example(P=0.123456789, n=3, name="x" * 100, s2_ci=(0.1, 0.2), values=np.arange(n))


def test_compare_hash_frozen():
    r, s = _make(), _make()
    assert r == r and r != s  # identity: arrays never make == raise
    assert len({r, s, r}) == 2
    with pytest.raises(AttributeError):
        r.P = 1.0


def test_repr_short_and_informative():
    r = _make(10**6)
    text = repr(r)
    assert len(text) <= 300 and text.startswith("_Example(P=0.1235, n=3")
    assert "<int64 array 1000000>" in text or "..." in text
    html = r._repr_html_()
    assert html.startswith("<table>") and "0.1235" in html


def test_to_dict_and_frame():
    r = _make()
    d = r.to_dict()
    assert d == {"P": 0.123456789, "n": 3, "name": "x" * 100, "s2_ci_low": 0.1, "s2_ci_high": 0.2}
    assert "values" in r.to_dict(arrays=True)
    f = r.to_frame()
    assert list(f.columns) == list(d) and len(f) == 1


def test_format_value():
    assert format_value(float("nan")) == "nan"
    assert format_value(np.float32(2.5)) == "2.5"
    assert format_value(None) == "None"
    assert format_value([1, 2]) == "<list of 2>"
