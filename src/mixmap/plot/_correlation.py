"""Figure 7: mean correlation coefficient function R-bar(h) per group (Eq. 9) with fitted curves (Eq. 14)."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..scale import (
    CorrelationFit,
    CorrelationResult,
    MeanCorrelation,
    SmoothedCorrelation,
    fit_correlation,
    mean_correlation,
)
from ._base import finish, pyplot


def _as_mean(item, label):
    """One group as a :class:`MeanCorrelation` (results and lists of results are averaged, Eq. 9)."""
    if isinstance(item, MeanCorrelation):
        return item
    if isinstance(item, (CorrelationResult, SmoothedCorrelation)):
        return mean_correlation([item])
    if isinstance(item, (list, tuple)) and item:
        return mean_correlation(item)
    raise InputError(
        f"group {label!r} must be a MeanCorrelation, a correlation result or a non-empty list of results, "
        f"got {type(item).__name__}"
    )


def correlation(
    groups, *, fits=None, model="sinc-exp", fit=True, band=True, path=None, title=None, ax=None, colors=None
):
    """Plot R-bar(h) per group with dashed fitted curves, as Fig. 7 of the paper (Section 3.4).

    Parameters
    ----------
    groups : MeanCorrelation, result, list of results, or dict {label: any of these}
        Lists of :class:`~mixmap.scale.CorrelationResult` / ``SmoothedCorrelation`` are averaged
        with :func:`mixmap.mean_correlation` (Eq. 9).
    fits : dict {label: CorrelationFit}, optional
        Fitted curves to draw; by default each group is fitted with ``model`` when ``fit`` is True.
    model : str
        Registered model for the default fits (``"sinc-exp"``, Eq. 14).
    fit : bool
        Draw fitted curves (dashed) with their parameters and R^2 in the legend.
    band : bool
        Shade +- one standard deviation across the maps of a group.
    path : str or Path, optional
        Save the figure as PNG.
    title : str, optional
    ax : matplotlib Axes, optional
    colors : sequence of colors, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(groups, dict):
        groups = {"": groups}
    if not groups:
        raise InputError("groups is empty; pass at least one group of correlation results")
    if fits is not None and not isinstance(fits, dict):
        raise InputError("fits must be a dict {group label: CorrelationFit}")
    means = {label: _as_mean(item, label) for label, item in groups.items()}
    units = {m.unit for m in means.values()}
    if len(units) > 1:
        raise InputError("all groups must share one distance unit: give every map a pixel size (nm) or none")
    unit = units.pop()
    plt = pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 4.2))
    else:
        fig = ax.figure
    palette = (
        list(colors)
        if colors is not None
        else ["#2ca02c", "#9467bd", "#1f77b4", "#d62728", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    )
    names = {"sinc-exp": ("s1", "s2", "nu", "lam")}
    greek = {"nu": "ν", "lam": "λ"}
    for k, (label, m) in enumerate(means.items()):
        color = palette[k % len(palette)]
        ok = np.isfinite(m.R)
        name = label if label else "R̄(h)"
        ax.plot(m.h[ok], m.R[ok], color=color, lw=2, label=f"{name} (n = {m.n_results})")
        if band and m.n_results > 1:
            sd = np.where(np.isfinite(m.std), m.std, 0.0)
            ax.fill_between(m.h[ok], (m.R - sd)[ok], (m.R + sd)[ok], color=color, alpha=0.15, lw=0)
        f = None
        if fits is not None and label in fits:
            f = fits[label]
            if not isinstance(f, CorrelationFit):
                raise InputError(f"fits[{label!r}] must be a CorrelationFit from mixmap.fit_correlation")
        elif fit and fits is None:
            f = fit_correlation(m, model=model)
        if f is not None:
            t = np.linspace(0.0, float(np.nanmax(m.h[ok])), 400)
            order = names.get(f.model_name, tuple(f.params))
            par = ", ".join(f"{greek.get(p, p)}={f.params[p]:.3g}" for p in order)
            ax.plot(t, f(t), color=color, lw=1.5, ls="--", label=f"fit {f.model_name}: {par}, R²={f.r2:.4f}")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel(f"distance h ({unit})")
    ax.set_ylabel("correlation coefficient R̄(h)")
    ax.set_xlim(left=0)
    ax.set_title(title if title is not None else "Scale of segregation (Eq. 9)")
    ax.legend(fontsize=7.5, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, path)
