"""Synthetic spectrum images (mixmap.synthetic.spectrum_image): the renamed beam energy, seed default."""

from __future__ import annotations

import numpy as np
import pytest

from mixmap.synthetic import spectrum_image


def _maps():
    yy, xx = np.mgrid[:16, :16]
    a = (yy - 8) ** 2 + (xx - 8) ** 2 < 36
    return a, ~a


def test_beam_energy_is_a_deprecated_alias():
    kw = dict(elements=("C", "Si"), n_channels=256, energy_scale=0.01, chunks=(16, 16))
    new = spectrum_image(_maps(), beam_energy_keV=15.0, **kw).compute()
    with pytest.warns(DeprecationWarning, match="beam_energy_keV"):
        old = spectrum_image(_maps(), beam_energy=15.0, **kw).compute()
    np.testing.assert_array_equal(new, old)
    assert not np.array_equal(new, spectrum_image(_maps(), **kw).compute())  # default 200 keV differs


def test_seed_default_is_reproducible():
    kw = dict(elements=("C", "Si"), n_channels=128, energy_scale=0.02, chunks=(16, 16))
    first = spectrum_image(_maps(), **kw).compute()
    np.testing.assert_array_equal(first, spectrum_image(_maps(), **kw).compute())
    np.testing.assert_array_equal(first, spectrum_image(_maps(), seed=0, **kw).compute())
