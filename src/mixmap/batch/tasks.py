"""One task of :func:`mixmap.analyze`: load maps, (label), analyse, build rows and statuses.

Per aggregate: :func:`mixmap.intra_mixing` (Eqs. 1, 3-6) and optionally :func:`mixmap.correlation`
with its scale of segregation (Eqs. 7-8). A bad map becomes an error row, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import zarr

from ..errors import DataError, FormatError, MixmapError
from ..maps import label_aggregates, read_composite, read_maps
from ..mixing import intra_mixing
from ..scale import correlation, scale_of_segregation
from .plan import _Item


#: Columns of the table returned by :func:`analyze` (correlation columns are appended when asked).
COLUMNS = [
    "id",
    "source",
    "group",
    "item",
    "aggregate",
    "P",
    "P10",
    "P01",
    "P11",
    "n_foreground",
    "target_count",
    "s2",
    "s2_ci_low",
    "s2_ci_high",
    "s2_max",
    "s2_min",
    "schmahl",
    "status",
    "error",
]
_FLOATS = ["P", "P10", "P01", "P11", "s2", "s2_ci_low", "s2_ci_high", "s2_max", "s2_min", "schmahl"]
_INTS = ["n_foreground", "target_count"]
_STRS = ["id", "source", "group", "status", "error"]
_CORR_SCALARS = ["h_max", "integral_scale_px", "integral_scale_nm", "correlation_length_px", "correlation_length_nm"]
#: long-format R(h) table: one row per (aggregate, h); enough to rebuild each CorrelationResult
_CORR_COLUMNS = [
    "id",
    "source",
    "group",
    "item",
    "aggregate",
    "h",
    "h_nm",
    "C",
    "R",
    "n_pairs",
    "sum_products",
    "P",
    "s2_max",
    "n_foreground",
    "pixel_size",
    "method",
]


@dataclass(frozen=True)
class _Analysis:
    """What is computed for each aggregate (validated once by :func:`mixmap.analyze`; in ``run.json``)."""

    n_particles: float
    particles: object  # mixmap.Particles or None
    particle_area_px: float | None
    n_samples: int
    label: dict | None  # options of mixmap.label_aggregates, or None: one aggregate per map
    correlation: dict | None  # options of mixmap.correlation, or None


#: Zarr groups/arrays opened by this process during one analyze call (key "run": its token); a
#: new call starts afresh, so a store rewritten between calls is never read with stale metadata
_ZARR_CACHE: dict = {}


def _zarr_cache_for(run):
    if _ZARR_CACHE.get("run") != run:
        _ZARR_CACHE.clear()
        _ZARR_CACHE["run"] = run


def _zarr_group(ref):
    """Open (once per process) the Zarr group ``ref`` (a path, or a Group passed as is)."""
    if not isinstance(ref, str):
        return ref
    grp = _ZARR_CACHE.get(ref)
    if grp is None:
        grp = zarr.open_group(ref, mode="r")
        _ZARR_CACHE[ref] = grp
    return grp


def _zarr_arrays(ref):
    key = ("arrays", ref) if isinstance(ref, str) else None
    arrs = _ZARR_CACHE.get(key) if key else None
    if arrs is None:
        grp = _zarr_group(ref)
        arrs = (grp["a"], grp["b"])
        if key:
            _ZARR_CACHE[key] = arrs
    return arrs


def _load(item: _Item):
    kind, p = item.kind, item.payload
    if kind == "arrays":
        return p
    if kind == "paths":
        return read_maps(p[0], p[1])
    if kind == "composite":
        maps = read_composite(p[0], channels=p[1])
        names = list(p[1])
        return maps[names[0]], maps[names[1]]
    if kind == "zarr-stack":
        A, B = _zarr_arrays(p[0])
        return A[p[1]], B[p[1]]
    sub = _zarr_group(p[0])[p[1]]
    return sub["a"][...], sub["b"][...]


def _prefetch(items):
    """Read runs of consecutive maps of one Zarr (n, y, x) stack in one call each (fewer round trips)."""
    got = {}
    run = []

    def flush():
        if len(run) > 1:
            try:
                A, B = _zarr_arrays(run[0].payload[0])
                i0, i1 = run[0].payload[1], run[-1].payload[1] + 1
                a, b = A[i0:i1], B[i0:i1]
            except Exception:  # noqa: BLE001 - fall back to item-wise reads, errors attributed per item
                a = b = None
            if a is not None:
                for j, it in enumerate(run):
                    got[it.pos] = (a[j], b[j])
        run.clear()

    for it in items:
        if it.kind != "zarr-stack" or not isinstance(it.payload[0], str):
            flush()
            continue
        if run and (it.payload[0] != run[-1].payload[0] or it.payload[1] != run[-1].payload[1] + 1):
            flush()
        run.append(it)
    flush()
    return got


def _status(exc: BaseException) -> str:
    if isinstance(exc, (FormatError, OSError)):
        return "unreadable"
    if isinstance(exc, MixmapError):
        return "invalid"
    return "failed"


def _base_row(item, k, aid):
    return {"id": aid, "source": item.source, "group": item.group, "item": item.pos, "aggregate": k}


def _error_row(item, k, aid, exc, correlation):
    row = _base_row(item, k, aid)
    row.update({c: np.nan for c in _FLOATS})
    row.update({c: None for c in _INTS})
    if correlation:
        row.update({c: np.nan for c in _CORR_SCALARS})
    row.update(status=_status(exc), error=f"{type(exc).__name__}: {exc}")
    return row


def _analyse_one(a, b, cfg, ss, item, k, aid):

    r = intra_mixing(
        a,
        b,
        n_particles=cfg.n_particles,
        particles=cfg.particles,
        particle_area_px=cfg.particle_area_px,
        n_samples=cfg.n_samples,
        seed=ss,
    )
    d = r.to_dict()
    row = _base_row(item, k, aid)
    row.update({c: float(d[c]) for c in _FLOATS})
    row.update({c: int(d[c]) for c in _INTS})
    curve = None
    if cfg.correlation:
        corr_seed = np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (0,))
        scalars, curve = _correlate(a, b, cfg, corr_seed)
        row.update(scalars)
    row.update(status="ok", error="")
    return row, curve


def _correlate(a, b, cfg, seed):
    """R(h) of one aggregate (Eqs. 7-8) and its scale of segregation, via mixmap.correlation."""
    opts = dict(cfg.correlation)
    if "pixel_size" not in opts and cfg.particles is not None:
        opts["pixel_size"] = cfg.particles.pixel_size
    opts.setdefault("seed", seed)
    res = correlation(a, b, **opts)
    sc = scale_of_segregation(res)
    n = res.h.size
    scalars = {
        "h_max": float(res.h_max),
        "integral_scale_px": _float_or_nan(sc.integral_scale_px),
        "integral_scale_nm": _float_or_nan(sc.integral_scale_nm),
        "correlation_length_px": _float_or_nan(sc.correlation_length_px),
        "correlation_length_nm": _float_or_nan(sc.correlation_length_nm),
    }
    curve = {
        "h": res.h.astype(np.float64),
        "h_nm": np.full(n, np.nan) if res.h_nm is None else np.asarray(res.h_nm, dtype=np.float64),
        "C": res.C,
        "R": res.R,
        "n_pairs": res.n_pairs.astype(np.float64),
        "sum_products": np.asarray(res.sum_products, dtype=np.float64),
        "P": np.full(n, res.P),
        "s2_max": np.full(n, res.s2_max),
        "n_foreground": np.full(n, float(res.n_foreground)),
        "pixel_size": np.full(n, np.nan if res.pixel_size is None else float(res.pixel_size)),
        "method": [res.method] * n,
    }
    return scalars, curve


def _float_or_nan(v):
    return np.nan if v is None else float(v)


def _run_items(items, cfg: _Analysis, entropy, single_thread: bool, run: str = ""):
    """Analyse a few items in one task; never raises for a bad map (error rows instead).

    ``run`` identifies the analyze call (for the per-process Zarr cache).
    Returns ``[(pos, (rows, curves)), ...]``.
    """
    _zarr_cache_for(run)
    prev = None
    if single_thread:
        prev = numba.get_num_threads()
        numba.set_num_threads(1)
    try:
        loaded = _prefetch(items)
        return [(it.pos, _run_item_inner(it, cfg, entropy, loaded.pop(it.pos, None))) for it in items]
    finally:
        if prev is not None:
            numba.set_num_threads(prev)


def _run_item_inner(item, cfg, entropy, maps=None):
    corr = bool(cfg.correlation)
    rows, curves = [], []
    try:
        a, b = _load(item) if maps is None else maps
    except Exception as exc:  # noqa: BLE001 - a bad map is a row, not a crash
        return [_error_row(item, 0, item.id, exc, corr)], []
    if cfg.label is not None:
        try:
            pairs = list(label_aggregates(a, b, **cfg.label))
        except Exception as exc:  # noqa: BLE001
            return [_error_row(item, 0, item.id, exc, corr)], []
        if not pairs:
            return [
                _error_row(item, 0, item.id, DataError("label_aggregates found no aggregate in the image"), corr)
            ], []
        targets = [(k, f"{item.id}#{k}", p, (item.pos, k)) for k, p in enumerate(pairs)]
    else:
        targets = [(0, item.id, (a, b), (item.pos,))]
    for k, aid, (pa, pb), key in targets:
        ss = np.random.SeedSequence(entropy, spawn_key=key)
        try:
            row, curve = _analyse_one(pa, pb, cfg, ss, item, k, aid)
        except Exception as exc:  # noqa: BLE001
            rows.append(_error_row(item, k, aid, exc, corr))
            continue
        rows.append(row)
        if curve is not None:
            n = curve["h"].size
            curves.append(
                {
                    "id": [aid] * n,
                    "source": [item.source] * n,
                    "group": [item.group] * n,
                    "item": [item.pos] * n,
                    "aggregate": [k] * n,
                    **curve,
                }
            )
    return rows, curves
