"""Chapter 3 explorers: how close to failure a reported RIR is, planning a set from a load, and
a weekly plan of sets x RIR scored by the teaching model of :mod:`failurelab.dosing`.

Pure compute functions (``how_close_state``, ``set_plan_state``) + thin views. Numbers come from
:mod:`failurelab.practice` (load-repetition formulas; the RIR-error TEACHING SIMULATION, whose
bias is Halperin et al. 2022's and whose spread is assumed) and :func:`failurelab.fatigue.
reps_to_failure` (the chapter-1 model, a teaching mapping).
"""

from __future__ import annotations

import math
from functools import lru_cache

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import plots
from ..dosing import ASSUMPTIONS, Exercise, set_fatigue, set_stimulus, weekly_plan
from ..fatigue import reps_to_failure
from ..practice import REPS_AT_LOAD, formula_spread, simulate_rir_error
from ..validation import flag
from .base import Explorer, _check_controls, _num, _pct, _slider, _value

C = plots.OKABE_ITO
SIM_LABEL = "teaching simulation \u2014 bias from Halperin 2022, spread assumed"
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


#: fixed histogram height (the axis is never redrawn); a taller bar is cut and labelled
SHARE_TOP = 0.5


class HowCloseExplorer(Explorer):
    """Reported RIR and the assumed bias -> where the true RIR of such sets may lie."""

    def __init__(self, reported_rir=2, n=200, seed=4, bias=0.95):
        self.n, self.seed = int(n), int(seed)
        self.controls = dict(
            reported_rir=_slider(widgets.IntSlider, reported_rir, 0, 6, 1, "Reported RIR"),
            bias=_slider(widgets.FloatSlider, bias, 0, 2, 0.05, "Bias (reps under-predicted)",
                         width="420px", readout_format=".2f"),
        )
        self._build_figure()
        super().__init__()

    def compute(self, reported_rir, bias):
        _check_controls(self, dict(reported_rir=reported_rir, bias=bias))
        return how_close_state(reported_rir, self.n, self.seed, bias)

    def _build_figure(self):
        self.fig, (ax, axm) = plots.figure(2, size=(9.5, 4.3),
                                           margins=dict(left=0.095, right=0.98, bottom=0.14,
                                                        top=0.80, wspace=0.28))
        widths = np.diff(HIST_BINS)
        self.bars = [Rectangle((x, 0), w * 0.92, 0, color=C["sky"], lw=0)
                     for x, w in zip(HIST_BINS[:-1], widths)]
        for bar in self.bars:
            ax.add_patch(bar)
        self.reported_line = ax.axvline(0, color=C["black"], lw=2, ls="--")
        self.mean_line = ax.axvline(0, color=C["vermillion"], lw=2)
        ax.legend(handles=[self.reported_line, self.mean_line], labels=["reported RIR",
                  "mean true RIR"], loc="upper right", fontsize=8.5, frameon=False)
        ax.set(xlim=(HIST_BINS[0] - 0.3, HIST_BINS[-1]), xlabel="True RIR (reps left at the end)",
               ylabel="Share of simulated sets")
        self.cut_text = ax.text(0, 0, "", fontsize=9, va="top")
        ax.set_ylim(0, SHARE_TOP)
        self.hist_title = ax.set_title("", fontsize=10.5, loc="left")
        self.ax = ax

        axm.plot([0, 6], [0, 6], color=C["grey"], lw=1, ls=":", label="true = reported")
        (self.mean_curve,) = axm.plot([], [], "o-", color=C["blue"], lw=1.5, ms=5,
                                      label="mean true RIR")
        self.sd_band = axm.fill_between([0, 6], [0, 0], [0, 0], color=C["blue"], alpha=0.2,
                                        lw=0, label="\u00b11 SD")
        (self.current,) = axm.plot([], [], "o", color=C["vermillion"], ms=10, mfc="none",
                                   mew=2, label="your reported RIR")
        axm.set(xlim=(-0.4, 6.4), ylim=(0, 14), xticks=REPORTED, xlabel="Reported RIR",
                ylabel="True RIR (simulated)")
        axm.legend(loc="upper left", fontsize=8.5, frameon=False)
        axm.set_title("Mean \u00b1 SD of the true RIR", fontsize=10.5, loc="left")
        self.axm = axm
        self.fig.suptitle(f"How close was I? ({SIM_LABEL})", fontsize=11.5, x=0.01, ha="left",
                          y=0.975)
        self.fig.text(0.01, 0.895, "Simulated, not data: bias 0.95 reps (Halperin 2022's average "
                      "over all distances, applied at every RIR: an overstatement); spread assumed.",
                      fontsize=9, color="#444444")
        ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        self.dynamic = [*self.bars, self.cut_text, self.reported_line, self.mean_line,
                        self.hist_title, self.sd_band,
                        self.mean_curve, self.current]

    def draw(self, s):
        true, reported = s["true_rir"], s["reported_rir"]
        counts, _ = np.histogram(np.clip(true, None, HIST_BINS[-1] - 1e-9), bins=HIST_BINS)
        shares = counts / len(true)
        for bar, h in zip(self.bars, shares):
            bar.set_height(min(h, SHARE_TOP))
        top = int(shares.argmax())
        cut = shares[top] > SHARE_TOP
        self.cut_text.set_position((HIST_BINS[top] + 0.6, SHARE_TOP * 0.96))
        self.cut_text.set_text(f"\u2190 {_pct(shares[top])} (bar cut)" if cut else "")
        self.reported_line.set_xdata([reported] * 2)
        self.mean_line.set_xdata([s["mean_true"]] * 2)
        self.hist_title.set_text(f"{s['n']} sets reported at {reported} RIR: mean true RIR "
                                 f"{_num(s['mean_true'], 1)}")
        x, mean, sd = s["curve"]
        self.mean_curve.set_data(x, mean)
        low, high = np.clip(mean - sd, 0, None), mean + sd
        self.sd_band.set_paths([np.column_stack([np.r_[x, x[::-1]], np.r_[high, low[::-1]]])])
        self.current.set_data([reported], [mean[reported]] if reported < len(mean)
                              else [s["mean_true"]])

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
CURVE_LOADS = np.linspace(40, 95, 111)


@lru_cache(maxsize=64)
def _model_reps(load):
    """Chapter-1 model's reps to failure at ``load`` % 1RM (cached: a simulation per load)."""
    return float(reps_to_failure(load / 100))


def set_plan_state(load=75, target_rir=2):
    """Reps to failure at ``load`` % 1RM by each formula of REPS_AT_LOAD, and the planned reps.

    Planned reps = floor(reps to failure - target RIR); a formula whose plan is below 1 rep is
    impossible (``planned`` None) and ``message`` says so. ``spread`` is
    :func:`failurelab.practice.formula_spread`; ``model_reps`` the chapter-1 model's (teaching
    mapping, not a prediction for a person).
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
                spread=spread["spread"], reps_min=spread["min"], reps_max=spread["max"],
                model_reps=model, model_planned=model_planned if model_planned >= 1 else None)


@lru_cache(maxsize=1)
def _formula_curves():
    return {name: formula_spread(CURVE_LOADS / 100)[name].to_numpy() for name in REPS_AT_LOAD}


FORMULA_COLOURS = dict(zip(REPS_AT_LOAD, (C["blue"], C["orange"], C["green"])))


class SetPlannerExplorer(Explorer):
    """Load and target RIR -> reps to failure by formula, the planned reps and their spread."""

    def __init__(self, load=75, target_rir=2, warm=True):
        self.controls = dict(
            load=_slider(widgets.IntSlider, load, 40, 95, 5, "Load (% 1RM)", width="400px"),
            target_rir=_slider(widgets.IntSlider, target_rir, 0, 5, 1, "Target RIR"),
        )
        if warm:  # the chapter-1 model once per offered load, so a slider move only redraws
            for p in PLAN_LOADS:
                _model_reps(p)
        self._build_figure()
        super().__init__()

    def compute(self, load, target_rir):
        _check_controls(self, dict(load=load, target_rir=target_rir))
        return set_plan_state(load, target_rir)

    def _build_figure(self):
        self.fig, (ax, axb) = plots.figure(2, size=(9.5, 4.4),
                                           margins=dict(left=0.065, right=0.98, bottom=0.14,
                                                        top=0.8, wspace=0.42))
        for name, reps in _formula_curves().items():
            ax.plot(CURVE_LOADS, reps, color=FORMULA_COLOURS[name], lw=2, label=name)
        loads = np.array(PLAN_LOADS)
        ax.plot(loads, [_model_reps(p) for p in loads], ls="--", marker=".", color=C["purple"],
                lw=1.5, label=MODEL_LABEL)
        self.band = Rectangle((0, 0), 0, 0, color=C["vermillion"], alpha=0.2, lw=0, zorder=0,
                              label="planned reps (range over formulas)")
        ax.add_patch(self.band)
        self.load_line = ax.axvline(75, color=C["black"], lw=1, ls=":")
        (self.points,) = ax.plot([], [], "o", color=C["black"], ms=5, zorder=3)
        ax.set(xlim=(38, 97), ylim=(0, 50), xlabel="Load (% 1RM)",
               ylabel="Reps to failure")
        ax.legend(loc="upper right", fontsize=8.5, frameon=False)
        ax.set_title("Reps to failure by formula", fontsize=10.5, loc="left")
        self.ax = ax

        names = list(REPS_AT_LOAD) + ["Ch.-1 model"]
        y = np.arange(len(names))[::-1]
        self.done = [Rectangle((0, yi - 0.3), 0, 0.6, color=FORMULA_COLOURS.get(n, C["purple"]),
                               lw=0) for n, yi in zip(names, y)]
        self.reserve = [Rectangle((0, yi - 0.3), 0, 0.6, facecolor="white",
                                  edgecolor=FORMULA_COLOURS.get(n, C["purple"]), hatch="///",
                                  lw=1) for n, yi in zip(names, y)]
        for patch in self.done + self.reserve:
            axb.add_patch(patch)
        self.bar_text = [axb.text(0, yi, "", va="center", fontsize=9,
                                  bbox=dict(facecolor="white", alpha=0.85, lw=0, pad=1))
                         for yi in y]
        axb.set(xlim=(0, 50), ylim=(-0.7, len(names) - 0.3), yticks=y, yticklabels=names,
                xlabel="Repetitions")
        self.fig.legend(handles=[Rectangle((0, 0), 1, 1, color=C["grey"], label="planned reps"),
                            Rectangle((0, 0), 1, 1, facecolor="white", edgecolor=C["grey"],
                                      hatch="///", label="left in reserve (to failure)")],
                   loc="upper right", bbox_to_anchor=(0.99, 0.925), ncol=2, fontsize=8.5,
                   frameon=False)
        axb.set_title("Where the set stops, by formula", fontsize=10.5, loc="left")
        self.axb = axb
        self.title = self.fig.suptitle("", fontsize=11.5, x=0.01, ha="left", y=0.975)
        self.dynamic = [self.band, self.load_line, self.points, *self.done, *self.reserve,
                        *self.bar_text, self.title]

    def draw(self, s):
        load, rir = s["load"], s["target_rir"]
        reps = list(s["to_failure"].values())
        self.load_line.set_xdata([load] * 2)
        self.points.set_data([load] * len(reps), reps)
        if s["possible"]:
            lo, hi = s["planned_range"]
            self.band.set_bounds(38, lo - 0.5, 59, hi - lo + 1)
        else:
            self.band.set_bounds(38, 0, 0, 0)
        plans = list(s["planned"].values()) + [s["model_planned"]]
        failures = reps + [s["model_reps"]]
        for done, reserve, text, plan, fail in zip(self.done, self.reserve, self.bar_text,
                                                   plans, failures):
            shown = min(fail, 49.5)
            p = plan or 0
            done.set_width(min(p, shown))
            reserve.set_x(min(p, shown))
            reserve.set_width(max(shown - p, 0))
            label = (f"{plan} reps, {_num(fail - plan, 1)} left" if plan else
                     f"no plan ({_num(fail, 1)} to failure)")
            text.set_x(min(shown + 0.8, 31))
            text.set_text(label)
        if s["possible"]:
            lo, hi = s["planned_range"]
            plan_text = f"plan {lo}\u2013{hi} reps" if lo != hi else f"plan {lo} reps"
        else:
            plan_text = "no plan possible"
        self.title.set_text(f"Set planner: {load:g} % 1RM, target {rir} RIR \u2192 {plan_text} "
                            f"(formulas differ by {_num(s['spread'], 1)} reps to failure)")

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
    -> the week's sets, hard sets, estimated reps and the teaching model's stimulus and fatigue."""

    def __init__(self, compound_sets=6, compound_rir=2, compound_failure=False,
                 isolation_sets=6, isolation_rir=2, isolation_failure=False,
                 compound="Squat", compound_load=75, isolation="Leg extension",
                 isolation_load=70):
        self.exercises = dict(compound=compound, compound_load=compound_load,
                              isolation=isolation, isolation_load=isolation_load)
        weekly_plan_state(compound=compound, compound_load=compound_load, isolation=isolation,
                          isolation_load=isolation_load)  # bad exercises fail here, loudly

        def box(value, description):
            return widgets.Checkbox(value=value, description=description, indent=False,
                                    layout=widgets.Layout(width="220px"))

        self.controls = dict(
            compound_sets=_slider(widgets.IntSlider, compound_sets, 0, PLAN_SETS_MAX, 1,
                                  f"{compound}: sets/week", width="330px"),
            compound_rir=_slider(widgets.IntSlider, compound_rir, 0, PLAN_RIR_MAX, 1,
                                 "target RIR", width="250px"),
            compound_failure=box(compound_failure, "last set to failure"),
            isolation_sets=_slider(widgets.IntSlider, isolation_sets, 0, PLAN_SETS_MAX, 1,
                                   f"{isolation}: sets/week", width="330px"),
            isolation_rir=_slider(widgets.IntSlider, isolation_rir, 0, PLAN_RIR_MAX, 1,
                                  "target RIR", width="250px"),
            isolation_failure=box(isolation_failure, "last set to failure"),
        )
        self._build_figure()
        super().__init__()

    def compute(self, **params):
        _check_controls(self, params)
        return weekly_plan_state(**params, **self.exercises)

    def _build_figure(self):
        names = (self.exercises["compound"], self.exercises["isolation"], "Week")
        self.fig, axes = plots.figure(3, size=(10, 4.2),
                                      margins=dict(left=0.12, right=0.985, bottom=0.13,
                                                   top=0.74, wspace=0.12))
        y = np.array([2, 1, 0])
        limits = (2 * PLAN_SETS_MAX + 1, 2 * PLAN_SETS_MAX + 1,
                  float(weekly_plan_state(PLAN_SETS_MAX, 0, False, PLAN_SETS_MAX, 0, False,
                                          **self.exercises)["totals"]["fatigue"]) * 1.04)
        titles = ("Sets per week", "Stimulus (teaching model)", "Fatigue cost (teaching model)")
        xlabels = ("sets", "failure-set equivalents",
                   "cost units (isolation set far from failure = 1)")
        for ax, lim, title, xlabel in zip(axes, limits, titles, xlabels):
            ax.set(xlim=(0, lim), ylim=(-0.6, 2.6), yticks=y, xlabel=xlabel)
            ax.set_yticklabels(names if ax is axes[0] else [])
            ax.set_title(title, fontsize=10.5, loc="left")
            ax.axhline(0.5, color=C["grey"], lw=0.8)
            ax.xaxis.label.set_size(9)
        ax_sets, ax_stim, ax_fat = axes
        # sets: failure | other hard sets | easier sets, stacked
        colours = (C["vermillion"], C["blue"], C["sky"])
        self.set_bars = [[Rectangle((0, yi - 0.32), 0, 0.64, color=c, lw=0) for c in colours]
                         for yi in y]
        for row in self.set_bars:
            for bar in row:
                ax_sets.add_patch(bar)
        self.stim_bars = [Rectangle((0, yi - 0.32), 0, 0.64, color=C["green"], lw=0) for yi in y]
        self.fat_bars = [Rectangle((0, yi - 0.32), 0, 0.64, color=C["orange"], lw=0) for yi in y]
        for bar in self.stim_bars:
            ax_stim.add_patch(bar)
        for bar in self.fat_bars:
            ax_fat.add_patch(bar)
        tick = dict(color=C["black"], marker="|", ms=16, mew=2, ls="none")
        (self.stim_ticks,) = ax_stim.plot([], [], **tick)
        (self.fat_ticks,) = ax_fat.plot([], [], **tick)
        hard_max = ASSUMPTIONS["hard_set_max_rir"].value
        self.fig.legend(
            handles=[*(Rectangle((0, 0), 1, 1, color=c) for c in colours),
                     Line2D([], [], **{**tick, "ms": 9})],
            labels=["sets to failure", f"other hard sets (\u2264 {hard_max:g} RIR)",
                    "easier sets", "same sets, all to failure"],
            loc="upper left", bbox_to_anchor=(0.005, 0.875), ncol=4, fontsize=8.5,
            frameon=False)
        text = dict(va="center", fontsize=8.5)
        self.texts = [[ax.text(0, yi, "", **text) for yi in y] for ax in axes]
        self.title = self.fig.suptitle("", fontsize=11.5, x=0.01, ha="left", y=0.975)
        self.fig.text(0.01, 0.89, f"Weekly plan, {TEACHING_LABEL}. Reps: Epley formula.",
                      fontsize=9, color="#444444")
        self.axes = axes
        self.dynamic = [*(b for row in self.set_bars for b in row), *self.stim_bars,
                        *self.fat_bars, self.stim_ticks, self.fat_ticks,
                        *(t for row in self.texts for t in row), self.title]

    def draw(self, s):
        totals, every_rows = s["totals"], s["all_failure"]
        rows = [*s["rows"], totals]
        for bars, texts_y, row in zip(self.set_bars, range(3), rows):
            fail = row["failure_sets"]
            hard = row["hard_sets"] - fail
            easy = row["sets"] - row["hard_sets"]
            left = 0
            for bar, width in zip(bars, (fail, hard, easy)):
                bar.set_x(left)
                bar.set_width(width)
                left += width
            self._label(self.texts[0][texts_y], row["sets"], row["sets"], self.axes[0],
                        f"{row['sets']} sets, {row['reps']} reps")
        for i, (row, full) in enumerate(zip(rows, every_rows)):
            self.stim_bars[i].set_width(row["hypertrophy_stimulus"])
            self.fat_bars[i].set_width(row["fatigue"])
            for k, key in ((1, "hypertrophy_stimulus"), (2, "fatigue")):
                self._label(self.texts[k][i], max(row[key], full[key]), row[key],
                            self.axes[k], _num(row[key], 1))
        y = [2, 1, 0]
        self.stim_ticks.set_data([r["hypertrophy_stimulus"] for r in every_rows], y)
        self.fat_ticks.set_data([r["fatigue"] for r in every_rows], y)
        ratio = totals["stimulus_per_fatigue"]
        self.title.set_text(
            f"Week: {totals['sets']} sets ({totals['hard_sets']} hard, {totals['failure_sets']} "
            f"to failure), {totals['reps']} reps \u2192 stimulus "
            f"{_num(totals['hypertrophy_stimulus'], 1)}, fatigue {_num(totals['fatigue'], 1)}"
            + (f", {_num(ratio)} per unit fatigue" if ratio is not None else ""))

    def _label(self, text, end, bar_end, ax, label):
        """Label right of ``end`` if it fits in ``ax``, else inside the bar (white, right-
        aligned)."""
        limit = ax.get_xlim()[1]
        inches = ax.get_position().width * self.fig.get_figwidth()
        needed = limit * (0.02 + len(label) * 0.075 / inches)  # ~0.075 in per character
        if end + needed <= limit:
            text.set(x=end + 0.02 * limit, ha="left", color=C["black"], text=label)
        else:
            text.set(x=bar_end - 0.02 * limit, ha="right", color="white", text=label)

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

        return (f"<b>What the figure shows</b> ({TEACHING_LABEL}): {names[0]} "
                f"{plan('compound')}; {names[1]} {plan('isolation')}. Week: "
                f"{t['sets']} sets, {t['hard_sets']} hard, about {t['reps']} reps; stimulus "
                f"{_num(t['hypertrophy_stimulus'], 1)} and fatigue {_num(t['fatigue'], 1)}."
                f"{failure_note} Taking every one of these sets to failure would give stimulus "
                f"{_num(every['hypertrophy_stimulus'], 1)} for fatigue "
                f"{_num(every['fatigue'], 1)} (black ticks). The strength stimulus of the model "
                f"does not depend on RIR (Robinson et al. 2024 found no clear strength slope), "
                f"so for strength only the {t['sets']} sets count.")
