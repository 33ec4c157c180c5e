"""Chapter 3 explorers: how close to failure a reported RIR is, planning a set from a load, and
a weekly plan of sets x RIR scored by the teaching model of :mod:`failurelab.dosing`.

Pure compute functions (``how_close_state``, ``set_plan_state``) + thin views. Numbers come from
:mod:`failurelab.practice` (load-repetition formulas; the RIR-error TEACHING SIMULATION, whose
bias is Halperin et al. 2022's and whose spread is assumed) and :func:`failurelab.fatigue.
reps_to_failure` (the chapter-1 model, a teaching mapping).
"""

from __future__ import annotations

import html
import math
from functools import lru_cache

import numpy as np

from .. import plots
from ..dosing import ASSUMPTIONS, Exercise, set_fatigue, set_stimulus, weekly_plan
from ..fatigue import reps_to_failure
from ..practice import REPS_AT_LOAD, formula_spread, reps_at_load, simulate_rir_error
from ..validation import choice, fail, flag
from .base import (
    Explorer,
    _check_controls,
    _num,
    _pct,
    _value,
    checkbox,
    jsonable,
    slider,
)

C = plots.OKABE_ITO
SIM_LABEL = "teaching simulation \u2014 bias from Halperin 2022, spread assumed"
#: Halperin et al. 2022's pooled under-prediction of RIR (reps; doi:10.1007/s40279-021-01559-x,
#: 95 % CI 0.17-1.73): the default bias of practice.simulate_rir_error
PUBLISHED_BIAS = 0.95
MODEL_LABEL = "chapter-1 model (teaching mapping)"


# -- 3.1 how close was I? -------------------------------------------------------------------------

REPORTED = tuple(range(7))  # reported RIR shown in the mean +- SD panel
HIST_BINS = np.arange(0, 16.5, 0.5)  # true RIR axis, fixed over the explorer's range


@lru_cache(maxsize=64)
def _summary(n, seed, bias):
    """Mean and SD of the simulated true RIR for every reported RIR 0-6 (read-only arrays)."""
    sims = [simulate_rir_error(r, n=n, seed=seed, bias=bias).true_rir for r in REPORTED]
    mean = np.array([s.mean() for s in sims])
    sd = np.array([s.std(ddof=1) if n > 1 else 0.0 for s in sims])
    mean.flags.writeable = sd.flags.writeable = False
    return mean, sd


def how_close_state(reported_rir=2, n=200, seed=4, bias=0.95):
    """Simulated true RIR of ``n`` sets reported at ``reported_rir`` (TEACHING SIMULATION).

    Uses :func:`failurelab.practice.simulate_rir_error`: only the 0.95-rep bias is published
    (Halperin et al. 2022, doi:10.1007/s40279-021-01559-x), as an average over all distances
    from failure; applying it at every reported RIR overstates it. The spread and its growth
    with the reported RIR are assumptions. ``share_further``: share of sets really at least 1 rep further
    from failure than reported; ``share_closer``: share closer to failure than reported.
    """
    reported = _value("reported_rir", reported_rir, 0, 10, integer=True,
                      what="a whole number of repetitions in reserve")
    n = _value("n", n, 2, 100_000, integer=True, what="a whole number of simulated sets")
    seed = _value("seed", seed, 0, 2**32 - 1, integer=True, what="a whole number")
    bias = _value("bias", bias, -3, 3, what="a bias in repetitions")
    sim = simulate_rir_error(reported, n=n, seed=seed, bias=bias)
    true = sim.true_rir
    true.flags.writeable = False
    mean_curve, sd_curve = _summary(n, seed, bias)
    return dict(reported_rir=reported, n=n, seed=seed, bias=bias, true_rir=true,
                mean_true=float(true.mean()), sd_true=float(true.std(ddof=1)),
                mean_error=sim.mean_error,
                share_further=float(np.mean(sim.error >= 1)),
                share_closer=float(np.mean(sim.error < 0)),
                share_at_failure=float(np.mean(true == 0)),
                curve=(np.array(REPORTED), mean_curve, sd_curve))


#: histogram height; a taller bar is cut and labelled
SHARE_TOP = 0.5
BIASES = tuple(round(0.01 * i, 2) for i in range(201))  # the bias slider: 0 to 2 reps


@lru_cache(maxsize=8)
def how_close_grid(n=200, seed=4):
    """Every reported RIR (0-6) x bias (BIASES) of the explorer, simulated as
    :func:`how_close_state` does, for the browser view. ``grid[reported][i]`` (bias BIASES[i]):
    the index of the first non-empty bin of HIST_BINS, the counts from there to the last
    non-empty one, the mean and SD of the true RIR, and the numbers of sets at least 1 rep
    further from failure than reported, closer to failure, and at failure (true RIR 0)."""
    grid = []
    for reported in REPORTED:
        row = []
        for bias in BIASES:
            sim = simulate_rir_error(reported, n=n, seed=seed, bias=bias)
            true = sim.true_rir
            counts, _ = np.histogram(np.clip(true, None, HIST_BINS[-1] - 1e-9), bins=HIST_BINS)
            first, last = np.flatnonzero(counts)[[0, -1]]
            row.append([int(first), counts[first:last + 1], float(true.mean()),
                        float(true.std(ddof=1)), int(np.sum(sim.error >= 1)),
                        int(np.sum(sim.error < 0)), int(np.sum(true == 0))])
        grid.append(row)
    return dict(n=n, bins=HIST_BINS, share_top=SHARE_TOP, grid=grid, label=SIM_LABEL,
                published_bias=PUBLISHED_BIAS)


class HowCloseExplorer(Explorer):
    """Reported RIR and the assumed bias -> where the true RIR of such sets may lie.

    A TEACHING SIMULATION (:func:`failurelab.practice.simulate_rir_error`): only the 0.95-rep
    bias is published (Halperin et al. 2022, doi:10.1007/s40279-021-01559-x), the spread is
    assumed. Every reported RIR x bias is simulated in Python (:func:`how_close_grid`); the
    view draws the chosen one. :func:`how_close_state` is the reference.
    """

    js = "how_close"
    title = "How close was I? (simulated)"

    def __init__(self, reported_rir=2, n=200, seed=4, bias=0.95):
        self.n, self.seed = int(n), int(seed)
        self.controls = dict(
            reported_rir=slider("reported_rir", "Reported RIR", reported_rir, 0, 6, 1),
            bias=slider("bias", "Bias (reps under-predicted)", bias, 0, 2, 0.01),
        )
        super().__init__()

    def compute(self, reported_rir, bias):
        _check_controls(self, dict(reported_rir=reported_rir, bias=bias))
        if abs(100 * bias - round(100 * bias)) > 1e-6:
            fail(f"bias moves in steps of 0.01 in this explorer, got {bias!r}")
        return how_close_state(reported_rir, self.n, self.seed, bias)

    def data(self):
        return how_close_grid(self.n, self.seed)

    def describe(self, s):
        return (f"<b>What the figure shows</b> ({SIM_LABEL}; simulated sets, not data): "
                f"of {s['n']} sets reported at {s['reported_rir']} RIR, the true RIR averaged "
                f"{_num(s['mean_true'], 1)} reps (SD {_num(s['sd_true'], 1)}). "
                f"{_pct(s['share_further'])} of the sets were really at least 1 rep further from "
                f"failure than reported, and {_pct(s['share_closer'])} were closer to failure "
                f"than reported"
                + (f"; {_pct(s['share_at_failure'])} ended at failure (true RIR 0)"
                   if s["share_at_failure"] > 0 else "")
                + f". The right panel (bias {_num(s['bias'])} reps) shows the error "
                f"growing the further from failure people report \u2014 an assumption of this "
                f"simulation, in line with Hackett et al. 2017's finding that estimates are "
                f"more accurate close to failure.")


# -- 3.2 set planner ------------------------------------------------------------------------------

PLAN_LOADS = tuple(range(40, 100, 5))  # % 1RM offered by the set planner
#: the typical misjudgement of RIR (reps): Halperin et al. 2022's pooled under-prediction
RIR_MISJUDGEMENT = PUBLISHED_BIAS
# the planner's big numbers (inline styles: the view's HTML travels alone)
CARD_BIG = "font-size:2.2em;font-weight:700;line-height:1.15;color:#111"
CARD_BAND = "font-size:1.2em;font-weight:600;margin:2px 0 4px"
CARD_NOTE = "font-size:0.9em;color:#444"


@lru_cache(maxsize=64)
def _model_reps(load):
    """Chapter-1 model's reps to failure at ``load`` % 1RM (cached: a simulation per load)."""
    return float(reps_to_failure(load / 100))


def set_plan_state(load=75, target_rir=2):
    """Reps to failure at ``load`` % 1RM by each formula of REPS_AT_LOAD, and the planned reps.

    Planned reps = floor(reps to failure - target RIR); a formula whose plan is below 1 rep is
    impossible (``planned`` None) and ``message`` says so. ``spread`` is
    :func:`failurelab.practice.formula_spread`; ``model_reps`` the chapter-1 model's (teaching
    mapping, not a prediction for a person). ``misjudged``: the reps done (at least 1) if the
    set is stopped by feel and the RIR is misjudged by RIR_MISJUDGEMENT either way, never
    beyond failure (None where no plan is possible); ``misjudged_range`` over the formulas.
    """
    load = _value("load", load, 1, 100, what="a percentage of 1RM")
    target_rir = _value("target_rir", target_rir, 0, 20, integer=True,
                        what="a whole number of repetitions in reserve")
    spread = formula_spread(load / 100)
    to_failure = {name: spread[name] for name in REPS_AT_LOAD}
    planned = {}
    for name, r in to_failure.items():
        reps = math.floor(r - target_rir + 1e-9)
        planned[name] = reps if reps >= 1 else None
    possible = [v for v in planned.values() if v is not None]
    impossible = [name for name, v in planned.items() if v is None]
    misjudged = {name: None if planned[name] is None else (
        max(1, math.floor(r - (target_rir + RIR_MISJUDGEMENT) + 1e-9)),
        math.floor(r - max(target_rir - RIR_MISJUDGEMENT, 0) + 1e-9))
        for name, r in to_failure.items()}
    bands = [v for v in misjudged.values() if v is not None]
    if not possible:
        message = (f"No plan: at {load:g} % 1RM every formula predicts at most "
                   f"{_num(spread['max'], 1)} reps to failure, so even 1 rep leaves fewer than "
                   f"{target_rir} in reserve. Choose a lighter load or a lower target RIR.")
    elif impossible:
        message = (f"{' and '.join(impossible)} predict{'s' if len(impossible) == 1 else ''} too "
                   f"few reps to failure for 1 rep with {target_rir} in reserve at {load:g} % "
                   f"1RM.")
    else:
        message = ""
    model = _model_reps(load)
    model_planned = math.floor(model - target_rir + 1e-9)
    return dict(load=load, target_rir=target_rir, to_failure=to_failure, planned=planned,
                planned_range=(min(possible), max(possible)) if possible else None,
                possible=bool(possible), impossible=impossible, message=message,
                misjudged=misjudged, misjudged_range=(min(b[0] for b in bands),
                                                      max(b[1] for b in bands)) if bands else None,
                spread=spread["spread"], reps_min=spread["min"], reps_max=spread["max"],
                model_reps=model, model_planned=model_planned if model_planned >= 1 else None)


class SetPlannerExplorer(Explorer):
    """Load and target RIR -> the reps to plan (a calculator, in big numbers) and their range if
    the RIR is misjudged by the typical amount; reps to failure by formula and by the chapter-1
    model.

    The formulas (:data:`failurelab.practice.REPS_AT_LOAD`) are closed-form and recomputed in
    the browser; the chapter-1 model's reps to failure come from Python for every offered load.
    :func:`set_plan_state` (and :meth:`card` for the big numbers) is the reference.
    """

    js = "set_planner"
    title = "Set planner"

    def __init__(self, load=75, target_rir=2, warm=True):
        self.controls = dict(
            load=slider("load", "Load (% 1RM)", load, PLAN_LOADS[0], PLAN_LOADS[-1], 5),
            target_rir=slider("target_rir", "Target RIR", target_rir, 0, 5, 1),
        )
        if warm:  # the chapter-1 model once per offered load, not when the view is first shown
            self.data()
        super().__init__()

    def compute(self, load, target_rir):
        _check_controls(self, dict(load=load, target_rir=target_rir))
        choice("load", load, PLAN_LOADS, what=f"one of the loads this explorer offers "
               f"({PLAN_LOADS[0]}, {PLAN_LOADS[1]}, ..., {PLAN_LOADS[-1]} % 1RM)")
        return set_plan_state(load, target_rir)

    def data(self):
        return dict(model={str(p): _model_reps(p) for p in PLAN_LOADS},
                    misjudgement=RIR_MISJUDGEMENT, model_label=MODEL_LABEL,
                    card=dict(big=CARD_BIG, band=CARD_BAND, note=CARD_NOTE))

    def card(self, s):
        """The plan in big numbers, shown under the sentence (the view's ``extra``)."""
        if not s["possible"]:
            return (f'<div style="{CARD_BIG}">No plan</div>'
                    f'<div style="{CARD_NOTE}">{html.escape(s["message"])}</div>')
        lo, hi = s["planned_range"]
        low, high = s["misjudged_range"]

        def span(a, b):
            return f"{a}" if a == b else f"{a}\u2013{b}"

        disagree = "; a range because the formulas disagree" if lo != hi else ""
        return (f'<div style="{CARD_BIG}">Plan {span(lo, hi)} rep{"" if hi == 1 else "s"}</div>'
                f'<div style="{CARD_BAND}">({span(low, high)} if your RIR judgement is off by '
                f"the typical amount)</div>"
                f'<div style="{CARD_NOTE}">{s["load"]:g} % 1RM, stop at {s["target_rir"]} RIR'
                f"{disagree}. Typical amount: {RIR_MISJUDGEMENT:g} reps either way, the average "
                f"under-prediction pooled by Halperin et al. 2022 (most people stop early). "
                f"Formulas give averages: your own reps to failure may differ by more.</div>")

    def describe(self, s):
        load, rir = s["load"], s["target_rir"]
        if s["possible"]:
            lo, hi = s["planned_range"]
            plan = (f"plan <b>{lo}\u2013{hi} reps</b>" if lo != hi else f"plan <b>{lo} reps</b>")
        else:
            plan = "no plan is possible"
        light = formula_spread(PLAN_LOADS[0] / 100)["spread"]
        note = f" {s['message']}" if s["message"] else ""
        return (f"<b>What the figure shows</b> (load-repetition formulas, averages "
                f"not individuals; dashed: {MODEL_LABEL}): at {load:g} % 1RM the formulas "
                f"predict {_num(s['reps_min'], 1)} to {_num(s['reps_max'], 1)} reps to failure, "
                f"so to stop at {rir} RIR {plan}.{note} The formulas disagree by "
                f"{_num(s['spread'], 1)} reps here and most at light loads ({_num(light, 1)} "
                f"reps at {PLAN_LOADS[0]} % 1RM), so the lighter the load, the less a formula "
                f"tells you "
                f"where your failure is. The formulas were built for sets of about 10 reps to "
                f"failure or fewer; beyond that (loads lighter than about 75 % 1RM) they are "
                f"extrapolations. The chapter-1 model reaches failure after "
                f"{_num(s['model_reps'], 1)} reps: a teaching mapping, not a prediction for "
                f"you.")


# -- 3.3 weekly plan ------------------------------------------------------------------------------

TEACHING_LABEL = "teaching model \u2014 stimulus and fatigue are assumptions, not measurements"
PLAN_SETS_MAX, PLAN_RIR_MAX = 12, 6  # slider ranges (sets per exercise per week; target RIR)


def weekly_plan_state(compound_sets=6, compound_rir=2, compound_failure=False, isolation_sets=6,
                      isolation_rir=2, isolation_failure=False, compound="Squat",
                      compound_load=75, isolation="Leg extension", isolation_load=70):
    """A two-exercise weekly plan (a compound and an isolation exercise) scored by the TEACHING
    MODEL of :mod:`failurelab.dosing` (every parameter a named assumption, ``dosing.ASSUMPTIONS``).

    ``*_failure`` takes the last set of the week to failure. Returns the plan (``table``,
    ``totals``) and, for comparison, the stimulus and fatigue of the same sets all taken to
    failure (``all_failure``: compound, isolation, week) and what the last-set-to-failure
    options add to the plan (``last_set_added``).
    """
    compound_failure = flag("compound_failure", compound_failure)
    isolation_failure = flag("isolation_failure", isolation_failure)
    sets = {k: _value(k, v, 0, 60, integer=True, what="a whole number of sets per week")
            for k, v in (("compound_sets", compound_sets), ("isolation_sets", isolation_sets))}
    rirs = {k: _value(k, v, 0, 10, what="a number of repetitions in reserve")
            for k, v in (("compound_rir", compound_rir), ("isolation_rir", isolation_rir))}

    rir_c, rir_i = rirs["compound_rir"], rirs["isolation_rir"]
    failure = {"compound": bool(compound_failure), "isolation": bool(isolation_failure)}
    exercises = [
        Exercise(compound, "compound", compound_load, sets["compound_sets"], rir_c,
                 failure["compound"]),
        Exercise(isolation, "isolation", isolation_load, sets["isolation_sets"], rir_i,
                 failure["isolation"])]
    plan = weekly_plan(exercises)
    # comparisons: every set to failure (stimulus 1 per set), and what the last-set option adds
    all_failure, added = [], {"hypertrophy_stimulus": 0.0, "fatigue": 0.0}
    for ex in exercises:
        at_failure = set_fatigue(0, ex.kind)
        all_failure.append({"hypertrophy_stimulus": float(ex.sets),
                            "fatigue": ex.sets * at_failure})
        if ex.last_set_to_failure and ex.sets and ex.rir > 0:
            added["hypertrophy_stimulus"] += 1 - set_stimulus(ex.rir)
            added["fatigue"] += at_failure - set_fatigue(ex.rir, ex.kind)
    all_failure.append({k: sum(r[k] for r in all_failure) for k in added})
    return dict(compound_sets=sets["compound_sets"], compound_rir=rir_c,
                compound_failure=failure["compound"], isolation_sets=sets["isolation_sets"],
                isolation_rir=rir_i, isolation_failure=failure["isolation"],
                names=(compound, isolation), table=plan.table,
                rows=plan.table.reset_index().to_dict("records"), totals=plan.totals,
                all_failure=all_failure, last_set_added=added)


class WeeklyPlanExplorer(Explorer):
    """Sets x target RIR (and a last set to failure) for a compound and an isolation exercise
    -> the week's sets, hard sets, estimated reps and the teaching model's stimulus and fatigue.

    The model is closed-form (:mod:`failurelab.dosing`): the view recomputes it in the browser
    from the assumptions and each exercise's reps to failure (Epley); :func:`weekly_plan_state`
    is the reference it is tested against.
    """

    js = "weekly_plan"
    title = "Weekly-plan explorer"

    def __init__(self, compound_sets=6, compound_rir=2, compound_failure=False,
                 isolation_sets=6, isolation_rir=2, isolation_failure=False,
                 compound="Squat", compound_load=75, isolation="Leg extension",
                 isolation_load=70):
        self.exercises = dict(compound=compound, compound_load=compound_load,
                              isolation=isolation, isolation_load=isolation_load)
        weekly_plan_state(compound=compound, compound_load=compound_load, isolation=isolation,
                          isolation_load=isolation_load)  # bad exercises fail here, loudly
        self.controls = dict(
            compound_sets=slider("compound_sets", f"{compound}: sets/week", compound_sets, 0,
                                 PLAN_SETS_MAX, 1),
            compound_rir=slider("compound_rir", f"{compound}: target RIR", compound_rir, 0,
                                PLAN_RIR_MAX, 1),
            compound_failure=checkbox("compound_failure", f"{compound}: last set to failure",
                                      compound_failure),
            isolation_sets=slider("isolation_sets", f"{isolation}: sets/week", isolation_sets,
                                  0, PLAN_SETS_MAX, 1),
            isolation_rir=slider("isolation_rir", f"{isolation}: target RIR", isolation_rir, 0,
                                 PLAN_RIR_MAX, 1),
            isolation_failure=checkbox("isolation_failure", f"{isolation}: last set to failure",
                                       isolation_failure),
        )
        super().__init__()

    def compute(self, **params):
        _check_controls(self, params)
        return weekly_plan_state(**params, **self.exercises)

    def data(self):
        e = self.exercises
        most = weekly_plan_state(PLAN_SETS_MAX, 0, False, PLAN_SETS_MAX, 0, False, **e)
        return dict(
            names=[e["compound"], e["isolation"]], loads=[e["compound_load"], e["isolation_load"]],
            reps_to_failure=[reps_at_load(e[f"{k}_load"] / 100) for k in ("compound", "isolation")],
            assumptions={k: a.value for k, a in ASSUMPTIONS.items()},
            limits=[2 * PLAN_SETS_MAX + 1, 2 * PLAN_SETS_MAX + 1,
                    most["totals"]["fatigue"] * 1.04],
            label=TEACHING_LABEL)

    def spec(self):
        out = super().spec()
        out["data"] = jsonable(self.data(), digits=17)  # reps floored in the view: exact inputs
        return out

    def describe(self, s):
        t, every, added = s["totals"], s["all_failure"][-1], s["last_set_added"]
        names = s["names"]
        if t["sets"] == 0:
            return ("<b>What the figure shows</b>: no sets this week, so nothing to score. Add "
                    "sets to either exercise.")
        failure_note = ""
        if added["fatigue"] > 0:
            failure_note = (
                f" Taking the last set to failure adds {_num(added['hypertrophy_stimulus'])} "
                f"stimulus for {_num(added['fatigue'])} fatigue, compared with stopping it at "
                f"the target RIR.")

        def plan(kind):
            sets, rir = s[f"{kind}_sets"], s[f"{kind}_rir"]
            if rir == 0:
                return f"{sets} sets, all to failure"
            last = ", the last to failure" if s[f"{kind}_failure"] and sets else ""
            return f"{sets} sets at {rir:g} RIR{last}"

        return (f"<b>What the figure shows</b> ({TEACHING_LABEL}): {html.escape(names[0])} "
                f"{plan('compound')}; {html.escape(names[1])} {plan('isolation')}. Week: "
                f"{t['sets']} sets, {t['hard_sets']} hard, about {t['reps']} reps; stimulus "
                f"{_num(t['hypertrophy_stimulus'], 1)} and fatigue {_num(t['fatigue'], 1)}."
                f"{failure_note} Taking every one of these sets to failure would give stimulus "
                f"{_num(every['hypertrophy_stimulus'], 1)} for fatigue "
                f"{_num(every['fatigue'], 1)} (black ticks). The strength stimulus of the model "
                f"does not depend on RIR (Robinson et al. 2024 found no clear strength slope), "
                f"so for strength only the {t['sets']} sets count.")
