"""Conversion of vendor spectrum images (RosettaSciIO, .h5oina) and the CLI convert/maps."""

from __future__ import annotations

import numpy as np
import pytest

import mixmap
from mixmap.errors import FormatError, InputError

OFFSET, SCALE, NE = -0.1, 0.01, 1100  # 0-11 keV, the calibration of the cube of conftest.py


# ------------------------------------------------------------------------------------ convert
def _rsciio_signal(cube):
    axes = [
        {"name": "y", "size": cube.shape[0], "offset": 0.0, "scale": 2.5, "units": "nm", "navigate": True},
        {"name": "x", "size": cube.shape[1], "offset": 0.0, "scale": 2.5, "units": "nm", "navigate": True},
        {"name": "Energy", "size": cube.shape[2], "offset": -100.0, "scale": 20.0, "units": "eV", "navigate": False},
    ]
    meta = {
        "General": {"title": "t"},
        "Signal": {"signal_type": "EDS_TEM"},
        "Acquisition_instrument": {
            "TEM": {"beam_energy": 200.0, "Detector": {"EDS": {"energy_resolution_MnKa": 128.0}}}
        },
        "Sample": {"elements": ["Cu", "Zn"]},
    }
    return {
        "data": cube,
        "axes": axes,
        "metadata": meta,
        "original_metadata": {},
        "tmp_parameters": {},
        "attributes": {"_lazy": False},
        "package_info": {"name": "mixmap", "version": mixmap.__version__},
        "learning_results": {},
        "models": {},
    }


@pytest.mark.parametrize("plugin, ext", [("ripple", "rpl"), ("hspy", "hspy"), ("emd", "emd")])
def test_convert_roundtrip_rosettasciio(tmp_path, rng, plugin, ext):
    module = pytest.importorskip(f"rsciio.{plugin}")
    cube = rng.poisson(3.0, (9, 11, 200)).astype(np.uint16)
    src = tmp_path / f"c.{ext}"
    module.file_writer(str(src), _rsciio_signal(cube))
    si = mixmap.convert(src, tmp_path / "c.zarr", chunks=(4, 4))
    np.testing.assert_array_equal(si.data.compute(), cube)
    assert si.energy_offset == pytest.approx(-0.1) and si.energy_scale == pytest.approx(0.02)
    assert si.pixel_size == pytest.approx(2.5) and si.source == src.name
    if ext != "emd":  # the NCEM .emd writer keeps no HyperSpy metadata
        assert si.beam_energy_keV == 200.0 and si.fwhm_mnka == 128.0
    if ext == "hspy":
        assert si.elements == ("Cu", "Zn")
    if ext == "rpl":  # the .raw file (with its .rpl next to it) works too
        si2 = mixmap.convert(src.with_suffix(".raw"), tmp_path / "raw.zarr")
        np.testing.assert_array_equal(si2.data.compute(), cube)


def _write_h5oina(path, cube, *, spectrum=True):
    import h5py

    ny, nx, nc = cube.shape
    with h5py.File(path, "w") as f:
        f["Format Version"] = np.array([b"7.0"])
        f["Index"] = np.array([b"1"])
        hdr = f.create_group("1/EDS/Header")
        for key, val in {"X Cells": nx, "Y Cells": ny}.items():
            hdr[key] = np.array([val], np.int32)
        for key, val in {
            "X Step": 0.004,
            "Y Step": 0.004,
            "Channel Width": 10.0,
            "Start Channel": -200.0,
            "Beam Voltage": 15.0,
        }.items():
            hdr[key] = np.array([val], np.float32)
        data = f.create_group("1/EDS/Data")
        if spectrum:
            data.create_dataset(
                "Spectrum", data=cube.reshape(ny * nx, nc).astype(np.int32), chunks=(nx, nc), compression="lzf"
            )
        wi = data.create_group("Window Integral")
        for name, z in (("Cu Ka1", 29), ("Zn Ka1", 30)):
            wi.create_dataset(name, data=np.zeros(ny * nx, np.float32)).attrs["Atomic Number"] = z


def test_convert_h5oina(tmp_path, rng):
    cube = rng.poisson(2.0, (13, 9, 300)).astype(np.int32)
    _write_h5oina(tmp_path / "m.h5oina", cube)
    si = mixmap.convert(tmp_path / "m.h5oina", tmp_path / "m.zarr", chunks=(5, 5))
    np.testing.assert_array_equal(si.data.compute(), cube)
    assert si.energy_offset == pytest.approx(-0.2) and si.energy_scale == pytest.approx(0.01)
    assert si.pixel_size == pytest.approx(4.0) and si.beam_energy_keV == 15.0
    assert si.elements == ("Cu", "Zn")
    _write_h5oina(tmp_path / "nospec.h5oina", cube, spectrum=False)
    with pytest.raises(FormatError, match="Spectrum"):
        mixmap.convert(tmp_path / "nospec.h5oina", tmp_path / "n.zarr")
    assert not (tmp_path / "n.zarr").exists()


def test_convert_bad_inputs(tmp_path, store):
    with pytest.raises(FormatError, match="no such file"):
        mixmap.convert(tmp_path / "none.bcf", tmp_path / "x.zarr")
    (tmp_path / "a.xyz").write_text("hello")
    with pytest.raises(FormatError, match="unknown file type"):
        mixmap.convert(tmp_path / "a.xyz", tmp_path / "x.zarr")
    (tmp_path / "lonely.raw").write_bytes(b"\0" * 10)
    with pytest.raises(FormatError, match=".rpl header"):
        mixmap.convert(tmp_path / "lonely.raw", tmp_path / "x.zarr")
    (tmp_path / "bad.h5oina").write_text("not hdf5")
    with pytest.raises(FormatError, match="HDF5"):
        mixmap.convert(tmp_path / "bad.h5oina", tmp_path / "x.zarr")
    (tmp_path / "bad.bcf").write_bytes(b"\0" * 100)
    with pytest.raises(FormatError, match="RosettaSciIO"):
        mixmap.convert(tmp_path / "bad.bcf", tmp_path / "x.zarr")
    with pytest.raises(InputError, match="already exists.*--overwrite"):
        mixmap.convert(tmp_path / "bad.bcf", store.path)


# ------------------------------------------------------------------------------------ CLI + plot
def test_cli_maps_and_convert(tmp_path, store, rng, capsys):
    from mixmap.cli import main

    out = tmp_path / "maps"
    rc = main(["maps", store.path, "--lines", "Cu_Ka", "Zn_Ka", "--background", "windows", "--out", str(out)])
    assert rc == 0
    for name in ("Cu_Ka.npy", "Cu_Ka.tif", "Cu_Ka.png", "Zn_Ka.npy", "windows.csv", "preview.png"):
        assert (out / name).is_file(), name
    ref = mixmap.element_maps(store, ["Cu_Ka", "Zn_Ka"], background="windows")["Cu_Ka"]
    np.testing.assert_array_equal(np.load(out / "Cu_Ka.npy"), ref)
    import tifffile

    np.testing.assert_allclose(tifffile.imread(out / "Cu_Ka.tif"), ref.astype(np.float32))
    # second run refuses to overwrite; bad line -> exit 2 with one line
    assert main(["maps", store.path, "--lines", "Cu_Ka", "--out", str(out)]) == 2
    assert main(["maps", store.path, "--lines", "Qq_Ka", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "Qq_Ka" in err
    assert main(["maps", store.path, "--lines", "Cu_Ka", "--zarr", "--out", str(tmp_path / "z")]) == 0
    assert (tmp_path / "z" / "maps.zarr").is_dir()

    pytest.importorskip("rsciio.ripple")
    import rsciio.ripple

    cube = rng.poisson(3.0, (6, 7, 120)).astype(np.uint16)
    rsciio.ripple.file_writer(str(tmp_path / "s.rpl"), _rsciio_signal(cube))
    assert main(["convert", str(tmp_path / "s.rpl"), str(tmp_path / "s.zarr")]) == 0
    assert "6 x 7 pixels x 120 channels" in capsys.readouterr().out
    assert main(["convert", str(tmp_path / "s.rpl"), str(tmp_path / "s.zarr")]) == 2
