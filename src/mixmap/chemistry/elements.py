"""Element data: atomic number, standard atomic weight, density and absorption edges per element.

Read once from ``mixmap/data/elements.csv`` (IUPAC/CIAAW standard atomic weights 2021, Prohaska et
al., Pure Appl. Chem. 94, 573 (2022); room-temperature densities; K, L3 and M5 edge energies from
xraylib / Bearden & Burr 1967; see the file header and ``tools/make_elements_csv.py``).
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from importlib import resources

from .._results import Result, result
from ..errors import InputError

__all__ = ["Element", "element_data", "check_symbol"]


@result
class Element(Result):
    """Tabulated data of one element.

    Attributes
    ----------
    Z : int
        Atomic number.
    symbol : str
        Element symbol (case-sensitive, ``"Co"``).
    atomic_weight : float
        Standard atomic weight (g/mol).
    density : float
        Density at room temperature (g/cm³), NaN for gases or when unknown.
    edges : dict
        Shell (``"K"``, ``"L3"``, ``"M5"``) -> absorption-edge energy in keV (NaN if absent).
    """

    Z: int
    symbol: str
    atomic_weight: float
    density: float
    edges: dict


@lru_cache(maxsize=1)
def element_data() -> dict[str, Element]:
    """Element data from ``mixmap/data/elements.csv`` keyed by symbol, H (Z=1) to Cf (Z=98).

    Returns
    -------
    dict
        Symbol -> :class:`Element`, ordered by Z. The dict is cached: do not modify it.
    """
    text = resources.files("mixmap.data").joinpath("elements.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    out = {}
    for row in csv.DictReader(lines):

        def num(key, row=row):
            v = row[key].strip()
            return float(v) if v else math.nan

        edges = {s: num(f"{s}_edge_keV") for s in ("K", "L3", "M5")}
        out[row["symbol"]] = Element(
            int(row["Z"]), row["symbol"], float(row["atomic_weight"]), num("density_g_cm3"), edges
        )
    return out


def check_symbol(sym: str, where: str) -> None:
    """Raise :class:`mixmap.InputError` unless ``sym`` is a known element symbol.

    Parameters
    ----------
    sym : str
        Candidate symbol.
    where : str
        Where it was found, for the message (e.g. ``"exclude_elements"``).
    """
    if sym not in element_data():
        raise InputError(
            f"unknown element {sym!r} in {where}; element symbols are case-sensitive "
            f"(e.g. 'Co' cobalt, 'CO' carbon + oxygen) and must be one of H..Cf"
        )
