"""Every Python block of README.md runs, in order, in one namespace (as a reader would paste them)."""

import os
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)


def _section(block: str) -> str:
    text = README.read_text(encoding="utf-8")
    head = [m.group(1) for m in re.finditer(r"^## (.+)$", text[: text.index(block)], re.M)]
    return head[-1] if head else "top"


@pytest.fixture(scope="module")
def namespace(tmp_path_factory):
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("readme"))
    os.environ.setdefault("MPLBACKEND", "Agg")
    yield {"__name__": "readme"}
    os.chdir(cwd)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("i", range(len(BLOCKS)), ids=[f"{i}-{_section(b)[:30]}" for i, b in enumerate(BLOCKS)])
def test_readme_block(i, namespace):
    code = compile(BLOCKS[i], f"README.md python block {i} ({_section(BLOCKS[i])})", "exec")
    exec(code, namespace)  # noqa: S102 - the README is ours
