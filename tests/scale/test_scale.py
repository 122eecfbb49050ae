"""Danckwerts' scale of segregation: integral scale and 1/e length of R(h) (mixmap.scale.scale)."""

import math

import numpy as np
import pytest
from scale.blobs import blob_maps

import mixmap
from mixmap import InputError
from mixmap.scale import CorrelationResult


def test_scale_of_segregation():
    h = np.arange(0, 201)
    R = np.exp(-h / 10.0)
    res = CorrelationResult(
        h=h,
        h_nm=h * 2.0,
        C=R,
        R=R,
        n_pairs=np.full(h.size, 10),
        sum_products=R,
        P=0.5,
        s2_max=0.25,
        n_foreground=10,
        h_max=200,
        method="fft",
        pixel_size=2.0,
    )
    s = mixmap.scale_of_segregation(res)
    assert s.truncated
    assert s.integral_scale_px == pytest.approx(10.0, rel=1e-3)
    assert s.integral_scale_nm == pytest.approx(20.0, rel=1e-3)
    assert s.correlation_length_px == pytest.approx(10.0, rel=0.01)
    assert math.isnan(s.zero_crossing_px)
    # a curve crossing zero at 5: integral of the triangle 1 - h/5 = 2.5
    R2 = np.clip(1 - h / 5.0, -1, None)
    res2 = CorrelationResult(
        h=h,
        h_nm=None,
        C=R2,
        R=R2,
        n_pairs=np.full(h.size, 10),
        sum_products=R2,
        P=0.5,
        s2_max=0.25,
        n_foreground=10,
        h_max=200,
        method="fft",
    )
    s2 = mixmap.scale_of_segregation(res2)
    assert not s2.truncated and s2.zero_crossing_px == pytest.approx(5.0)
    assert s2.integral_scale_px == pytest.approx(2.5) and s2.integral_scale_nm is None
    assert s2.correlation_length_px == pytest.approx(5 * (1 - 1 / math.e))
    # striped map: R crosses zero near the stripe half-width
    xx = np.arange(80)[None, :].repeat(80, 0)
    a = (xx // 8) % 2 == 0
    real = mixmap.scale_of_segregation(mixmap.correlation(a, ~a, h_max=20, direction=(0, 1)))
    assert real.zero_crossing_px == pytest.approx(4.0, abs=0.6)
    sm = mixmap.scale_of_segregation(mixmap.smooth_correlation(res, 1.0))
    assert sm.integral_scale_nm == pytest.approx(20.0, rel=0.02)
    assert set(s.to_dict()) >= {"integral_scale_px", "correlation_length_nm", "truncated"}


def test_scale_aliases_used_by_batch():
    h = np.arange(0, 50)
    R = np.exp(-h / 5.0)
    res = CorrelationResult(
        h=h,
        h_nm=None,
        C=R,
        R=R,
        n_pairs=np.full(h.size, 10),
        sum_products=R,
        P=0.5,
        s2_max=0.25,
        n_foreground=10,
        h_max=49,
        method="fft",
    )
    s = mixmap.scale_of_segregation(res)
    assert s.integral_scale == s.integral_scale_px and s.correlation_length == s.correlation_length_px
    m = mixmap.scale_of_segregation(
        mixmap.mean_correlation(
            [
                CorrelationResult(
                    h=h,
                    h_nm=h * 2.0,
                    C=R,
                    R=R,
                    n_pairs=np.full(h.size, 10),
                    sum_products=R,
                    P=0.5,
                    s2_max=0.25,
                    n_foreground=10,
                    h_max=49,
                    method="fft",
                    pixel_size=2.0,
                )
            ]
        )
    )
    assert math.isnan(m.integral_scale) and m.integral_scale_nm == pytest.approx(2 * s.integral_scale_px, rel=1e-3)


def test_bad_inputs_scale(rng):
    a, b = blob_maps(rng)
    res = mixmap.correlation(a, b, h_max=5, pixel_size=1.0)
    with pytest.raises(InputError, match="result"):
        mixmap.scale_of_segregation(res.R)
