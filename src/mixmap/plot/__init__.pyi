"""Type stub of the lazily loaded public API (read by lazy_loader.attach_stub and by IDEs)."""

from ._correlation import (
    correlation as correlation,
)
from ._diffusion import (
    arrhenius as arrhenius,
    diffusivity as diffusivity,
    profile_fit as profile_fit,
)
from ._inter import (
    schmahl_heatmap as schmahl_heatmap,
    schmahl_histogram as schmahl_histogram,
)
from ._intra import (
    cutouts as cutouts,
    variance_curve as variance_curve,
)
from ._precursors import (
    violin as violin,
)
from ._spectral import (
    maps_preview as maps_preview,
)
from ._synthetic import (
    synthetic_study as synthetic_study,
)

__all__ = [
    "arrhenius",
    "correlation",
    "cutouts",
    "diffusivity",
    "maps_preview",
    "profile_fit",
    "schmahl_heatmap",
    "schmahl_histogram",
    "synthetic_study",
    "variance_curve",
    "violin",
]
