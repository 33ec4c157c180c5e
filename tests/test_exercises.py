"""Exercises: the checker (failurelab.check), the learner-copy tool and the exercise notebooks.

- check(): correct / not answered / wrong type or shape / targeted hints; never raises.
- learner tool: the single-source convention, and it never overwrites a learner's edited copy.
- exercises/*.ipynb: the solutions pass every check when executed; the learner copies are
  current, hold no solution, and run without error with every check "not answered yet".
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from failurelab import check as chk
from failurelab.check import Part, Registry, Task, same_as, when
from failurelab.tasks import evidence as ev
from failurelab.tasks.mechanism import CH1_LOADS
from failurelab.tools import learner

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "exercises").glob("*.ipynb"))
NOTEBOOK_BUDGET_S = 20.0  # the course's budget: each notebook executes in <= 20 s


# ---------------------------------------------------------------------------------------------
# check(): a small fake registry
# ---------------------------------------------------------------------------------------------
@pytest.fixture()
def reg():
    r = Registry()
    r.add(Task("T1", "a fraction", parts=(Part(lambda: 0.25, fraction=True),),
               why="fractions matter", hint="divide the parts"))
    r.add(Task("T2", "three numbers",
               parts=(Part(lambda: [1.0, 2.0, 3.0], labels=("a", "b", "c"),
                           hints=(same_as(lambda: [2.0, 3.0, np.nan], "off by one"),)),),
               why="order matters", hint="count again"))
    r.add(Task("T3", "two parts",
               parts=(Part(lambda: [10, 20], name="count", integer=True),
                      Part(lambda: 0.5, name="share", fraction=True)),
               why="both matter"))
    r.add(Task("T4", "broken", parts=(Part(lambda: 1 / 0),), why="-"))
    r.add(Task("T5", "bad hint", parts=(Part(lambda: 1.0, hints=(lambda raw, v, e: 1 / 0,)),),
               why="-", hint="general hint"))
    return r


def test_correct_answer_passes_and_says_why(reg):
    fb = reg.check("T1", 0.25)
    assert fb.passed and fb.status == "correct"
    assert "correct" in repr(fb) and "fractions matter" in repr(fb)
    assert 'data-status="correct"' in fb._repr_html_()
    assert fb._repr_markdown_().startswith("✔ **Task T1")


def test_tolerance_accepts_rounding_but_not_a_different_value(reg):
    assert reg.check("T1", 0.2502).passed  # rounded to 3-4 significant digits
    assert not reg.check("T1", 0.26).passed
    assert reg.check("T2", np.array([1.0, 2.0, 3.0])).passed
    assert reg.check("T2", (1, 2, 3)).passed


@pytest.mark.parametrize("answer", [..., None, [..., 1.0], (0.25, None)])
def test_unanswered(reg, answer):
    fb = reg.check("T1", answer)
    assert fb.status == "unanswered" and not fb.passed
    assert "Task T1 is not answered yet: replace `...` with your code" in repr(fb)


def test_no_answer_at_all_is_unanswered(reg):
    assert reg.check("T1").status == "unanswered"
    assert reg.check("T3").status == "unanswered"
    assert reg.check("T3", count=..., share=...).status == "unanswered"
    assert reg.check("T3", ...).status == "unanswered"


@pytest.mark.parametrize("task, answer, message", [
    ("T2", [1.0, 2.0], "expected 3 numbers, got 2 numbers"),
    ("T1", [0.25, 0.5], "expected one number, got 2 numbers"),
    ("T1", "0.25", "got text '0.25'. Did you put quotes around a number?"),
    ("T1", {"a": 1}, "got a dictionary"),
    ("T1", max, "Did you forget the brackets `()` to call it?"),
    ("T1", object(), "could not read an object as numbers"),
    ("T2", [1, [2, 3]], "could not read a list as numbers"),
    ("T1", (x for x in [0.25]), "could not read a generator as numbers"),
    ("T1", float("nan"), "NaN or infinity"),
    ("T2", [1, 2, np.inf], "NaN or infinity"),
])
def test_wrong_type_or_shape_says_what_was_expected(reg, task, answer, message):
    fb = reg.check(task, answer)
    assert fb.status == "invalid" and not fb.passed
    assert message in repr(fb)


def test_percent_instead_of_fraction_gets_the_percent_hint(reg):
    fb = reg.check("T1", 25)
    assert fb.status == "wrong"
    assert "percentage" in repr(fb) and "fraction" in repr(fb)
    other = reg.check("T1", 3)  # above 1 but not a percentage: the generic fraction hint
    assert "percentage" not in repr(other) and "between 0 and 1" in repr(other)


def test_rule_hint_and_partial_credit(reg):
    fb = reg.check("T2", [2.0, 3.0, 3.0])
    assert "right: 1 of 3 numbers; not yet right: a, b." in repr(fb)
    assert "Hint: off by one" in repr(fb)
    plain = reg.check("T2", [1.0, 2.0, 5.0])
    assert "not yet right: c." in repr(plain)
    assert "Hint: count again" in repr(plain)  # no rule fired: the task's general hint


def test_wrong_order_hint(reg):
    fb = reg.check("T2", [3.0, 2.0, 1.0])
    assert "wrong order" in repr(fb) and "a, b, c" in repr(fb)


def test_multi_part_task(reg):
    assert reg.check("T3", count=[10, 20], share=0.5).passed
    assert reg.check("T3", {"count": [10.0, 20.0], "share": 0.5}).passed
    half = reg.check("T3", count=[10, 20], share=...)
    assert half.status == "unanswered" and "1 of 2 answers right" in repr(half)
    assert "`share`: not answered yet" in half._repr_markdown_()
    fb = reg.check("T3", count=[10.4, 20], share=50)
    assert fb.status == "wrong"
    assert "whole numbers" in repr(fb) and "percentage" in repr(fb)


@pytest.mark.parametrize("call, message", [
    (lambda r: r.check("T3", cnt=1), "unknown answer name 'cnt'"),
    (lambda r: r.check("T3", 5), "this task has 2 answers, given by name"),
    (lambda r: r.check("T1", share=0.25), "this task takes one answer"),
])
def test_wrong_call_explains_the_signature(reg, call, message):
    fb = call(reg)
    assert fb.status == "invalid" and message in repr(fb)
    assert "check(" in repr(fb)


def test_unknown_task_lists_the_known_ones(reg):
    fb = reg.check("T9", 1)
    assert fb.status == "unknown" and not fb.passed
    assert "`T1`, `T2`" in fb._repr_markdown_()


def test_course_bugs_are_not_blamed_on_the_learner(reg):
    fb = reg.check("T4", 1.0)
    assert fb.status == "error" and "not in your answer" in repr(fb)
    bad_hint = reg.check("T5", 2.0)  # a failing hint rule is skipped
    assert bad_hint.status == "wrong" and "general hint" in repr(bad_hint)


def test_learner_text_is_escaped_in_html(reg):
    fb = reg.check("T1", "<b>x</b>")
    assert "&lt;b&gt;" in fb._repr_html_() and "<b>x" not in fb._repr_html_()
    assert "<" not in repr(reg.check("T1", 0.3))


def test_registry_rejects_authoring_mistakes():
    r = Registry()
    r.add(Task("A", "a", parts=(Part(lambda: 1),), why="-"))
    with pytest.raises(ValueError, match="already registered"):
        r.add(Task("A", "a", parts=(Part(lambda: 1),), why="-"))
    with pytest.raises(ValueError, match="unique name"):
        Task("B", "b", parts=(Part(lambda: 1), Part(lambda: 2)), why="-")
    with pytest.raises(ValueError, match="unknown task"):
        r.expected("Z")


def test_when_rule(reg):
    r = Registry()
    r.add(Task("W", "w", parts=(Part(lambda: 2.0, hints=(when(lambda raw, v, e: v > e, "too big"),)),),
               why="-"))
    assert "too big" in repr(r.check("W", 3.0))
    assert "too big" not in repr(r.check("W", 1.0))


ODD_ANSWERS = [..., None, "", "abc", [], [[]], {}, set(), object(), max, True, -1, 0, 1e308,
               float("nan"), np.zeros((3, 3)), np.array(["a"]), [None, 1], {"x": 1}, b"1",
               list(range(1000)), [1, "2"], 1j]


@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=range(len(ODD_ANSWERS)))
def test_check_never_raises(reg, answer):
    for task_id in reg.ids():
        fb = reg.check(task_id, answer)
        assert isinstance(repr(fb), str) and fb._repr_html_() and fb._repr_markdown_()
    for task_id in chk.TASKS.ids():
        fb = chk.check(task_id, answer)
        assert not fb.passed and fb.status in ("unanswered", "invalid", "wrong")


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


# ---------------------------------------------------------------------------------------------
# check(): the chapter-2 tasks (expected values from effect_sizes, meta and data/)
# ---------------------------------------------------------------------------------------------
CH2 = ["2.1", "2.2", "2.3", "2.4", "2.5"]


def test_chapter2_tasks_are_registered():
    assert [t for t in chk.TASKS.ids() if t.startswith("2.")] == CH2


def test_chapter2_hedges_g_by_hand_from_the_csv_numbers():
    # synthetic study S11 as committed in data/synthetic_trials.csv: 14.43 (4.58), 15 vs 12.64 (6.58), 15
    m1, s1, n1, m2, s2, n2 = 14.43, 4.58, 15, 12.64, 6.58, 15
    sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    d = (m1 - m2) / sp
    g = (1 - 3 / (4 * (n1 + n2 - 2) - 1)) * d
    vi = 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2))
    exp = chk.expected("2.1")
    assert ev.CH2_STUDY == "S11"
    assert exp["sd_pooled"] == pytest.approx(sp, rel=1e-12)
    assert exp["d"] == pytest.approx(d, rel=1e-12) and exp["g"] == pytest.approx(g, rel=1e-12)
    assert exp["vi"] == pytest.approx(vi, rel=1e-12)
    assert exp["ci"] == pytest.approx([g - 1.959964 * np.sqrt(vi), g + 1.959964 * np.sqrt(vi)], abs=1e-6)
    assert g == pytest.approx(0.3072, abs=1e-4)  # the smd() of the package agrees (exact J)
    assert chk.check("2.1", sd_pooled=sp, d=d, g=g, vi=vi,
                     ci=[g - 1.96 * np.sqrt(vi), g + 1.96 * np.sqrt(vi)]).passed


def test_chapter2_pooling_reference_values():
    exp22, exp23 = chk.expected("2.2"), chk.expected("2.3")
    yi, vi = np.asarray(exp22["yi"]), np.asarray(exp22["vi"])
    w = 1 / vi
    assert exp23["weights"] == pytest.approx(w / w.sum()) and sum(exp23["weights"]) == pytest.approx(1)
    assert exp23["pooled"] == pytest.approx(np.sum(w * yi) / np.sum(w))
    half = exp23["ci"][1] - exp23["pooled"]
    assert half == pytest.approx(1.959964 / np.sqrt(w.sum()), rel=1e-6)
    est, low, high = exp23["reml"]
    assert high - low > exp23["ci"][1] - exp23["ci"][0]  # tau^2 > 0 here: REML's CI is wider
    assert min(exp23["pooled"], yi.mean()) < est < max(exp23["pooled"], yi.mean())


def test_chapter2_published_ci_and_power_reference_values():
    exp = chk.expected("2.4")
    # Grgic et al. 2022 hypertrophy: 0.22 (-0.11 to 0.55), abstract-verified (data/meta_analyses.csv)
    assert list(exp["ruled_out"]) == [1, 0, 0, 0, 1]  # candidates -0.2, 0, 0.15, 0.5, 0.6
    assert exp["in_mm"] == pytest.approx([0.44, -0.22, 1.10])  # times the illustrative 2 mm SD
    assert list(exp["supported"]) == [0, 1, 0, 0]
    exp25 = chk.expected("2.5")
    # Cohen (1988): d = 0.5 needs 64 per group for 80 % power (two-sided alpha 0.05)
    assert list(exp25["n_needed"]) == [699, 64]
    assert exp25["power"][0] == pytest.approx(0.068, abs=1e-3) and 0.2 < exp25["power"][1] < 0.3


@pytest.mark.parametrize("task_id", CH2)
def test_chapter2_expected_answers_pass_and_stubs_are_unanswered(task_id):
    exp = chk.expected(task_id)
    assert chk.check(task_id, **exp).passed, repr(chk.check(task_id, **exp))
    assert chk.check(task_id, ...).status == "unanswered"
    assert chk.check(task_id, **{k: ... for k in exp}).status == "unanswered"


def _e(task_id, part):
    return np.asarray(chk.expected(task_id)[part], dtype=float)


def _hand():
    return ev._by_hand()


CH2_MISTAKES = [
    # (task, mistaken answer(s), words the hint must contain)
    ("2.1", lambda: {"sd_pooled": _hand()["arms"][1]}, "one group's SD"),
    ("2.1", lambda: {"sd_pooled": (_hand()["arms"][1] + _hand()["arms"][4]) / 2}, "pool the variances"),
    ("2.1", lambda: {"d": (_hand()["arms"][0] - _hand()["arms"][3]) / _hand()["arms"][4]},
     "one group's SD"),
    ("2.1", lambda: {"d": -_hand()["d"]}, "sign is reversed"),
    ("2.1", lambda: {"g": _hand()["d"]}, "That is d"),
    ("2.1", lambda: {"vi": np.sqrt(_hand()["vi"])}, "sampling variance"),
    ("2.1", lambda: {"ci": _hand()["g"] + np.array([-1.96, 1.96]) * _hand()["vi"]},
     "1.96 by the variance"),
    ("2.1", lambda: {"ci": -_hand()["ci"][::-1]}, "sign is reversed"),
    ("2.2", lambda: {"yi": -_e("2.2", "yi")}, "sign is reversed"),
    ("2.2", lambda: {"vi": np.sqrt(_e("2.2", "vi"))}, "sampling variance"),
    ("2.2", lambda: {"yi": _e("2.2", "yi")[::-1]}, "wrong order"),
    ("2.3", lambda: {"weights": [22 / 84, 44 / 84, 18 / 84]}, "sample size"),
    ("2.3", lambda: {"weights": 1 / _e("2.2", "vi")}, "divide them by their sum"),
    ("2.3", lambda: {"weights": 100 * _e("2.3", "weights")}, "percentage"),
    ("2.3", lambda: {"pooled": _e("2.2", "yi").mean()}, "plain average"),
    ("2.3", lambda: {"ci": np.mean([_e("2.2", "yi") - 1.96 * np.sqrt(_e("2.2", "vi")),
                                    _e("2.2", "yi") + 1.96 * np.sqrt(_e("2.2", "vi"))], axis=1)},
     "Averaging the studies' CIs"),
    ("2.3", lambda: {"reml": [_e("2.3", "pooled"), *_e("2.3", "ci")]}, "equal-effects"),
    ("2.4", lambda: {"ruled_out": [False, True, True, True, False]}, "Reversed"),
    ("2.4", lambda: {"ruled_out": [True, True, False, False, True]}, "does not rule out zero"),
    ("2.4", lambda: {"in_mm": [0.22 / 2, -0.11 / 2, 0.55 / 2]}, "multiply"),
    ("2.4", lambda: {"supported": [True, False, False, False]}, "Absence of evidence"),
    ("2.4", lambda: {"supported": [False, True, True, False]}, "not a gain every person makes"),
    ("2.4", lambda: {"supported": [False, False, False, True]}, "Statement 2 is supported"),
    ("2.5", lambda: {"n_needed": 2 * _e("2.5", "n_needed")}, "total"),
    ("2.5", lambda: {"n_needed": ev._n_needed(one_sided=True)}, "one-sided"),
    ("2.5", lambda: {"n_needed": _e("2.5", "n_needed") - 0.4}, "round **up**"),
    ("2.5", lambda: {"power": ev._power_at(30)}, "per group"),
    ("2.5", lambda: {"power": 100 * _e("2.5", "power")}, "percentage"),
]


@pytest.mark.parametrize("task_id, mistake, words", CH2_MISTAKES,
                         ids=[f"{t}-{w[:20]}" for t, _, w in CH2_MISTAKES])
def test_chapter2_hints_fire_for_typical_mistakes(task_id, mistake, words):
    fb = _with(task_id, **mistake())
    assert fb.status in ("wrong", "invalid"), repr(fb)
    assert words in repr(fb) or words in fb._repr_markdown_(), repr(fb)


# ---------------------------------------------------------------------------------------------
# learner tool: the single-source convention
# ---------------------------------------------------------------------------------------------
def test_solution_line_keeps_its_target():
    src = ("answer = pool.thresholds[0]  # SOLUTION\n"
           "a, b = f(x)  # SOLUTION\n"
           "x: float = 3  # SOLUTION\n"
           "total += 2  # SOLUTION\n"
           "print(x)  # SOLUTION\n"
           "check('1.1', answer)")
    out, removed = learner.strip_solutions(src)
    assert out.split("\n") == ["answer = ...  # your code here",
                               "a, b = ..., ...  # your code here",
                               "x: float = ...  # your code here",
                               "total += ...  # your code here",
                               "...  # your code here",
                               "check('1.1', answer)"]
    assert len(removed) == 5


def test_solution_block_becomes_its_stub_lines():
    src = ("def f():\n"
           "    # BEGIN SOLUTION\n"
           "    # STUB: return ...  # your code here\n"
           "    return 42\n"
           "    # END SOLUTION\n"
           "# BEGIN SOLUTION\n"
           "z = secret()\n"
           "# END SOLUTION\n"
           "y = 1")
    out, removed = learner.strip_solutions(src)
    assert out == "def f():\n    return ...  # your code here\n...\ny = 1"
    assert removed == ["    return 42", "z = secret()"]


@pytest.mark.parametrize("src, message", [
    ("# BEGIN SOLUTION\nx = 1", "without '# END SOLUTION'"),
    ("x = 1\n# END SOLUTION", "without '# BEGIN SOLUTION'"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
    ("# STUB: x = ...", "outside a BEGIN/END"),
    ("x = f(  # SOLUTION", "complete one-line statement"),
])
def test_broken_markers_are_reported_with_their_cell(src, message):
    with pytest.raises(learner.LearnerError, match=message) as err:
        learner.strip_solutions(src, "nb.ipynb: cell 3")
    assert "cell 3" in str(err.value)


def _tiny_source():
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# Title", id="title"),
        v4.new_code_cell("import math", id="setup", metadata={"tags": ["hide-input"]},
                         execution_count=1, outputs=[v4.new_output("stream", text="hi\n")]),
        v4.new_code_cell("answer = math.pi  # SOLUTION\nprint(answer)", id="task",
                         metadata={"tags": ["hide-input"], "execution": {"iopub.status.idle": "2024-01-01T00:00:00Z"}},
                         execution_count=2, outputs=[v4.new_output("stream", text="3.14\n")]),
        v4.new_markdown_cell("The answer is pi.", id="answer", metadata={"tags": ["solution"]}),
        v4.new_code_cell("secret = 1", id="dropped", metadata={"tags": ["solution"]}),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["widgets"] = {"state": {}}
    return nb


def test_learner_copy_of_a_tiny_notebook():
    nb = learner.make_learner_copy(_tiny_source(), "../tiny.ipynb")
    assert [c.id for c in nb.cells] == ["title", "setup", "task"]
    task = nb.cells[2]
    assert task.source == "answer = ...  # your code here\nprint(answer)"
    assert "tags" not in task.metadata and "execution" not in task.metadata
    assert nb.cells[1].metadata["tags"] == ["hide-input"]  # no solution there: tag kept
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells[1:])
    assert "widgets" not in nb.metadata
    meta = nb.metadata["failurelab"]
    assert meta["generated_from"] == "../tiny.ipynb"
    assert meta["generated_sha256"] == learner.content_sha256(nb) and learner.is_untouched(nb)
    nb.cells[2].source += "\n# my note"
    assert not learner.is_untouched(nb)


# ---------------------------------------------------------------------------------------------
# learner tool: writing, --check, and never overwriting a learner's work
# ---------------------------------------------------------------------------------------------
@pytest.fixture()
def tmp_source(tmp_path):
    """A copy of the first exercise source notebook in a temporary folder."""
    assert SOURCES, "no exercise notebooks in exercises/"
    src = tmp_path / SOURCES[0].name
    shutil.copy(SOURCES[0], src)
    return src


def _run(*args):
    out = io.StringIO()
    code = learner.run(*args, stream=out)
    return code, out.getvalue()


def test_generate_then_unchanged(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    assert _run([tmp_source], out_dir)[0] == 0
    target = out_dir / tmp_source.name
    assert target.exists() and learner.is_untouched(nbformat.read(target, as_version=4))
    code, text = _run([tmp_source], out_dir)
    assert code == 0 and "UNCHANGED" in text
    assert _run([tmp_source], out_dir, True)[0] == 0


def test_check_fails_when_missing_or_stale(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    code, text = _run([tmp_source], out_dir, True)
    assert code == 1 and "missing" in text
    assert not (out_dir / tmp_source.name).exists()  # --check writes nothing
    _run([tmp_source], out_dir)
    nb = nbformat.read(tmp_source, as_version=4)
    nb.cells[1].source += "\n\nA new sentence."
    nbformat.write(nb, tmp_source)
    code, text = _run([tmp_source], out_dir, True)
    assert code == 1 and "out of date" in text
    code, text = _run([tmp_source], out_dir)  # an untouched copy is simply updated
    assert code == 0 and "UPDATED" in text
    assert "A new sentence." in (out_dir / tmp_source.name).read_text(encoding="utf-8")
    assert _run([tmp_source], out_dir, True)[0] == 0


def test_an_edited_learner_copy_is_never_overwritten(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    code_cell = next(c for c in mine.cells if "# your code here" in c.source)
    code_cell.source = code_cell.source.replace("...  # your code here", "42  # my answer", 1)
    nbformat.write(mine, target)
    edited = target.read_bytes()

    nb = nbformat.read(tmp_source, as_version=4)  # the source changes after the learner's edit
    nb.cells[1].source += "\n\nUpdated text."
    nbformat.write(nb, tmp_source)
    code, text = _run([tmp_source], out_dir)
    assert code == 0 and "KEPT" in text and ".new.ipynb" in text
    assert target.read_bytes() == edited  # untouched
    beside = learner.new_path(target)
    assert beside.name == tmp_source.stem + ".new.ipynb"
    assert "Updated text." in beside.read_text(encoding="utf-8")
    assert learner.is_untouched(nbformat.read(beside, as_version=4))
    code, text = _run([tmp_source], out_dir, True)
    assert code == 1 and "edited" in text
    assert target.read_bytes() == edited


def test_a_learner_who_only_ran_the_notebook_keeps_the_outputs(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    code_cell = next(c for c in mine.cells if c.cell_type == "code")
    code_cell.execution_count = 1  # ran the setup cell, edited nothing
    nbformat.write(mine, target)
    nb = nbformat.read(tmp_source, as_version=4)
    nb.cells[1].source += "\n\nChanged."
    nbformat.write(nb, tmp_source)
    assert "KEPT" in _run([tmp_source], out_dir)[1]
    assert nbformat.read(target, as_version=4).cells == mine.cells


def _change_source(path, text):
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source += text
    nbformat.write(nb, path)


def test_an_edited_new_copy_is_never_overwritten_either(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    mine.cells.append(nbformat.v4.new_code_cell("my_work = 1"))
    nbformat.write(mine, target)
    _change_source(tmp_source, "\n\nFirst update.")
    assert "KEPT" in _run([tmp_source], out_dir)[1]
    beside = learner.new_path(target)
    taken = nbformat.read(beside, as_version=4)  # the learner takes the new version and works there
    taken.cells.append(nbformat.v4.new_code_cell("my_work_in_new = 2"))
    nbformat.write(taken, beside)
    edited_new = beside.read_bytes()

    assert "KEPT" in _run([tmp_source], out_dir)[1]  # nothing new: nothing written
    assert beside.read_bytes() == edited_new and not learner.new_path(target, 2).exists()
    _change_source(tmp_source, "\n\nSecond update.")
    code, text = _run([tmp_source], out_dir)
    second = learner.new_path(target, 2)
    assert code == 0 and second.name in text
    assert beside.read_bytes() == edited_new
    assert "Second update." in second.read_text(encoding="utf-8")


@pytest.mark.parametrize("edit", ["cell tag", "notebook metadata"])
def test_a_metadata_edit_counts_as_an_edit(tmp_source, tmp_path, edit):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    if edit == "cell tag":
        mine.cells[0].metadata["tags"] = ["my-bookmark"]
    else:
        mine.metadata["my_note"] = "come back to task 2"
    nbformat.write(mine, target)
    edited = target.read_bytes()
    _change_source(tmp_source, "\n\nUpdated.")
    assert "KEPT" in _run([tmp_source], out_dir)[1]
    assert target.read_bytes() == edited


def test_a_front_end_rewriting_kernel_metadata_is_not_an_edit(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    opened = nbformat.read(target, as_version=4)
    opened.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
    opened.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(opened, target)
    _change_source(tmp_source, "\n\nUpdated.")
    assert "UPDATED" in _run([tmp_source], out_dir)[1]


def test_a_bad_source_is_one_line_and_the_others_still_run(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    not_a_notebook = tmp_path / "README.md"
    not_a_notebook.write_text("# not a notebook\n", encoding="utf-8")
    code, text = _run([tmp_path / "nope.ipynb", not_a_notebook, tmp_source], out_dir)
    errors = [line for line in text.splitlines() if line.startswith("ERROR")]
    assert code == 2 and len(errors) == 2
    assert "nope.ipynb" in errors[0] and "README.md" in errors[1]
    assert "Traceback" not in text
    assert (out_dir / tmp_source.name).exists()


# ---------------------------------------------------------------------------------------------
# The exercise notebooks of the course
# ---------------------------------------------------------------------------------------------
_STATUS = re.compile(r'class="failurelab-check" data-status="(\w+)"')


def _feedback(nb):
    """(cell id, status, plain text) of every check() output, in order."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            m = _STATUS.search(html)
            if m:
                found.append((cell.id, m.group(1), out["data"]["text/plain"]))
    return found


def _check_calls(nb):
    return sum(len(re.findall(r"^check\(", c.source, flags=re.MULTILINE))
               for c in nb.cells if c.cell_type == "code")


def _execute(path: Path, cwd: Path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb, time.perf_counter() - start


@pytest.fixture(scope="module", params=SOURCES, ids=[p.name for p in SOURCES])
def executed_source(request):
    return request.param, *_execute(request.param, request.param.parent)


def test_there_are_exercise_notebooks():
    assert SOURCES and (ROOT / "exercises" / "01_mechanism.ipynb") in SOURCES
    assert (ROOT / "exercises" / "02_evidence.ipynb") in SOURCES


def test_every_chapter1_task_is_in_the_notebook():
    nb = nbformat.read(ROOT / "exercises" / "01_mechanism.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.findall(r'^check\("([\d.]+)"', code, flags=re.MULTILINE) == CH1


def test_every_chapter2_task_is_in_the_notebook_with_the_tasks_inputs():
    nb = nbformat.read(ROOT / "exercises" / "02_evidence.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.findall(r'^check\("([\d.]+)"', code, flags=re.MULTILINE) == CH2
    # the inputs typed in the notebook are the ones the checker uses (failurelab/tasks/evidence.py)
    assert f'trials.loc["{ev.CH2_STUDY}"]' in code
    assert "trials.loc[[" + ", ".join(f'"{s}"' for s in ev.CH2_THREE) + "]]" in code
    assert f'.loc["{ev.CH2_META}"]' in code
    assert f"candidates = {list(ev.CH2_CANDIDATES)}" in code
    assert f"sd_mm = {ev.CH2_SD_MM}" in code
    assert f"ds = {list(ev.CH2_POWER_D)}" in code and f"power(d, {ev.CH2_SMALL_N})" in code
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "synthetic" in text.lower() and "illustrative" in text.lower()


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_committed_outputs_show_every_check_passed(source):
    nb = nbformat.read(source, as_version=4)
    feedback = _feedback(nb)
    assert len(feedback) == _check_calls(nb) > 0, "execute the notebook and commit its outputs"
    assert [s for _, s, _ in feedback] == ["correct"] * len(feedback), feedback


def test_solutions_pass_their_checks_when_executed(executed_source):
    path, nb, seconds = executed_source
    feedback = _feedback(nb)
    assert len(feedback) == _check_calls(nb) > 0
    failed = [(cid, text) for cid, status, text in feedback if status != "correct"]
    assert not failed, failed
    assert seconds < NOTEBOOK_BUDGET_S, f"{path.name} took {seconds:.1f} s"


def test_learner_copies_are_current():
    out = io.StringIO()
    assert learner.run([], check=True, stream=out) == 0, (
        out.getvalue() + "\nregenerate with: python -m failurelab.tools learner")


def test_learner_command_through_the_cli():
    missing = [m for m in importlib.import_module("failurelab.tools.__main__").COMMANDS
               if importlib.util.find_spec(f"failurelab.tools.{m}") is None]
    if missing:
        pytest.skip(f"command modules not written yet: {missing}")
    proc = subprocess.run([sys.executable, "-m", "failurelab.tools", "learner", "--check"],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "UNCHANGED" in proc.stdout


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_learner_copy_contains_no_solution(source):
    src = nbformat.read(source, as_version=4)
    copy_path = learner.learner_path(source)
    nb = nbformat.read(copy_path, as_version=4)
    text = copy_path.read_text(encoding="utf-8")
    for marker in ("# SOLUTION", "BEGIN SOLUTION", "END SOLUTION", "# STUB:"):
        assert marker not in text, marker
    assert not [c for c in nb.cells if learner.SOLUTION_TAG in c.metadata.get("tags", [])]
    solution_ids = {c.id for c in src.cells if learner.SOLUTION_TAG in c.metadata.get("tags", [])}
    assert solution_ids and not solution_ids & {c.id for c in nb.cells}
    code_lines = {line.strip() for c in nb.cells if c.cell_type == "code"
                  for line in c.source.split("\n")}
    removed = learner.solution_lines(src)
    assert removed
    for line in removed:
        code = re.sub(r"\s*#\s*SOLUTION\s*$", "", line).strip()
        assert code not in code_lines, line
        if "=" in code:  # the value of a '# SOLUTION' assignment
            value = code.split("=", 1)[1].strip()
            assert all(value not in c.source for c in nb.cells if c.cell_type == "code"), line
    assert all(c.outputs == [] and c.execution_count is None
               for c in nb.cells if c.cell_type == "code")
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_learner_copy_runs_and_every_check_is_unanswered(source):
    copy_path = learner.learner_path(source)
    nb, seconds = _execute(copy_path, copy_path.parent)  # raises CellExecutionError on error
    feedback = _feedback(nb)
    assert len(feedback) == _check_calls(nb) > 0
    for cid, status, text in feedback:
        assert status == "unanswered", (cid, text)
        assert "is not answered yet: replace `...` with your code" in text
    assert seconds < NOTEBOOK_BUDGET_S
