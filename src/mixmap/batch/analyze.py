"""The public :func:`mixmap.analyze`: options validated once, resume, running and assembling the table.

Sections 2.2.1 and 3.2 of Buchheiser et al. (Eqs. 1, 3-6 per aggregate); the table feeds
:func:`mixmap.inter_mixing` (Section 3.3, Eqs. 2, 10-13).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .._progress import Progress
from .._random import seed_sequence
from .._validate import check_integer, check_number
from ..errors import InputError
from ..mixing import check_n_samples, check_particle_model
from .backends import _LOCAL, _run_distributed, _run_local
from .plan import _Item, _plan
from .store import _check_out, _consolidate, _normalize, _normalize_curves, _open_run, _Resume
from .tasks import _CORR_COLUMNS, _Analysis


@dataclass(frozen=True)
class _Config:
    """Every option of one :func:`analyze` call, validated once (see its docstring)."""

    analysis: _Analysis  # what is computed (sent to the tasks, recorded in run.json)
    plan: tuple[_Item, ...]
    seed: np.random.SeedSequence
    reuse_entropy: bool  # seed=None: a resumed run continues with the entropy in run.json
    client: object  # distributed.Client or None
    address: str | None  # a dask.distributed scheduler to connect to
    scheduler: str
    workers: int
    window: int
    batch_size: int | None
    out: Path | None
    progress: bool
    callback: object

    @property
    def correlation(self) -> bool:
        """Whether R(h) curves are computed (``correlation=`` given)."""
        return self.analysis.correlation is not None


def _analysis(n_particles, particles, particle_area_px, n_samples, label, correlation) -> _Analysis:
    check_number("n_particles", n_particles, unit="particles per cutout, e.g. 25")
    check_particle_model(particles, particle_area_px)
    check_n_samples(n_samples)
    if label is True:
        label = {}
    elif label is False or label is None:
        label = None
    elif not isinstance(label, Mapping):
        raise InputError(f"label must be True/False or a dict of mixmap.label_aggregates options, got {label!r}")
    if correlation is not None:
        if not isinstance(correlation, Mapping):
            raise InputError(
                "correlation must be None or a dict of mixmap.correlation options, e.g. {'h_max': 50}; "
                f"got {correlation!r}"
            )
        correlation = dict(correlation)
    return _Analysis(
        n_particles=n_particles,
        particles=particles,
        particle_area_px=None if particle_area_px is None else float(particle_area_px),
        n_samples=int(n_samples),
        label=None if label is None else dict(label),
        correlation=correlation,
    )


def _config(
    items,
    *,
    seed,
    groups,
    client,
    scheduler,
    workers,
    out,
    progress,
    pair,
    channels,
    window,
    batch_size,
    callback,
    **analysis,
) -> _Config:
    """Validate every option of :func:`analyze` (in this order) and plan the items."""
    cfg = _analysis(**analysis)
    plan = _plan(items, pair=pair, channels=channels, groups=groups)
    address = None
    if client is None and isinstance(scheduler, str) and scheduler not in _LOCAL:
        if "://" not in scheduler and ":" not in scheduler:
            raise InputError(
                f"scheduler must be 'threads', 'processes', 'synchronous' or a dask.distributed "
                f"address like 'tcp://host:8786', got {scheduler!r}"
            )
        address, scheduler = scheduler, None
    if scheduler is None:
        scheduler = "threads"
    if client is None and scheduler not in _LOCAL:
        raise InputError(f"scheduler must be one of {_LOCAL} or an address, got {scheduler!r}")
    workers = check_integer("workers", (os.cpu_count() or 1) if workers is None else workers, minimum=1)
    window = check_integer("window", max(16, 4 * workers) if window is None else window, minimum=1)
    batch_size = check_integer("batch_size", batch_size, minimum=1, optional=True)
    ss = seed_sequence(seed)
    if out is not None:
        out = Path(out)
        _check_out(out)
    return _Config(
        analysis=cfg,
        plan=tuple(plan),
        seed=ss,
        reuse_entropy=seed is None,
        client=client,
        address=address,
        scheduler=scheduler,
        workers=workers,
        window=window,
        batch_size=batch_size,
        out=out,
        progress=bool(progress),
        callback=callback,
    )


def analyze(
    items,
    *,
    n_particles,
    particles=None,
    particle_area_px=None,
    n_samples=150,
    seed=0,
    groups=None,
    correlation=None,
    label=False,
    client=None,
    scheduler=None,
    workers=None,
    out=None,
    progress=None,
    pair=None,
    channels=None,
    window=None,
    batch_size=None,
    callback=None,
):
    """Intra-aggregate mixing of many maps in one call, on Dask (Sections 2.2.1, 3.2; Eqs. 1, 3-6).

    Every map pair (or, with ``label=True``, every aggregate found in an image) is analysed with
    :func:`mixmap.intra_mixing` using ``n_particles`` particles per cutout (the paper: N = 25, 150
    cutouts; Section 3.2). The returned table feeds :func:`mixmap.inter_mixing` (Eqs. 2, 10-13).

    Parameters
    ----------
    items : list, dict, str, Path or zarr.Group
        ``(a, b)`` array pairs, ``(path_a, path_b)`` pairs, a glob pattern of A maps with ``pair=``,
        composites with ``channels=``, or a Zarr group of maps; see the module docstring of
        :mod:`mixmap.batch` for the exact rules (``{stem}``, Zarr layouts).
    n_particles : float
        Primary particles per cutout N.
    particles : mixmap.Particles, optional
        Particle sizes (nm) and pixel size (nm); or ``particle_area_px=`` (mean particle area, px).
    n_samples : int, default 150
        Cutouts per aggregate.
    seed : int, Generator, SeedSequence or None, default 0
        Item i (by position in ``items``) uses ``SeedSequence(seed).spawn(n)[i]``; aggregate k of a
        labelled image uses that child's child k. Same seed, same table, whatever the scheduling.
        ``None`` draws fresh entropy, which ``out=`` records so that a resumed run continues with
        it; a Generator contributes one draw per call (use an int for resumable runs).
    groups : str, callable, sequence or dict, optional
        Group (process condition) of each item: a regex searched in the item's ``source`` (first
        capture group if any, else the whole match), a function of the source, one label per item,
        or ``{id: label}``. Default: the Zarr ``groups``/``group`` attributes, else ``"all"``.
    correlation : dict, optional
        Also compute R(h) of each aggregate with :func:`mixmap.correlation` (these options, e.g.
        ``{"h_max": 50}``; ``pixel_size`` defaults to that of ``particles``): adds columns
        ``h_max, integral_scale_px, integral_scale_nm, correlation_length_px, correlation_length_nm``
        from :func:`mixmap.scale_of_segregation`; the curves (long format, one row per aggregate and
        h) are in ``table.attrs["correlation"]`` and next to ``out``; summarise them per group with
        :func:`correlation_summary` (mean R̄, Eq. 9, and the fit of Eq. 14).
    label : bool or dict
        Split each image into aggregates first with :func:`mixmap.label_aggregates` (a dict gives
        its options). Row ids become ``"<id>#<k>"``.
    client : distributed.Client, optional
        Run on this dask.distributed cluster (bounded window of futures, results as completed).
    scheduler : {"threads", "processes", "synchronous"} or str, optional
        Local Dask scheduler (default "threads"), or a scheduler address ``"tcp://..."`` to connect to.
    workers : int, optional
        Workers of the local scheduler (default: CPU count). With more than one worker each task
        runs its Numba kernels single-threaded, so workers do not oversubscribe the cores. The
        "processes" pool is kept for the session, so its start-up (~2 s) is paid once.
    out : str or Path, optional
        ``.parquet`` or ``.csv`` file: rows are written as they finish; re-running the same call
        resumes (items already in ``out`` are skipped). Rows of other items already in the file are
        kept in the file but not returned.
    progress : bool, optional
        Draw a progress bar on stderr (default off in the API; the CLI always draws it).
    pair : str, optional
        Template of the B map for glob patterns of A maps, e.g. ``"{stem}_Si.png"``.
    channels : dict, optional
        ``{"A-name": colour, "B-name": colour}`` for RGB composites.
    window : int, optional
        Tasks in flight at once (default ``max(16, 4 * workers)``): memory stays flat however many
        maps there are (maps are loaded inside the tasks; only result rows come back).
    batch_size : int, optional
        Maps per task (default: up to 16, fewer for small runs so that every worker gets work).
        Consecutive maps of a Zarr (n, y, x) stack are read in one call. Results do not depend on it.
    callback : callable, optional
        Called in the calling process with the list of row dicts of each finished item, after they
        are stored; an exception raised by it stops the run (rows stored so far are kept).

    Returns
    -------
    pandas.DataFrame
        One row per aggregate in input order, columns :data:`COLUMNS` (``id, source, group, item,
        aggregate, P, P10, P01, P11, n_foreground, target_count, s2, s2_ci_low, s2_ci_high, s2_max,
        s2_min, schmahl, status, error``). ``status`` is ``"ok"``, ``"invalid"`` (bad data: shapes
        differ, empty, one element only ...), ``"unreadable"`` (missing or corrupt file) or
        ``"failed"`` (unexpected error or lost worker; retried on resume); ``error`` holds the message.

    Raises
    ------
    mixmap.InputError
        Bad options, no items, a pattern matching nothing, or ``out`` written with other parameters.

    Examples
    --------
    >>> import numpy as np, mixmap
    >>> rng = np.random.default_rng(0)
    >>> maps = [(m, ~m) for m in (rng.random((64, 64)) < 0.5 for _ in range(4))]
    >>> t = mixmap.analyze(maps, n_particles=25, particle_area_px=4, groups=["x", "x", "y", "y"])
    >>> list(t["status"]), t.shape[0]
    (['ok', 'ok', 'ok', 'ok'], 4)
    """
    cfg = _config(
        items,
        n_particles=n_particles,
        particles=particles,
        particle_area_px=particle_area_px,
        n_samples=n_samples,
        seed=seed,
        groups=groups,
        correlation=correlation,
        label=label,
        client=client,
        scheduler=scheduler,
        workers=workers,
        out=out,
        progress=progress,
        pair=pair,
        channels=channels,
        window=window,
        batch_size=batch_size,
        callback=callback,
    )
    if cfg.address is None:
        return _execute(cfg)
    from distributed import Client  # optional dependency

    with Client(cfg.address) as c:
        return _execute(replace(cfg, client=c))


def _execute(cfg: _Config) -> pd.DataFrame:
    """Resume from ``out``, run the items not done yet, assemble the table in input order."""
    res = _open_run(cfg.out, cfg.analysis, cfg.seed, cfg.reuse_entropy)
    todo = [it for it in cfg.plan if it.source not in res.done]
    results, curve_parts = _run(cfg, res, todo)
    table = _assemble_table(cfg, res, results)
    curves = _assemble_curves(cfg, res, curve_parts) if cfg.correlation else None
    _consolidate(res, cfg.correlation)
    if curves is not None:
        table.attrs["correlation"] = curves
    return table


def _batch_size(cfg: _Config, n_todo: int) -> int:
    """Maps per task: a few (fewer scheduler round trips, batched Zarr reads), every worker busy."""
    if cfg.batch_size is not None:
        return cfg.batch_size
    return int(min(16, max(1, math.ceil(n_todo / (16 * cfg.workers)))))


class _Collector:
    """Receives each finished item in the calling process: keeps it, stores it in batches, reports it."""

    def __init__(self, cfg: _Config, res: _Resume, n_todo: int):
        self.cfg, self.res = cfg, res
        self.results: dict[int, list] = {}
        self.curves: dict[int, list] = {}
        self.buf_rows, self.buf_curves = [], []
        self.last_flush = time.monotonic()
        self.bar = Progress(n_todo, "analyze", enabled=cfg.progress)

    def flush(self) -> None:
        """Append the buffered rows (and curves) to the result files."""
        if self.res.rows is not None and self.buf_rows:
            self.res.rows.append(_normalize(pd.DataFrame(self.buf_rows), self.cfg.correlation))
            self.buf_rows.clear()
        if self.res.curves is not None and self.buf_curves:
            self.res.curves.append(_normalize_curves(pd.concat([pd.DataFrame(c) for c in self.buf_curves])))
            self.buf_curves.clear()
        self.last_flush = time.monotonic()

    def deliver(self, pos, result) -> None:
        """Take the rows and curves of item ``pos`` (flushed every 256 rows or 2 s)."""
        rows, curves = result
        self.results[pos] = rows
        self.curves[pos] = curves
        if self.res.rows is not None:
            self.buf_rows.extend(rows)
            self.buf_curves.extend(curves)
            if len(self.buf_rows) >= 256 or time.monotonic() - self.last_flush > 2.0:
                self.flush()
        self.bar.update(1)
        if self.cfg.callback is not None:
            self.cfg.callback(rows)


def _run(cfg: _Config, res: _Resume, todo: list) -> tuple[dict, dict]:
    """Run ``todo`` on the chosen backend; rows already delivered are stored even if it fails."""
    got = _Collector(cfg, res, len(todo))
    batch = _batch_size(cfg, len(todo))
    entropy = res.seed.entropy
    try:
        with got.bar:
            if cfg.client is not None:
                _run_distributed(todo, cfg.analysis, entropy, cfg.client, cfg.window, batch, got.deliver)
            else:
                _run_local(todo, cfg.analysis, entropy, cfg.scheduler, cfg.workers, cfg.window, batch, got.deliver)
    finally:
        got.flush()
    return got.results, got.curves


def _follow_call(df: pd.DataFrame, cfg: _Config) -> pd.DataFrame:
    """Positions and groups of resumed rows follow the current call."""
    pos_of = {it.source: it for it in cfg.plan}
    df["item"] = df["source"].map(lambda s: pos_of[s].pos)
    df["group"] = df["source"].map(lambda s: pos_of[s].group)
    return df


def _assemble_table(cfg: _Config, res: _Resume, results: dict) -> pd.DataFrame:
    """New rows and resumed rows (from the file) in input order."""
    frames = []
    new = [r for pos in sorted(results) for r in results[pos]]
    if new:
        frames.append(_normalize(pd.DataFrame(new), cfg.correlation))
    if res.done:
        old = _follow_call(pd.concat(res.done.values(), ignore_index=True), cfg)
        frames.append(_normalize(old, cfg.correlation))
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return table.sort_values(["item", "aggregate"], kind="stable").reset_index(drop=True)


def _assemble_curves(cfg: _Config, res: _Resume, curve_parts: dict) -> pd.DataFrame:
    """The long R(h) table of the call: new curves and those of resumed items."""
    parts = [pd.DataFrame(c) for pos in sorted(curve_parts) for c in curve_parts[pos]]
    if res.done and res.curves is not None:
        prev = res.curves.read()
        if prev is not None:
            prev = _normalize_curves(prev)
            prev = prev[prev["source"].isin(res.done)].drop_duplicates(["source", "aggregate", "h"], keep="last")
            parts.append(_follow_call(prev, cfg))
    curves = (
        _normalize_curves(pd.concat(parts, ignore_index=True))
        if parts
        else pd.DataFrame({c: [] for c in _CORR_COLUMNS})
    )
    return curves.sort_values(["item", "aggregate", "h"], kind="stable").reset_index(drop=True)
