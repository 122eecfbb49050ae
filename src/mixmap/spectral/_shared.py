"""Helpers shared by the spectral modules: a progress bar over Dask tasks, renamed keywords, read errors.

``renamed_argument`` is public: :func:`mixmap.synthetic.spectrum_image` uses it for its own
deprecated ``beam_energy=``.
"""

from __future__ import annotations

import contextlib
import warnings

from tqdm.dask import TqdmCallback

from .._progress import Progress
from ..errors import FormatError, InputError, MixmapError

__all__ = ["progress_bar", "renamed_argument"]


def renamed_argument(new_value, old_value, old: str, new: str, *, default=None, stacklevel: int = 3):
    """The value of a renamed keyword: ``new_value``, or the deprecated ``old_value`` with a warning.

    ``old_value`` None means the old name was not passed; passing both names (``new_value`` other
    than its ``default``) is an :class:`mixmap.InputError`.
    """
    if old_value is None:
        return new_value
    warnings.warn(
        f"{old}= is deprecated and will be removed in the next release; use {new}=",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
    if new_value is not default and new_value != default:
        raise InputError(f"pass either {new}= or the deprecated {old}=, not both")
    return old_value


def progress_bar(desc: str, enabled):
    """Context manager: a :class:`mixmap._progress.Progress` bar over the Dask tasks computed inside."""
    if not enabled:
        return contextlib.nullcontext()
    return TqdmCallback(tqdm_class=Progress, desc=desc, enabled=enabled)


def compute_checked(fn, si):
    """``fn()``, turning errors while decoding chunks of the store of ``si`` into FormatError."""
    try:
        return fn()
    except MixmapError:
        raise
    except Exception as exc:  # codec / IO errors while decoding chunks of the store
        raise FormatError(
            f"si: reading the store {si.path!r} failed ({type(exc).__name__}: {exc}); "
            "the store is corrupted, convert or write it again"
        ) from exc
