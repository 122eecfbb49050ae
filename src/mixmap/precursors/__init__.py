"""Precursor intermixing from EDS spot compositions (and quantified element maps).

Two precursor powders A and B are mixed before a solid-state reaction. Each EDS spot spectrum on
the mixed powder is quantified (e.g. by AutoEMXSp), and its composition is expressed as the molar
fraction ``x`` of precursor A among the formula units of A and B under the beam. The spread of
``x`` over many spots (its standard deviation σ, a violin plot) says how well the powders are
intermixed; σ of about 5 percentage points indicates very well mixed precursors (AutoEMXSp
precursor-mixing tutorial, ../shared/references/000_ca88543bc3c88495.txt, "Output"). The X-ray
generation volume limits what can be resolved: mixing on scales below it looks perfect (same
reference; see :mod:`mixmap.chemistry.generation`).

Method (per spot, vectorised over all spots)
--------------------------------------------
1. The fractions of the detected elements (atomic or mass basis; elements that EDS cannot detect,
   ``exclude_elements``, dropped) are normalised to 1, giving the spot vector ``s``.
2. The precursor compositions ``a`` and ``b`` (same basis and elements, normalised) define a
   segment; the closest point ``b + c (a - b)`` to ``s`` is the orthogonal projection
   ``c = (s' - b)·(a - b) / |a - b|²`` clipped to [0, 1] (the constrained least-squares solution of
   ``s' ≈ c a + (1 - c) b``), where ``s'`` is ``s`` renormalised over the elements of the two
   precursors. ``c`` is the share of detected atoms (or mass) coming from A. Elements in neither
   precursor (substrate carbon, impurities, a third phase) therefore do not bias ``c``; they count
   in the ``residual``, the Euclidean distance ``|s - (b + c (a - b))|`` in fraction units
   (use ``max_residual`` to reject such spots).
3. ``c`` becomes a molar fraction of formula units with the detected atoms (or detected molar
   mass) per formula unit, ``N_a`` and ``N_b``: ``x = (c/N_a) / (c/N_a + (1 - c)/N_b)``.

Steps 1-3 run in one pass per spot in the Numba kernel :mod:`mixmap.kernels.precursors`
(about 10⁷ spots per second); the straightforward per-spot bounded least-squares twin is
``naive_precursor_fractions`` in tests/naive/.

Atomic weights come from ``mixmap/data/elements.csv`` (IUPAC/CIAAW standard atomic weights 2021,
Prohaska et al., Pure Appl. Chem. 94, 573 (2022); see the file header).

Modules: :mod:`.spots` (spot-table I/O), :mod:`.projection` (steps 1-3, generation-volume check),
:mod:`.fractions` (spot mode, :func:`precursor_fractions`), :mod:`.results` (its result objects),
:mod:`.maps` (map mode, :func:`precursor_map`). ``parse_formula`` and ``formula_mass`` live in
:mod:`mixmap.chemistry.formula` and are re-exported here for compatibility.
"""

from ..chemistry.formula import formula_mass, parse_formula
from .fractions import precursor_fractions
from .maps import PrecursorMap, precursor_map
from .projection import DEFAULT_EXCLUDED
from .results import PrecursorResult, PrecursorSamples
from .spots import read_spot_table

__all__ = [
    "DEFAULT_EXCLUDED",
    "PrecursorMap",
    "PrecursorResult",
    "PrecursorSamples",
    "formula_mass",
    "parse_formula",
    "precursor_fractions",
    "precursor_map",
    "read_spot_table",
]
