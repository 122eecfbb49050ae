"""``mixmap correlation`` (alias ``correlate``): R(h) of map pairs, group means, fits, scale of segregation.

Parse -> :func:`mixmap.correlation_study` -> write the tables and the Fig. 7 style figure, print.
"""

from __future__ import annotations

import csv
from pathlib import Path

import mixmap

from .._progress import cli_progress
from ..errors import FormatError, InputError
from ._common import print_json


def register(sub):
    """Add ``mixmap correlation`` (alias ``correlate``) to the subparsers."""
    p = sub.add_parser(
        "correlation",
        aliases=["correlate"],
        help="correlation function R(h), its mean per group, fits and scale of segregation",
        description="Exact correlation coefficient function R(h) of element-map pairs (Buchheiser et al., "
        "Eqs. 7-8), pointwise mean per group (Eq. 9), parametric fits (Eq. 14, Table 1), "
        "Danckwerts' scale of segregation and a Fig. 7 style figure. Give the maps as pairs "
        "A1 B1 A2 B2 ... (PNG/TIFF/NPY) and/or with --list.",
    )
    p.add_argument("maps", nargs="*", metavar="MAP", help="element maps as pairs: A1 B1 [A2 B2 ...]")
    p.add_argument(
        "--list",
        metavar="CSV",
        dest="list_file",
        help="CSV with columns a,b and optional group,pixel_size (paths relative to the CSV)",
    )
    p.add_argument("--group", default="maps", help="group label of the positional pairs (default 'maps')")
    p.add_argument("--pixel-size", type=float, metavar="NM", help="pixel size in nm (default: unknown, px)")
    p.add_argument(
        "--h-max",
        type=int,
        metavar="PX",
        help="largest distance in pixels (default: half the aggregate's largest extent)",
    )
    p.add_argument(
        "--method",
        choices=("fft", "pairs"),
        default="fft",
        help="fft: exact over all pairs (default); pairs: the paper's random-pair estimator",
    )
    p.add_argument("--n-pairs", type=int, help="pairs per distance for --method pairs (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed for --method pairs (default 0)")
    p.add_argument(
        "--direction",
        metavar="DEG[:TOL]",
        help="only pairs along this axis (degrees, counter-clockwise from +x; tolerance default 22.5)",
    )
    p.add_argument(
        "--memory-budget",
        type=float,
        metavar="MiB",
        help="FFT working memory before tiling over Dask chunks (default 1024 MiB)",
    )
    p.add_argument(
        "--smooth",
        type=float,
        default=0.0,
        metavar="SIGMA",
        help="Gaussian smoothing sigma in pixels before averaging (default 0: none)",
    )
    p.add_argument(
        "--model",
        default="sinc-exp",
        help="model fitted to each group's mean: sinc-exp (Eq. 14), exp, stretched-exp, gauss, none",
    )
    p.add_argument(
        "--out",
        default="correlation.csv",
        help="CSV of R(h) per map (default correlation.csv); the group means go to *_mean.csv",
    )
    p.add_argument("--figure", help="PNG figure (default: next to --out)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def _direction(text):
    """``--direction DEG[:TOL]`` as an angle or an (angle, tolerance) pair."""
    if text is None:
        return None
    try:
        parts = [float(v) for v in text.split(":")]
    except ValueError:
        raise InputError(f"--direction must be DEG or DEG:TOL in degrees, got {text!r}") from None
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return tuple(parts)
    raise InputError(f"--direction must be DEG or DEG:TOL, got {text!r}")


def _jobs(args):
    """(group, path_a, path_b, pixel_size) for every map pair."""
    jobs = []
    if len(args.maps) % 2:
        raise InputError(f"give the maps as pairs A B; got {len(args.maps)} paths (an odd number)")
    for i in range(0, len(args.maps), 2):
        jobs.append((args.group, Path(args.maps[i]), Path(args.maps[i + 1]), args.pixel_size))
    if args.list_file:
        lf = Path(args.list_file)
        with open(lf, newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows or not {"a", "b"} <= set(rows[0]):
            raise FormatError(f"{lf}: needs a header with columns a,b (optional group,pixel_size)")
        for k, row in enumerate(rows, start=2):
            ps = row.get("pixel_size") or None
            try:
                ps = float(ps) if ps is not None else args.pixel_size
            except ValueError:
                raise FormatError(f"{lf} line {k}: pixel_size {row['pixel_size']!r} is not a number") from None
            jobs.append((row.get("group") or args.group, lf.parent / row["a"], lf.parent / row["b"], ps))
    if not jobs:
        raise InputError("no maps given: pass pairs A1 B1 [A2 B2 ...] or --list maps.csv")
    return jobs


def _check_flags(args):
    """Flag-level checks (named by their flags) before the API call; returns the budget in bytes."""
    # mixmap.scale loads Numba, SciPy and Dask: imported on use so that `mixmap --help` stays fast
    from ..scale import correlation_models

    if args.smooth < 0:
        raise InputError(f"--smooth must be >= 0 (pixels), got {args.smooth}")
    if args.model != "none" and args.model not in correlation_models():
        raise InputError(f"--model {args.model!r} is unknown; choose from {sorted(correlation_models())} or none")
    if args.n_pairs is not None and args.method != "pairs":
        raise InputError("--n-pairs applies to --method pairs only")
    if args.memory_budget is None:
        return None
    if args.memory_budget <= 0:
        raise InputError(f"--memory-budget must be > 0 MiB, got {args.memory_budget}")
    return int(args.memory_budget * 2**20)


def _print(study, fits):
    """Human-readable lines: one per map pair, one per group."""
    for s in study.maps:
        unit, il, cl = (
            ("nm", s["integral_scale_nm"], s["correlation_length_nm"])
            if s["integral_scale_nm"] is not None
            else ("px", s["integral_scale_px"], s["correlation_length_px"])
        )
        print(
            f"{s['group']}: {Path(s['map_a']).name} / {Path(s['map_b']).name}: P = {s['P']:.3f}, "
            f"integral scale = {il:.4g} {unit}{' (R > 0 to h_max)' if s['truncated'] else ''}, "
            f"1/e length = {cl:.4g} {unit}"
        )
    for r in study.groups:
        line = f"group {r['group']} ({r['n_maps']} maps, h in {r['unit']})"
        if "r2" in r:
            names = list(fits[r["group"]].params)
            line += ": fit " + r["model"] + " " + ", ".join(f"{k}={r[k]:.4g}" for k in names) + f", R2={r['r2']:.4f}"
        print(line)


def run(args) -> int:
    """Run ``mixmap correlation``."""
    budget = _check_flags(args)
    direction = _direction(args.direction)
    jobs = _jobs(args)
    study = mixmap.correlation_study(
        [(pa, pb, group, ps) for group, pa, pb, ps in jobs],
        h_max=args.h_max,
        method=args.method,
        n_pairs=args.n_pairs,
        seed=args.seed,
        direction=direction,
        memory_budget=budget,
        smooth=args.smooth,
        model=args.model,
        progress=cli_progress() and len(jobs) > 1,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    study.curves.to_csv(out, index=False)
    mean_path = out.with_name(out.stem + "_mean.csv")
    study.mean_frame().to_csv(mean_path, index=False)
    fig_path = Path(args.figure) if args.figure else out.with_suffix(".png")
    fits = study.fits
    mixmap.plot.correlation(study.means, fits=fits if fits else None, fit=bool(fits), path=fig_path)
    if args.json:
        print_json({"maps": study.maps, "groups": study.groups})
    else:
        _print(study, fits)
    print(f"wrote {out}, {mean_path} and {fig_path}")
    return 0
