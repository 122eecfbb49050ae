"""One validation layer for every public function: numbers, integers, probabilities, choices, maps.

Each check returns the cleaned value or raises :class:`mixmap.InputError` whose message names the
argument and says what to pass instead. One wording per kind of check, so users see the same
sentence wherever they make the same mistake.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from .errors import InputError

__all__ = [
    "check_number",
    "check_integer",
    "check_confidence",
    "check_probability",
    "check_choice",
    "check_bool",
    "as_map",
    "check_map_pair",
]


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def check_number(name: str, value, *, allow_zero: bool = False, optional: bool = False, unit: str = ""):
    """``value`` as a finite float > 0 (>= 0 with ``allow_zero``).

    ``None`` passes through when ``optional``. Bools and strings are not numbers.

    Raises
    ------
    InputError
        Naming ``name`` (and ``unit``) otherwise.
    """
    u = _unit(unit)
    kind = "non-negative" if allow_zero else "positive"
    if value is None:
        if optional:
            return None
        raise InputError(f"{name} is required{u}")
    try:
        if isinstance(value, (bool, np.bool_, str, bytes)):
            raise TypeError
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a {kind} number{u}, got {value!r}") from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise InputError(f"{name} must be a {kind} finite number{u}, got {value!r}")
    return v


def check_integer(
    name: str, value, *, minimum: int | None = None, maximum: int | None = None, optional: bool = False, why: str = ""
) -> int | None:
    """``value`` as a Python int within ``[minimum, maximum]``.

    Accepts Python and NumPy integers (and integral floats such as ``1e3``); bools, strings and
    fractional numbers are refused. ``why`` is appended to the message (e.g. the equation that
    needs the bound).
    """
    reason = f" ({why})" if why else ""
    if value is None:
        if optional:
            return None
        raise InputError(f"{name} is required: pass an integer{reason}")
    if isinstance(value, (bool, np.bool_, str, bytes)):
        v = None
    else:
        try:
            v = operator.index(value)
        except TypeError:
            v = int(value) if isinstance(value, (float, np.floating)) and float(value).is_integer() else None
    if v is None:
        raise InputError(f"{name} must be an integer{_range(minimum, maximum)}{reason}, got {value!r}")
    if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
        raise InputError(f"{name} must be an integer{_range(minimum, maximum)}{reason}, got {value!r}")
    return int(v)


def _range(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f" between {minimum} and {maximum}"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def check_probability(name: str, value, *, open_low: bool = False, open_high: bool = False) -> float:
    """``value`` as a float in [0, 1] (ends excluded with ``open_low``/``open_high``)."""
    lo, hi = ("(" if open_low else "["), (")" if open_high else "]")
    msg = f"{name} must be a number in {lo}0, 1{hi}"
    try:
        if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
            raise TypeError
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{msg}, got {value!r}") from None
    if not (math.isfinite(v) and (v > 0 if open_low else v >= 0) and (v < 1 if open_high else v <= 1)):
        raise InputError(f"{msg}, got {value!r}")
    return v


def check_confidence(value, name: str = "confidence") -> float:
    """A confidence level in (0, 1), e.g. 0.95 (never 95)."""
    try:
        return check_probability(name, value, open_low=True, open_high=True)
    except InputError:
        hint = " - pass a fraction such as 0.95, not a percentage" if _is_percent(value) else ", e.g. 0.95"
        raise InputError(f"{name} must be a number in (0, 1){hint}, got {value!r}") from None


def _is_percent(value) -> bool:
    try:
        return not isinstance(value, (bool, str)) and 1 < float(value) < 100
    except (TypeError, ValueError):
        return False


def check_choice(name: str, value, choices, *, flag: str | None = None):
    """``value`` if it is one of ``choices``; the message lists them (and the CLI ``flag``)."""
    opts = tuple(choices)
    try:
        ok = value in opts
    except TypeError:  # unhashable or odd comparison
        ok = False
    if not ok:
        listed = ", ".join(repr(c) for c in opts)
        where = f" ({flag})" if flag else ""
        raise InputError(f"{name}{where} must be one of {listed}, got {value!r}")
    return value


def check_bool(name: str, value) -> bool:
    """``value`` as a bool; only True/False (and NumPy bools) are accepted."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InputError(f"{name} must be True or False, got {value!r}")


def as_map(m, name: str, *, allow_negative: bool = False, before: str = "the analysis") -> np.ndarray:
    """``m`` as a 2-D bool or numeric array with finite values (>= 0 unless ``allow_negative``).

    No copy is made. ``before`` names the step in the hint about NaN pixels.
    """
    try:
        arr = np.asarray(m)
    except Exception as exc:  # noqa: BLE001 - anything unconvertible is the caller's mistake
        raise InputError(f"{name} must be a 2-D array, got {type(m).__name__}") from exc
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        raise InputError(
            f"{name} is an RGB(A) image of shape {arr.shape}; split a composite with "
            f"mixmap.read_composite(path, channels=...) and pass one element map"
        )
    if arr.ndim != 2:
        raise InputError(f"{name} must be a 2-D map, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise InputError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind not in "iuf":
        raise InputError(f"{name} must hold bool or numeric values, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise InputError(
            f"{name} contains {bad} NaN/inf pixel(s); replace them (e.g. np.nan_to_num) or mask "
            f"them as background (0) before {before}"
        )
    if not allow_negative and arr.min() < 0:
        raise InputError(
            f"{name} contains negative values (min {arr.min()}); element maps must be counts or "
            f"intensities >= 0 - subtract the background with clipping yourself if intended"
        )
    return arr


def check_map_pair(a, b, *, names=("a", "b")):
    """Validate two element maps (2-D, equal shape, bool or finite non-negative numbers).

    Returns the two arrays without copying or converting them.
    """
    A = as_map(a, names[0])
    B = as_map(b, names[1])
    if A.shape != B.shape:
        raise InputError(
            f"{names[0]} and {names[1]} must have the same shape, got {A.shape} and {B.shape}; "
            f"crop or resample them to the same field of view"
        )
    return A, B
