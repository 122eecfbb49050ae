"""Spot-table I/O: element-column detection, reading AutoEMXSp / generic CSV exports, normalising.

Reads the per-spot EDS composition tables of AutoEMXSp / AutoEMX (AutoEMXSp precursor-mixing
tutorial, ../shared/references/000_ca88543bc3c88495.txt, "Output") and generic CSV files into one
layout: metadata columns, then ``<El>_at%`` and ``<El>_w%`` ordered by Z (the missing basis
converted with the IUPAC/CIAAW 2021 atomic weights of :mod:`mixmap.chemistry.elements`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._validate import check_choice
from ..chemistry.elements import element_data
from ..errors import FormatError, InputError

__all__ = ["read_spot_table"]

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
    els = element_data()
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
        """Element fractions in ``"atomic"`` or ``"mass"`` basis, converting if needed.

        The converted basis is normalised to 100 %.
        """
        els = element_data()
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
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"table must be a pandas DataFrame (read files with mixmap.read_spot_table(path)), got {type(df).__name__}"
        )
    check_choice("bare", bare, ("atomic", "mass"))
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
    els = element_data()
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
