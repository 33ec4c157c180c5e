"""Chapter-4 explorers of notebooks 4.1-4.2: study design and measurement error.

Values against failurelab.studies / effect_sizes and statsmodels, bad input, and the grids the
browser views draw from (the same numbers as the state functions, small enough to ship)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_refuses
from statsmodels.stats.power import TTestIndPower

from failurelab import effect_sizes as es
from failurelab import studies as st
from failurelab.widgets.base import B64
from failurelab.widgets.limitations import (
    DESIGN_ERRORS,
    DESIGN_NS,
    DESIGN_WEEKS,
    EFFECTS,
    MEASUREMENT_NS,
    MEASUREMENT_RELS,
    MeasurementErrorExplorer,
    StudyDesignExplorer,
    _n_for_80,
    _num,
    _pct,
    design_grid,
    design_state,
    measurement_grid,
    measurement_state,
)


def sm_power(d, n):
    return float(TTestIndPower().power(effect_size=d, nobs1=n, alpha=0.05, ratio=1.0,
                                       alternative="two-sided"))


# -- 4.1 study design ----------------------------------------------------------------------------

def test_design_state_is_the_studies_simulation():
    s = design_state(weeks=8, n=15, true_effect=0.5, error_ratio=0.5, replications=2000, seed=41)
    assert s["reliability"] == pytest.approx(0.8)  # 1 / (1 + 0.5^2) at the reference 8 weeks
    assert s["observed_d"] == pytest.approx(0.5 * math.sqrt(0.8))
    sim = st.simulate_studies(15, 0.5, 0.8, replications=2000, seed=41)
    assert np.array_equal(s["sim"].g, sim.g) and s["power"] == sim.power
    assert s["power_analytic"] == pytest.approx(sm_power(s["observed_d"], 15))
    assert abs(s["power"] - s["power_analytic"]) <= 3 * s["power_mc_se"]
    assert s["hist_significant"].sum() == s["n_significant"] == int(sim.significant.sum())
    assert s["n_same_sign"] == int((sim.significant & (sim.g > 0)).sum()) <= s["n_significant"]
    assert s["hist_significant"].sum() + s["hist_not_significant"].sum() == 2000
    assert s["mean_ci_width"] == pytest.approx(np.mean(sim.ci_high - sim.ci_low))
    n_grid, curve = s["power_curve"]
    for n in (10, 20, 64):
        assert curve[list(n_grid).index(n)] == pytest.approx(sm_power(s["observed_d"], n))
    perfect = dict(zip(*s["power_curve_perfect"]))
    assert perfect[64] == pytest.approx(0.8015, abs=1e-3)  # statsmodels 0.15: d = 0.5 needs 64
    assert s["n_for_80_perfect"] == 64 and s["n_for_80"] == es.n_per_group(s["observed_d"])
    # small studies that reach significance overstate the effect (winner's curse)
    assert s["mean_significant"] > s["observed_d"] and s["exaggeration"] > 1


def test_longer_studies_are_more_reliable_under_the_stated_assumption():
    short = design_state(weeks=6, n=15, true_effect=0.5, error_ratio=0.7)
    long = design_state(weeks=12, n=15, true_effect=0.5, error_ratio=0.7)
    assert short["reliability"] == pytest.approx(st.change_reliability(6, 0.7))
    assert short["reliability"] < long["reliability"]
    assert short["power_analytic"] < long["power_analytic"]
    perfect = design_state(weeks=6, n=15, true_effect=0.5, error_ratio=0.0)
    assert perfect["reliability"] == 1.0 and perfect["observed_d"] == 0.5


@pytest.mark.parametrize("d", [0.05, 0.15, 0.2, 0.3, 0.5, 0.8, 1.33, -0.4])
def test_fast_n_for_80_equals_effect_sizes_n_per_group(d):
    assert _n_for_80(d) == es.n_per_group(d, power=0.8)
    assert _n_for_80(0.0) is None


def test_design_state_zero_effect():
    s = design_state(weeks=8, n=20, true_effect=0.0, error_ratio=0.5)
    assert s["n_for_80"] is None and s["exaggeration"] is None
    assert abs(s["power"] - 0.05) <= 3 * math.sqrt(0.05 * 0.95 / s["replications"])


@pytest.mark.parametrize("bad, word", [
    (dict(weeks=0), "weeks"), (dict(weeks=8.5), "weeks"), (dict(n=1), "n"),
    (dict(true_effect="big"), "true_effect"), (dict(error_ratio=-0.1), "error_ratio"),
    (dict(true_effect=float("nan")), "true_effect")])
def test_design_state_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        design_state(**bad)


def test_study_design_explorer_readout_and_refusal():
    ex = StudyDesignExplorer()
    s = ex.state
    assert (s["weeks"], s["n"], s["true_effect"], s["error_ratio"]) == (8, 15, 0.2, 0.5)
    text = ex.readout
    assert text.startswith("<b>What the figure shows</b>") and "synthetic" in text
    assert "an 8-week study" in text and "gains grow steadily" in text
    assert f"{round(100 * s['power'])}\u00a0% of the simulated studies" in text
    assert f"The {s['n_same_sign']:,} significant studies with the right sign" in text
    s2 = ex.update(weeks=12, n=20)
    assert (s2["weeks"], s2["n"]) == (12, 20) and ex.controls["n"].value == 20
    assert_refuses(ex, dict(n=500), ["n", "one of this explorer's 9 options"])
    assert_refuses(ex, dict(n=12), ["n", "(5, 10, 15"])
    assert_refuses(ex, dict(weeks=2), ["weeks", "4 to 24"])
    # the view shows precomputed settings only: the steps of its controls
    assert_refuses(ex, dict(weeks=6), ["weeks", "steps of 4"])
    assert_refuses(ex, dict(true_effect=0.25), ["true_effect", "steps of 0.1"])
    assert_refuses(ex, dict(error_ratio=0.25), ["error_ratio", "steps of 0.5"])
    assert ex.update(n=15) is not None and ex.error is None and ex.message == ""


# -- 4.2 measurement error ----------------------------------------------------------------------

def test_measurement_state_attenuates_and_matches_statsmodels():
    s = measurement_state(reliability=0.64, true_effect=0.5, n=15)
    assert s["observed_d"] == pytest.approx(0.4)
    assert s["measured_sd"] == pytest.approx(1.25) and s["error_sd"] == pytest.approx(0.75)
    assert s["power_analytic"] == pytest.approx(sm_power(0.4, 15))
    assert s["power_perfect"] == pytest.approx(sm_power(0.5, 15))
    assert abs(s["power"] - s["power_analytic"]) <= 3 * s["power_mc_se"]
    grid, curve = s["power_curve"]
    assert grid[-1] == 1.0 and np.all(np.diff(curve) > 0) and np.isfinite(curve).all()
    assert curve[list(grid).index(0.64)] == pytest.approx(sm_power(0.4, 15))
    assert s["n_for_80"] == es.n_per_group(0.4) and s["n_for_80_perfect"] == 64
    # about 1 / reliability as many people
    assert abs(s["n_for_80"] - 64 / 0.64) <= 2


def test_measurement_power_curve_has_no_gaps_at_high_power():
    s = measurement_state(reliability=1.0, true_effect=1.5, n=100)
    assert np.isfinite(s["power_curve"][1]).all() and s["power_perfect"] == pytest.approx(1.0)


@pytest.mark.parametrize("bad, word", [
    (dict(reliability=0), "reliability"), (dict(reliability=1.1), "reliability"),
    (dict(reliability=None), "reliability"), (dict(n=2.5), "n"),
    (dict(true_effect=4), "true_effect")])
def test_measurement_state_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        measurement_state(**bad)


def test_measurement_error_explorer_readout_and_refusal():
    ex = MeasurementErrorExplorer()
    s = ex.state
    assert (s["reliability"], s["true_effect"], s["n"]) == (0.8, 0.5, 15)
    text = ex.readout
    assert "synthetic" in text and f"{_fmt(s['observed_d'])}" in text
    assert ex.update(reliability=0.5)["observed_d"] == pytest.approx(0.5 * math.sqrt(0.5))
    assert_refuses(ex, dict(reliability=0.1), ["reliability", "0.3 to 1"])
    assert_refuses(ex, dict(reliability=0.82), ["reliability", "steps of 0.05"])
    assert_refuses(ex, dict(n=106), ["n", "steps of 5"])
    assert ex.update(reliability=0.8) is not None and ex.error is None


def test_measurement_error_explorer_reaches_80_percent_at_reliability_0_6():
    """Notebook 4.2's prompt: at reliability 0.6 raise n until 80 % power (106 per group)."""
    from statsmodels.stats.power import TTestIndPower

    ex = MeasurementErrorExplorer(reliability=0.6, replications=200)
    needed = ex.state["n_for_80"]
    assert needed == 106 and ex.controls["n"].max >= needed
    assert TTestIndPower().power(0.5 * math.sqrt(0.6), nobs1=needed, alpha=0.05) >= 0.8
    assert TTestIndPower().power(0.5 * math.sqrt(0.6), nobs1=needed - 1, alpha=0.05) < 0.8
    # the slider moves in steps of 5: 105 falls short, 110 is the first n past 80 %
    assert ex.update(n=105)["power_analytic"] < 0.8
    s = ex.update(n=110)
    assert s is not None and s["power_analytic"] >= 0.8


def _fmt(x):
    return f"{x:.2f}"


# -- the grids the browser views draw from ---------------------------------------------------

_VALUE = {c: i for i, c in enumerate(B64)}


def unpack(text, width):
    return [sum(_VALUE[text[i + k]] * 64 ** (width - 1 - k) for k in range(width))
            for i in range(0, len(text), width)]


def test_design_grid_holds_the_numbers_of_design_state():
    grid = design_grid(replications=300, seed=41)
    S, D = max(map(max, grid["s_index"])) + 1, len(EFFECTS)
    cases = [(8, 0.5, 0.2, 15), (4, 1.5, 0.0, 5), (24, 0.0, 1.5, 100), (12, 1.0, 0.5, 40),
             (16, 0.5, 0.8, 70), (20, 1.5, 0.1, 10)]
    for weeks, error, d, n in cases:
        s = design_state(weeks, n, d, error, replications=300, seed=41)
        si = grid["s_index"][DESIGN_WEEKS.index(weeks)][DESIGN_ERRORS.index(error)]
        ni, di = DESIGN_NS.index(n), EFFECTS.index(d)
        hist, mixed_low, mixed_high, mean_sig, width = grid["sims"][(ni * S + si) * D + di]
        packed = unpack(hist, grid["digits"])
        total = np.zeros(grid["bins"][2], int)
        total[packed[0]:packed[0] + len(packed) - 1] = packed[1:]
        assert np.array_equal(total, s["hist_significant"] + s["hist_not_significant"])
        low, high = grid["mixed"][ni]
        sig = np.where((np.arange(len(total)) < low) | (np.arange(len(total)) > high), total, 0)
        sig[low], sig[high] = mixed_low, mixed_high
        assert np.array_equal(sig, s["hist_significant"])  # significance is a band of g
        assert _num(width) == _num(s["mean_ci_width"])
        assert (mean_sig is None) == (s["mean_significant"] is None)
        if mean_sig is not None:
            assert _num(mean_sig) == _num(s["mean_significant"])
        n80, curve, power = grid["analytic"][si * D + di]
        assert n80 == s["n_for_80"] and _pct(power[ni]) == _pct(s["power_analytic"])
        heights = np.array(unpack(curve, 2)) / grid["curve_top"]
        assert heights[grid["n_curve"].index(n)] == pytest.approx(s["power_analytic"], abs=3e-4)


def test_measurement_grid_holds_the_numbers_of_measurement_state():
    grid = measurement_grid(replications=300, seed=42)
    for rel, d, n in [(0.8, 0.5, 15), (0.3, 1.5, 150), (1.0, 0.0, 5), (0.6, 0.5, 110)]:
        s = measurement_state(rel, d, n, replications=300, seed=42)
        di, ni, ri = EFFECTS.index(d), MEASUREMENT_NS.index(n), MEASUREMENT_RELS.index(rel)
        assert unpack(grid["significant"][di][ni], grid["digits"])[ri] / 300 == s["power"]
        curve = grid["power"][di][ni]
        assert _pct(curve[grid["curve_reliabilities"].index(rel)]) == _pct(s["power_analytic"])
        assert _pct(curve[-1]) == _pct(s["power_perfect"])
        assert grid["n_for_80"][di][ri] == s["n_for_80"]
        assert grid["n_for_80"][di][-1] == s["n_for_80_perfect"]


def test_views_ship_small_precomputed_specs():
    for ex in (StudyDesignExplorer(), MeasurementErrorExplorer()):
        html = ex.html()
        assert len(html) < 300_000, type(ex).__name__
        assert "synthetic" in html and ex.js in ("study_design", "measurement_error")
