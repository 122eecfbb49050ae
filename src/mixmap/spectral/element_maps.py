"""Element maps from a spectrum image: X-ray line windows (exspy convention) summed in one pass.

Each map is the sum of the counts of the channels in line ± width·FWHM/2 (FWHM from
:func:`mixmap.detector_fwhm`), optionally minus the mean of two side windows times the window width
(exspy's ``get_lines_intensity`` / ``estimate_background_windows``). Dask visits each chunk of the
cube once and one Numba kernel call (:func:`mixmap.kernels.windows.window_sums`) sums every
integration and background window of every line (lazy window sums).
"""

from __future__ import annotations

import math
import warnings

import dask.array as da
import numpy as np
import pandas as pd
import zarr

from .._validate import check_choice, check_number
from ..chemistry.xray import detector_fwhm, xray_line
from ..errors import InputError, WindowClippedWarning
from ..kernels.windows import window_sums
from ._shared import compute_checked, progress_bar
from .store import FORMAT_VERSION, _as_spectrum_image, _store_path

__all__ = ["windows", "element_maps"]


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
    si = _as_spectrum_image(si)
    lines = _parse_lines(lines)
    w = check_number("width", width, unit="multiple of the line FWHM")
    check_choice("background", background, (None, "windows"))
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
        for ia, ib in zip(order[:-1], order[1:], strict=True):
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
    e0 = block_info[0]["array-location"][2][0]
    out = window_sums(np.ascontiguousarray(block), starts - e0, stops - e0)
    return out[:, :, None, :]


def _window_sums_lazy(data, starts, stops):
    """Lazy (y, x, n_windows) float64 sums; one kernel call per chunk of ``data``."""
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
    >>> path = os.path.join(tempfile.gettempdir(), "maps_cube.zarr")  # a 0-10.23 keV cube of noise
    >>> counts = np.random.default_rng(0).poisson(1.0, (32, 32, 1024)).astype("uint16")
    >>> _ = mixmap.write_spectrum_image(path, counts, energy_offset=0.0, energy_scale=0.01, overwrite=True)
    >>> maps = mixmap.element_maps(path, ["Cu_Ka", "Zn_Ka"], background="windows")
    >>> maps["Cu_Ka"].shape
    (32, 32)
    """
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
        with progress_bar("maps", progress):
            result = compute_checked(lambda: maps.compute(), si)
        return {name: np.ascontiguousarray(result[:, :, k]) for k, name in enumerate(names)}

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
    with progress_bar("maps", progress):
        compute_checked(lambda: da.store([maps[:, :, k] for k in range(nl)], targets, lock=False), si)
    return {name: da.from_zarr(t) for name, t in zip(names, targets, strict=True)}
