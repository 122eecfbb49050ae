"""Lazy attribute loading for packages (PEP 562), so ``import mixmap`` stays fast.

The public names of a package are declared in one mapping ``{name: submodule}``; the submodule is
imported on first access. ``mixmap --help`` therefore does not compile Numba kernels or import Dask.
"""

from __future__ import annotations

import importlib


def attach(package: str, mapping: dict[str, str]):
    """Return ``(__getattr__, __dir__, __all__)`` for a package exposing ``mapping`` lazily.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    mapping : dict
        Public name -> submodule (relative, without the leading dot). A name equal to its
        submodule exposes the submodule itself.
    """
    names = sorted(mapping)

    def __getattr__(name: str):
        try:
            sub = mapping[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        module = importlib.import_module(f"{package}.{sub}")
        value = module if name == sub else getattr(module, name)
        import sys

        setattr(sys.modules[package], name, value)
        return value

    def __dir__():
        return names

    return __getattr__, __dir__, names
