"""Conversion of real vendor files (RosettaSciIO test data, not copied into the project).

The files live in ``shared/data/vendor/`` next to the checkout (``../shared/data/vendor`` from the
main checkout; found from any worktree by walking up the parents, or set ``MIXMAP_VENDOR_DATA``);
the tests skip when the folder is absent.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

import mixmap


def _vendor_dir():
    env = os.environ.get("MIXMAP_VENDOR_DATA")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / "vendor"
        if candidate.is_dir():
            return candidate
    return None


VENDOR = _vendor_dir()
pytestmark = pytest.mark.skipif(VENDOR is None, reason="vendor files (shared/data/vendor) not available")


@pytest.mark.parametrize("name", ["test_TEM.bcf", "30x30_instructively_packed_16bit_compressed.bcf"])
def test_convert_bruker_bcf_equals_rosettasciio(tmp_path, name):
    bruker = pytest.importorskip("rsciio.bruker")
    ref = next(d for d in bruker.file_reader(str(VENDOR / name), select_type="spectrum_image") if d["data"].ndim == 3)
    si = mixmap.convert(VENDOR / name, tmp_path / "c.zarr", chunks=(16, 16))
    np.testing.assert_array_equal(si.data.compute(), ref["data"])
    eax = ref["axes"][2]
    assert si.energy_scale == pytest.approx(eax["scale"]) and si.source == name
    maps = mixmap.element_maps(si, ["Fe_Ka"] if si.energy[-1] > 7 else ["Si_Ka"])
    assert next(iter(maps.values())).shape == si.data.shape[:2]


def test_convert_velox_emd(tmp_path):
    pytest.importorskip("rsciio.emd")
    pytest.importorskip("sparse")  # RosettaSciIO needs it for Velox EDS data
    with zipfile.ZipFile(VENDOR / "velox_emd_version11.zip") as z:
        z.extractall(tmp_path)
    si = mixmap.convert(tmp_path / "Test SI 16x16 215 kx.emd", tmp_path / "v.zarr")
    assert si.data.shape[:2] == (16, 16) and si.data.shape[2] == 4096
    assert si.data.sum().compute() > 0
    with pytest.raises(mixmap.FormatError):  # the pruned file holds no spectrum image
        mixmap.convert(tmp_path / "Test SI 16x16 ReducedData 215 kx.emd", tmp_path / "r.zarr")
