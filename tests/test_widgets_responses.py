"""Chapter 4 explorers of failurelab.widgets.responses: their states are the library's
simulations and analytic values, bad input gives a message and keeps the figure, and the grids
the browser views draw from hold the same numbers as the states and stay small."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import assert_refuses

from failurelab import effect_sizes as es
from failurelab import responses as rs
from failurelab.widgets.base import B64
from failurelab.widgets.responses import (
    INDIVIDUAL_NS,
    INDIVIDUAL_SD_NOISES,
    INDIVIDUAL_SD_RESPONSES,
    SD_IR_EDGES,
    VOLUME_DIRECT,
    VOLUME_GAINS,
    VOLUME_NS,
    VOLUME_SETS,
    IndividualResponsesExplorer,
    VolumeConfoundingExplorer,
    _pct,
    _plain,
    individual_grid,
    individual_responses_state,
    published_reference,
    volume_confounding_state,
    volume_grid,
)

# -- 4.3 individual responses --------------------------------------------------------------------

def test_individual_responses_state_is_the_library_simulation():
    s = individual_responses_state(sd_response=0.8, sd_noise=1.2, n=20, threshold=2.5)
    sim = rs.simulate_individual_responses(n=20, sd_response=0.8, sd_noise=1.2, threshold=2.5)
    assert np.array_equal(s["sd_ir"], sim.sd_ir)
    assert np.array_equal(s["one"]["change_intervention"], sim.change_intervention[0])
    assert s["one"]["sd_ir"] == pytest.approx(rs.sd_individual_responses(
        sim.change_intervention[0].std(ddof=1), sim.change_control[0].std(ddof=1)))
    assert s["expected"] == rs.expected_individual_responses(n=20, sd_response=0.8,
                                                             sd_noise=1.2, threshold=2.5)
    lab_i, lab_c = sim.labelled()
    assert s["share_labelled_intervention"] == lab_i.mean()
    assert s["share_labelled_control"] == lab_c.mean()
    assert s["share_negative"] == np.mean(sim.sd_ir < 0)
    assert s["hist"].sum() == pytest.approx(1.0) and len(s["hist"]) == len(SD_IR_EDGES) - 1
    assert s["sd_ir_p10"] < s["sd_response"] < s["sd_ir_p90"]
    # the mean of SD_I^2 - SD_C^2 over trials recovers the true variance within 3 MC SEs
    assert abs(s["mean_variance_difference"] - 0.8**2) <= 3 * s["mc_se_variance_difference"]


def test_individual_responses_state_without_any_responses():
    s = individual_responses_state(sd_response=0.0)
    assert s["expected"]["share_response"] == 0.0 and s["base_benefit"] == 0.0
    assert s["labelled_benefit"] == 0.0  # "responders" are labelled, but nobody responds
    assert s["share_labelled_intervention"] > 0.15 and 0.3 < s["share_negative"] < 0.7


def test_individual_responses_explorer_updates_readout_and_refuses():
    ex = IndividualResponsesExplorer()
    s = ex.state
    assert (s["sd_response"], s["sd_noise"], s["n"], s["threshold"]) == (0.5, 1.0, 15, 3.0)
    assert ex.readout.startswith("<b>What the figure shows</b>")
    assert "synthetic" in ex.readout
    assert f"{int(s['one']['labelled_intervention'].sum())} of 15 in the failure arm" \
        in ex.readout
    zero = ex.update(sd_response=0)
    assert "nobody responds to failure any differently" in ex.readout
    assert zero["sd_response"] == 0 and ex.controls["sd_response"].value == 0
    assert_refuses(ex, dict(n=500), ["n", "5 to 100"])
    assert_refuses(ex, dict(sd_noise=0), ["sd_noise", "0.2 to 2"])
    assert_refuses(ex, dict(threshold=float("nan")), ["threshold"])
    # the view shows precomputed settings only: the steps of its controls
    assert_refuses(ex, dict(sd_response=0.3), ["sd_response", "steps of 0.25"])
    assert_refuses(ex, dict(n=12), ["n", "steps of 5"])
    assert_refuses(ex, dict(threshold=3.1), ["threshold", "steps of 0.25"])
    assert ex.update(n=40) is not None and ex.error is None and ex.message == ""
    with pytest.raises(ValueError, match="unknown setting"):
        IndividualResponsesExplorer(sd_thing=1)


# -- 4.4 confounding with volume -----------------------------------------------------------------

def test_volume_confounding_state_is_the_library_simulation():
    s = volume_confounding_state(sets_failure=8, gain_per_set=0.08, direct_effect=0.1, n=20)
    sim = rs.simulate_volume_confounding(n=20, sets_failure=8, gain_per_set=0.08,
                                         direct_effect=0.1)
    assert s["mean_naive_g"] == pytest.approx(sim.naive_g.mean())
    assert s["mean_equated_g"] == pytest.approx(sim.equated_g.mean())
    assert s["expected_naive"] == pytest.approx((0.1 - 0.08 * 4) / math.sqrt(1 + 0.08**2))
    assert s["expected_equated"] == pytest.approx(0.1 / math.sqrt(1 + 0.08**2))
    assert s["power_naive"] == pytest.approx(es.power(s["expected_naive"], 20))
    assert s["share_significant_naive"] == sim.share_significant("naive")
    assert s["set_difference"] == -4
    for key, se in (("naive", "mc_se_naive"), ("equated", "mc_se_equated")):
        assert abs(s[f"mean_{key}_g"] - s[f"expected_{key}"]) <= 3 * s[se]
    assert s["hist_naive"].sum() == pytest.approx(1.0)


def test_published_reference_is_grgic_2022_volume_not_equated():
    ref = published_reference()
    assert (ref["estimate"], ref["ci_low"], ref["ci_high"]) == (-0.32, -0.57, -0.07)
    assert ref["doi"] == "10.1016/j.jshs.2021.01.007" and ref["verification"] == \
        "abstract-verified"


def test_volume_confounding_explorer_updates_readout_and_refuses():
    ex = VolumeConfoundingExplorer()
    s = ex.state
    assert (s["sets_failure"], s["gain_per_set"], s["direct_effect"], s["n"]) == (9, 0.1, 0, 15)
    text = ex.readout
    assert "does 3 fewer weekly sets than" in text and "failure itself has no effect" in text
    assert "synthetic" in text and "Grgic et al. 2022" in text
    more = ex.update(sets_failure=15)
    assert more["expected_naive"] > 0 and "3 more weekly sets" in ex.readout
    ex.update(sets_failure=12, direct_effect=0.2)
    assert "same weekly sets" in ex.readout and "+0.20 SD" in ex.readout
    assert_refuses(ex, dict(sets_failure=30), ["sets_failure", "4 to 20"])
    assert_refuses(ex, dict(gain_per_set=-0.1), ["gain_per_set"])
    assert_refuses(ex, dict(n=2.5), ["n"])
    assert_refuses(ex, dict(gain_per_set=0.12), ["gain_per_set", "steps of 0.05"])
    assert_refuses(ex, dict(direct_effect=0.25), ["direct_effect", "steps of 0.1"])
    with pytest.raises(ValueError, match="unknown setting"):
        VolumeConfoundingExplorer(volume=3)


# -- the grids the browser views draw from ---------------------------------------------------

_VALUE = {c: i for i, c in enumerate(B64)}


def counts_of(code, width, bins):
    values = [sum(_VALUE[code[i + k]] * 64 ** (width - 1 - k) for k in range(width))
              for i in range(0, len(code), width)]
    counts = np.zeros(bins, int)
    counts[values[0]:values[0] + len(values) - 1] = values[1:]
    return counts


def test_individual_grid_holds_the_numbers_of_the_state():
    grid = individual_grid()
    A, B = len(INDIVIDUAL_SD_RESPONSES), len(INDIVIDUAL_SD_NOISES)
    for sr, sn, n in [(0.5, 1.0, 15), (0.0, 0.2, 5), (2.0, 2.0, 100), (1.25, 0.6, 40)]:
        s = individual_responses_state(sr, sn, n)
        ai, bi, ni = (INDIVIDUAL_SD_RESPONSES.index(sr), INDIVIDUAL_SD_NOISES.index(sn),
                      INDIVIDUAL_NS.index(n))
        hist, p10, p90, negative = grid["sims"][(ni * A + ai) * B + bi]
        counts = counts_of(hist, grid["digits"], len(SD_IR_EDGES) - 1)
        assert np.array_equal(counts, np.round(s["hist"] * s["trials"]).astype(int))
        assert _plain(p10) == _plain(s["sd_ir_p10"]) and _plain(p90) == _plain(s["sd_ir_p90"])
        assert negative / s["trials"] == s["share_negative"]
    # trial 1's draws travel exactly: the view rebuilds that trial's change scores
    z = [np.array([float(v) for v in text.split(",")]) for text in grid["draws"]]
    s = individual_responses_state(0.5, 1.0, 100)
    control = 1.8 + 1.0 * z[0] + 1.0 * z[1]
    assert np.array_equal(control, s["one"]["change_control"])
    assert np.array_equal(1.8 + 1.0 * z[2] + 1.0 * z[3] + (0.0 + 0.5 * z[4]),
                          s["one"]["change_intervention"])


def test_volume_grid_holds_the_numbers_of_the_state():
    grid = volume_grid()
    K = len(grid["powers"])
    for sf, b, direct, n in [(9, 0.1, 0.0, 15), (12, 0.2, 0.5, 50), (4, 0.0, -0.5, 5),
                             (20, 0.15, 0.3, 35), (16, 0.05, -0.1, 10)]:
        s = volume_confounding_state(sf, b, direct, n)
        bi, di, si, ni = (VOLUME_GAINS.index(b), VOLUME_DIRECT.index(direct),
                          VOLUME_SETS.index(sf), VOLUME_NS.index(n))
        k = grid["naive"][bi][di][si]
        hist, mean_g, failure, nonfailure = grid["sims"][ni * K + k]
        counts = counts_of(hist, grid["digits"], 50)
        assert np.array_equal(counts, np.round(s["hist_naive"] * s["trials"]).astype(int))
        assert _plain(mean_g) == _plain(s["mean_naive_g"])
        assert failure / s["trials"] == s["share_naive_favours_failure"]
        assert nonfailure / s["trials"] == s["share_naive_favours_nonfailure"]
        assert _pct(grid["powers"][k][ni]) == _pct(s["power_naive"])
        equated = grid["sims"][ni * K + grid["equated"][bi][di]]
        assert _plain(equated[1]) == _plain(s["mean_equated_g"])


def test_a_negative_zero_is_shown_as_zero():
    """explorer.js never shows "-0.00"; the Python sentences agree (a 3-set gap at 0.1 per set
    cancels a direct effect of 0.3 to within rounding)."""
    ex = VolumeConfoundingExplorer(sets_failure=9, gain_per_set=0.1, direct_effect=0.3)
    assert ex.state["expected_naive"] < 0 and "(analytic 0.00)" in ex.readout
    assert _plain(-0.004) == "0.00" and _plain(-0.006) == "\u22120.01"


def test_views_ship_small_precomputed_specs():
    for ex in (IndividualResponsesExplorer(), VolumeConfoundingExplorer()):
        assert len(ex.html()) < 300_000, type(ex).__name__
        assert "synthetic" in ex.html()
