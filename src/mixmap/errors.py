"""Exceptions raised by mixmap.

Every error a user can cause is a :class:`MixmapError`, which is a :class:`ValueError`, so
``except ValueError`` keeps working. Messages name the argument at fault and say what to pass
instead.
"""

from __future__ import annotations

__all__ = ["MixmapError", "InputError", "DataError", "FormatError"]


class MixmapError(ValueError):
    """Base class of all mixmap errors caused by the caller's input or data."""


class InputError(MixmapError):
    """An argument has the wrong type, shape, range or combination with other arguments."""


class DataError(MixmapError):
    """The data are valid arrays but cannot be analysed (empty foreground, one element only, ...)."""


class FormatError(MixmapError):
    """A file or store is unreadable, truncated, or not in the expected format."""
