"""Scale of segregation: the correlation coefficient function R(h) (paper Sections 2.2.3 and 3.4).

Modules: :mod:`._fft` (exact FFT pair sums, tiling, memory budget), :mod:`.coefficient` (R(h),
Eqs. 7-8), :mod:`.smoothing` (Gaussian smoothing and the mean curve, Eq. 9), :mod:`.fitting`
(models and fits, Eq. 14), :mod:`.scale` (Danckwerts' integral scale) and :mod:`.workflow` (many
map pairs to tables, group means and fits in one call).
"""

from ._fft import fft_memory
from .coefficient import CorrelationResult, correlation
from .fitting import CorrelationFit, CorrelationModel, correlation_models, fit_correlation, register_correlation_model
from .scale import ScaleOfSegregation, scale_of_segregation
from .smoothing import MeanCorrelation, SmoothedCorrelation, mean_correlation, smooth_correlation
from .workflow import CorrelationStudy, correlation_study

__all__ = [
    "CorrelationResult",
    "SmoothedCorrelation",
    "MeanCorrelation",
    "CorrelationFit",
    "CorrelationModel",
    "ScaleOfSegregation",
    "CorrelationStudy",
    "correlation",
    "smooth_correlation",
    "mean_correlation",
    "fit_correlation",
    "register_correlation_model",
    "correlation_models",
    "scale_of_segregation",
    "correlation_study",
    "fft_memory",
]
