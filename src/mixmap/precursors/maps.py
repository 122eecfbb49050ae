"""Map mode: per-pixel precursor molar fraction from quantified element maps, σ at cutout areas.

Every pixel is projected like an EDS spot (:mod:`.projection`); the spread of x over square
cutouts of a given foreground-pixel count is sampled with the exact-N cutout kernel of the
intra-aggregate analysis (:func:`mixmap.mixing.sample_cutouts`, Section 2.1 of the STEM-EDX
mixing-quality paper), the map analogue of the spot σ of the AutoEMXSp tutorial
(../shared/references/000_ca88543bc3c88495.txt).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._results import Result, result
from .._validate import check_number
from ..chemistry.elements import check_symbol, element_data
from ..errors import DataError, InputError
from ..mixing import sample_cutouts
from .projection import DEFAULT_EXCLUDED, _check_excluded, _generation_size, _project, _segment, _warn_scale

__all__ = ["precursor_map", "PrecursorMap"]


@result
class PrecursorMap(Result):
    """Per-pixel molar fraction of precursor A and its spread over cutouts of chosen sizes.

    Attributes
    ----------
    precursor_a, precursor_b, basis, elements, units_per_formula
        As in :class:`PrecursorResult`.
    x, c, residual : ndarray, 2-D
        Per-pixel molar fraction of A, share of detected atoms (or mass) from A, and distance to
        the precursor segment; NaN outside the foreground.
    foreground : ndarray of bool, 2-D
        Pixels analysed (detected signal > 0 and inside ``mask``).
    mean : float
        Molar fraction of A over the whole foreground (formula units of A / all formula units,
        each pixel weighted by its detected signal).
    pixel_std : float
        Population standard deviation of the per-pixel x (unweighted).
    target_counts : ndarray of int
        Foreground pixels per cutout, one per requested cutout size (empty without cutouts).
    cutout_area_nm2 : ndarray
        Cutout areas in nm² (NaN when given in pixels without ``pixel_size``).
    concentrations : ndarray, shape (n_sizes, n_samples)
        Molar fraction of A in each sampled cutout (Σ formula units of A / Σ formula units).
    cutout_mean, cutout_std : ndarray, shape (n_sizes,)
        Mean and population standard deviation (ddof=0) of the cutout molar fractions: σ of x at
        that cutout area. ``cutout_mean`` is a sampled mean and differs from ``mean`` by more
        than its sampling error (``cutout_std/√n_samples``) when the composition varies across
        the foreground: cutouts are centred on uniformly drawn foreground pixels, so pixels near
        the foreground's edges are covered less often (the weighting shifts with the cutout
        size), and the mean of per-cutout ratios ΣA/(ΣA+ΣB) is not the ratio of the sums.
        Quote ``mean`` for the overall fraction and ``cutout_std`` for the spread.
    generation_size_um : float or None
        Generation size used for the warning, when known.
    """

    precursor_a: str
    precursor_b: str
    basis: str
    elements: tuple
    units_per_formula: tuple
    x: np.ndarray
    c: np.ndarray
    residual: np.ndarray
    foreground: np.ndarray
    mean: float
    pixel_std: float
    target_counts: np.ndarray
    cutout_area_nm2: np.ndarray
    concentrations: np.ndarray
    cutout_mean: np.ndarray
    cutout_std: np.ndarray
    generation_size_um: float | None = None

    _summary = ("precursor_a", "precursor_b", "basis", "mean", "pixel_std", "target_counts", "cutout_std")

    def to_dict(self) -> dict:
        """Scalars: precursors, n_foreground, mean, pixel_std (and their percentage points)."""
        return {
            "precursor_a": self.precursor_a,
            "precursor_b": self.precursor_b,
            "basis": self.basis,
            "n_foreground": int(self.foreground.sum()),
            "mean": self.mean,
            "pixel_std": self.pixel_std,
            "pixel_std_pp": 100.0 * self.pixel_std,
            "median_residual": float(np.nanmedian(self.residual)),
            "generation_size_um": self.generation_size_um,
        }

    def to_frame(self):
        """One row per cutout size: target_count, area_nm2, mean, std, std_pp, n_samples."""
        return pd.DataFrame(
            {
                "target_count": self.target_counts,
                "area_nm2": self.cutout_area_nm2,
                "mean": self.cutout_mean,
                "std": self.cutout_std,
                "std_pp": 100.0 * self.cutout_std,
                "n_samples": np.full(
                    len(self.target_counts), self.concentrations.shape[1] if self.concentrations.ndim == 2 else 0
                ),
            }
        )


def _as_element_maps(maps):
    if not isinstance(maps, Mapping) or not maps:
        raise InputError(
            "maps must be a non-empty dict {element symbol: 2-D map of atomic fractions}, e.g. "
            "{'Al': al_map, 'Mg': mg_map, 'O': o_map}"
        )
    out, shape = {}, None
    for el, m in maps.items():
        check_symbol(str(el), "maps")
        arr = np.asarray(m)
        if arr.ndim != 2 or arr.size == 0:
            raise InputError(f"maps[{el!r}] must be a non-empty 2-D map, got shape {arr.shape}")
        if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise InputError(f"maps[{el!r}] must be numeric, got dtype {arr.dtype}")
        arr = arr.astype(np.float64, copy=False)
        if shape is None:
            shape = arr.shape
        elif arr.shape != shape:
            raise InputError(
                f"all element maps must have the same shape; maps[{el!r}] is {arr.shape}, others are {shape}"
            )
        if not np.isfinite(arr).all():
            raise InputError(
                f"maps[{el!r}] has {int((~np.isfinite(arr)).sum())} NaN/inf pixel(s); set "
                f"background pixels to 0 (np.nan_to_num) or pass mask="
            )
        if arr.min() < 0:
            raise InputError(
                f"maps[{el!r}] has negative values (min {arr.min():.3g}); quantified fractions must be >= 0"
            )
        out[str(el)] = arr
    els = element_data()
    order = sorted(out, key=lambda e: els[e].Z)
    return {e: out[e] for e in order}, shape


def precursor_map(
    maps,
    precursor_a,
    precursor_b,
    *,
    basis: str = "atomic",
    exclude_elements=DEFAULT_EXCLUDED,
    mask=None,
    cutout_area_nm2=None,
    cutout_px=None,
    pixel_size=None,
    n_samples: int = 150,
    seed=0,
    beam_energy_keV=None,
    densities=None,
    generation_size_um=None,
):
    """Per-pixel precursor molar fraction from quantified element maps, and σ at a cutout area.

    Map mode of :func:`precursor_fractions`: every pixel of the quantified maps is projected on
    the segment between the two precursors exactly like an EDS spot (module docstring). The
    spread of x over square cutouts holding a given number of foreground pixels is then sampled
    with the intra-aggregate exact-N cutout kernel (:func:`mixmap.mixing.sample_cutouts`,
    Section 2.1 of the STEM-EDX mixing-quality paper) on the maps of formula units
    ``A = c·t/N_a`` and ``B = (1-c)·t/N_b`` (t: detected signal of the pixel), so each cutout's
    concentration ΣA/(ΣA+ΣB) is its molar fraction of precursor A. σ of the cutout x at a
    cutout area is the map analogue of the spot σ of the AutoEMXSp tutorial
    (../shared/references/000_ca88543bc3c88495.txt).

    Parameters
    ----------
    maps : dict
        Element symbol -> 2-D map of atomic fractions (or percent, counts: each pixel is
        renormalised) of equal shapes; background pixels 0. With ``basis="mass"`` the maps hold
        mass fractions.
    precursor_a, precursor_b : str or mapping
        Precursor formulas; x is the molar fraction of ``precursor_a``.
    basis : {"atomic", "mass"}
    exclude_elements : sequence of str
        Undetectable elements dropped from maps and precursors (default H, He, Li).
    mask : array_like of bool, optional
        Pixels to analyse (e.g. one aggregate); default all pixels with signal.
    cutout_area_nm2 : float or sequence, optional
        Cutout areas in nm² (needs ``pixel_size``); converted to ``round(area / pixel_size²)``
        foreground pixels.
    cutout_px : int or sequence, optional
        Cutout sizes in foreground pixels (alternative to ``cutout_area_nm2``).
    pixel_size : float, optional
        Pixel size in nm.
    n_samples : int
        Cutouts sampled per size.
    seed : int or Generator
        Seed of the cutout sampling (default 0: identical calls give identical results).
    beam_energy_keV, densities, generation_size_um
        As in :func:`precursor_fractions`; when the generation size is known and the cutout side
        (√area) is smaller, a :class:`mixmap.GenerationVolumeWarning` is emitted.

    Returns
    -------
    PrecursorMap

    Raises
    ------
    mixmap.InputError
        Bad maps (shapes, NaN, negative), both or unusable cutout sizes, missing pixel_size.
    mixmap.DataError
        Precursor elements without a map, no foreground pixel, cutouts larger than the
        foreground.
    """
    emaps, shape = _as_element_maps(maps)
    excluded = _check_excluded(exclude_elements)
    seg = _segment(precursor_a, precursor_b, list(emaps), basis, excluded)
    S = np.stack([emaps[el] for el in seg.elements], axis=-1).reshape(-1, len(seg.elements))
    t = S.sum(axis=1)
    fg = t > 0
    if mask is not None:
        mk = np.asarray(mask)
        if mk.shape != shape or mk.dtype != bool:
            raise InputError(f"mask must be a bool array of shape {shape}, got {mk.dtype} {mk.shape}")
        fg &= mk.ravel()
    if not fg.any():
        raise DataError(
            f"no foreground pixel: the maps of {list(seg.elements)} are zero everywhere"
            + ("" if mask is None else " inside mask")
        )
    c = np.full(t.shape, np.nan)
    res = np.full(t.shape, np.nan)
    x = np.full(t.shape, np.nan)
    c[fg], res[fg], x[fg] = _project(S[fg], seg)
    A = np.zeros(t.shape)
    B = np.zeros(t.shape)
    A[fg] = c[fg] * t[fg] / seg.units_a
    B[fg] = (1.0 - c[fg]) * t[fg] / seg.units_b
    mean = float(A.sum() / (A.sum() + B.sum()))

    ps = check_number("pixel_size", pixel_size, optional=True, unit="nm")
    if cutout_area_nm2 is not None and cutout_px is not None:
        raise InputError("give cutout_area_nm2 (with pixel_size in nm) or cutout_px, not both")
    if cutout_area_nm2 is not None:
        if ps is None:
            raise InputError("cutout_area_nm2 needs pixel_size= (nm per pixel)")
        areas = np.atleast_1d(np.asarray(cutout_area_nm2, dtype=np.float64))
        if areas.ndim != 1 or not np.all(np.isfinite(areas)) or np.any(areas <= 0):
            raise InputError(f"cutout_area_nm2 must be positive areas in nm², got {cutout_area_nm2!r}")
        targets = np.rint(areas / ps**2).astype(np.int64)
        if targets.min() < 1:
            raise InputError(
                f"cutout area {areas[targets.argmin()]:g} nm² is smaller than one pixel "
                f"({ps**2:g} nm²); use larger cutouts"
            )
    elif cutout_px is not None:
        tp = np.atleast_1d(np.asarray(cutout_px))
        if tp.ndim != 1 or not np.issubdtype(tp.dtype, np.integer) or tp.min() < 1:
            raise InputError(f"cutout_px must be integers >= 1, got {cutout_px!r}")
        targets = tp.astype(np.int64)
        areas = targets * ps**2 if ps is not None else np.full(len(targets), np.nan)
    else:
        targets = np.zeros(0, dtype=np.int64)
        areas = np.zeros(0)
    n_fg = int(fg.sum())
    if len(targets) and targets.max() > n_fg:
        raise DataError(
            f"cutouts of {int(targets.max())} pixels do not fit in the {n_fg} foreground pixels; use smaller cutouts"
        )

    gen = _generation_size(seg, (precursor_a, precursor_b), beam_energy_keV, densities, generation_size_um)
    if gen is not None and len(targets) and np.isfinite(areas).all():
        side_um = math.sqrt(float(areas.min())) / 1000.0
        _warn_scale(side_um, gen, "the cutout side (√area)")

    if len(targets):
        conc, _, _ = sample_cutouts(A.reshape(shape), B.reshape(shape), targets, n_samples=n_samples, seed=seed)
        cmean, cstd = conc.mean(axis=1), conc.std(axis=1)
    else:
        conc = np.zeros((0, 0))
        cmean = cstd = np.zeros(0)

    return PrecursorMap(
        precursor_a=seg.formula_a,
        precursor_b=seg.formula_b,
        basis=basis,
        elements=seg.elements,
        units_per_formula=(seg.units_a, seg.units_b),
        x=x.reshape(shape),
        c=c.reshape(shape),
        residual=res.reshape(shape),
        foreground=fg.reshape(shape),
        mean=mean,
        pixel_std=float(np.std(x[fg])),
        target_counts=targets,
        cutout_area_nm2=areas,
        concentrations=conc,
        cutout_mean=cmean,
        cutout_std=cstd,
        generation_size_um=gen,
    )
