"""Chapter 2 exercise tasks (exercises/02_evidence.ipynb): effect sizes, pooling, CIs, power.

Expected values come from the course's package at call time (``failurelab.effect_sizes``,
``failurelab.meta``, ``failurelab.data``); the studies, values and options the tasks use are
named here and shared with the notebook's text. The trials are SYNTHETIC
(data/synthetic_trials.csv, simulated by ``failurelab.synthetic``); the published estimate is
Grgic et al. 2022's pooled hypertrophy effect (data/meta_analyses.csv, doi:10.1016/j.jshs.2021.01.007).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .engine import Part, Task, same_as, when

CH2_STUDY = "S11"  # task 2.1: one synthetic study, Hedges' g by hand
CH2_THREE = ("S02", "S04", "S08")  # tasks 2.2 and 2.3: three synthetic studies to pool
CH2_META = "grgic2022-hypertrophy"  # task 2.4: id of the published estimate in meta_analyses
CH2_SD_MM = 2.0  # task 2.4: ILLUSTRATIVE SD (mm), not from the paper (the SD the SMD was scaled by)
CH2_CANDIDATES = (-0.2, 0.0, 0.15, 0.5, 0.6)  # task 2.4: effect sizes the CI may rule out
CH2_SUPPORTED = (False, True, False, False)  # task 2.4: statements 1-4 of the notebook
CH2_POWER_D = (0.15, 0.5)  # task 2.5: effect sizes (d)
CH2_POWER = 0.8  # task 2.5: wanted power
CH2_SMALL_N = 15  # task 2.5: people per group in a typical small training study
Z95 = 1.959963984540054  # the normal quantile of a 95 % interval


# ---------------------------------------------------------------------------------------------
# Data and package results (cached: the checker calls them for every hint)
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _trials():
    from failurelab.data import load

    return load("synthetic_trials").set_index("study")


def _arms(study):
    r = _trials().loc[study]
    return (float(r.mean_failure), float(r.sd_failure), int(r.n_failure),
            float(r.mean_nonfailure), float(r.sd_nonfailure), int(r.n_nonfailure))


@lru_cache(maxsize=32)
def _smd(study, correction="exact"):
    from failurelab.effect_sizes import smd

    return smd(*_arms(study), correction=correction)


def _by_hand():
    """Task 2.1 by the textbook formulas: J approximate, vi 'LS', normal CI."""
    m1, s1, n1, m2, s2, n2 = _arms(CH2_STUDY)
    res = _smd(CH2_STUDY, "approx")
    return {"sd_pooled": (m1 - m2) / res.d, "d": res.d, "g": res.g, "J": res.J, "vi": res.vi,
            "ci": np.array([res.ci_low, res.ci_high]), "arms": (m1, s1, n1, m2, s2, n2)}


def _three():
    """yi and vi of the three studies of tasks 2.2 and 2.3 (metafor's defaults: exact J)."""
    res = [_smd(s) for s in CH2_THREE]
    return np.array([r.g for r in res]), np.array([r.vi for r in res])


@lru_cache(maxsize=8)
def _pooled(method):
    from failurelab.meta import pool

    return pool(*_three(), method=method)


def _ee_by_hand():
    yi, vi = _three()
    w = 1 / vi
    est = float(np.sum(w * yi) / np.sum(w))
    se = math.sqrt(1 / np.sum(w))
    return w / w.sum(), est, np.array([est - Z95 * se, est + Z95 * se])


@lru_cache(maxsize=1)
def _published():
    from failurelab.data import load

    row = load("meta_analyses").set_index("id").loc[CH2_META]
    return float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])


def _n_needed(one_sided=False):
    from failurelab.effect_sizes import n_per_group

    if not one_sided:
        return np.array([n_per_group(d, power=CH2_POWER) for d in CH2_POWER_D], dtype=float)
    from statsmodels.stats.power import TTestIndPower

    return np.array([math.ceil(TTestIndPower().solve_power(
        effect_size=d, nobs1=None, alpha=0.05, power=CH2_POWER, alternative="larger") - 1e-9)
        for d in CH2_POWER_D], dtype=float)


def _power_at(n, one_sided=False):
    from failurelab.effect_sizes import power

    if not one_sided:
        return np.array([power(d, n) for d in CH2_POWER_D])
    from statsmodels.stats.power import TTestIndPower

    return np.array([TTestIndPower().power(effect_size=d, nobs1=n, alpha=0.05,
                                           alternative="larger") for d in CH2_POWER_D])


# ---------------------------------------------------------------------------------------------
# Hint texts shared by several parts
# ---------------------------------------------------------------------------------------------
SIGN = ("The sign is reversed. The course's convention is **failure minus non-failure**, so a "
        "positive effect favours failure.")
ONE_SD = ("You divided by **one group's SD**. Pool both: "
          "sqrt(((n1 - 1) sd1² + (n2 - 1) sd2²) / (n1 + n2 - 2)).")
# task 2.4: why each unsupported statement of the notebook is wrong
WHY_NOT = {
    1: "Statement 1: a CI that includes 0 does not show that there is no effect; it includes "
       "effects as large as its upper bound too. Absence of evidence is not evidence of absence.",
    3: "Statement 3: a pooled SMD is an average over studies, not a gain every person makes, "
       "and the CI says that the average itself is uncertain.",
    4: "Statement 4: a 95 % CI is not a certainty. The method captures the true average in 95 % "
       "of replications, and this interval may be one of the misses.",
}
SE_NOT_VI = ("That is a standard error, sqrt(vi). The task asks for the **sampling variance** vi "
             "(the square of the SE).")


def register(reg):
    _register_hedges(reg)
    _register_pooling(reg)
    _register_published(reg)
    _register_power(reg)


def _register_hedges(reg):
    def h():
        return _by_hand()

    def m1_m2():
        m1, s1, n1, m2, s2, n2 = h()["arms"]
        return m1 - m2, s1, s2, n1, n2

    reg.add(Task(
        "2.1", "Hedges' g by hand",
        parts=(
            Part(lambda: h()["sd_pooled"], name="sd_pooled", what="one number (% of baseline)",
                 hints=(same_as(lambda: m1_m2()[1], ONE_SD + " That is the failure group's SD."),
                        same_as(lambda: m1_m2()[2], ONE_SD + " That is the non-failure group's SD."),
                        same_as(lambda: (m1_m2()[1] + m1_m2()[2]) / 2,
                                "That is the plain average of the two SDs; pool the **variances** "
                                "(squared SDs), weighted by n - 1, then take the square root."),
                        same_as(lambda: h()["sd_pooled"] ** 2,
                                "That is the pooled **variance**; take its square root."))),
            Part(lambda: h()["d"], name="d", what="one number (Cohen's d)",
                 hints=(same_as(lambda: -h()["d"], SIGN),
                        same_as(lambda: m1_m2()[0] / m1_m2()[1], ONE_SD),
                        same_as(lambda: m1_m2()[0] / m1_m2()[2], ONE_SD),
                        same_as(lambda: m1_m2()[0], "That is the raw mean difference; divide it "
                                                    "by the pooled SD."))),
            Part(lambda: h()["g"], name="g", what="one number (Hedges' g)",
                 hints=(same_as(lambda: h()["d"], "That is d. Hedges' g corrects d for small "
                                "samples: g = J d with J = 1 - 3 / (4 (n1 + n2 - 2) - 1)."),
                        same_as(lambda: -h()["g"], SIGN),
                        same_as(lambda: h()["d"] / h()["J"], "Multiply d by J; do not divide."))),
            Part(lambda: h()["vi"], name="vi", what="one number (a variance)",
                 hints=(same_as(lambda: math.sqrt(h()["vi"]), SE_NOT_VI),
                        same_as(lambda: 1 / m1_m2()[3] + 1 / m1_m2()[4],
                                "You left out the last term, g² / (2 (n1 + n2))."),
                        same_as(lambda: 1 / m1_m2()[3] + 1 / m1_m2()[4] + h()["g"] ** 2
                                / (m1_m2()[3] + m1_m2()[4]),
                                "The last term is g² / (2 (n1 + n2)): divide by **twice** the "
                                "total number of people."))),
            Part(lambda: h()["ci"], name="ci", labels=("lower bound", "upper bound"),
                 what="2 numbers (lower, upper)",
                 hints=(same_as(lambda: h()["g"] + np.array([-1, 1]) * Z95 * h()["vi"],
                                "You multiplied 1.96 by the **variance** vi; the interval is "
                                "g ± 1.96 · SE with SE = sqrt(vi)."),
                        same_as(lambda: -h()["ci"][::-1], SIGN),
                        same_as(lambda: h()["d"] + np.array([-1, 1]) * Z95 * math.sqrt(h()["vi"]),
                                "Centre the interval on g, not on d."),
                        same_as(lambda: h()["g"] + np.array([-1, 1]) * 1.645 * math.sqrt(h()["vi"]),
                                "1.645 gives a 90 % interval; a 95 % interval uses 1.96."))),
        ),
        why="g is the difference between the groups in units of their pooled SD, shrunk a little "
            "by J for small samples; its CI comes from the sampling variance vi, which shrinks "
            "only as the groups grow.",
        hint="Follow the formulas in the task one line at a time: pooled SD, d, J, g, vi, CI.",
    ))


def _register_pooling(reg):
    def yi():
        return _three()[0]

    def vi():
        return _three()[1]

    studies = tuple(CH2_THREE)

    def n_total():
        return np.array([_arms(s)[2] + _arms(s)[5] for s in CH2_THREE], dtype=float)

    reg.add(Task(
        "2.2", "effect sizes with the package",
        parts=(
            Part(yi, name="yi", labels=studies, what="3 numbers (Hedges' g)",
                 hints=(same_as(lambda: -yi(), SIGN),
                        same_as(lambda: np.array([_smd(s).d for s in CH2_THREE]),
                                "These are Cohen's d (`res.d`); the effect size to pool is "
                                "Hedges' g, `res.g`."))),
            Part(vi, name="vi", labels=studies, what="3 numbers (variances)",
                 hints=(same_as(lambda: np.sqrt(vi()), SE_NOT_VI + " Use `res.vi`."),)),
        ),
        why="Each study gives an estimate and its sampling variance; these two numbers are all "
            "a meta-analysis needs from it.",
        hint="`smd(m1, sd1, n1, m2, sd2, n2)` with the failure arm first; `.g` and `.vi` of "
             "its result.",
    ))

    def weights():
        return _ee_by_hand()[0]

    by_n = ("Weights by sample size are close but not right: inverse-variance weights are "
            "w = 1 / vi, which also accounts for the size of the effect and unequal groups.")
    reg.add(Task(
        "2.3", "pooling three studies",
        parts=(
            Part(weights, name="weights", labels=studies, fraction=True,
                 what="3 fractions that add up to 1",
                 hints=(same_as(lambda: n_total() / n_total().sum(), by_n),
                        same_as(lambda: 1 / vi(), "These are the raw weights 1 / vi; divide them "
                                                  "by their sum so that they add up to 1."),
                        same_as(lambda: (1 / np.sqrt(vi())) / np.sum(1 / np.sqrt(vi())),
                                "Weights are 1 / **variance** (1 / vi), not 1 / SE."),
                        same_as(lambda: vi() / vi().sum(), "Upside down: the weight is 1 / vi, so "
                                                           "precise studies (small vi) weigh more."))),
            Part(lambda: _ee_by_hand()[1], name="pooled", what="one number (the pooled g)",
                 hints=(same_as(lambda: yi().mean(), "That is the plain average of the three "
                                                     "effects; weight each by 1 / vi."),
                        same_as(lambda: np.sum(n_total() * yi()) / n_total().sum(), by_n),
                        same_as(lambda: np.sum(yi() / vi()), "Divide the weighted sum by the sum "
                                                             "of the weights."))),
            Part(lambda: _ee_by_hand()[2], name="ci", labels=("lower bound", "upper bound"),
                 what="2 numbers (lower, upper)",
                 hints=(same_as(lambda: np.mean([yi() - Z95 * np.sqrt(vi()),
                                                 yi() + Z95 * np.sqrt(vi())], axis=1),
                                "Averaging the studies' CIs does not pool them: the pooled SE is "
                                "sqrt(1 / sum of weights), narrower than any single study's."),
                        same_as(lambda: _ee_by_hand()[1] + np.array([-1, 1]) * Z95
                                / np.sum(1 / vi()),
                                "The pooled variance is 1 / sum(w); the SE is its square root."),
                        same_as(lambda: _ee_by_hand()[1] + np.array([-1, 1]) * Z95
                                * math.sqrt(np.mean(vi())),
                                "The pooled SE is sqrt(1 / sum(w)), not the SE of an average "
                                "study."))),
            Part(lambda: [_pooled("REML").estimate, _pooled("REML").ci_low, _pooled("REML").ci_high],
                 name="reml", labels=("estimate", "lower bound", "upper bound"),
                 what="3 numbers (estimate, lower, upper)",
                 hints=(same_as(lambda: [_pooled("EE").estimate, _pooled("EE").ci_low,
                                         _pooled("EE").ci_high],
                                "These are the equal-effects results; ask `pool` for "
                                "`method=\"REML\"`."),
                        same_as(lambda: [_pooled("REML").estimate, _pooled("REML").pi_low,
                                         _pooled("REML").pi_high],
                                "That is the **prediction** interval (`pi_low`, `pi_high`); the "
                                "task asks for the CI (`ci_low`, `ci_high`)."),
                        same_as(lambda: [_pooled("DL").estimate, _pooled("DL").ci_low,
                                         _pooled("DL").ci_high],
                                "These are DerSimonian-Laird results; use `method=\"REML\"`."))),
        ),
        why="Inverse-variance weights let precise studies count more; a random-effects model "
            "adds the between-study variance tau² to every vi, which evens out the weights and "
            "widens the CI when the studies disagree.",
        hint="w = 1 / vi; pooled = sum(w yi) / sum(w); SE = sqrt(1 / sum(w)); "
             "CI = pooled ± 1.96 SE; then `pool(yi, vi, method=\"REML\")`.",
    ))


def _register_published(reg):
    def ruled_out():
        _, low, high = _published()
        c = np.array(CH2_CANDIDATES)
        return ((c < low) | (c > high)).astype(float)

    def in_mm():
        return np.array(_published()) * CH2_SD_MM

    def supported_rule(raw, value, expected):
        if value is None or value.shape != expected.shape:
            return None
        msgs = [WHY_NOT[i + 1] for i in range(expected.size)
                if value[i] == 1 and expected[i] == 0 and (i + 1) in WHY_NOT]
        msgs += [f"Statement {i + 1} is supported: check it again."
                 for i in range(expected.size) if value[i] == 0 and expected[i] == 1]
        return " ".join(msgs) or None

    def zero_rule(raw, value, expected):
        if value is None or value.shape != expected.shape:
            return None
        _, low, high = _published()
        if low <= 0 <= high and value[list(CH2_CANDIDATES).index(0.0)] == 1:
            return f"0 lies inside ({low:g}, {high:g}): the CI does not rule out zero."
        return None

    labels = tuple(f"d = {c:g}" for c in CH2_CANDIDATES)
    reg.add(Task(
        "2.4", "reading a published CI",
        parts=(
            Part(ruled_out, name="ruled_out", labels=labels, integer=True,
                 what=f"{len(CH2_CANDIDATES)} answers, True or False",
                 choices=(("ruled out", True), ("compatible", False)),
                 hints=(same_as(lambda: 1 - ruled_out(),
                                "Reversed: an effect size is **ruled out** when it lies "
                                "**outside** the CI (True), and compatible when it lies inside "
                                "(False)."),
                        zero_rule)),
            Part(in_mm, name="in_mm", labels=("estimate", "lower bound", "upper bound"),
                 what="3 numbers (mm)",
                 hints=(same_as(lambda: np.array(_published()) / CH2_SD_MM,
                                "Divide → multiply: an SMD is a difference in SDs, so "
                                "difference in mm = SMD × SD (mm)."),
                        same_as(lambda: np.array(_published()),
                                "These are still SMDs; multiply each by the SD in mm."))),
            Part(lambda: np.array(CH2_SUPPORTED, dtype=float), name="supported",
                 labels=tuple(f"statement {i + 1}" for i in range(len(CH2_SUPPORTED))),
                 integer=True, what=f"{len(CH2_SUPPORTED)} answers, True or False",
                 choices=(("supported", True), ("not supported", False)),
                 hints=(supported_rule,)),
        ),
        why="An interval is the set of effects the data are compatible with: here from a slight "
            "disadvantage of failure to a moderate advantage. 'Not significant' is not "
            "'no effect', and in your units it may be a fraction of a millimetre.",
        hint="Compare each value with the CI bounds; multiply SMDs by the SD to get mm.",
    ))


def _register_power(reg):
    ds = tuple(f"d = {d:g}" for d in CH2_POWER_D)
    reg.add(Task(
        "2.5", "how many people per group?",
        parts=(
            Part(_n_needed, name="n_needed", labels=ds, integer=True, what="2 counts (per group)",
                 hints=(same_as(lambda: 2 * _n_needed(),
                                "That is the **total** N of both groups; the task asks for the "
                                "number **per group**."),
                        same_as(lambda: _n_needed(one_sided=True),
                                "These are the numbers for a **one-sided** test. Training "
                                "studies test two-sided (an effect in either direction), as "
                                "`n_per_group` does with its default alpha = 0.05."),
                        when(lambda raw, v, e: v is not None and v.shape == e.shape
                             and np.all(np.ceil(v - 1e-9) == e) and not np.all(v == e),
                             "People come whole: round **up** (`n_per_group` does that for "
                             "you)."))),
            Part(lambda: _power_at(CH2_SMALL_N), name="power", labels=ds, fraction=True,
                 what="2 fractions between 0 and 1",
                 hints=(same_as(lambda: _power_at(2 * CH2_SMALL_N),
                                "That is the power with 30 **per group**; `n` is the number "
                                "per group, 15."),
                        same_as(lambda: _power_at(CH2_SMALL_N / 2),
                                "`n` is per group: 15, not 15 / 2."),
                        same_as(lambda: _power_at(CH2_SMALL_N, one_sided=True),
                                "That is the power of a one-sided test; use the two-sided "
                                "`power(d, n)`."))),
        ),
        why="Detecting d = 0.15 with 80 % power takes hundreds of people per group; a study "
            "with 15 per group will usually miss an effect that size, so its 'no significant "
            "difference' says little.",
        hint="`n_per_group(d)` for each d (default power 0.8, alpha 0.05) and `power(d, 15)`.",
    ))
