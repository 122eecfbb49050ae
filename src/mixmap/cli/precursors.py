"""``mixmap precursors``: intermixing of two precursor powders from EDS spot compositions."""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path

import pandas as pd

import mixmap

from ..errors import GenerationVolumeWarning, InputError
from ._common import print_json


def register(sub):
    """Add the ``precursors`` sub-command to the argument parser ``sub``."""
    p = sub.add_parser(
        "precursors",
        help="molar fraction of precursor A per EDS spot, its spread sigma, violin plot",
        description="Precursor intermixing from per-spot EDS compositions (AutoEMXSp Data.csv / "
        "Compositions.csv or any CSV with one column per element): each spot is "
        "projected on the line between the two precursor compositions and expressed "
        "as the molar fraction x of precursor A; sigma of x (percentage points) "
        "measures the mixing (about 5 pp: very well mixed).",
    )
    p.add_argument(
        "tables",
        nargs="+",
        metavar="Data.csv",
        help="spot table(s); several files are compared as samples (named after the "
        "folder of a Data.csv/Compositions.csv, else after the file)",
    )
    p.add_argument("--a", required=True, metavar="FORMULA", help="precursor A, e.g. Al2O3")
    p.add_argument("--b", required=True, metavar="FORMULA", help="precursor B, e.g. MgO")
    p.add_argument(
        "--basis",
        choices=("atomic", "mass"),
        default="atomic",
        help="composition basis of the projection (default atomic)",
    )
    p.add_argument(
        "--flags",
        default=None,
        metavar="LIST",
        help="accepted Quant_flag values, e.g. 0,-1 (AutoEMXSp's default); default: keep all",
    )
    p.add_argument(
        "--max-error",
        type=float,
        default=None,
        metavar="WT%",
        help="maximum |analytical error| in wt%% (e.g. 5), with an allowance for "
        "undetectable elements on the negative side; default: no check",
    )
    p.add_argument(
        "--max-residual",
        type=float,
        default=None,
        metavar="FRAC",
        help="reject spots farther than this from the precursor line (fraction, e.g. 0.1)",
    )
    p.add_argument(
        "--exclude", default="H,He,Li", metavar="LIST", help="undetectable elements (default H,He,Li; '' for none)"
    )
    p.add_argument(
        "--by",
        default=None,
        metavar="COLUMN",
        help="group by this column (e.g. sample); default 'sample' for several files",
    )
    p.add_argument("--figure", default=None, metavar="PNG", help="write the violin plot")
    p.add_argument(
        "--out", default=None, metavar="CSV", help="write the per-spot molar fractions (spot, sample, x, c, residual)"
    )
    g = p.add_argument_group("X-ray generation size (warns when spots are closer than it)")
    g.add_argument(
        "--beam-energy",
        type=float,
        default=None,
        metavar="KEV",
        help="beam energy in keV (Kanaya-Okayama range of both precursors)",
    )
    g.add_argument(
        "--density-a",
        type=float,
        default=None,
        metavar="G/CM3",
        help="density of precursor A (g/cm^3; tabulated for pure elements)",
    )
    g.add_argument("--density-b", type=float, default=None, metavar="G/CM3", help="density of precursor B (g/cm^3)")
    g.add_argument(
        "--generation-size",
        type=float,
        default=None,
        metavar="UM",
        help="generation size in um (instead of --beam-energy)",
    )
    g.add_argument(
        "--spot-spacing", type=float, default=None, metavar="UM", help="distance between neighbouring spots in um"
    )
    p.add_argument("--boot", type=int, default=1000, help="bootstrap replicates (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def _flags(text):
    if text is None:
        return None
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InputError(f"--flags must be integers separated by commas, e.g. 0,-1; got {text!r}") from None


def _check_generation_flags(args, mixmap) -> None:
    """Name the command-line flags (not the Python arguments) of misfitting generation options.

    Raised when the X-ray generation options do not fit together or a compound density is missing.
    """
    for flag, v in (
        ("--beam-energy", args.beam_energy),
        ("--generation-size", args.generation_size),
        ("--spot-spacing", args.spot_spacing),
        ("--density-a", args.density_a),
        ("--density-b", args.density_b),
    ):
        if v is not None and not (math.isfinite(v) and v > 0):
            raise InputError(f"{flag} must be a positive number, got {v:g}")
    if args.generation_size is not None:
        return
    if args.beam_energy is None:
        if args.spot_spacing is not None:
            raise InputError(
                "--spot-spacing needs --beam-energy KEV (with --density-a/--density-b for "
                "compounds) or --generation-size UM to compare the spacing with"
            )
        if args.density_a is not None or args.density_b is not None:
            raise InputError(
                "--density-a/--density-b need --beam-energy KEV (they only serve the Kanaya-Okayama range)"
            )
        return
    for flag, formula, density in (("--density-a", args.a, args.density_a), ("--density-b", args.b, args.density_b)):
        try:
            mixmap.kanaya_okayama_range(formula, args.beam_energy, density)
        except InputError as exc:
            if density is None and "not tabulated" in str(exc):
                raise InputError(
                    f"--beam-energy: the density of {formula} is not tabulated (only pure elements "
                    f"are); pass {flag} G/CM3 (bulk density of the particles) or --generation-size UM"
                ) from None
            raise


def _sample_name(path: Path) -> str:
    if path.name.lower() in ("data.csv", "compositions.csv") and path.parent.name:
        return path.parent.name
    return path.stem


def run(args) -> int:
    """Run ``mixmap precursors``: read the table, call the API, print the summary; exit code."""
    paths = [Path(t) for t in args.tables]
    several = len(paths) > 1
    frames = []
    for path in paths:
        t = mixmap.read_spot_table(path)
        if several and "sample" not in t:
            t = mixmap.read_spot_table(path, sample=_sample_name(path))
        frames.append(t)
    table = frames[0] if not several else pd.concat(frames, ignore_index=True)
    if several:
        names = [_sample_name(p) for p in paths]
        if len(set(names)) < len(names):
            raise InputError(
                f"the files give duplicate sample names {names}; rename the folders/files or add a 'sample' column"
            )
    by = args.by if args.by is not None else ("sample" if several else None)
    _check_generation_flags(args, mixmap)
    densities = None
    if args.density_a is not None or args.density_b is not None:
        densities = (args.density_a, args.density_b)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GenerationVolumeWarning)
        result = mixmap.precursor_fractions(
            table,
            args.a,
            args.b,
            basis=args.basis,
            exclude_elements=args.exclude,
            accepted_flags=_flags(args.flags),
            max_analytical_error=args.max_error,
            max_residual=args.max_residual,
            by=by,
            n_boot=args.boot,
            seed=args.seed,
            beam_energy_keV=args.beam_energy,
            densities=densities,
            spot_spacing_um=args.spot_spacing,
            generation_size_um=args.generation_size,
        )
    results = list(result) if by is not None else [result]
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        spots = result.spots() if by is not None else result.to_frame()
        spots.to_csv(out, index=False)
    if args.figure:
        mixmap.plot.violin(result, path=args.figure, title=f"{results[0].precursor_a} + {results[0].precursor_b}")
    if args.json:
        print_json(result.to_dict())
    else:
        r0 = results[0]
        print(
            f"x = molar fraction of {r0.precursor_a} (A) vs {r0.precursor_b} (B); "
            f"{r0.basis} basis on {', '.join(r0.elements)}"
        )
        for r in results:
            name = "" if r.sample is None else f"[{r.sample}] "
            lo, hi = r.std_ci
            print(
                f"{name}n = {r.n_spots} spots ({r.n_rejected} rejected)   mean x = "
                f"{100 * r.mean:.1f} %   sigma = {r.std_pp:.1f} pp "
                f"({100 * r.confidence:.0f}% CI {100 * lo:.1f}-{100 * hi:.1f})   "
                f"A:B = {r.molar_ratio:.3g}"
            )
            if r.n_rejected:
                for reason, k in r.rejected["reason"].value_counts().items():
                    if k:
                        print(f"    rejected {k}: {reason}")
        if r0.generation_size_um is not None:
            how = "given" if args.generation_size is not None else f"Kanaya-Okayama, {args.beam_energy:g} keV"
            print(f"X-ray generation size ({how}): {r0.generation_size_um:.3g} um")
    for w in caught:
        print(f"mixmap precursors: warning: {w.message}", file=sys.stderr)
    written = [p for p in (args.out, args.figure) if p]
    if written and not args.json:
        print("wrote " + " and ".join(written))
    return 0
