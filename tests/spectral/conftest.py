"""Fixtures of the spectrum-image tests: a Poisson cube with Cu and Zn halves, and its store."""

from __future__ import annotations

import numpy as np
import pytest

import mixmap

OFFSET, SCALE, NE = -0.1, 0.01, 1100  # 0-11 keV


def _cube(rng, shape=(24, 20), ne=NE):
    """Poisson cube with a Cu disc (Cu Ka, Cu La) on the left and Zn (Zn Ka) on the right."""
    ny, nx = shape
    yy, xx = np.mgrid[:ny, :nx]
    cu = (xx < nx // 2).astype(float)
    zn = 1.0 - cu
    E = OFFSET + SCALE * np.arange(ne)

    def peak(e0, fwhm_ev):
        s = fwhm_ev / 1000 / 2.3548
        return np.exp(-0.5 * ((E - e0) / s) ** 2)

    lam = (
        0.5 + 15 * cu[..., None] * (peak(8.0478, 149) + 0.5 * peak(0.9295, 67)) + 15 * zn[..., None] * peak(8.6389, 154)
    )
    return rng.poisson(lam).astype(np.uint16)


@pytest.fixture
def cube(rng):
    return _cube(rng)


@pytest.fixture
def store(tmp_path, cube):
    return mixmap.write_spectrum_image(
        tmp_path / "cube.zarr",
        cube,
        energy_offset=OFFSET,
        energy_scale=SCALE,
        beam_energy_keV=200,
        pixel_size=2.0,
        elements=["Cu", "Zn"],
        chunks=(8, 8),
    )
