"""Inter-aggregate mixing quality: the ψ measures (Buchheiser et al., Sections 2.2.1, 3.2, 3.3).

A hetero-aggregate system (one process condition, one ``group``) is well mixed when its aggregates
are well mixed inside (high mean Schmahl index M̄_AS), equally well mixed (narrow distribution of
M_AS) and of equal composition (narrow distribution of the aggregate concentration P). The paper
measures these with

* Eq. (2)  s²_inter = Σ (P_i − P̄)² / (n − 1), the inter-aggregate variance of concentration;
* Eq. (10) ψ_P = 1 − s²_inter / (P̄ (1 − P̄)), P̄(1 − P̄) being the Bernoulli upper bound of s²_inter;
* Eq. (12) s²_MAS = Σ (M_AS,i − M̄_AS)² / (n − 1);
* Eq. (11) ψ_MAS = 1 − s²_MAS / (M̄_AS (1 − M̄_AS));
* Eq. (13) ψ_comb = (α M̄_AS + β ψ_MAS + γ ψ_P) / (α + β + γ), α, β, γ ∈ (0, 1].

The paper's numbers (Section 3.3) follow from these formulas: C65 (M̄ = 0.458, s²_M = 0.033,
P̄ = 0.71, s²_inter = 0.015) gives ψ_MAS = 0.867, ψ_P = 0.927, ψ_comb = 0.751.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._deprecate import renamed_keyword
from .._bootstrap import percentile_interval, resample_indices
from .._random import spawn
from .._validate import check_confidence, check_integer, check_probability
from ..errors import DataError, InputError

__all__ = ["inter_mixing", "psi_measures"]

_PSI = ("psi_P", "psi_M", "psi_comb")


def _bounded_psi(var, mean):
    """1 − var / (mean (1 − mean)) (Eqs. 10, 11); NaN where the bound is not positive."""
    var = np.asarray(var, dtype=np.float64)
    mean = np.asarray(mean, dtype=np.float64)
    bound = mean * (1.0 - mean)
    out = np.full(np.broadcast(var, mean).shape, np.nan)
    ok = bound > 0
    np.subtract(1.0, var / np.where(ok, bound, 1.0), out=out, where=ok)
    return out


@renamed_keyword("schmahl_mean", "M_mean")
@renamed_keyword("s2_schmahl", "s2_M")
def psi_measures(P_mean, s2_inter, M_mean, s2_M, *, alpha=1.0, beta=1.0, gamma=1.0):
    """ψ_P (Eq. 10), ψ_MAS (Eq. 11) and ψ_comb (Eq. 13) from the group moments.

    Parameters
    ----------
    P_mean, s2_inter : float or array_like
        Mean aggregate concentration P̄ and its empirical variance s²_inter (Eq. 2).
    M_mean, s2_M : float or array_like
        Mean Schmahl index M̄_AS and its empirical variance s²_MAS (Eq. 12).
    alpha, beta, gamma : float
        Weights of M̄_AS, ψ_MAS and ψ_P in Eq. (13), each in (0, 1].

    Returns
    -------
    dict
        ``psi_P``, ``psi_M``, ``psi_comb`` (floats or arrays). ψ is NaN where its bound
        P̄(1 − P̄) or M̄_AS(1 − M̄_AS) is not positive (all aggregates with P = 0 or 1, or a mean
        Schmahl index outside (0, 1)): the formula is undefined there and nothing is clipped.

    Examples
    --------
    The C65 aggregates of the paper (Section 3.3):

    >>> from mixmap.mixing import psi_measures
    >>> r = psi_measures(0.71, 0.015, 0.458, 0.033)
    >>> round(float(r["psi_P"]), 3), round(float(r["psi_M"]), 3), round(float(r["psi_comb"]), 3)
    (0.927, 0.867, 0.751)
    """
    a, b, g = _check_weights(alpha, beta, gamma)
    psi_P = _bounded_psi(s2_inter, P_mean)
    psi_m = _bounded_psi(s2_M, M_mean)
    comb = (a * np.asarray(M_mean, dtype=np.float64) + b * psi_m + g * psi_P) / (a + b + g)
    if np.ndim(comb) == 0:
        return {"psi_P": float(psi_P), "psi_M": float(psi_m), "psi_comb": float(comb)}
    return {"psi_P": psi_P, "psi_M": psi_m, "psi_comb": comb}


def _check_weights(alpha, beta, gamma):
    """The weights of Eq. (13), each in (0, 1]."""
    return [check_probability(n, w, open_low=True) for n, w in (("alpha", alpha), ("beta", beta), ("gamma", gamma))]


def _moments(P, M):
    """Means and n−1 variances along the last axis (Eqs. 2, 12)."""
    n = P.shape[-1]
    Pm = P.mean(axis=-1)
    Mm = M.mean(axis=-1)
    if n < 2:
        nan = np.full(np.shape(Pm), np.nan)
        return Pm, nan, Mm, nan
    return Pm, P.var(axis=-1, ddof=1), Mm, M.var(axis=-1, ddof=1)


def _clean_table(table, by):
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"table must be a pandas DataFrame with columns 'P' and 'schmahl' (e.g. the output of "
            f"mixmap.analyze), got {type(table).__name__}"
        )
    missing = [c for c in ("P", "schmahl") if c not in table.columns]
    if by is not None and by not in table.columns:
        missing.append(by)
    if missing:
        raise InputError(
            f"table lacks column(s) {missing}; it needs 'P', 'schmahl' and the by={by!r} column "
            f"(pass by=None to treat all rows as one group)"
        )
    t = table
    if "status" in t.columns:
        t = t[t["status"] == "ok"]
    P = pd.to_numeric(t["P"], errors="coerce").to_numpy(dtype=np.float64)
    M = pd.to_numeric(t["schmahl"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(P)
    if bad.any():
        rows = list(t.index[bad][:5])
        raise InputError(
            f"table has {int(bad.sum())} row(s) with a missing or non-finite P (index {rows}); "
            f"drop them or mark them with a 'status' column other than 'ok'"
        )
    if ((P < 0) | (P > 1)).any():
        raise InputError("column 'P' must hold concentrations in [0, 1]")
    keys = np.array(["all"] * len(t), dtype=object) if by is None else t[by].astype(str).to_numpy()
    return P, M, keys, ~np.isfinite(M)


def inter_mixing(
    table, *, by="group", alpha=1.0, beta=1.0, gamma=1.0, max_P=None, confidence=0.95, n_boot=2000, seed=0
) -> pd.DataFrame:
    """Inter-aggregate mixing measures per group (Eqs. 2, 10–13; Sections 3.2, 3.3).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per aggregate with columns ``P`` (aggregate concentration) and ``schmahl`` (M_AS,
        Eq. 6), and the ``by`` column; e.g. the output of :func:`mixmap.analyze`. When a ``status``
        column exists only rows with ``status == "ok"`` are used. Rows whose Schmahl index is
        undefined (NaN: s²_min >= s²_max) or infinite (s² = 0) are left out and counted in
        ``n_undefined``.
    by : str or None
        Column holding the group (process condition). ``None``: all rows form one group ``"all"``.
    alpha, beta, gamma : float
        Weights of M̄_AS, ψ_MAS and ψ_P in ψ_comb (Eq. 13), each in (0, 1].
    max_P : float or None
        Exclude aggregates with P > max_P before computing anything: the paper's test of Section
        3.2, which removes KB aggregates with P > 0.95 whose Schmahl index ≈ 1 only reflects a skewed
        composition. The number removed is reported in ``n_excluded``.
    confidence : float
        Level of the percentile-bootstrap confidence intervals, in (0, 1).
    n_boot : int
        Bootstrap resamples (aggregates drawn with replacement within the group).
    seed : int, Generator or None
        Seed of the bootstrap; group ``j`` (in sorted order) gets child seed ``j``.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (sorted), columns ``n`` (aggregates used), ``n_excluded`` (P > max_P),
        ``n_undefined`` (non-finite Schmahl index), ``P_mean, s2_inter`` (Eq. 2), ``psi_P``
        (Eq. 10), ``M_mean, s2_M`` (Eq. 12), ``psi_M`` (Eq. 11), ``psi_comb``
        (Eq. 13) and ``<psi>_low, <psi>_high`` bootstrap bounds for each ψ. Variances use n − 1
        (groups with n < 2 give NaN variances and ψ). ψ is NaN where its bound P̄(1 − P̄) or
        M̄_AS(1 − M̄_AS) is not positive; values are never clipped (a mean Schmahl index outside
        (0, 1) is possible when sampled variances fall outside their bounds).

    Raises
    ------
    mixmap.InputError
        Not a DataFrame, missing columns, non-finite P on ``ok`` rows, bad weights or options.
    mixmap.DataError
        No aggregate left (all rows failed or were excluded by ``max_P``).

    Examples
    --------
    >>> import pandas as pd, mixmap
    >>> t = pd.DataFrame({"group": ["x"] * 4, "P": [0.6, 0.7, 0.8, 0.7],
    ...                   "schmahl": [0.4, 0.5, 0.6, 0.5]})
    >>> s = mixmap.inter_mixing(t)
    >>> round(float(s.loc["x", "psi_P"]), 4)  # 1 - (0.02/3) / (0.7 * 0.3)
    0.9683
    """
    a, b, g = _check_weights(alpha, beta, gamma)
    confidence = check_confidence(confidence)
    n_boot = check_integer("n_boot", n_boot, minimum=10)
    P, M, keys, undefined = _clean_table(table, by)
    excluded = np.zeros(P.shape, dtype=bool)
    if max_P is not None:
        max_P = check_probability("max_P", max_P)
        excluded = P > max_P
    groups = sorted(set(keys.tolist()))
    if not groups or (excluded | undefined).all():
        raise DataError(
            "no aggregate to summarise: the table has no 'ok' row"
            + (f" with P <= max_P={max_P}" if max_P is not None else "")
        )
    seeds = spawn(seed, len(groups))
    rows = []
    for j, key in enumerate(groups):
        sel = keys == key
        keep = sel & ~excluded & ~undefined
        p, m = P[keep], M[keep]
        n = p.size
        row = {
            by or "group": key,
            "n": n,
            "n_excluded": int((sel & excluded).sum()),
            "n_undefined": int((sel & ~excluded & undefined).sum()),
        }
        if n == 0:
            row.update({c: np.nan for c in ("P_mean", "s2_inter", "M_mean", "s2_M")})
            row.update({c: np.nan for c in _PSI})
        else:
            Pm, s2p, Mm, s2m = _moments(p, m)
            row.update(P_mean=float(Pm), s2_inter=float(s2p), M_mean=float(Mm), s2_M=float(s2m))
            row.update(psi_measures(Pm, s2p, Mm, s2m, alpha=a, beta=b, gamma=g))
        # percentile bootstrap over aggregates, resampled within the group
        if n >= 2:
            idx = next(resample_indices(np.random.default_rng(seeds[j]), n, int(n_boot)))
            boot = psi_measures(*_moments(p[idx], m[idx]), alpha=a, beta=b, gamma=g)
            for c in _PSI:
                row[f"{c}_low"], row[f"{c}_high"] = percentile_interval(boot[c], confidence, finite_only=True)
        else:
            for c in _PSI:
                row[f"{c}_low"] = row[f"{c}_high"] = np.nan
        rows.append(row)
    cols = [
        "n",
        "n_excluded",
        "n_undefined",
        "P_mean",
        "s2_inter",
        "psi_P",
        "psi_P_low",
        "psi_P_high",
        "M_mean",
        "s2_M",
        "psi_M",
        "psi_M_low",
        "psi_M_high",
        "psi_comb",
        "psi_comb_low",
        "psi_comb_high",
    ]
    out = pd.DataFrame(rows).set_index(by or "group")
    out["n"] = out["n"].astype(np.int64)
    out["n_excluded"] = out["n_excluded"].astype(np.int64)
    out["n_undefined"] = out["n_undefined"].astype(np.int64)
    return out[cols]
