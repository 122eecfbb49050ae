"""Spectrum images larger than memory: the Zarr store, element maps, line profiles, conversion.

- :mod:`.store`: the Zarr v3 cube (y, x, E), its schema and chunking (:class:`SpectrumImage`);
- :mod:`.element_maps`: X-ray line windows and their sums in one streaming pass;
- :mod:`.line_profile`: band-averaged profiles along a line (:class:`LineProfile`);
- :mod:`.convert`: vendor files (RosettaSciIO, .h5oina) to the store.
"""

from __future__ import annotations

from .._deprecate import warn_renamed as _warn_renamed

from .convert import convert
from .element_maps import element_maps, windows
from .line_profile import LineProfile, line_profile
from .store import SpectrumImage, open_spectrum_image, write_spectrum_image

__all__ = [
    "SpectrumImage",
    "write_spectrum_image",
    "open_spectrum_image",
    "convert",
    "element_maps",
    "windows",
    "line_profile",
    "LineProfile",
]


def __getattr__(name):
    if name == "Profile":
        _warn_renamed("mixmap.spectral.Profile", "mixmap.spectral.LineProfile")
        return LineProfile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
