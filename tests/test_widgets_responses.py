"""Chapter 4 explorers of failurelab.widgets.responses: their states are the library's
simulations and analytic values, bad input gives a message and keeps the figure, updates stay
within the 100 ms budget, and the kernel-free twins are small."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import PNG, assert_refuses

from failurelab import effect_sizes as es
from failurelab import responses as rs
from failurelab.widgets import kernel_free_twin
from failurelab.widgets.responses import (
    SD_IR_EDGES,
    IndividualResponsesExplorer,
    VolumeConfoundingExplorer,
    individual_responses_state,
    published_reference,
    volume_confounding_state,
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
    assert bytes(ex.image.value).startswith(PNG)
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
    assert ex.update(n=40) is not None and ex.error is None and ex.message == ""
    with pytest.raises(ValueError, match="unknown setting"):
        IndividualResponsesExplorer(sd_thing=1)


def test_individual_responses_explorer_twin():
    ex = IndividualResponsesExplorer()
    twin = kernel_free_twin(ex, "sd_response", [0.0, 0.5, 1.0, 1.5, 2.0])
    assert twin.count("data:image/png;base64") == 5 and len(twin) < 600_000
    assert ex.state["sd_response"] == ex.controls["sd_response"].value


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
    assert bytes(ex.image.value).startswith(PNG)
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
    with pytest.raises(ValueError, match="unknown setting"):
        VolumeConfoundingExplorer(volume=3)


def test_volume_confounding_explorer_twin():
    ex = VolumeConfoundingExplorer()
    ex.update(sets_failure=9, gain_per_set=0.1, direct_effect=0.0, n=15)
    twin = kernel_free_twin(ex, "sets_failure", [6, 8, 9, 10, 12, 14, 16, 18])
    assert twin.count("data:image/png;base64") == 8 and len(twin) < 600_000
