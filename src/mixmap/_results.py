"""The base of every public result object: compares by identity, hashes, prints in one short line.

Result classes are frozen dataclasses declared with :func:`result` (``eq=False``, so ``==`` and
``hash()`` work even though fields hold arrays) that inherit :class:`Result` for ``to_dict``,
``to_frame``, a one-line ``repr`` (at most 300 characters, arrays shown by shape) and a small HTML
table for Jupyter.
"""

from __future__ import annotations

import dataclasses
import html
import math
from typing import Any, ClassVar

import numpy as np

__all__ = ["Result", "result", "format_value"]

_REPR_MAX = 300


def result(cls=None, *, frozen: bool = True):
    """Class decorator: ``dataclass(frozen=frozen, eq=False, repr=False)``.

    ``repr=False`` keeps :meth:`Result.__repr__`; ``eq=False`` keeps identity comparison and
    hashing (a dataclass ``__eq__`` on array fields raises, and ``eq=True`` removes ``__hash__``).
    """

    def wrap(c):
        return dataclasses.dataclass(frozen=frozen, eq=False, repr=False)(c)

    return wrap if cls is None else wrap(cls)


def _is_scalar(v) -> bool:
    return v is None or isinstance(v, (bool, int, float, str, np.number, np.bool_))


def _is_scalar_tuple(v) -> bool:
    return isinstance(v, tuple) and len(v) <= 4 and all(_is_scalar(x) for x in v)


def format_value(v) -> str:
    """A short text for one value: numbers to 4 significant digits, arrays by shape."""
    if isinstance(v, (bool, np.bool_)) or v is None:
        return str(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return "nan" if math.isnan(f) else f"{f:.4g}"
    if isinstance(v, str):
        return repr(v) if len(v) <= 40 else repr(v[:37] + "...")
    if isinstance(v, np.ndarray):
        return f"<{v.dtype} array {'x'.join(map(str, v.shape))}>"
    if isinstance(v, tuple) and _is_scalar_tuple(v):
        return "(" + ", ".join(format_value(x) for x in v) + ")"
    if hasattr(v, "shape") and hasattr(v, "columns"):
        return f"<table {v.shape[0]}x{v.shape[1]}>"
    if isinstance(v, (list, tuple, dict)):
        return f"<{type(v).__name__} of {len(v)}>"
    return f"<{type(v).__name__}>"


class Result:
    """Mix-in of every mixmap result (declare subclasses with :func:`result`).

    ``_summary`` (a class attribute) names the fields shown first by ``repr``; by default all
    scalar fields in declaration order.
    """

    _summary: ClassVar[tuple[str, ...]] = ()

    def _fields(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self)]

    def _scalar_items(self) -> list[tuple[str, Any]]:
        return [
            (k, getattr(self, k))
            for k in self._fields()
            if _is_scalar(getattr(self, k)) or _is_scalar_tuple(getattr(self, k))
        ]

    def to_dict(self, arrays: bool = False) -> dict:
        """Scalar fields as a dict; a 2-tuple ``*_ci`` becomes ``*_ci_low`` and ``*_ci_high``.

        Parameters
        ----------
        arrays : bool
            Also include the non-scalar fields (arrays, tables) as they are.
        """
        d: dict[str, Any] = {}
        for k in self._fields():
            v = getattr(self, k)
            if k.endswith("_ci") and isinstance(v, tuple) and len(v) == 2:
                d[f"{k}_low"], d[f"{k}_high"] = v
            elif _is_scalar(v) or _is_scalar_tuple(v) or arrays:
                d[k] = v
        return d

    def to_frame(self):
        """The scalar fields as a one-row :class:`pandas.DataFrame`."""
        import pandas as pd

        return pd.DataFrame([self.to_dict()])

    def __repr__(self) -> str:
        names = list(self._summary) or [k for k, _ in self._scalar_items()]
        rest = [k for k in self._fields() if k not in names]
        parts, length = [], len(type(self).__name__) + 2
        for k in names + rest:
            text = f"{k}={format_value(getattr(self, k))}"
            if length + len(text) + 2 > _REPR_MAX - 5:
                parts.append("...")
                break
            parts.append(text)
            length += len(text) + 2
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(format_value(getattr(self, k)))}</td></tr>"
            for k in self._fields()
        )
        return (
            f"<table><caption style='text-align:left'><b>{html.escape(type(self).__name__)}</b></caption>{rows}</table>"
        )
