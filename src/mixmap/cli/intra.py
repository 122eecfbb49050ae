"""``mixmap intra`` and ``mixmap curve``: intra-aggregate mixing of one map pair."""

from __future__ import annotations

from pathlib import Path

import mixmap

from ._common import add_particle_args, parse_range, particles_from_args, print_json


def register(sub):
    """Add the ``intra`` and ``curve`` commands to the subparsers ``sub``."""
    p = sub.add_parser(
        "intra",
        help="variance of local concentration and Schmahl index of one aggregate",
        description="Intra-aggregate mixing quality (Buchheiser et al., Eqs. 1-6) of two element maps (PNG/TIFF/NPY).",
    )
    p.add_argument("map_a", help="element map of material A")
    p.add_argument("map_b", help="element map of material B")
    add_particle_args(p)
    p.add_argument("--samples", type=int, default=150, help="number of cutouts (default 150)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run_intra)

    c = sub.add_parser(
        "curve",
        help="variance vs particles per cutout (Fig. 3 style), CSV + PNG",
        description="Variance of local concentration versus the number N of particles "
        "per cutout, with the bounds of Eqs. 4-5.",
    )
    c.add_argument("map_a")
    c.add_argument("map_b")
    add_particle_args(c, n_particles=False)
    c.add_argument(
        "--particles", default="1:100", metavar="RANGE", help="values of N: 1:100, 1:100:5 or 1,5,25 (default 1:100)"
    )
    c.add_argument("--samples", type=int, default=120, help="cutouts per N (default 120)")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--out", default="curve.csv", help="CSV output (default curve.csv)")
    c.add_argument("--figure", default=None, help="PNG figure (default: next to --out)")
    c.set_defaults(func=run_curve)


def run_intra(args) -> int:
    """Run ``mixmap intra``: read the maps, one :func:`mixmap.intra_mixing` call, print."""
    a, b = mixmap.read_maps(args.map_a, args.map_b)
    r = mixmap.intra_mixing(
        a, b, n_particles=args.particles, n_samples=args.samples, seed=args.seed, **particles_from_args(args)
    )
    d = r.to_dict()
    if args.json:
        print_json(d)
    else:
        print(f"P = {r.P:.4f}   (P10 {r.P10:.3f}, P01 {r.P01:.3f}, P11 {r.P11:.3f}; {r.n_foreground} foreground px)")
        print(f"cutouts: {r.n_samples} x {r.target_count} px (N = {r.n_particles:g} particles)")
        print(f"s2      = {r.s2:.5g}   {100 * r.confidence:.0f}% CI [{r.s2_ci[0]:.5g}, {r.s2_ci[1]:.5g}]  (Eq. 1)")
        print(f"s2_max  = {r.s2_max:.5g}   (unmixed, Eq. 4)")
        print(f"s2_min  = {r.s2_min:.5g}   (random mixing, Eq. 5)")
        print(f"Schmahl = {r.schmahl:.4f}   (Eq. 6; 0 unmixed, 1 random)")
    return 0


def run_curve(args) -> int:
    """Run ``mixmap curve``: read the maps, one :func:`mixmap.variance_curve` call, CSV + figure."""
    a, b = mixmap.read_maps(args.map_a, args.map_b)
    df = mixmap.variance_curve(
        a,
        b,
        n_particles=parse_range(args.particles),
        n_samples=args.samples,
        seed=args.seed,
        **particles_from_args(args),
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    fig_path = Path(args.figure) if args.figure else out.with_suffix(".png")
    mixmap.plot.variance_curve({Path(args.map_a).stem: df}, path=fig_path)
    print(df.to_string(index=False, float_format=lambda v: f"{v:.5g}", max_rows=12))
    print(f"wrote {out} and {fig_path}")
    return 0
