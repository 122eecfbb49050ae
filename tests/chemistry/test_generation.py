"""Electron range and X-ray generation depth (issue 8)."""

import numpy as np
import pytest

import mixmap
from mixmap import InputError
from mixmap.chemistry.generation import generation_size_um, mean_atomic_weight_number
from mixmap.chemistry.elements import element_data as _elements


@pytest.mark.parametrize(
    "element, E0, expected",
    [
        # Kanaya-Okayama ranges as tabulated (rounded) in Goldstein et al., SEM and X-ray
        # Microanalysis, 3rd ed. (2003), chapter 3; Cu at 20 keV ~ 1.45 um as in the issue
        ("Cu", 20, 1.45),
        ("Au", 20, 0.86),
        ("Al", 20, 4.2),
        ("C", 10, 1.4),
    ],
)
def test_kanaya_okayama_textbook_values(element, E0, expected):
    assert mixmap.kanaya_okayama_range(element, E0) == pytest.approx(expected, rel=0.035)


def test_kanaya_okayama_formula_and_scaling():
    A, Z, rho = 63.546, 29, 8.96
    assert mixmap.kanaya_okayama_range("Cu", 20) == pytest.approx(0.0276 * A * 20**1.67 / (Z**0.889 * rho), rel=1e-9)
    r = mixmap.kanaya_okayama_range("Cu", [10, 20, 30])
    assert isinstance(r, np.ndarray) and r.shape == (3,)
    np.testing.assert_allclose(r[1] / r[0], 2**1.67)
    # density given explicitly scales as 1/rho
    assert mixmap.kanaya_okayama_range("Cu", 20, density=4.48) == pytest.approx(
        2 * mixmap.kanaya_okayama_range("Cu", 20)
    )


def test_compound_uses_mass_fraction_weighted_A_and_Z():
    A, Z = mean_atomic_weight_number("Al2O3")
    w_al = 2 * 26.9815384 / (2 * 26.9815384 + 3 * 15.999)
    assert A == pytest.approx(w_al * 26.9815384 + (1 - w_al) * 15.999, rel=1e-6)
    assert Z == pytest.approx(w_al * 13 + (1 - w_al) * 8, rel=1e-6)
    assert mixmap.kanaya_okayama_range("Al2O3", 15, density=3.99) == pytest.approx(
        0.0276 * A * 15**1.67 / (Z**0.889 * 3.99)
    )
    with pytest.raises(InputError, match="pass density="):
        mixmap.kanaya_okayama_range("Al2O3", 15)
    with pytest.raises(InputError, match="gas"):
        mixmap.kanaya_okayama_range("O", 15)
    assert generation_size_um(["Al2O3", "MgO"], 15, (3.99, 3.58)) == pytest.approx(
        max(mixmap.kanaya_okayama_range("Al2O3", 15, 3.99), mixmap.kanaya_okayama_range("MgO", 15, 3.58))
    )


def test_anderson_hasler_depth():
    Ec = 8.9789  # Cu K edge (Bearden & Burr 1967)
    assert _elements()["Cu"].edges["K"] == pytest.approx(Ec, abs=1e-3)
    expected = 0.064 * (20**1.68 - Ec**1.68) / 8.96
    assert mixmap.xray_generation_depth("Cu", "Ka", 20) == pytest.approx(expected, rel=1e-4)
    assert mixmap.xray_generation_depth("Cu", "Cu_Ka", 20) == pytest.approx(expected, rel=1e-4)
    assert mixmap.xray_generation_depth("Cu", Ec, 20) == pytest.approx(expected, rel=1e-4)
    # the X-ray range is shallower than the electron range
    assert mixmap.xray_generation_depth("Cu", "Ka", 20) < mixmap.kanaya_okayama_range("Cu", 20)
    # L lines use the L3 edge, M lines M5; a lower edge gives a deeper generation range
    au_l = mixmap.xray_generation_depth("Au", "La", 25)
    au_m = mixmap.xray_generation_depth("Au", "Au Ma", 25)
    assert au_m > au_l
    assert mixmap.xray_generation_depth("Al2O3", "O Ka", 15, density=3.99) > mixmap.xray_generation_depth(
        "Al2O3", "Al Ka", 15, density=3.99
    )


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (("Cu", "Ka", 8), {}, "cannot excite"),
        (("Al2O3", "Ka", 15), {"density": 3.99}, "does not name its element"),
        (("Al2O3", "Mg Ka", 15), {"density": 3.99}, "not in the material"),
        (("Cu", "Xa", 20), {}, "cannot read X-ray line"),
        (("Cu", "Ka", -5), {}, "positive"),
        (("Cu", "Ka", 20000), {}, "not in eV|not eV"),
        (("Cu", "Ka", 20), {"density": 0}, "positive"),
        (("Be", "La", 20), {}, "no L3 shell"),
        (("Qq", "Ka", 20), {}, "unknown element"),
        (("Cu", None, 20), {}, "line must be"),
    ],
)
def test_generation_depth_errors(args, kwargs, match):
    with pytest.raises(InputError, match=match):
        mixmap.xray_generation_depth(*args, **kwargs)


def test_element_table_is_complete_and_sane():
    els = _elements()
    assert len(els) == 98 and els["H"].Z == 1 and els["Cf"].Z == 98
    assert els["C"].atomic_weight == pytest.approx(12.011)
    assert els["Fe"].density == pytest.approx(7.874, rel=1e-3)
    assert np.isnan(els["N"].density)  # gas at room temperature
    k = np.array([els[s].edges["K"] for s in els])
    assert np.all(np.diff(k) > 0)  # K edges increase with Z


def test_e0_kev_is_a_deprecated_alias_of_beam_energy_kev():
    new = mixmap.kanaya_okayama_range("Cu", beam_energy_keV=20)
    with pytest.warns(DeprecationWarning, match="E0_keV= is deprecated.*beam_energy_keV="):
        assert mixmap.kanaya_okayama_range("Cu", E0_keV=20) == new
    with pytest.warns(DeprecationWarning, match="E0_keV"):
        old = mixmap.xray_generation_depth("Cu", "Ka", E0_keV=20)
    assert old == mixmap.xray_generation_depth("Cu", "Ka", beam_energy_keV=20)
    with pytest.warns(DeprecationWarning, match="E0_keV"):
        assert generation_size_um(["Cu"], E0_keV=20) == new
    with pytest.raises(InputError, match="pass either beam_energy_keV= or its deprecated name E0_keV=, not both"):
        with pytest.warns(DeprecationWarning):
            mixmap.kanaya_okayama_range("Cu", beam_energy_keV=20, E0_keV=20)
    with pytest.raises(InputError, match="beam_energy_keV must be positive"):
        mixmap.kanaya_okayama_range("Cu", -1)


def test_element_records_compare_hash_and_print_short():
    els = _elements()
    cu = els["Cu"]
    assert cu == els["Cu"] and cu != els["Fe"] and hash(cu) == hash(els["Cu"])
    assert len(repr(cu)) <= 300 and repr(cu).startswith("Element(Z=29, symbol='Cu'")
