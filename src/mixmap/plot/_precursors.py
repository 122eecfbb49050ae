"""Violin plot of precursor molar fractions per EDS spot (AutoEMXSp tutorial, "Output")."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import InputError
from ..precursors import PrecursorResult, PrecursorSamples
from ._base import finish, pyplot


def _as_results(results, labels):
    if isinstance(results, PrecursorResult):
        items = [(results.sample if results.sample is not None else "", results)]
    elif isinstance(results, PrecursorSamples):
        items = list(results.results.items())
    elif isinstance(results, Mapping):
        items = list(results.items())
    elif isinstance(results, (list, tuple)):
        items = [(r.sample if getattr(r, "sample", None) is not None else str(i), r) for i, r in enumerate(results)]
    else:
        raise InputError(
            "results must be a PrecursorResult, a PrecursorSamples, or a list/dict of "
            f"PrecursorResult (from mixmap.precursor_fractions), got {type(results).__name__}"
        )
    for label, r in items:
        if not isinstance(r, PrecursorResult):
            raise InputError(f"results[{label!r}] is a {type(r).__name__}, not a PrecursorResult")
    if not items:
        raise InputError("results is empty")
    pairs = {(r.precursor_a, r.precursor_b) for _, r in items}
    if len(pairs) > 1:
        raise InputError(f"all results must share the same precursors for one plot, got {sorted(pairs)}")
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(items):
            raise InputError(f"labels must give {len(items)} names, got {len(labels)}")
        items = [(lab, r) for lab, (_, r) in zip(labels, items, strict=True)]
    return items


def violin(results, *, labels=None, ax=None, path=None, title=None, max_points: int = 2000, seed: int = 0):
    """Distribution of the precursor molar fraction x per sample (violin + points).

    For each sample: the kernel-density violin of x (in %), the individual spots as jittered
    points, the mean (white diamond) and a bar of ± one population standard deviation σ (ddof=0)
    around it, with σ printed in percentage points (pp) above the violin. The left axis is the
    molar fraction of ``precursor_a``, the right axis that of ``precursor_b`` (100 − x). This is
    the figure of the AutoEMXSp precursor-mixing tutorial
    (../shared/references/000_ca88543bc3c88495.txt, "Output"), where σ ≈ 5 pp indicates very well
    mixed precursors.

    Parameters
    ----------
    results : PrecursorResult, PrecursorSamples, list or dict of PrecursorResult
        Output of :func:`mixmap.precursor_fractions` (with or without ``by=``).
    labels : sequence of str, optional
        Names on the x axis (default: the sample labels).
    ax : matplotlib Axes, optional
    path : path-like, optional
        Save as PNG.
    title : str, optional
    max_points : int
        At most this many spots are drawn as points per sample (a random subset, said in the
        legend); the violin, mean and σ always use all spots.
    seed : int
        Seed of the point subset and the jitter (the figure is reproducible).

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    items = _as_results(results, labels)
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(3.6, 1.5 + 1.3 * len(items)), 4.4))
    else:
        fig = ax.figure
    rng = np.random.default_rng(seed)
    pos = np.arange(1, len(items) + 1)
    data = [100.0 * np.asarray(r.x) for _, r in items]
    parts = ax.violinplot(data, positions=pos, widths=0.8, showextrema=False)
    for body in parts["bodies"]:
        body.set_facecolor("C0")
        body.set_edgecolor("C0")
        body.set_alpha(0.3)
    subset = False
    for p, d, (_, r) in zip(pos, data, items, strict=True):
        shown = d
        if len(d) > max_points:
            shown = d[rng.choice(len(d), max_points, replace=False)]
            subset = True
        jitter = rng.uniform(-0.12, 0.12, len(shown))
        ax.scatter(p + jitter, shown, s=6, color="0.25", alpha=0.5, lw=0, zorder=2)
        m, s = 100.0 * r.mean, 100.0 * r.std
        ax.errorbar(p, m, yerr=s, fmt="none", ecolor="C3", elinewidth=2, capsize=6, zorder=3)
        ax.plot(p, m, "D", color="white", mec="C3", ms=7, zorder=4)
        top = min(100.0, float(np.max(d)))
        ax.text(p, top + 3, f"σ = {s:.1f} pp\nn = {r.n_spots}", ha="center", va="bottom", fontsize=8)
    a, b = items[0][1].precursor_a, items[0][1].precursor_b
    ax.set_xticks(pos)
    ax.set_xticklabels([str(lab) for lab, _ in items])
    ax.set_xlim(0.4, len(items) + 0.6)
    ax.set_ylim(-2, 118)
    ax.set_yticks(np.arange(0, 101, 20))
    ax.set_ylabel(f"molar fraction of {a} (%)")
    sec = ax.secondary_yaxis("right", functions=(lambda y: 100.0 - y, lambda y: 100.0 - y))
    sec.set_ylabel(f"molar fraction of {b} (%)")
    sec.set_yticks(np.arange(0, 101, 20))
    ax.scatter(
        [], [], s=6, color="0.25", label="spots" + (f" (random {max_points} per sample shown)" if subset else "")
    )
    # legend proxy drawn outside the x limits, so the handle shows the bar and the diamond
    ax.errorbar(
        [-10.0],
        [50.0],
        yerr=[10.0],
        fmt="D",
        color="C3",
        mfc="white",
        ms=6,
        elinewidth=2,
        capsize=4,
        label="mean ± 1σ (population std of x)",
    )
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.1), ncol=2, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    return finish(fig, path)
