"""Synthetic ground truth: 3-D hetero-aggregates, their 2-D projections, spectrum images, profiles."""

from __future__ import annotations

from .._lazy import attach

_API = {
    "aggregates": "_aggregates",
    "Aggregate": "_aggregates",
    "spectrum_image": "_spectra",
    "diffusion_profile": "_profiles",
}

__getattr__, __dir__, __all__ = attach(__name__, _API)
