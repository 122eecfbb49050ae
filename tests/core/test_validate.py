"""The shared validation layer: one wording per check, only InputError for bad input (hypothesis)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixmap import InputError
from mixmap._validate import (
    as_map,
    check_bool,
    check_choice,
    check_confidence,
    check_integer,
    check_map_pair,
    check_number,
    check_probability,
)

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=3),
    st.tuples(st.floats(), st.floats()),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(ANYTHING)
def test_number_checks_raise_only_input_error(v):
    for fn in (
        lambda x: check_number("n", x),
        lambda x: check_number("n", x, allow_zero=True),
        lambda x: check_integer("k", x, minimum=1),
        lambda x: check_probability("p", x),
        lambda x: check_confidence(x),
        lambda x: check_bool("flag", x),
        lambda x: check_choice("mode", x, ("a", "b")),
    ):
        try:
            out = fn(v)
        except InputError as exc:
            assert str(exc).split()[0] in {"n", "k", "p", "confidence", "flag", "mode"}  # names the argument
        else:
            assert out is not None


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=1e-300, max_value=1e300))
def test_positive_numbers_pass_unchanged(v):
    assert check_number("x", v) == v


def test_number_wording():
    with pytest.raises(InputError, match=r"pixel_size must be a positive number \(nm\), got '1'"):
        check_number("pixel_size", "1", unit="nm")
    with pytest.raises(InputError, match="non-negative finite"):
        check_number("sigma", -1.0, allow_zero=True)
    with pytest.raises(InputError, match="required"):
        check_number("sigma", None)
    assert check_number("sigma", None, optional=True) is None
    assert check_number("sigma", 0, allow_zero=True) == 0.0
    with pytest.raises(InputError):
        check_number("x", True)
    with pytest.raises(InputError):
        check_number("x", math.inf)


def test_integer():
    assert check_integer("n", np.int64(5), minimum=2) == 5
    assert check_integer("n", 1e3) == 1000
    assert check_integer("n", None, optional=True) is None
    for bad in (True, 2.5, "3", [1]):
        with pytest.raises(InputError, match="n must be an integer"):
            check_integer("n", bad)
    with pytest.raises(InputError, match="n is required: pass an integer"):
        check_integer("n", None)
    with pytest.raises(InputError, match=r"n_samples must be an integer >= 2 \(Eq. 1 divides by n - 1\), got 1"):
        check_integer("n_samples", 1, minimum=2, why="Eq. 1 divides by n - 1")
    with pytest.raises(InputError, match="between 1 and 3"):
        check_integer("k", 4, minimum=1, maximum=3)


def test_confidence_and_probability():
    assert check_confidence(0.95) == 0.95
    with pytest.raises(InputError, match="not a percentage"):
        check_confidence(95)
    for bad in (0, 1, "0.9", None, float("nan"), True):
        with pytest.raises(InputError, match=r"confidence must be a number in \(0, 1\)"):
            check_confidence(bad)
    assert check_probability("p", 0) == 0.0 and check_probability("p", 1) == 1.0
    with pytest.raises(InputError, match=r"\(0, 1\]"):
        check_probability("p", 0, open_low=True)


def test_choice_and_bool():
    assert check_choice("method", "otsu", ("otsu", "li")) == "otsu"
    with pytest.raises(InputError, match=r"method \(--method\) must be one of 'otsu', 'li', got 'x'"):
        check_choice("method", "x", ("otsu", "li"), flag="--method")
    with pytest.raises(InputError):
        check_choice("method", ["unhashable"], ("otsu",))
    assert check_bool("f", np.True_) is True
    with pytest.raises(InputError, match="True or False"):
        check_bool("f", 1)


def test_maps():
    a = np.zeros((4, 5), bool)
    assert as_map(a, "a") is a
    with pytest.raises(InputError, match="RGB"):
        as_map(np.zeros((4, 4, 3)), "a")
    with pytest.raises(InputError, match="NaN/inf"):
        as_map(np.full((2, 2), np.nan), "a")
    with pytest.raises(InputError, match="negative"):
        as_map(-np.ones((2, 2)), "a")
    assert as_map(-np.ones((2, 2)), "a", allow_negative=True).min() == -1
    with pytest.raises(InputError, match="same shape"):
        check_map_pair(a, np.zeros((5, 4), bool))
    with pytest.raises(InputError, match="dtype"):
        as_map(np.array([["x"]]), "a")
