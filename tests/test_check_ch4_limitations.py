"""Chapter-4 exercise tasks (failurelab/check/ch4_limitations.py): reference values, hints.

Power is checked against statsmodels and a noncentral-t closed form; attenuation against the
formula d x sqrt(r) and a seeded simulation; the claim task against data/meta_analyses.csv.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower

from failurelab import check as chk
from failurelab.check import ch4_limitations as lim
from failurelab.claims import QUESTION_KEYS
from failurelab.data import load

ROOT = Path(__file__).resolve().parents[1]
CH4 = ["4.1", "4.2", "4.3"]


def _with(task_id, **changes):
    return chk.check(task_id, **{**chk.expected(task_id), **changes})


def test_chapter4_tasks_are_registered():
    assert [t for t in chk.TASKS.ids() if t.startswith("4.")] == CH4


@pytest.mark.parametrize("task_id", CH4)
def test_expected_answers_pass_and_stubs_are_unanswered(task_id):
    assert chk.check(task_id, **chk.expected(task_id)).passed
    assert chk.check(task_id, ...).status == "unanswered"


def test_power_reference_values():
    exp = chk.expected("4.1")
    d = load("meta_analyses").set_index("id").loc["grgic2022-hypertrophy", "estimate"]
    assert d == 0.22 and lim.CH4_N == 10
    # closed form: two-sided t-test, noncentral t with df = 2n - 2, ncp = d sqrt(n / 2)
    df, ncp = 2 * lim.CH4_N - 2, d * math.sqrt(lim.CH4_N / 2)
    crit = stats.t.isf(0.025, df)
    closed = stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp)
    assert exp["power"] == pytest.approx(closed, rel=1e-6)
    assert exp["power"] == pytest.approx(0.0752, abs=1e-4)
    solved = TTestIndPower().solve_power(effect_size=d, alpha=0.05, power=0.8)
    assert exp["n_needed"] == math.ceil(solved) == 326
    assert TTestIndPower().power(effect_size=exp["detectable_d"], nobs1=10,
                                 alpha=0.05) == pytest.approx(0.8, abs=1e-6)


def test_claim_task_uses_the_published_row():
    exp = chk.expected("4.2")
    row = load("meta_analyses").set_index("id").loc["refalo2023-momentary-failure"]
    assert list(exp["mmf"]) == [row.estimate, row.ci_low, row.ci_high] == [0.12, -0.13, 0.37]
    assert exp["excludes_zero"] == 0
    assert len(lim.CH4_WRONG) == len(QUESTION_KEYS)
    assert [k for k, w in zip(QUESTION_KEYS, exp["wrong"]) if w] == ["comparison"]
    other = load("meta_analyses").set_index("id").loc["refalo2023-set-failure"]
    assert f"effect {other.estimate:.2f} (95% CI {other.ci_low:.2f} to {other.ci_high:.2f})" \
        in lim.CH4_CLAIM  # the example claim quotes the set-failure row
    assert "2023" in lim.CH4_CLAIM and "momentary muscular failure" in lim.CH4_CLAIM


def test_attenuation_reference_values():
    exp = chk.expected("4.3")
    d = 0.22
    assert exp["observed_d"] == pytest.approx([d * math.sqrt(r) for r in (0.9, 0.7, 0.5)])
    assert exp["simulated_d"] == pytest.approx(d * math.sqrt(0.7))
    solved = [math.ceil(TTestIndPower().solve_power(effect_size=d * math.sqrt(r), alpha=0.05,
                                                    power=0.8)) for r in (0.9, 0.7, 0.5)]
    assert list(exp["n_needed"]) == solved == [362, 465, 650]


def test_a_simulation_like_the_notebooks_passes():
    rng = np.random.default_rng(11)  # another seed: the tolerance covers sampling error
    n, d, r = lim.CH4_SIM_N, 0.22, lim.CH4_SIM_RELIABILITY
    sd_e = math.sqrt((1 - r) / r)
    a = rng.standard_normal(n) + d + sd_e * rng.standard_normal(n)
    b = rng.standard_normal(n) + sd_e * rng.standard_normal(n)
    sim = (a.mean() - b.mean()) / math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    assert abs(sim - d * math.sqrt(r)) < 0.015
    assert _with("4.3", simulated_d=sim).passed
    assert not _with("4.3", simulated_d=d).passed  # no error added: the true d


MISTAKES = [
    ("4.1", lambda e: {"power": 100 * e["power"]}, "percentage"),
    ("4.1", lambda e: {"power": 1 - e["power"]}, "missing"),
    ("4.1", lambda e: {"power": TTestIndPower().power(effect_size=0.22, nobs1=20, alpha=0.05)},
     "per group"),
    ("4.1", lambda e: {"power": TTestIndPower().power(effect_size=0.22, nobs1=10, alpha=0.05,
                                                      alternative="larger")}, "one-sided"),
    ("4.1", lambda e: {"n_needed": 2 * e["n_needed"]}, "total"),
    ("4.1", lambda e: {"n_needed": e["n_needed"] - 0.4}, "round **up**"),
    ("4.2", lambda e: {"mmf": [0.19, 0.0, 0.37]}, "any definition of set failure"),
    ("4.2", lambda e: {"mmf": [-0.12, -0.37, 0.13]}, "sign convention"),
    ("4.2", lambda e: {"excludes_zero": True}, "includes 0"),
    ("4.2", lambda e: {"wrong": [True] + [False] * 9},
     "Which comparison"),
    ("4.2", lambda e: {"wrong": [False, False, True, False, True] + [False] * 5},
     "does not say"),
    ("4.2", lambda e: {"wrong": [False, False, True] + [False] * 6 + [True]},
     "whose interval"),
    ("4.2", lambda e: {"wrong": [False, False, True, False, False, False, False, True, False,
                                 False]},
     "does not say"),
    ("4.3", lambda e: {"observed_d": 0.22 * np.array([0.9, 0.7, 0.5])}, "square root"),
    ("4.3", lambda e: {"observed_d": 0.22 / np.sqrt([0.9, 0.7, 0.5])}, "do not divide"),
    ("4.3", lambda e: {"simulated_d": 0.22}, "true effect"),
    ("4.3", lambda e: {"n_needed": [326, 326, 326]}, "**true** effect"),
    ("4.3", lambda e: {"n_needed": 2 * np.asarray(e["n_needed"])}, "total"),
]


@pytest.mark.parametrize("task_id, mistake, words", MISTAKES,
                         ids=[f"{t}-{w[:18]}" for t, _, w in MISTAKES])
def test_hints_fire_for_typical_mistakes(task_id, mistake, words):
    fb = _with(task_id, **mistake(chk.expected(task_id)))
    assert fb.status in ("wrong", "invalid"), repr(fb)
    assert words.replace("**", "") in repr(fb), repr(fb)


def test_the_notebook_quotes_the_tasks_claim():
    nb = nbformat.read(ROOT / "exercises" / "04_limitations.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert lim.CH4_CLAIM.replace(" more than stopping short", "\n> more than stopping short") \
        in text or " ".join(lim.CH4_CLAIM.split()) in " ".join(text.replace("> ", "").split())
    assert "example claim written for this exercise" in text and "simulated" in text.lower()
