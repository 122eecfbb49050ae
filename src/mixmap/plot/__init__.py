"""Figures (matplotlib, headless): ``pip install mixmap[plot]``.

Every function returns the matplotlib Figure and, when ``path`` is given, saves it as PNG.
"""

from __future__ import annotations

from .._lazy import attach

_API = {
    "variance_curve": "_intra",      # Fig. 3/4: s2 vs N with bounds (issue 2)
    "cutouts": "_intra",             # map with sampled cutouts drawn (issue 2)
    "schmahl_histogram": "_inter",   # Fig. 5a (issue 4)
    "schmahl_heatmap": "_inter",     # Fig. 6 (issue 4)
    "correlation": "_correlation",   # Fig. 7 (issue 5)
    "maps_preview": "_spectral",     # element-map preview (issue 6)
    "profile_fit": "_diffusion",     # issue 7
    "diffusivity": "_diffusion",
    "arrhenius": "_diffusion",
    "violin": "_precursors",         # issue 8
    "synthetic_study": "_synthetic",  # issue 3
}

__getattr__, __dir__, __all__ = attach(__name__, _API)
