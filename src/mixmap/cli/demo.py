"""``mixmap demo``: the main job on built-in synthetic aggregates."""

from __future__ import annotations

from .._progress import cli_progress
from ..errors import InputError


def register(sub):
    """Add the ``demo`` command to the subparsers ``sub``."""
    p = sub.add_parser(
        "demo",
        help="run the main analysis on built-in synthetic aggregates",
        description="Generate a random, a partly segregated and a segregated set of "
        "synthetic hetero-aggregates, analyse them, and write tables and figures.",
    )
    p.add_argument("--out", default="mixmap-demo", help="output folder (default ./mixmap-demo)")
    p.add_argument("--n", type=int, default=10, help="aggregates per set (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    """Run ``mixmap demo`` (one :func:`mixmap.demo.run_demo` call)."""
    from ..demo import run_demo  # heavy (batch, dask, numba): keeps `mixmap --help` fast

    if args.n < 3:
        raise InputError("--n must be at least 3 aggregates per set (the ψ measures need a variance)")
    run_demo(args.out, n_per_set=args.n, seed=args.seed, progress=cli_progress())
    return 0
