"""Deprecated names kept for one release: renamed keyword arguments and renamed attributes."""

from __future__ import annotations

import functools
import warnings

from .errors import InputError

__all__ = ["renamed_attribute", "renamed_keyword", "warn_renamed"]


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Emit the one :class:`DeprecationWarning` wording for a renamed name."""
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def renamed_keyword(old: str, new: str):
    """Decorator: accept the deprecated keyword ``old=`` for one release as an alias of ``new=``.

    Passing ``old=`` emits a :class:`DeprecationWarning`; passing both raises
    :class:`mixmap.InputError`.

    Examples
    --------
    >>> @renamed_keyword("level", "confidence")
    ... def f(*, confidence=0.95):
    ...     return confidence
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     f(level=0.9)
    0.9
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if old in kwargs:
                warn_renamed(f"{fn.__name__}: {old}=", f"{new}=")
                if new in kwargs:
                    raise InputError(f"{fn.__name__}: pass either {new}= or its deprecated name {old}=, not both")
                kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return wrapper

    return decorate


class renamed_attribute:  # noqa: N801 - used like a decorator-style declaration in class bodies
    """Read-only class attribute that forwards a deprecated attribute name to its new name.

    ``level = renamed_attribute("confidence")`` in a class body makes ``obj.level`` return
    ``obj.confidence`` with a :class:`DeprecationWarning`.
    """

    def __init__(self, new: str):
        self.new = new
        self.old = ""

    def __set_name__(self, owner, name):
        self.old = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        warn_renamed(f"{type(obj).__name__}.{self.old}", f".{self.new}")
        return getattr(obj, self.new)
