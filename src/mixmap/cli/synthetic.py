"""``mixmap synthetic``: ground-truth hetero-aggregates as map files (and a spectrum image)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from skimage.io import imsave

from .. import synthetic
from .._progress import cli_progress, progress
from ..errors import InputError


def _mixing(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def register(sub):
    """Add the ``mixmap synthetic`` sub-command to the argparse sub-parsers ``sub``."""
    p = sub.add_parser(
        "synthetic",
        help="generate synthetic hetero-aggregates with known mixing state",
        description="Generate 3-D hetero-aggregates of spheres, project them to 2-D "
        "element maps and write <id>_A.png / <id>_B.png (or .npy for "
        "intensities), the 3-D truth per aggregate (truth.csv) and the "
        "particle tables (particles.csv).",
    )
    p.add_argument("n", type=int, help="number of aggregates")
    p.add_argument(
        "--mixing",
        type=_mixing,
        default="random",
        help="random | segregated | decorated | a number in [0, 1] (random -> segregated)",
    )
    p.add_argument("--d-a", type=float, required=True, metavar="NM", help="mean diameter of A in nm")
    p.add_argument("--d-b", type=float, required=True, metavar="NM", help="mean diameter of B in nm")
    p.add_argument("--cv-a", type=float, default=0.25)
    p.add_argument("--cv-b", type=float, default=0.25)
    p.add_argument("--fraction-a", type=float, default=0.5, help="number fraction of A (default 0.5)")
    p.add_argument(
        "--n-primary",
        type=int,
        nargs=2,
        default=(50, 300),
        metavar=("MIN", "MAX"),
        help="particles per aggregate (default 50 300)",
    )
    p.add_argument("--pixel-size", type=float, default=1.0, metavar="NM")
    p.add_argument(
        "--intensity",
        action="store_true",
        help="noisy count maps with detector blur and a lacey support film (written as .npy)",
    )
    p.add_argument(
        "--spectrum-image",
        action="store_true",
        help="also write each aggregate as a Zarr spectrum image <id>.zarr (elements from --elements)",
    )
    p.add_argument("--elements", nargs=2, default=("C", "Si"), metavar=("A", "B"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="synthetic", help="output folder (default ./synthetic)")
    p.set_defaults(func=run)


def run(args) -> int:
    """Run ``mixmap synthetic`` (write synthetic aggregates); returns the exit code."""
    if args.n < 1:
        raise InputError("n must be at least 1 aggregate")
    if args.spectrum_image:  # check elements and lines before anything is generated or written
        empty = np.zeros((8, 8), dtype=bool)
        synthetic.spectrum_image((empty, empty), None, elements=tuple(args.elements))
    out = Path(args.out)
    aggs = synthetic.aggregates(
        args.n,
        mixing=args.mixing,
        d_a=args.d_a,
        d_b=args.d_b,
        cv_a=args.cv_a,
        cv_b=args.cv_b,
        fraction_a=args.fraction_a,
        n_primary=tuple(args.n_primary),
        pixel_size=args.pixel_size,
        seed=args.seed,
        intensity=args.intensity,
        progress=cli_progress(),
    )
    out.mkdir(parents=True, exist_ok=True)
    truth, parts = [], []
    width = len(str(args.n - 1))
    for i, g in enumerate(progress(aggs, desc="write")):
        aid = f"agg{i:0{width}d}"
        for tag, m in (("A", g.a), ("B", g.b)):
            if args.intensity:
                np.save(out / f"{aid}_{tag}.npy", m)
            else:
                imsave(out / f"{aid}_{tag}.png", (m.astype(np.uint8) * 255), check_contrast=False)
        truth.append({"id": aid, **{k: v for k, v in g.truth.items() if np.isscalar(v)}})
        parts.append(g.to_frame().assign(id=aid))
        if args.spectrum_image:
            synthetic.spectrum_image(
                g,
                out / f"{aid}.zarr",
                elements=tuple(args.elements),
                pixel_size=args.pixel_size,
                seed=np.random.SeedSequence([args.seed, i]),
                overwrite=True,
            )
    pd.DataFrame(truth).to_csv(out / "truth.csv", index=False)
    pd.concat(parts).to_csv(out / "particles.csv", index=False)
    ext = "npy" if args.intensity else "png"
    print(
        f"wrote {args.n} aggregates to {out}/ (agg*_A.{ext}, agg*_B.{ext}, truth.csv, particles.csv"
        f"{', agg*.zarr' if args.spectrum_image else ''})"
    )
    print(
        f"analyse them with: mixmap analyze '{out}/*_A.{ext}' --pair '{{stem}}_B.{ext}' --particles 25 "
        f"--d-a {args.d_a:g} --d-b {args.d_b:g} --cv-a {args.cv_a:g} --cv-b {args.cv_b:g} "
        f"--pixel-size {args.pixel_size:g}"
    )
    return 0
