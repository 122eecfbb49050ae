"""The primary-particle model (mixmap.mixing.particles; Eq. 5)."""

import numpy as np
import pytest

import mixmap


def test_particle_model_eq5_and_target():
    p = mixmap.Particles(d_a=30, d_b=30, cv_a=0, cv_b=0, pixel_size=3)
    # equal monodisperse sizes: Eq. (5) reduces to P(1-P)/N
    assert p.s2_min(0.3, 25) == pytest.approx(0.3 * 0.7 / 25)
    assert p.mean_area_px(0.3) == pytest.approx(np.pi / 4 * 100)
    assert p.target_count(25, 0.3) == round(25 * np.pi / 4 * 100)
    q = mixmap.Particles(d_a=40, d_b=10, cv_a=0.3, cv_b=0.3)
    nu = q.number_fraction_a(0.5)
    assert 0 < nu < 0.5  # big A particles are fewer for equal area
    d_mean = nu * 40 + (1 - nu) * 10
    ref = 0.25 / 25 * (400 / d_mean**2) ** 2 * (1 + 0.5 * 0.09 + 0.5 * 0.09)
    assert q.s2_min(0.5, 25) == pytest.approx(ref)


def test_particles_value_semantics_and_repr():
    p = mixmap.Particles(d_a=39.6, d_b=11.6, cv_a=0.29, cv_b=0.29, pixel_size=2.0)
    q = mixmap.Particles(39.6, 11.6, 0.29, 0.29, 2.0)
    assert p == q and hash(p) == hash(q) and len({p, q}) == 1  # an input model of five numbers
    assert p != mixmap.Particles(39.6, 11.6)
    assert repr(p) == "Particles(d_a=39.6, d_b=11.6, cv_a=0.29, cv_b=0.29, pixel_size=2.0)"
    assert p.to_dict() == {"d_a": 39.6, "d_b": 11.6, "cv_a": 0.29, "cv_b": 0.29, "pixel_size": 2.0}
