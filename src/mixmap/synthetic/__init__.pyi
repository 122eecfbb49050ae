"""Type stub of the lazily loaded public API (read by lazy_loader.attach_stub and by IDEs)."""

from ._aggregates import (
    Aggregate as Aggregate,
    aggregates as aggregates,
)
from ._profiles import (
    diffusion_profile as diffusion_profile,
)
from ._spectra import (
    spectrum_image as spectrum_image,
)

__all__ = [
    "Aggregate",
    "aggregates",
    "diffusion_profile",
    "spectrum_image",
]
