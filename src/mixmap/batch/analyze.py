"""The public :func:`mixmap.analyze`: options, resume bookkeeping, running and assembling the table."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._progress import Progress
from .._random import seed_sequence
from .._validate import check_number
from ..errors import InputError
from ..mixing import check_n_samples, check_particle_model
from .backends import _LOCAL, _run_distributed, _run_local
from .plan import _plan
from .store import _check_out, _correlation_path, _dedup, _normalize, _normalize_curves, _Table
from .tasks import _CORR_COLUMNS


def _config(n_particles, particles, particle_area_px, n_samples, label, correlation):

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
    return {
        "n_particles": n_particles,
        "particles": particles,
        "particle_area_px": None if particle_area_px is None else float(particle_area_px),
        "n_samples": int(n_samples),
        "label": None if label is None else dict(label),
        "correlation": correlation,
    }


def _params_json(cfg, entropy):
    def enc(v):
        if is_dataclass(v):
            return {"type": type(v).__name__, **asdict(v)}
        if isinstance(v, (np.integer, np.floating)):
            return v.item()
        return v

    d = {k: enc(v) for k, v in cfg.items()}
    d["seed_entropy"] = str(entropy)
    return json.loads(json.dumps(d, default=repr, sort_keys=True))


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
    cfg = _config(n_particles, particles, particle_area_px, n_samples, label, correlation)
    plan = _plan(items, pair=pair, channels=channels, groups=groups)
    want_corr = cfg["correlation"] is not None

    if client is None and isinstance(scheduler, str) and scheduler not in _LOCAL:
        if "://" not in scheduler and ":" not in scheduler:
            raise InputError(
                f"scheduler must be 'threads', 'processes', 'synchronous' or a dask.distributed "
                f"address like 'tcp://host:8786', got {scheduler!r}"
            )
        from distributed import Client

        with Client(scheduler) as c:
            return analyze(
                items,
                n_particles=n_particles,
                particles=particles,
                particle_area_px=particle_area_px,
                n_samples=n_samples,
                seed=seed,
                groups=groups,
                correlation=correlation,
                label=label,
                client=c,
                workers=workers,
                out=out,
                progress=progress,
                pair=pair,
                channels=channels,
                window=window,
                batch_size=batch_size,
                callback=callback,
            )
    if scheduler is None:
        scheduler = "threads"
    if client is None and scheduler not in _LOCAL:
        raise InputError(f"scheduler must be one of {_LOCAL} or an address, got {scheduler!r}")
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    workers = int(workers)
    if window is None:
        window = max(16, 4 * workers)
    for name, v in (("window", window), ("batch_size", batch_size)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1):
            raise InputError(f"{name} must be a positive integer, got {v!r}")

    # seeds: resume with seed=None reuses the entropy of the first run
    ss = seed_sequence(seed)
    rows_t = curves_t = None
    done: dict[str, list] = {}
    if out is not None:
        out = Path(out)
        _check_out(out)
        sidecar = out.with_name(out.name + ".mixmap")
        meta_path = sidecar / "run.json"
        if seed is None and meta_path.exists():
            old = json.loads(meta_path.read_text())
            ss = np.random.SeedSequence(int(old["seed_entropy"]))
        params = _params_json(cfg, ss.entropy)
        if meta_path.exists():
            old = json.loads(meta_path.read_text())
            if old != params:
                diff = sorted(k for k in set(old) | set(params) if old.get(k) != params.get(k))
                raise InputError(
                    f"{out} holds results computed with other parameters ({', '.join(diff)}); "
                    f"pass another out= or delete {out} and {sidecar} to start over"
                )
        elif out.exists() or (sidecar.exists() and any(sidecar.iterdir())):
            raise InputError(f"{out} exists but was not written by mixmap.analyze (no {meta_path}); pass another out=")
        sidecar.mkdir(parents=True, exist_ok=True)
        meta_path.write_text(json.dumps(params, indent=1, sort_keys=True))
        rows_t = _Table(out, sidecar, "rows")
        curves_t = _Table(_correlation_path(out), sidecar, "correlation") if want_corr else None
        old_rows = rows_t.read()
        if old_rows is not None:
            old_rows = _dedup(_normalize(old_rows, want_corr))
            for src, g in old_rows.groupby("source", sort=False):
                if (g["status"] != "failed").any():
                    done[src] = g
    entropy = ss.entropy

    todo = [it for it in plan if it.source not in done]
    if batch_size is None:  # a few maps per task: fewer scheduler round trips, batched Zarr reads
        batch_size = int(min(16, max(1, math.ceil(len(todo) / (16 * workers)))))
    results: dict[int, list] = {}
    curve_parts: dict[int, list] = {}
    buf_rows, buf_curves = [], []
    last_flush = [time.monotonic()]

    def flush():
        if rows_t is not None and buf_rows:
            rows_t.append(_normalize(pd.DataFrame(buf_rows), want_corr))
            buf_rows.clear()
        if curves_t is not None and buf_curves:
            curves_t.append(_normalize_curves(pd.concat([pd.DataFrame(c) for c in buf_curves])))
            buf_curves.clear()
        last_flush[0] = time.monotonic()

    bar = Progress(len(todo), "analyze", enabled=bool(progress))

    def deliver(pos, result):
        rows, curves = result
        results[pos] = rows
        curve_parts[pos] = curves
        if rows_t is not None:
            buf_rows.extend(rows)
            buf_curves.extend(curves)
            if len(buf_rows) >= 256 or time.monotonic() - last_flush[0] > 2.0:
                flush()
        bar.update(1)
        if callback is not None:
            callback(rows)

    try:
        with bar:
            if client is not None:
                _run_distributed(todo, cfg, entropy, client, window, batch_size, deliver)
            else:
                _run_local(todo, cfg, entropy, scheduler, workers, window, batch_size, deliver)
    finally:
        flush()

    # assemble in input order; resumed items come from the file
    frames = []
    pos_of = {it.source: it for it in plan}
    new = [r for pos in sorted(results) for r in results[pos]]
    if new:
        frames.append(_normalize(pd.DataFrame(new), want_corr))
    if done:
        old = pd.concat(done.values(), ignore_index=True)
        # ids/groups/positions follow the current call
        old["item"] = old["source"].map(lambda s: pos_of[s].pos)
        old["group"] = old["source"].map(lambda s: pos_of[s].group)
        frames.append(_normalize(old, want_corr))
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    table = table.sort_values(["item", "aggregate"], kind="stable").reset_index(drop=True)

    curves = None
    if want_corr:
        parts = [pd.DataFrame(c) for pos in sorted(curve_parts) for c in curve_parts[pos]]
        if done and curves_t is not None:
            prev = curves_t.read()
            if prev is not None:
                prev = _normalize_curves(prev)
                prev = prev[prev["source"].isin(done)].drop_duplicates(["source", "aggregate", "h"], keep="last")
                prev["item"] = prev["source"].map(lambda s: pos_of[s].pos)
                prev["group"] = prev["source"].map(lambda s: pos_of[s].group)
                parts.append(prev)
        curves = (
            _normalize_curves(pd.concat(parts, ignore_index=True))
            if parts
            else pd.DataFrame({c: [] for c in _CORR_COLUMNS})
        )
        curves = curves.sort_values(["item", "aggregate", "h"], kind="stable").reset_index(drop=True)

    if rows_t is not None:  # consolidate: one file, no duplicates, rows of other items kept
        everything = rows_t.read()
        rows_t.rewrite(_dedup(_normalize(everything, want_corr)).sort_values(["source", "aggregate"], kind="stable"))
        if curves_t is not None:
            allc = curves_t.read()
            if allc is not None:
                allc = _normalize_curves(allc).drop_duplicates(["source", "aggregate", "h"], keep="last")
                curves_t.rewrite(allc.sort_values(["source", "aggregate", "h"], kind="stable"))
    if curves is not None:
        table.attrs["correlation"] = curves
    return table
