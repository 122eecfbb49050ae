"""Figures of inter-diffusion analyses: profile with fit and band, D(C) with band, Arrhenius plot."""

from __future__ import annotations

import numpy as np
from scipy.signal import savgol_filter

from .._units import length_factor
from ..diffusion import PreprocessedProfile, erfc_profile, preprocess
from ..errors import InputError
from ._base import finish, pyplot

_LABEL = {"m": "m", "mm": "mm", "um": "µm", "nm": "nm"}


def _scale(x_unit):
    """Units of ``x_unit`` per metre."""
    return 1.0 / length_factor(x_unit, "x_unit")


def _profile_band(mc, level, n_curves=300):
    """Pointwise band of the model/smoothed profile from Monte-Carlo replicates."""
    p = mc.profile
    if mc.method == "erfc":
        pr = mc.params
        w = 2 * np.sqrt(np.clip(pr["D"] * mc.t, 0, None))
        k = np.linspace(0, w.size - 1, min(n_curves, w.size)).astype(int)
        curves = np.array([erfc_profile(p.x, pr["c_left"][i], pr["c_right"][i], pr["x0"][i], w[i]) for i in k])
    else:
        rng = np.random.default_rng(0)
        reps = mc.base + rng.normal(size=(n_curves, mc.base.size)) * mc.sigma
        curves = savgol_filter(reps, p.window, p.order, axis=1, mode="interp") if p.window else reps
    return np.percentile(curves, [50 * (1 - level), 50 * (1 + level)], axis=0)


def profile_fit(x=None, c=None, *, fit=None, mc=None, x_unit="um", title=None, path=None):
    """Measured profile with the smoothed curve, a model fit and the Monte-Carlo band.

    Parameters
    ----------
    x, c : array_like or PreprocessedProfile, optional
        Profile (m); ``x`` may be a :class:`mixmap.diffusion.PreprocessedProfile`. Default: ``mc.profile``.
    fit : ErfcFit, ThinFilmFit, SemiInfiniteFit or ForwardFit, optional
        Drawn as a line (its ``fitted`` values).
    mc : MonteCarloResult, optional
        Draws the ``mc.confidence`` band of the fitted (erfc) or smoothed profile over the replicates.
    x_unit : {"m", "mm", "um", "nm"}
        Unit of the position axis.
    path : str or Path, optional
        Save as PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    s = _scale(x_unit)
    if isinstance(x, PreprocessedProfile):
        p = x
    elif x is not None:
        p = preprocess(x, c, warn=False)
    elif mc is not None:
        p = mc.profile
    else:
        raise InputError("profile_fit needs x and c, a PreprocessedProfile, or mc=")
    fig, (ax, axr) = plt.subplots(
        2, 1, figsize=(6.4, 5.4), sharex=True, gridspec_kw={"height_ratios": [3, 1.3], "hspace": 0.06}
    )
    xs = p.x * s
    if mc is not None and mc.method == "erfc":
        ref, ref_name = mc.base, "minus erfc fit"
    elif p.window or fit is None or fit.x.size != p.x.size:
        ref, ref_name = p.c_smooth, "minus smoothed"
    else:
        ref, ref_name = fit.fitted, "minus fit"
    ax.plot(xs, p.c, ".", ms=3, color="0.55", label="data" + (f" (mean of {p.n_scans} scans)" if p.n_scans > 1 else ""))
    axr.plot(xs, p.c - ref, ".", ms=2.5, color="0.55")
    if p.window:
        ax.plot(xs, p.c_smooth, "-", lw=1.2, color="C0", label=f"Savitzky-Golay ({p.window} pts, order {p.order})")
    if mc is not None:
        lo, hi = _profile_band(mc, mc.confidence)
        col = "C1" if mc.method == "erfc" else "C0"
        lab = f"{100 * mc.confidence:.0f}% Monte-Carlo band ({mc.method}, n={mc.n})"
        ax.fill_between(xs, lo, hi, color=col, alpha=0.3, lw=0, label=lab)
        axr.fill_between(xs, lo - ref, hi - ref, color=col, alpha=0.4, lw=0)
    if fit is not None:
        D = getattr(fit, "D", None)
        lab = type(fit).__name__.replace("Fit", " fit")
        if np.ndim(D) == 0 and D is not None:
            lab += f": D = {D:.3g} m²/s"
        ax.plot(fit.x * s, fit.fitted, "-", lw=1.5, color="C3", label=lab)
        if fit.x.size == p.x.size:
            axr.plot(xs, fit.fitted - ref, "-", lw=1.0, color="C3")
    axr.axhline(0.0, color="0.3", lw=0.6)
    ax.axhline(p.c_left, color="0.8", lw=0.8, ls=":")
    ax.axhline(p.c_right, color="0.8", lw=0.8, ls=":")
    axr.set_xlabel(f"position ({_LABEL.get(x_unit, x_unit)})")
    ax.set_ylabel("concentration")
    axr.set_ylabel(ref_name)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    fig.align_ylabels([ax, axr])
    return finish(fig, path)


def diffusivity(results, *, true_D=None, log=True, title=None, path=None):
    """D(C) curves with their bands (log scale).

    Parameters
    ----------
    results : result or list/dict of results
        :class:`MonteCarloResult` (median line and ``D_low``-``D_high`` band),
        :class:`ForwardFit` (line and band) or :class:`DiffusivityResult` (points). A dict maps labels
        to results.
    true_D : callable or float, optional
        Known D(c) (m^2/s) drawn dashed, for synthetic checks.
    log : bool
        Logarithmic D axis.
    path : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    if isinstance(results, dict):
        items = list(results.items())
    elif isinstance(results, (list, tuple)):
        items = [(None, r) for r in results]
    else:
        items = [(None, results)]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    cmin, cmax = np.inf, -np.inf
    for k, (label, r) in enumerate(items):
        col = f"C{k}"
        name = label or getattr(r, "method", None) or getattr(r, "model", "")
        c = np.asarray(r.c)
        cmin, cmax = min(cmin, np.nanmin(c)), max(cmax, np.nanmax(c))
        if hasattr(r, "D_low"):
            lev = getattr(r, "confidence", 0.95)
            mid = r.D
            ok = np.isfinite(r.D_low) & np.isfinite(r.D_high)
            if c.size == 1:
                ax.errorbar(
                    c,
                    mid,
                    yerr=[mid - r.D_low, r.D_high - mid],
                    fmt="o",
                    color=col,
                    capsize=4,
                    label=f"{name}: {100 * lev:.0f}% band",
                )
            else:
                ax.fill_between(
                    c[ok],
                    np.asarray(r.D_low)[ok],
                    np.asarray(r.D_high)[ok],
                    color=col,
                    alpha=0.25,
                    lw=0,
                    label=f"{name}: {100 * lev:.0f}% band",
                )
                ax.plot(c, mid, "-", color=col, lw=1.5, label=f"{name}: estimate")
        else:
            ax.plot(c, r.D, "o-", ms=3, color=col, label=name)
    if true_D is not None:
        cc = np.linspace(cmin, cmax, 200)
        Dt = true_D(cc) if callable(true_D) else np.full_like(cc, float(true_D))
        ax.plot(cc, Dt, "k--", lw=1.0, label="true D(c)")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("concentration c")
    ax.set_ylabel("inter-diffusion coefficient D (m²/s)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return finish(fig, path)


def arrhenius(fit, *, title=None, path=None):
    """Arrhenius plot: ln D against 1000/T with the weighted fit, its band and Ea in kJ/mol and eV.

    Parameters
    ----------
    fit : ArrheniusFit
        From :func:`mixmap.diffusion.fit_arrhenius`.
    path : str or Path, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    inv = 1000.0 / fit.T
    if fit.D_err is not None:
        lo = np.clip(fit.D - fit.D_err, fit.D * 1e-3, None)
        ax.errorbar(inv, fit.D, yerr=[fit.D - lo, fit.D_err], fmt="o", color="C0", capsize=3, label="data ± 1 s.e.")
    else:
        ax.plot(inv, fit.D, "o", color="C0", label="data")
    pad = 0.05 * (fit.T.max() - fit.T.min() or fit.T.max())
    T = np.linspace(fit.T.min() - pad, fit.T.max() + pad, 200)
    ax.plot(
        1000.0 / T,
        fit.predict(T),
        "-",
        color="C3",
        label=f"Ea = {fit.Ea_kJmol:.1f} ± {fit.Ea_stderr_kJmol:.1f} (s.e.) kJ/mol = {fit.Ea_eV:.3f} eV\n"
        f"D0 = {fit.D0:.3g} m²/s",
    )
    blo, bhi = fit.band(T)
    ax.fill_between(1000.0 / T, blo, bhi, color="C3", alpha=0.2, lw=0, label=f"{100 * fit.confidence:.0f}% band")
    ax.set_yscale("log")
    ax.set_xlabel("1000 / T (1/K)")
    ax.set_ylabel("D (m²/s)")
    top = ax.secondary_xaxis(
        "top", functions=(lambda v: 1000.0 / np.maximum(v, 1e-9) - 273.15, lambda v: 1000.0 / (v + 273.15))
    )
    top.set_xlabel("T (°C)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return finish(fig, path)
