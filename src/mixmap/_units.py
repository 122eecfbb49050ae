"""One table of units: lengths to metres, times to seconds (profile positions, pixel sizes, t)."""

from __future__ import annotations

from .errors import InputError

__all__ = ["LENGTH_M", "TIME_S", "length_factor", "time_factor"]

#: metres per unit of length
LENGTH_M = {
    "m": 1.0,
    "mm": 1e-3,
    "um": 1e-6,
    "µm": 1e-6,
    "μm": 1e-6,
    "micron": 1e-6,
    "nm": 1e-9,
    "pm": 1e-12,
    "Å": 1e-10,
    "A": 1e-10,
}
#: seconds per unit of time
TIME_S = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0, "d": 86400.0, "day": 86400.0}


def _lookup(table: dict, unit, name: str, what: str) -> float:
    key = unit.strip() if isinstance(unit, str) else unit
    if key not in table:
        raise InputError(f"{name} must be a {what} unit, one of {', '.join(table)}; got {unit!r}")
    return table[key]


def length_factor(unit, name: str = "x_unit") -> float:
    """Metres per ``unit`` (``"m"``, ``"mm"``, ``"um"``/``"µm"``/``"micron"``, ``"nm"``; None is m)."""
    if isinstance(unit, str) and unit.strip() in LENGTH_M:
        return LENGTH_M[unit.strip()]
    key = "m" if unit is None else str(unit).strip().lower().replace("μ", "µ").replace("µm", "um")
    if key not in LENGTH_M:
        raise InputError(f"{name}={unit!r} is not known; use one of 'm', 'mm', 'um', 'nm'")
    return LENGTH_M[key]


def time_factor(unit, name: str = "t_unit") -> float:
    """Seconds per ``unit`` (``"s"``, ``"min"``, ``"h"``, ``"d"``)."""
    return _lookup(TIME_S, unit, name, "time")
