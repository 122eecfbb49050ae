"""Chemistry data shared by the spectral and precursor analyses.

Elements (:mod:`.elements`), chemical formulas (:mod:`.formula`), X-ray lines (:mod:`.xray`) and
X-ray generation volumes (:mod:`.generation`). Nothing here imports the analysis modules.
"""

from .elements import Element, check_symbol, element_data
from .formula import formula_mass, parse_formula
from .generation import (
    generation_size_um,
    kanaya_okayama_range,
    mean_atomic_weight_number,
    xray_generation_depth,
)
from .xray import XrayLine, detector_fwhm, line_table, xray_line, xray_lines

__all__ = [
    "Element",
    "XrayLine",
    "check_symbol",
    "detector_fwhm",
    "element_data",
    "formula_mass",
    "generation_size_um",
    "kanaya_okayama_range",
    "line_table",
    "mean_atomic_weight_number",
    "parse_formula",
    "xray_generation_depth",
    "xray_line",
    "xray_lines",
]
