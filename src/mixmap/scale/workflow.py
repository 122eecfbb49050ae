"""R(h) of many map pairs in one call: per-map curves, group means (Eq. 9), fits (Eq. 14), scales.

Concern: :func:`correlation_study`, the workflow of ``mixmap correlation`` as a Python function.
Each map pair gives R(h) (Eqs. 7-8, :func:`mixmap.correlation`), optionally smoothed with a
Gaussian kernel (Section 2.2.3), and Danckwerts' scale of segregation; the curves of each group are
averaged pointwise (Eq. 9) and the mean is fitted with a parametric model (Eq. 14, Section 3.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .._progress import progress as _progress_bar
from .._results import Result, result
from .._validate import check_choice, check_number
from ..errors import InputError
from ..maps import read_maps
from .coefficient import correlation
from .fitting import correlation_models, fit_correlation
from .scale import scale_of_segregation
from .smoothing import mean_correlation, smooth_correlation

__all__ = ["CorrelationStudy", "correlation_study"]


@result
class CorrelationStudy(Result):
    """R(h) of many map pairs, their group means and fits (from :func:`correlation_study`).

    Attributes
    ----------
    curves : pandas.DataFrame
        One row per map pair and distance: ``group, map_a, map_b, h, [h_nm], C, R, n_pairs`` and
        ``R_smooth`` when smoothed.
    maps : list of dict
        Per map pair: ``group, map_a, map_b, P, s2_max, n_foreground, h_max`` and the fields of its
        :class:`ScaleOfSegregation`.
    groups : list of dict
        Per group: ``group, n_maps, unit``, the scale of the mean curve (``*_mean``) and, when
        fitted, the fields of :meth:`CorrelationFit.to_dict`.
    means : dict
        Group -> :class:`MeanCorrelation` (Eq. 9).
    fits : dict
        Group -> :class:`CorrelationFit` (empty when ``model="none"``).
    results : list
        The :class:`CorrelationResult` of every map pair, in input order.
    """

    curves: object
    maps: list
    groups: list
    means: dict
    fits: dict
    results: list

    def mean_frame(self):
        """The mean curves of every group as one table: ``h_<unit>, R, std, n, group``."""
        import pandas as pd

        return pd.concat([m.to_frame().assign(group=g) for g, m in self.means.items()], ignore_index=True)


def _pairs(pairs, group, pixel_size):
    """``(group, a, b, pixel_size)`` for every item of ``pairs`` (tuples or mappings)."""
    try:
        items = list(pairs)
    except TypeError:
        raise InputError("pairs must be a list of map pairs (a, b[, group[, pixel_size]]) or mappings") from None
    if not items:
        raise InputError("pairs is empty: pass at least one map pair (a, b)")
    jobs = []
    for i, item in enumerate(items):
        if isinstance(item, Mapping):
            if "a" not in item or "b" not in item:
                raise InputError(f"pairs[{i}] must have keys 'a' and 'b' (optional 'group', 'pixel_size')")
            a, b = item["a"], item["b"]
            g = item.get("group") or group
            ps = item.get("pixel_size")
        elif isinstance(item, (tuple, list)) and 2 <= len(item) <= 4:
            a, b, g, ps = (*item, None, None)[:4]
            g = g or group
        else:
            raise InputError(f"pairs[{i}] must be (a, b[, group[, pixel_size]]) or a mapping, got {item!r}")
        jobs.append((g, a, b, pixel_size if ps is None else ps))
    return jobs


def _load(a, b, i):
    """Maps and labels of one pair: paths are read with :func:`mixmap.read_maps`, arrays used as they are."""
    if isinstance(a, (str, Path)) and isinstance(b, (str, Path)):
        A, B = read_maps(a, b)
        return A, B, str(a), str(b)
    return a, b, f"pairs[{i}].a", f"pairs[{i}].b"


def correlation_study(
    pairs,
    *,
    group="maps",
    pixel_size=None,
    h_max=None,
    method="fft",
    n_pairs=None,
    seed=0,
    direction=None,
    memory_budget=None,
    smooth=0.0,
    model="sinc-exp",
    progress=None,
) -> CorrelationStudy:
    """R(h) of many map pairs with group means, fits and scales of segregation (Sections 2.2.3, 3.4).

    For every pair :func:`mixmap.correlation` gives R(h) (Eqs. 7-8), optionally smoothed by
    :func:`mixmap.smooth_correlation`, and :func:`mixmap.scale_of_segregation` its integral scale
    and 1/e length. The curves of each group are averaged with :func:`mixmap.mean_correlation`
    (Eq. 9) and the mean is fitted with :func:`mixmap.fit_correlation` (Eq. 14 by default). This
    is what ``mixmap correlation`` computes.

    Parameters
    ----------
    pairs : sequence
        Map pairs, each ``(a, b)``, ``(a, b, group)``, ``(a, b, group, pixel_size)`` or a mapping
        with keys ``a, b`` and optional ``group, pixel_size``. ``a`` and ``b`` are file paths (read
        with :func:`mixmap.read_maps`) or 2-D arrays.
    group : str
        Group of the pairs that name none.
    pixel_size : float, optional
        nm per pixel of the pairs that give none (default unknown: lengths in pixels).
    h_max : int, optional
        Largest distance (pixels); default half the aggregate's largest extent.
    method : {"fft", "pairs"}
        Exact FFT sums (default) or the paper's random-pair estimator.
    n_pairs : int, optional
        Pairs per distance for ``method="pairs"`` (default 10000).
    seed : int
        Randomness of ``method="pairs"`` (default 0).
    direction : float or (float, float), optional
        Only pairs along this axis (degrees; tolerance default 22.5).
    memory_budget : int, optional
        FFT working memory in bytes before tiling (default 1 GiB).
    smooth : float
        Gaussian smoothing sigma in pixels before averaging (default 0: none).
    model : str
        Model fitted to each group's mean (see :func:`mixmap.correlation_models`), or ``"none"``.
    progress : bool or None
        Progress bar over the pairs; None (default) shows it on a terminal when there are several.

    Returns
    -------
    CorrelationStudy

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> a = np.zeros((40, 40), bool); a[:, :20] = True
    >>> s = mixmap.correlation_study([(a, ~a), (a.T.copy(), ~a.T)], h_max=10, model="exp")
    >>> len(s.curves), s.groups[0]["n_maps"]
    (22, 2)
    """
    smooth = check_number("smooth", smooth, allow_zero=True, unit="Gaussian sigma in pixels")
    check_choice("model", model, (*correlation_models(), "none"))
    jobs = _pairs(pairs, group, pixel_size)
    kw = dict(h_max=h_max, method=method, direction=direction)
    if method == "pairs":
        kw.update(n_pairs=n_pairs, seed=seed)
    else:
        kw.update(n_pairs=n_pairs, memory_budget=memory_budget)
    enabled = progress if progress is not None else (None if len(jobs) > 1 else False)
    tables, per_group, summary, results = [], {}, [], []
    for i, (g, a, b, ps) in enumerate(_progress_bar(jobs, desc="correlation", enabled=enabled)):
        A, B, la, lb = _load(a, b, i)
        res = correlation(A, B, pixel_size=ps, **kw)
        results.append(res)
        curve = smooth_correlation(res, smooth) if smooth > 0 else res
        per_group.setdefault(g, []).append(curve)
        df = res.to_frame()
        if smooth > 0:
            df["R_smooth"] = curve(res.h.astype(float))
        df.insert(0, "map_b", lb)
        df.insert(0, "map_a", la)
        df.insert(0, "group", g)
        tables.append(df)
        row = {"group": g, "map_a": la, "map_b": lb, "P": res.P, "s2_max": res.s2_max}
        row.update(n_foreground=res.n_foreground, h_max=res.h_max, **scale_of_segregation(curve).to_dict())
        summary.append(row)
    means, fits, group_rows = {}, {}, []
    for g, curves in per_group.items():
        m = mean_correlation(curves)
        means[g] = m
        row = {"group": g, "n_maps": m.n_results, "unit": m.unit}
        row.update({f"{k}_mean": v for k, v in scale_of_segregation(m).to_dict().items()})
        if model != "none":
            f = fit_correlation(m, model=model)
            fits[g] = f
            row.update(f.to_dict())
        group_rows.append(row)
    import pandas as pd

    return CorrelationStudy(
        curves=pd.concat(tables, ignore_index=True),
        maps=summary,
        groups=group_rows,
        means=means,
        fits=fits,
        results=results,
    )
