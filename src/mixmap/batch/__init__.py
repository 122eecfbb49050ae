"""Many maps in one call: :func:`analyze` (intra-aggregate analysis of whole campaigns with Dask).

The paper evaluates 50 C65 and 30 KB aggregates at N = 25 particles and 150 cutouts each
(Buchheiser et al., Section 3.2; Eqs. 1, 3-6 per aggregate) and compares the process conditions
with the inter-aggregate measures of Section 3.3 (:func:`mixmap.inter_mixing`, Eqs. 2, 10-13).

One row per aggregate, computed where the map is loaded (tasks receive paths or Zarr keys, never
arrays, unless arrays are given), with per-item seeds ``SeedSequence(seed).spawn(n)[i]`` by
position so the table does not depend on the scheduler, the number of workers or the order in which
tasks finish. A bad map becomes a row with ``status != "ok"``; with ``out=`` rows are written as they
finish and re-running the same call skips what is done.

Inputs (``items``)
------------------
* a list of ``(a, b)`` array pairs (or a dict ``{id: (a, b)}``);
* a list of ``(path_a, path_b)`` pairs of map files (anything :func:`mixmap.read_maps` reads);
* a glob pattern (or a list of patterns) of the A maps with ``pair=`` a template naming the B map,
  e.g. ``"maps/*_C.png"`` with ``pair="{stem}_Si.png"``. ``{stem}`` is the part of the matched *file
  name* that the wildcards matched: the file name without the literal text before the first
  wildcard and after the last wildcard of the pattern's file-name part (``"*_C.png"`` matching
  ``agg01_C.png`` gives ``agg01``; ``"C_*.png"`` matching ``C_agg01.png`` gives ``agg01``). The B
  path is the template filled in, relative to the directory of the matched A file (absolute
  templates are used as they are); ``{stem}`` is also the row ``id``;
* RGB composites: a path, glob pattern or list of them with ``channels={"C": "green", "Si": "red"}``
  (the first two channel names are A and B; see :func:`mixmap.read_composite`);
* a Zarr group (path or ``zarr.Group``) in one of two layouts: arrays ``a`` and ``b`` of shape
  (n, y, x) - map i is ``a[i], b[i]``, ids from the group attribute ``ids`` (list of n str) if
  present, else ``"0"``, ``"1"``, ...; or one subgroup per map, ``<id>/a`` and ``<id>/b`` (2-D),
  taken in sorted order of ``<id>``. An optional attribute ``groups`` (list of n labels, first
  layout) or ``group`` (str, on each subgroup) sets the row's group unless ``groups=`` is given.

Output files (``out=``)
-----------------------
``results.parquet`` or ``results.csv``. While running, rows are flushed in small batches (at least
every 2 s): CSV rows are appended to the file itself; Parquet rows go to part files in
``results.parquet.mixmap/rows-parts/`` and are consolidated into ``results.parquet`` when the run
ends (:func:`read_results` also reads the parts of an unfinished run). The
folder ``<out>.mixmap/`` also keeps ``run.json`` (the analysis parameters): re-running with the same
parameters skips every item whose ``source`` already has rows (items that crashed with status
``"failed"`` are retried), and different parameters raise an error instead of mixing results.
With ``correlation=`` the per-aggregate R(h) curves go to ``results.correlation.parquet`` (or
``.csv``) in long format, one row per (id, h).
"""

from .analyze import analyze
from .plan import looks_like_zarr
from .store import read_results
from .summary import CorrelationSummary, correlation_results, correlation_summary
from .tasks import COLUMNS

__all__ = [
    "COLUMNS",
    "CorrelationSummary",
    "analyze",
    "correlation_results",
    "correlation_summary",
    "looks_like_zarr",
    "read_results",
]
