"""Result objects of spot mode: :class:`PrecursorResult` (one sample) and :class:`PrecursorSamples`."""

from __future__ import annotations


import numpy as np
import pandas as pd

from .._results import Result, result

__all__ = ["PrecursorResult", "PrecursorSamples"]


@result
class PrecursorResult(Result):
    """Molar fractions of precursor A per EDS spot and their spread (one sample).

    Attributes
    ----------
    precursor_a, precursor_b : str
        Formulas of the two precursors; ``x`` is the molar fraction of ``precursor_a``.
    basis : str
        ``"atomic"`` or ``"mass"``: the composition basis of the projection.
    elements : tuple of str
        Elements used (table elements minus ``exclude_elements``).
    units_per_formula : tuple of float
        Detected atoms (atomic basis) or detected molar mass in g/mol (mass basis) per formula
        unit of A and of B, ``(N_a, N_b)``.
    spot : ndarray
        Ids of the accepted spots.
    x, c, residual : ndarray
        Molar fraction of A, share of detected atoms (or mass) from A, and distance of the spot
        composition to the segment between the precursors (fraction units, 0-1), per spot.
    mean, std, std_sample : float
        Mean of x, population standard deviation (ddof=0) and sample standard deviation
        (ddof=1). ``std`` × 100 is σ in percentage points (``std_pp``); σ ≈ 5 pp indicates very
        well mixed precursors (AutoEMXSp tutorial).
    std_ci : tuple of float
        Bootstrap ``confidence`` interval of ``std`` (``std_ci_method``).
    molar_ratio : float
        mean / (1 - mean): formula units of A per formula unit of B.
    n_spots, n_rejected : int
    rejected : pandas.DataFrame
        Rejected spots with columns ``spot``, (the ``by`` column), ``reason`` (categorical).
    generation_size_um : float or None
        Kanaya-Okayama range used for the generation-volume check, when known.
    sample : object
        Sample label (``by=`` grouping), else None.
    """

    precursor_a: str
    precursor_b: str
    basis: str
    elements: tuple
    units_per_formula: tuple
    spot: np.ndarray
    x: np.ndarray
    c: np.ndarray
    residual: np.ndarray
    mean: float
    std: float
    std_sample: float
    std_ci: tuple
    std_ci_method: str
    confidence: float
    molar_ratio: float
    n_spots: int
    n_rejected: int
    rejected: object
    generation_size_um: float | None = None
    sample: object = None

    _summary = ("sample", "precursor_a", "precursor_b", "basis", "n_spots", "n_rejected", "mean", "std", "std_ci")

    @property
    def std_pp(self) -> float:
        """σ of x in percentage points (100 × ``std``)."""
        return 100.0 * self.std

    def to_dict(self) -> dict:
        """Scalars of the result (``std_ci`` split into ``std_ci_low`` / ``std_ci_high``)."""
        d = {
            "precursor_a": self.precursor_a,
            "precursor_b": self.precursor_b,
            "basis": self.basis,
            "n_spots": self.n_spots,
            "n_rejected": self.n_rejected,
            "mean": self.mean,
            "std": self.std,
            "std_pp": self.std_pp,
            "std_sample": self.std_sample,
            "std_ci_low": self.std_ci[0],
            "std_ci_high": self.std_ci[1],
            "std_ci_low_pp": 100.0 * self.std_ci[0],
            "std_ci_high_pp": 100.0 * self.std_ci[1],
            "std_ci_method": self.std_ci_method,
            "confidence": self.confidence,
            "molar_ratio": self.molar_ratio,
            "median_residual": float(np.median(self.residual)),
            "generation_size_um": self.generation_size_um,
        }
        if self.sample is not None:
            d = {"sample": self.sample, **d}
        return d

    def to_frame(self):
        """Per-spot table: ``spot``, (``sample``), ``x``, ``c``, ``residual``."""
        cols = {"spot": self.spot}
        if self.sample is not None:
            cols["sample"] = np.full(len(self.spot), self.sample, dtype=object)
        cols.update(x=self.x, c=self.c, residual=self.residual)
        return pd.DataFrame(cols)


@result
class PrecursorSamples(Result):
    """One :class:`PrecursorResult` per sample (``precursor_fractions(..., by=column)``).

    Attributes
    ----------
    by : str
        Grouping column.
    results : dict
        Sample label -> :class:`PrecursorResult`, in order of first appearance in the table.
    """

    by: str
    results: dict

    def __getitem__(self, label) -> PrecursorResult:
        return self.results[label]

    def __iter__(self):
        return iter(self.results.values())

    def __len__(self) -> int:
        return len(self.results)

    def to_dict(self) -> dict:
        """Sample label -> scalar summary (:meth:`PrecursorResult.to_dict`)."""
        return {k: r.to_dict() for k, r in self.results.items()}

    def to_frame(self):
        """One row per sample (mean, std, std_pp, CI, n_spots, ...), for comparing protocols."""
        return pd.DataFrame([r.to_dict() for r in self.results.values()])

    def spots(self):
        """All accepted spots of all samples (:meth:`PrecursorResult.to_frame` concatenated)."""
        return pd.concat([r.to_frame() for r in self.results.values()], ignore_index=True)
