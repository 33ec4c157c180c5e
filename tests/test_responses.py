"""failurelab.responses: the SD of individual responses (Atkinson & Batterham 2015; Hopkins 2015)
recovers the simulated truth within Monte-Carlo error, and the volume-only simulation's naive
estimate equals its analytic value (and the t-test's power from statsmodels)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower

from failurelab import effect_sizes as es
from failurelab import responses as rs


def within_mc(values, target, k=3):
    """The mean of ``values`` lies within k Monte-Carlo standard errors of ``target``."""
    values = np.asarray(values, dtype=float)
    se = values.std(ddof=1) / math.sqrt(values.size)
    return abs(values.mean() - target) <= k * se + 1e-12


# -- the SD of individual responses --------------------------------------------------------------

def test_sd_individual_responses_closed_form():
    assert rs.sd_individual_responses(5, 3) == pytest.approx(4.0)  # sqrt(25 - 9)
    assert rs.sd_individual_responses(3, 5) == pytest.approx(-4.0)  # reported as negative
    assert rs.sd_individual_responses(2.5, 2.5) == 0.0
    out = rs.sd_individual_responses([1.5, 1.0, 13.0], [np.sqrt(2), 1.25, 5.0])
    assert out == pytest.approx([0.5, -0.75, 12.0])


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "2"])
def test_sd_individual_responses_refuses_bad_sds(bad):
    with pytest.raises(ValueError, match="sd_change_intervention"):
        rs.sd_individual_responses(bad, 1.0)
    with pytest.raises(ValueError, match="sd_change_control"):
        rs.sd_individual_responses(1.0, bad)


@pytest.mark.parametrize("sd_response, n", [(0.0, 15), (0.5, 15), (1.5, 10), (0.5, 60)])
def test_simulation_recovers_the_true_sd_of_responses(sd_response, n):
    sim = rs.simulate_individual_responses(n=n, sd_response=sd_response, trials=4000, seed=7)
    # SD_I^2 - SD_C^2 is unbiased for sd_response^2 (sample variances with ddof = 1)
    assert within_mc(sim.variance_difference, sd_response**2)
    assert np.allclose(sim.sd_ir ** 2 * np.sign(sim.sd_ir), sim.variance_difference)
    e = rs.expected_individual_responses(n=n, sd_response=sd_response)
    assert e["sd_ir"] == sd_response
    # spread of the estimate: Var(s^2) = 2 sigma^4 / (n - 1) per arm
    assert sim.variance_difference.std(ddof=1) == pytest.approx(e["se_variance_difference"],
                                                                rel=0.06)
    # the arms' SDs of change, pooled over all trials, are the model's
    assert sim.change_intervention.std() == pytest.approx(e["sd_change_intervention"], rel=0.01)
    assert sim.change_control.std() == pytest.approx(e["sd_change_control"], rel=0.01)


def test_expected_values_of_the_default_model():
    e = rs.expected_individual_responses()
    # defaults: sd_common = sd_noise = 1, sd_response = 0.5 (mm)
    assert e["sd_change_intervention"] == pytest.approx(1.5)
    assert e["sd_change_control"] == pytest.approx(math.sqrt(2))
    assert e["share_response"] == pytest.approx(0.25 / 2.25)
    assert e["share_labelled_intervention"] == pytest.approx(stats.norm.sf((3 - 1.8) / 1.5))
    assert e["share_labelled_control"] == pytest.approx(stats.norm.sf(1.2 / math.sqrt(2)))
    assert e["se_variance_difference"] == pytest.approx(math.sqrt((2 * 2.25**2 + 2 * 4) / 14))
    assert e["share_benefit"] == 0.5
    assert rs.expected_individual_responses(sd_response=0)["share_benefit"] == 0.0


def test_labels_and_share_of_variance_match_the_analytic_values():
    sim = rs.simulate_individual_responses(trials=4000, seed=11)
    e = rs.expected_individual_responses()
    lab_i, lab_c = sim.labelled()
    for lab, p in ((lab_i, e["share_labelled_intervention"]), (lab_c, e["share_labelled_control"])):
        assert abs(lab.mean() - p) <= 3 * math.sqrt(p * (1 - p) / lab.size)
    r = np.corrcoef(sim.change_intervention.ravel(), sim.true_effect.ravel())[0, 1]
    assert r**2 == pytest.approx(e["share_response"], abs=0.01)
    assert sim.labelled(10)[0].sum() < lab_i.sum()  # a higher bar labels fewer people


def test_seeded_and_common_random_numbers():
    a = rs.simulate_individual_responses(trials=50, seed=3)
    b = rs.simulate_individual_responses(trials=50, seed=3)
    c = rs.simulate_individual_responses(trials=50, seed=4)
    assert np.array_equal(a.change_intervention, b.change_intervention)
    assert not np.array_equal(a.change_intervention, c.change_intervention)
    # the SDs rescale the same draws: the control arm does not depend on sd_response
    d = rs.simulate_individual_responses(trials=50, seed=3, sd_response=1.7)
    assert np.array_equal(a.change_control, d.change_control)
    assert not a.change_control.flags.writeable and a.label.startswith("synthetic")


@pytest.mark.parametrize("bad, word", [
    (dict(n=2), "n"), (dict(n=10.5), "n"), (dict(sd_response=-0.1), "sd_response"),
    (dict(sd_noise=float("nan")), "sd_noise"), (dict(sd_common=True), "sd_common"),
    (dict(threshold="3"), "threshold"), (dict(trials=1), "trials"), (dict(seed=-1), "seed"),
    (dict(n=5000, trials=5000), "trials x n"), (dict(sd_common=0, sd_noise=0), "sd_noise"),
])
def test_individual_responses_refuse_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        if "sd_common" in bad and bad.get("sd_noise") == 0:
            rs.expected_individual_responses(**bad)
        else:
            rs.simulate_individual_responses(**{"trials": 10, **bad})


# -- confounding with volume ---------------------------------------------------------------------

def test_expected_volume_smd_closed_form():
    assert rs.expected_volume_smd() == pytest.approx(-0.3 / math.sqrt(1.01))
    assert rs.expected_volume_smd(sets_failure=12) == 0.0  # equated, no direct effect
    assert rs.expected_volume_smd(sets_failure=12, direct_effect=0.2, sd_sets=0) == 0.2
    assert rs.expected_volume_smd(10, 16, 0.05, -0.1, 2) == pytest.approx(0.2 / math.sqrt(1.01))


@pytest.mark.parametrize("params", [
    dict(), dict(sets_failure=15, gain_per_set=0.05), dict(direct_effect=0.3, sets_failure=12),
    dict(n=40, sd_sets=3.0, sets_failure=6, direct_effect=-0.1),
])
def test_naive_estimate_equals_the_analytic_value(params):
    sim = rs.simulate_volume_confounding(trials=6000, seed=5, **params)
    p = sim.parameters
    raw = p["direct_effect"] + p["gain_per_set"] * (p["sets_failure"] - p["sets_nonfailure"])
    assert within_mc(sim.naive_difference, raw)
    assert within_mc(sim.naive_g, rs.expected_volume_smd(
        p["sets_nonfailure"], p["sets_failure"], p["gain_per_set"], p["direct_effect"],
        p["sd_sets"]))  # Hedges' g is unbiased for the population SMD
    assert within_mc(sim.equated_difference, p["direct_effect"])
    # same people: the two comparisons differ exactly by the volume gap
    assert np.allclose(sim.naive_difference - sim.equated_difference,
                       p["gain_per_set"] * (p["sets_failure"] - p["sets_nonfailure"]))


def test_share_significant_is_the_t_test_power():
    sim = rs.simulate_volume_confounding(trials=6000, seed=6)
    delta = rs.expected_volume_smd()
    power = TTestIndPower().power(effect_size=delta, nobs1=15, alpha=0.05, ratio=1.0)
    assert power == pytest.approx(es.power(delta, 15))
    share = sim.share_significant("naive")
    assert abs(share - power) <= 3 * math.sqrt(power * (1 - power) / 6000)
    assert sim.share_significant("naive", "nonfailure") <= share
    eq = sim.share_significant("equated")  # no direct effect: the nominal 5 %
    assert abs(eq - 0.05) <= 3 * math.sqrt(0.05 * 0.95 / 6000)
    with pytest.raises(ValueError, match="which"):
        sim.share_significant("adjusted")
    with pytest.raises(ValueError, match="direction"):
        sim.share_significant("naive", "harm")


def test_per_trial_statistics_match_scipy_and_effect_sizes():
    rng = np.random.default_rng(1)
    failure, control = rng.normal(0.3, 1.2, (5, 12)), rng.normal(0, 1.0, (5, 12))
    J = es.correction_factor(22)
    g, diff, p = rs._two_arm_tests(failure, control, J)
    for i in range(5):
        ref = es.smd(failure[i].mean(), failure[i].std(ddof=1), 12, control[i].mean(),
                     control[i].std(ddof=1), 12)
        assert g[i] == pytest.approx(ref.g)
        assert diff[i] == pytest.approx(failure[i].mean() - control[i].mean())
        assert p[i] == pytest.approx(stats.ttest_ind(failure[i], control[i]).pvalue)


@pytest.mark.parametrize("bad, word", [
    (dict(n=2), "n"), (dict(sets_failure=-1), "sets_failure"), (dict(gain_per_set=9), "gain"),
    (dict(sd_sets=-1), "sd_sets"), (dict(alpha=1.5), "alpha"), (dict(direct_effect=None), "direct"),
    (dict(trials=10**6, n=100), "trials x n"),
])
def test_volume_confounding_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        rs.simulate_volume_confounding(**{"trials": 10, **bad})


@pytest.mark.parametrize("call, word", [
    (lambda: rs.simulate_individual_responses(trials=10**400), "trials must be a whole number"),
    (lambda: rs.simulate_volume_confounding(gain_per_set="0.1"), "gain_per_set must be a number"),
    (lambda: rs.sd_individual_responses([1.0, 2.0], [1.0, 2.0, 3.0]), "same shape"),
    (lambda: rs.simulate_volume_confounding(alpha=True), "alpha must be a fraction"),
])
def test_huge_numbers_strings_and_shapes_are_refused(call, word):
    with pytest.raises(ValueError, match=word):
        call()
