"""Result files of :func:`mixmap.analyze`: incremental, resumable tables and :func:`read_results`.

CSV rows are appended whole (a partial last line left by a killed run is dropped); Parquet rows go
to part files consolidated at the end. The R(h) curves go to ``<stem>.correlation.<ext>``.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import FormatError, InputError
from .tasks import _CORR_COLUMNS, _CORR_SCALARS, _FLOATS, _INTS, _STRS, COLUMNS, _Analysis


def _normalize(df: pd.DataFrame, correlation: bool = False) -> pd.DataFrame:
    cols = COLUMNS + (_CORR_SCALARS if correlation else [])
    for c in cols:
        if c not in df.columns:
            df[c] = np.nan
    df = df[cols].copy()
    for c in _STRS:
        df[c] = df[c].where(df[c].notna(), "").astype(str)
    for c in ("item", "aggregate"):
        df[c] = df[c].astype(np.int64)
    for c in _INTS:
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    for c in _FLOATS + (_CORR_SCALARS if correlation else []):
        df[c] = pd.to_numeric(df[c]).astype(np.float64)
    return df


def _normalize_curves(df: pd.DataFrame) -> pd.DataFrame:
    df = df[_CORR_COLUMNS].copy()
    for c in ("id", "source", "group", "method"):
        df[c] = df[c].astype(str)
    for c in ("item", "aggregate"):
        df[c] = df[c].astype(np.int64)
    for c in ("h", "h_nm", "C", "R", "n_pairs", "sum_products", "P", "s2_max", "n_foreground", "pixel_size"):
        df[c] = df[c].astype(np.float64)
    return df


class _Table:
    """One result table (``.parquet`` or ``.csv``) written incrementally and read back for resume."""

    def __init__(self, path: Path, sidecar: Path, tag: str):
        self.path = path
        self.csv = path.suffix.lower() == ".csv"
        self.parts = sidecar / f"{tag}-parts"

    def read(self) -> pd.DataFrame | None:
        frames = []
        if self.csv:
            if self.path.exists():
                _truncate_partial_line(self.path)
                if self.path.stat().st_size:
                    frames.append(
                        pd.read_csv(self.path, keep_default_na=False, na_values=[""], dtype={c: str for c in _STRS})
                    )
        else:
            if self.path.exists():
                frames.append(pd.read_parquet(self.path))
            if self.parts.exists():
                frames += [pd.read_parquet(p) for p in sorted(self.parts.glob("part-*.parquet"))]
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else None

    def append(self, df: pd.DataFrame) -> None:
        if not len(df):
            return
        if self.csv:
            header = not self.path.exists() or self.path.stat().st_size == 0
            with open(self.path, "a", newline="") as fh:
                df.to_csv(fh, header=header, index=False)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            self.parts.mkdir(parents=True, exist_ok=True)
            name = f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet"
            tmp = self.parts / (".tmp-" + name)
            df.to_parquet(tmp, index=False)
            os.replace(tmp, self.parts / name)

    def rewrite(self, df: pd.DataFrame) -> None:
        """Replace the table by ``df`` atomically and drop the part files."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        if self.csv:
            df.to_csv(tmp, index=False)
        else:
            df.to_parquet(tmp, index=False)
        os.replace(tmp, self.path)
        if not self.csv and self.parts.exists():
            for p in self.parts.glob("part-*.parquet"):
                p.unlink()
            try:
                self.parts.rmdir()
            except OSError:
                pass


def _truncate_partial_line(path: Path) -> None:
    """Drop an unfinished last line left by a killed run (CSV rows are written whole otherwise)."""
    with open(path, "rb+") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        if size == 0:
            return
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return
        block = min(size, 1 << 20)
        fh.seek(size - block)
        data = fh.read(block)
        cut = data.rfind(b"\n")
        fh.truncate(size - block + cut + 1 if cut >= 0 else 0)


def _dedup(df: pd.DataFrame) -> pd.DataFrame:
    """Keep the latest rows per (source, aggregate); drop 'failed' rows superseded by a retry."""
    ok_sources = set(df.loc[df["status"] != "failed", "source"])
    stale = (df["status"] == "failed") & df["source"].isin(ok_sources)
    df = df[~stale]
    return df.drop_duplicates(subset=["source", "aggregate"], keep="last")


def _correlation_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.correlation{out.suffix}")


def read_results(out, *, correlation: bool = False) -> pd.DataFrame:
    """Read a table written by :func:`analyze` (also the part files of an unfinished run).

    Parameters
    ----------
    out : str or Path
        The ``out=`` path of the run (``.parquet`` or ``.csv``).
    correlation : bool
        Read the per-aggregate R(h) curves (``<stem>.correlation.<ext>``) instead of the table.

    Returns
    -------
    pandas.DataFrame
        One row per aggregate (duplicates of retried items removed), sorted by source and aggregate.
    """
    out = Path(out)
    _check_out(out)
    sidecar = out.with_name(out.name + ".mixmap")
    if correlation:
        t = _Table(_correlation_path(out), sidecar, "correlation")
        df = t.read()
        if df is None:
            raise FormatError(f"no correlation curves found next to {out}; run analyze(..., correlation={{...}})")
        return _normalize_curves(df).drop_duplicates(["source", "aggregate", "h"], keep="last").reset_index(drop=True)
    df = _Table(out, sidecar, "rows").read()
    if df is None:
        raise FormatError(f"no results found in {out} (nor unfinished parts in {sidecar})")
    corr = "integral_scale_px" in df.columns
    df = _dedup(_normalize(df, corr))
    return df.sort_values(["source", "aggregate"], kind="stable").reset_index(drop=True)


def _check_out(out: Path):
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise InputError(f"out must end in .parquet or .csv, got {str(out)!r}")


def _params_json(cfg: _Analysis, entropy) -> dict:
    """The parameters recorded in ``run.json`` (a resumed run must match them)."""

    def enc(v):
        if is_dataclass(v):
            return {"type": type(v).__name__, **asdict(v)}
        if isinstance(v, (np.integer, np.floating)):
            return v.item()
        return v

    d = {f.name: enc(getattr(cfg, f.name)) for f in fields(cfg)}
    d["seed_entropy"] = str(entropy)
    return json.loads(json.dumps(d, default=repr, sort_keys=True))


@dataclass
class _Resume:
    """The result files of one run and what they already hold."""

    seed: np.random.SeedSequence
    rows: _Table | None = None
    curves: _Table | None = None
    done: dict = field(default_factory=dict)  # source -> its stored rows (not "failed")


def _open_run(out: Path | None, cfg: _Analysis, ss, reuse_entropy: bool) -> _Resume:
    """Check ``out`` against ``run.json`` (or create it) and read the rows already stored.

    With ``reuse_entropy`` (``seed=None``) the entropy of the first run is taken from ``run.json``.
    """
    if out is None:
        return _Resume(ss)
    want_corr = cfg.correlation is not None
    sidecar = out.with_name(out.name + ".mixmap")
    meta_path = sidecar / "run.json"
    if reuse_entropy and meta_path.exists():
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
    res = _Resume(
        ss,
        rows=_Table(out, sidecar, "rows"),
        curves=_Table(_correlation_path(out), sidecar, "correlation") if want_corr else None,
    )
    old_rows = res.rows.read()
    if old_rows is not None:
        old_rows = _dedup(_normalize(old_rows, want_corr))
        for src, g in old_rows.groupby("source", sort=False):
            if (g["status"] != "failed").any():
                res.done[src] = g
    return res


def _consolidate(res: _Resume, correlation: bool) -> None:
    """Rewrite the files as one table each: no duplicates, rows of other items kept."""
    if res.rows is None:
        return
    everything = res.rows.read()
    res.rows.rewrite(_dedup(_normalize(everything, correlation)).sort_values(["source", "aggregate"], kind="stable"))
    if res.curves is not None:
        allc = res.curves.read()
        if allc is not None:
            allc = _normalize_curves(allc).drop_duplicates(["source", "aggregate", "h"], keep="last")
            res.curves.rewrite(allc.sort_values(["source", "aggregate", "h"], kind="stable"))
