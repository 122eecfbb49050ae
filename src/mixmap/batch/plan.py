"""Items -> task descriptions for :func:`mixmap.analyze`: pairs, glob patterns, composites, Zarr groups, groups.

See the package docstring of :mod:`mixmap.batch` for the input rules (``{stem}``, Zarr layouts).
No map is read here; a task description (:class:`_Item`) is small and picklable.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import zarr

from ..errors import FormatError, InputError


@dataclass(frozen=True)
class _Item:
    pos: int
    id: str
    source: str
    group: str | None
    kind: str  # "arrays" | "paths" | "composite" | "zarr-stack" | "zarr-groups"
    payload: tuple


def _is_pathlike(x) -> bool:
    return isinstance(x, (str, os.PathLike))


def _has_magic(s: str) -> bool:
    return glob.has_magic(s)


def _stem_of(name: str, name_pattern: str) -> str:
    """Text of ``name`` matched by the wildcards of ``name_pattern`` (see module docstring)."""
    idx = [i for i, ch in enumerate(name_pattern) if ch in "*?["]
    first = idx[0]
    last_close = len(name_pattern)
    # the literal tail starts after the last wildcard (after its closing bracket for [...])
    j = max(idx)
    if name_pattern[j] == "[":
        close = name_pattern.find("]", j + 1)
        last_close = close + 1 if close >= 0 else len(name_pattern)
    else:
        last_close = j + 1
    head, tail = name_pattern[:first], name_pattern[last_close:]
    end = len(name) - len(tail) if tail else len(name)
    return name[len(head) : end]


def _expand(pattern: str) -> list[str]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        raise InputError(f"the glob pattern {pattern!r} matches no file; check the folder and the pattern")
    return matches


def _pattern_items(patterns, pair):
    out = []
    for pattern in patterns:
        pattern = os.fspath(pattern)
        name_pattern = os.path.basename(pattern)
        if not _has_magic(name_pattern):
            raise InputError(
                f"pair= needs glob patterns with a wildcard in the file name (e.g. 'maps/*_C.png'), "
                f"got {pattern!r}; pass a list of (path_a, path_b) pairs for explicit files"
            )
        for m in _expand(pattern):
            stem = _stem_of(os.path.basename(m), name_pattern)
            try:
                b_name = pair.format(stem=stem)
            except (KeyError, IndexError, ValueError) as exc:
                raise InputError(
                    f"pair={pair!r} must be a template using only {{stem}}, e.g. '{{stem}}_Si.png' ({exc})"
                ) from None
            b = b_name if os.path.isabs(b_name) else os.path.join(os.path.dirname(m), b_name)
            out.append((stem, m, ("paths", (m, b))))
    return out


def _composite_items(paths, channels):
    if not isinstance(channels, Mapping) or len(channels) != 2:
        raise InputError(
            f"channels must be a dict of exactly two element names to colours, A first, e.g. "
            f"{{'C': 'green', 'Si': 'red'}}; got {channels!r}"
        )
    out = []
    for p in paths:
        p = os.fspath(p)
        for m in _expand(p) if _has_magic(p) else [p]:
            out.append((Path(m).stem, m, ("composite", (m, dict(channels)))))
    return out


def _zarr_items(store):

    if isinstance(store, zarr.Group):
        grp = store
        root = getattr(store.store, "root", None)
        ref = os.path.join(os.fspath(root), store.path) if root is not None else store
        name = os.fspath(root) if root is not None else "zarr"
    else:
        try:
            grp = zarr.open_group(os.fspath(store), mode="r")
        except Exception as exc:  # noqa: BLE001 - any failure to open is a format problem
            raise FormatError(f"cannot open Zarr group {os.fspath(store)!r}: {exc}") from exc
        ref = name = os.fspath(store)
    arrays = set(grp.array_keys())
    out = []
    if {"a", "b"} <= arrays:
        a, b = grp["a"], grp["b"]
        if a.ndim != 3 or a.shape != b.shape:
            raise FormatError(
                f"Zarr group {name!r}: arrays 'a' and 'b' must both have shape (n, y, x), got {a.shape} and {b.shape}"
            )
        n = a.shape[0]
        ids = grp.attrs.get("ids") or [str(i) for i in range(n)]
        groups = grp.attrs.get("groups")
        if len(ids) != n or (groups is not None and len(groups) != n):
            raise FormatError(f"Zarr group {name!r}: attributes 'ids'/'groups' must list {n} entries")
        for i in range(n):
            g = None if groups is None else str(groups[i])
            out.append((str(ids[i]), f"{name}::a[{i}]", ("zarr-stack", (ref, i)), g))
        return out
    keys = sorted(grp.group_keys())
    for k in keys:
        sub = grp[k]
        if not {"a", "b"} <= set(sub.array_keys()):
            raise FormatError(f"Zarr group {name!r}: subgroup {k!r} must hold arrays 'a' and 'b'")
        g = sub.attrs.get("group")
        out.append((k, f"{name}::{k}", ("zarr-groups", (ref, k)), None if g is None else str(g)))
    if not out:
        raise FormatError(
            f"Zarr group {name!r} holds no maps: expected arrays 'a', 'b' of shape (n, y, x) or "
            f"subgroups '<id>/a', '<id>/b'"
        )
    return out


def looks_like_zarr(x) -> bool:
    """Whether ``x`` is a Zarr group: a ``zarr.Group``, a ``*.zarr`` path or a directory with ``zarr.json``."""
    if isinstance(x, zarr.Group):
        return True
    if _is_pathlike(x):
        p = Path(os.fspath(x))
        return p.suffix == ".zarr" or (p.is_dir() and (p / "zarr.json").exists())
    return False


def _plan(items, pair=None, channels=None, groups=None) -> list[_Item]:
    """Turn ``items`` into task descriptions (no map is read here)."""
    entries = []  # (id, source, (kind, payload), zarr_group)
    if isinstance(items, (str, os.PathLike)) or looks_like_zarr(items):
        if looks_like_zarr(items):
            if pair is not None or channels is not None:
                raise InputError("pair= and channels= do not apply to a Zarr group of maps")
            entries = _zarr_items(items)
        elif pair is not None:
            entries = [(*e, None) for e in _pattern_items([items], pair)]
        elif channels is not None:
            entries = [(*e, None) for e in _composite_items([items], channels)]
        else:
            raise InputError(
                f"items={os.fspath(items)!r} is a single path: give pair='{{stem}}_B.png' (glob of A "
                f"maps), channels={{...}} (RGB composites), or a Zarr group of maps"
            )
    elif isinstance(items, Mapping):
        for k, v in items.items():
            entries.append((str(k), f"items[{k!r}]", _pair_entry(v, f"items[{k!r}]"), None))
    else:
        try:
            seq = list(items)
        except TypeError:
            raise InputError(
                f"items must be a list of (a, b) pairs, a glob pattern, a list of composites or a Zarr "
                f"group, got {type(items).__name__}"
            ) from None
        if not seq:
            raise InputError("items is empty: nothing to analyse")
        if all(_is_pathlike(x) for x in seq):
            if pair is not None:
                entries = [(*e, None) for e in _pattern_items(seq, pair)]
            elif channels is not None:
                entries = [(*e, None) for e in _composite_items(seq, channels)]
            else:
                raise InputError(
                    "items is a list of single paths: give channels= (RGB composites) or pair= "
                    "(glob patterns of A maps), or pass (path_a, path_b) pairs"
                )
        else:
            if pair is not None or channels is not None:
                raise InputError("pair= and channels= apply only to paths/patterns, not to (a, b) pairs")
            for i, v in enumerate(seq):
                kind = _pair_entry(v, f"items[{i}]")
                if kind[0] == "paths":
                    a = os.fspath(v[0])
                    entries.append((Path(a).stem, a, kind, None))
                else:
                    entries.append((str(i), f"items[{i}]", kind, None))
    if not entries:
        raise InputError("items holds no map to analyse")
    sources = [e[1] for e in entries]
    if len(set(sources)) != len(sources):
        dup = sorted({s for s in sources if sources.count(s) > 1})[:3]
        raise InputError(f"items lists the same map more than once: {dup}")
    ids = [e[0] for e in entries]
    if len(set(ids)) != len(ids):  # ids must identify rows: fall back to sources where ambiguous
        ids = [s if ids.count(i) > 1 else i for i, s in zip(ids, sources, strict=True)]
    labels = _groups(groups, ids, sources, [e[3] for e in entries])
    return [
        _Item(pos, i, s, g, e[2][0], e[2][1])
        for pos, (i, s, g, e) in enumerate(zip(ids, sources, labels, entries, strict=True))
    ]


def _pair_entry(v, where):
    if isinstance(v, (str, bytes)) or not hasattr(v, "__len__") or len(v) != 2:
        raise InputError(f"{where} must be a pair (a, b) of arrays or of paths, got {type(v).__name__}")
    a, b = v
    if _is_pathlike(a) and _is_pathlike(b):
        return ("paths", (os.fspath(a), os.fspath(b)))
    if _is_pathlike(a) or _is_pathlike(b):
        raise InputError(f"{where} mixes a path and an array; give two paths or two arrays")
    return ("arrays", (a, b))


def _groups(groups, ids, sources, default):
    n = len(ids)
    if groups is None:
        return [g if g is not None else "all" for g in default]
    if isinstance(groups, str):
        try:
            rx = re.compile(groups)
        except re.error as exc:
            raise InputError(f"groups={groups!r} is not a valid regular expression: {exc}") from None
        out, missing = [], []
        for s in sources:
            m = rx.search(s)
            if m is None:
                missing.append(s)
                out.append(None)
            else:
                out.append(m.group(1) if rx.groups else m.group(0))
        if missing:
            raise InputError(
                f"groups={groups!r} matches no part of {len(missing)} source(s), e.g. {missing[:3]}; "
                f"the regex is searched in each source (path of the A map, composite path, Zarr key)"
            )
        return [str(g) for g in out]
    if callable(groups):
        return [str(groups(s)) for s in sources]
    if isinstance(groups, Mapping):
        missing = [i for i in ids if i not in groups]
        if missing:
            raise InputError(f"groups has no label for id(s) {missing[:5]}")
        return [str(groups[i]) for i in ids]
    groups = list(groups)
    if len(groups) != n:
        raise InputError(f"groups lists {len(groups)} labels for {n} items; give one per item")
    return [str(g) for g in groups]
