"""The weekly-plan teaching model (failurelab.dosing): closed forms, hand-worked plans, the
published direction of Robinson et al. 2024 in data/meta_analyses.csv, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failurelab import data, dosing, practice
from failurelab.dosing import ASSUMPTIONS, Exercise, weekly_plan


def test_set_stimulus_is_linear_in_rir_and_flat_for_strength():
    rir = np.arange(0, 8)
    assert np.allclose(dosing.set_stimulus(rir), 1 - 0.05 * rir)
    assert dosing.set_stimulus(0) == 1.0 and dosing.set_stimulus(2) == pytest.approx(0.9)
    assert np.allclose(dosing.set_stimulus(rir, "strength"), 1.0)
    # a steeper assumed loss is clipped at zero, never negative
    assert dosing.set_stimulus(12, hypertrophy_loss_per_rir=0.1) == 0.0


def test_set_fatigue_matches_its_closed_form():
    e = math.e
    assert dosing.set_fatigue(0) == pytest.approx(2.0)  # 1 + extra at failure
    assert dosing.set_fatigue(1) == pytest.approx(1 + 1 / e)  # extra falls to 1/e at decay
    assert dosing.set_fatigue(0, "compound") == pytest.approx(3.0)
    assert dosing.set_fatigue(50) == pytest.approx(1.0, abs=1e-12)  # far from failure
    rir = np.linspace(0, 6, 13)
    got = dosing.set_fatigue(rir, "compound", fatigue_extra_at_failure=0.5,
                             fatigue_decay_rir=2.0, compound_cost=2.0)
    assert np.allclose(got, 2.0 * (1 + 0.5 * np.exp(-rir / 2.0)))
    assert np.all(np.diff(dosing.set_fatigue(rir)) < 0)  # costlier the closer to failure


def test_stimulus_per_fatigue_peaks_short_of_failure_with_the_defaults():
    rir = np.arange(0, 7)
    ratio = dosing.set_stimulus(rir) / dosing.set_fatigue(rir)
    assert int(np.argmax(ratio)) == 3
    # ... and at failure when fatigue does not rise near failure: the assumption decides
    flat = dosing.set_stimulus(rir) / dosing.set_fatigue(rir, fatigue_extra_at_failure=0)
    assert int(np.argmax(flat)) == 0


def test_model_direction_agrees_with_robinson_2024_in_the_data():
    rows = data.load("meta_analyses").set_index("id")
    hyp, strength = rows.loc["robinson2024-hypertrophy-smc"], rows.loc["robinson2024-strength-smc"]
    assert hyp.estimate < 0 and hyp.ci_high < 0  # closer to failure, more growth
    assert strength.ci_low < 0 < strength.ci_high  # strength: CI contains the null
    assert ASSUMPTIONS["hypertrophy_loss_per_rir"].value > 0
    assert ASSUMPTIONS["strength_loss_per_rir"].value == 0


def test_weekly_plan_by_hand():
    plan = weekly_plan([Exercise("Squat", "compound", 75, 6, 2),
                        Exercise("Leg extension", "isolation", 70, 6, 2,
                                 last_set_to_failure=True)])
    squat, ext = plan.table.loc["Squat"], plan.table.loc["Leg extension"]
    # Epley: 75 % -> 10 reps to failure, 2 RIR -> 8 reps; 70 % -> 12.86 -> 10 reps, failure 12
    assert squat.reps_to_failure == pytest.approx(10.0)
    assert (squat.reps_per_set, squat.reps, squat.failure_sets, squat.hard_sets) == (8, 48, 0, 6)
    assert squat.hypertrophy_stimulus == pytest.approx(6 * 0.9)
    assert squat.fatigue == pytest.approx(6 * 1.5 * (1 + math.exp(-2)))
    assert (ext.reps, ext.failure_sets, ext.hard_sets) == (5 * 10 + 12, 1, 6)
    assert ext.hypertrophy_stimulus == pytest.approx(5 * 0.9 + 1)
    assert ext.fatigue == pytest.approx(5 * (1 + math.exp(-2)) + 2)
    t = plan.totals
    assert (t["sets"], t["reps"], t["failure_sets"]) == (12, 110, 1)
    assert t["strength_stimulus"] == 12.0
    assert t["stimulus_per_fatigue"] == pytest.approx(
        t["hypertrophy_stimulus"] / t["fatigue"])


def test_weekly_plan_reps_follow_the_chosen_formula():
    for formula in practice.REPS_AT_LOAD:
        plan = weekly_plan([Exercise("Bench", "compound", 80, 3, 1)], formula=formula)
        expected = math.floor(practice.reps_at_load(0.8, formula) - 1 + 1e-9)
        assert plan.table.loc["Bench", "reps"] == 3 * expected


def test_zero_rir_and_hard_set_threshold():
    plan = weekly_plan([Exercise("Curl", "isolation", 70, 4, 0),
                        Exercise("Row", "compound", 70, 4, 5, last_set_to_failure=True)])
    assert plan.table.loc["Curl", "failure_sets"] == 4 and plan.table.loc["Curl", "hard_sets"] == 4
    # 5 RIR is beyond the working definition (4), so only the failure set is hard
    assert plan.table.loc["Row", "hard_sets"] == 1
    assert plan.totals["hard_sets"] == 5
    relaxed = weekly_plan([Exercise("Row", "compound", 70, 4, 5)], hard_set_max_rir=5)
    assert relaxed.totals["hard_sets"] == 4


def test_rir_bias_moves_the_true_rir_not_the_failure_sets():
    ex = [Exercise("Squat", "compound", 75, 6, 2, last_set_to_failure=True)]
    base, biased = weekly_plan(ex), weekly_plan(ex, rir_bias=0.95)
    assert biased.table.loc["Squat", "reps_per_set"] == math.floor(10 - 2.95)  # 7, not 8
    assert biased.totals["hypertrophy_stimulus"] == pytest.approx(5 * (1 - 0.05 * 2.95) + 1)
    assert biased.totals["hypertrophy_stimulus"] < base.totals["hypertrophy_stimulus"]
    assert biased.totals["hard_sets"] == base.totals["hard_sets"] == 6
    assert biased.assumptions["rir_bias"] == 0.95


def test_empty_week_has_no_ratio():
    plan = weekly_plan([Exercise("Squat", "compound", 75, 0, 2, last_set_to_failure=True)])
    assert plan.totals["sets"] == 0 and plan.totals["failure_sets"] == 0
    assert plan.totals["stimulus_per_fatigue"] is None


def test_assumptions_table_documents_every_parameter():
    table = dosing.assumptions_table()
    assert list(table.index) == list(ASSUMPTIONS)
    assert table["basis"].str.len().gt(20).all() and table["meaning"].str.len().gt(20).all()


@pytest.mark.parametrize("kwargs, word", [
    (dict(name="", kind="compound", load_pct=75, sets=3, rir=2), "name"),
    (dict(name="Squat", kind="machine", load_pct=75, sets=3, rir=2), "kind"),
    (dict(name="Squat", kind="compound", load_pct=120, sets=3, rir=2), "load_pct"),
    (dict(name="Squat", kind="compound", load_pct=75, sets=2.5, rir=2), "whole number"),
    (dict(name="Squat", kind="compound", load_pct=75, sets=-1, rir=2), "sets"),
    (dict(name="Squat", kind="compound", load_pct=75, sets=99, rir=2), "from 0 to 60 per week, got 99"),
    (dict(name="Squat", kind="compound", load_pct=75, sets=3, rir=-1), "rir"),
    (dict(name="Squat", kind="compound", load_pct=75, sets=3, rir=2, last_set_to_failure="no"),
     "True or False"),
])
def test_exercise_refuses_bad_input(kwargs, word):
    with pytest.raises(ValueError, match=word):
        Exercise(**kwargs)


def test_weekly_plan_refuses_bad_input():
    squat = Exercise("Squat", "compound", 75, 3, 2)
    with pytest.raises(ValueError, match="at least one exercise"):
        weekly_plan([])
    with pytest.raises(ValueError, match="names must differ"):
        weekly_plan([squat, squat])
    with pytest.raises(ValueError, match="Exercise"):
        weekly_plan([dict(name="Squat")])
    with pytest.raises(ValueError, match="too few for 1 rep"):
        weekly_plan([Exercise("Squat", "compound", 95, 3, 3)])  # Epley: 1.6 reps to failure
    with pytest.raises(ValueError, match="unknown teaching-model parameter"):
        weekly_plan([squat], fatigue_slope=2)
    with pytest.raises(ValueError, match="fatigue_decay_rir must be above 0"):
        weekly_plan([squat], fatigue_decay_rir=0)
    with pytest.raises(ValueError, match="rir_bias"):
        weekly_plan([squat], rir_bias=-1)
    with pytest.raises(ValueError, match="unknown formula"):
        weekly_plan([squat], formula="Lombardi")
    with pytest.raises(ValueError, match="outcome"):
        dosing.set_stimulus(2, outcome="power")
    with pytest.raises(ValueError, match="repetitions in reserve"):
        dosing.set_fatigue(-1)
    with pytest.raises(ValueError, match="kind"):
        dosing.set_fatigue(1, kind="machine")


@pytest.mark.parametrize("call, word", [
    (lambda: dosing.set_stimulus("2"), r"rir \(repetitions in reserve\) must be a number"),
    (lambda: dosing.set_fatigue([True]), r"rir \(repetitions in reserve\) must be a number"),
    (lambda: weekly_plan(5), "exercises must be a list of failurelab.dosing.Exercise"),
    (lambda: Exercise("Squat", "compound", 75, 3, 2, last_set_to_failure=1),
     "Squat: last_set_to_failure must be True or False, got 1"),
    (lambda: Exercise("Squat", "compound", "75", 3, 2), "Squat: load_pct must be a number"),
    (lambda: weekly_plan([Exercise("Squat", "compound", 75, 3, 2)], rir_bias=10**400),
     "rir_bias must be a number from 0 to 100"),
])
def test_strings_booleans_and_huge_numbers_are_refused(call, word):
    with pytest.raises(ValueError, match=word):
        call()
