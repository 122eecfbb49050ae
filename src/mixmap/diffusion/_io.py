"""Profiles in: CSV reading, units, validation of positions and concentrations, times with units."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .._units import LENGTH_M, TIME_S, length_factor
from ..errors import DataError, FormatError, InputError, UnitWarning

X_UNITS = LENGTH_M  # one units table for the package (mixmap._units)
TIME_UNITS = TIME_S
MIN_POINTS = 12
MAX_SPAN_M = 1.0  # a longer profile almost surely has positions in um/nm given as m


def x_scale(x_unit) -> float:
    """Metres per unit of ``x_unit`` ("m", "mm", "um"/"µm", "nm")."""
    return length_factor(x_unit, "x_unit")


def parse_time(value) -> float:
    """A time in s from a number (s) or a string with unit: "3600", "90s", "15min", "100h", "2d".

    Examples
    --------
    >>> parse_time("100h")
    360000.0
    """
    if isinstance(value, (int, float, np.integer, np.floating)):
        t = float(value)
    else:
        m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([a-zA-Z]*)\s*", str(value))
        if not m:
            raise InputError(f"cannot read the time {value!r}; write e.g. 3600, 90s, 15min, 100h or 2d")
        unit = m.group(2).lower() or "s"
        if unit not in TIME_UNITS:
            raise InputError(f"time unit {m.group(2)!r} in {value!r} is not known; use s, min, h or d")
        try:
            t = float(m.group(1)) * TIME_UNITS[unit]
        except ValueError:
            raise InputError(f"cannot read the time {value!r}; write e.g. 100h") from None
    if not np.isfinite(t) or t <= 0:
        raise InputError(f"time t must be a positive duration in s, got {value!r}")
    return t


def check_time(t) -> float:
    """Validate an annealing time (s, or a string with unit)."""
    if t is None:
        raise InputError("the annealing time t is required (in s, or a string such as '100h')")
    return parse_time(t)


def _bad_indices(mask) -> str:
    idx = np.flatnonzero(mask)
    head = ", ".join(str(i) for i in idx[:5])
    return head + (", ..." if idx.size > 5 else "")


def unpack_line_profile(x, c):
    """(positions in m, values) from a :func:`mixmap.line_profile` result passed as ``x`` with ``c=None``.

    Other inputs are returned unchanged.
    """
    if c is None and hasattr(x, "position_m") and hasattr(x, "values"):
        if x.position_m is None:
            raise InputError("the line profile has no position_m; call mixmap.line_profile(..., pixel_size=nm)")
        v = np.asarray(x.values, dtype=float)
        if v.ndim != 1:
            names = ", ".join(map(str, x.names or ()))
            raise InputError(
                f"the line profile holds {v.shape[1]} maps ({names}); pass one concentration, "
                "e.g. x=lp.position_m, c=lp.values[:, k] or c=A/(A+B) of two columns"
            )
        return np.asarray(x.position_m, dtype=float), v
    return x, c


def check_profile(x, c, *, x_unit="m", min_points: int = MIN_POINTS):
    """Validate a profile; return ``x`` in m (increasing, float) and ``c`` as (n_scans, n) floats.

    A decreasing ``x`` is reversed together with ``c``. Raises on non-monotonic or duplicate
    positions, NaN/inf values, shape mismatches and fewer than ``min_points`` points.
    """
    x = np.asarray(x, dtype=float)
    c = np.asarray(c, dtype=float)
    if x.ndim != 1:
        raise InputError(f"x must be a 1-D array of positions, got shape {x.shape}")
    if c.ndim == 1:
        c = c[None, :]
    if c.ndim != 2 or c.shape[1] != x.size:
        raise InputError(
            f"c must have shape ({x.size},) or (n_scans, {x.size}) to match x, got {np.shape(c)}"
            " (parallel scans go in rows)"
        )
    if x.size < min_points:
        raise DataError(
            f"the profile has {x.size} points; at least {min_points} are needed "
            "(both plateaus and the transition must be sampled)"
        )
    if not np.all(np.isfinite(x)):
        raise DataError(
            f"x has {np.sum(~np.isfinite(x))} NaN/inf values at indices "
            f"{_bad_indices(~np.isfinite(x))}; remove those points from x and c"
        )
    bad = ~np.isfinite(c)
    if bad.any():
        raise DataError(
            f"c has {bad.sum()} NaN/inf values at indices {_bad_indices(bad.any(0))}; "
            "remove those points (e.g. keep = np.isfinite(c); x, c = x[keep], c[keep])"
        )
    d = np.diff(x)
    if np.any(d == 0):
        raise DataError(
            f"x has duplicate positions at indices {_bad_indices(np.r_[d == 0, False])}; "
            "average the repeated points or remove them"
        )
    if np.all(d < 0):
        x, c, d = x[::-1], c[:, ::-1], -d[::-1]
    elif not np.all(d > 0):
        raise DataError(
            f"x is not monotonic (it changes direction at indices "
            f"{_bad_indices(np.r_[np.diff(np.sign(d)) != 0, False, False])}); sort the "
            "points by position (order = np.argsort(x)) or split the scan"
        )
    x = x * x_scale(x_unit)
    span = float(x[-1] - x[0])
    if span > MAX_SPAN_M:
        warnings.warn(
            f"the profile spans {span:.3g} m: positions are taken in {x_unit or 'm'}; if they are "
            "in um or nm pass x_unit='um'/'nm' (command line: --x-unit, or a header such as x_um), "
            "otherwise D is off by orders of magnitude",
            UnitWarning,
            stacklevel=3,
        )
    return x, c


def read_profile(path, *, x_col=0, c_cols=None, x_unit=None, sep=None):
    """Read a concentration profile from a CSV/TSV file.

    Parameters
    ----------
    path : str or Path
        Text table with one column of positions and one or more columns of concentrations (several
        columns = parallel line scans). A header row is optional; the delimiter is detected.
    x_col : int or str
        Position column (index or name), default the first.
    c_cols : list of int or str, optional
        Concentration columns; default every other numeric column.
    x_unit : str, optional
        Unit of the positions ("m", "mm", "um", "nm"). Default: taken from the x column name when it
        says so (``x_um``, ``x (nm)``, ``distance [µm]``), else metres.
    sep : str, optional
        Delimiter; default detected.

    Returns
    -------
    x : ndarray
        Positions in m, increasing.
    c : ndarray
        Concentrations, shape (n,) for one scan or (n_scans, n) for several.

    Examples
    --------
    >>> x, c = read_profile("profile.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    try:
        df = pd.read_csv(path, sep=sep, engine="python", comment="#")
    except Exception as exc:  # pandas raises many types for unreadable text
        raise FormatError(f"cannot read {path} as a CSV table: {exc}") from None
    if df.shape[1] < 2:
        raise FormatError(f"{path} needs at least two columns (position, concentration); found {df.shape[1]}")

    def numeric(v):
        try:
            float(v)
            return True
        except (TypeError, ValueError):
            return False

    if all(numeric(col) for col in df.columns):  # no header row
        df = pd.read_csv(path, sep=sep, engine="python", comment="#", header=None)
    cols = list(df.columns)

    def pick(key):
        if isinstance(key, (int, np.integer)) and key not in cols:
            if not -len(cols) <= key < len(cols):
                raise InputError(f"column {key} does not exist in {path} ({len(cols)} columns)")
            return cols[key]
        if key not in cols:
            raise InputError(f"column {key!r} not found in {path}; columns are {cols}")
        return key

    xname = pick(x_col)
    cnames = [pick(k) for k in c_cols] if c_cols is not None else [k for k in cols if k != xname]
    if x_unit is None:
        m = re.search(r"(?:^|[_\s(\[])(nm|um|µm|μm|mm|m)(?:$|[)\]\s])", str(xname).strip())
        x_unit = m.group(1) if m else "m"
    try:
        x = df[xname].to_numpy(dtype=float)
        c = np.vstack([df[k].to_numpy(dtype=float) for k in cnames])
    except (TypeError, ValueError) as exc:
        raise FormatError(f"non-numeric values in {path}: {exc}") from None
    if not cnames:
        raise FormatError(f"{path} has no concentration column")
    keep = np.isfinite(x) & np.all(np.isfinite(c), axis=0)
    if not keep.all():
        raise DataError(
            f"{path}: {np.sum(~keep)} rows have empty or non-numeric cells (first at data "
            f"row {int(np.flatnonzero(~keep)[0]) + 1}); fill or delete them"
        )
    x, c = check_profile(x, c, x_unit=x_unit)
    return x, (c[0] if c.shape[0] == 1 else c)
