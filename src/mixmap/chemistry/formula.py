"""Chemical formulas: a recursive-descent parser to element counts, and molar masses.

Formulas such as ``Al2O3``, ``Ca(OH)2``, ``K4[Fe(CN)6]``, ``Li0.5Mn2O4`` and hydrates
``CuSO4·5H2O``; molar masses from the IUPAC/CIAAW 2021 standard atomic weights
(:mod:`mixmap.chemistry.elements`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from ..errors import InputError
from .elements import check_symbol, element_data

__all__ = ["parse_formula", "formula_mass"]

_HYDRATE_SEPARATORS = "·•∙⋅*"
_OPEN = {"(": ")", "[": "]", "{": "}"}
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_SYMBOL = re.compile(r"[A-Z][a-z]?")


class _FormulaParser:
    """Recursive-descent parser of chemical formulas.

    Grammar: formula := part (SEP part)*; part := [number] group+;
    group := (element | '(' group+ ')') [number].
    """

    def __init__(self, text: str, original: str):
        self.s = text
        self.i = 0
        self.original = original

    def error(self, msg: str) -> InputError:
        pointer = f" at position {self.i}" if self.i < len(self.s) else " at the end"
        return InputError(
            f"cannot parse chemical formula {self.original!r}: {msg}{pointer}; write e.g. "
            f"'Al2O3', 'Ca(OH)2', 'CuSO4·5H2O', 'Li0.5Mn2O4'"
        )

    def number(self):
        m = _NUMBER.match(self.s, self.i)
        if not m:
            return None
        self.i = m.end()
        val = float(m.group())
        if val <= 0:
            raise self.error(f"count {m.group()} must be positive")
        return val

    def groups(self, closing: str | None) -> dict[str, float]:
        counts: dict[str, float] = {}
        n = 0
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch in _OPEN:
                self.i += 1
                inner = self.groups(_OPEN[ch])
                mult = self.number() or 1.0
                for el, k in inner.items():
                    counts[el] = counts.get(el, 0.0) + k * mult
                n += 1
                continue
            if closing is not None and ch == closing:
                if n == 0:
                    raise self.error("empty parentheses")
                self.i += 1
                return counts
            m = _SYMBOL.match(self.s, self.i)
            if not m:
                break
            sym = m.group()
            check_symbol(sym, f"formula {self.original!r}")
            self.i = m.end()
            k = self.number() or 1.0
            counts[sym] = counts.get(sym, 0.0) + k
            n += 1
        if closing is not None:
            raise self.error(f"missing closing {closing!r}")
        if n == 0:
            raise self.error("expected an element symbol or '('")
        return counts

    def formula(self) -> dict[str, float]:
        total: dict[str, float] = {}
        while True:
            mult = self.number() or 1.0
            part = self.groups(None)
            for el, k in part.items():
                total[el] = total.get(el, 0.0) + k * mult
            if self.i >= len(self.s):
                return total
            if self.s[self.i] in _HYDRATE_SEPARATORS:
                self.i += 1
                continue
            raise self.error(f"unexpected character {self.s[self.i]!r}")


def parse_formula(formula) -> dict[str, float]:
    """Element counts of a chemical formula (per formula unit).

    Parameters
    ----------
    formula : str or mapping
        A formula such as ``"Al2O3"``, ``"Ca(OH)2"``, ``"K4[Fe(CN)6]"``, nested groups
        ``"Ca10(PO4)6(OH)2"``, decimal counts ``"Li0.5Mn2O4"``, hydrates with a middle dot or
        asterisk ``"CuSO4·5H2O"``, ``"MgSO4*7H2O"``, ``"CaSO4·0.5H2O"`` (also ``•``, ``∙``,
        ``⋅``). Whitespace is ignored. A mapping ``{element: count}`` is validated and returned
        as a dict. A ``.`` is never a hydrate separator (``"CuSO4.5H2O"`` would be ambiguous
        with the decimal count 4.5); use ``·`` or ``*``.

    Returns
    -------
    dict
        ``{symbol: count}`` in order of first appearance, counts as floats.

    Raises
    ------
    mixmap.InputError
        Empty or malformed formulas (unbalanced parentheses, charges, stray characters,
        zero counts) and unknown element symbols.

    Examples
    --------
    >>> parse_formula("Ca(OH)2")
    {'Ca': 1.0, 'O': 2.0, 'H': 2.0}
    >>> parse_formula("CuSO4·5H2O")["O"]
    9.0
    """
    if isinstance(formula, Mapping):
        out = {}
        for el, k in formula.items():
            check_symbol(str(el), "the composition mapping")
            try:
                k = float(k)
            except (TypeError, ValueError):
                raise InputError(f"count of {el} must be a number, got {k!r}") from None
            if not math.isfinite(k) or k <= 0:
                raise InputError(f"count of {el} must be a positive finite number, got {k}")
            out[str(el)] = out.get(str(el), 0.0) + k
        if not out:
            raise InputError("the composition mapping is empty; give at least one element")
        return out
    if not isinstance(formula, str):
        raise InputError(
            f"formula must be a string such as 'Al2O3' or a mapping {{element: count}}, got {type(formula).__name__}"
        )
    text = "".join(formula.split())
    if not text:
        raise InputError("formula is empty; give a chemical formula such as 'Al2O3'")
    if re.search(r"[A-Za-z)\]}]\d+\.\d*H2O|\.H2O", text):
        raise InputError(
            f"formula {formula!r} is ambiguous: '.' is read as a decimal point, not a hydrate "
            f"separator; write the water of crystallisation with '·' or '*', e.g. 'CuSO4·5H2O'"
        )
    return _FormulaParser(text, formula).formula()


def formula_mass(formula) -> float:
    """Molar mass of a formula in g/mol from IUPAC/CIAAW 2021 standard atomic weights.

    Parameters
    ----------
    formula : str or mapping
        See :func:`parse_formula`.

    Returns
    -------
    float
        Molar mass (g/mol).
    """
    els = element_data()
    return float(sum(els[el].atomic_weight * k for el, k in parse_formula(formula).items()))
