"""Precursor intermixing from EDS spot compositions (and quantified element maps).

Two precursor powders A and B are mixed before a solid-state reaction. Each EDS spot spectrum on
the mixed powder is quantified (e.g. by AutoEMXSp), and its composition is expressed as the molar
fraction ``x`` of precursor A among the formula units of A and B under the beam. The spread of
``x`` over many spots (its standard deviation σ, a violin plot) says how well the powders are
intermixed; σ of about 5 percentage points indicates very well mixed precursors (AutoEMXSp
precursor-mixing tutorial, ../shared/references/000_ca88543bc3c88495.txt, "Output"). The X-ray
generation volume limits what can be resolved: mixing on scales below it looks perfect (same
reference; see :mod:`mixmap.generation`).

Method (per spot, vectorised over all spots)
--------------------------------------------
1. The fractions of the detected elements (atomic or mass basis; elements that EDS cannot detect,
   ``exclude_elements``, dropped) are normalised to 1, giving the spot vector ``s``.
2. The precursor compositions ``a`` and ``b`` (same basis and elements, normalised) define a
   segment; the closest point ``b + c (a - b)`` to ``s`` is the orthogonal projection
   ``c = (s' - b)·(a - b) / |a - b|²`` clipped to [0, 1] (the constrained least-squares solution of
   ``s' ≈ c a + (1 - c) b``), where ``s'`` is ``s`` renormalised over the elements of the two
   precursors. ``c`` is the share of detected atoms (or mass) coming from A. Elements in neither
   precursor (substrate carbon, impurities, a third phase) therefore do not bias ``c``; they count
   in the ``residual``, the Euclidean distance ``|s - (b + c (a - b))|`` in fraction units
   (use ``max_residual`` to reject such spots).
3. ``c`` becomes a molar fraction of formula units with the detected atoms (or detected molar
   mass) per formula unit, ``N_a`` and ``N_b``: ``x = (c/N_a) / (c/N_a + (1 - c)/N_b)``.

Steps 1-3 run in one pass per spot in the Numba kernel :mod:`mixmap.kernels.precursors`
(about 10⁷ spots per second); the straightforward per-spot bounded least-squares twin is
``naive_precursor_fractions`` in tests/naive.py.

Atomic weights come from ``mixmap/data/elements.csv`` (IUPAC/CIAAW standard atomic weights 2021,
Prohaska et al., Pure Appl. Chem. 94, 573 (2022); see the file header).
"""

from __future__ import annotations

import csv
import math
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from collections.abc import Mapping

import numpy as np

from .errors import DataError, FormatError, InputError
from ._validate import check_number

__all__ = [
    "parse_formula",
    "formula_mass",
    "read_spot_table",
    "precursor_fractions",
    "PrecursorResult",
    "PrecursorSamples",
    "precursor_map",
    "PrecursorMap",
]

DEFAULT_EXCLUDED = ("H", "He", "Li")


# --- element data -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Element:
    Z: int
    symbol: str
    atomic_weight: float
    density: float  # g/cm^3 at room temperature, nan for gases / unknown
    edges: dict  # shell -> keV ("K", "L3", "M5")


@lru_cache(maxsize=1)
def _elements() -> dict[str, _Element]:
    """Element data from ``mixmap/data/elements.csv`` keyed by symbol (see the file header)."""
    text = resources.files("mixmap.data").joinpath("elements.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    out = {}
    for row in csv.DictReader(lines):

        def num(key):
            v = row[key].strip()
            return float(v) if v else math.nan

        edges = {s: num(f"{s}_edge_keV") for s in ("K", "L3", "M5")}
        out[row["symbol"]] = _Element(
            int(row["Z"]), row["symbol"], float(row["atomic_weight"]), num("density_g_cm3"), edges
        )
    return out


def _check_symbol(sym: str, where: str) -> None:
    if sym not in _elements():
        raise InputError(
            f"unknown element {sym!r} in {where}; element symbols are case-sensitive "
            f"(e.g. 'Co' cobalt, 'CO' carbon + oxygen) and must be one of H..Cf"
        )


# --- formula parser -----------------------------------------------------------------------------
_HYDRATE_SEPARATORS = "·•∙⋅*"
_OPEN = {"(": ")", "[": "]", "{": "}"}
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_SYMBOL = re.compile(r"[A-Z][a-z]?")


class _FormulaParser:
    """Recursive-descent parser: formula := part (SEP part)*; part := [number] group+;
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
            _check_symbol(sym, f"formula {self.original!r}")
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
            _check_symbol(str(el), "the composition mapping")
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
    els = _elements()
    return float(sum(els[el].atomic_weight * k for el, k in parse_formula(formula).items()))


# --- spot tables --------------------------------------------------------------------------------
_BASIS_WORDS = {"at": "at", "atomic": "at", "atom": "at", "mol": "at", "w": "w", "wt": "w", "mass": "w", "weight": "w"}
_ELEMENT_COLUMN = re.compile(
    r"^\s*([A-Z][a-z]?)\s*(?:[_\s]\s*|(?=[(\[]))?"
    r"(?:[(\[]\s*)?(at|atomic|atom|mol|wt|w|mass|weight)?\s*\.?\s*(%|percent|pct)?\s*(?:[)\]])?\s*$"
)
_META = {
    "spot": (
        "spot",
        "spectrum #",
        "spectrum#",
        "spot #",
        "spot#",
        "spot_id",
        "spot id",
        "spectrum id",
        "spectrum_id",
        "id",
    ),
    "sample": ("sample", "sample id", "sample_id", "sample name"),
    "particle": ("particle", "particle #", "particle#", "particle_id", "particle id"),
    "frame": ("frame", "frame id", "frame_id"),
    "quant_flag": ("quant_flag", "quant flag", "quantflag", "flag"),
    "analytical_error": (
        "analytical_error",
        "an er w%",
        "an. er. w%",
        "analytical error",
        "analytical error w%",
        "analytical_error_w%",
        "an_er_w%",
    ),
    "spot_x": ("spot_x", "x"),
    "spot_y": ("spot_y", "y"),
}
_META_ORDER = ("spot", "sample", "particle", "frame", "spot_x", "spot_y", "quant_flag", "analytical_error")


def _element_columns(columns) -> dict[str, dict[str, str]]:
    """Map basis ('at', 'w', None for bare symbols) -> {element: column name}."""
    els = _elements()
    found: dict = {"at": {}, "w": {}, None: {}}
    for col in columns:
        if not isinstance(col, str):
            continue
        m = _ELEMENT_COLUMN.match(col)
        if not m or m.group(1) not in els:
            continue
        word, pct = m.group(2), m.group(3)
        if word is None and pct is not None:
            continue  # "Fe%": basis unknown, treated as metadata
        basis = _BASIS_WORDS[word] if word else None
        el = m.group(1)
        if el in found[basis]:
            raise FormatError(
                f"columns {found[basis][el]!r} and {col!r} both hold {el} "
                f"({'bare' if basis is None else basis + '%'}); keep one of them"
            )
        found[basis][el] = col
    return found


@dataclass(frozen=True)
class _Parsed:
    """Columns of a spot table as arrays: metadata, elements (by Z) and one or both bases."""

    meta: dict
    elements: list
    at: np.ndarray | None
    w: np.ndarray | None

    def basis(self, which: str) -> np.ndarray:
        """Element fractions in ``"atomic"`` or ``"mass"`` basis, converting if needed (the
        converted basis is normalised to 100 %).
        """
        els = _elements()
        weights = np.array([els[e].atomic_weight for e in self.elements])
        with np.errstate(invalid="ignore", divide="ignore"):
            if which == "atomic":
                if self.at is not None:
                    return self.at
                m = self.w / weights
            else:
                if self.w is not None:
                    return self.w
                m = self.at * weights
            return 100.0 * m / m.sum(axis=1, keepdims=True)


def _parse_table(df, *, bare: str = "atomic", sample=None) -> _Parsed:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"table must be a pandas DataFrame (read files with mixmap.read_spot_table(path)), got {type(df).__name__}"
        )
    if bare not in ("atomic", "mass"):
        raise InputError(f"bare must be 'atomic' or 'mass', got {bare!r}")
    found = _element_columns(df.columns)
    if found["at"] or found["w"]:
        at_cols, w_cols = found["at"], found["w"]
    else:
        at_cols, w_cols = (found[None], {}) if bare == "atomic" else ({}, found[None])
    if not at_cols and not w_cols:
        raise FormatError(
            "the table has no element composition columns; expected AutoEMX columns like "
            "'Al_at%' / 'Al_w%' or one column per element ('Al', 'Al_at%', 'Al (wt%)'); columns "
            f"found: {list(df.columns)[:20]}"
        )
    if at_cols and w_cols and set(at_cols) != set(w_cols):
        only = sorted(set(at_cols) ^ set(w_cols))
        raise FormatError(
            f"element(s) {only} have an atomic or a mass column but not both; give every element in the same bases"
        )
    els = _elements()
    order = sorted(set(at_cols) | set(w_cols), key=lambda e: els[e].Z)

    def numeric(col):
        raw = df[col]
        if pd.api.types.is_numeric_dtype(raw.dtype):
            return raw.to_numpy(dtype=np.float64, na_value=np.nan)
        v = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        cand = np.flatnonzero(np.isnan(v) & raw.notna().to_numpy())
        for i in cand:  # only the cells that failed to convert are inspected
            if str(raw.iloc[i]).strip() != "":
                raise FormatError(
                    f"column {col!r} has non-numeric values, e.g. {raw.iloc[i]!r} in row {i}; fix or delete those cells"
                )
        return v

    meta = {}
    lower = {str(c).strip().lower(): c for c in df.columns}
    element_source = set(at_cols.values()) | set(w_cols.values())
    for key in _META_ORDER:
        for alias in _META[key]:
            col = lower.get(alias)
            if col is not None and col not in element_source:
                if key in ("quant_flag", "analytical_error", "spot_x", "spot_y"):
                    meta[key] = numeric(col)
                else:
                    meta[key] = df[col].to_numpy()
                break
    if "spot" not in meta:
        meta["spot"] = np.arange(len(df))
    if sample is not None:
        if "sample" in meta:
            raise InputError(f"the table already has a sample column; sample={sample!r} would overwrite it")
        meta["sample"] = np.full(len(df), sample, dtype=object)
    meta = {k: meta[k] for k in _META_ORDER if k in meta}

    def stack(cols):
        if not cols:
            return None
        out = np.empty((len(df), len(order)))
        for j, e in enumerate(order):
            out[:, j] = numeric(cols[e])
        return out

    return _Parsed(meta, order, stack(at_cols), stack(w_cols))


def _normalise_table(df, *, bare: str = "atomic", sample=None):
    """Bring a spot DataFrame to mixmap's normalised layout (see :func:`read_spot_table`)."""
    import pandas as pd

    parsed = _parse_table(df, bare=bare, sample=sample)
    out = dict(parsed.meta)
    at, w = parsed.basis("atomic"), parsed.basis("mass")
    for j, e in enumerate(parsed.elements):
        out[f"{e}_at%"] = at[:, j]
    for j, e in enumerate(parsed.elements):
        out[f"{e}_w%"] = w[:, j]
    return pd.DataFrame(out, index=df.index)


def read_spot_table(path, *, sample=None, bare: str = "atomic"):
    """Read a per-spot EDS composition table into mixmap's normalised layout.

    Reads the exports of AutoEMXSp / AutoEMX (``Data.csv``, ``Compositions.csv``: columns
    ``<El>_at%``, ``<El>_w%``, ``An er w%`` (analytical error, wt%), ``Quant_flag``,
    ``Spectrum #``, ``Particle #``, ``Frame ID``, ``x``, ``y``; rows of spots that failed
    quantification have empty compositions and are kept as NaN) and generic CSV files with one
    column per element named ``Fe``, ``Fe_at%``, ``Fe (at%)``, ``Fe at.%``, ``Fe_w%``, ``Fe_wt%``,
    ``Fe (wt%)``, ``Fe_mass%``, … (percent or fractions; every spot is renormalised later).

    Parameters
    ----------
    path : str or path-like
        CSV file (comma, semicolon or tab separated, detected automatically; decimal commas are
        accepted when the numbers do not parse otherwise).
    sample : str, optional
        Value of a ``sample`` column added to every row (to combine several files and compare
        them with ``precursor_fractions(..., by="sample")``). Not allowed when the file already
        has a sample column.
    bare : {"atomic", "mass"}
        Basis of bare element columns (``Fe``) when the file has no ``_at%``/``_w%`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns, in order: ``spot`` (spot id; row number when the file has none), optional
        ``sample``, ``particle``, ``frame``, ``spot_x``, ``spot_y``, ``quant_flag``,
        ``analytical_error`` (wt%), then ``<El>_at%`` and ``<El>_w%`` for every element, ordered
        by Z. The basis missing from the file is computed from the other with IUPAC/CIAAW 2021
        atomic weights and normalised to 100 %. Other columns (spectra, fit metrics, comments)
        are dropped. Feeding the result back to :func:`precursor_fractions` is lossless.

    Raises
    ------
    mixmap.FormatError
        Unreadable file, no element columns, duplicated element columns, non-numeric cells.
    """
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "No such file", str(p))

    def read(**kw):
        try:
            return pd.read_csv(p, sep=None, engine="python", encoding="utf-8-sig", **kw)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
            raise FormatError(f"cannot read spot table {str(p)!r} as CSV: {exc}") from exc

    try:
        return _normalise_table(read(), bare=bare, sample=sample)
    except FormatError as exc:
        if "non-numeric" in str(exc):
            try:  # decimal commas (semicolon-separated exports of European locales)
                return _normalise_table(read(decimal=","), bare=bare, sample=sample)
            except FormatError:
                pass
        raise FormatError(f"{p.name}: {exc}") from None


# --- precursor compositions ---------------------------------------------------------------------
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
        _check_symbol(str(el), "exclude_elements")
        out.append(str(el))
    return tuple(out)


def _segment(precursor_a, precursor_b, available, basis, excluded) -> _Segment:
    if basis not in ("atomic", "mass"):
        raise InputError(f"basis must be 'atomic' or 'mass', got {basis!r}")
    els = _elements()
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
    from .kernels.precursors import project_spots

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


# --- statistics ---------------------------------------------------------------------------------
_EXACT_BOOTSTRAP_LIMIT = 20_000_000  # n_spots * n_boot above which the normal approximation is used


def _std_ci(x: np.ndarray, rng: np.random.Generator, n_boot: int, confidence: float):
    """Percentile bootstrap interval of the population standard deviation of ``x``.

    Exact resampling when ``len(x) * n_boot`` is at most 2e7. Beyond that, the resampled sums
    (Σ k_i x_i, Σ k_i x_i²) with multinomial counts k are drawn from their exact mean and
    covariance (n times the population covariance of (x, x²)) in a bivariate normal: the
    large-sample limit of the same bootstrap, accurate for the > 2e4 spots where it is used.
    """
    n = len(x)
    if n < 2 or n_boot == 0:
        return (math.nan, math.nan), "none"
    if n * n_boot <= _EXACT_BOOTSTRAP_LIMIT:
        stds = np.empty(n_boot)
        chunk = max(1, 2_000_000 // n)
        for i in range(0, n_boot, chunk):
            m = min(chunk, n_boot - i)
            stds[i : i + m] = x[rng.integers(0, n, size=(m, n))].std(axis=1)
        method = "bootstrap"
    else:
        y = np.column_stack([x, x * x])
        mean = y.sum(axis=0)
        cov = n * np.cov(y, rowvar=False, ddof=0)
        sums = rng.multivariate_normal(mean, cov, size=n_boot, method="eigh")
        var = sums[:, 1] / n - (sums[:, 0] / n) ** 2
        stds = np.sqrt(np.maximum(var, 0.0))
        method = "bootstrap-normal"
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(stds, [alpha, 1.0 - alpha])
    return (float(lo), float(hi)), method


# --- results ------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PrecursorResult:
    """Molar fractions of precursor A per EDS spot and their spread (one sample).

    Attributes
    ----------
    precursor_a, precursor_b : str
        Formulas of the two precursors; ``x`` is the molar fraction of ``precursor_a``.
    basis : str
        ``"atomic"`` or ``"mass"``: the composition basis of the projection.
    elements : tuple of str
        Elements used (table elements minus ``exclude_elements``).
    units_per_formula : tuple of float
        Detected atoms (atomic basis) or detected molar mass in g/mol (mass basis) per formula
        unit of A and of B, ``(N_a, N_b)``.
    spot : ndarray
        Ids of the accepted spots.
    x, c, residual : ndarray
        Molar fraction of A, share of detected atoms (or mass) from A, and distance of the spot
        composition to the segment between the precursors (fraction units, 0-1), per spot.
    mean, std, std_sample : float
        Mean of x, population standard deviation (ddof=0) and sample standard deviation
        (ddof=1). ``std`` × 100 is σ in percentage points (``std_pp``); σ ≈ 5 pp indicates very
        well mixed precursors (AutoEMXSp tutorial).
    std_ci : tuple of float
        Bootstrap ``confidence`` interval of ``std`` (``std_ci_method``).
    molar_ratio : float
        mean / (1 - mean): formula units of A per formula unit of B.
    n_spots, n_rejected : int
    rejected : pandas.DataFrame
        Rejected spots with columns ``spot``, (the ``by`` column), ``reason`` (categorical).
    generation_size_um : float or None
        Kanaya-Okayama range used for the generation-volume check, when known.
    sample : object
        Sample label (``by=`` grouping), else None.
    """

    precursor_a: str
    precursor_b: str
    basis: str
    elements: tuple
    units_per_formula: tuple
    spot: np.ndarray
    x: np.ndarray
    c: np.ndarray
    residual: np.ndarray
    mean: float
    std: float
    std_sample: float
    std_ci: tuple
    std_ci_method: str
    confidence: float
    molar_ratio: float
    n_spots: int
    n_rejected: int
    rejected: object = field(repr=False)
    generation_size_um: float | None = None
    sample: object = None

    @property
    def std_pp(self) -> float:
        """σ of x in percentage points (100 × ``std``)."""
        return 100.0 * self.std

    def to_dict(self) -> dict:
        """Scalars of the result (``std_ci`` split into ``std_ci_low`` / ``std_ci_high``)."""
        d = {
            "precursor_a": self.precursor_a,
            "precursor_b": self.precursor_b,
            "basis": self.basis,
            "n_spots": self.n_spots,
            "n_rejected": self.n_rejected,
            "mean": self.mean,
            "std": self.std,
            "std_pp": self.std_pp,
            "std_sample": self.std_sample,
            "std_ci_low": self.std_ci[0],
            "std_ci_high": self.std_ci[1],
            "std_ci_low_pp": 100.0 * self.std_ci[0],
            "std_ci_high_pp": 100.0 * self.std_ci[1],
            "std_ci_method": self.std_ci_method,
            "confidence": self.confidence,
            "molar_ratio": self.molar_ratio,
            "median_residual": float(np.median(self.residual)),
            "generation_size_um": self.generation_size_um,
        }
        if self.sample is not None:
            d = {"sample": self.sample, **d}
        return d

    def to_frame(self):
        """Per-spot table: ``spot``, (``sample``), ``x``, ``c``, ``residual``."""
        import pandas as pd

        cols = {"spot": self.spot}
        if self.sample is not None:
            cols["sample"] = np.full(len(self.spot), self.sample, dtype=object)
        cols.update(x=self.x, c=self.c, residual=self.residual)
        return pd.DataFrame(cols)


@dataclass(frozen=True, eq=False)
class PrecursorSamples:
    """One :class:`PrecursorResult` per sample (``precursor_fractions(..., by=column)``).

    Attributes
    ----------
    by : str
        Grouping column.
    results : dict
        Sample label -> :class:`PrecursorResult`, in order of first appearance in the table.
    """

    by: str
    results: dict

    def __getitem__(self, label) -> PrecursorResult:
        return self.results[label]

    def __iter__(self):
        return iter(self.results.values())

    def __len__(self) -> int:
        return len(self.results)

    def to_dict(self) -> dict:
        """Sample label -> scalar summary (:meth:`PrecursorResult.to_dict`)."""
        return {k: r.to_dict() for k, r in self.results.items()}

    def to_frame(self):
        """One row per sample (mean, std, std_pp, CI, n_spots, ...), for comparing protocols."""
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.results.values()])

    def spots(self):
        """All accepted spots of all samples (:meth:`PrecursorResult.to_frame` concatenated)."""
        import pandas as pd

        return pd.concat([r.to_frame() for r in self.results.values()], ignore_index=True)


# --- generation-volume check --------------------------------------------------------------------
def _generation_size(seg: _Segment | None, formulas, beam_energy_keV, densities, generation_size_um):
    if generation_size_um is not None:
        return check_number("generation_size_um", generation_size_um, unit="µm")
    if beam_energy_keV is None:
        if densities is not None:
            raise InputError("densities= needs beam_energy_keV= (keV) to compute the range")
        return None
    from .chemistry.generation import generation_size_um as ko_max

    try:
        return ko_max(formulas, beam_energy_keV, densities)
    except InputError as exc:
        raise InputError(
            f"{exc} (pass densities=(rho_a, rho_b) in g/cm^3 with beam_energy_keV, or generation_size_um= directly)"
        ) from None


def _warn_scale(length_um: float, generation_um: float, what: str) -> None:
    from .chemistry.generation import GenerationVolumeWarning

    if length_um < generation_um:
        warnings.warn(
            f"{what} ({length_um:.3g} µm) is smaller than the X-ray generation size "
            f"({generation_um:.3g} µm): neighbouring measurements overlap and "
            f"intermixing on scales below {generation_um:.3g} µm cannot be resolved, so σ "
            f"underestimates the segregation at this scale",
            GenerationVolumeWarning,
            stacklevel=3,
        )


# --- precursor_fractions ------------------------------------------------------------------------
def precursor_fractions(
    table,
    precursor_a,
    precursor_b,
    *,
    basis: str = "atomic",
    exclude_elements=DEFAULT_EXCLUDED,
    accepted_flags=None,
    max_analytical_error=None,
    max_residual=None,
    by=None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed=None,
    beam_energy_keV=None,
    densities=None,
    spot_spacing_um=None,
    generation_size_um=None,
):
    """Molar fraction of precursor A at every EDS spot and the spread σ that measures intermixing.

    Implements the precursor-intermixing analysis of the AutoEMXSp tutorial
    (../shared/references/000_ca88543bc3c88495.txt, "Output": distribution and standard deviation
    σ of the spot molar fractions; σ ≈ 5 indicates very well mixed precursors), with the
    projection described in the module docstring (closed-form constrained least squares, clipped
    to the segment between the precursors, then converted from atom/mass share to a molar
    fraction of formula units). Vectorised: about 10⁶ spots per second.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`read_spot_table` or any DataFrame with element columns (``Al_at%``,
        ``Al (wt%)``, bare ``Al`` read as atomic).
    precursor_a, precursor_b : str or mapping
        Formulas (``"Al2O3"``, ``"Mg(OH)2"``) or ``{element: count}``. ``x`` is the molar
        fraction of ``precursor_a``.
    basis : {"atomic", "mass"}
        Composition basis of the projection (the share ``c`` is of detected atoms or of mass).
    exclude_elements : sequence of str
        Elements that EDS cannot quantify (default H, He, Li); removed from the spots and the
        precursors before normalising. Table elements in neither precursor (and not excluded)
        are kept and count in the residual.
    accepted_flags : sequence of int, optional
        Keep only spots whose ``quant_flag`` is in this list (AutoEMXSp's default is ``[0, -1]``).
        None keeps all flags.
    max_analytical_error : float, optional
        Keep spots with ``-(max + allowance) <= analytical_error <= max`` (wt%), where the
        allowance is the mass percent of excluded (undetectable) elements in the precursor that
        has most of them (e.g. 3.5 wt% H for Mg(OH)2), since their absence lowers the analytical
        total. None disables the check.
    max_residual : float, optional
        Reject spots farther than this from the precursor segment (fraction units, e.g. 0.1):
        spots of impurities or of a third phase.
    by : str, optional
        Column to group by (e.g. ``"sample"``): returns :class:`PrecursorSamples`, one result per
        group, to compare mixing protocols.
    n_boot : int
        Bootstrap replicates for ``std_ci`` (0 disables it).
    confidence : float
        Confidence level of ``std_ci``.
    seed : int, Generator or None
        Seed of the bootstrap; group ``i`` uses child ``i`` of the seed.
    beam_energy_keV : float, optional
        With ``densities=(rho_a, rho_b)`` (g/cm³; tabulated for pure elements), computes the
        Kanaya-Okayama range (:func:`mixmap.kanaya_okayama_range`) of both precursors; the larger
        is the generation size.
    densities : tuple of float, optional
        Densities of A and B in g/cm³.
    spot_spacing_um : float, optional
        Distance between neighbouring spots (µm). A :class:`mixmap.GenerationVolumeWarning`
        is emitted when it is smaller than the generation size, as the reference warns; needs
        ``beam_energy_keV`` or ``generation_size_um`` (InputError otherwise).
    generation_size_um : float, optional
        Generation size in µm given directly (instead of ``beam_energy_keV``).

    Returns
    -------
    PrecursorResult or PrecursorSamples
        See :class:`PrecursorResult`; with ``by=``, one result per group.

    Raises
    ------
    mixmap.InputError
        Bad arguments (formulas, basis, flags, confidence, a missing ``quant_flag`` or
        ``analytical_error`` column for the requested filter, a missing ``by`` column).
    mixmap.DataError
        Precursor elements missing from the table; no spot (or no spot of a group) left after the
        filters (the message counts the reasons).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"Al_at%": [40.0, 20.0], "Mg_at%": [0.0, 25.0], "O_at%": [60.0, 55.0]})
    >>> r = precursor_fractions(t, "Al2O3", "MgO", seed=0)
    >>> [round(float(v), 3) for v in r.x]
    [1.0, 0.286]
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"table must be a pandas DataFrame (read files with mixmap.read_spot_table), got {type(table).__name__}"
        )
    excluded = _check_excluded(exclude_elements)
    parsed = _parse_table(table)
    seg = _segment(precursor_a, precursor_b, parsed.elements, basis, excluded)
    meta = parsed.meta
    if not 0.0 < float(confidence) < 1.0:
        raise InputError(f"confidence must be between 0 and 1, e.g. 0.95, got {confidence}")
    if int(n_boot) < 0:
        raise InputError(f"n_boot must be >= 0, got {n_boot}")
    max_err = check_number("max_analytical_error", max_analytical_error, allow_zero=True, optional=True)
    max_res = check_number("max_residual", max_residual, allow_zero=True, optional=True)
    spacing = check_number("spot_spacing_um", spot_spacing_um, allow_zero=True, optional=True)
    gen = _generation_size(seg, (precursor_a, precursor_b), beam_energy_keV, densities, generation_size_um)
    if spacing is not None and gen is None:
        raise InputError(
            "spot_spacing_um needs a generation size to compare with: pass beam_energy_keV= (keV; "
            "with densities=(rho_a, rho_b) in g/cm^3 for compounds) or generation_size_um="
        )
    if spacing is not None:
        _warn_scale(spacing, gen, "the spot spacing")

    full = parsed.basis(basis)
    cols = [parsed.elements.index(el) for el in seg.elements]
    S = full if cols == list(range(full.shape[1])) else full[:, cols]
    n = len(S)
    reasons: list[str] = []
    code = np.full(n, -1, dtype=np.int16)  # index into reasons, -1 = accepted

    def reject(mask, why):
        m = mask & (code < 0)
        if m.any():
            if why not in reasons:
                reasons.append(why)
            code[m] = reasons.index(why)

    c, res, x, status = _project_status(S, seg)
    reject(status == 1, "missing composition")
    if accepted_flags is not None:
        if "quant_flag" not in meta:
            raise InputError(
                "accepted_flags needs a quant_flag column (AutoEMX 'Quant_flag'); the table has "
                "none - pass accepted_flags=None"
            )
        try:
            flags = np.asarray(
                [accepted_flags] if np.isscalar(accepted_flags) else list(accepted_flags), dtype=np.float64
            )
        except (TypeError, ValueError):
            raise InputError(f"accepted_flags must be integers such as [0, -1], got {accepted_flags!r}") from None
        reject(~np.isin(meta["quant_flag"], flags), f"quant_flag not in {sorted(int(f) for f in flags)}")
    if max_err is not None:
        if "analytical_error" not in meta:
            raise InputError(
                "max_analytical_error needs an analytical_error column (AutoEMX 'An er w%'); "
                "the table has none - pass max_analytical_error=None"
            )
        err = meta["analytical_error"]
        reject(~np.isfinite(err), "no analytical error")
        with np.errstate(invalid="ignore"):
            bad = (err > max_err) | (err < -(max_err + seg.allowance))
        reject(bad, f"analytical error outside [-{max_err + seg.allowance:.3g}, {max_err:g}] wt%")
    reject(status == 2, "negative element fraction")
    reject(status == 3, "no detected element")
    reject(status == 4, "no precursor element detected")
    ok = code < 0
    if max_res is not None:
        with np.errstate(invalid="ignore"):
            reject(ok & (res > max_res), f"residual > {max_res:g}")
        ok = code < 0

    spot = meta["spot"]
    if by is None:
        groups = [(None, None)]
        seeds = [seed]
    else:
        if by in meta:
            labels = meta[by]
        elif by in table.columns:
            labels = table[by].to_numpy()
        else:
            raise InputError(
                f"by={by!r} is not a column of the table; columns: "
                f"{[c_ for c_ in table.columns if not _ELEMENT_COLUMN.match(str(c_))]}"
            )
        missing = pd.isna(pd.Series(labels)).to_numpy()
        if missing.any():
            raise InputError(
                f"the by={by!r} column is empty in {int(missing.sum())} row(s) (e.g. row "
                f"{int(np.flatnonzero(missing)[0])}); fill in the sample names or drop those rows"
            )
        uniq = pd.unique(pd.Series(labels))
        groups = [(u, labels == u) for u in uniq]
        from ._random import spawn

        seeds = spawn(seed, len(groups))

    from ._random import generator

    results = {}
    for (label, gmask), s in zip(groups, seeds):
        acc = ok if gmask is None else gmask & ok
        rej = ~ok if gmask is None else gmask & ~ok
        n_group = n if gmask is None else int(gmask.sum())
        rcodes = code[rej]
        rejected = pd.DataFrame(
            {
                "spot": spot[rej],
                "reason": pd.Categorical.from_codes(rcodes, categories=reasons or ["-"]),
            }
        )
        if label is not None:
            rejected.insert(1, by, label)
        if not acc.any():
            counts = np.bincount(rcodes, minlength=len(reasons))
            detail = "; ".join(f"{reasons[k]}: {counts[k]}" for k in np.flatnonzero(counts))
            detail = detail or "the table is empty"
            where = "" if label is None else f" of {by} = {label!r}"
            raise DataError(
                f"no spot{where} left for the analysis ({n_group} spots; rejected - "
                f"{detail}); relax accepted_flags / max_analytical_error / max_residual or check "
                f"the precursors"
            )
        xs = x[acc] if not acc.all() else x
        rng = generator(s)
        ci, method = _std_ci(xs, rng, int(n_boot), float(confidence))
        mean = float(xs.mean())
        results[label] = PrecursorResult(
            precursor_a=seg.formula_a,
            precursor_b=seg.formula_b,
            basis=basis,
            elements=seg.elements,
            units_per_formula=(seg.units_a, seg.units_b),
            spot=spot[acc],
            x=xs,
            c=c[acc] if not acc.all() else c,
            residual=res[acc] if not acc.all() else res,
            mean=mean,
            std=float(xs.std()),
            std_sample=float(xs.std(ddof=1)) if len(xs) > 1 else math.nan,
            std_ci=ci,
            std_ci_method=method,
            confidence=float(confidence),
            molar_ratio=mean / (1.0 - mean) if mean < 1.0 else math.inf,
            n_spots=int(acc.sum()),
            n_rejected=int(rej.sum()),
            rejected=rejected,
            generation_size_um=gen,
            sample=label,
        )
    if by is None:
        return results[None]
    return PrecursorSamples(by=str(by), results=results)


# --- map mode -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PrecursorMap:
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
    x: np.ndarray = field(repr=False)
    c: np.ndarray = field(repr=False)
    residual: np.ndarray = field(repr=False)
    foreground: np.ndarray = field(repr=False)
    mean: float
    pixel_std: float
    target_counts: np.ndarray
    cutout_area_nm2: np.ndarray
    concentrations: np.ndarray = field(repr=False)
    cutout_mean: np.ndarray
    cutout_std: np.ndarray
    generation_size_um: float | None = None

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
        import pandas as pd

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
        _check_symbol(str(el), "maps")
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
    els = _elements()
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
    seed=None,
    beam_energy_keV=None,
    densities=None,
    generation_size_um=None,
):
    """Per-pixel precursor molar fraction from quantified element maps, and σ at a cutout area.

    Map mode of :func:`precursor_fractions`: every pixel of the quantified maps is projected on
    the segment between the two precursors exactly like an EDS spot (module docstring). The
    spread of x over square cutouts holding a given number of foreground pixels is then sampled
    with the intra-aggregate exact-N cutout kernel (:func:`mixmap.intra.sample_cutouts`,
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
    seed : int, Generator or None
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
        from .mixing import sample_cutouts

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
