"""Figures (matplotlib, headless): ``pip install mixmap[plot]``.

Every function returns the matplotlib Figure and, when ``path`` is given, saves it as PNG.
"""

from __future__ import annotations

import lazy_loader as _lazy

# Public names are declared once, in __init__.pyi (also read by IDEs and type checkers).
__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
