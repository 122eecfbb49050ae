"""The shared number check (mixmap.errors.check_number) as the public functions use it."""

import numpy as np
import pytest

import mixmap
from mixmap._validate import check_number
from mixmap.errors import InputError


@pytest.mark.parametrize(
    "value, allow_zero, match",
    [
        ("x", False, r"pixel_size must be a positive number \(nm\), got 'x'"),
        (-1, False, r"must be a positive finite number \(nm\), got -1"),
        (0, False, r"positive"),
        (float("nan"), True, r"non-negative"),
        (float("inf"), False, r"positive"),
    ],
)
def test_check_number_rejects(value, allow_zero, match):
    with pytest.raises(InputError, match=match):
        check_number("pixel_size", value, allow_zero=allow_zero, unit="nm")


def test_check_number_accepts():
    assert check_number("w", np.float32(2.5)) == 2.5
    with pytest.raises(InputError, match="must be a positive number"):
        check_number("w", "2.5")
    assert check_number("w", 0, allow_zero=True) == 0.0
    assert check_number("w", None, optional=True) is None
    with pytest.raises(InputError, match=r"w is required \(eV\)"):
        check_number("w", None, unit="eV")


@pytest.mark.parametrize("bad", [0, -2.0, "two", float("nan")])
def test_public_functions_name_pixel_size(bad, rng):
    a = rng.random((32, 32)) < 0.5
    with pytest.raises(InputError, match="pixel_size"):
        mixmap.correlation(a, ~a, pixel_size=bad)
    maps = {"Ni": np.full((8, 8), 0.5), "O": np.full((8, 8), 0.5)}
    with pytest.raises(InputError, match="pixel_size"):
        mixmap.precursor_map(maps, "NiO", "Ni2O3", cutout_area_nm2=4.0, pixel_size=bad)


def test_bool_is_not_a_number(rng):
    with pytest.raises(InputError, match="must be a positive number"):
        check_number("n_particles", True)
    a = rng.random((32, 32)) < 0.5
    with pytest.raises(InputError, match="n_particles"):
        mixmap.analyze([(a, ~a)], n_particles=True, particle_area_px=1.0)
    with pytest.raises(InputError, match="particle_area_px"):
        mixmap.intra_mixing(a, ~a, n_particles=5, particle_area_px=-3)
