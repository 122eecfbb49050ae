"""Spectrum images larger than memory: a Zarr v3 cube (y, x, E) reduced chunk by chunk.

The mixmap spectrum-image format is a Zarr v3 *group* holding

- one array ``data`` with shape (y, x, E), integer counts, chunked over (y, x) with (by default) the
  whole energy axis in each chunk, so one chunk holds complete spectra;
- the group attribute ``"mixmap"``: a dict with the keys ``format`` (``"mixmap.spectrum_image"``),
  ``version`` (1), ``complete`` (True once every chunk was written), ``axes`` (``["y", "x", "E"]``),
  ``energy_offset_keV``, ``energy_scale_keV`` (energy of channel k is offset + k * scale),
  ``beam_energy_keV`` (or null), ``fwhm_mnka_eV`` (detector FWHM at Mn Kα), ``pixel_size_nm``
  (or null), ``elements`` (list of symbols) and ``source`` (original file name or null).

Element maps are window integrals around X-ray lines computed in a single streaming pass: Dask
visits each chunk once and one Numba kernel call (:func:`mixmap.kernels.windows.window_sums`) sums
every integration and background window of every line.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import DataError, FormatError, InputError, MixmapError, WindowClippedWarning
from ._validate import check_number

__all__ = [
    "SpectrumImage",
    "write_spectrum_image",
    "open_spectrum_image",
    "convert",
    "element_maps",
    "line_profile",
    "Profile",
]

FORMAT_NAME = "mixmap.spectrum_image"
FORMAT_VERSION = 1
#: Target size of one chunk of the cube when ``chunks`` is not given (bytes).
CHUNK_BYTES = 16 * 2**20


# --------------------------------------------------------------------------------------------
# the on-disk format
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SpectrumImage:
    """An opened spectrum image: a lazy (y, x, E) Dask array plus its calibration.

    Attributes
    ----------
    data : dask.array.Array
        Counts, shape (ny, nx, n_channels), chunked as stored.
    energy_offset, energy_scale : float
        Energy of channel k is ``energy_offset + k * energy_scale`` (keV).
    beam_energy : float or None
        Accelerating voltage (keV).
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

    data: object = field(repr=False)
    energy_offset: float
    energy_scale: float
    beam_energy: float | None = None
    fwhm_mnka: float = 130.0
    pixel_size: float | None = None
    elements: tuple = ()
    source: str | None = None
    path: str | None = None

    @property
    def energy(self) -> np.ndarray:
        """Energy of every channel (keV), shape (n_channels,)."""
        return self.energy_offset + self.energy_scale * np.arange(self.data.shape[2])

    @property
    def shape(self) -> tuple:
        return tuple(self.data.shape)

    def to_dict(self) -> dict:
        """Attributes (not the data) as a plain dict, with units in the keys."""
        return {
            "shape": list(self.data.shape),
            "dtype": str(self.data.dtype),
            "chunks": [c[0] for c in self.data.chunks],
            "energy_offset_keV": self.energy_offset,
            "energy_scale_keV": self.energy_scale,
            "beam_energy_keV": self.beam_energy,
            "fwhm_mnka_eV": self.fwhm_mnka,
            "pixel_size_nm": self.pixel_size,
            "elements": list(self.elements),
            "source": self.source,
            "path": self.path,
        }


def _attrs(energy_offset, energy_scale, beam_energy, pixel_size, fwhm_mnka, elements, source):
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
        "beam_energy_keV": check_number("beam_energy", beam_energy, optional=True, unit="keV"),
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
    return tuple(min(v, s) for v, s in zip(c, shape))


def _check_nonnegative(block):
    if block.size and block.min() < 0:
        raise DataError("data: spectrum images hold counts and must be >= 0; found negative values")
    return block


def _store_path(path):
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    return None


class _DaskProgress:
    """Dask callback driving mixmap's progress bar (one tick per finished task)."""

    def __init__(self, desc, enabled):
        self.desc, self.enabled = desc, enabled

    def __enter__(self):
        if not self.enabled:
            return self
        from dask.callbacks import Callback

        from ._progress import Progress

        bar = Progress(None, self.desc)
        self._bar = bar

        class _CB(Callback):
            def _start_state(self, dsk, state):
                bar.total = len(dsk)

            def _posttask(self, key, result, dsk, state, worker_id):
                bar.update(1)

            def _finish(self, dsk, state, errored):
                if not errored and bar.total:
                    bar.n = bar.total  # the graph may hold keys that are not tasks

        self._cb = _CB()
        self._cb.__enter__()
        bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self._cb.__exit__(*exc)
            self._bar.__exit__(*exc)
        return False


def write_spectrum_image(
    path,
    data,
    *,
    energy_offset,
    energy_scale,
    beam_energy=None,
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
    beam_energy : float, optional
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
    import dask.array as da
    import zarr

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
    attrs = _attrs(energy_offset, energy_scale, beam_energy, pixel_size, fwhm_mnka, elements, source)
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
    with _DaskProgress("write", progress):
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
    >>> path = os.path.join(tempfile.gettempdir(), "cube.zarr")
    >>> cube = np.random.default_rng(0).poisson(1.0, (32, 32, 1024)).astype("uint16")
    >>> si = mixmap.write_spectrum_image(path, cube, energy_offset=0.0,
    ...                                  energy_scale=0.01, overwrite=True)  # 0-10.23 keV
    >>> si = mixmap.open_spectrum_image(path)
    >>> si.energy[:3]
    array([0.  , 0.01, 0.02])
    """
    import dask.array as da
    import zarr

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
            meta.get("beam_energy_keV"),
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
        beam_energy=a["beam_energy_keV"],
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


# --------------------------------------------------------------------------------------------
# element maps: integration windows (+ side-window background), one pass over the cube
# --------------------------------------------------------------------------------------------
def _channel(value, offset, scale):
    """Channel index of an energy as HyperSpy's ``value2index`` (round half towards zero)."""
    x = (value - offset) / scale
    x = math.trunc(x * 1e12) / 1e12
    return math.ceil(x - 0.5) if x >= 0 else math.floor(x + 0.5)


def _parse_lines(lines):
    if isinstance(lines, str):
        lines = [lines]
    try:
        lines = [str(x) for x in lines]
    except TypeError:
        raise InputError(f"lines must be a list of line names such as ['Cu_Ka', 'Zn_Ka'], got {lines!r}") from None
    if not lines:
        raise InputError("lines must name at least one X-ray line, e.g. ['Cu_Ka']")
    if len(set(lines)) != len(lines):
        raise InputError(f"lines contains duplicates: {lines}")
    return lines


def windows(si, lines, *, width=2.0, background=None, background_offset=(2.0, 2.0), background_width=1.0):
    """Energy windows of :func:`element_maps` as a table (energies in keV, channels half-open).

    Parameters and conventions are those of :func:`element_maps`. Returns a
    :class:`pandas.DataFrame` with one row per line: ``line, energy_keV, fwhm_eV``, the integration
    window ``lo_keV, hi_keV, lo_ch, hi_ch`` and, with ``background="windows"``, the left and right
    background windows ``bl_lo_keV, bl_hi_keV, br_lo_keV, br_hi_keV`` and their channels
    ``bl_lo_ch, bl_hi_ch, br_lo_ch, br_hi_ch``.
    """
    import pandas as pd

    from .chemistry.xray import detector_fwhm, xray_line

    si = _as_spectrum_image(si)
    lines = _parse_lines(lines)
    w = check_number("width", width, unit="multiple of the line FWHM")
    if background not in (None, "windows"):
        raise InputError(f"background must be None or 'windows', got {background!r}")
    try:
        left, right = (float(v) for v in background_offset)
    except (TypeError, ValueError):
        raise InputError(
            f"background_offset must be two numbers (left, right) in units of the line FWHM, got {background_offset!r}"
        ) from None
    if not (left >= 0 and right >= 0):
        raise InputError(f"background_offset must be >= 0, got {background_offset!r}")
    bw = check_number("background_width", background_width, unit="multiple of the line FWHM")
    off, sc, n = si.energy_offset, si.energy_scale, si.data.shape[2]
    e_lo, e_hi = off - 0.5 * sc, off + (n - 0.5) * sc
    rows = []
    for line in lines:
        e = xray_line(line)
        f = detector_fwhm(e, si.fwhm_mnka) / 1000.0
        lo, hi = e - w * f / 2, e + w * f / 2
        if hi <= e_lo or lo >= e_hi:
            raise InputError(
                f"lines: {line} at {e:.4f} keV lies outside the energy range of the "
                f"spectrum image ({e_lo:.3f}-{e_hi:.3f} keV)"
            )
        rows.append(
            {
                "line": line,
                "energy_keV": e,
                "fwhm_eV": f * 1000.0,
                "lo_keV": lo,
                "hi_keV": hi,
                "bl_lo_keV": e - f * left - f * bw,
                "bl_hi_keV": e - f * left,
                "br_lo_keV": e + f * right,
                "br_hi_keV": e + f * right + f * bw,
            }
        )
    if background == "windows":
        # Neighbouring lines whose windows overlap share background windows (the left one of the
        # lower line, the right one of the upper line), as exspy's estimate_background_windows.
        order = sorted(range(len(rows)), key=lambda i: rows[i]["bl_lo_keV"])
        for ia, ib in zip(order[:-1], order[1:]):
            a, b = rows[ia], rows[ib]
            if a["br_lo_keV"] > b["bl_lo_keV"]:
                merged = (a["bl_lo_keV"], a["bl_hi_keV"], b["br_lo_keV"], b["br_hi_keV"])
                for r in (a, b):
                    r["bl_lo_keV"], r["bl_hi_keV"], r["br_lo_keV"], r["br_hi_keV"] = merged
    cut = []
    for r in rows:
        raw_lo, raw_hi = _channel(r["lo_keV"], off, sc), _channel(r["hi_keV"], off, sc)
        r["lo_ch"] = min(max(raw_lo, 0), n)
        r["hi_ch"] = min(max(raw_hi, 0), n)
        if (r["lo_ch"], r["hi_ch"]) != (raw_lo, raw_hi):
            cut.append(f"{r['line']} integration window ({raw_hi - raw_lo} -> {r['hi_ch'] - r['lo_ch']} channels)")
        if r["hi_ch"] <= r["lo_ch"]:
            raise InputError(
                f"width: the integration window of {r['line']} is narrower than one channel; use a larger width"
            )
        if background == "windows":
            for side in ("bl", "br"):
                a = _channel(r[f"{side}_lo_keV"], off, sc)
                b = _channel(r[f"{side}_hi_keV"], off, sc)
                if b < 0 or a >= n:
                    raise InputError(
                        f"background: the {'left' if side == 'bl' else 'right'} "
                        f"background window of {r['line']} lies outside the spectrum; "
                        "reduce background_offset/background_width or use background=None"
                    )
                if (a, b) != (max(a, 0), min(b, n)):
                    cut.append(
                        f"{r['line']} {'left' if side == 'bl' else 'right'} background window "
                        f"({b - a} -> {min(b, n) - max(a, 0)} channels)"
                    )
                a, b = max(a, 0), min(b, n)
                if b <= a:  # exspy then takes the single channel at the window start
                    b = a + 1
                r[f"{side}_lo_ch"], r[f"{side}_hi_ch"] = a, b
        else:
            for k in ("bl_lo_keV", "bl_hi_keV", "br_lo_keV", "br_hi_keV"):
                del r[k]
    if cut:
        warnings.warn(
            f"windows cut at the ends of the spectrum ({e_lo:.3f}-{e_hi:.3f} keV), only the channels "
            f"inside are summed: {'; '.join(cut)}",
            WindowClippedWarning,
            stacklevel=3,
        )
    return pd.DataFrame(rows)


def _combine(sums, n_lines, corr):
    """Window sums (..., 3 * n_lines) -> maps (..., n_lines): integral - corr * (left + right)."""
    if corr is None:
        return sums[..., :n_lines]
    return sums[..., :n_lines] - corr * (sums[..., n_lines : 2 * n_lines] + sums[..., 2 * n_lines :])


def _block_sums(block, starts, stops, block_info=None):
    from .kernels.windows import window_sums

    e0 = block_info[0]["array-location"][2][0]
    out = window_sums(np.ascontiguousarray(block), starts - e0, stops - e0)
    return out[:, :, None, :]


def _window_sums_lazy(data, starts, stops):
    """Lazy (y, x, n_windows) float64 sums; one kernel call per chunk of ``data``."""
    import dask.array as da

    nw = len(starts)
    partial = da.map_blocks(
        _block_sums,
        data,
        np.asarray(starts, np.int64),
        np.asarray(stops, np.int64),
        new_axis=3,
        chunks=(data.chunks[0], data.chunks[1], (1,) * len(data.chunks[2]), (nw,)),
        dtype=np.float64,
        meta=np.empty((0, 0, 0, 0), np.float64),
    )
    if len(data.chunks[2]) == 1:
        return partial[:, :, 0, :]
    return partial.sum(axis=2)


def _compute_checked(fn, si):
    try:
        return fn()
    except MixmapError:
        raise
    except Exception as exc:  # codec / IO errors while decoding chunks of the store
        raise FormatError(
            f"si: reading the store {si.path!r} failed ({type(exc).__name__}: {exc}); "
            "the store is corrupted, convert or write it again"
        ) from exc


def element_maps(
    si,
    lines,
    *,
    width=2.0,
    background=None,
    background_offset=(2.0, 2.0),
    background_width=1.0,
    out=None,
    overwrite=False,
    progress=False,
):
    """Element maps (window integrals around X-ray lines) in one streaming pass over the cube.

    For each line at energy E with detector resolution FWHM(E) (:func:`mixmap.detector_fwhm`,
    FWHM at Mn Kα from the store), the map is the sum of the counts of channels in
    ``E ± width·FWHM/2``. With ``background="windows"``, the mean count per channel of two side
    windows - ``[E − (o_l + w_b)·FWHM, E − o_l·FWHM]`` and ``[E + o_r·FWHM, E + (o_r + w_b)·FWHM]``
    with ``(o_l, o_r) = background_offset`` and ``w_b = background_width`` - times the number of
    channels of the integration window is subtracted. Energies are turned into channels and
    windows of overlapping neighbouring lines are merged exactly as in exspy's
    ``get_lines_intensity`` / ``estimate_background_windows`` (channel = round half towards zero
    of (E − offset)/scale, half-open ``[start, stop)``), so both programs agree on the same data;
    where a background window is narrower than one channel, its single channel is used and its
    true channel count enters the mean (exspy divides by zero there).

    Every chunk of the cube is read once; one Numba kernel call per chunk
    (:func:`mixmap.kernels.windows.window_sums`) sums all the windows of all lines. Memory stays
    bounded by a few chunks per Dask worker.

    Parameters
    ----------
    si : SpectrumImage or path
        From :func:`open_spectrum_image`, or the path of a store.
    lines : sequence of str
        X-ray lines, e.g. ``["Cu_Ka", "Zn_Ka"]`` (see :func:`mixmap.xray_line`).
    width : float
        Integration window in units of the line FWHM (exspy's ``integration_windows``, default 2).
    background : None or "windows"
        Side-window background subtraction.
    background_offset : (float, float)
        Distance of the left/right background windows from the line, in FWHM (exspy's
        ``line_width``, default (2, 2)).
    background_width : float
        Width of each background window in FWHM (exspy's ``windows_width``, default 1).
    out : path, optional
        Write the maps to a Zarr v3 group at ``out`` (one 2-D float64 array per line) instead of
        returning them in memory.
    overwrite : bool
        Replace an existing ``out``.
    progress : bool
        Draw a progress bar on stderr.

    Returns
    -------
    dict
        ``{line: 2-D float64 map}``: NumPy arrays, or Zarr-backed Dask arrays when ``out`` is given.
        Background-subtracted maps can be negative where a line is absent (no clipping).

    Raises
    ------
    mixmap.InputError
        Unknown line, line outside the energy range, bad width/background, existing ``out``.
    mixmap.FormatError
        Unreadable, truncated or corrupted store.

    Examples
    --------
    >>> import numpy as np, mixmap, os, tempfile
    >>> path = os.path.join(tempfile.gettempdir(), "cube.zarr")
    >>> cube = np.random.default_rng(0).poisson(1.0, (32, 32, 1024)).astype("uint16")
    >>> si = mixmap.write_spectrum_image(path, cube, energy_offset=0.0,
    ...                                  energy_scale=0.01, overwrite=True)  # 0-10.23 keV
    >>> maps = mixmap.element_maps(path, ["Cu_Ka", "Zn_Ka"], background="windows")
    >>> maps["Cu_Ka"].shape
    (32, 32)
    """
    import dask.array as da

    si = _as_spectrum_image(si)
    table = windows(
        si,
        lines,
        width=width,
        background=background,
        background_offset=background_offset,
        background_width=background_width,
    )
    names = list(table["line"])
    nl = len(names)
    starts = list(table["lo_ch"])
    stops = list(table["hi_ch"])
    corr = None
    if background == "windows":
        starts += list(table["bl_lo_ch"]) + list(table["br_lo_ch"])
        stops += list(table["bl_hi_ch"]) + list(table["br_hi_ch"])
        n_int = (table["hi_ch"] - table["lo_ch"]).to_numpy(np.float64)
        n_bg = table["bl_hi_ch"] - table["bl_lo_ch"] + table["br_hi_ch"] - table["br_lo_ch"]
        corr = n_int / n_bg.to_numpy(np.float64)
    sums = _window_sums_lazy(si.data, starts, stops)
    maps = sums.map_blocks(_combine, nl, corr, chunks=sums.chunks[:2] + ((nl,),), dtype=np.float64)

    if out is None:
        with _DaskProgress("maps", progress):
            result = _compute_checked(lambda: maps.compute(), si)
        return {name: np.ascontiguousarray(result[:, :, k]) for k, name in enumerate(names)}

    import zarr

    local = _store_path(out)
    if local is not None and local.exists() and not overwrite:
        raise InputError(f"out {str(local)!r} already exists; pass overwrite=True (CLI: --overwrite) or another path")
    group = zarr.open_group(str(local) if local is not None else out, mode="w", zarr_format=3)
    group.attrs["mixmap"] = {
        "format": "mixmap.element_maps",
        "version": FORMAT_VERSION,
        "source": si.path,
        "pixel_size_nm": si.pixel_size,
        "windows": table.to_dict(orient="records"),
    }
    targets = [
        group.create_array(name, shape=maps.shape[:2], dtype=np.float64, chunks=tuple(c[0] for c in maps.chunks[:2]))
        for name in names
    ]
    with _DaskProgress("maps", progress):
        _compute_checked(lambda: da.store([maps[:, :, k] for k in range(nl)], targets, lock=False), si)
    return {name: da.from_zarr(t) for name, t in zip(names, targets)}


# --------------------------------------------------------------------------------------------
# line profiles
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Profile:
    """An intensity profile along a line (result of :func:`line_profile`).

    Attributes
    ----------
    position_px : ndarray, shape (n,)
        Distance from ``start`` along the line (pixels).
    position_m : ndarray or None
        The same in metres, when the pixel size is known.
    values : ndarray
        Band-averaged values, shape (n,) for an image, (n, k) for k maps or channels.
    names : tuple of str or None
        Column names of ``values`` (map names, or ``"<energy> keV"`` per channel of a cube).
    start, end : tuple of float
        End points (row, col) in pixels.
    width : int
        Width of the averaged band (pixels).
    """

    position_px: np.ndarray
    position_m: np.ndarray | None
    values: np.ndarray
    names: tuple | None
    start: tuple
    end: tuple
    width: int

    def to_dict(self) -> dict:
        return {
            "position_px": self.position_px,
            "position_m": self.position_m,
            "values": self.values,
            "names": self.names,
            "start": self.start,
            "end": self.end,
            "width": self.width,
        }

    def to_frame(self):
        """Tidy table: ``position_px``, ``position_m`` (if known) and one column per map/channel."""
        import pandas as pd

        cols = {"position_px": self.position_px}
        if self.position_m is not None:
            cols["position_m"] = self.position_m
        if self.values.ndim == 1:
            cols["value"] = self.values
        else:
            for k, name in enumerate(self.names):
                cols[name] = self.values[:, k]
        return pd.DataFrame(cols)


def _point(name, p, shape):
    try:
        r, c = (float(v) for v in p)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a (row, col) pair in pixels, got {p!r}") from None
    if not (0 <= r <= shape[0] - 1 and 0 <= c <= shape[1] - 1):
        raise InputError(f"{name}={p!r} lies outside the image (rows 0..{shape[0] - 1}, cols 0..{shape[1] - 1})")
    return r, c


def line_profile(image_or_cube, start, end, *, width=1, pixel_size=None, order=1):
    """Profile along a line, averaged over a perpendicular band of ``width`` pixels.

    Samples are spaced by about one pixel from ``start`` to ``end`` (both included); at each sample
    the values on ``width`` parallel lines (spaced one pixel apart across the line) are
    interpolated (``order`` 1: bilinear) and averaged - parallel scans averaged, as recommended for
    noisy concentration profiles across an interface. Implemented with
    :func:`skimage.measure.profile_line` (``mode="nearest"`` where the band leaves the image).

    Parameters
    ----------
    image_or_cube : 2-D array, dict of 2-D arrays, 3-D array (y, x, k) or SpectrumImage
        An image gives one profile; a dict of maps (e.g. from :func:`element_maps`) or a
        (y, x, k) array gives one profile per map/channel, as the columns of ``values``. For a
        SpectrumImage, only the pixels around the band are read from the store and ``values`` holds
        the spectrum along the line (one column per energy channel).
    start, end : (row, col)
        End points in pixels (inside the image, distinct).
    width : int
        Band width in pixels (>= 1; odd widths are centred on the line).
    pixel_size : float, optional
        Pixel size (nm) to give ``position_m``; taken from a SpectrumImage when not given.
    order : int
        Spline interpolation order (0-5).

    Returns
    -------
    Profile

    Raises
    ------
    mixmap.InputError
        Bad array dimensions, points outside the image or equal, width < 1, bad pixel size.

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> img = np.tile(np.linspace(0, 1, 50), (20, 1))
    >>> p = mixmap.line_profile(img, (10, 0), (10, 49), width=5, pixel_size=2.0)
    >>> p.values.shape, round(float(p.values[-1]), 3)
    ((50,), 1.0)
    """
    from skimage.measure import profile_line

    names = None
    offset = (0.0, 0.0)
    if isinstance(image_or_cube, (str, os.PathLike)):
        image_or_cube = open_spectrum_image(image_or_cube)
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise InputError(f"width must be an integer >= 1 (pixels), got {width!r}")
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 0 <= order <= 5:
        raise InputError(f"order must be an integer 0-5, got {order!r}")
    if isinstance(image_or_cube, SpectrumImage):
        si = image_or_cube
        if pixel_size is None:
            pixel_size = si.pixel_size
        shape = si.data.shape[:2]
        p0, p1 = _point("start", start, shape), _point("end", end, shape)
        margin = width / 2 + order + 2
        r0 = max(int(math.floor(min(p0[0], p1[0]) - margin)), 0)
        r1 = min(int(math.ceil(max(p0[0], p1[0]) + margin)) + 1, shape[0])
        c0 = max(int(math.floor(min(p0[1], p1[1]) - margin)), 0)
        c1 = min(int(math.ceil(max(p0[1], p1[1]) + margin)) + 1, shape[1])
        arr = _compute_checked(lambda: np.asarray(si.data[r0:r1, c0:c1].compute(), np.float64), si)
        offset = (r0, c0)
        names = tuple(f"{e:.4f} keV" for e in si.energy)
    elif isinstance(image_or_cube, dict):
        if not image_or_cube:
            raise InputError("image_or_cube: the dict of maps is empty")
        names = tuple(str(k) for k in image_or_cube)
        maps = [np.asarray(v, dtype=np.float64) for v in image_or_cube.values()]
        if any(m.ndim != 2 or m.shape != maps[0].shape for m in maps):
            raise InputError("image_or_cube: all maps of the dict must be 2-D with the same shape")
        arr = np.stack(maps, axis=-1)
    else:
        arr = np.asarray(image_or_cube)
        if arr.dtype.kind not in "biuf":
            raise InputError(f"image_or_cube must be numeric, got dtype {arr.dtype}")
        arr = arr.astype(np.float64)
        if arr.ndim == 3:
            names = tuple(str(k) for k in range(arr.shape[2]))
        elif arr.ndim != 2:
            raise InputError(
                "image_or_cube must be a 2-D image, a (y, x, k) cube, a dict of maps "
                f"or a SpectrumImage, got an array of shape {arr.shape}"
            )
    if not np.all(np.isfinite(arr)):
        raise InputError("image_or_cube contains NaN or infinite values")
    full_shape = (arr.shape[0] + offset[0], arr.shape[1] + offset[1])
    p0, p1 = _point("start", start, full_shape), _point("end", end, full_shape)
    length = math.hypot(p1[0] - p0[0], p1[1] - p0[1])
    if length == 0:
        raise InputError(f"start and end must differ, both are {start!r}")
    if pixel_size is not None:
        pixel_size = check_number("pixel_size", pixel_size, unit="nm")
    src = (p0[0] - offset[0], p0[1] - offset[1])
    dst = (p1[0] - offset[0], p1[1] - offset[1])
    values = profile_line(arr, src, dst, linewidth=int(width), order=int(order), mode="nearest", reduce_func=np.mean)
    n = values.shape[0]
    pos = np.linspace(0.0, length, n)
    return Profile(
        position_px=pos,
        position_m=None if pixel_size is None else pos * pixel_size * 1e-9,
        values=np.asarray(values, dtype=np.float64),
        names=names,
        start=tuple(p0),
        end=tuple(p1),
        width=int(width),
    )


# --------------------------------------------------------------------------------------------
# conversion of vendor files
# --------------------------------------------------------------------------------------------
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
_LENGTH_NM = {
    "nm": 1.0,
    "µm": 1e3,
    "um": 1e3,
    "μm": 1e3,
    "micron": 1e3,
    "mm": 1e6,
    "m": 1e9,
    "pm": 1e-3,
    "Å": 0.1,
    "A": 0.1,
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
        if yax.get("units") in _LENGTH_NM and yax.get("scale"):
            pixel = abs(float(yax["scale"])) * _LENGTH_NM[yax["units"]]
        return data, {
            "energy_offset": float(eax.get("offset", 0.0)) * f,
            "energy_scale": float(eax.get("scale", 1.0)) * f,
            "beam_energy": _get(mic, "beam_energy"),
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
    import dask.array as da
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
            from .chemistry.xray import _table

            sym = {r.Z: r.element for r in _table().values()}
            for ds in wi.values():
                z = ds.attrs.get("Atomic Number")
                if z is not None and sym.get(int(np.ravel(z)[0])) not in elements + [None]:
                    elements.append(sym[int(np.ravel(z)[0])])
        step = scalar("X Step", required=False)
        attrs = {
            "energy_offset": float(scalar("Start Channel")) / 1000.0,
            "energy_scale": float(scalar("Channel Width")) / 1000.0,
            "beam_energy": scalar("Beam Voltage", required=False),
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
    layout documented in :func:`_read_h5oina`). Calibration, beam energy, detector resolution,
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
    import importlib

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
        import dask.array as da

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
