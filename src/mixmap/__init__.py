"""mixmap: how well are materials mixed? Numbers with uncertainties from electron-microscopy data.

Public functions are loaded lazily on first use; see ``mixmap.__all__`` for the list.
"""

from __future__ import annotations

import lazy_loader as _lazy

__version__ = "0.2.0.dev0"

# The public names (errors and warnings included) are declared once, in __init__.pyi, which
# lazy_loader reads and IDEs and type checkers see; a name is imported on first use.
__getattr__, _lazy_dir, _lazy_all = _lazy.attach_stub(__name__, __file__)
__all__ = ["__version__", *_lazy_all]


def __dir__():
    return list(__all__)
