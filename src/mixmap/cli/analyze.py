"""``mixmap analyze`` (many maps -> table + per-group ψ summary) and ``mixmap summary`` (from a saved run)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import mixmap  # lazy (lazy_loader): the heavy modules load on first attribute access

from .._progress import cli_progress
from ..errors import InputError
from ._common import add_particle_args, particles_from_args


def register(sub):
    """Add the ``analyze`` and ``summary`` commands to the sub-parsers ``sub``."""
    p = sub.add_parser(
        "analyze",
        help="analyse many maps (Dask), write the table, print the per-group ψ summary",
        description="Intra-aggregate mixing of every map (Eqs. 1-6) and the inter-aggregate ψ measures "
        "per group (Eqs. 2, 10-13). Inputs: pairs 'A1 B1 A2 B2 ...'; quoted glob patterns "
        "of A maps with --pair '{stem}_B.png' ({stem} = the text the wildcards matched); "
        "RGB composites with --channels C=green,Si=red; or one Zarr group of maps. "
        "Re-running the same command resumes an interrupted run.",
    )
    p.add_argument("inputs", nargs="+", help="map files, quoted glob patterns, composites or a .zarr group")
    add_particle_args(p)
    p.add_argument(
        "--pair", metavar="TEMPLATE", help="B map of each A map matched by the (quoted) patterns, e.g. '{stem}_Si.png'"
    )
    p.add_argument(
        "--channels",
        metavar="A=COLOUR,B=COLOUR",
        help="inputs are RGB composites: element names and colours, A first, e.g. C=green,Si=red",
    )
    p.add_argument("--label", action="store_true", help="split each image into its aggregates first")
    p.add_argument(
        "--group-by",
        metavar="REGEX",
        help="group (process condition) of each map: regex searched in its path; the first "
        "capture group (or the whole match) is the group, e.g. '(C65|KB)'",
    )
    p.add_argument(
        "--out",
        default="results.parquet",
        help="table of results, .parquet or .csv (default results.parquet); resumable",
    )
    ex = p.add_mutually_exclusive_group()
    ex.add_argument("--workers", type=int, default=None, help="local worker threads (default: CPU count)")
    ex.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask.distributed scheduler address (tcp://host:8786), or threads/processes/synchronous",
    )
    p.add_argument("--samples", type=int, default=150, help="cutouts per aggregate (default 150)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--correlation",
        type=float,
        metavar="H_MAX",
        default=None,
        help="also compute R(h) up to H_MAX pixels per aggregate (scale of segregation)",
    )
    _summary_args(p)
    p.set_defaults(func=run_analyze)

    s = sub.add_parser(
        "summary",
        help="per-group ψ summary (Eqs. 2, 10-13) of a saved analyze table",
        description="Recompute the inter-aggregate ψ table from a results file written by "
        "'mixmap analyze' (also from an unfinished run).",
    )
    s.add_argument("results", help="results .parquet or .csv written by mixmap analyze")
    s.add_argument("--by", default="group", help="group column (default group)")
    s.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    _summary_args(s)
    s.set_defaults(func=run_summary)


def _summary_args(p):
    g = p.add_argument_group("summary (inter-aggregate ψ measures)")
    g.add_argument(
        "--max-p",
        type=float,
        default=None,
        metavar="P",
        help="exclude aggregates with P above this from the summary (paper Section 3.2: 0.95)",
    )
    g.add_argument("--alpha", type=float, default=1.0, help="weight of the mean Schmahl index in ψ_comb (Eq. 13)")
    g.add_argument("--beta", type=float, default=1.0, help="weight of ψ_MAS in ψ_comb")
    g.add_argument("--gamma", type=float, default=1.0, help="weight of ψ_P in ψ_comb")
    g.add_argument(
        "--figures",
        metavar="DIR",
        default=None,
        help="write schmahl_histogram.png (Fig. 5a) and schmahl_heatmap.png (Fig. 6) here",
    )


def _channels(text):
    out = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError(f"--channels must look like C=green,Si=red, got {text!r}")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    if len(out) != 2:
        raise InputError(f"--channels needs exactly two elements (A first), got {text!r}")
    return out


def _items(args):
    inputs = args.inputs
    if args.pair and args.channels:
        raise InputError("give --pair (separate A/B maps) or --channels (composites), not both")
    from ..batch import looks_like_zarr  # heavy (zarr, dask): keeps `mixmap --help` fast

    zarrs = [x for x in inputs if looks_like_zarr(x)]
    if zarrs:
        if len(inputs) != 1 or args.pair or args.channels:
            raise InputError("a Zarr group of maps must be the only input (without --pair/--channels)")
        return inputs[0], {}
    if args.pair:
        return list(inputs), {"pair": args.pair}
    if args.channels:
        return list(inputs), {"channels": _channels(args.channels)}
    if len(inputs) % 2:
        raise InputError(
            f"{len(inputs)} inputs: without --pair or --channels give map files in pairs 'A1 B1 A2 B2 ...' "
            f"(or quote a pattern and add --pair '{{stem}}_B.png')"
        )
    for x in inputs:
        if any(ch in x for ch in "*?["):
            raise InputError(f"{x!r} is a pattern: add --pair '{{stem}}_B.png' (or --channels for composites)")
    return [(inputs[i], inputs[i + 1]) for i in range(0, len(inputs), 2)], {}


def _print_summary(table, args, seed):
    import pandas as pd  # heavy: keeps `mixmap --help` fast

    s = mixmap.inter_mixing(
        table,
        by=getattr(args, "by", "group"),
        alpha=args.alpha,
        beta=args.beta,
        gamma=args.gamma,
        max_P=args.max_p,
        seed=seed,
    )
    show = pd.DataFrame(
        {
            "n": s["n"],
            "P_mean": s["P_mean"].map("{:.3f}".format),
            "s2_inter": s["s2_inter"].map("{:.4f}".format),
            "M_mean": s["M_mean"].map("{:.3f}".format),
            "s2_M": s["s2_M"].map("{:.4f}".format),
            "psi_P [95% CI]": [
                f"{v:.3f} [{lo:.3f}, {hi:.3f}]"
                for v, lo, hi in zip(s["psi_P"], s["psi_P_low"], s["psi_P_high"], strict=True)
            ],
            "psi_M [95% CI]": [
                f"{v:.3f} [{lo:.3f}, {hi:.3f}]"
                for v, lo, hi in zip(s["psi_M"], s["psi_M_low"], s["psi_M_high"], strict=True)
            ],
            "psi_comb [95% CI]": [
                f"{v:.3f} [{lo:.3f}, {hi:.3f}]"
                for v, lo, hi in zip(s["psi_comb"], s["psi_comb_low"], s["psi_comb_high"], strict=True)
            ],
        },
        index=s.index,
    )
    if args.max_p is not None:
        show.insert(1, f"excluded P>{args.max_p:g}", s["n_excluded"])
    if (s["n_undefined"] > 0).any():
        show.insert(1, "Schmahl undefined", s["n_undefined"])
    print(
        "inter-aggregate mixing per group (Eqs. 2, 10-13; psi = 1: homogeneous; values outside "
        "[0, 1] and interval ends are reported unclipped):"
    )
    print(show.to_string())
    if s[["psi_P", "psi_M"]].isna().any().any():
        print("(nan: the bound P(1-P) or M(1-M) of Eq. 10/11 is not positive, or fewer than 2 aggregates)")
    if args.figures:
        from mixmap.plot import schmahl_heatmap, schmahl_histogram

        d = Path(args.figures)
        by = getattr(args, "by", "group")
        h = schmahl_histogram(table, by=by, path=d / "schmahl_histogram.png")
        m = schmahl_heatmap(table, by=by, path=d / "schmahl_heatmap.png")
        import matplotlib.pyplot as plt

        plt.close(h)
        plt.close(m)
        print(f"figures: {d / 'schmahl_histogram.png'}, {d / 'schmahl_heatmap.png'}")
    return s


def _print_correlation(curves, args):
    from ..batch import correlation_summary  # heavy (zarr, dask): keeps `mixmap --help` fast

    cs = correlation_summary(curves, by=getattr(args, "by", "group"))
    t = cs.table
    print(
        "scale of segregation per group (mean R(h), Eq. 9; fit of Eq. 14; lengths in "
        f"{', '.join(sorted(set(t['unit'])))}):"
    )
    print(t.to_string(float_format=lambda v: f"{v:.4g}"))
    if args.figures:
        from mixmap.plot import correlation as plot_correlation

        path = Path(args.figures) / "correlation.png"
        import matplotlib.pyplot as plt

        plt.close(plot_correlation(cs.means, fits=cs.fits, path=path))
        print(f"figure: {path}")
    return cs


def _report_status(table):
    bad = table[table["status"] != "ok"]
    print(f"{len(table)} aggregates: {len(table) - len(bad)} ok, {len(bad)} not analysed")
    for _, r in bad.head(5).iterrows():
        print(f"  {r['status']}: {r['source']}: {r['error']}", file=sys.stderr)
    if len(bad) > 5:
        print(f"  ... and {len(bad) - 5} more (see the 'error' column)", file=sys.stderr)


def run_analyze(args) -> int:
    """Run ``mixmap analyze``: one :func:`mixmap.analyze` call, then the status and per-group summaries."""
    items, extra = _items(args)
    kw = {}
    if args.scheduler:
        kw["scheduler"] = args.scheduler
    if args.workers is not None:
        kw["workers"] = args.workers
    if args.correlation is not None:
        kw["correlation"] = {
            "h_max": int(args.correlation) if float(args.correlation).is_integer() else args.correlation
        }
    table = mixmap.analyze(
        items,
        n_particles=args.particles,
        n_samples=args.samples,
        seed=args.seed,
        groups=args.group_by,
        label=args.label,
        out=args.out,
        progress=cli_progress(),
        **extra,
        **kw,
        **particles_from_args(args),
    )
    _report_status(table)
    print(f"table: {os.fspath(args.out)}")
    if (table["status"] == "ok").any():
        _print_summary(table, args, args.seed)
        if "correlation" in table.attrs and len(table.attrs["correlation"]):
            _print_correlation(table.attrs["correlation"], args)
    return 0


def run_summary(args) -> int:
    """Run ``mixmap summary``: the per-group summaries of a table saved by ``mixmap analyze --out``."""
    from ..batch import read_results  # heavy (zarr, dask): keeps `mixmap --help` fast

    if Path(args.results).suffix.lower() not in (".parquet", ".csv"):
        raise InputError(
            f"results must be the .parquet or .csv table written by 'mixmap analyze --out', got {args.results!r}"
        )
    table = read_results(args.results)
    _report_status(table)
    _print_summary(table, args, args.seed)
    if "integral_scale_px" in table.columns:
        curves = read_results(args.results, correlation=True)
        if len(curves):
            _print_correlation(curves, args)
    return 0
