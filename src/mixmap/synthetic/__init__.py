"""Synthetic ground truth: 3-D hetero-aggregates, their 2-D projections, spectrum images, profiles."""

from __future__ import annotations

import lazy_loader as _lazy

# Public names are declared once, in __init__.pyi (also read by IDEs and type checkers).
__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
