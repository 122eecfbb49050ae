"""``mixmap maps`` (element maps from a spectrum image) and ``mixmap convert`` (vendor -> Zarr)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

import mixmap

from .._progress import cli_progress
from ..errors import InputError, WindowClippedWarning

FORMATS = ("png", "tiff", "npy")


def register(sub):
    """Add the ``maps`` and ``convert`` commands to the sub-command parser ``sub``."""
    p = sub.add_parser(
        "maps",
        help="element maps from a spectrum image (one streaming pass)",
        description="Integrate X-ray line windows (line +- width*FWHM/2, optional "
        "side-window background, exspy convention) over a mixmap Zarr "
        "spectrum image and write one map per line plus a preview.",
    )
    p.add_argument("cube", help="spectrum-image store (*.zarr, see `mixmap convert`)")
    p.add_argument("--lines", nargs="+", required=True, metavar="LINE", help="X-ray lines, e.g. C_Ka Si_Ka Cu_La")
    p.add_argument("--width", type=float, default=2.0, help="integration window in units of the line FWHM (default 2)")
    p.add_argument(
        "--background",
        choices=("none", "windows"),
        default="none",
        help="side-window background subtraction (default none)",
    )
    p.add_argument("--out", default="maps", help="output folder (default maps/)")
    p.add_argument(
        "--format",
        nargs="+",
        choices=FORMATS,
        default=list(FORMATS),
        dest="formats",
        help="map files to write: png (8-bit display image), tiff (float32), npy (float64); default all",
    )
    p.add_argument(
        "--zarr",
        action="store_true",
        help="write the maps to <out>/maps.zarr without holding them in memory "
        "(for maps larger than memory; no PNG/TIFF/NPY)",
    )
    p.add_argument("--no-preview", action="store_true", help="skip the preview figure")
    p.add_argument("--overwrite", action="store_true", help="replace existing map files")
    p.set_defaults(func=run_maps)

    c = sub.add_parser(
        "convert",
        help="vendor spectrum image (.bcf .emd .pts .dm4 .rpl .h5oina) to a mixmap Zarr store",
        description="Convert a vendor EDS spectrum image to the mixmap Zarr v3 "
        "format chunk by chunk (RosettaSciIO; .h5oina via h5py).",
    )
    c.add_argument("src", help="vendor file")
    c.add_argument("dst", help="new store, e.g. cube.zarr")
    c.add_argument(
        "--chunks",
        nargs=2,
        type=int,
        metavar=("CY", "CX"),
        help="chunk shape in pixels (default ~16 MiB tiles of whole spectra)",
    )
    c.add_argument(
        "--fwhm-mnka", type=float, default=None, help="detector FWHM at Mn Ka in eV (default: from the file, else 130)"
    )
    c.add_argument("--overwrite", action="store_true", help="replace an existing dst")
    c.set_defaults(func=run_convert)


def _write_maps(maps, out: Path, formats, overwrite: bool):
    written = []
    for name, m in maps.items():
        for fmt in formats:
            path = out / f"{name}.{'tif' if fmt == 'tiff' else fmt}"
            if path.exists() and not overwrite:
                raise InputError(f"--out: {path} already exists; pass --overwrite or another folder")
            if fmt == "npy":
                np.save(path, m)
            elif fmt == "tiff":
                import tifffile

                tifffile.imwrite(path, m.astype(np.float32))
            else:
                from skimage.io import imsave

                lo, hi = float(np.min(m)), float(np.max(m))
                scaled = (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)
                imsave(path, np.round(255 * scaled).astype(np.uint8), check_contrast=False)
            written.append(path)
    return written


def run_maps(args) -> int:
    """``mixmap maps``: element maps of a store, written as files, plus the windows table."""
    si = mixmap.open_spectrum_image(args.cube)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    background = None if args.background == "none" else "windows"
    from ..spectral import windows  # dask and zarr load only when the command runs, not for every CLI call

    with warnings.catch_warnings(record=True) as caught:  # windows cut by the spectrum ends: one line
        warnings.simplefilter("always", WindowClippedWarning)
        table = windows(si, args.lines, width=args.width, background=background)
    for w in caught:
        print(f"mixmap maps: warning: {w.message}", file=sys.stderr)
    with warnings.catch_warnings():
        if caught:  # already reported above
            warnings.simplefilter("ignore", WindowClippedWarning)
        if args.zarr:
            maps = mixmap.element_maps(
                si,
                args.lines,
                width=args.width,
                background=background,
                out=out / "maps.zarr",
                overwrite=args.overwrite,
                progress=cli_progress(),
            )
            written = [out / "maps.zarr"]
        else:
            maps = mixmap.element_maps(si, args.lines, width=args.width, background=background, progress=cli_progress())
            written = _write_maps(maps, out, args.formats, args.overwrite)
    table.to_csv(out / "windows.csv", index=False)
    written.append(out / "windows.csv")
    if not args.no_preview and not args.zarr:
        from mixmap.plot import maps_preview

        maps_preview(maps, pixel_size=si.pixel_size, title=Path(args.cube).name, path=out / "preview.png")
        written.append(out / "preview.png")
    cols = ["line", "energy_keV", "fwhm_eV", "lo_keV", "hi_keV"]
    print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def run_convert(args) -> int:
    """``mixmap convert``: a vendor file to a mixmap store."""
    si = mixmap.convert(
        args.src,
        args.dst,
        chunks=args.chunks,
        fwhm_mnka=args.fwhm_mnka,
        overwrite=args.overwrite,
        progress=cli_progress(),
    )
    d = si.to_dict()
    ny, nx, ne = d["shape"]
    e1 = d["energy_offset_keV"] + (ne - 1) * d["energy_scale_keV"]
    print(
        f"{args.dst}: {ny} x {nx} pixels x {ne} channels ({d['dtype']}), "
        f"{d['energy_offset_keV']:.3f}-{e1:.3f} keV, chunks {tuple(d['chunks'])}"
    )
    print(
        f"pixel size {d['pixel_size_nm']} nm, beam {d['beam_energy_keV']} keV, "
        f"FWHM(Mn Ka) {d['fwhm_mnka_eV']} eV, elements {d['elements'] or '-'}"
    )
    return 0
