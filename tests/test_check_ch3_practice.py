"""Chapter-3 exercise tasks (failurelab/check/ch3_practice.py): values, registration, hints.

Reference values are computed here independently: the load-rep equations by their closed forms,
the log by plain pandas from the CSV file. That the notebook's inputs give these answers is
checked by running exercises/03_practice.ipynb (nbval) and tests/test_exercises.py.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from failurelab import check as chk
from failurelab.check import ch3_practice as pr

ROOT = Path(__file__).resolve().parents[1]
CH3 = ["3.1", "3.2", "3.3", "3.4", "3.5"]


def _e(task_id, part):
    return np.asarray(chk.expected(task_id)[part], dtype=float)


def _with(task_id, **changes):
    """Check task_id with the expected answers, some of them replaced by ``changes``."""
    return chk.check(task_id, **{**chk.expected(task_id), **changes})


def _csv():
    """The synthetic log read without the package: plain pandas."""
    log = pd.read_csv(ROOT / "data" / "synthetic_training_log.csv")
    log["failure"] = log["failure"].astype(str).str.lower() == "true"
    return log


def _epley(w, r):
    return w * (1 + r / 30)


def _brzycki(w, r):
    return w * 36 / (37 - r)


def _modified_epley(w, r):
    return w * (0.0353 * (r - 1) + 1)


# ---------------------------------------------------------------------------------------------
# Registration and reference values
# ---------------------------------------------------------------------------------------------
def test_chapter3_tasks_are_registered_and_their_expected_answers_pass():
    assert [t for t in chk.TASKS.ids() if t.startswith("3.")] == CH3
    statuses = {t: (chk.check(t, **chk.expected(t)).status, chk.check(t, ...).status,
                    chk.check(t, **dict.fromkeys(chk.expected(t), ...)).status) for t in CH3}
    assert statuses == dict.fromkeys(CH3, ("correct", "unanswered", "unanswered"))


def test_e1rm_reference_values():
    # 100 kg x 8 at 2 RIR -> 10 reps to failure -> Epley 133.3 kg (the example of notebook 3.2)
    assert pr.CH3_SETS == ((100.0, 8, 2), (110.0, 5, 1), (120.0, 3, 0))
    assert list(_e("3.1", "reps_to_failure")) == [10, 6, 3]
    assert _e("3.1", "e1rm") == pytest.approx([400 / 3, 132.0, 132.0], rel=1e-12)
    assert _e("3.1", "e1rm") == pytest.approx([_epley(w, r + q) for w, r, q in pr.CH3_SETS])


def test_formula_reference_values():
    exp = chk.expected("3.2")
    for name, (w, r, q) in (("light", pr.CH3_LIGHT_SET), ("heavy", pr.CH3_HEAVY_SET)):
        n = r + q
        assert exp[name] == pytest.approx([_epley(w, n), _brzycki(w, n), _modified_epley(w, n)],
                                          rel=1e-12)
    # 60 kg x 18 at 2 RIR: Epley exactly 100 kg, Brzycki 60 * 36 / 17 = 127.06 kg
    assert exp["light"][:2] == pytest.approx([100.0, 2160 / 17])
    assert exp["spread"] == pytest.approx([2160 / 17 / 100 - 1, (340 / 3) / (3600 / 33) - 1])
    assert exp["spread"][0] > 5 * exp["spread"][1]  # the light set: far larger disagreement


def test_log_reference_values_by_plain_pandas():
    log = _csv()
    squat = log[(log.exercise == pr.CH3_EXERCISE) & (log.reps > 0)].copy()
    squat["e1rm"] = _epley(squat.weight_kg, squat.reps + squat.rir)
    best = squat.groupby("date")["e1rm"].max()
    exp = chk.expected("3.3")
    assert exp["first_last"] == pytest.approx([best.iloc[0], best.iloc[-1]])
    assert exp["first_last"] == pytest.approx([97.5, 104.0])  # 75 kg x (7 + 2), 80 kg x (7 + 2)
    assert exp["change"] == pytest.approx(104 / 97.5 - 1)
    assert exp["failure_sets"] == log[log.exercise == pr.CH3_EXERCISE]["failure"].sum() == 18


def _flags_by_hand(threshold, sessions):
    """The flag rule of failurelab.logs, written out: best e1RM per session vs earlier best."""
    log = _csv()
    log = log[log.reps > 0].assign(e1rm=lambda t: _epley(t.weight_kg, t.reps + t.rir))
    out = {}
    for ex in pr.CH3_EXERCISES:
        best = log[log.exercise == ex].groupby("date")["e1rm"].max().to_numpy()
        flagged, run = [], 0
        for k in range(len(best)):
            drop = 1 - best[k] / best[:k].max() if k else 0.0
            run = run + 1 if drop > threshold + 1e-12 else 0
            flagged.append(run >= sessions)
        out[ex] = np.array(flagged)
    return out


def test_flag_reference_values_by_hand():
    by_hand = _flags_by_hand(pr.CH3_THRESHOLD, pr.CH3_SESSIONS)
    exp = chk.expected("3.4")
    assert list(exp["n_flagged"]) == [by_hand[ex].sum() for ex in pr.CH3_EXERCISES] == [5, 4]
    assert list(exp["first_flag"]) == [np.argmax(by_hand[ex]) + 1 for ex in pr.CH3_EXERCISES]
    assert list(exp["first_flag"]) == [14, 15]
    # Squat session 16: best e1RM 90.42 kg against the earlier best of 100.75 kg
    assert exp["drop"] == pytest.approx(1 - 90.416667 / 100.75, abs=1e-6)


def test_decision_reference_values():
    share = chk.expected("3.5")["failure_share"]
    assert share == pytest.approx([15 / 27, 21 / 117])  # flagged: 9 + 6 of 27 sets; others 21/117
    assert pr.CH3_SUPPORTED[0] == bool(share[0] > share[1])  # statement 1 reads these numbers
    assert list(chk.expected("3.5")["supported"]) == [1, 0, 1, 0]


# ---------------------------------------------------------------------------------------------
# Targeted hints
# ---------------------------------------------------------------------------------------------
def _sets(fn):
    return [fn(w, r, q) for w, r, q in pr.CH3_SETS]


def _light_heavy(fn):
    return [fn(*s) for s in (pr.CH3_LIGHT_SET, pr.CH3_HEAVY_SET)]


MISTAKES = [
    # (task, mistaken answer(s), words the hint must contain)
    ("3.1", lambda: {"reps_to_failure": _sets(lambda w, r, q: r)}, "reps + RIR"),
    ("3.1", lambda: {"reps_to_failure": _sets(lambda w, r, q: r - q)}, "do not subtract"),
    ("3.1", lambda: {"e1rm": _sets(lambda w, r, q: _epley(w, r))}, "You used the reps done"),
    ("3.1", lambda: {"e1rm": _sets(lambda w, r, q: _epley(w, r - q))}, "do not subtract"),
    ("3.1", lambda: {"e1rm": _sets(lambda w, r, q: w / (1 + (r + q) / 30))}, "Epley multiplies"),
    ("3.1", lambda: {"e1rm": _sets(lambda w, r, q: w * (1 + r + q) / 30)}, "Brackets"),
    ("3.1", lambda: {"e1rm": _sets(lambda w, r, q: _brzycki(w, r + q))}, "another formula (Brzycki)"),
    ("3.1", lambda: {"e1rm": _sets(lambda w, r, q: _modified_epley(w, r + q))},
     "another formula (modified Epley)"),
    ("3.2", lambda: {"light": [_epley(60, 18), _brzycki(60, 18), _modified_epley(60, 18)]},
     "You used the reps done"),
    ("3.2", lambda: {"heavy": [_epley(100, 4)] * 3}, "All three numbers are the same"),
    ("3.2", lambda: {"light": _e("3.2", "light")[::-1]}, "wrong order"),
    ("3.2", lambda: {"spread": 100 * _e("3.2", "spread")}, "percentage"),
    ("3.2", lambda: {"spread": [np.ptp(_e("3.2", k)) for k in ("light", "heavy")]}, "in **kg**"),
    ("3.2", lambda: {"spread": [np.ptp(_e("3.2", k)) / _e("3.2", k).max()
                                for k in ("light", "heavy")]}, "**lowest**"),
    ("3.3", lambda: {"first_last": [75.0, 80.0]}, "weights lifted"),
    ("3.3", lambda: {"first_last": [66.5, 104.0]}, "another exercise"),
    ("3.3", lambda: {"first_last": [75 * 36 / 28, 80 * 36 / 28]}, "Brzycki"),
    ("3.3", lambda: {"change": 100 * (104 / 97.5 - 1)}, "percentage"),
    ("3.3", lambda: {"change": 6.5}, "change in kg"),
    ("3.3", lambda: {"change": 1 - 97.5 / 104}, "Relative to the **first**"),
    ("3.3", lambda: {"failure_sets": 6}, "**sessions**"),
    ("3.3", lambda: {"failure_sets": 36}, "both exercises"),
    ("3.4", lambda: {"n_flagged": [int(t.below.sum()) for _, t in pr._flags().groupby(
        "exercise", sort=False)][::-1]}, "**below**"),
    ("3.4", lambda: {"first_flag": [13, 14]}, "where the run of low sessions starts"),
    ("3.4", lambda: {"first_flag": [37, 14]}, "row numbers"),
    ("3.4", lambda: {"drop": 1 - 90.416667 / 95.583333}, "**previous** session"),
    ("3.4", lambda: {"drop": 100.75 / 90.416667 - 1}, "Divide by the **earlier best**"),
    ("3.4", lambda: {"drop": 100 * _e("3.4", "drop")}, "percentage"),
    ("3.5", lambda: {"failure_share": [15, 21]}, "counts of sets"),
    ("3.5", lambda: {"failure_share": [15 / 36, 21 / 36]}, "all failure sets of the log"),
    ("3.5", lambda: {"failure_share": [21 / 117, 15 / 27]}, "wrong order"),
    ("3.5", lambda: {"supported": [True, True, True, False]}, "synthetic"),
    ("3.5", lambda: {"supported": [True, False, True, True]}, "does not seem to be required"),
    ("3.5", lambda: {"supported": [False, False, True, False]}, "Statement 1 is supported"),
]


@pytest.mark.parametrize("task_id, mistake, words", MISTAKES,
                         ids=[f"{t}-{w[:24]}" for t, _, w in MISTAKES])
def test_hints_fire_for_typical_mistakes(task_id, mistake, words):
    fb = _with(task_id, **mistake())
    assert fb.status in ("wrong", "invalid"), repr(fb)
    assert words in fb._repr_markdown_(), repr(fb)


def test_a_correct_answer_gets_no_hint_of_a_mistake():
    fb = chk.check("3.1", reps_to_failure=[10, 6, 3], e1rm=[133.3, 132.0, 132.0])
    assert fb.passed and "Hint" not in repr(fb)


# ---------------------------------------------------------------------------------------------
# The notebook's text
# ---------------------------------------------------------------------------------------------
def test_the_notebook_says_the_log_is_synthetic_and_the_rules_heuristic():
    nb = nbformat.read(ROOT / "exercises" / "03_practice.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "synthetic" in text.lower() and "heuristic" in text.lower()
    assert "professional" in text.lower()  # the safety note of chapter 3
