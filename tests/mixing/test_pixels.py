"""Pixel classes, concentrations and the unmixed variance (mixmap.mixing.pixels; Eqs. 3-4)."""

import numpy as np
import pytest

import mixmap
from mixmap.mixing import PixelClasses, as_map_pair, pixel_classes


def test_eq4_for_bool_maps():
    a = np.array([[1, 1, 0, 0], [1, 0, 0, 0]], bool)
    b = np.array([[0, 1, 1, 0], [0, 0, 1, 0]], bool)
    A, B = a.astype(float), b.astype(float)
    pc = mixmap.mixing.pixel_classes(A, B)
    assert (pc.P10, pc.P01, pc.P11) == (0.4, 0.4, 0.2)
    assert pc.P == pytest.approx(4 / 8)
    eq4 = pc.P10 * (1 - pc.P) ** 2 + pc.P01 * pc.P**2 + pc.P11 * (0.5 - pc.P) ** 2
    assert mixmap.mixing.s2_max(A, B) == pytest.approx(eq4)


def test_pixel_classes_compare_hash_and_print():
    a = np.array([[1, 1, 0], [1, 0, 0]], bool)
    b = np.array([[0, 1, 1], [0, 0, 1]], bool)
    pc = pixel_classes(a.astype(float), b.astype(float))
    same = pixel_classes(a.astype(float), b.astype(float))
    assert pc == same and hash(pc) == hash(same)  # five numbers: value semantics
    assert pc != PixelClasses(P=0.5, P10=0.4, P01=0.4, P11=0.2, n_foreground=6)
    assert len(repr(pc)) <= 300 and repr(pc).startswith("PixelClasses(P=0.5")
    assert pc.to_dict() == {"P": 0.5, "P10": 0.4, "P01": 0.4, "P11": 0.2, "n_foreground": 5}


def test_as_map_pair_converts_and_refuses_one_element():
    A, B, fg = as_map_pair(np.eye(3, dtype=bool), ~np.eye(3, dtype=bool))
    assert A.dtype == B.dtype == np.float64 and fg.all()
    with pytest.raises(mixmap.DataError, match="only one element"):
        as_map_pair(np.eye(3), np.zeros((3, 3)), names=("ti", "w"))
    A, B, fg = as_map_pair(np.eye(3), np.zeros((3, 3)), require_both=False)
    assert fg.sum() == 3
