"""The explorers: their pure compute functions (numbers checked against the library and against
independent formulas) and the views' update() / bad-input behaviour, for chapters 1 to 3."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from helpers import assert_refuses, exported_explorers, quick_explorer
from scipy import stats

from failurelab import effect_sizes as es
from failurelab import meta, practice
from failurelab.fatigue import reps_to_failure
from failurelab.logs import load_log
from failurelab.synthetic import synthetic_trials
from failurelab.widgets import (
    CIExplorer,
    EffectSizeExplorer,
    HowCloseExplorer,
    LogExplorer,
    MetaExplorer,
    SetExplorer,
    SetPlannerExplorer,
    SizePrincipleExplorer,
)
from failurelab.widgets.base import JS_DIR, alert_html
from failurelab.widgets.evidence import ci_state, effect_size_state, meta_state
from failurelab.widgets.mechanism import set_state, size_principle_state
from failurelab.widgets.practice import how_close_state, set_plan_state


def mc_tolerance(p, n, extra=0.0):
    """Three Monte-Carlo standard errors of a proportion p estimated from n draws (+ extra)."""
    return 3 * math.sqrt(p * (1 - p) / n) + extra


# -- chapter 1 ----------------------------------------------------------------------------------
def test_size_principle_state_counts_units():
    none, some, full = (size_principle_state(e) for e in (0, 30, 100))
    assert none["n_recruited"] == 0 and none["share"] == 0
    assert 0 < some["n_recruited"] < 120 and 0 < some["share"] < 1
    assert full["n_recruited"] == 120 and full["share"] == pytest.approx(1.0)
    assert full["excitation_fraction"] == pytest.approx(1.0)
    # the silent units are the largest: those recruited hold less than their share by count
    assert some["share"] < some["n_recruited"] / 120


@pytest.mark.parametrize("effort", [-1, 101, "30", None, float("nan")])
def test_size_principle_state_refuses_bad_effort(effort):
    with pytest.raises(ValueError, match="effort"):
        size_principle_state(effort)


def test_size_principle_explorer_updates_and_refuses():
    ex = SizePrincipleExplorer(effort=30)
    assert ex.spec()["params"] == {"effort": 30, "muscle": "default"}
    state = ex.update(effort=60)
    assert state["effort"] == 60 and ex.controls["effort"].value == 60
    assert ex.readout.startswith("<b>What the figure shows</b>")
    assert f"{state['n_recruited']} of 120 units fire" in ex.readout
    assert_refuses(ex, dict(effort=150), ["effort", "0 to 100"])
    assert ex.update(effort=20) is not None and ex.error is None and ex.message == ""


def test_set_state_and_explorer():
    st = set_state(70, 2)
    s = st["set"]
    assert s.rir == 2 and s.reps_done == s.reps_possible - 2
    assert st["capacity"][-1] < st["capacity"][0]  # fatigue lowers the capacity over the set
    with pytest.raises(ValueError, match="load"):
        set_state(120, 0)
    ex = SetExplorer(load=70, rir=2, warm=False)
    state = ex.update(rir=0)
    assert state["set"].reps_done == state["set"].reps_possible
    assert "0 in reserve" in ex.readout or "0 RIR" in ex.readout
    assert_refuses(ex, dict(load=3), ["load"])
    assert_refuses(ex, dict(load=72), ["load", "one of the loads this explorer offers"])
    assert_refuses(ex, dict(rir=11), ["rir", "0 to 10"])
    assert_refuses(ex, dict(load=90, rir=5), ["choose fewer than 3 reps in reserve"])


# -- 2.1 effect sizes ---------------------------------------------------------------------------

def test_effect_size_state_matches_independent_formulas():
    s = effect_size_state(0.15, 2.0, 10.0)
    assert s["u3"] == pytest.approx(stats.norm.cdf(0.15))  # 0.5596
    assert s["u3"] == pytest.approx(0.5596, abs=1e-4)
    assert s["overlap"] == pytest.approx(2 * stats.norm.cdf(-0.075))  # 0.9402
    assert s["prob_superiority"] == pytest.approx(stats.norm.cdf(0.15 / math.sqrt(2)))  # 0.5422
    assert s["nnt"] == pytest.approx(1 / (stats.norm.cdf(0.15) - 0.5))  # 16.8 (CER 50 %)
    assert s["thickness_mm"] == pytest.approx(0.30) and s["one_rm_kg"] == pytest.approx(1.5)
    assert s["example_sds"] is True
    assert effect_size_state(0.15, 3.0, 10.0)["example_sds"] is False


def test_effect_size_state_negative_and_zero_d():
    neg = effect_size_state(-0.5, 4.0, 20.0)
    assert neg["u3"] == pytest.approx(1 - es.cohens_u3(0.5))
    assert neg["thickness_mm"] == pytest.approx(-2.0) and neg["one_rm_kg"] == pytest.approx(-10.0)
    assert neg["nnt"] < 0  # number needed to harm
    zero = effect_size_state(0.0)
    assert zero["u3"] == 0.5 and zero["overlap"] == 1.0 and math.isinf(zero["nnt"])


@pytest.mark.parametrize("bad, word", [
    (dict(d="0.2"), "d must be"), (dict(d=float("nan")), "d must be"), (dict(d=5), "d must be"),
    (dict(d=True), "d must be"), (dict(sd_thickness=0), "sd_thickness"),
    (dict(sd_thickness=-2), "sd_thickness"), (dict(sd_1rm=None), "sd_1rm"),
])
def test_effect_size_state_refuses_bad_input(bad, word):
    args = {**dict(d=0.15, sd_thickness=2.0, sd_1rm=10.0), **bad}
    with pytest.raises(ValueError, match=word):
        effect_size_state(**args)


def test_effect_size_explorer_readout_and_refusal():
    ex = EffectSizeExplorer()
    text = ex.readout.replace("\u00a0", " ")
    assert ex.state["d"] == 0.15 and ex.state["cer"] == 0.5 and ex.js == "effect_size"
    assert text.startswith("<b>What the figure shows</b>")
    assert "56 % of the failure group is above the mean of the non-failure group" in text
    assert "overlap by 94 %" in text and "54 % chance" in text
    assert "If 50 % of the non-failure group count as responders" in text
    assert "about 16.8 people would have to train to failure for one extra responder" in text
    assert "example SDs" in text and "+0.30 mm" in text and "+1.5 kg" in text
    ex.update(d=-0.6, sd_thickness=3.0)
    text = ex.readout.replace("\u00a0", " ")
    assert "favours non-failure" in text and "your SDs" in text
    assert "\u22121.80 mm" in text and "\u22126.0 kg" in text
    assert "number needed to harm" in text
    # the control event rate (in %) moves the NNT: rpsychologist's 20 % at d = 0.8 gives 3.5
    ex.update(d=0.8, cer=20, sd_thickness=2.0)
    assert ex.state["nnt"] == pytest.approx(es.nnt(0.8, cer=0.2))
    assert "about 3.5 people" in ex.readout and "48.3 of 100 with it" in ex.readout
    ex.update(d=0.0)
    assert "no number of people trained to failure adds a responder" in ex.readout
    ex.update(guess=1.25)  # the game's answer box: no change to the sentence
    assert ex.state["d"] == 0.0 and ex.controls["guess"].value == 1.25
    assert_refuses(ex, dict(sd_1rm=0), ["sd_1rm"])
    assert_refuses(ex, dict(d=2.5), ["d must be from -1 to 2 in this explorer"])
    assert_refuses(ex, dict(cer=0), ["cer must be from 1 to 99 in this explorer"])
    assert_refuses(ex, dict(guess=3), ["guess"])
    data = ex.spec()["data"]
    assert data == {"example_sds": [2.0, 10.0]} and len(ex.html()) < 300_000


# -- 2.2 CIs and power ----------------------------------------------------------------------------

def test_ci_state_coverage_is_95_percent():
    """Over many synthetic replications, about 95 % of the CIs include the true d.

    The normal CI of g is approximate (slightly conservative for small n), so 0.01 is allowed
    on top of three Monte-Carlo standard errors.
    """
    r = 3000
    s = ci_state(0.5, 30, replications=r, seed=11)
    coverage = s["covers"].mean()
    assert abs(coverage - 0.95) < mc_tolerance(0.95, r, 0.01)
    assert s["n_miss"] == r - s["covers"].sum()
    # a CI excludes 0 about as often as the t-test is significant: the power
    assert abs((1 - s["crosses_zero"].mean()) - s["power"]) < mc_tolerance(s["power"], r, 0.02)
    # under d = 0, about 95 % of CIs cross zero
    null = ci_state(0.0, 30, replications=r, seed=12)
    assert abs(null["crosses_zero"].mean() - 0.95) < mc_tolerance(0.95, r, 0.01)


@pytest.mark.parametrize("d, n", [(0.15, 15), (0.15, 200), (0.5, 20), (-0.3, 60), (0.8, 5),
                                  (1.5, 150)])
def test_ci_state_uses_the_library(d, n):
    s = ci_state(d, n, replications=20, seed=2)
    assert s["power"] == pytest.approx(es.power(d, n), rel=1e-12)
    assert s["n_for_80"] == es.n_per_group(d)
    assert s["half_width"] == pytest.approx(es.ci_half_width(n, d))
    assert s["cis"].shape == (20, 2) and s["estimates"].shape == (20,)
    assert np.all(s["cis"][:, 0] < s["estimates"]) and np.all(s["estimates"] < s["cis"][:, 1])
    # replication 1 recomputed with failurelab.effect_sizes.smd from the same seeded draws
    z = np.random.default_rng(2).standard_normal((n, 20, 2))
    fail, ctrl = z[:, 0, 0] + d, z[:, 0, 1]
    first = es.smd(fail.mean(), fail.std(ddof=1), n, ctrl.mean(), ctrl.std(ddof=1), n)
    assert s["estimates"][0] == pytest.approx(first.g)
    assert tuple(s["cis"][0]) == pytest.approx((first.ci_low, first.ci_high))
    assert s["covers"].tolist() == [lo <= d <= hi for lo, hi in s["cis"]]
    assert s["crosses_zero"].tolist() == [lo <= 0 <= hi for lo, hi in s["cis"]]


def test_ci_state_known_numbers_and_edge_cases():
    s = ci_state(0.15, 15)
    assert s["n_for_80"] == 699  # Cohen's two-sided t-test, alpha 0.05
    # power from the noncentral t directly (df = 28, noncentrality 0.15 sqrt(15/2))
    df, ncp, crit = 28, 0.15 * math.sqrt(7.5), stats.t.isf(0.025, 28)
    assert s["power"] == pytest.approx(stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp))
    assert s["power"] == pytest.approx(0.068, abs=5e-4)
    assert ci_state(0.15, 15)["cis"] is s["cis"]  # cached: a revisited slider value is free
    assert not s["cis"].flags.writeable
    zero = ci_state(0.0, 15)
    assert zero["n_for_80"] is None and zero["power"] == pytest.approx(0.05)
    # statsmodels gives NaN when power is within ~1e-15 of 1; the curve still shows 100 %
    big = ci_state(1.5, 100)
    assert math.isfinite(big["power"]) and big["power"] > 0.999999
    n_grid, curve = big["power_curve"]
    assert np.all(np.isfinite(curve))
    for i in (0, 20, 60, len(n_grid) - 1):  # the curve is failurelab.effect_sizes.power
        assert curve[i] == pytest.approx(es.power(1.5, n_grid[i]), rel=1e-9)
        assert ci_state(0.15, 15)["power_curve"][1][i] == pytest.approx(
            es.power(0.15, n_grid[i]), rel=1e-9)
    assert np.all(np.diff(ci_state(0.3, 15)["power_curve"][1]) >= -1e-12)  # power rises with n
    # more people, same studies: the seed fixes the draws and n only adds rows
    a, b = ci_state(0.2, 10, seed=5), ci_state(0.2, 10, seed=5)
    assert np.array_equal(a["cis"], b["cis"])
    assert not np.array_equal(a["cis"], ci_state(0.2, 10, seed=6)["cis"])


@pytest.mark.parametrize("bad, word", [
    (dict(n=1), "n must be"), (dict(n=15.5), "whole number"), (dict(n="15"), "n must be"),
    (dict(d=float("inf")), "d must be"), (dict(replications=0), "replications"),
    (dict(seed=-1), "seed"),
])
def test_ci_state_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        ci_state(**{**dict(d=0.15, n=15, replications=20, seed=2), **bad})


def test_ci_explorer_readout_and_refusal():
    ex = CIExplorer()
    s = ex.state
    text = ex.readout.replace("\u00a0", " ")
    assert s["d"] == 0.15 and s["n"] == 15 and len(s["cis"]) == 20
    assert "synthetic" in text and "699 per group are needed for 80 % power" in text
    assert f"{s['n_cross_zero']} of 20 CIs cross zero" in text
    assert "not \u201cno effect\u201d" in text
    s2 = ex.update(n=200, d=0.5)
    assert s2["n"] == 200 and ex.controls["n"].value == 200
    assert s2["n_cross_zero"] < s["n_cross_zero"]
    assert_refuses(ex, dict(n=1), ["n must be"])
    # the pure function accepts n = 300; the explorer refuses what its slider cannot show
    assert ci_state(0.15, 300)["n"] == 300
    assert_refuses(ex, dict(n=300), ["n must be from 5 to 200 in this explorer"])
    assert {c.kind for c in ex.controls.values()} == {"range", "button"}


def test_ci_explorer_ships_the_draws_and_t_quantiles():
    """The view's data: the seeded draws (exactly), J and the t quantile for every n it shows,
    and the n for 80 % power at every d of the slider."""
    import base64

    ex = CIExplorer()
    data = ex.spec()["data"]
    draws = np.frombuffer(base64.b64decode(data["draws"]), dtype="<f8").reshape(200, 20, 2)
    assert np.array_equal(draws[:15], np.random.default_rng(2).standard_normal((15, 20, 2)))
    t = np.frombuffer(base64.b64decode(data["t_crit"]), dtype="<f8")
    assert len(t) == len(data["ns"]) and set(range(5, 201)) <= set(data["ns"])
    assert t[data["ns"].index(15)] == stats.t.isf(0.025, 28)
    assert data["n_for_80"]["0.15"] == 699 and data["n_for_80"]["0.00"] is None
    assert len(data["n_for_80"]) == 41 and len(ex.html()) < 300_000


# -- 2.3 pooling --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["EE", "DL", "REML"])
def test_meta_state_pools_with_failurelab_meta(method):
    s = meta_state(k=9, n=15, true_effect=0.2, tau=0.2, method=method, seed=3)
    st = s["studies"]
    assert len(st) == 9 and s["k"] == 9 and s["method"] == method
    assert s["pooled"] == meta.pool(st["yi"], st["vi"], method=method)
    assert s["pooled_ee"] == meta.pool(st["yi"], st["vi"], method="EE")
    assert st["weight"].sum() == pytest.approx(100)
    assert list(st["ci"]) == list(zip(st["ci_low"], st["ci_high"]))
    if method == "EE":
        assert s["pooled"].tau2 == 0 and s["pooled"].pi_low == pytest.approx(s["pooled"].ci_low)


def test_meta_state_studies_come_from_synthetic_trials():
    s = meta_state(k=6, n=20, true_effect=0.3, tau=0.1, seed=7)
    trials = synthetic_trials(6, (10, 30), 0.3, 0.1, 7)
    assert s["n_range"] == (10, 30)
    assert list(s["studies"]["n_per_group"]) == list(trials["n_failure"])
    row = trials.iloc[2]
    g = es.smd(row.mean_failure, row.sd_failure, row.n_failure, row.mean_nonfailure,
               row.sd_nonfailure, row.n_nonfailure)
    assert s["studies"]["yi"].iat[2] == pytest.approx(g.g)
    assert s["studies"]["vi"].iat[2] == pytest.approx(g.vi)
    # adding studies keeps the first ones (the draws are sequential per study)
    more = meta_state(k=12, n=20, true_effect=0.3, tau=0.1, seed=7)["studies"]
    assert np.allclose(more["yi"].iloc[:6], s["studies"]["yi"])
    # the returned table is a copy: changing it does not change the cache
    s["studies"].loc[0, "yi"] = 99
    assert meta_state(k=6, n=20, true_effect=0.3, tau=0.1, seed=7)["studies"]["yi"].iat[0] != 99


def test_meta_state_many_large_studies_find_the_true_effect():
    s = meta_state(k=30, n=100, true_effect=0.4, tau=0.0, method="REML", seed=1)
    p = s["pooled"]
    assert p.ci_low < 0.4 < p.ci_high
    assert abs(p.estimate - 0.4) < 0.1


@pytest.mark.parametrize("bad, word", [
    (dict(k=1), "k must be"), (dict(k=31), "k must be"), (dict(k=2.5), "whole number"),
    (dict(n=3), "n must be"), (dict(tau=-0.1), "tau must be"),
    (dict(true_effect=float("nan")), "true_effect"), (dict(method="XX"), "method must be"),
])
def test_meta_state_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        meta_state(**{**dict(k=7, n=15, true_effect=0.2, tau=0.1, method="REML", seed=3), **bad})


def test_meta_explorer_readout_and_refusal():
    ex = MetaExplorer()
    p = ex.state["pooled"]
    text = ex.readout.replace("\u00a0", " ")
    assert ex.state["k"] == 7 and p.method == "REML"
    assert "7 synthetic studies" in text
    for number in (p.estimate, p.ci_low, p.ci_high, p.pi_low, p.pi_high):
        assert f"{number:.2f}".replace("-", "\u2212") in text
    assert f"I\u00b2 = {p.I2:.0f} %" in text and f"\u03c4\u00b2 = {p.tau2:.3f}" in text
    assert f"equal effects give {ex.state['pooled_ee'].estimate:.2f}".replace("-", "\u2212") in text
    assert "fragile" not in text
    ex.update(k=2)
    assert "fragile" in ex.readout
    ex.update(method="EE", k=12)
    assert "equal-effects model" in ex.readout and ex.state["pooled"].tau2 == 0
    ex.update(k=30)  # the layout holds the most studies the slider offers
    assert len(ex.state["studies"]) == 30
    assert_refuses(ex, dict(k=1), ["k must be", "2 to 30"])
    assert_refuses(ex, dict(tau=-1), ["tau"])
    assert_refuses(ex, dict(n=17), ["n moves in steps of 5"])  # the view has studies for 5, 10, ...


def test_meta_explorer_ships_standardised_studies():
    """Study i's g is J(n_i) (true effect + tau z_i + a_i) / b_i with the shipped numbers: the
    same as meta_state's (from failurelab.synthetic.synthetic_trials) for any effect and tau."""
    import base64

    ex = MetaExplorer()
    data = ex.spec()["data"]
    assert sorted(map(int, data["studies"])) == list(range(5, 101, 5))
    assert len(ex.html()) < 300_000

    def decode(text):
        return np.frombuffer(base64.b64decode(text), dtype="<f8")

    J = decode(data["J"])
    for n, true_effect, tau in [(15, 0.2, 0.1), (5, -0.5, 0.6), (100, 1.0, 0.0), (40, 0.35, 0.25)]:
        shipped = data["studies"][str(n)]
        z, a, b = (decode(shipped[key]) for key in "zab")
        sizes = np.array(shipped["n_i"])
        g = J[sizes - data["j_from"]] * (true_effect + tau * z + a) / b
        state = meta_state(30, n, true_effect, tau, "REML", 3)
        st = state["studies"]
        assert list(st["n_per_group"]) == list(sizes) and shipped["n_range"] == [*state["n_range"]]
        assert np.allclose(g, st["yi"], rtol=1e-12, atol=1e-13)


# -- chapter 3 ----------------------------------------------------------------------------------

def test_how_close_state_is_the_practice_simulation():
    st = how_close_state(reported_rir=2, n=200, seed=4)
    sim = practice.simulate_rir_error(2, n=200, seed=4, bias=0.95)
    assert st["reported_rir"] == 2 and len(st["true_rir"]) == 200
    np.testing.assert_array_equal(st["true_rir"], sim.true_rir)
    assert st["mean_true"] == pytest.approx(sim.true_rir.mean())
    assert st["sd_true"] == pytest.approx(sim.true_rir.std(ddof=1))
    assert st["share_further"] == pytest.approx(np.mean(sim.true_rir - 2 >= 1))
    assert st["share_closer"] == pytest.approx(np.mean(sim.true_rir < 2))
    assert st["share_at_failure"] == pytest.approx(np.mean(sim.true_rir == 0))
    assert how_close_state(0, 200, 4, bias=0.0)["share_at_failure"] > 0.4  # cut at 0 RIR
    # simulated mean = reported + bias + 0.15 x reported (cut at 0 hardly matters at 2 RIR)
    assert st["mean_true"] == pytest.approx(2 + 0.95 + 0.3, abs=3 * 1.4 / math.sqrt(200))
    # seeded: the same call gives the same sets, another seed other sets
    again = how_close_state(2, 200, 4)
    np.testing.assert_array_equal(again["true_rir"], st["true_rir"])
    assert not np.array_equal(how_close_state(2, 200, 5)["true_rir"], st["true_rir"])
    # mean +- SD panel: one point per reported RIR 0-6, from the same simulation
    x, mean, sd = st["curve"]
    assert list(x) == list(range(7))
    assert mean[2] == pytest.approx(st["mean_true"]) and sd[2] == pytest.approx(st["sd_true"])
    assert np.all(np.diff(mean) > 0) and np.all(np.diff(sd) > 0)  # the assumed slopes


def test_how_close_state_bias_shifts_the_truth():
    none, big = how_close_state(4, 500, 4, bias=0.0), how_close_state(4, 500, 4, bias=2.0)
    assert big["mean_true"] - none["mean_true"] == pytest.approx(2.0, abs=0.05)
    assert big["share_further"] > none["share_further"]


@pytest.mark.parametrize("bad, word", [
    (dict(reported_rir=-1), "reported_rir"), (dict(reported_rir=1.5), "whole number"),
    (dict(reported_rir="2"), "reported_rir"), (dict(n=1), "n must be"),
    (dict(seed=-1), "seed"), (dict(bias=float("nan")), "bias"),
])
def test_how_close_state_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        how_close_state(**{**dict(reported_rir=2, n=200, seed=4), **bad})


def test_how_close_explorer_readout_and_refusal():
    ex = HowCloseExplorer()
    st = ex.state
    assert st["reported_rir"] == 2 and len(st["true_rir"]) == 200
    text = ex.readout.replace("\u00a0", " ")
    assert text.startswith("<b>What the figure shows</b>")
    assert "teaching simulation \u2014 bias from Halperin 2022, spread assumed" in text
    assert f"{100 * st['share_further']:.0f} %" in text and f"{st['mean_true']:.1f}" in text
    state = ex.update(reported_rir=5, bias=1.5)
    assert state["reported_rir"] == 5 and state["bias"] == 1.5
    assert ex.controls["reported_rir"].value == 5 and ex.controls["bias"].value == 1.5
    assert_refuses(ex, dict(reported_rir=7), ["reported_rir", "0 to 6"])
    assert_refuses(ex, dict(bias=-0.5), ["bias", "0 to 2"])
    assert_refuses(ex, dict(bias=0.005), ["bias", "steps of 0.01"])
    assert ex.update(reported_rir=0) is not None and ex.error is None


def test_set_plan_state_matches_the_formulas():
    st = set_plan_state(75, 2)
    spread = practice.formula_spread(0.75)
    for name in practice.REPS_AT_LOAD:
        reps = practice.reps_at_load(0.75, name)
        assert st["to_failure"][name] == pytest.approx(reps)
        assert st["planned"][name] == math.floor(reps - 2 + 1e-9)
    # Epley 30 (1/0.75 - 1) = 10, Brzycki 37 - 27 = 10, modified Epley 1 + (1/3)/0.0353 = 10.44
    assert st["planned"] == {"Epley": 8, "Brzycki": 8, "Modified Epley": 8}
    assert st["planned_range"] == (8, 8) and st["possible"] and st["message"] == ""
    assert st["spread"] == pytest.approx(spread["spread"])
    assert st["model_reps"] == pytest.approx(reps_to_failure(0.75))
    assert st["model_planned"] == math.floor(reps_to_failure(0.75) - 2 + 1e-9)
    # formulas disagree most at light loads
    assert set_plan_state(40, 2)["spread"] > 10 * set_plan_state(75, 2)["spread"]
    light = set_plan_state(40, 0)
    assert light["planned_range"] == (math.floor(37 - 36 * 0.4), math.floor(30 * 1.5 + 1e-9))


def test_set_plan_state_says_when_no_plan_is_possible():
    st = set_plan_state(95, 3)  # 1.6 to 2.8 reps to failure
    assert not st["possible"] and st["planned_range"] is None
    assert all(v is None for v in st["planned"].values())
    assert "No plan" in st["message"] and "lighter load" in st["message"]
    some = set_plan_state(95, 1)  # Epley 1.58 -> 0 planned; Brzycki 2.8 -> 1
    assert some["planned"]["Epley"] is None and some["planned"]["Brzycki"] == 1
    assert "Epley" in some["message"] and some["planned_range"] == (1, 1)


@pytest.mark.parametrize("bad, word", [
    (dict(load=0), "load"), (dict(load=101), "load"), (dict(load="75"), "load"),
    (dict(target_rir=-1), "target_rir"), (dict(target_rir=1.5), "whole number"),
])
def test_set_plan_state_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        set_plan_state(**{**dict(load=75, target_rir=2), **bad})


def test_set_planner_explorer_readout_and_refusal():
    ex = SetPlannerExplorer()
    text = ex.readout
    assert text.startswith("<b>What the figure shows</b>")
    assert "plan <b>8 reps</b>" in text and "chapter-1 model (teaching mapping)" in text
    assert "most at light loads" in text
    ex.update(load=95, target_rir=3)
    assert "no plan is possible" in ex.readout and "No plan" in ex.readout
    state = ex.update(load=60, target_rir=1)
    assert state["load"] == 60 and ex.controls["load"].value == 60
    lo, hi = state["planned_range"]
    assert f"plan <b>{lo}\u2013{hi} reps</b>" in ex.readout
    assert_refuses(ex, dict(load=100), ["load", "40 to 95"])
    assert_refuses(ex, dict(target_rir=6), ["target_rir", "0 to 5"])
    assert_refuses(ex, dict(load=77), ["load", "one of the loads this explorer offers"])
    assert ex.update(target_rir=0) is not None and ex.error is None


def test_benchmark_sweeps_every_explorer_with_accepted_settings():
    """The budget is measured by `python -m tools bench` (not by a timed test): its
    sweeps must cover every exported explorer and move every control; a refused value must
    come with a message (the bench times the refusal path too)."""
    from failurelab import widgets
    from tools.bench import _explorer_sweeps

    sweeps = _explorer_sweeps()
    exported = {getattr(widgets, name) for name in widgets.__all__
                if name.endswith("Explorer") and name != "Explorer"}
    assert {cls for cls, _ in sweeps.values()} == exported
    for name, (cls, sweep) in sweeps.items():
        explorer = cls()
        moved = {key for params in sweep for key in params}
        assert moved == {n for n, c in explorer.controls.items() if c.kind != "button"}, name
        accepted = 0
        for params in sweep:
            accepted += explorer.update(**params) is not None
            assert explorer.error is None or explorer.error.strip(), (name, params)
        assert accepted >= 0.8 * len(sweep), (name, accepted, len(sweep))


# -- every explorer: unknown controls, hostile values, HTML escaping ----------------------------
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module", params=exported_explorers(), ids=lambda cls: cls.__name__)
def any_explorer(request):
    return quick_explorer(request.param)


def test_every_explorer_refuses_an_unknown_control_by_name(any_explorer):
    with pytest.raises(ValueError, match=r"unknown control 'bogus'; controls: \w+"):
        any_explorer.update(bogus=1)


@pytest.mark.parametrize("bad", [HOSTILE, None, [1, 2], True, 10**400, float("nan")],
                         ids=["html", "none", "list", "bool", "big-int", "nan"])
def test_every_control_refuses_hostile_values_inline(any_explorer, bad):
    """No traceback for any value of any control: a message naming the control, the state and
    the controls kept (the view shows messages as text, never as markup)."""
    for name, control in any_explorer.controls.items():
        if control.kind == "button" or (bad is True and (isinstance(control.value, bool)
                                                         or control.value == 1)):
            continue  # a button has no value; a checkbox (True is valid) or a value equal to True
        assert_refuses(any_explorer, {name: bad}, [name])


def test_alert_html_escapes_its_text():
    assert alert_html("<script>x</script> & 'y'") == (
        '<div role="alert" style="color:#A33E00">'
        "&lt;script&gt;x&lt;/script&gt; &amp; &#x27;y&#x27;</div>")


def test_log_explorer_escapes_an_exercise_name_in_its_readout():
    name = "<img src=x onerror=alert(1)>"  # no quotes: a CSV cell as a learner types it
    rows = "".join(f"2024-01-{day:02d},{name},1,{w},5,2,false\n"
                   for day, w in ((1, 80), (8, 82.5), (15, 85)))
    log = load_log(io.StringIO("date,exercise,set,weight_kg,reps,rir,failure\n" + rows))
    ex = LogExplorer(log=log)
    assert ex.state is not None
    assert "&lt;img src=x onerror=alert(1)&gt;" in ex.readout
    assert "<img" not in ex.readout


def test_explorer_html_keeps_markup_in_its_data_inert():
    """Text in a spec (titles, labels, options) cannot end the JSON script or become markup."""
    explorer = SizePrincipleExplorer()
    explorer.title = HOSTILE + "</script><script>alert(2)</script>"
    explorer.controls["muscle"].options[0] = (HOSTILE, "hand")
    page = explorer.html()
    assert "</script><script>alert(2)" not in page and HOSTILE not in page
    assert page.count("</script>") == 2  # the JSON's and the module's own end tags
    spec = page.split('<script type="application/json">')[1].split("</script>")[0]
    assert json.loads(spec)["controls"][1]["options"][0][0] == HOSTILE
    assert json.loads(spec) == explorer.spec()


def test_python_follows_the_view_and_the_view_follows_python():
    """In JupyterLab the view sends its control values (widget.params); Python recomputes the
    reference state. Python's update() moves the view's controls the same way."""
    explorer = SizePrincipleExplorer()
    widget = explorer.widget
    assert widget.spec == explorer.spec() and widget.params == {"effort": 30, "muscle": "default"}
    assert "function mount(" in widget._esm and "export default" in widget._esm
    widget.params = {"effort": 64, "muscle": "limb"}  # as the view's save_changes() does
    assert explorer.state["effort"] == 64 and explorer.state["muscle"] == "limb"
    assert "at 64 % of maximal force" in explorer.readout
    explorer.update(effort=12)
    assert widget.params == {"effort": 12, "muscle": "limb"}
    bundle = explorer._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(bundle)
    assert bundle["text/html"] == explorer.html()


def test_explorer_spec_is_plain_json_with_every_control():
    for cls in exported_explorers():
        explorer = quick_explorer(cls)
        spec = explorer.spec()
        assert json.loads(json.dumps(spec, allow_nan=False)) == spec, cls.__name__
        assert [c["name"] for c in spec["controls"]] == list(explorer.controls), cls.__name__
        assert (JS_DIR / f"{explorer.js}.js").is_file(), cls.__name__


def test_widget_modules_share_helpers_only_through_base():
    """Sibling explorer modules import from .base (never from each other); the helpers are
    defined once, there; power comes from failurelab.effect_sizes.power."""
    import ast
    from pathlib import Path

    import failurelab.widgets as package

    helpers = {"_value", "_check_controls", "_num", "_signed", "_pct", "slider", "dropdown",
               "checkbox", "button", "jsonable", "alert_html"}
    for path in Path(package.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name not in ("__init__.py", "base.py"):
            siblings = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                        and n.level == 1 and n.module != "base"]
            assert not siblings, (path.name, siblings)
            defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            assert not defined & helpers, (path.name, defined & helpers)
        assert "_power_solver" not in path.read_text(encoding="utf-8"), path.name
