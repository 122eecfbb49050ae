"""Obvious, slow, pure-NumPy twins of every mixmap kernel, one module per kernel module.

Tests compare each Numba kernel with its twin; benchmarks time both in the same run.
"""

from .cutouts import (
    naive_cutouts,
    naive_map_tables,
    naive_splitmix64,
)
from .pairs import (
    naive_displacement_sums,
    naive_in_direction,
    naive_pair_sums,
    naive_radial_pair_sums,
    naive_random_pair_sums,
    naive_ring_offsets,
)
from .precursors import (
    naive_precursor_fractions,
)
from .windows import (
    naive_element_map,
    naive_window_sums,
)
from .aggregation import (
    naive_decorate,
    naive_grow,
    naive_thickness,
)
from .interdiffusion import (
    naive_analyse_profile,
    naive_plateau_end,
    naive_profile_normals,
)
from .erfc_fit import (
    naive_mc_erfc,
    naive_mc_profiles,
)
from .forward import (
    naive_explicit_diffuse,
    naive_theta_diffuse,
)

__all__ = [
    "naive_analyse_profile",
    "naive_cutouts",
    "naive_decorate",
    "naive_displacement_sums",
    "naive_element_map",
    "naive_explicit_diffuse",
    "naive_grow",
    "naive_in_direction",
    "naive_map_tables",
    "naive_mc_erfc",
    "naive_mc_profiles",
    "naive_pair_sums",
    "naive_plateau_end",
    "naive_precursor_fractions",
    "naive_profile_normals",
    "naive_radial_pair_sums",
    "naive_random_pair_sums",
    "naive_ring_offsets",
    "naive_splitmix64",
    "naive_theta_diffuse",
    "naive_thickness",
    "naive_window_sums",
]
