"""A weekly plan of sets x RIR per exercise, scored by a TEACHING MODEL of stimulus and fatigue.

Nothing here is a measured dose-response. What the sources say:

- Robinson et al. 2024 (doi:10.1007/s40279-024-02069-2), abstract-verified: muscle size gains
  rise as sets end closer to failure (negative slopes per RIR, CIs excluding the null); for
  strength the slopes were negligible (CIs contained the null). Their slopes are on other scales
  (e.g. SMC -0.019 per RIR, a preprint value, secondary) and need a baseline gain this course
  does not have, so the size of the per-set "stimulus" loss below is ASSUMED; only its
  direction and linear shape follow Robinson 2024.
- Refalo et al. 2024 (doi:10.1080/02640414.2024.2321021), abstract-verified: velocity and
  repetition loss were greater with sets to failure. That is the qualitative basis of the
  ASSUMED extra fatigue cost of sets close to failure.

Every number of the model is a named entry of :data:`ASSUMPTIONS` (value, meaning, basis); the
functions take keyword overrides so a notebook can show how the conclusions move with them.
Repetitions per set come from the load-repetition formulas of :mod:`failurelab.practice`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .practice import MAX_RIR, reps_at_load
from .validation import array, choice, fail, flag, real, whole

KINDS = ("compound", "isolation")


@dataclass(frozen=True)
class Assumption:
    """One named parameter of the teaching model: its value, what it means and its basis."""

    value: float
    meaning: str
    basis: str


#: The teaching model's parameters. Change them with keyword overrides, never silently.
ASSUMPTIONS = {
    "hypertrophy_loss_per_rir": Assumption(
        0.05, "share of a failure set's hypertrophy stimulus lost per repetition in reserve",
        "assumed size; direction and linear shape from Robinson et al. 2024 (larger muscle "
        "gains closer to failure)"),
    "strength_loss_per_rir": Assumption(
        0.0, "share of a failure set's strength stimulus lost per repetition in reserve",
        "Robinson et al. 2024: strength slopes negligible (CIs contained the null)"),
    "fatigue_extra_at_failure": Assumption(
        1.0, "extra fatigue cost of a set to failure, as a multiple of a set far from failure",
        "assumed size; direction from Refalo et al. 2024 (greater velocity and repetition "
        "loss with sets to failure)"),
    "fatigue_decay_rir": Assumption(
        1.0, "repetitions in reserve over which that extra cost falls to 37 % (1/e)",
        "assumed (the extra cost is concentrated in the last repetitions)"),
    "compound_cost": Assumption(
        1.5, "fatigue cost of a compound-exercise set relative to an isolation set",
        "assumed (more muscle mass, heavier absolute loads); no value in the course's sources"),
    "hard_set_max_rir": Assumption(
        4, "a set planned to end this close to failure or closer counts as a hard set",
        "the course's working definition, not a published threshold"),
}


def assumptions_table():
    """The teaching model's parameters as a table (name, value, meaning, basis)."""
    return pd.DataFrame([{"name": name, "value": a.value, "meaning": a.meaning,
                          "basis": a.basis} for name, a in ASSUMPTIONS.items()]).set_index("name")


def _assumed(overrides):
    """Default values of ASSUMPTIONS updated with ``overrides`` (validated)."""
    unknown = sorted(set(overrides) - set(ASSUMPTIONS))
    if unknown:
        fail(f"unknown teaching-model parameter(s) {', '.join(unknown)}; known: "
             f"{', '.join(ASSUMPTIONS)}")
    values = {name: a.value for name, a in ASSUMPTIONS.items()}
    for name, value in overrides.items():
        values[name] = real(name, value, 0, 1000)
    if values["fatigue_decay_rir"] == 0:
        fail("fatigue_decay_rir must be above 0 (it divides the RIR)")
    if values["compound_cost"] == 0:
        fail("compound_cost must be above 0 (a set always costs something)")
    return values


def _rir_array(rir):
    return array("rir (repetitions in reserve)", rir, 0, MAX_RIR,
                 what="a number or an array of numbers")


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def set_stimulus(rir, outcome="hypertrophy", **assumptions):
    """Per-set stimulus (TEACHING MODEL) relative to a set to failure: 1 - loss x RIR, >= 0.

    ``outcome`` "hypertrophy" uses ``hypertrophy_loss_per_rir`` (assumed 0.05), "strength" uses
    ``strength_loss_per_rir`` (0: negligible in Robinson et al. 2024).
    """
    choice("outcome", outcome, ("hypertrophy", "strength"))
    loss = _assumed(assumptions)[f"{outcome}_loss_per_rir"]
    return _out(np.clip(1 - loss * _rir_array(rir), 0, None))


def set_fatigue(rir, kind="isolation", **assumptions):
    """Per-set fatigue cost (TEACHING MODEL): cost x (1 + extra x exp(-RIR / decay)).

    cost is 1 for an isolation set and ``compound_cost`` (assumed 1.5) for a compound set, so an
    isolation set far from failure costs 1 and one to failure 1 + ``fatigue_extra_at_failure``.
    """
    choice("kind", kind, KINDS)
    a = _assumed(assumptions)
    cost = a["compound_cost"] if kind == "compound" else 1.0
    extra = a["fatigue_extra_at_failure"] * np.exp(-_rir_array(rir) / a["fatigue_decay_rir"])
    return _out(cost * (1 + extra))


@dataclass(frozen=True)
class Exercise:
    """One exercise of a weekly plan: ``sets`` per week at ``load_pct`` % 1RM, each planned to
    end ``rir`` repetitions short of failure; optionally the last set of the week to failure."""

    name: str
    kind: str
    load_pct: float
    sets: int
    rir: float
    last_set_to_failure: bool = False

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            fail(f"an exercise needs a name, got {self.name!r}")
        choice(f"{self.name}: kind", self.kind, KINDS)
        real(f"{self.name}: load_pct", self.load_pct, 0, 100, open_low=True,
             hint=" (% of 1RM)")
        whole(f"{self.name}: sets", self.sets, 0, 60, hint=" per week")
        real(f"{self.name}: rir (repetitions in reserve)", self.rir, 0, MAX_RIR)
        flag(f"{self.name}: last_set_to_failure", self.last_set_to_failure)


@dataclass(frozen=True)
class WeeklyPlan:
    """Result of :func:`weekly_plan`: one row per exercise (``table``) and the week's totals."""

    table: pd.DataFrame
    totals: dict
    assumptions: dict


TOTAL_KEYS = ("sets", "hard_sets", "failure_sets", "reps", "hypertrophy_stimulus",
              "strength_stimulus", "fatigue")


def weekly_plan(exercises, rir_bias=0.0, formula="Epley", **assumptions):
    """Weekly totals of a plan: sets, hard sets, failure sets, estimated reps and the TEACHING
    MODEL's stimulus and fatigue (see :data:`ASSUMPTIONS`).

    Reps per set = floor(reps to failure at the load by ``formula`` - RIR); a failure set does
    all the reps to failure. ``rir_bias`` adds a systematic error to every set that is not taken
    to failure: its true RIR is the planned RIR + bias (e.g. 0.95, the average under-prediction
    of Halperin et al. 2022, doi:10.1007/s40279-021-01559-x). Stimulus, fatigue and reps use
    the true RIR; hard sets are counted from the planned RIR (what the lifter writes down).
    """
    if isinstance(exercises, Exercise):
        exercises = [exercises]
    elif isinstance(exercises, list | tuple):
        exercises = list(exercises)
    else:
        fail(f"exercises must be a list of failurelab.dosing.Exercise, got {exercises!r}")
    if not exercises:
        fail("a weekly plan needs at least one exercise")
    for ex in exercises:
        if not isinstance(ex, Exercise):
            fail(f"each exercise must be a failurelab.dosing.Exercise, got {ex!r}")
    names = [ex.name for ex in exercises]
    if len(set(names)) != len(names):
        fail(f"exercise names must differ, got {names}")
    bias = real("rir_bias", rir_bias, 0, MAX_RIR)
    a = _assumed(assumptions)
    rows = []
    for ex in exercises:
        to_failure = reps_at_load(ex.load_pct / 100, formula)
        # planned at 0 RIR: every set is a failure set; otherwise at most the last one
        n_fail = int(ex.sets) if ex.rir == 0 else int(ex.sets > 0 and ex.last_set_to_failure)
        n_short = int(ex.sets) - n_fail
        true_rir = ex.rir + bias
        reps_short = math.floor(to_failure - true_rir + 1e-9) if n_short else 0
        reps_fail = math.floor(to_failure + 1e-9) if n_fail else 0
        if n_short and reps_short < 1:
            fail(
                f"{ex.name}: at {ex.load_pct:g} % 1RM {formula} predicts "
                f"{to_failure:.1f} reps to failure, too few for 1 rep with "
                f"{true_rir:g} in reserve; choose a lighter load or a lower RIR")
        if n_fail and reps_fail < 1:
            fail(f"{ex.name}: at {ex.load_pct:g} % 1RM {formula} predicts "
                 f"{to_failure:.1f} reps to failure, less than 1 rep")
        stim_h = set_stimulus([0, true_rir], "hypertrophy", **a)
        stim_s = set_stimulus([0, true_rir], "strength", **a)
        cost = set_fatigue([0, true_rir], ex.kind, **a)
        counts = np.array([n_fail, n_short])
        rows.append(dict(
            exercise=ex.name, kind=ex.kind, load_pct=float(ex.load_pct), sets=int(ex.sets),
            target_rir=float(ex.rir), failure_sets=n_fail,
            hard_sets=int(ex.sets) if ex.rir <= a["hard_set_max_rir"] else n_fail,
            reps_to_failure=float(to_failure), reps_per_set=reps_short if n_short else reps_fail,
            reps=n_fail * reps_fail + n_short * reps_short,
            hypertrophy_stimulus=float(counts @ stim_h), strength_stimulus=float(counts @ stim_s),
            fatigue=float(counts @ cost)))
    table = pd.DataFrame.from_records(rows, index="exercise")
    totals = {key: sum(row[key] for row in rows) for key in TOTAL_KEYS}
    totals["stimulus_per_fatigue"] = (totals["hypertrophy_stimulus"] / totals["fatigue"]
                                      if totals["fatigue"] > 0 else None)
    return WeeklyPlan(table=table, totals=totals, assumptions={**a, "rir_bias": bias})

