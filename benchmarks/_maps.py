"""Deterministic test maps for benchmarks: blobby aggregates with a chosen foreground fraction."""

import numpy as np
from scipy import ndimage


def blob_maps(shape, *, foreground=0.5, particle_area_px=80.0, fraction_a=0.5, seed=0):
    """Bool maps (a, b) of blobs about ``particle_area_px`` large covering ``foreground`` of the field."""
    rng = np.random.default_rng(seed)
    sigma = np.sqrt(particle_area_px / np.pi)
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma, mode="wrap")
    fg = field > np.quantile(field, 1 - foreground)
    mat = ndimage.gaussian_filter(rng.standard_normal(shape), sigma, mode="wrap")
    is_a = mat > np.quantile(mat, 1 - fraction_a)
    return fg & is_a, fg & ~is_a
