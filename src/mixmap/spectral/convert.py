"""Conversion of vendor EDS spectrum images to the mixmap store: RosettaSciIO and .h5oina readers.

Bruker ``.bcf``, Velox ``.emd``, JEOL ``.pts``, Gatan ``.dm3/.dm4``, ``.rpl/.raw`` and ``.hspy`` are
read through RosettaSciIO (lazily where the reader allows), Oxford AZtec ``.h5oina`` with h5py; the
cube is then streamed into :func:`mixmap.write_spectrum_image` chunk by chunk.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import dask.array as da
import numpy as np

from .._units import LENGTH_M
from ..chemistry.xray import line_table
from ..errors import DataError, FormatError, InputError, MixmapError
from .store import CHUNK_BYTES, _store_path, write_spectrum_image

__all__ = ["convert"]

#: file extension -> (RosettaSciIO plugin, extra reader keywords)
_RSCIIO = {
    ".bcf": ("bruker", {"select_type": "spectrum_image"}),
    ".emd": ("emd", {"select_type": "spectrum_image"}),
    ".pts": ("jeol", {"SI_dtype": np.uint32}),
    ".dm3": ("digitalmicrograph", {}),
    ".dm4": ("digitalmicrograph", {}),
    ".rpl": ("ripple", {}),
    ".hspy": ("hspy", {}),
}


def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _spectrum_image_from_rsciio(dicts, name):
    """Pick the EDS spectrum image among RosettaSciIO signal dicts; return data and attributes."""
    for sig in dicts:
        data, axes = sig.get("data"), sig.get("axes", [])
        if data is None or getattr(data, "ndim", 0) != 3 or len(axes) != 3:
            continue
        units = [str(ax.get("units", "")).strip() for ax in axes]
        # the energy axis is the last one (some readers, e.g. NCEM .emd, drop `navigate` flags)
        if units[2] not in ("keV", "eV") or units[0] in ("keV", "eV") or units[1] in ("keV", "eV"):
            continue
        eax, unit = axes[2], units[2]
        f = 1.0 if unit == "keV" else 1e-3
        meta = sig.get("metadata", {}) or {}
        inst = _get(meta, "Acquisition_instrument") or {}
        mic = inst.get("TEM") or inst.get("SEM") or {}
        pixel = None
        yax = axes[0]
        if yax.get("units") in LENGTH_M and yax.get("scale"):
            pixel = abs(float(yax["scale"])) * (LENGTH_M[yax["units"]] * 1e9)  # nm per unit
        return data, {
            "energy_offset": float(eax.get("offset", 0.0)) * f,
            "energy_scale": float(eax.get("scale", 1.0)) * f,
            "beam_energy_keV": _get(mic, "beam_energy"),
            "fwhm_mnka": _get(mic, "Detector", "EDS", "energy_resolution_MnKa") or 130.0,
            "pixel_size": pixel,
            "elements": list(_get(meta, "Sample", "elements") or []),
        }
    raise FormatError(
        f"src {name!r}: no (y, x, E) EDS spectrum image found in the file (looked for "
        "a 3-D signal whose last axis is an energy in eV or keV)"
    )


def _integer_counts(arr):
    """Cast a lazy float cube of whole counts to uint32, checking every block."""

    def cast(block):
        if block.size and (
            np.any(block < 0) or np.any(block != np.round(block)) or np.any(block > np.iinfo(np.uint32).max)
        ):
            raise DataError(
                "src: the spectrum image holds non-integer or negative values; mixmap stores raw counts only"
            )
        return block.astype(np.uint32)

    return arr.map_blocks(cast, dtype=np.uint32)


def _read_h5oina(path, name):
    """Open an Oxford AZtec .h5oina file lazily (h5py); return (data, attrs, file handle).

    Assumed HDF5 layout (Oxford Instruments NanoAnalysis HDF5 File Specification, h5oina format
    version >= 7.0, github.com/oinanoanalysis/h5oina): slice ``/1``; technique group ``EDS`` (or
    the first of ``EDS1, EDS2, ...`` of a multi-detector system); ``Data/Spectrum`` int32 of shape
    (X Cells * Y Cells, channels), one row per pixel in row-major order; ``Header/X Cells``,
    ``Y Cells``, ``X Step`` (µm), ``Channel Width`` and ``Start Channel`` (eV), ``Beam Voltage``
    (kV); element symbols from the ``Atomic Number`` attributes of ``Data/Window Integral/*``.
    """
    import h5py

    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise FormatError(f"src {name!r} is not a readable HDF5 (.h5oina) file: {exc}") from None
    try:
        index = f.get("Index")
        slice_name = "1"
        if index is not None:
            first = np.asarray(index[()]).ravel()
            if first.size:
                s = first[0]
                slice_name = s.decode() if isinstance(s, bytes) else str(s)
        grp = f.get(slice_name)
        if grp is None:
            raise FormatError(f"src {name!r}: no acquisition group '/{slice_name}' (is this an .h5oina file?)")
        tech = "EDS" if "EDS" in grp else next((k for k in sorted(grp) if k.startswith("EDS")), None)
        if tech is None:
            raise FormatError(f"src {name!r}: no EDS data in '/{slice_name}'")
        base = f"/{slice_name}/{tech}"
        if f"{base}/Data/Spectrum" not in f:
            raise FormatError(
                f"src {name!r}: '{base}/Data/Spectrum' is missing; export the map from "
                "AZtec with spectrum data (h5oina format version >= 7)"
            )
        hdr = f[f"{base}/Header"]

        def scalar(key, required=True):
            if key not in hdr:
                if required:
                    raise FormatError(f"src {name!r}: '{base}/Header/{key}' is missing")
                return None
            return np.asarray(hdr[key][()]).ravel()[0].item()

        nx, ny = int(scalar("X Cells")), int(scalar("Y Cells"))
        spec = f[f"{base}/Data/Spectrum"]
        if spec.ndim != 2 or spec.shape[0] != nx * ny:
            raise FormatError(
                f"src {name!r}: '{base}/Data/Spectrum' has shape {spec.shape}, "
                f"expected ({nx * ny}, channels) for {ny} x {nx} pixels"
            )
        nc = spec.shape[1]
        rows = max(1, min(ny, int(CHUNK_BYTES * 4 // max(nx * nc * spec.dtype.itemsize, 1))))
        data = da.from_array(spec, chunks=(rows * nx, nc), lock=True)
        data = data.reshape(ny, nx, nc, merge_chunks=False)
        elements = []
        wi = f.get(f"{base}/Data/Window Integral")
        if wi is not None:
            table = line_table()
            sym = dict(zip(table["Z"], table["element"], strict=True))
            for ds in wi.values():
                z = ds.attrs.get("Atomic Number")
                if z is not None and sym.get(int(np.ravel(z)[0])) not in elements + [None]:
                    elements.append(sym[int(np.ravel(z)[0])])
        step = scalar("X Step", required=False)
        attrs = {
            "energy_offset": float(scalar("Start Channel")) / 1000.0,
            "energy_scale": float(scalar("Channel Width")) / 1000.0,
            "beam_energy_keV": scalar("Beam Voltage", required=False),
            "fwhm_mnka": 130.0,
            "pixel_size": None if not step else float(step) * 1000.0,
            "elements": elements,
        }
        return data, attrs, f
    except BaseException:
        f.close()
        raise


def convert(src, dst, *, chunks=None, fwhm_mnka=None, overwrite=False, progress=False):
    """Convert a vendor spectrum image to the mixmap Zarr format, chunk by chunk.

    Readers: RosettaSciIO (``pip install 'mixmap[io]'``) for Bruker ``.bcf``, Thermo Fisher Velox
    (and NCEM) ``.emd``, JEOL ``.pts``, Gatan ``.dm3/.dm4``, Oxford/Ripple ``.rpl`` (+ ``.raw``) and
    HyperSpy ``.hspy``, each opened with ``lazy=True`` so that the cube is streamed block by
    block where the reader allows (the .bcf and .pts readers decode the whole file). Oxford AZtec
    ``.h5oina`` (no RosettaSciIO reader) is read directly with h5py, a band of rows at a time (HDF5
    layout documented in :func:`mixmap.spectral.convert._read_h5oina`). Calibration, beam energy, detector resolution,
    pixel size and elements are taken from the file's metadata when present.

    Parameters
    ----------
    src : path
        Vendor file.
    dst : path
        New mixmap store (``*.zarr``).
    chunks : (cy, cx), optional
        Chunk shape of the store (see :func:`write_spectrum_image`).
    fwhm_mnka : float, optional
        Detector FWHM at Mn Kα (eV), overriding the file's value (default: file, else 130 eV).
    overwrite : bool
        Replace an existing ``dst``.
    progress : bool
        Draw a progress bar.

    Returns
    -------
    SpectrumImage

    Raises
    ------
    mixmap.FormatError
        Unknown extension, unreadable file, no EDS spectrum image inside.
    mixmap.InputError
        Missing optional dependency, existing ``dst``.

    Examples
    --------
    >>> import mixmap
    >>> si = mixmap.convert("map.bcf", "map.zarr")  # doctest: +SKIP
    """
    src_path = Path(src)
    name = str(src)
    if not src_path.exists():
        raise FormatError(f"src {name!r}: no such file")
    dst_path = _store_path(dst)
    if dst_path is not None and dst_path.exists() and not overwrite:
        raise InputError(
            f"dst {str(dst_path)!r} already exists; pass overwrite=True (CLI: --overwrite) or another path"
        )
    ext = src_path.suffix.lower()
    handle = None
    try:
        if ext == ".raw":
            if not src_path.with_suffix(".rpl").exists():
                raise FormatError(f"src {name!r}: a .raw file needs its .rpl header next to it")
            ext, src_path = ".rpl", src_path.with_suffix(".rpl")
        if ext == ".h5oina":
            try:
                import h5py  # noqa: F401
            except ImportError:
                raise InputError("reading .h5oina needs h5py: pip install 'mixmap[io]'") from None
            data, attrs, handle = _read_h5oina(src_path, name)
        elif ext in _RSCIIO:
            plugin, kwargs = _RSCIIO[ext]
            try:
                module = importlib.import_module(f"rsciio.{plugin}")
            except ImportError:
                raise InputError(f"reading {ext} files needs RosettaSciIO: pip install 'mixmap[io]'") from None
            try:
                dicts = module.file_reader(str(src_path), lazy=True, **kwargs)
            except MixmapError:
                raise
            except Exception as exc:
                raise FormatError(
                    f"src {name!r}: RosettaSciIO could not read the file ({type(exc).__name__}: {exc})"
                ) from exc
            data, attrs = _spectrum_image_from_rsciio(dicts, name)
        else:
            known = ", ".join(sorted([*_RSCIIO, ".raw", ".h5oina"]))
            raise FormatError(f"src {name!r}: unknown file type {ext!r}; supported: {known}")
        if not isinstance(data, da.Array):
            data = da.from_array(np.asarray(data), chunks=(64, 64, -1))
        if np.dtype(data.dtype).kind == "f":
            data = _integer_counts(data)
        if fwhm_mnka is not None:
            attrs["fwhm_mnka"] = fwhm_mnka
        return write_spectrum_image(
            dst, data, chunks=chunks, source=src_path.name, overwrite=overwrite, progress=progress, **attrs
        )
    finally:
        if handle is not None:
            handle.close()
