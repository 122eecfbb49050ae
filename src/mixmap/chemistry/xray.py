"""X-ray emission lines and the energy resolution of an EDS detector.

Line energies for Z = 3-92 (K, L and M families, with relative weights within each family) are
tabulated in ``mixmap/data/xray_lines.csv``. Sources: R. D. Deslattes et al., "X-ray transition
energies: new approach to a comprehensive evaluation", *Rev. Mod. Phys.* 75, 35-99 (2003) (NIST SRD
128), as distributed by xraylib (Schoonjans et al., *Spectrochim. Acta B* 66, 776 (2011)); Li Kα and
Be Kα from J. A. Bearden, *Rev. Mod. Phys.* 39, 78-124 (1967). Weights are line fluorescence cross
sections relative to the family's main line (Kα, Lα, Mα = 1) from the radiative rates of Elam, Ravel
& Sieber, *Radiat. Phys. Chem.* 63, 121 (2002). ``tools/make_xray_lines.py`` regenerates the file.

Line names follow the Siegbahn-style convention of HyperSpy/exspy: ``"<Element>_<line>"`` with
``line`` one of Ka, Kb, La, Lb1, Lb2, Lb3, Lb4, Lg1, Lg3, Ll, Ln, Ma, Mb, Mg, Mz, M2N4.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .._results import Result, result
from ..errors import InputError

__all__ = ["xray_line", "detector_fwhm", "XrayLine", "line_table", "xray_lines"]

#: Energy of Mn Kα (keV, K-L3, Deslattes et al. 2003): the reference of the detector FWHM model.
E_MNKA_KEV = 5.8987


@result
class XrayLine(Result):
    """One tabulated emission line (energy in keV, weight relative to its family's main line)."""

    name: str
    Z: int
    element: str
    line: str
    family: str
    iupac: str
    energy: float
    weight: float
    source: str

    _summary = ("name", "energy", "weight", "iupac")


@lru_cache(maxsize=1)
def _table() -> dict[str, XrayLine]:
    text = resources.files("mixmap.data").joinpath("xray_lines.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    out = {}
    for r in rows:
        name = f"{r['element']}_{r['line']}"
        out[name] = XrayLine(
            name,
            int(r["Z"]),
            r["element"],
            r["line"],
            r["family"],
            r["iupac"],
            float(r["energy_keV"]),
            float(r["weight"]),
            r["source"],
        )
    return out


def xray_lines() -> dict[str, XrayLine]:
    """Every tabulated line, ``"<Element>_<line>"`` -> :class:`XrayLine` (cached; do not modify).

    Returns
    -------
    dict
        Lines ordered as in ``mixmap/data/xray_lines.csv`` (by Z, then family).
    """
    return _table()


def line_table():
    """All tabulated lines as a :class:`pandas.DataFrame` (one row per line, energies in keV)."""
    return pd.DataFrame([x.to_dict() for x in xray_lines().values()]).rename(columns={"energy": "energy_keV"})


def _lookup(name) -> XrayLine:
    if not isinstance(name, str):
        raise InputError(f"line must be a string such as 'Cu_Ka', got {type(name).__name__}")
    table = _table()
    key = name.strip().replace(" ", "_")
    if key in table:
        return table[key]
    folded = [n for n in table if n.lower() == key.lower()]
    if folded:
        raise InputError(f"line {name!r}: line names are case-sensitive; did you mean {folded[0]!r}?")
    element = key.split("_")[0]
    known = sorted(n.split("_", 1)[1] for n in table if n.split("_")[0] == element)
    if known:
        raise InputError(f"line {name!r}: no such line for {element}; tabulated lines of {element}: {', '.join(known)}")
    raise InputError(
        f"line {name!r}: expected '<Element>_<line>' such as 'Cu_Ka' or 'Au_Ma' "
        "with an element from Li (Z=3) to U (Z=92)"
    )


def xray_line(name: str, *, info: bool = False):
    """Energy (keV) of an X-ray emission line.

    Parameters
    ----------
    name : str
        ``"<Element>_<line>"``, e.g. ``"Cu_Ka"``, ``"Fe_La"``, ``"Au_Ma"`` (exspy/HyperSpy names).
    info : bool
        Return the whole :class:`XrayLine` record (energy, weight within the family, IUPAC
        transition, source) instead of the energy.

    Returns
    -------
    float or XrayLine
        Line energy in keV (Deslattes et al., Rev. Mod. Phys. 75, 35 (2003); Li/Be Kα from Bearden,
        Rev. Mod. Phys. 39, 78 (1967)).

    Raises
    ------
    mixmap.InputError
        Unknown element or line; the message lists the lines tabulated for the element.

    Examples
    --------
    >>> import mixmap
    >>> mixmap.xray_line("Cu_Ka")
    8.0478
    """
    rec = _lookup(name)
    return rec if info else rec.energy


def detector_fwhm(energy, fwhm_mnka: float = 130.0):
    """Energy resolution (FWHM, eV) of an EDS detector at ``energy`` (keV).

    Uses the usual Fano-limited model ``FWHM(E)^2 = FWHM_MnKa^2 + 2.5 (E - E_MnKa)`` with energies
    in eV and E_MnKa = 5898.7 eV (the model used by exspy/HyperSpy; Goldstein et al., *Scanning
    Electron Microscopy and X-ray Microanalysis*, 4th ed., Springer 2018, ch. 16).

    Parameters
    ----------
    energy : float or array_like
        Photon energy in keV (> 0).
    fwhm_mnka : float
        FWHM at Mn Kα in eV (default 130 eV, a typical SDD).

    Returns
    -------
    float or numpy.ndarray
        FWHM in eV, same shape as ``energy``.

    Raises
    ------
    mixmap.InputError
        Non-finite or non-positive energy or FWHM, or an energy so low that the model gives
        FWHM^2 <= 0 for this ``fwhm_mnka``.

    Examples
    --------
    >>> import mixmap
    >>> round(float(mixmap.detector_fwhm(8.0478)), 1)
    149.2
    """
    try:
        e = np.asarray(energy, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"energy must be a number or an array of numbers in keV, got {energy!r}") from None
    if not np.all(np.isfinite(e)) or np.any(e <= 0):
        raise InputError("energy must be finite and > 0 (keV)")
    try:
        f = float(fwhm_mnka)
    except (TypeError, ValueError):
        raise InputError(f"fwhm_mnka must be a number (eV, typically 120-140), got {fwhm_mnka!r}") from None
    if not np.isfinite(f) or f <= 0:
        raise InputError(f"fwhm_mnka must be a finite FWHM > 0 in eV (typically 120-140), got {fwhm_mnka}")
    sq = f * f + 2.5 * (e - E_MNKA_KEV) * 1000.0
    if np.any(sq <= 0):
        raise InputError(
            f"energy {float(e.min())} keV is below the range of the FWHM model for "
            f"fwhm_mnka={f} eV (FWHM^2 <= 0); use a larger fwhm_mnka or a higher-energy line"
        )
    out = np.sqrt(sq)
    return float(out) if out.ndim == 0 else out
