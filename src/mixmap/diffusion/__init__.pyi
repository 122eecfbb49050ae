"""Type stub of the lazily loaded public API (read by lazy_loader.attach_stub and by IDEs)."""

from ._arrhenius import (
    ArrheniusFit as ArrheniusFit,
    ParabolicFit as ParabolicFit,
    fit_arrhenius as fit_arrhenius,
    fit_parabolic as fit_parabolic,
)
from ._fits import (
    ErfcFit as ErfcFit,
    SemiInfiniteFit as SemiInfiniteFit,
    ThinFilmFit as ThinFilmFit,
    erfc_profile as erfc_profile,
    fit_erfc as fit_erfc,
    fit_semi_infinite as fit_semi_infinite,
    fit_thin_film as fit_thin_film,
)
from ._forward import (
    ForwardFit as ForwardFit,
    diffusivity_table as diffusivity_table,
    fit_forward as fit_forward,
    simulate as simulate,
)
from ._io import (
    check_time as check_time,
    parse_time as parse_time,
    read_profile as read_profile,
)
from ._matano import (
    DiffusivityResult as DiffusivityResult,
    HallResult as HallResult,
    boltzmann_matano as boltzmann_matano,
    hall as hall,
    matano_plane as matano_plane,
    sauer_freise as sauer_freise,
)
from ._mc import (
    MC_METHODS as MC_METHODS,
    MonteCarloResult as MonteCarloResult,
    monte_carlo as monte_carlo,
)
from ._preprocess import (
    PlateauWarning as PlateauWarning,
    PreprocessedProfile as PreprocessedProfile,
    preprocess as preprocess,
)

__all__ = [
    "ArrheniusFit",
    "DiffusivityResult",
    "ErfcFit",
    "ForwardFit",
    "HallResult",
    "MC_METHODS",
    "MonteCarloResult",
    "ParabolicFit",
    "PlateauWarning",
    "PreprocessedProfile",
    "SemiInfiniteFit",
    "ThinFilmFit",
    "boltzmann_matano",
    "check_time",
    "diffusivity_table",
    "erfc_profile",
    "fit_arrhenius",
    "fit_erfc",
    "fit_forward",
    "fit_parabolic",
    "fit_semi_infinite",
    "fit_thin_film",
    "hall",
    "matano_plane",
    "monte_carlo",
    "parse_time",
    "preprocess",
    "read_profile",
    "sauer_freise",
    "simulate",
]
