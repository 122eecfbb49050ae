"""Mixing quality of hetero-aggregates from element maps (Buchheiser et al., Sections 2.1-3.3).

* :mod:`.pixels` - pixel classes, concentrations and the unmixed variance (Eqs. 3-4);
* :mod:`.particles` - primary-particle model, cutout size and random-mixing variance (Eq. 5);
* :mod:`.sampling` - summed-area tables and exact-N cutouts (Section 2.1);
* :mod:`.intra` - intra-aggregate variance and Schmahl index (Eqs. 1, 6);
* :mod:`.inter` - inter-aggregate ψ measures (Eqs. 2, 10-13).
"""

from .inter import inter_mixing, psi_measures
from .intra import IntraResult, check_particle_model, intra_mixing, schmahl_index, variance_ci, variance_curve
from .particles import Particles, s2_min_monodisperse, target_count
from .pixels import PixelClasses, as_map_pair, pixel_classes, pixel_concentration, s2_max
from .sampling import check_n_samples, sample_cutouts

__all__ = [
    "IntraResult",
    "Particles",
    "PixelClasses",
    "as_map_pair",
    "check_n_samples",
    "check_particle_model",
    "inter_mixing",
    "intra_mixing",
    "pixel_classes",
    "pixel_concentration",
    "psi_measures",
    "s2_max",
    "s2_min_monodisperse",
    "sample_cutouts",
    "schmahl_index",
    "target_count",
    "variance_ci",
    "variance_curve",
]
