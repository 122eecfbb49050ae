"""Command-line interface: ``mixmap <command>``; every command mirrors a Python API function.

Commands live in this package, one module per command, each exposing
``register(subparsers)``. User mistakes (any :class:`mixmap.MixmapError`, a missing file) print one
line and exit with status 2; a traceback means a bug in mixmap.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from .. import __version__
from ..errors import MixmapError


def build_parser() -> argparse.ArgumentParser:
    """The ``mixmap`` argument parser with one sub-command per module of this package."""
    parser = argparse.ArgumentParser(
        prog="mixmap",
        description="Mixing quality from electron-microscopy chemistry data.",
    )
    parser.add_argument("--version", action="version", version=f"mixmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``mixmap`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        rc = args.func(args)
    except MixmapError as exc:
        print(f"mixmap {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"mixmap {args.command}: error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mixmap {args.command}: interrupted", file=sys.stderr)
        return 130
    return int(rc or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
