"""Inter-aggregate ψ measures (paper Eqs. 2, 10-13; Sections 3.2, 3.3)."""

import numpy as np
import pandas as pd
import pytest

import mixmap
from mixmap.mixing import psi_measures


def test_paper_numbers_section_3_3():
    # C65 and KB moments reported in Sections 3.2/3.3 reproduce the paper's ψ values.
    c65 = psi_measures(0.71, 0.015, 0.458, 0.033)
    kb = psi_measures(0.61, 0.125, 0.557, 0.125)
    assert c65["psi_P"] == pytest.approx(0.927, abs=1e-3)
    assert c65["psi_M"] == pytest.approx(0.867, abs=1e-3)
    assert c65["psi_comb"] == pytest.approx(0.751, abs=1e-3)
    assert kb["psi_P"] == pytest.approx(0.474, abs=1e-3)
    assert kb["psi_M"] == pytest.approx(0.493, abs=1e-3)
    assert kb["psi_comb"] == pytest.approx(0.508, abs=1e-3)


def test_hand_computed_table():
    t = pd.DataFrame(
        {"group": ["a", "a", "a", "b", "b"], "P": [0.2, 0.4, 0.6, 0.5, 0.9], "schmahl": [0.3, 0.5, 0.7, 0.2, 0.6]}
    )
    s = mixmap.inter_mixing(t, alpha=1, beta=0.5, gamma=0.25, n_boot=200)
    # group a: P̄ = 0.4, s² = (0.04 + 0 + 0.04) / 2 = 0.04 (Eq. 2)
    a = s.loc["a"]
    assert a["n"] == 3 and a["n_excluded"] == 0
    assert a["P_mean"] == pytest.approx(0.4)
    assert a["s2_inter"] == pytest.approx(0.04)
    assert a["psi_P"] == pytest.approx(1 - 0.04 / (0.4 * 0.6))  # Eq. 10
    assert a["M_mean"] == pytest.approx(0.5)
    assert a["s2_M"] == pytest.approx(0.04)  # Eq. 12
    assert a["psi_M"] == pytest.approx(1 - 0.04 / 0.25)  # Eq. 11
    comb = (1 * 0.5 + 0.5 * (1 - 0.16) + 0.25 * (1 - 0.04 / 0.24)) / 1.75  # Eq. 13
    assert a["psi_comb"] == pytest.approx(comb)
    # group b: P̄ = 0.7, s² = 0.08; M̄ = 0.4, s² = 0.08
    b = s.loc["b"]
    assert b["psi_P"] == pytest.approx(1 - 0.08 / 0.21)
    assert b["psi_M"] == pytest.approx(1 - 0.08 / 0.24)
    for c in ("psi_P", "psi_M", "psi_comb"):
        assert s.loc["a", f"{c}_low"] <= s.loc["a", c] + 1e-12 or np.isclose(s.loc["a", f"{c}_low"], s.loc["a", c])
        assert s.loc["a", f"{c}_low"] <= s.loc["a", f"{c}_high"]


def test_identical_aggregates_give_psi_one():
    t = pd.DataFrame({"group": "g", "P": [0.3] * 5, "schmahl": [0.6] * 5})
    s = mixmap.inter_mixing(t)
    assert s.loc["g", "psi_P"] == 1.0 and s.loc["g", "psi_M"] == 1.0
    assert s.loc["g", "psi_comb"] == pytest.approx((0.6 + 1 + 1) / 3)


def test_bernoulli_concentrations_give_psi_p_zero_limit():
    # aggregates of pure A or pure B: s²_inter -> P̄(1-P̄) n/(n-1), so ψ_P = 1 - n/(n-1) < 0 ... never clipped
    t = pd.DataFrame({"group": "g", "P": [0.0, 1.0] * 50, "schmahl": np.linspace(0.2, 0.8, 100)})
    s = mixmap.inter_mixing(t)
    assert s.loc["g", "psi_P"] == pytest.approx(1 - 100 / 99)


def test_max_P_filter_section_3_2():
    t = pd.DataFrame(
        {"group": ["kb"] * 6, "P": [0.5, 0.6, 0.7, 0.96, 0.99, 0.4], "schmahl": [0.3, 0.4, 0.35, 0.95, 0.99, 0.3]}
    )
    full = mixmap.inter_mixing(t)
    cut = mixmap.inter_mixing(t, max_P=0.95)
    assert cut.loc["kb", "n"] == 4 and cut.loc["kb", "n_excluded"] == 2
    assert cut.loc["kb", "M_mean"] == pytest.approx(np.mean([0.3, 0.4, 0.35, 0.3]))
    assert cut.loc["kb", "M_mean"] < full.loc["kb", "M_mean"]


def test_bootstrap_seeded_and_covering():
    rng = np.random.default_rng(3)
    t = pd.DataFrame(
        {"group": np.repeat(["x", "y"], 40), "P": rng.uniform(0.5, 0.9, 80), "schmahl": rng.uniform(0.3, 0.7, 80)}
    )
    s1 = mixmap.inter_mixing(t, seed=7)
    s2 = mixmap.inter_mixing(t, seed=7)
    s3 = mixmap.inter_mixing(t, seed=8)
    pd.testing.assert_frame_equal(s1, s2)
    assert not np.allclose(s1["psi_P_low"], s3["psi_P_low"])
    for c in ("psi_P", "psi_M", "psi_comb"):
        assert (s1[f"{c}_low"] < s1[c]).all() and (s1[c] < s1[f"{c}_high"]).all()


def test_status_rows_ignored_and_by_none():
    t = pd.DataFrame(
        {
            "group": ["a", "a", "a"],
            "P": [0.5, 0.6, np.nan],
            "schmahl": [0.5, 0.4, np.nan],
            "status": ["ok", "ok", "invalid"],
        }
    )
    s = mixmap.inter_mixing(t, by=None)
    assert list(s.index) == ["all"] and s.loc["all", "n"] == 2


def test_undefined_schmahl_rows_are_counted_not_used():
    t = pd.DataFrame({"group": "a", "P": [0.5, 0.6, 0.7, 0.55], "schmahl": [0.5, np.inf, np.nan, 0.4]})
    s = mixmap.inter_mixing(t)
    assert s.loc["a", "n"] == 2 and s.loc["a", "n_undefined"] == 2
    assert s.loc["a", "P_mean"] == pytest.approx(0.525)


def test_single_aggregate_group_is_nan():
    t = pd.DataFrame({"group": ["a", "a", "b"], "P": [0.5, 0.6, 0.7], "schmahl": [0.5, 0.4, 0.3]})
    s = mixmap.inter_mixing(t)
    assert s.loc["b", "n"] == 1 and np.isnan(s.loc["b", "psi_P"]) and np.isnan(s.loc["b", "psi_P_low"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"alpha": 0}, "alpha"),
        ({"gamma": 1.5}, "gamma"),
        ({"beta": "x"}, "beta"),
        ({"max_P": 2}, "max_P"),
        ({"confidence": 1.0}, "confidence"),
        ({"n_boot": 3}, "n_boot"),
        ({"by": "condition"}, "condition"),
    ],
)
def test_bad_options(kwargs, match):
    t = pd.DataFrame({"group": ["a", "a"], "P": [0.5, 0.6], "schmahl": [0.5, 0.4]})
    with pytest.raises(mixmap.InputError, match=match):
        mixmap.inter_mixing(t, **kwargs)


def test_bad_tables():
    with pytest.raises(mixmap.InputError, match="DataFrame"):
        mixmap.inter_mixing([1, 2])
    with pytest.raises(mixmap.InputError, match="schmahl"):
        mixmap.inter_mixing(pd.DataFrame({"group": ["a"], "P": [0.5]}))
    with pytest.raises(mixmap.InputError, match="non-finite P"):
        mixmap.inter_mixing(pd.DataFrame({"group": ["a", "a"], "P": [0.5, np.nan], "schmahl": [0.1, 0.2]}))
    with pytest.raises(mixmap.InputError, match=r"\[0, 1\]"):
        mixmap.inter_mixing(pd.DataFrame({"group": ["a", "a"], "P": [0.5, 1.5], "schmahl": [0.1, 0.2]}))
    with pytest.raises(mixmap.DataError, match="max_P"):
        mixmap.inter_mixing(pd.DataFrame({"group": ["a", "a"], "P": [0.97, 0.99], "schmahl": [0.1, 0.2]}), max_P=0.95)


def test_psi_measures_old_keyword_names_are_deprecated_aliases():
    from mixmap.mixing import psi_measures

    new = psi_measures(0.71, 0.015, M_mean=0.458, s2_M=0.033)
    with pytest.warns(DeprecationWarning, match="schmahl_mean= is deprecated"):
        old = psi_measures(0.71, 0.015, schmahl_mean=0.458, s2_M=0.033)
    assert old == new and set(new) == {"psi_P", "psi_M", "psi_comb"}
