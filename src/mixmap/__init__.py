"""mixmap: how well are materials mixed? Numbers with uncertainties from electron-microscopy data.

Public functions are loaded lazily on first use; see ``mixmap.__all__`` for the list.
"""

from __future__ import annotations

import lazy_loader as _lazy

from .errors import (
    DataError,
    FormatError,
    GenerationVolumeWarning,
    InputError,
    MixmapError,
    MixmapWarning,
    PlateauWarning,
    SamplingWarning,
    UndefinedIndexWarning,
    UnitWarning,
    UnmixedPixelsWarning,
    WindowClippedWarning,
)

__version__ = "0.2.0.dev0"

# The lazily loaded public names are declared once, in __init__.pyi (also read by IDEs).
__getattr__, _lazy_dir, _lazy_all = _lazy.attach_stub(__name__, __file__)
__all__ = [
    "__version__",
    "MixmapError",
    "InputError",
    "DataError",
    "FormatError",
    "MixmapWarning",
    "GenerationVolumeWarning",
    "PlateauWarning",
    "SamplingWarning",
    "UndefinedIndexWarning",
    "UnitWarning",
    "UnmixedPixelsWarning",
    "WindowClippedWarning",
    *_lazy_all,
]


def __dir__():
    return list(__all__)
