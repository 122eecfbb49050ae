"""mixmap.correlation_study: the ``mixmap correlation`` workflow as one Python call."""

import numpy as np
import pytest
from scale.blobs import blob_maps

import mixmap
from mixmap import InputError


def test_study_equals_the_individual_calls(rng, tmp_path):
    a1, b1 = blob_maps(rng, (30, 34), p_fg=0.95)
    a2, b2 = blob_maps(rng, (28, 30), p_fg=0.95)
    np.save(tmp_path / "a.npy", a2)
    np.save(tmp_path / "b.npy", b2)
    s = mixmap.correlation_study(
        [(a1, b1, "G1", 2.0), {"a": tmp_path / "a.npy", "b": tmp_path / "b.npy", "group": "G2"}],
        pixel_size=1.5,
        h_max=10,
        smooth=1.0,
        model="exp",
    )
    r1 = mixmap.correlation(a1, b1, h_max=10, pixel_size=2.0)
    r2 = mixmap.correlation(a2, b2, h_max=10, pixel_size=1.5)
    np.testing.assert_array_equal(s.results[0].R, r1.R)
    np.testing.assert_array_equal(s.results[1].R, r2.R)
    assert list(s.curves.columns[:3]) == ["group", "map_a", "map_b"] and "R_smooth" in s.curves
    assert len(s.curves) == 22 and s.maps[1]["map_a"] == str(tmp_path / "a.npy")
    sm = mixmap.smooth_correlation(r1, 1.0)
    assert s.maps[0]["integral_scale_px"] == mixmap.scale_of_segregation(sm).integral_scale_px
    assert [g["group"] for g in s.groups] == ["G1", "G2"] and set(s.fits) == {"G1", "G2"}
    mean = mixmap.mean_correlation([sm])
    np.testing.assert_array_equal(s.means["G1"].R, mean.R)
    assert s.groups[0]["s"] == mixmap.fit_correlation(mean, model="exp").params["s"]
    assert set(s.mean_frame()["group"]) == {"G1", "G2"}


def test_study_defaults_and_sampled_method_are_reproducible(rng):
    a, b = blob_maps(rng, (24, 24), p_fg=0.95)
    one = mixmap.correlation_study([(a, b)], h_max=5, method="pairs", n_pairs=200, model="none")
    two = mixmap.correlation_study([(a, b)], h_max=5, method="pairs", n_pairs=200, model="none")
    np.testing.assert_array_equal(one.results[0].R, two.results[0].R)  # seed=0 by default
    assert one.fits == {} and "model" not in one.groups[0] and one.groups[0]["group"] == "maps"


def test_study_bad_input(rng):
    a, b = blob_maps(rng)
    with pytest.raises(InputError, match="pairs is empty"):
        mixmap.correlation_study([])
    with pytest.raises(InputError, match=r"pairs\[0\]"):
        mixmap.correlation_study([(a,)])
    with pytest.raises(InputError, match=r"pairs\[0\]"):
        mixmap.correlation_study([{"a": a}])
    with pytest.raises(InputError, match="pairs must be"):
        mixmap.correlation_study(3)
    with pytest.raises(InputError, match="model"):
        mixmap.correlation_study([(a, b)], model="bessel")
    with pytest.raises(InputError, match="smooth"):
        mixmap.correlation_study([(a, b)], smooth=-1)
    with pytest.raises(InputError, match="n_pairs"):
        mixmap.correlation_study([(a, b)], n_pairs=10)
