"""Deprecated names kept for one release: renamed keyword arguments and renamed attributes."""

from __future__ import annotations

import functools
import warnings

from .errors import InputError

__all__ = ["renamed_keyword", "warn_renamed"]


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
