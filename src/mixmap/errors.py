"""Exceptions raised by mixmap.

Every error a user can cause is a :class:`MixmapError`, which is a :class:`ValueError`, so
``except ValueError`` keeps working. Messages name the argument at fault and say what to pass
instead.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["MixmapError", "InputError", "DataError", "FormatError"]


class MixmapError(ValueError):
    """Base class of all mixmap errors caused by the caller's input or data."""


class InputError(MixmapError):
    """An argument has the wrong type, shape, range or combination with other arguments."""


class DataError(MixmapError):
    """The data are valid arrays but cannot be analysed (empty foreground, one element only, ...)."""


class FormatError(MixmapError):
    """A file or store is unreadable, truncated, or not in the expected format."""


def check_number(name: str, value, *, allow_zero: bool = False, optional: bool = False, unit: str = ""):
    """``value`` as a float that is finite and > 0 (>= 0 with ``allow_zero``); None passes through
    when ``optional``. Bools and strings are not numbers. Raises :class:`InputError` naming
    ``name`` (and ``unit``) otherwise."""
    u = f" ({unit})" if unit else ""
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
