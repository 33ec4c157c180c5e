"""Chapter-2 exercise tasks (failurelab/check/ch2_evidence.py): reference values and hints.

Reference values are computed here by hand from the CSV numbers, or taken from the published
sources (Grgic et al. 2022; Cohen 1988). That the notebook's inputs give these answers is checked
by running exercises/02_evidence.ipynb (nbval) and tests/test_exercises.py.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from failurelab import check as chk
from failurelab.check import ch2_evidence as ev

ROOT = Path(__file__).resolve().parents[1]


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


def _with(task_id, **changes):
    """Check task_id with the expected answers, some of them replaced by ``changes``."""
    return chk.check(task_id, **{**chk.expected(task_id), **changes})


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


def test_the_notebook_says_the_trials_are_synthetic_and_the_sd_illustrative():
    nb = nbformat.read(ROOT / "exercises" / "02_evidence.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "synthetic" in text.lower() and "illustrative" in text.lower()
