"""Options shared by several commands."""

from __future__ import annotations

import json
import math

from ..errors import InputError


def add_particle_args(p, *, n_particles=True):
    """``--particles N`` and the particle model: sizes (nm) or ``--particle-area-px``."""
    if n_particles:
        p.add_argument(
            "--particles",
            type=float,
            required=True,
            metavar="N",
            help="primary particles per cutout (the paper uses 25)",
        )
    g = p.add_argument_group("particle model (give the sizes, or --particle-area-px)")
    g.add_argument("--d-a", type=float, metavar="NM", help="mean primary diameter of A in nm")
    g.add_argument("--d-b", type=float, metavar="NM", help="mean primary diameter of B in nm")
    g.add_argument("--cv-a", type=float, default=0.0, help="coefficient of variation of A sizes (std/mean)")
    g.add_argument("--cv-b", type=float, default=0.0, help="coefficient of variation of B sizes (std/mean)")
    g.add_argument("--pixel-size", type=float, metavar="NM", help="pixel size in nm")
    g.add_argument(
        "--particle-area-px", type=float, metavar="PX", help="mean projected particle area in pixels (instead of sizes)"
    )


def particles_from_args(args) -> dict:
    """``dict(particles=..., particle_area_px=...)`` from :func:`add_particle_args` options."""
    from ..mixing import Particles

    sizes = [args.d_a, args.d_b, args.pixel_size]
    if args.particle_area_px is not None:
        if any(v is not None for v in sizes):
            raise InputError("give either --d-a/--d-b/--pixel-size or --particle-area-px, not both")
        return {"particles": None, "particle_area_px": args.particle_area_px}
    if any(v is None for v in sizes):
        raise InputError("the particle model needs --d-a, --d-b and --pixel-size (nm), or --particle-area-px")
    return {"particles": Particles(args.d_a, args.d_b, args.cv_a, args.cv_b, args.pixel_size), "particle_area_px": None}


def parse_range(text: str) -> list[float]:
    """'1:100' (inclusive, step 1), '1:100:5' or '1,5,25' -> list of numbers."""
    try:
        if ":" in text:
            parts = [float(v) for v in text.split(":")]
            start, stop = parts[0], parts[1]
            step = parts[2] if len(parts) > 2 else 1.0
            if step <= 0 or stop < start:
                raise ValueError
            n = int(math.floor((stop - start) / step + 1e-9)) + 1
            return [start + i * step for i in range(n)]
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InputError(f"cannot read the range {text!r}; write e.g. 1:100, 1:100:5 or 1,5,25") from None


def print_json(obj) -> None:
    def default(o):
        try:
            return o.item()
        except AttributeError:
            return str(o)

    print(json.dumps(obj, indent=2, default=default))
