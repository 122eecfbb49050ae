"""``mixmap diffusion``: D(C) with Monte-Carlo bands from a concentration profile across an interface."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from .. import diffusion as d
from .._progress import cli_progress
from ..diffusion import MC_METHODS, parse_time
from ..errors import InputError, UnitWarning
from ._common import print_json


def register(sub):
    """Add the ``mixmap diffusion`` sub-command to the argparse sub-parsers ``sub``."""
    p = sub.add_parser(
        "diffusion",
        help="inter-diffusion coefficient D(C) from a profile (CSV), with Monte-Carlo bands",
        description="Inter-diffusion coefficient from a concentration profile across an interface: erfc "
        "fit, Sauer-Freise / Boltzmann-Matano / Hall D(C), Monte-Carlo uncertainty. The CSV "
        "holds positions in the first column (unit from --x-unit or the header, e.g. x_um) "
        "and one or more parallel scans in the others.",
    )
    p.add_argument("profile", help="CSV/TSV file: position, concentration[, more scans]")
    p.add_argument("--time", required=True, metavar="T", help="annealing time with unit: 3600, 90s, 30min, 100h, 2d")
    p.add_argument("--method", choices=MC_METHODS, default="sauer-freise", help="analysis (default sauer-freise)")
    p.add_argument(
        "--mc", type=int, default=10000, metavar="N", help="Monte-Carlo replicates (default 10000; 0 = no uncertainty)"
    )
    p.add_argument(
        "--confidence",
        "--level",
        dest="confidence",
        type=float,
        default=0.95,
        help="band probability (default 0.95; --level is its deprecated name)",
    )
    p.add_argument(
        "--x-unit",
        default=None,
        choices=["m", "mm", "um", "nm"],
        help="unit of the positions (default: from the header, else m)",
    )
    p.add_argument("--noise", type=float, default=None, help="noise sd (default: from the plateaus)")
    p.add_argument("--x-jitter", type=float, default=0.0, help="position noise sd, in --x-unit (m when not given)")
    p.add_argument(
        "--instrument-sigma",
        type=float,
        default=None,
        help="probe broadening sd in --x-unit (m when not given); corrects the erfc fit",
    )
    p.add_argument("--window", type=int, default=None, help="Savitzky-Golay window (odd; default auto)")
    p.add_argument("--order", type=int, default=3, help="Savitzky-Golay order (default 3)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", default=None, help="write the D(C) table to this CSV")
    p.add_argument("--figures", default=None, metavar="DIR", help="write profile_fit.png and diffusivity.png")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    """Run ``mixmap diffusion`` (D(C) from a profile CSV); returns the exit code."""
    warnings.simplefilter("once", UnitWarning)  # read + preprocess
    if args.mc < 0:
        raise InputError(f"--mc must be 0 (no uncertainty) or a number of replicates >= 10, got {args.mc}")
    t = parse_time(args.time)
    x, c = d.read_profile(args.profile, x_unit=args.x_unit)
    xu = args.x_unit or "m"
    smooth = "auto" if args.window is None else ("savgol", args.window, args.order)
    p = d.preprocess(x, c, smooth=smooth)
    fit = d.fit_erfc(p, t=t, instrument_sigma=args.instrument_sigma, x_unit=xu)
    mc = None
    if args.mc > 0:
        mc = d.monte_carlo(
            p,
            t=t,
            method=args.method,
            n=args.mc,
            noise=args.noise,
            x_jitter=args.x_jitter,
            seed=args.seed,
            confidence=args.confidence,
            instrument_sigma=args.instrument_sigma,
            x_unit=xu,
            progress=cli_progress(),
        )
        table = mc.to_frame()
    elif args.method == "erfc":
        table = pd.DataFrame({"c": [0.5 * (fit.c_left + fit.c_right)], "D": [fit.D]})
    else:
        fn = {"sauer-freise": d.sauer_freise, "matano": d.boltzmann_matano, "hall": d.hall}[args.method]
        table = fn(p, t=t).to_frame().rename(columns={"D_m2_s": "D"})
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(out, index=False)
    if args.figures:
        from mixmap import plot

        fig_dir = Path(args.figures)
        plot.profile_fit(
            p, fit=fit, mc=mc, path=fig_dir / "profile_fit.png", title=f"{Path(args.profile).name}, t = {args.time}"
        )
        plot.diffusivity(
            {args.method: mc} if mc is not None else {args.method: _as_points(table)},
            path=fig_dir / "diffusivity.png",
            title=f"D(C), {args.method}",
        )
    if args.json:
        print_json(
            {
                "profile": p.to_dict(),
                "erfc_fit": fit.to_dict(),
                "method": args.method,
                "table": table.to_dict(orient="list"),
            }
        )
        return 0
    print(
        f"profile: {p.x.size} points, {p.n_scans} scan(s), {p.n_outliers} outlier(s) removed, "
        f"noise sd {p.sigma:.3g}, plateaus {p.c_left:.4g} -> {p.c_right:.4g}"
    )
    print(f"erfc fit: D = {fit.D:.4g} ± {fit.D_stderr:.2g} m^2/s, x0 = {fit.x0:.4g} m, r2 = {fit.r2:.4f}")
    band = f" with {100 * args.confidence:.0f}% band ({args.mc} replicates)" if mc is not None else ""
    print(f"{args.method}: D(C) in m^2/s{band}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}", max_rows=40))
    if args.out:
        print(f"wrote {args.out}")
    if args.figures:
        print(f"wrote figures to {args.figures}")
    return 0


def _as_points(table):
    return SimpleNamespace(c=table["c"].to_numpy(), D=table["D"].to_numpy(), method="")
