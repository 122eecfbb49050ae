"""The spectrum-image store: a Zarr v3 cube (y, x, E) of counts, its schema, chunking and opening.

The mixmap spectrum-image format is a Zarr v3 *group* holding

- one array ``data`` with shape (y, x, E), integer counts, chunked over (y, x) with (by default) the
  whole energy axis in each chunk, so one chunk holds complete spectra;
- the group attribute ``"mixmap"``: a dict with the keys ``format`` (``"mixmap.spectrum_image"``),
  ``version`` (1), ``complete`` (True once every chunk was written), ``axes`` (``["y", "x", "E"]``),
  ``energy_offset_keV``, ``energy_scale_keV`` (energy of channel k is offset + k * scale),
  ``beam_energy_keV`` (or null; stores of older mixmap versions with the key ``beam_energy`` are
  read too), ``fwhm_mnka_eV`` (detector FWHM at Mn Kα), ``pixel_size_nm`` (or null), ``elements``
  (list of symbols) and ``source`` (original file name or null).

Element maps (:mod:`mixmap.spectral.element_maps`) and line profiles
(:mod:`mixmap.spectral.line_profile`) read the cube chunk by chunk through the Dask array of
:class:`SpectrumImage`.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import dask.array as da
import numpy as np
import zarr

from .._results import Result, format_value, result
from .._validate import check_number
from ..errors import DataError, FormatError, InputError
from .._deprecate import renamed_attribute, renamed_keyword
from ._shared import progress_bar

__all__ = [
    "SpectrumImage",
    "write_spectrum_image",
    "open_spectrum_image",
    "FORMAT_NAME",
    "FORMAT_VERSION",
]

FORMAT_NAME = "mixmap.spectrum_image"
FORMAT_VERSION = 1
#: Target size of one chunk of the cube when ``chunks`` is not given (bytes).
CHUNK_BYTES = 16 * 2**20


@result
class SpectrumImage(Result):
    """An opened spectrum image: a lazy (y, x, E) Dask array plus its calibration.

    Attributes
    ----------
    data : dask.array.Array
        Counts, shape (ny, nx, n_channels), chunked as stored.
    energy_offset, energy_scale : float
        Energy of channel k is ``energy_offset + k * energy_scale`` (keV).
    beam_energy_keV : float or None
        Accelerating voltage (keV); ``beam_energy`` is its deprecated old name.
    fwhm_mnka : float
        Detector FWHM at Mn Kα (eV).
    pixel_size : float or None
        Pixel size (nm).
    elements : tuple of str
    source : str or None
        File the cube was converted from.
    path : str or None
        Location of the Zarr store.
    """

    data: object
    energy_offset: float
    energy_scale: float
    beam_energy_keV: float | None = None
    fwhm_mnka: float = 130.0
    pixel_size: float | None = None
    elements: tuple = ()
    source: str | None = None
    path: str | None = None

    beam_energy = renamed_attribute("beam_energy_keV")  # deprecated name of beam_energy_keV

    @property
    def energy(self) -> np.ndarray:
        """Energy of every channel (keV), shape (n_channels,)."""
        return self.energy_offset + self.energy_scale * np.arange(self.data.shape[2])

    @property
    def shape(self) -> tuple:
        """Shape (ny, nx, n_channels) of the cube."""
        return tuple(self.data.shape)

    def to_dict(self, arrays: bool = False) -> dict:
        """Attributes as a plain dict, with units in the keys (and the Dask array with ``arrays``)."""
        d = {
            "shape": list(self.data.shape),
            "dtype": str(self.data.dtype),
            "chunks": [c[0] for c in self.data.chunks],
            "energy_offset_keV": self.energy_offset,
            "energy_scale_keV": self.energy_scale,
            "beam_energy_keV": self.beam_energy_keV,
            "fwhm_mnka_eV": self.fwhm_mnka,
            "pixel_size_nm": self.pixel_size,
            "elements": list(self.elements),
            "source": self.source,
            "path": self.path,
        }
        if arrays:
            d["data"] = self.data
        return d

    def __repr__(self) -> str:
        e1 = self.energy_offset + (self.data.shape[2] - 1) * self.energy_scale
        parts = [
            "x".join(map(str, self.data.shape)),
            str(self.data.dtype),
            f"{self.energy_offset:.4g}-{e1:.4g} keV",
            f"beam_energy_keV={format_value(self.beam_energy_keV)}",
            f"pixel_size={format_value(self.pixel_size)}",
            f"elements={format_value(tuple(self.elements))}",
            f"path={format_value(self.path)}",
        ]
        text = f"SpectrumImage({', '.join(parts)})"
        return text if len(text) <= 300 else text[:296] + "...)"


def _attrs(energy_offset, energy_scale, beam_energy_keV, pixel_size, fwhm_mnka, elements, source):
    try:
        offset = float(energy_offset)
    except (TypeError, ValueError):
        raise InputError(f"energy_offset must be a number (keV), got {energy_offset!r}") from None
    if not math.isfinite(offset):
        raise InputError(f"energy_offset must be finite (keV), got {energy_offset!r}")
    if elements is None:
        elements = []
    elif isinstance(elements, str):
        elements = [elements]
    try:
        elements = list(elements)
    except TypeError:
        raise InputError(f"elements must be a list of element symbols such as ['Cu', 'Zn'], got {elements!r}") from None
    bad = [e for e in elements if not (isinstance(e, str) and re.fullmatch(r"[A-Z][a-z]{0,2}", e))]
    if bad:
        raise InputError(f"elements must be element symbols such as 'Cu' or 'Zn' (capital first letter), got {bad!r}")
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "complete": False,
        "axes": ["y", "x", "E"],
        "energy_offset_keV": offset,
        "energy_scale_keV": check_number("energy_scale", energy_scale, unit="keV per channel"),
        "beam_energy_keV": check_number("beam_energy_keV", beam_energy_keV, optional=True, unit="keV"),
        "fwhm_mnka_eV": check_number("fwhm_mnka", fwhm_mnka, unit="eV"),
        "pixel_size_nm": check_number("pixel_size", pixel_size, optional=True, unit="nm"),
        "elements": elements,
        "source": None if source is None else str(source),
    }


def _default_chunks(shape, itemsize):
    ne = shape[2]
    side = max(1, int(math.sqrt(CHUNK_BYTES / max(ne * itemsize, 1))))
    return (min(side, shape[0]), min(side, shape[1]), ne)


def _normalise_chunks(chunks, shape, itemsize):
    if chunks is None:
        return _default_chunks(shape, itemsize)
    try:
        c = tuple(int(v) for v in chunks)
    except (TypeError, ValueError):
        raise InputError(f"chunks must be (cy, cx) or (cy, cx, ce) integers, got {chunks!r}") from None
    if len(c) == 2:
        c = (*c, shape[2])
    if len(c) != 3 or any(v < 1 for v in c):
        raise InputError(f"chunks must be (cy, cx) or (cy, cx, ce) positive integers, got {chunks!r}")
    return tuple(min(v, s) for v, s in zip(c, shape, strict=True))


def _check_nonnegative(block):
    if block.size and block.min() < 0:
        raise DataError("data: spectrum images hold counts and must be >= 0; found negative values")
    return block


def _store_path(path):
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    return None


@renamed_keyword("beam_energy", "beam_energy_keV")
def write_spectrum_image(
    path,
    data,
    *,
    energy_offset,
    energy_scale,
    beam_energy_keV=None,
    pixel_size=None,
    fwhm_mnka=130.0,
    elements=None,
    chunks=None,
    source=None,
    overwrite=False,
    progress=False,
):
    """Write a (y, x, E) spectrum image in the mixmap Zarr v3 format, chunk by chunk.

    The cube is never materialised: a Dask input is streamed block by block (rechunked to the
    store's chunks), a NumPy input is written one chunk at a time from its own memory.

    Parameters
    ----------
    path : str or os.PathLike
        Directory of the new Zarr store (conventionally ``*.zarr``).
    data : numpy.ndarray or dask.array.Array, shape (ny, nx, n_channels)
        Integer counts (>= 0). Floats are refused: cast explicitly, e.g. ``data.astype("uint16")``.
    energy_offset : float
        Energy of channel 0 (keV).
    energy_scale : float
        Channel width (keV per channel, > 0).
    beam_energy_keV : float, optional
        Accelerating voltage (keV).
    pixel_size : float, optional
        Pixel size (nm).
    fwhm_mnka : float
        Detector FWHM at Mn Kα (eV), default 130.
    elements : sequence of str, optional
        Element symbols present in the sample.
    chunks : (cy, cx) or (cy, cx, ce), optional
        Chunk shape on disk. Default: square tiles of about 16 MiB holding whole spectra.
    source : str, optional
        Name of the file the data came from (recorded by :func:`convert`).
    overwrite : bool
        Replace an existing store at ``path`` (default False: refuse, nothing is lost).
    progress : bool
        Draw a progress bar on stderr.

    Returns
    -------
    SpectrumImage
        The newly written store, opened (lazy).

    Raises
    ------
    mixmap.InputError
        Wrong shape, float dtype, bad calibration, bad chunks, existing ``path``.
    mixmap.DataError
        Negative counts (the store is then left marked incomplete).

    Examples
    --------
    >>> import numpy as np, mixmap, os, tempfile
    >>> path = os.path.join(tempfile.gettempdir(), "cube.zarr")
    >>> cube = np.random.default_rng(0).poisson(1.0, (32, 32, 1024)).astype("uint16")
    >>> si = mixmap.write_spectrum_image(path, cube, energy_offset=0.0,
    ...                                  energy_scale=0.01, overwrite=True)  # 0-10.23 keV
    >>> si.data.shape
    (32, 32, 1024)
    """
    if not hasattr(data, "shape") or not hasattr(data, "dtype"):
        data = np.asarray(data)
    if len(data.shape) != 3:
        raise InputError(f"data must be a 3-D (y, x, E) cube, got shape {tuple(data.shape)}")
    if any(s == 0 for s in data.shape):
        raise InputError(f"data must not be empty, got shape {tuple(data.shape)}")
    dtype = np.dtype(data.dtype)
    if dtype.kind not in "iu":
        raise InputError(
            f"data must hold integer counts, got dtype {dtype}; cast explicitly, "
            "e.g. data.astype('uint16') after checking the values are whole counts"
        )
    attrs = _attrs(energy_offset, energy_scale, beam_energy_keV, pixel_size, fwhm_mnka, elements, source)
    chunk_shape = _normalise_chunks(chunks, tuple(data.shape), dtype.itemsize)

    local = _store_path(path)
    if local is not None and local.exists():
        if not overwrite:
            raise InputError(
                f"path {str(local)!r} already exists; pass overwrite=True "
                "(CLI: --overwrite) to replace it or choose another path"
            )
    if isinstance(data, da.Array):
        arr = data.rechunk(chunk_shape)
    else:
        arr = da.from_array(data, chunks=chunk_shape, asarray=True)
    if dtype.kind == "i":
        arr = arr.map_blocks(_check_nonnegative, dtype=dtype)

    store = str(local) if local is not None else path
    group = zarr.open_group(store, mode="w", zarr_format=3)
    group.attrs["mixmap"] = attrs
    target = group.create_array(
        "data",
        shape=tuple(data.shape),
        dtype=dtype,
        chunks=chunk_shape,
        dimension_names=["y", "x", "E"],
        config={"write_empty_chunks": True},
    )
    with progress_bar("write", progress):
        da.store(arr, target, lock=False)
    attrs["complete"] = True
    group.attrs["mixmap"] = attrs
    return open_spectrum_image(store if local is None else local)


def open_spectrum_image(path) -> SpectrumImage:
    """Open a mixmap spectrum image (Zarr v3 store) lazily and check its schema.

    Parameters
    ----------
    path : str or os.PathLike
        The store written by :func:`write_spectrum_image` or :func:`convert`.

    Returns
    -------
    SpectrumImage
        ``.data`` is a Dask array backed by the store (nothing is read yet); ``.energy`` gives keV
        per channel.

    Raises
    ------
    mixmap.FormatError
        The path does not exist, is not a Zarr v3 group, is a foreign Zarr store (no mixmap
        attributes, no 3-D integer ``data`` array), or is truncated (writing did not finish, chunks
        are missing).

    Examples
    --------
    >>> import numpy as np, mixmap, os, tempfile
    >>> path = os.path.join(tempfile.gettempdir(), "open.zarr")
    >>> _ = mixmap.write_spectrum_image(path, np.ones((4, 4, 100), "uint16"), energy_offset=0.0,
    ...                                 energy_scale=0.01, overwrite=True)
    >>> si = mixmap.open_spectrum_image(path)
    >>> si.energy[:3]
    array([0.  , 0.01, 0.02])
    """
    local = _store_path(path)
    name = str(path)
    if local is not None and not local.exists():
        raise FormatError(f"path {name!r}: no such spectrum-image store")
    if local is not None and not (local / "zarr.json").is_file():
        hint = (
            " (this looks like a Zarr v2 store; rewrite it with mixmap.write_spectrum_image)"
            if (local / ".zgroup").exists() or (local / ".zarray").exists()
            else ""
        )
        raise FormatError(f"path {name!r} is not a Zarr v3 store (no zarr.json){hint}")
    try:
        group = zarr.open_group(str(local) if local is not None else path, mode="r", zarr_format=3)
    except Exception as exc:  # zarr raises several types for unreadable metadata
        raise FormatError(f"path {name!r} is not a readable Zarr v3 group: {exc}") from exc
    meta = group.attrs.get("mixmap")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise FormatError(
            f"path {name!r} is a Zarr store but not a mixmap spectrum image (missing "
            "the 'mixmap' group attribute); convert it with mixmap.convert or "
            "mixmap.write_spectrum_image"
        )
    if int(meta.get("version", 0)) > FORMAT_VERSION:
        raise FormatError(
            f"path {name!r} uses spectrum-image format version {meta.get('version')}; "
            f"this mixmap reads version <= {FORMAT_VERSION}: upgrade mixmap"
        )
    if not meta.get("complete", False):
        raise FormatError(
            f"path {name!r} is truncated: writing did not finish (attribute complete=false); write it again"
        )
    try:
        arr = group["data"]
    except KeyError:
        raise FormatError(f"path {name!r}: the array 'data' is missing (truncated store)") from None
    if not isinstance(arr, zarr.Array) or arr.ndim != 3:
        raise FormatError(f"path {name!r}: 'data' must be a 3-D (y, x, E) array")
    if np.dtype(arr.dtype).kind not in "iu":
        raise FormatError(f"path {name!r}: 'data' must hold integer counts, found {arr.dtype}")
    missing = arr.nchunks - arr.nchunks_initialized
    if missing:
        raise FormatError(
            f"path {name!r} is truncated: {missing} of {arr.nchunks} chunks of 'data' "
            "are missing; write or convert it again"
        )
    keys = ("energy_offset_keV", "energy_scale_keV", "fwhm_mnka_eV")
    if any(k not in meta for k in keys):
        raise FormatError(f"path {name!r}: the 'mixmap' attribute lacks one of {keys}")
    try:
        a = _attrs(
            meta["energy_offset_keV"],
            meta["energy_scale_keV"],
            meta.get("beam_energy_keV", meta.get("beam_energy")),  # key of older stores
            meta.get("pixel_size_nm"),
            meta["fwhm_mnka_eV"],
            meta.get("elements"),
            meta.get("source"),
        )
    except InputError as exc:
        raise FormatError(f"path {name!r}: invalid attribute: {exc}") from None
    return SpectrumImage(
        data=da.from_zarr(arr),
        energy_offset=a["energy_offset_keV"],
        energy_scale=a["energy_scale_keV"],
        beam_energy_keV=a["beam_energy_keV"],
        fwhm_mnka=a["fwhm_mnka_eV"],
        pixel_size=a["pixel_size_nm"],
        elements=tuple(a["elements"]),
        source=a["source"],
        path=name,
    )


def _as_spectrum_image(si) -> SpectrumImage:
    if isinstance(si, SpectrumImage):
        return si
    if isinstance(si, (str, os.PathLike)):
        return open_spectrum_image(si)
    raise InputError(
        "si must be a SpectrumImage (mixmap.open_spectrum_image) or the path of a "
        f"spectrum-image store, got {type(si).__name__}"
    )
