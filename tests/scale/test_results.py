"""Every result class of mixmap.scale compares by identity, hashes and prints in one short line."""

import numpy as np
import pytest
from scale.blobs import blob_maps

import mixmap
from mixmap.scale import (
    CorrelationFit,
    CorrelationResult,
    CorrelationStudy,
    MeanCorrelation,
    ScaleOfSegregation,
    SmoothedCorrelation,
)


@pytest.fixture
def results(rng):
    a, b = blob_maps(rng, shape=(30, 30), p_fg=0.95)
    res = mixmap.correlation(a, b, h_max=8, pixel_size=2.0)
    sm = mixmap.smooth_correlation(res, 1.0)
    mean = mixmap.mean_correlation([res, sm])
    return {
        CorrelationResult: res,
        SmoothedCorrelation: sm,
        MeanCorrelation: mean,
        ScaleOfSegregation: mixmap.scale_of_segregation(res),
        CorrelationFit: mixmap.fit_correlation(mean, model="exp"),
        CorrelationStudy: mixmap.correlation_study([(a, b)], h_max=8, model="exp"),
    }


@pytest.mark.parametrize(
    "cls",
    [CorrelationResult, SmoothedCorrelation, MeanCorrelation, ScaleOfSegregation, CorrelationFit, CorrelationStudy],
)
def test_result_compares_hashes_and_prints_short(results, cls):
    r = results[cls]
    assert isinstance(r, cls)
    assert r == r and not (r != r)  # noqa: PLR0124 - identity comparison must not raise on array fields
    assert r != results[ScaleOfSegregation if cls is not ScaleOfSegregation else CorrelationFit]
    assert hash(r) == hash(r) and len({r, r}) == 1
    text = repr(r)
    assert text.startswith(cls.__name__ + "(") and "\n" not in text and len(text) <= 300
    assert cls.__name__ in r._repr_html_()


def test_to_dict_outputs_unchanged(results):
    sc = results[ScaleOfSegregation]
    assert list(sc.to_dict()) == [
        "integral_scale_px",
        "integral_scale_nm",
        "correlation_length_px",
        "correlation_length_nm",
        "zero_crossing_px",
        "zero_crossing_nm",
        "truncated",
    ]
    assert sc.to_frame().shape == (1, 7)
    res = results[CorrelationResult]
    d = res.to_dict()
    assert d["direction"] is None and isinstance(d["R"], list) and len(d["R"]) == 9
    assert set(res.to_dict(arrays=False)) == {
        "P",
        "s2_max",
        "n_foreground",
        "h_max",
        "method",
        "pixel_size",
        "direction",
        "tiles",
    }
    fit = results[CorrelationFit]
    assert list(fit.to_dict())[:5] == ["model", "r2", "sse", "n_points", "h_unit"]
    assert fit.to_frame().shape == (1, 7)
    np.testing.assert_array_equal(results[MeanCorrelation].to_frame()["n"], results[MeanCorrelation].n)
