"""Shared plotting helpers: headless backend, figure saving."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def pyplot():
    """Import matplotlib.pyplot with the Agg backend, or raise a clear error if it is missing."""
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on environment
        raise InputError("figures need matplotlib: pip install 'mixmap[plot]'") from exc
    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo"):
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def finish(fig, path=None, dpi: int = 150):
    """Save ``fig`` to ``path`` (PNG) when given, creating the folder; return the figure."""
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return fig
