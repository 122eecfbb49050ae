#!/usr/bin/env bash
# Install the lowest versions of the dependencies that pyproject.toml declares (">=X" floors) in a
# fresh venv and run the test suite against them. Usage: bash tools/min_versions.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
# shellcheck disable=SC1091
source "$venv/bin/activate"
python -m pip install --quiet --upgrade pip
floors="$(python - <<'PY'
import re, tomllib
cfg = tomllib.load(open("pyproject.toml", "rb"))["project"]
deps = list(cfg["dependencies"])
for extra in ("plot", "io", "distributed"):
    deps += cfg["optional-dependencies"][extra]
pins = []
for d in deps:
    m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][^,;\s]*)", d)
    if m:
        pins.append(f"{m.group(1)}=={m.group(2)}")
print(" ".join(pins))
PY
)"
echo "== floors: $floors"
# shellcheck disable=SC2086
python -m pip install --quiet $floors "pytest>=7.4" "pytest-benchmark>=4.0" "pytest-timeout>=2.2" "hypothesis>=6.80"
python -m pip install --quiet --no-deps -e .
python -m pip list 2>/dev/null | grep -Ei "^(numpy|numba|scipy|scikit-image|zarr|dask|pandas|pyarrow|tqdm|lazy.loader|matplotlib) "
python -m pytest -q -p no:cacheprovider "$@"
