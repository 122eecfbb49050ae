"""Synthetic STEM-EDX spectrum images from element maps, generated chunk by chunk.

Each pixel's expected spectrum is a sum over elements of the element's amount in the pixel (the map
value) times its spectrum: characteristic lines as Gaussians of the detector FWHM at their energy
(:func:`mixmap.detector_fwhm`, energies from :func:`mixmap.xray_line`) on a Kramers-like continuum.
Poisson counting noise is drawn on a fixed grid of 8 x 8-pixel tiles, each tile with its own seed
(``SeedSequence`` child by tile position), so the cube does not depend on how it is chunked and a
cube larger than memory is generated and written one chunk at a time (Dask ``map_blocks`` into
:func:`mixmap.write_spectrum_image`).
"""

from __future__ import annotations

import math

import dask.array as da
import numpy as np
from scipy.special import ndtr

from .._random import seed_sequence
from .._validate import check_integer
from ..chemistry.xray import detector_fwhm, line_table
from ..errors import InputError
from ..spectral import write_spectrum_image
from .._deprecate import renamed_keyword
from ._aggregates import Aggregate

__all__ = ["spectrum_image"]

#: Noise tiles (pixels); chunks must be multiples of it.
TILE = 8


def _family_lines(element, e_max, beam_energy):
    """(energies keV, weights) of the element's main excited family inside the spectrum."""
    t = line_table()
    rows = t[t.element == element]
    if rows.empty:
        raise InputError(f"elements: unknown element {element!r}; use symbols such as 'C', 'Si', 'Cu'")
    limit = min(e_max, beam_energy / 1.5 if beam_energy else e_max)  # overvoltage >= 1.5
    for fam in ("K", "L", "M"):
        f = rows[(rows.family == fam) & (rows.energy_keV < limit) & (rows.energy_keV > 0)]
        if not f.empty and f.weight.max() >= 0.999:  # the family's main line is present
            return f.energy_keV.to_numpy(float), f.weight.to_numpy(float) / f.weight.sum()
    raise InputError(
        f"elements: no X-ray line of {element} below {limit:.2f} keV (the end of the energy "
        f"axis or beam_energy/1.5); raise n_channels, energy_scale or beam_energy"
    )


def _line_spectrum(energies, weights, edges, fwhm_mnka):
    """Unit-sum Gaussian lines integrated over the channel edges (keV)."""
    out = np.zeros(edges.size - 1)
    for e, w in zip(energies, weights, strict=True):
        sigma = detector_fwhm(e, fwhm_mnka) / 1000.0 / (2.0 * math.sqrt(2.0 * math.log(2.0)))
        out += w * np.diff(ndtr((edges - e) / sigma))
    return out / out.sum()


def _continuum(centres, beam_energy):
    """Kramers' law (E0/E − 1) times a soft low-energy cut-off (window absorption), unit sum."""
    e = np.clip(centres, 1e-6, None)
    k = np.where((centres > 0) & (centres < beam_energy), beam_energy / e - 1.0, 0.0)
    k *= np.exp(-((0.3 / e) ** 3))
    s = k.sum()
    if s <= 0:
        raise InputError("the energy axis holds no channel between 0 and beam_energy; check energy_offset")
    return k / s


def _block(weights, spectra, floor, entropy, spawn_key, dtype, block_info=None):
    """Poisson counts of one (cy, cx) block: expected spectra weights @ spectra + floor, tile-seeded."""
    loc = block_info[None]["array-location"]
    y0, x0 = loc[0][0], loc[1][0]
    lam = weights @ spectra
    lam += floor
    out = np.empty(lam.shape, dtype=dtype)
    cy, cx = lam.shape[:2]
    for i in range(0, cy, TILE):
        for j in range(0, cx, TILE):
            key = (*spawn_key, (y0 + i) // TILE, (x0 + j) // TILE)
            rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=key))
            out[i : i + TILE, j : j + TILE] = rng.poisson(lam[i : i + TILE, j : j + TILE])
    return out


def _maps(maps, elements):
    pixel_size = None
    if isinstance(maps, Aggregate):
        pixel_size = maps.pixel_size
        maps = (maps.mask_a, maps.mask_b)
    try:
        arrs = [np.asarray(m) for m in maps]
    except TypeError:
        raise InputError("maps must be an Aggregate or a sequence of 2-D arrays, one per element") from None
    if len(arrs) != len(elements):
        raise InputError(
            f"maps holds {len(arrs)} maps but elements names {len(elements)}; pass one map per "
            f"element, e.g. maps=(a, b) with elements=('C', 'Si')"
        )
    if any(a.ndim != 2 for a in arrs) or len({a.shape for a in arrs}) != 1:
        raise InputError(f"maps must be 2-D arrays of one shape, got shapes {[a.shape for a in arrs]}")
    w = np.stack([a.astype(np.float64) for a in arrs], axis=-1)
    if not np.isfinite(w).all() or (w < 0).any():
        raise InputError("maps must be finite and non-negative (relative amounts of each element)")
    return w, pixel_size


@renamed_keyword("beam_energy", "beam_energy_keV")
def spectrum_image(
    maps,
    path=None,
    *,
    elements=("C", "Si"),
    beam_energy_keV=200.0,
    energy_offset=0.0,
    energy_scale=0.01,
    n_channels=2048,
    counts_per_pixel=100.0,
    continuum=0.2,
    background=0.0,
    fwhm_mnka=130.0,
    chunks=(64, 64),
    seed=0,
    pixel_size=None,
    overwrite=False,
    progress=False,
):
    """Synthetic STEM-EDX spectrum image (y, x, E) of element maps, as a Zarr store or a Dask array.

    Turns 2-D maps (e.g. the projections of :func:`mixmap.synthetic.aggregates`) into the kind of
    cube the paper's maps come from (Buchheiser et al., Section 2.1): each element's lines are
    Gaussians of width FWHM(E) (:func:`mixmap.detector_fwhm`) at the tabulated energies
    (:func:`mixmap.xray_line`), on a Kramers-like continuum ``(E0/E − 1)·exp(−(0.3 keV/E)³)``
    (window absorption at low energy), with Poisson noise.

    Expected counts of pixel p in channel k::

        λ[p, k] = Σ_e w_e[p] · c_e · ((1 − continuum) · L_e[k] + continuum · K[k]) + background · K[k]

    with w_e the map of element e, c_e = ``counts_per_pixel``, L_e its unit-sum line spectrum (main
    family excited below E0/1.5: K, else L, else M; lines weighted within the family) and K the unit-sum
    continuum.

    Parameters
    ----------
    maps : Aggregate or sequence of 2-D arrays
        One non-negative map per element (bool or relative amounts); an :class:`Aggregate` gives its
        noise-free masks (A = first element, B = second) and its pixel size.
    path : str, os.PathLike or None
        Zarr store to write (:func:`mixmap.write_spectrum_image`); None returns the lazy Dask array.
    elements : sequence of str
        Element symbols, one per map.
    beam_energy_keV : float
        Accelerating voltage E0 in keV.
    energy_offset, energy_scale : float
        Energy (keV) of channel 0 and channel width (keV); channel k is centred at
        ``energy_offset + k * energy_scale``.
    n_channels : int
        Number of channels.
    counts_per_pixel : float or sequence of float
        Expected counts (lines + continuum) from a map value of 1, per element or for all.
    continuum : float in [0, 1)
        Share of an element's counts in the continuum.
    background : float
        Expected continuum counts per pixel everywhere (support film, stray scattering).
    fwhm_mnka : float
        Detector FWHM at Mn Kα in eV.
    chunks : (int, int)
        Spatial chunk shape (y, x), multiples of 8 (the noise tiles); spectra are never split.
    seed : int, Generator, SeedSequence or None
        Noise seed (default 0: identical calls give identical cubes);
        tile (ty, tx) of 8 x 8 pixels uses ``SeedSequence`` child (ty, tx), so the cube
        is the same for any ``chunks``.
    pixel_size : float or None
        Pixel size (nm) stored with the cube (default: the Aggregate's).
    overwrite : bool
        Replace an existing store at ``path``.
    progress : bool
        Progress bar while writing.

    Returns
    -------
    SpectrumImage or dask.array.Array
        The written store opened lazily, or the lazy cube (uint16, or uint32 when counts could
        exceed 65535) when ``path`` is None.

    Raises
    ------
    mixmap.InputError
        Maps not matching ``elements`` or not 2-D/finite/non-negative, unknown element, no line on
        the energy axis, bad calibration, chunks not multiples of 8, existing ``path``.

    Examples
    --------
    >>> import numpy as np
    >>> from mixmap.synthetic import spectrum_image
    >>> a = np.zeros((16, 16), bool); a[4:12, 4:12] = True
    >>> cube = spectrum_image((a, ~a), elements=("C", "Si"), n_channels=256, seed=0)
    >>> cube.shape, cube.dtype
    ((16, 16, 256), dtype('uint16'))
    """
    if isinstance(elements, str):
        elements = (elements,)
    elements = tuple(elements)
    w, agg_pixel_size = _maps(maps, elements)
    if pixel_size is None:
        pixel_size = agg_pixel_size

    def num(name, v, lo, lo_open=True, hi=None):
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise InputError(f"{name} must be a number, got {v!r}") from None
        if not math.isfinite(x) or (x <= lo if lo_open else x < lo) or (hi is not None and x >= hi):
            raise InputError(
                f"{name} must be a finite number {'>' if lo_open else '>='} {lo}"
                f"{'' if hi is None else f' and < {hi}'}, got {v!r}"
            )
        return x

    beam_energy = num(
        "beam_energy_keV",
        beam_energy_keV,
        0.0,
    )
    energy_scale = num("energy_scale", energy_scale, 0.0)
    energy_offset = num("energy_offset", energy_offset, -math.inf)
    continuum = num("continuum", continuum, 0.0, False, 1.0)
    background = num("background", background, 0.0, False)
    n_channels = check_integer("n_channels", n_channels, minimum=2)
    cpp = (
        np.broadcast_to(np.asarray(counts_per_pixel, dtype=float), (len(elements),))
        if np.ndim(counts_per_pixel) == 0 or len(counts_per_pixel) == len(elements)
        else None
    )
    if cpp is None or not np.isfinite(cpp).all() or (cpp < 0).any():
        raise InputError(f"counts_per_pixel must be a non-negative number or one per element, got {counts_per_pixel!r}")
    try:
        cy, cx = (int(c) for c in chunks)
    except (TypeError, ValueError):
        raise InputError(f"chunks must be a pair (cy, cx) of multiples of {TILE}, got {chunks!r}") from None
    if cy < TILE or cx < TILE or cy % TILE or cx % TILE:
        raise InputError(
            f"chunks must be a pair (cy, cx) of positive multiples of {TILE} (the noise tiles), got {chunks!r}"
        )

    centres = energy_offset + energy_scale * np.arange(n_channels)
    edges = energy_offset + energy_scale * (np.arange(n_channels + 1) - 0.5)
    lines = [_family_lines(el, edges[-1], beam_energy) for el in elements]
    K = _continuum(centres, beam_energy)
    spectra = np.empty((len(elements), n_channels))
    for k, (e, wt) in enumerate(lines):
        spectra[k] = cpp[k] * ((1 - continuum) * _line_spectrum(e, wt, edges, float(fwhm_mnka)) + continuum * K)
    floor = background * K
    lam_max = float((w.max(axis=(0, 1)) @ spectra + floor).max())
    dtype = np.uint16 if lam_max + 10 * math.sqrt(lam_max) + 20 < 65535 else np.uint32

    ss = seed_sequence(seed)
    H, W = w.shape[:2]
    wd = da.from_array(w, chunks=(cy, cx, len(elements)))
    cube = da.map_blocks(
        _block,
        wd,
        spectra,
        floor,
        ss.entropy,
        tuple(ss.spawn_key),
        dtype,
        dtype=dtype,
        chunks=(wd.chunks[0], wd.chunks[1], (n_channels,)),
        meta=np.empty((0, 0, 0), dtype=dtype),
    )
    if path is None:
        return cube
    return write_spectrum_image(
        path,
        cube,
        energy_offset=energy_offset,
        energy_scale=energy_scale,
        beam_energy_keV=beam_energy,
        pixel_size=pixel_size,
        fwhm_mnka=float(fwhm_mnka),
        elements=list(elements),
        chunks=(cy, cx, n_channels),
        overwrite=overwrite,
        progress=progress,
    )
