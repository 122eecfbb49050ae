"""Inter-diffusion across interfaces: D(C) from concentration profiles, with uncertainties.

Profiles (EDX/EPMA line scans, SIMS/XPS depth profiles) go in as arrays ``x, c`` (positions in m
unless ``x_unit=`` says "mm", "um" or "nm"; several parallel scans as a 2-D ``c`` of shape
(n_scans, n_points)) or CSV files (:func:`read_profile`). Times are in s, D in m^2/s.

* :func:`preprocess` - :class:`PreprocessedProfile`: average scans, remove outliers, resample,
  Savitzky-Golay smoothing, plateaus
  and noise.
* :func:`fit_erfc`, :func:`fit_thin_film`, :func:`fit_semi_infinite` - Fick's-law model fits.
* :func:`matano_plane`, :func:`boltzmann_matano`, :func:`sauer_freise`, :func:`hall` - D(C).
* :func:`monte_carlo` - Monte-Carlo error propagation (Numba, parallel over replicates).
* :func:`simulate`, :func:`fit_forward` - implicit finite-difference forward solver and D(C) fits.
* :func:`fit_arrhenius`, :func:`fit_parabolic` - temperature and time dependence.
"""

from __future__ import annotations

from .._deprecate import warn_renamed as _warn_renamed

import lazy_loader as _lazy

# Public names are declared once, in __init__.pyi (also read by IDEs and type checkers).
_stub_getattr, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)

#: deprecated name -> current name (kept for one release)
_RENAMED = {"Profile": "PreprocessedProfile"}


def __getattr__(name):
    """Lazy public names, plus deprecated aliases that warn (``Profile`` -> ``PreprocessedProfile``)."""
    if name in _RENAMED:
        new = _RENAMED[name]
        _warn_renamed(f"mixmap.diffusion.{name}", f"mixmap.diffusion.{new}")
        return _stub_getattr(new)
    return _stub_getattr(name)
