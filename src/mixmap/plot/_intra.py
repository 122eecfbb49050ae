"""Figures of the intra-aggregate analysis (paper Figs. 2-4)."""

from __future__ import annotations

import numpy as np

from ._base import finish, pyplot


def variance_curve(curves, *, ax=None, path=None, bounds=True, title=None):
    """Variance of local concentration versus particles per cutout (Figs. 3a, 4a).

    Parameters
    ----------
    curves : pandas.DataFrame or dict of {label: DataFrame}
        Output(s) of :func:`mixmap.variance_curve`.
    bounds : bool
        Draw s²_max (Eq. 4, dashed) and s²_min (Eq. 5, dotted) of each curve in its colour.
    path : path-like, optional
        Save as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    if not isinstance(curves, dict):
        curves = {"": curves}
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4.2))
    else:
        fig = ax.figure
    for i, (label, df) in enumerate(curves.items()):
        color = f"C{i % 10}"
        ax.plot(df["n_particles"], df["s2"], "o-", ms=3, lw=1.2, color=color, label=label or "$s^2$")
        if bounds:
            ax.plot(df["n_particles"], df["s2_max"], "--", lw=0.8, color=color)
            ax.plot(df["n_particles"], df["s2_min"], ":", lw=0.8, color=color)
    ax.set_yscale("log")
    ax.set_xlabel("primary particles per cutout $N$")
    ax.set_ylabel("variance of local concentration $s^2_{intra}$")
    if bounds:
        ax.plot([], [], "k--", lw=0.8, label="$s^2_{max}$ unmixed (Eq. 4)")
        ax.plot([], [], "k:", lw=0.8, label="$s^2_{min}$ random (Eq. 5)")
    ax.legend(fontsize=7, ncol=2 if len(curves) > 3 else 1)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    return finish(fig, path)


def cutouts(a, b, result, *, ax=None, path=None, max_boxes=40, title=None):
    """Element maps as a composite (A green, B magenta) with the cutouts of an intra result drawn.

    Parameters
    ----------
    a, b : array_like
        The maps given to :func:`mixmap.intra_mixing`.
    result : mixmap.IntraResult
    max_boxes : int
        Draw at most this many cutouts (the first ones).
    """
    plt = pyplot()
    from matplotlib.patches import Rectangle

    A = np.asarray(a, dtype=float)
    B = np.asarray(b, dtype=float)
    na = A / A.max() if A.max() > 0 else A
    nb = B / B.max() if B.max() > 0 else B
    rgb = np.stack([nb, na, nb], -1).clip(0, 1)
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 5))
    else:
        fig = ax.figure
    ax.imshow(rgb, interpolation="nearest")
    H, W = A.shape
    for (r, c), k in list(zip(result.centres, result.half_widths, strict=True))[:max_boxes]:
        r0, r1 = max(r - k, 0), min(r + k, H - 1)  # squares are clipped at the border, as sampled
        c0, c1 = max(c - k, 0), min(c + k, W - 1)
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0 + 1, r1 - r0 + 1, fill=False, lw=0.7, ec="yellow"))
        ax.plot(c, r, "+", color="yellow", ms=4, mew=0.7)
    ax.set_title(title or f"P={result.P:.2f}, $M_{{AS}}$={result.schmahl:.2f}, N={result.n_particles:g}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return finish(fig, path)
