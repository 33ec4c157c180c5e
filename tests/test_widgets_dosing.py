"""The weekly-plan explorer (notebook 3.3): its pure state function against failurelab.dosing
and hand-worked values, bad input, and what its browser view receives (tests/
test_views_practice_logs_claims.py checks the view against it)."""

from __future__ import annotations

import math

import pytest

from failurelab import dosing, practice
from failurelab.widgets.practice import WeeklyPlanExplorer, weekly_plan_state


def test_weekly_plan_state_by_hand():
    s = weekly_plan_state()  # squat 75 % and leg extension 70 %, 6 sets each at 2 RIR
    assert s["totals"]["sets"] == 12 and s["totals"]["hard_sets"] == 12
    assert s["totals"]["reps"] == 6 * 8 + 6 * 10  # Epley: 10 and 12.86 reps to failure
    assert s["totals"]["hypertrophy_stimulus"] == pytest.approx(12 * 0.9)
    assert s["totals"]["fatigue"] == pytest.approx((6 * 1.5 + 6) * (1 + math.exp(-2)))
    squat, ext, week = s["all_failure"]
    assert (squat["fatigue"], ext["fatigue"], week["fatigue"]) == pytest.approx((18, 12, 30))
    assert week["hypertrophy_stimulus"] == 12
    assert s["last_set_added"] == {"hypertrophy_stimulus": 0.0, "fatigue": 0.0}


def test_weekly_plan_state_is_the_dosing_model():
    s = weekly_plan_state(4, 3, True, 9, 1, False)
    plan = dosing.weekly_plan([dosing.Exercise("Squat", "compound", 75, 4, 3, True),
                               dosing.Exercise("Leg extension", "isolation", 70, 9, 1)])
    assert s["totals"] == plan.totals
    assert s["rows"][0]["reps"] == plan.table.loc["Squat", "reps"]
    # the last squat set to failure adds exactly one set's difference
    added = s["last_set_added"]
    assert added["hypertrophy_stimulus"] == pytest.approx(1 - dosing.set_stimulus(3))
    assert added["fatigue"] == pytest.approx(
        dosing.set_fatigue(0, "compound") - dosing.set_fatigue(3, "compound"))


def test_last_set_to_failure_costs_less_on_the_isolation_exercise():
    compound = weekly_plan_state(compound_failure=True)["last_set_added"]
    isolation = weekly_plan_state(isolation_failure=True)["last_set_added"]
    assert compound["hypertrophy_stimulus"] == pytest.approx(isolation["hypertrophy_stimulus"])
    assert compound["fatigue"] == pytest.approx(1.5 * isolation["fatigue"])
    # at 0 RIR every set already goes to failure: the option adds nothing
    assert weekly_plan_state(compound_rir=0, compound_failure=True)["last_set_added"][
        "fatigue"] == 0


@pytest.mark.parametrize("bad, word", [
    (dict(compound_sets=-1), "compound_sets"),
    (dict(isolation_sets=2.5), "whole number"),
    (dict(compound_rir=float("nan")), "compound_rir"),
    (dict(isolation_rir=11), "isolation_rir"),
    (dict(compound_failure="yes"), "True or False"),
    (dict(compound_load=96, compound_rir=3), "too few for 1 rep"),
    (dict(isolation="Squat"), "names must differ"),
])
def test_weekly_plan_state_refuses_bad_input(bad, word):
    with pytest.raises(ValueError, match=word):
        weekly_plan_state(**bad)


def test_explorer_readout_update_and_refusal():
    ex = WeeklyPlanExplorer()
    text = ex.readout
    assert text.startswith("<b>What the figure shows</b>") and "teaching model" in text
    assert "12 sets, 12 hard, about 108 reps" in text and "fatigue 30.0" in text
    state = ex.update(isolation_failure=True, compound_sets=3)
    assert state["totals"]["failure_sets"] == 1 and ex.controls["compound_sets"].value == 3
    assert "Taking the last set to failure adds 0.10 stimulus for 0.86 fatigue" in ex.readout
    assert ex.update(compound_sets=0, isolation_sets=0)["totals"]["stimulus_per_fatigue"] is None
    assert "no sets this week" in ex.readout
    good, readout = ex.state, ex.readout
    for bad, words in ((dict(compound_sets=13), ["compound_sets", "0 to 12"]),
                       (dict(isolation_rir=7), ["isolation_rir", "0 to 6"]),
                       (dict(compound_failure="yes"), ["True or False"])):
        assert ex.update(**bad) is None
        assert all(w in ex.error for w in words)
        assert ex.message.startswith("Not shown") and "last valid setting" in ex.message
        assert ex.state is good and ex.readout == readout
    assert ex.update(compound_sets=6) is not None and ex.error is None and ex.message == ""


def test_the_view_receives_the_model_and_exact_reps_to_failure():
    ex = WeeklyPlanExplorer(compound_load=80, isolation="Curl", isolation_load=65)
    spec = ex.spec()
    data = spec["data"]
    assert data["names"] == ["Squat", "Curl"] and data["loads"] == [80, 65]
    # floored in the view: 17 significant digits, so floor(reps - RIR + 1e-9) is Python's
    assert data["reps_to_failure"] == [practice.reps_at_load(0.80), practice.reps_at_load(0.65)]
    assert data["assumptions"] == {k: a.value for k, a in dosing.ASSUMPTIONS.items()}
    assert "teaching model" in data["label"]
    assert [c["name"] for c in spec["controls"]] == list(ex.params())
    assert spec["controls"][0]["label"] == "Squat: sets/week"
    assert spec["controls"][2] == {"name": "compound_failure", "kind": "checkbox",
                                   "label": "Squat: last set to failure"}
    assert len(ex.html()) < 100_000


def test_explorer_with_a_too_heavy_load_fails_at_construction():
    with pytest.raises(ValueError, match="too few for 1 rep"):
        WeeklyPlanExplorer(compound_load=97)
