"""The shape of the code base: small modules, no import cycle, no private name across packages.

These are the architecture rules of CONTRIBUTING.md, checked on the source tree (AST only, nothing is
executed except the last tests, which import the public API).
"""

import ast
import dataclasses
import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "mixmap"
KERNELS = ROOT / "kernels"
MAX_LINES = 500
# shared modules every package may import (their names carry no underscore meaning "internal to one package")
SHARED = {
    "mixmap._validate",
    "mixmap._results",
    "mixmap._units",
    "mixmap._progress",
    "mixmap._random",
    "mixmap._bootstrap",
    "mixmap._deprecate",
}


def _modules():
    out = {}
    for base, prefix in ((SRC, "mixmap"), (KERNELS, "mixmap.kernels")):
        for p in sorted(base.rglob("*.py")):
            rel = p.relative_to(base).with_suffix("")
            parts = [x for x in rel.parts if x != "__init__"]
            out[".".join([prefix, *parts])] = p
    return out


MODULES = _modules()


def _package_of(mod: str) -> str:
    p = MODULES[mod]
    return mod if p.name == "__init__.py" else mod.rsplit(".", 1)[0]


def _resolve(mod: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(mod).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(mod: str):
    """(target module, imported name or None, line) for every import inside the mixmap tree."""
    tree = ast.parse(MODULES[mod].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(mod, node)
            if not target.startswith("mixmap"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:
                    yield sub, None, node.lineno
                elif target in MODULES:
                    yield target, alias.name, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name, None, node.lineno


@pytest.mark.parametrize("mod", sorted(MODULES))
def test_module_size(mod):
    n = len(MODULES[mod].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{MODULES[mod].relative_to(ROOT)} has {n} lines (limit {MAX_LINES}): split it by concern"


def test_no_import_cycle():
    graph = {m: {t for t, _, _ in _imports(m) if t != m and not MODULES[t].name == "__init__.py"} for m in MODULES}
    seen, stack, cycles = set(), [], []

    def visit(m):
        if m in stack:
            cycles.append(stack[stack.index(m) :] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        stack.append(m)
        for t in sorted(graph[m]):
            visit(t)
        stack.pop()

    for m in sorted(graph):
        visit(m)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_kernels_never_import_the_api():
    bad = [
        f"{m}:{line} imports {t}"
        for m in MODULES
        if m.startswith("mixmap.kernels")
        for t, _, line in _imports(m)
        if not t.startswith("mixmap.kernels")
    ]
    assert not bad, bad


def _top_package(mod: str) -> str:
    parts = _package_of(mod).split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def test_no_private_name_across_packages():
    bad = []
    for m in MODULES:
        for t, name, line in _imports(m):
            if t in SHARED or _top_package(t) == _top_package(m):
                continue
            private_module = any(part.startswith("_") and part != "__init__" for part in t.split(".")[1:])
            if (name and name.startswith("_") and not name.startswith("__")) or (
                private_module and _top_package(t) != "mixmap"
            ):
                bad.append(f"{MODULES[m].relative_to(ROOT)}:{line} imports {t}{'.' + name if name else ''}")
            elif private_module and t not in SHARED and _top_package(t) == "mixmap" and t.count(".") == 1:
                bad.append(f"{MODULES[m].relative_to(ROOT)}:{line} imports the private module {t}")
    assert not bad, "\n".join(bad)


def _public_namespaces():
    import mixmap

    spaces = [mixmap]
    for name in ("diffusion", "synthetic", "plot"):
        spaces.append(importlib.import_module(f"mixmap.{name}"))
    return spaces


def test_every_public_name_resolves():
    for space in _public_namespaces():
        for name in space.__all__:
            assert getattr(space, name) is not None, f"{space.__name__}.{name}"


_SCALAR_TYPES = {"float", "int", "str", "bool", "float | None", "int | None", "str | None"}


def test_public_result_classes_use_the_base():
    from mixmap._results import Result

    offenders = []
    for space in _public_namespaces():
        for name in space.__all__:
            obj = getattr(space, name)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj):
                identity = obj.__eq__ is object.__eq__
                # value equality is allowed for small frozen records of scalars (Particles, PixelClasses)
                scalars = obj.__hash__ is not None and all(
                    str(f.type) in _SCALAR_TYPES for f in dataclasses.fields(obj)
                )
                if not issubclass(obj, Result) or not (identity or scalars):
                    offenders.append(f"{space.__name__}.{name}")
    assert not offenders, f"result classes without the Result base (eq=False, short repr): {offenders}"


def test_one_version():
    import mixmap

    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", cff, re.M).group(1) == mixmap.__version__
    assert (
        "version"
        not in re.search(r"\[project\](.*?)\n\[", (ROOT / "pyproject.toml").read_text(), re.S)
        .group(1)
        .split("dynamic")[0]
    )


def test_import_is_light():
    code = (
        "import sys, mixmap; print(sorted(m for m in ('numba', 'dask', 'scipy', 'pandas', 'zarr') if m in sys.modules))"
    )
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"import mixmap loads heavy modules: {out}"
