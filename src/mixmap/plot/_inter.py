"""Inter-aggregate figures: Schmahl-index histograms (Fig. 5a) and Schmahl-vs-P heat maps (Fig. 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError, InputError
from ._base import finish, pyplot

__all__ = ["schmahl_histogram", "schmahl_heatmap"]


def _groups(table, by):
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"table must be a pandas DataFrame (e.g. from mixmap.analyze), got {type(table).__name__}")
    need = ["P", "schmahl"] + ([by] if by is not None else [])
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise InputError(f"table lacks column(s) {missing}; pass by=None to plot all rows as one group")
    t = table
    if "status" in t.columns:
        t = t[t["status"] == "ok"]
    t = t[np.isfinite(t["P"].astype(float)) & np.isfinite(t["schmahl"].astype(float))]
    if not len(t):
        raise DataError("no aggregate with finite P and Schmahl index to plot (all rows failed?)")
    keys = np.array(["all"] * len(t), dtype=object) if by is None else t[by].astype(str).to_numpy()
    out = []
    for k in sorted(set(keys.tolist())):
        sel = keys == k
        out.append((k, t["P"].to_numpy(float)[sel], t["schmahl"].to_numpy(float)[sel]))
    return out


def _schmahl_range(groups):
    """[min(0, M_min), max(1, M_max)] widened to multiples of 0.1 (Schmahl index can leave [0, 1])."""
    allm = np.concatenate([m for _, _, m in groups])
    lo = min(0.0, np.floor(float(allm.min()) * 10 + 1e-9) / 10)
    hi = max(1.0, np.ceil(float(allm.max()) * 10 - 1e-9) / 10)
    return lo, hi


def _edges(lo, hi, bins):
    if bins is None:  # bins 0.1 wide, aligned on multiples of 0.1
        return np.linspace(lo, hi, int(round((hi - lo) * 10)) + 1)
    if np.ndim(bins) == 0:
        return np.linspace(lo, hi, int(bins) + 1)
    return np.asarray(bins, dtype=np.float64)


def schmahl_histogram(table, *, by="group", bins=None, path=None):
    """Histogram of the Schmahl index M_AS per group (paper Fig. 5a, Section 3.2).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``P``, ``schmahl`` and the ``by`` column (e.g. :func:`mixmap.analyze`); rows with
        ``status != "ok"`` are left out.
    by : str or None
        Group column; ``None`` plots all rows as one group.
    bins : int, sequence or None
        Number of bins over [min(0, M_min), max(1, M_max)] (shared by all groups), or the bin edges.
        Default: bins 0.1 wide.
    path : str or Path, optional
        Save the figure as PNG there.

    Returns
    -------
    matplotlib.figure.Figure
        Overlaid histograms (counts of aggregates), the mean M̄_AS of each group as a dashed line.
    """
    groups = _groups(table, by)
    lo, hi = _schmahl_range(groups)
    edges = _edges(lo, hi, bins)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for j, (k, _, m) in enumerate(groups):
        c = colors[j % len(colors)]
        ax.hist(
            m,
            bins=edges,
            color=c,
            alpha=0.55,
            edgecolor=c,
            linewidth=1.0,
            label=f"{k} (n = {m.size}, mean {m.mean():.3f})",
        )
        ax.axvline(m.mean(), color=c, linestyle="--", linewidth=1.2)
    ax.set_xlabel("Schmahl index $M_{AS}$ (Eq. 6)")
    ax.set_ylabel("aggregates")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts
    ax.set_xlim(edges[0], edges[-1])
    ax.legend(frameon=False, fontsize=8, loc="best")
    ax.set_title("Schmahl index per aggregate (cf. Fig. 5a)", fontsize=10)
    fig.tight_layout()
    return finish(fig, path)


def schmahl_heatmap(table, *, by="group", bins=None, path=None):
    """Heat map of the Schmahl index M_AS against the concentration P, one panel per group (Fig. 6).

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``P``, ``schmahl`` and the ``by`` column; rows with ``status != "ok"`` are left out.
    by : str or None
        Group column; ``None`` plots all rows in one panel.
    bins : int or None
        Bins along each axis: P over [0, 1], M_AS over [min(0, M_min), max(1, M_max)]. Default:
        cells 0.1 wide on both axes.
    path : str or Path, optional
        Save the figure as PNG there.

    Returns
    -------
    matplotlib.figure.Figure
        2-D histograms (number of aggregates per cell, shared colour scale) with the group means
        (P̄, M̄_AS) marked by a cross, as in the paper (Section 3.3).
    """
    groups = _groups(table, by)
    lo, hi = _schmahl_range(groups)
    xe, ye = _edges(0.0, 1.0, bins), _edges(lo, hi, bins)
    hists = [np.histogram2d(p, m, bins=(xe, ye))[0] for _, p, m in groups]
    vmax = max(1.0, max(float(h.max()) for h in hists))
    plt = pyplot()
    n = len(groups)
    fig, axes = plt.subplots(1, n, figsize=(3.6 * n + 0.8, 3.6), squeeze=False, sharey=True)
    im = None
    cmap = plt.get_cmap("viridis").with_extremes(bad="white")  # empty cells white
    for ax, (k, p, m), h in zip(axes[0], groups, hists, strict=True):
        im = ax.pcolormesh(xe, ye, np.ma.masked_equal(h.T, 0), cmap=cmap, vmin=0, vmax=vmax)
        ax.plot([p.mean()], [m.mean()], marker="x", color="red", markersize=11, mew=2.5, linestyle="none")
        ax.set_title(
            f"{k} (n = {p.size})\nmean $\\bar P$ = {p.mean():.2f}, $\\bar M_{{AS}}$ = {m.mean():.2f} (x)", fontsize=9
        )
        ax.set_xlabel("concentration $P$")
        ax.set_xlim(0, 1)
        ax.set_ylim(lo, hi)
    axes[0][0].set_ylabel("Schmahl index $M_{AS}$")
    from matplotlib.ticker import MaxNLocator

    cb = fig.colorbar(im, ax=list(axes[0]), shrink=0.9, ticks=MaxNLocator(integer=True))
    cb.set_label("aggregates")
    fig.suptitle("Schmahl index vs concentration (cf. Fig. 6)", fontsize=10, y=1.04)
    return finish(fig, path)
