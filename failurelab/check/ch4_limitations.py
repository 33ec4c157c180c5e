"""Chapter 4 exercise tasks (exercises/04_limitations.ipynb): power, a claim, measurement error.

Expected values come from the package at call time: :mod:`failurelab.effect_sizes` (power,
n per group, detectable d), :mod:`failurelab.studies` (attenuation: measured d = true d x
sqrt(reliability), Spearman 1904) and :mod:`failurelab.data` (Grgic et al. 2022's pooled
hypertrophy effect, doi:10.1016/j.jshs.2021.01.007; Refalo et al. 2023's momentary-failure
effect, doi:10.1007/s40279-022-01784-y). The claim of task 4.2 is an EXAMPLE written for the
exercise, not a quotation.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from failurelab.claims import QUESTION_KEYS

from .engine import Part, Task, same_as, when

CH4_META = "grgic2022-hypertrophy"  # tasks 4.1 and 4.3: the true effect assumed (its estimate)
CH4_N = 10  # task 4.1: people per group, as in Ruple et al. 2023 (10 vs 9)
CH4_POWER = 0.8  # task 4.1: wanted power
CH4_CLAIM_ROW = "refalo2023-momentary-failure"  # task 4.2: the row the example claim needs
#: task 4.2: the example claim (invented for the exercise; its numbers are another row's)
CH4_CLAIM = ("A 2023 meta-analysis found that training to momentary muscular failure increased "
             "muscle size more than stopping short: effect 0.19 (95% CI 0.00 to 0.37).")
#: task 4.2: questions (in the checklist's order) on which the example claim contradicts the source
CH4_WRONG = (False, False, True, False, False, False, False, False, False, False)
CH4_RELIABILITIES = (0.9, 0.7, 0.5)  # task 4.3: reliability of the outcome measurement
CH4_SIM_RELIABILITY = 0.7  # task 4.3: the simulated reliability
CH4_SIM_N = 200_000  # task 4.3: simulated people per group (SE of d about 0.003)


@lru_cache(maxsize=4)
def _row(row_id):
    from failurelab.data import load

    r = load("meta_analyses").set_index("id").loc[row_id]
    return float(r["estimate"]), float(r["ci_low"]), float(r["ci_high"])


def _flipped():
    """Task 4.2's row on the opposite sign: estimate and CI negated, bounds swapped."""
    est, low, high = _row(CH4_CLAIM_ROW)
    return [-est, -high, -low]


def _true_d():
    return _row(CH4_META)[0]


def _power(d, n, one_sided=False):
    from statsmodels.stats.power import TTestIndPower

    from failurelab.effect_sizes import power

    if not one_sided:
        return power(d, n)
    return float(TTestIndPower().power(effect_size=d, nobs1=n, alpha=0.05, alternative="larger"))


def _observed():
    from failurelab.studies import attenuated_d

    return np.array([attenuated_d(_true_d(), r) for r in CH4_RELIABILITIES])


def _n_for(ds):
    from failurelab.effect_sizes import n_per_group

    return np.array([n_per_group(d, power=CH4_POWER) for d in ds], dtype=float)


SIGN = "Check the sign convention: here a positive effect favours failure."
TOTAL = ("That is the **total** number of both groups; the task asks for the number **per "
         "group**.")
ONE_SIDED = ("That is a **one-sided** test. Training studies test two-sided (an effect in either "
             "direction), as `power` and `n_per_group` do.")

#: task 4.2: why each question is, or is not, where the example claim goes wrong
WHY_42 = {
    1: "Which study: 'a 2023 meta-analysis' fits Refalo et al. 2023, so the study is right.",
    2: "Which outcome: 'muscle size' is hypertrophy, the outcome of Refalo et al. 2023.",
    3: "Which comparison: 0.19 (0.00 to 0.37) is the estimate for **any definition of set "
       "failure**. For momentary muscular failure, the comparison the claim names, the paper "
       "gives 0.12 (-0.13 to 0.37).",
    4: "Which sign: positive favours failure in Refalo et al. 2023, as the claim reads it.",
    10: "What the interval rules out: the claim reads its own interval correctly (0.00 to 0.37 "
        "excludes 0, p = 0.045). What is wrong is whose interval it is: that is question 3.",
}


def register(reg):
    _register_power(reg)
    _register_claim(reg)
    _register_measurement(reg)


def _register_power(reg):
    from failurelab.effect_sizes import detectable_d

    reg.add(Task(
        "4.1", "power of a realistic design",
        parts=(
            Part(lambda: _power(_true_d(), CH4_N), name="power", fraction=True,
                 what="a fraction between 0 and 1",
                 hints=(same_as(lambda: _power(_true_d(), 2 * CH4_N),
                                f"`n` is the number **per group**: {CH4_N}, not {2 * CH4_N}."),
                        same_as(lambda: _power(_true_d(), CH4_N / 2),
                                f"`n` is per group: {CH4_N}, not {CH4_N} / 2."),
                        same_as(lambda: _power(_true_d(), CH4_N, one_sided=True), ONE_SIDED),
                        same_as(lambda: 1 - _power(_true_d(), CH4_N),
                                "That is the chance of **missing** the effect (1 - power)."))),
            Part(lambda: _n_for([_true_d()])[0], name="n_needed", integer=True,
                 what="one count (per group)",
                 hints=(same_as(lambda: 2 * _n_for([_true_d()])[0], TOTAL),
                        when(lambda raw, v, e: v is not None and v.shape == e.shape
                             and np.all(np.ceil(v - 1e-9) == e) and not np.all(v == e),
                             "People come whole: round **up** (`n_per_group` does that for "
                             "you)."))),
            Part(lambda: detectable_d(CH4_N), name="detectable_d",
                 what="one number (an SMD)",
                 hints=(same_as(lambda: detectable_d(2 * CH4_N),
                                f"`detectable_d(n)` takes the number **per group**, {CH4_N}."),
                        same_as(lambda: detectable_d(CH4_N, power=0.5),
                                "Use the default power of 80 %, not 50 %."))),
        ),
        why="A trial with 10 people per group has little chance to detect an effect the size "
            "of the pooled estimate; only effects several times larger are likely to be "
            "detected. Its 'no significant difference' says little.",
        hint="`power(d, n)`, `n_per_group(d)` and `detectable_d(n)` from "
             "`failurelab.effect_sizes`, with d the published estimate and n per group.",
    ))


def _register_claim(reg):
    def wrong_rule(raw, value, expected):
        if value is None or value.shape != expected.shape:
            return None
        msgs = [WHY_42[i + 1] for i in range(expected.size)
                if value[i] != expected[i] and (i + 1) in WHY_42]
        msgs += [f"Question {i + 1}: the example claim does not say, so it cannot contradict "
                 f"the source there." for i in range(expected.size)
                 if value[i] == 1 and expected[i] == 0 and (i + 1) not in WHY_42]
        return " ".join(msgs) or None

    other = "refalo2023-set-failure"
    reg.add(Task(
        "4.2", "judge a claim with the checklist",
        parts=(
            Part(lambda: _row(CH4_CLAIM_ROW), name="mmf",
                 labels=("estimate", "lower bound", "upper bound"),
                 what="3 numbers (estimate, lower, upper)",
                 hints=(same_as(lambda: _row(other),
                                "These are the numbers the claim quotes: any definition of set "
                                "failure. The claim is about **momentary muscular failure**: "
                                f"row `{CH4_CLAIM_ROW}`."),
                        same_as(_flipped, SIGN))),
            Part(lambda: float(_row(CH4_CLAIM_ROW)[1] > 0 or _row(CH4_CLAIM_ROW)[2] < 0),
                 name="excludes_zero", integer=True, what="True or False",
                 choices=(("excludes 0", True), ("includes 0", False)),
                 hints=(when(lambda raw, v, e: v is not None and v.size == 1 and v.item() == 1
                             and e.item() == 0,
                             "The interval runs from below 0 to above 0, so it includes 0: the "
                             "data are compatible with no difference."),)),
            Part(lambda: np.array(CH4_WRONG, dtype=float), name="wrong",
                 labels=QUESTION_KEYS, integer=True,
                 what=f"{len(QUESTION_KEYS)} answers, True or False",
                 choices=(("contradicts the source", True), ("agrees or does not say", False)),
                 hints=(wrong_rule,)),
        ),
        why="The claim quotes a real number, but from another comparison. For strict "
            "(momentary muscular) failure the pooled estimate is smaller and its interval "
            "includes 0: 'increased muscle size more' is not what the source shows.",
        hint="Find the row for momentary muscular failure in `meta_analyses`, then go through "
             "the checklist's questions one at a time.",
    ))


def _register_measurement(reg):
    rels = tuple(f"reliability {r:g}" for r in CH4_RELIABILITIES)

    def true_d():
        return np.full(len(CH4_RELIABILITIES), _true_d())

    reg.add(Task(
        "4.3", "measurement error weakens an effect",
        parts=(
            Part(_observed, name="observed_d", labels=rels, what="3 numbers (measured SMDs)",
                 hints=(same_as(lambda: true_d() * np.array(CH4_RELIABILITIES),
                                "Multiply by the **square root** of the reliability, not by the "
                                "reliability itself."),
                        same_as(lambda: true_d() / np.sqrt(CH4_RELIABILITIES),
                                "Measurement error makes the measured effect **smaller**: "
                                "multiply by sqrt(reliability); do not divide."),
                        same_as(lambda: true_d() * np.sqrt(1 - np.array(CH4_RELIABILITIES)),
                                "Use sqrt(reliability), not sqrt(1 - reliability)."))),
            Part(lambda: _observed()[CH4_RELIABILITIES.index(CH4_SIM_RELIABILITY)],
                 name="simulated_d", rtol=0.0, atol=0.015,
                 what="one number (the simulated measured SMD)",
                 hints=(same_as(_true_d, "That is the true effect: the simulated measurements "
                                         "need the added error.", rtol=0.01),
                        when(lambda raw, v, e: v is not None and v.size == 1 and abs(v.item()
                             - _true_d() * CH4_SIM_RELIABILITY) < 0.01
                             and abs(v.item() - e.item()) > 0.015,
                             "Check the error SD: sqrt((1 - r) / r) in units of the true SD, "
                             "and divide the mean difference by the SD of the **measured** "
                             "values."))),
            Part(lambda: _n_for(_observed()), name="n_needed", labels=rels, integer=True,
                 what="3 counts (per group)",
                 hints=(same_as(lambda: _n_for(true_d()),
                                "These are the numbers for the **true** effect; a study sees the "
                                "measured one."),
                        same_as(lambda: 2 * _n_for(_observed()), TOTAL),
                        when(lambda raw, v, e: v is not None and v.shape == e.shape
                             and np.all(np.abs(v - e) <= 0.06 * e) and not np.all(v == e),
                             "Close: the people needed grow with 1 / d², so a d rounded to 2 or "
                             "3 decimals moves them by several people. Use each measured d with "
                             "at least 4 decimals."))),
        ),
        why="Measurement error shrinks the effect a study can see, by sqrt(reliability), and the "
            "people needed grow with 1 / d^2: a noisy outcome makes a small study even weaker.",
        hint="measured d = true d * sqrt(reliability); error SD = sqrt((1 - r) / r) in units of "
             "the true SD; then `n_per_group(measured d)`.",
    ))

