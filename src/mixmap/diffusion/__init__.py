"""Inter-diffusion across interfaces: D(C) from concentration profiles, with uncertainties.

Profiles (EDX/EPMA line scans, SIMS/XPS depth profiles) go in as arrays ``x, c`` (positions in m
unless ``x_unit=`` says "mm", "um" or "nm"; several parallel scans as a 2-D ``c`` of shape
(n_scans, n_points)) or CSV files (:func:`read_profile`). Times are in s, D in m^2/s.

* :func:`preprocess` - average scans, remove outliers, resample, Savitzky-Golay smoothing, plateaus
  and noise.
* :func:`fit_erfc`, :func:`fit_thin_film`, :func:`fit_semi_infinite` - Fick's-law model fits.
* :func:`matano_plane`, :func:`boltzmann_matano`, :func:`sauer_freise`, :func:`hall` - D(C).
* :func:`monte_carlo` - Monte-Carlo error propagation (Numba, parallel over replicates).
* :func:`simulate`, :func:`fit_forward` - implicit finite-difference forward solver and D(C) fits.
* :func:`fit_arrhenius`, :func:`fit_parabolic` - temperature and time dependence.
"""

from __future__ import annotations

from .._lazy import attach

_API = {
    "read_profile": "_io",
    "Profile": "_preprocess",
    "PlateauWarning": "_preprocess",
    "preprocess": "_preprocess",
    "ErfcFit": "_fits",
    "ThinFilmFit": "_fits",
    "SemiInfiniteFit": "_fits",
    "fit_erfc": "_fits",
    "fit_thin_film": "_fits",
    "fit_semi_infinite": "_fits",
    "DiffusivityResult": "_matano",
    "HallResult": "_matano",
    "matano_plane": "_matano",
    "boltzmann_matano": "_matano",
    "sauer_freise": "_matano",
    "hall": "_matano",
    "MonteCarloResult": "_mc",
    "monte_carlo": "_mc",
    "ForwardFit": "_forward",
    "simulate": "_forward",
    "fit_forward": "_forward",
    "ArrheniusFit": "_arrhenius",
    "ParabolicFit": "_arrhenius",
    "fit_arrhenius": "_arrhenius",
    "fit_parabolic": "_arrhenius",
    "parse_time": "_io",
}

__getattr__, __dir__, __all__ = attach(__name__, _API)
