"""Figure of the synthetic-aggregate study: 2-D mixing measures against the 3-D ground truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..mixing import inter_mixing
from ._base import finish, pyplot

__all__ = ["synthetic_study"]

_NEEDED = ("group", "P", "schmahl", "area_fraction_a", "hetero_contact_fraction", "hetero_contact_fraction_random")


def _rgb(agg):
    a = np.asarray(agg.mask_a if agg.mask_a is not None else agg.a, dtype=bool)
    b = np.asarray(agg.mask_b if agg.mask_b is not None else agg.b, dtype=bool)
    img = np.ones(a.shape + (3,))
    img[a & ~b] = (0.30, 0.70, 0.30)  # A only: green (carbon in the paper's Fig. 1)
    img[b & ~a] = (0.85, 0.30, 0.60)  # B only: pink (silica)
    img[a & b] = (0.35, 0.25, 0.45)  # overlap [1,1]
    return img


def synthetic_study(table, summary=None, *, examples=(), order=None, highlight=None, path=None):
    """Schmahl index and ψ measures from 2-D maps versus the 3-D truth, across mixing states.

    The study the paper's Conclusion calls for (Buchheiser et al., Section 4): per aggregate, the
    Schmahl index M_AS (Eq. 6) and concentration P from the projected maps against the 3-D truth of
    :func:`mixmap.synthetic.aggregates`; per set, M̄_AS and ψ_P, ψ_MAS, ψ_comb (Eqs. 10–13).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per aggregate with columns ``group, P, schmahl`` (e.g. from
        :func:`mixmap.intra_mixing`) and the truth columns ``area_fraction_a,
        hetero_contact_fraction, hetero_contact_fraction_random``.
    summary : pandas.DataFrame, optional
        :func:`mixmap.inter_mixing` of ``table`` by ``group`` (computed when None).
    examples : sequence of (str, Aggregate)
        Up to four labelled aggregates drawn as maps (A green, B pink, overlap dark).
    order : sequence of str, optional
        Order of the groups on the axes (default: first appearance in ``table``).
    highlight : (str, str), optional
        Two groups (better mixed, more segregated) to compare in a note: the paper's finding that
        a segregated set can have the higher M̄_AS while ψ_comb ranks it lower (Sections 3.2, 3.3).
    path : str or os.PathLike, optional
        Save the figure there (PNG).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    mixmap.InputError
        ``table`` is not a DataFrame with the needed columns, or ``order`` names unknown groups.
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in _NEEDED if c not in table.columns]
    if missing:
        raise InputError(
            f"table lacks columns {missing}; it needs {list(_NEEDED)} (intra_mixing results "
            f"joined with Aggregate.truth)"
        )
    groups = list(dict.fromkeys(table["group"])) if order is None else list(order)
    unknown = (set(groups) | set(highlight or ())) - set(table["group"])
    if unknown:
        raise InputError(f"order names groups not in table: {sorted(map(str, unknown))}")
    if summary is None:
        summary = inter_mixing(table, by="group")
    examples = list(examples)[:4]

    plt = pyplot()
    fig = plt.figure(figsize=(16, 8.6))
    gs = fig.add_gridspec(2, 4, height_ratios=[1, 1.15], hspace=0.32, wspace=0.28)
    cmap = plt.get_cmap("viridis")
    colour = {g: cmap(i / max(1, len(groups) - 1)) for i, g in enumerate(groups)}

    for k, (label, agg) in enumerate(examples[:3]):
        ax = fig.add_subplot(gs[0, k])
        ax.imshow(_rgb(agg), interpolation="nearest")
        t = agg.truth
        ax.set_title(
            f"{label}: {t['n_a']} A + {t['n_b']} B\nhetero contacts {t['hetero_contact_fraction']:.2f}", fontsize=9
        )
        ax.set_xticks([])
        ax.set_yticks([])
        if k == 0:  # which colour is which material (bool masks of the projection)
            from matplotlib.patches import Patch

            ax.legend(
                handles=[
                    Patch(color=c, label=lab)
                    for c, lab in (
                        ((0.30, 0.70, 0.30), "A only"),
                        ((0.85, 0.30, 0.60), "B only"),
                        ((0.35, 0.25, 0.45), "A and B [1,1]"),
                    )
                ],
                loc="upper left",
                bbox_to_anchor=(0.0, -0.01),
                ncol=3,
                fontsize=7,
                frameon=False,
                handlelength=1.0,
                columnspacing=0.8,
            )

    # P from the 2-D maps against the 3-D cross-section fraction
    ax = fig.add_subplot(gs[0, 3])
    for g in groups:
        s = table[table["group"] == g]
        ax.scatter(s["area_fraction_a"], s["P"], s=10, color=colour[g], label=str(g), alpha=0.8)
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.set_xlabel("3-D truth: Σr²(A) / Σr²")
    ax.set_ylabel("P from 2-D maps")
    ax.set_title("composition: projection vs truth", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, loc="upper left", markerscale=1.5)

    # M_AS per aggregate by group
    ax = fig.add_subplot(gs[1, 0])
    rng = np.random.default_rng(0)
    x = np.arange(len(groups))
    for i, g in enumerate(groups):
        m = table.loc[table["group"] == g, "schmahl"].to_numpy(float)
        ax.scatter(i + rng.uniform(-0.18, 0.18, m.size), m, s=9, color=colour[g], alpha=0.7)
        ax.plot([i - 0.3, i + 0.3], [np.nanmean(m)] * 2, color="k", lw=2)
        ax.text(i, np.nanmax(m), f"{np.nanmean(m):.2f}", ha="center", va="bottom", fontsize=7)
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.axhline(0.0, color="grey", lw=0.8, ls=":")
    ax.set_xticks(x, [str(g) for g in groups], fontsize=8, rotation=30)
    ax.set_ylabel("Schmahl index M_AS (Eq. 6)")
    ax.set_title("M_AS from 2-D maps (bar, number: M̄_AS)", fontsize=10)
    if highlight:
        g1, g2 = highlight
        r1, r2 = summary.loc[g1], summary.loc[g2]
        ax.text(
            0.03,
            0.97,
            f"{g2} vs {g1}:\n  M̄_AS {r2['M_mean']:.2f} vs {r1['M_mean']:.2f}"
            f"\n  ψ_comb {r2['psi_comb']:.2f} vs {r1['psi_comb']:.2f}",
            transform=ax.transAxes,
            va="top",
            fontsize=8.5,
            bbox=dict(boxstyle="round", fc="lightyellow", ec="0.6"),
        )

    # psi measures by group
    ax = fig.add_subplot(gs[1, 1:3])
    summ = summary.reindex(groups)
    for col, lab, st in (
        ("M_mean", "M̄_AS", "o-"),
        ("psi_M", "ψ_MAS (Eq. 11)", "s--"),
        ("psi_P", "ψ_P (Eq. 10)", "^--"),
        ("psi_comb", "ψ_comb (Eq. 13)", "D-"),
    ):
        y = summ[col].to_numpy(float)
        ax.plot(x, y, st, label=lab, lw=2.2 if col == "psi_comb" else 1.2, ms=5)
    lo, hi = -0.1, 1.5
    undefined = summ["psi_comb"].isna().to_numpy()
    for i in np.flatnonzero(undefined):
        ha = "left" if i == 0 else "right" if i == len(x) - 1 else "center"
        ax.annotate("ψ undefined\n(M̄_AS > 1)", (x[i], -0.05), ha=ha, fontsize=7, color="grey")
    for col, lab in (("M_mean", "M̄"), ("psi_M", "ψ_MAS"), ("psi_comb", "ψ_comb")):
        for i, v in enumerate(summ[col].to_numpy(float)):
            if np.isfinite(v) and not lo <= v <= hi:
                y = hi - 0.22 if v > hi else lo + 0.2 + 0.08 * (col == "psi_comb")
                ax.annotate(f"{lab}={v:.2f}", (x[i] + 0.08, y), ha="left", fontsize=7, color="0.3")
    if highlight:
        for g in highlight:
            ax.axvline(groups.index(g), color="gold", lw=6, alpha=0.35, zorder=0)
    ax.set_xticks(x, [str(g) for g in groups], fontsize=8)
    ax.set_ylim(lo, hi)
    ax.axhline(1.0, color="grey", lw=0.6, ls=":")
    ax.set_title("per set: M̄_AS and the ψ measures (Eqs. 10-13)", fontsize=10)
    ax.legend(fontsize=8, loc="upper center", ncol=4, frameon=False)

    # M_AS against the 3-D hetero-contact ratio
    ax = fig.add_subplot(gs[1, 3])
    for g in groups:
        s = table[table["group"] == g]
        ratio = s["hetero_contact_fraction"] / s["hetero_contact_fraction_random"]
        ax.scatter(ratio, s["schmahl"], s=10, color=colour[g], alpha=0.8)
    ax.set_xlabel("3-D truth: hetero contacts / random expectation")
    ax.set_ylabel("M_AS from 2-D maps")
    ax.set_title("2-D index vs 3-D contacts", fontsize=10)
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    return finish(fig, path)
