"""Helpers shared by the spectral modules: a progress bar over Dask tasks, read errors."""

from __future__ import annotations

import contextlib

from tqdm.dask import TqdmCallback

from .._progress import Progress
from ..errors import FormatError, MixmapError

__all__ = ["progress_bar", "compute_checked"]


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
