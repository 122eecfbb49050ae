"""Type stub of the lazily loaded public API (read by lazy_loader.attach_stub and by IDEs)."""

from . import diffusion, plot, synthetic
from .errors import (
    DataError as DataError,
    FormatError as FormatError,
    GenerationVolumeWarning as GenerationVolumeWarning,
    InputError as InputError,
    MixmapError as MixmapError,
    MixmapWarning as MixmapWarning,
    PlateauWarning as PlateauWarning,
    SamplingWarning as SamplingWarning,
    UndefinedIndexWarning as UndefinedIndexWarning,
    UnitWarning as UnitWarning,
    UnmixedPixelsWarning as UnmixedPixelsWarning,
    WindowClippedWarning as WindowClippedWarning,
)
from .batch import (
    analyze as analyze,
)
from .chemistry.generation import (
    kanaya_okayama_range as kanaya_okayama_range,
    xray_generation_depth as xray_generation_depth,
)
from .maps import (
    binarize as binarize,
    label_aggregates as label_aggregates,
    read_composite as read_composite,
    read_maps as read_maps,
)
from .mixing import (
    IntraResult as IntraResult,
    Particles as Particles,
    inter_mixing as inter_mixing,
    intra_mixing as intra_mixing,
    variance_curve as variance_curve,
)
from .chemistry.formula import (
    parse_formula as parse_formula,
)
from .precursors import (
    precursor_fractions as precursor_fractions,
    precursor_map as precursor_map,
    read_spot_table as read_spot_table,
)
from .scale import (
    correlation as correlation,
    correlation_study as correlation_study,
    fit_correlation as fit_correlation,
    mean_correlation as mean_correlation,
    register_correlation_model as register_correlation_model,
    scale_of_segregation as scale_of_segregation,
    smooth_correlation as smooth_correlation,
)
from .spectral import (
    convert as convert,
    element_maps as element_maps,
    line_profile as line_profile,
    open_spectrum_image as open_spectrum_image,
    write_spectrum_image as write_spectrum_image,
)
from .chemistry.xray import (
    detector_fwhm as detector_fwhm,
    xray_line as xray_line,
)

__version__: str

__all__ = [
    "DataError",
    "FormatError",
    "GenerationVolumeWarning",
    "InputError",
    "MixmapError",
    "MixmapWarning",
    "PlateauWarning",
    "SamplingWarning",
    "UndefinedIndexWarning",
    "UnitWarning",
    "UnmixedPixelsWarning",
    "WindowClippedWarning",
    "IntraResult",
    "Particles",
    "analyze",
    "binarize",
    "convert",
    "correlation",
    "correlation_study",
    "detector_fwhm",
    "diffusion",
    "element_maps",
    "fit_correlation",
    "inter_mixing",
    "intra_mixing",
    "kanaya_okayama_range",
    "label_aggregates",
    "line_profile",
    "mean_correlation",
    "open_spectrum_image",
    "parse_formula",
    "plot",
    "precursor_fractions",
    "precursor_map",
    "read_composite",
    "read_maps",
    "read_spot_table",
    "register_correlation_model",
    "scale_of_segregation",
    "smooth_correlation",
    "synthetic",
    "variance_curve",
    "write_spectrum_image",
    "xray_generation_depth",
    "xray_line",
]
