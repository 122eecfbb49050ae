"""Spectrum-image store (issue 6): the Zarr v3 format, writing, opening, schema checks."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import mixmap
from mixmap.errors import DataError, FormatError, InputError

OFFSET, SCALE, NE = -0.1, 0.01, 1100  # 0-11 keV, the calibration of the cube of conftest.py


# ------------------------------------------------------------------------------------ format
def test_write_open_roundtrip(store, cube):
    si = mixmap.open_spectrum_image(store.path)
    np.testing.assert_array_equal(si.data.compute(), cube)
    assert si.data.chunks[2] == (NE,)
    assert si.data.chunksize[:2] == (8, 8)
    np.testing.assert_allclose(si.energy, OFFSET + SCALE * np.arange(NE))
    d = si.to_dict()
    assert d["beam_energy_keV"] == 200 and d["pixel_size_nm"] == 2.0
    assert d["elements"] == ["Cu", "Zn"] and d["fwhm_mnka_eV"] == 130.0
    with open(os.path.join(store.path, "zarr.json")) as fh:
        meta = json.load(fh)
    assert meta["attributes"]["mixmap"]["complete"] is True


def test_write_from_dask_equals_numpy(tmp_path, cube):
    import dask.array as da

    a = mixmap.write_spectrum_image(tmp_path / "np.zarr", cube, energy_offset=OFFSET, energy_scale=SCALE, chunks=(8, 8))
    lazy = da.from_array(cube, chunks=(5, 7, 300))
    b = mixmap.write_spectrum_image(tmp_path / "da.zarr", lazy, energy_offset=OFFSET, energy_scale=SCALE, chunks=(8, 8))
    np.testing.assert_array_equal(a.data.compute(), b.data.compute())
    assert a.data.chunks == b.data.chunks
    assert a.to_dict() | {"path": None} == b.to_dict() | {"path": None}


def test_default_chunks_hold_whole_spectra(tmp_path):
    data = np.zeros((300, 10, 2048), np.uint16)
    si = mixmap.write_spectrum_image(tmp_path / "c.zarr", data, energy_offset=0, energy_scale=0.01)
    cy, cx, ce = si.data.chunksize
    assert ce == 2048 and cx == 10 and cy * cx * ce * 2 <= 16 * 2**20


def test_write_bad_inputs(tmp_path, cube):
    kw = dict(energy_offset=0.0, energy_scale=0.01)
    with pytest.raises(InputError, match="integer counts"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube.astype(float), **kw)
    with pytest.raises(InputError, match="3-D"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube[0], **kw)
    with pytest.raises(InputError, match="energy_scale"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, energy_offset=0, energy_scale=0)
    with pytest.raises(InputError, match="pixel_size"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, pixel_size=-1, **kw)
    with pytest.raises(InputError, match="chunks"):
        mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, chunks=(0, 4), **kw)
    for bad in (5, ["Cu", None], ["cu"], ["Cu", ""]):
        with pytest.raises(InputError, match="elements"):
            mixmap.write_spectrum_image(tmp_path / "f.zarr", cube, elements=bad, **kw)
    assert not (tmp_path / "f.zarr").exists()
    # existing store: refused, and nothing lost
    mixmap.write_spectrum_image(tmp_path / "keep.zarr", cube, **kw)
    with pytest.raises(InputError, match="overwrite"):
        mixmap.write_spectrum_image(tmp_path / "keep.zarr", cube[:2], **kw)
    np.testing.assert_array_equal(mixmap.open_spectrum_image(tmp_path / "keep.zarr").data, cube)


def test_negative_counts_leave_incomplete_store(tmp_path, cube):
    bad = cube.astype(np.int32)
    bad[3, 4, 5] = -1
    with pytest.raises(DataError, match=">= 0"):
        mixmap.write_spectrum_image(tmp_path / "n.zarr", bad, energy_offset=0, energy_scale=0.01)
    with pytest.raises(FormatError, match="truncated"):
        mixmap.open_spectrum_image(tmp_path / "n.zarr")


def test_open_foreign_and_truncated(tmp_path, store):
    import zarr

    with pytest.raises(FormatError, match="no such"):
        mixmap.open_spectrum_image(tmp_path / "missing.zarr")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FormatError, match="not a Zarr v3"):
        mixmap.open_spectrum_image(tmp_path / "empty")
    g = zarr.open_group(tmp_path / "foreign.zarr", mode="w", zarr_format=3)
    g.create_array("data", shape=(2, 2, 4), dtype="uint16")
    with pytest.raises(FormatError, match="not a mixmap spectrum image"):
        mixmap.open_spectrum_image(tmp_path / "foreign.zarr")
    zarr.open_group(tmp_path / "v2.zarr", mode="w", zarr_format=2)
    with pytest.raises(FormatError, match="Zarr v2"):
        mixmap.open_spectrum_image(tmp_path / "v2.zarr")
    # a chunk file deleted after writing
    chunk = next(p for p in (tmp_path / "cube.zarr" / "data" / "c").rglob("*") if p.is_file())
    chunk.unlink()
    with pytest.raises(FormatError, match="chunks of 'data' are missing"):
        mixmap.open_spectrum_image(store.path)


def test_corrupted_chunk_raises_format_error(tmp_path, store):
    si = mixmap.open_spectrum_image(store.path)
    chunk = next(p for p in (tmp_path / "cube.zarr" / "data" / "c").rglob("*") if p.is_file())
    chunk.write_bytes(b"not zstd" * 10)
    with pytest.raises(FormatError, match="corrupted"):
        mixmap.element_maps(si, ["Cu_Ka"])


# ------------------------------------------------------------------------------------ result, renames
def test_spectrum_image_compares_hashes_and_prints_one_line(store):
    si = mixmap.open_spectrum_image(store.path)
    assert si == si and si != store and hash(si) == hash(si)
    assert len({si, store}) == 2
    text = repr(si)
    assert len(text) <= 300 and "\n" not in text
    assert text.startswith("SpectrumImage(24x20x1100, uint16") and "beam_energy_keV=200" in text
    assert "<table>" in si._repr_html_()
    assert si.to_dict(arrays=True)["data"] is si.data


def test_beam_energy_argument_is_a_deprecated_alias(tmp_path, cube):
    with pytest.warns(DeprecationWarning, match="beam_energy_keV"):
        si = mixmap.write_spectrum_image(
            tmp_path / "old.zarr", cube, energy_offset=OFFSET, energy_scale=SCALE, beam_energy=15.0
        )
    assert si.beam_energy_keV == 15.0 and si.to_dict()["beam_energy_keV"] == 15.0
    with pytest.warns(DeprecationWarning, match="beam_energy_keV"):
        assert si.beam_energy == 15.0  # the old attribute name
    with pytest.raises(InputError, match="beam_energy"), pytest.warns(DeprecationWarning):
        mixmap.write_spectrum_image(
            tmp_path / "both.zarr", cube, energy_offset=OFFSET, energy_scale=SCALE, beam_energy=1, beam_energy_keV=2
        )


def test_store_of_the_old_beam_energy_key_is_read(tmp_path, store):
    import zarr

    group = zarr.open_group(store.path, mode="r+", zarr_format=3)
    meta = dict(group.attrs["mixmap"])
    assert meta["beam_energy_keV"] == 200  # new stores write the new key
    meta["beam_energy"] = meta.pop("beam_energy_keV")
    group.attrs["mixmap"] = meta
    assert mixmap.open_spectrum_image(store.path).beam_energy_keV == 200


def test_write_progress_bar(tmp_path, cube, capsys):
    si = mixmap.write_spectrum_image(
        tmp_path / "p.zarr", cube, energy_offset=OFFSET, energy_scale=SCALE, chunks=(8, 8), progress=True
    )
    assert "write" in capsys.readouterr().err
    np.testing.assert_array_equal(si.data.compute(), cube)
