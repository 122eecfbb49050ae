"""Size of the electron interaction and X-ray generation volumes in bulk targets.

EDS cannot resolve compositional variations on scales smaller than the volume in which the X-rays
are generated: "supposing a 1-um generation depth, atomically intermixed species will yield very
similar measurements as intermixed nanoscale regions ... Use the Kanaya-Okayama equation to estimate
the X-ray generation depth" (AutoEMXSp precursor-mixing tutorial,
../shared/references/000_ca88543bc3c88495.txt, "Output"). This module gives

- the Kanaya-Okayama electron range (K. Kanaya and S. Okayama, J. Phys. D: Appl. Phys. 5, 43-58
  (1972)), ``R = 0.0276 A E0^1.67 / (Z^0.889 ρ)`` µm with A in g/mol, E0 in keV, ρ in g/cm³, as
  given in J. I. Goldstein et al., *Scanning Electron Microscopy and X-Ray Microanalysis*, 3rd ed.
  (Springer, 2003), chapter 3 (electron range);
- the Anderson-Hasler X-ray generation range (C. A. Anderson and M. F. Hasler, in *Proc. 4th Int.
  Conf. on X-Ray Optics and Microanalysis*, Hermann, Paris, 1966, p. 310),
  ``R_x = 0.064 (E0^1.68 - Ec^1.68) / ρ`` µm with Ec the critical excitation (edge) energy of the
  line's shell, as given in Goldstein et al. (2003), chapter 6 (X-ray range).

Compounds use mass-fraction-weighted mean A and Z (Goldstein et al. 2003, chapter 3). Element
data (atomic weights, room-temperature densities, edge energies) come from
``mixmap/data/elements.csv``; see its header for the published sources.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .._deprecate import renamed_keyword
from .._validate import check_number
from ..errors import GenerationVolumeWarning, InputError
from .elements import element_data
from .formula import parse_formula

__all__ = [
    "GenerationVolumeWarning",
    "generation_size_um",
    "kanaya_okayama_range",
    "xray_generation_depth",
    "mean_atomic_weight_number",
]


def _composition(material):
    counts = parse_formula(material)
    els = element_data()
    mass = {el: k * els[el].atomic_weight for el, k in counts.items()}
    total = sum(mass.values())
    return {el: m / total for el, m in mass.items()}, els


def mean_atomic_weight_number(material) -> tuple[float, float]:
    """Mass-fraction-weighted mean atomic weight A (g/mol) and atomic number Z of a material.

    Parameters
    ----------
    material : str or mapping
        Element symbol, chemical formula or ``{element: count}`` (see :func:`mixmap.parse_formula`).

    Returns
    -------
    (A, Z) : tuple of float
        ``A = Σ w_i A_i`` and ``Z = Σ w_i Z_i`` with mass fractions ``w_i`` (Goldstein et al.
        2003, chapter 3, compounds in the Kanaya-Okayama range).
    """
    w, els = _composition(material)
    A = sum(wi * els[el].atomic_weight for el, wi in w.items())
    Z = sum(wi * els[el].Z for el, wi in w.items())
    return float(A), float(Z)


def _density(material, density) -> float:
    if density is not None:
        return check_number("density", density, unit="g/cm^3")
    w, els = _composition(material)
    if len(w) != 1:
        raise InputError(
            f"density of the compound {material!r} is not tabulated (only elements are); pass "
            f"density= in g/cm^3 (e.g. 3.99 for Al2O3, 3.58 for MgO); for a powder use the bulk "
            f"density of the particles, not the tap density"
        )
    (el,) = w
    rho = els[el].density
    if not math.isfinite(rho):
        raise InputError(f"{el} is a gas at room temperature or has no tabulated density; pass density= in g/cm^3")
    return float(rho)


def _energy(beam_energy_keV, name="beam_energy_keV") -> np.ndarray:
    try:
        E = np.asarray(beam_energy_keV, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a beam energy in keV (number or array)") from None
    if E.size == 0 or not np.all(np.isfinite(E)) or np.any(E <= 0):
        raise InputError(f"{name} must be positive and finite (keV), got {beam_energy_keV!r}")
    if np.any(E > 1000):
        raise InputError(
            f"{name} = {beam_energy_keV!r} keV is outside the range of the SEM/EPMA range equations "
            f"(about 1-50 keV); give the beam energy in keV, not eV"
        )
    return E


def _out(R: np.ndarray):
    return float(R) if R.ndim == 0 else R


@renamed_keyword("E0_keV", "beam_energy_keV")
def kanaya_okayama_range(material, beam_energy_keV, density=None):
    """Kanaya-Okayama electron range in a bulk target, in µm.

    ``R_KO = 0.0276 A E0^1.67 / (Z^0.889 ρ)`` (Kanaya & Okayama 1972; Goldstein et al. 2003,
    chapter 3) with A in g/mol, E0 in keV and ρ in g/cm³. For compounds A and Z are
    mass-fraction-weighted means (:func:`mean_atomic_weight_number`). The X-ray generation depth of
    a line is smaller (see :func:`xray_generation_depth`); R_KO is the usual upper estimate of the
    lateral and depth resolution of an EDS spot.

    Parameters
    ----------
    material : str or mapping
        Element symbol (``"Cu"``), formula (``"Al2O3"``) or ``{element: count}``.
    beam_energy_keV : float or array_like
        Beam energy (keV).
    density : float, optional
        Density (g/cm³). Defaults to the room-temperature density of a pure element from
        ``mixmap/data/elements.csv`` (CRC Handbook, 80th ed.); required for compounds.

    Returns
    -------
    float or ndarray
        Range in µm (array if ``beam_energy_keV`` is an array).

    Examples
    --------
    >>> round(kanaya_okayama_range("Cu", 20), 2)
    1.46
    """
    E = _energy(beam_energy_keV)
    A, Z = mean_atomic_weight_number(material)
    rho = _density(material, density)
    return _out(0.0276 * A * E**1.67 / (Z**0.889 * rho))


_LINE = re.compile(r"^\s*(?:([A-Z][a-z]?)[\s_\-]*)?([KLM])([a-z]*\d*[a-z]*\d*)?\s*$")
_SHELL = {"K": "K", "L": "L3", "M": "M5"}


def _critical_energy(material, line) -> tuple[str, str, float]:
    if isinstance(line, (int, float, np.integer, np.floating)) and not isinstance(line, bool):
        Ec = float(line)
        if not math.isfinite(Ec) or Ec <= 0:
            raise InputError(f"line given as a critical energy must be positive (keV), got {line}")
        return "", "", Ec
    if not isinstance(line, str):
        raise InputError(
            f"line must be an X-ray line such as 'Ka', 'Cu Ka', 'Fe_La', 'Au Ma' or a critical "
            f"excitation energy in keV, got {type(line).__name__}"
        )
    m = _LINE.match(line)
    if not m:
        raise InputError(
            f"cannot read X-ray line {line!r}; write e.g. 'Ka', 'Cu Ka', 'Fe_La', 'Au Ma' "
            f"(K lines use the K edge, L lines the L3 edge, M lines the M5 edge)"
        )
    el, fam = m.group(1), m.group(2)
    counts = parse_formula(material)
    if el is None:
        if len(counts) != 1:
            raise InputError(
                f"line {line!r} does not name its element and {material!r} has several; write "
                f"e.g. '{next(iter(counts))} {fam}a'"
            )
        el = next(iter(counts))
    els = element_data()
    if el not in els:
        raise InputError(f"unknown element {el!r} in line {line!r}")
    if el not in counts:
        raise InputError(f"line {line!r}: element {el} is not in the material {material!r}")
    shell = _SHELL[fam]
    Ec = els[el].edges[shell]
    if not math.isfinite(Ec):
        raise InputError(f"{el} has no {shell} shell, so it emits no {fam} line; use another line")
    return el, shell, float(Ec)


@renamed_keyword("E0_keV", "beam_energy_keV")
def xray_generation_depth(material, line, beam_energy_keV, density=None):
    """Anderson-Hasler X-ray generation range (depth) of a characteristic line, in µm.

    ``R_x = 0.064 (E0^1.68 - Ec^1.68) / ρ`` (Anderson & Hasler 1966; Goldstein et al. 2003,
    chapter 6) with E0 and the critical excitation energy Ec in keV and ρ in g/cm³. Ec is the
    absorption-edge energy of the line's shell: K for K lines, L3 for L lines (Lα), M5 for M lines
    (Mα), from ``mixmap/data/elements.csv`` (xraylib / Bearden & Burr 1967).

    Parameters
    ----------
    material : str or mapping
        Element symbol, formula or ``{element: count}``.
    line : str or float
        ``"Ka"`` (element implied for a pure element), ``"Cu Ka"``, ``"Fe_La"``, ``"AuMa"``, or
        the critical excitation energy itself in keV.
    beam_energy_keV : float or array_like
        Beam energy (keV); must exceed Ec (an overvoltage U = E0/Ec of about 2 or more is usual
        for quantitative EDS).
    density : float, optional
        Density (g/cm³); tabulated for pure elements, required for compounds.

    Returns
    -------
    float or ndarray
        Generation depth in µm.

    Examples
    --------
    >>> round(xray_generation_depth("Cu", "Ka", 20), 2)
    0.81
    """
    E = _energy(beam_energy_keV)
    el, shell, Ec = _critical_energy(material, line)
    if np.any(E <= Ec):
        what = f"{el} {shell} edge" if el else "critical energy"
        raise InputError(
            f"beam_energy_keV = {beam_energy_keV!r} keV cannot excite {line!r}: the {what} is {Ec:.4g} keV; "
            f"raise the beam energy (E0/Ec >= 1.5-2 is usual) or choose a lower-energy line"
        )
    rho = _density(material, density)
    return _out(0.064 * (E**1.68 - Ec**1.68) / rho)


@renamed_keyword("E0_keV", "beam_energy_keV")
def generation_size_um(materials, beam_energy_keV, densities=None) -> float:
    """Largest Kanaya-Okayama range (µm) over several materials at one beam energy.

    Used by :func:`mixmap.precursor_fractions` and :func:`mixmap.precursors.precursor_map` to
    warn when the spot spacing or cutout is smaller than the generation size.
    """
    materials = list(materials)
    if densities is None:
        densities = [None] * len(materials)
    densities = list(densities)
    if len(densities) != len(materials):
        raise InputError(
            f"densities must give one density (g/cm^3) per precursor ({len(materials)}), got {len(densities)}"
        )
    pairs = zip(materials, densities, strict=True)
    return float(max(kanaya_okayama_range(m, float(beam_energy_keV), d) for m, d in pairs))
