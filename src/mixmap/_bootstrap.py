"""Percentile bootstrap: resampling with replacement and percentile confidence intervals.

One implementation for every bootstrap in mixmap (B. Efron and R. J. Tibshirani, *An Introduction
to the Bootstrap*, Chapman & Hall 1993, ch. 13, percentile interval). Resample indices are drawn
from a NumPy :class:`~numpy.random.Generator` as ``rng.integers(0, n, size=(m, n))`` blocks of at
most ``max_elements`` indices, in order, so the same generator state gives the same replicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

__all__ = ["resample_indices", "bootstrap_replicates", "percentile_interval", "bootstrap_ci"]


def resample_indices(
    rng: np.random.Generator, n: int, n_boot: int, *, max_elements: int | None = None
) -> Iterator[np.ndarray]:
    """Blocks of bootstrap resample indices, ``(m, n)`` integer arrays with ``Σ m = n_boot``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the draws (advanced in place).
    n : int
        Sample size (indices are drawn from ``0 .. n-1``).
    n_boot : int
        Number of resamples.
    max_elements : int, optional
        Largest number of indices per block (``m = max(1, max_elements // n)`` rows); None draws
        all resamples in one block.

    Yields
    ------
    numpy.ndarray
        Index block of shape ``(m, n)``.
    """
    rows = n_boot if max_elements is None else max(1, int(max_elements) // n)
    for i in range(0, n_boot, max(rows, 1)):
        m = min(rows, n_boot - i)
        yield rng.integers(0, n, size=(m, n))


def bootstrap_replicates(
    statistic: Callable[[np.ndarray], np.ndarray],
    n: int,
    n_boot: int,
    rng: np.random.Generator,
    *,
    max_elements: int | None = None,
) -> np.ndarray:
    """Bootstrap replicates of a statistic computed from resample indices.

    Parameters
    ----------
    statistic : callable
        ``statistic(idx)`` with ``idx`` an ``(m, n)`` index block returns the ``m`` replicate
        values (a 1-D array), e.g. ``lambda idx: x[idx].std(axis=1)``.
    n, n_boot, rng, max_elements
        As in :func:`resample_indices`.

    Returns
    -------
    numpy.ndarray
        ``n_boot`` replicate values, float64.
    """
    out = np.empty(n_boot)
    i = 0
    for idx in resample_indices(rng, n, n_boot, max_elements=max_elements):
        out[i : i + len(idx)] = statistic(idx)
        i += len(idx)
    return out


def percentile_interval(replicates, confidence: float, *, finite_only: bool = False) -> tuple[float, float]:
    """Equal-tailed percentile interval ``(q_(1-c)/2, q_(1+c)/2)`` of bootstrap replicates.

    Parameters
    ----------
    replicates : array_like
        Replicate values of the statistic.
    confidence : float
        Confidence level in (0, 1), e.g. 0.95.
    finite_only : bool
        Ignore NaN/inf replicates (then an interval of NaN when none is finite).

    Returns
    -------
    tuple of float
        ``(low, high)``.
    """
    v = np.asarray(replicates, dtype=np.float64)
    if finite_only:
        v = v[np.isfinite(v)]
        if v.size == 0:
            return (np.nan, np.nan)
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(v, [alpha, 1.0 - alpha])
    return (float(lo), float(hi))


def bootstrap_ci(
    x,
    statistic: Callable[[np.ndarray], np.ndarray],
    rng: np.random.Generator,
    *,
    n_boot: int,
    confidence: float,
    max_elements: int | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of ``statistic`` over the samples ``x``.

    Parameters
    ----------
    x : array_like
        1-D sample.
    statistic : callable
        ``statistic(resamples)`` with ``resamples`` of shape ``(m, len(x))`` returns ``m``
        values computed along axis 1, e.g. ``lambda r: r.std(axis=1)``.
    rng : numpy.random.Generator
        Source of the resampling draws.
    n_boot : int
        Number of resamples.
    confidence : float
        Confidence level in (0, 1).
    max_elements : int, optional
        Memory bound: resamples are drawn in blocks of at most this many values.

    Returns
    -------
    tuple of float
        ``(low, high)``.

    Examples
    --------
    >>> x = np.arange(10.0)
    >>> lo, hi = bootstrap_ci(x, lambda r: r.mean(axis=1), np.random.default_rng(0), n_boot=200, confidence=0.9)
    >>> bool(lo < 4.5 < hi)
    True
    """
    x = np.asarray(x)
    reps = bootstrap_replicates(lambda idx: statistic(x[idx]), len(x), n_boot, rng, max_elements=max_elements)
    return percentile_interval(reps, confidence)
