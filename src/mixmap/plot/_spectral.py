"""Preview of element maps computed from a spectrum image (issue 6)."""

from __future__ import annotations

import math

import numpy as np

from ..errors import InputError
from ._base import finish, pyplot


def _scale_bar(ax, shape, pixel_size):
    """Draw a scale bar of a round length (about 1/5 of the image width) in nm or µm."""
    width_nm = shape[1] * pixel_size
    target = width_nm / 5
    exp = 10 ** math.floor(math.log10(target))
    length = max(v * exp for v in (1, 2, 5) if v * exp <= target)
    label = f"{length / 1000:g} µm" if length >= 1000 else f"{length:g} nm"
    px = length / pixel_size
    x0, y0 = shape[1] * 0.05, shape[0] * 0.93
    ax.plot([x0, x0 + px], [y0, y0], color="white", lw=3, solid_capstyle="butt")
    ax.text(x0 + px / 2, y0 - shape[0] * 0.03, label, color="white", ha="center", va="bottom", fontsize=8)


def maps_preview(maps, *, pixel_size=None, cmap="viridis", ncols=None, title=None, path=None, robust=True):
    """Grid of element maps with colour bars (and a scale bar when the pixel size is known).

    Parameters
    ----------
    maps : dict of {name: 2-D array}
        E.g. the output of :func:`mixmap.element_maps` (Dask arrays are computed).
    pixel_size : float, optional
        Pixel size in nm, for the scale bar.
    cmap : str
        Matplotlib colour map.
    ncols : int, optional
        Columns of the grid (default: up to 4).
    title : str, optional
        Figure title.
    robust : bool
        Colour limits at the 1st/99th percentiles instead of min/max (hot pixels do not wash the
        maps out).
    path : path-like, optional
        Save as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    if not isinstance(maps, dict) or not maps:
        raise InputError("maps must be a non-empty dict {name: 2-D map}, e.g. from mixmap.element_maps")
    arrays = {}
    for name, m in maps.items():
        a = np.asarray(m, dtype=np.float64)
        if a.ndim != 2:
            raise InputError(f"maps[{name!r}] must be 2-D, got shape {a.shape}")
        arrays[name] = a
    n = len(arrays)
    ncols = ncols or min(n, 4)
    nrows = math.ceil(n / ncols)
    shape = next(iter(arrays.values())).shape
    aspect = shape[0] / shape[1]
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 3.0 * nrows * aspect + 0.6), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    for ax, (name, a) in zip(axes.ravel(), arrays.items(), strict=False):
        finite = a[np.isfinite(a)]
        if robust and finite.size:
            vmin, vmax = np.percentile(finite, [1, 99])
        else:
            vmin, vmax = (finite.min(), finite.max()) if finite.size else (0, 1)
        if vmax <= vmin:
            vmax = vmin + 1
        im = ax.imshow(a, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        if pixel_size:
            _scale_bar(ax, a.shape, float(pixel_size))
        cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
        cb.ax.tick_params(labelsize=7)
        cb.set_label("counts", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return finish(fig, path)
