"""Projection of spot compositions on the segment between the two precursors (steps 1-3).

The precursor compositions ``a`` and ``b`` (detected elements, normalised) define a segment; each
spot vector ``s`` is projected on it, ``c = (s' - b)·(a - b) / |a - b|²`` clipped to [0, 1], and
``c`` becomes the molar fraction ``x = (c/N_a) / (c/N_a + (1 - c)/N_b)`` (see
:mod:`mixmap.precursors`). The per-spot pass runs in the Numba kernel
:mod:`mixmap.kernels.precursors`. Also the X-ray generation-volume check shared by spot and map
mode (AutoEMXSp tutorial, ../shared/references/000_ca88543bc3c88495.txt, "Output").
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_number
from ..chemistry.elements import check_symbol, element_data
from ..chemistry.formula import parse_formula
from ..chemistry.generation import generation_size_um as _ko_max
from ..errors import DataError, GenerationVolumeWarning, InputError
from ..kernels.precursors import project_spots

#: Elements EDS cannot quantify, dropped by default.
DEFAULT_EXCLUDED = ("H", "He", "Li")


@dataclass(frozen=True)
class _Segment:
    """Detectable compositions of the two precursors on the considered elements."""

    formula_a: str
    formula_b: str
    elements: tuple
    a: np.ndarray  # normalised composition of A on ``elements``
    b: np.ndarray
    units_a: float  # detected atoms (atomic basis) or detected g/mol (mass basis) per formula unit
    units_b: float
    allowance: float  # wt% of undetectable elements (largest of the two precursors)
    own: np.ndarray  # bool per element: element of either precursor


def _formula_text(f) -> str:
    if isinstance(f, str):
        return "".join(f.split())
    return "".join(f"{el}{k:g}" for el, k in parse_formula(f).items())


def _check_excluded(exclude_elements) -> tuple:
    if exclude_elements is None:
        return ()
    if isinstance(exclude_elements, str):
        exclude_elements = [s for s in re.split(r"[,\s]+", exclude_elements) if s]
    out = []
    for el in exclude_elements:
        check_symbol(str(el), "exclude_elements")
        out.append(str(el))
    return tuple(out)


def _segment(precursor_a, precursor_b, available, basis, excluded) -> _Segment:
    check_choice("basis", basis, ("atomic", "mass"))
    els = element_data()
    comps = {}
    for name, f in (("precursor_a", precursor_a), ("precursor_b", precursor_b)):
        comp = parse_formula(f)
        det = {el: k for el, k in comp.items() if el not in excluded}
        if not det:
            raise InputError(
                f"{name} {_formula_text(f)!r} has no element left after excluding the "
                f"undetectable elements {list(excluded)}; check the formula or exclude_elements"
            )
        comps[name] = (comp, det)
    need = [el for _, det in comps.values() for el in det]
    missing = sorted({el for el in need if el not in available}, key=lambda e: els[e].Z)
    if missing:
        raise DataError(
            f"the table has no composition column for element(s) {missing} of the precursors; "
            f"elements in the table: {list(available)}; quantify {missing} or add them to "
            f"exclude_elements if they cannot be detected"
        )
    elements = tuple(el for el in available if el not in excluded)
    vecs, units, allow = [], [], []
    for name in ("precursor_a", "precursor_b"):
        comp, det = comps[name]
        v = np.zeros(len(elements))
        for j, el in enumerate(elements):
            k = det.get(el, 0.0)
            v[j] = k if basis == "atomic" else k * els[el].atomic_weight
        units.append(float(v.sum()))
        vecs.append(v / v.sum())
        total_mass = sum(k * els[el].atomic_weight for el, k in comp.items())
        hidden = sum(k * els[el].atomic_weight for el, k in comp.items() if el in excluded)
        allow.append(100.0 * hidden / total_mass)
    a, b = vecs
    if float(np.abs(a - b).max()) < 1e-9:
        raise InputError(
            f"precursor_a {_formula_text(precursor_a)!r} and precursor_b "
            f"{_formula_text(precursor_b)!r} have the same detectable composition ({basis} basis, "
            f"excluding {list(excluded)}), so EDS cannot tell them apart"
        )
    own = (a > 0) | (b > 0)
    return _Segment(
        _formula_text(precursor_a), _formula_text(precursor_b), elements, a, b, units[0], units[1], max(allow), own
    )


def _project_status(S: np.ndarray, seg: _Segment):
    """Run the projection kernel (:mod:`mixmap.kernels.precursors`) on raw spot rows.

    Returns ``(c, residual, x, status)``; status 0 ok, 1 non-finite, 2 negative, 3 no signal,
    4 no precursor element (then c, residual, x are NaN).
    """
    S = np.ascontiguousarray(S, dtype=np.float64)
    n = len(S)
    c = np.empty(n)
    res = np.empty(n)
    x = np.empty(n)
    status = np.empty(n, dtype=np.int8)
    project_spots(S, seg.a, seg.b, seg.own, float(seg.units_a), float(seg.units_b), c, res, x, status)
    return c, res, x, status


def _project(S: np.ndarray, seg: _Segment):
    """Closest point on the segment [b, a] to each row of ``S`` (module docstring, step 2-3).

    ``c`` comes from the rows renormalised over the precursors' elements, the residual from the
    rows renormalised over all elements. Returns ``(c, residual, x)``, NaN for unusable rows.
    """
    c, res, x, _ = _project_status(S, seg)
    return c, res, x


def _generation_size(seg: _Segment | None, formulas, beam_energy_keV, densities, generation_size_um):
    if generation_size_um is not None:
        return check_number("generation_size_um", generation_size_um, unit="µm")
    if beam_energy_keV is None:
        if densities is not None:
            raise InputError("densities= needs beam_energy_keV= (keV) to compute the range")
        return None
    try:
        return _ko_max(formulas, beam_energy_keV, densities)
    except InputError as exc:
        raise InputError(
            f"{exc} (pass densities=(rho_a, rho_b) in g/cm^3 with beam_energy_keV, or generation_size_um= directly)"
        ) from None


def _warn_scale(length_um: float, generation_um: float, what: str) -> None:
    if length_um < generation_um:
        warnings.warn(
            f"{what} ({length_um:.3g} µm) is smaller than the X-ray generation size "
            f"({generation_um:.3g} µm): neighbouring measurements overlap and "
            f"intermixing on scales below {generation_um:.3g} µm cannot be resolved, so σ "
            f"underestimates the segregation at this scale",
            GenerationVolumeWarning,
            stacklevel=3,
        )
