"""Exceptions raised by mixmap.

Every error a user can cause is a :class:`MixmapError`, which is a :class:`ValueError`, so
``except ValueError`` keeps working. Messages name the argument at fault and say what to pass
instead.
"""

from __future__ import annotations

__all__ = [
    "MixmapError",
    "InputError",
    "DataError",
    "FormatError",
    "MixmapWarning",
    "GenerationVolumeWarning",
    "PlateauWarning",
    "UnitWarning",
    "WindowClippedWarning",
    "UndefinedIndexWarning",
    "UnmixedPixelsWarning",
    "SamplingWarning",
]


class MixmapError(ValueError):
    """Base class of all mixmap errors caused by the caller's input or data."""


class InputError(MixmapError):
    """An argument has the wrong type, shape, range or combination with other arguments."""


class DataError(MixmapError):
    """The data are valid arrays but cannot be analysed (empty foreground, one element only, ...)."""


class FormatError(MixmapError):
    """A file or store is unreadable, truncated, or not in the expected format."""


class MixmapWarning(UserWarning):
    """Base class of mixmap's warnings: the result is computed but needs the user's attention.

    Filter by class (``warnings.simplefilter("ignore", mixmap.PlateauWarning)``), never by message.
    """


class GenerationVolumeWarning(MixmapWarning):
    """Spots or cutouts are smaller than the X-ray generation volume, so they overlap."""


class PlateauWarning(MixmapWarning):
    """A diffusion profile does not reach a plateau at one end; plateau values are estimates."""


class UnitWarning(MixmapWarning):
    """Positions or sizes look mis-scaled for the unit they were read in (e.g. metres that are µm)."""


class WindowClippedWarning(MixmapWarning):
    """An integration or background window is cut by the ends of the spectrum."""


class UndefinedIndexWarning(MixmapWarning, RuntimeWarning):
    """The Schmahl index is undefined (s²_min >= s²_max) and returned as NaN."""


class UnmixedPixelsWarning(MixmapWarning):
    """Composite pixels that are not mixtures of the channel colours were kept."""


class SamplingWarning(MixmapWarning):
    """A profile is sampled too coarsely for derivative-based D(C) methods."""
