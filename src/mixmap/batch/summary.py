"""Per-group mean correlation function R̄(h) (Eq. 9), its fit (Eq. 14) and scale of segregation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._results import Result, result
from ..errors import DataError, InputError, MixmapError
from ..scale import CorrelationResult, fit_correlation, mean_correlation, scale_of_segregation, smooth_correlation
from .tasks import _CORR_COLUMNS, _float_or_nan


@result
class CorrelationSummary(Result):
    """Mean correlation coefficient function R̄(h) per group (Eq. 9) with its fit (Eq. 14).

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by group: ``n`` (aggregates), ``unit`` (``"nm"`` or ``"px"``), ``h_end``, the fitted
        parameters of the model (e.g. ``s1, s2, nu, lam``), ``r2``, and the scale of segregation of
        R̄ (``integral_scale``, ``correlation_length``, in ``unit``).
    means : dict
        group -> :class:`mixmap.scale.MeanCorrelation`.
    fits : dict
        group -> :class:`mixmap.scale.CorrelationFit` (missing when the fit failed).
    """

    table: pd.DataFrame
    means: dict
    fits: dict

    def to_frame(self) -> pd.DataFrame:
        """The per-group table (a copy): one row per group, not the one row of other results."""
        return self.table.copy()

    def to_dict(self) -> dict:
        """Plain data: the table as columns of lists, the means and fits by group."""
        return {
            "table": self.table.reset_index().to_dict(orient="list"),
            "means": {k: v.to_dict() for k, v in self.means.items()},
            "fits": {k: v.to_dict() for k, v in self.fits.items()},
        }


def correlation_results(curves: pd.DataFrame) -> dict:
    """Rebuild one :class:`mixmap.scale.CorrelationResult` per aggregate from the long table.

    ``curves`` is ``table.attrs["correlation"]`` of :func:`analyze` or ``read_results(out,
    correlation=True)``. Returns ``{(source, aggregate): CorrelationResult}`` in table order.
    """
    missing = [c for c in _CORR_COLUMNS if c not in getattr(curves, "columns", [])]
    if missing:
        raise InputError(f"curves lacks column(s) {missing}; pass the correlation table of mixmap.analyze")
    out = {}
    for (src, agg), g in curves.groupby(["source", "aggregate"], sort=False):
        g = g.sort_values("h")
        px = float(g["pixel_size"].iloc[0])
        px = None if not np.isfinite(px) else px
        out[(src, int(agg))] = CorrelationResult(
            h=g["h"].to_numpy().astype(np.int64),
            h_nm=None if px is None else g["h_nm"].to_numpy(),
            C=g["C"].to_numpy(),
            R=g["R"].to_numpy(),
            n_pairs=g["n_pairs"].to_numpy().astype(np.int64),
            sum_products=g["sum_products"].to_numpy(),
            P=float(g["P"].iloc[0]),
            s2_max=float(g["s2_max"].iloc[0]),
            n_foreground=int(g["n_foreground"].iloc[0]),
            h_max=int(g["h"].max()),
            method=str(g["method"].iloc[0]),
            pixel_size=px,
        )
    return out


def correlation_summary(
    curves: pd.DataFrame, *, by="group", model="sinc-exp", sigma=None, h=None
) -> CorrelationSummary:
    """Per-group mean correlation function R̄(h) (Eq. 9), its fit (Eq. 14) and scale of segregation.

    Parameters
    ----------
    curves : pandas.DataFrame
        Long R(h) table of :func:`analyze` with ``correlation=`` (``table.attrs["correlation"]`` or
        ``read_results(out, correlation=True)``).
    by : str
        Group column.
    model : str
        Model for :func:`mixmap.fit_correlation` (default ``"sinc-exp"``, Eq. 14).
    sigma : float, optional
        Smooth each R_i with a Gaussian kernel of this width (pixels) before averaging, as in
        Section 2.2.3 (:func:`mixmap.smooth_correlation`). Default: the exact curves.
    h : array_like, optional
        Common grid for :func:`mixmap.mean_correlation` (nm when pixel sizes are known).

    Returns
    -------
    CorrelationSummary
    """
    if by not in getattr(curves, "columns", []):
        raise InputError(f"curves lacks the by={by!r} column")
    results = correlation_results(curves)
    group_of = curves.drop_duplicates(["source", "aggregate"]).set_index(["source", "aggregate"])[by].astype(str)
    rows, means, fits = [], {}, {}
    for grp in sorted(set(group_of)):
        items = [r for key, r in results.items() if group_of[key] == grp]
        if sigma is not None:
            items = [smooth_correlation(r, sigma) for r in items]
        mean = mean_correlation(items, h=h)
        means[grp] = mean
        row = {by: grp, "n": mean.n_results, "unit": mean.unit, "h_end": float(mean.h[-1]), "r2": np.nan}
        try:
            fit = fit_correlation(mean, model=model)
        except MixmapError:
            fit = None
        if fit is not None:
            fits[grp] = fit
            row.update(fit.params)
            row["r2"] = fit.r2
        sc = scale_of_segregation(mean)
        u = mean.unit
        row["integral_scale"] = _float_or_nan(getattr(sc, f"integral_scale_{u}"))
        row["correlation_length"] = _float_or_nan(getattr(sc, f"correlation_length_{u}"))
        rows.append(row)
    if not rows:
        raise DataError("no correlation curve to summarise (every aggregate failed?)")
    return CorrelationSummary(table=pd.DataFrame(rows).set_index(by), means=means, fits=fits)
