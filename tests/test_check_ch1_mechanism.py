"""Chapter-1 exercise tasks (failurelab/check/ch1_mechanism.py): reference values and hints.

Reference values: the Potvin & Fuglevand (2017) code's thresholds and ulr, and Epley's equation.
That the notebook's inputs give these answers is checked by running exercises/01_mechanism.ipynb
(nbval) and tests/test_exercises.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from failurelab import check as chk
from failurelab.check.ch1_mechanism import CH1_LOADS

# ---------------------------------------------------------------------------------------------
# check(): the chapter-1 tasks (expected values from the models)
# ---------------------------------------------------------------------------------------------
CH1 = ["1.1", "1.2", "1.3", "1.4", "1.5"]


def test_chapter1_tasks_are_registered():
    assert [t for t in chk.TASKS.ids() if t.startswith("1.")] == CH1


def test_chapter1_reference_values():
    # Potvin & Fuglevand (2017) code: thresholds 1..RR=50; ulr = 74.63 % of maximal excitation
    assert chk.expected("1.3") == pytest.approx(0.7463, abs=1e-4)
    t11 = chk.expected("1.1")
    assert t11["thresholds"][0] == pytest.approx(1.0) and t11["thresholds"][-1] == pytest.approx(50.0)
    assert t11["threshold_range"] == pytest.approx(50.0)
    # Epley's inverse, r = 30 (1/p - 1): 30, 10 and 3.33 reps at 50, 75, 90 %
    assert chk.expected("1.5")["epley_reps"] == pytest.approx([30.0, 10.0, 10 / 3])
    # the course calibrates the set mapping so that 75 % 1RM gives 10 reps to failure
    assert chk.expected("1.5")["model_reps"][1] == pytest.approx(10.0)
    light, heavy = chk.expected("1.4")["light"], chk.expected("1.4")["heavy"]
    assert light[0] < light[1] == 120 and heavy[1] == 120  # all units recruited at failure


@pytest.mark.parametrize("task_id", CH1)
def test_chapter1_expected_answers_pass_and_stubs_are_unanswered(task_id):
    exp = chk.expected(task_id)
    fb = chk.check(task_id, **exp) if isinstance(exp, dict) else chk.check(task_id, exp)
    assert fb.passed, repr(fb)
    assert chk.check(task_id, ...).status == "unanswered"


def _with(task_id, **changes):
    """Check task_id with the expected answers, some of them replaced by ``changes``."""
    exp = chk.expected(task_id)
    if not isinstance(exp, dict):
        return chk.check(task_id, changes["answer"])
    return chk.check(task_id, **{**exp, **changes})


def _pool():
    from failurelab.motor_units import MotorUnitPool

    return MotorUnitPool()


def _sustained(load):
    from failurelab.fatigue import simulate_sustained

    return simulate_sustained(load)


CH1_MISTAKES = [
    # (task, mistaken answer(s), words the hint must contain)
    ("1.3", lambda: {"answer": 100 * chk.expected("1.3")}, "percentage"),
    ("1.3", lambda: {"answer": _pool().thresholds[-1]}, "threshold in excitation units"),
    ("1.3", lambda: {"answer": _pool().force(_pool().thresholds[-1])},
     "That is the force (fraction of maximal force)"),
    ("1.3", lambda: {"answer": _pool().max_excitation / _pool().thresholds[-1]}, "Upside down"),
    ("1.1", lambda: {"thresholds": _pool().thresholds[[1, 60, 119]]}, "Python counts from 0"),
    ("1.1", lambda: {"thresholds": chk.expected("1.1")["thresholds"] / _pool().max_excitation},
     "Thresholds are in excitation units"),
    ("1.1", lambda: {"threshold_range": _pool().thresholds[-1] - _pool().thresholds[0]}, "ratio"),
    ("1.2", lambda: {"excitation": [0.3, 0.6]}, "These are the force targets"),
    ("1.2", lambda: {"excitation": [0.3 * _pool().max_excitation, 0.6 * _pool().max_excitation]},
     "Force is not proportional to excitation"),
    ("1.2", lambda: {"n_recruited": _pool().recruited(chk.expected("1.2")["excitation"][0])},
     "with `.sum()`"),
    ("1.2", lambda: {"n_recruited": sum(chk.expected("1.2")["n_recruited"])},
     "total over both excitations"),
    ("1.4", lambda: {"light": chk.expected("1.4")["light"][::-1]}, "wrong order"),
    ("1.4", lambda: {"light": _sustained(0.3).n_recruited}, "one count per time step"),
    ("1.4", lambda: {"heavy": np.array(chk.expected("1.4")["heavy"]) / 120}, "number of units"),
    ("1.5", lambda: {"epley_reps": [30 * (p - 1) for p in CH1_LOADS]}, "upside down"),
    ("1.5", lambda: {"epley_reps": [30 * (1 / (100 * p) - 1) for p in CH1_LOADS]},
     "not a percentage"),
    ("1.5", lambda: {"endurance_time": chk.expected("1.5")["endurance_time"] / 60}, "seconds"),
    ("1.5", lambda: {"model_reps": np.floor(chk.expected("1.5")["model_reps"])}, "without rounding"),
]


@pytest.mark.parametrize("task_id, mistake, words", CH1_MISTAKES,
                         ids=[f"{t}-{w[:20]}" for t, _, w in CH1_MISTAKES])
def test_chapter1_hints_fire_for_typical_mistakes(task_id, mistake, words):
    fb = _with(task_id, **mistake())
    assert fb.status in ("wrong", "invalid"), repr(fb)
    assert words in repr(fb), repr(fb)
