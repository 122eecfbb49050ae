"""mixmap: how well are materials mixed? Numbers with uncertainties from electron-microscopy data.

Public functions are loaded lazily on first use; see ``mixmap.__all__`` for the list.
"""

from __future__ import annotations

from ._lazy import attach
from .errors import DataError, FormatError, InputError, MixmapError

__version__ = "0.1.0"

_API = {
    # element maps in, segmentation (issue 2)
    "read_maps": "maps",
    "read_composite": "maps",
    "binarize": "segment",
    "label_aggregates": "segment",
    # intra-aggregate mixing (issue 2)
    "Particles": "particles",
    "intra_mixing": "intra",
    "variance_curve": "intra",
    "IntraResult": "intra",
    # batch and inter-aggregate (issue 4)
    "analyze": "batch",
    "inter_mixing": "inter",
    # scale of segregation (issue 5)
    "correlation": "segregation",
    "smooth_correlation": "segregation",
    "mean_correlation": "segregation",
    "fit_correlation": "segregation",
    "register_correlation_model": "segregation",
    "scale_of_segregation": "segregation",
    # spectrum images (issue 6)
    "write_spectrum_image": "spectral",
    "open_spectrum_image": "spectral",
    "convert": "spectral",
    "element_maps": "spectral",
    "line_profile": "spectral",
    "xray_line": "xray",
    "detector_fwhm": "xray",
    # precursor intermixing (issue 8)
    "read_spot_table": "precursors",
    "parse_formula": "precursors",
    "precursor_fractions": "precursors",
    "precursor_map": "precursors",
    "kanaya_okayama_range": "generation",
    "xray_generation_depth": "generation",
    "GenerationVolumeWarning": "generation",
    # subpackages
    "synthetic": "synthetic",
    "diffusion": "diffusion",
    "plot": "plot",
}

__getattr__, __dir__, _names = attach(__name__, _API)
__all__ = ["MixmapError", "InputError", "DataError", "FormatError", "__version__", *_names]
