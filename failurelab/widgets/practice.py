"""Chapter 3 explorers: how close to failure a reported RIR is, and planning a set from a load.

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
from matplotlib.patches import Rectangle

from .. import plots
from ..fatigue import reps_to_failure
from ..practice import REPS_AT_LOAD, formula_spread, simulate_rir_error
from .base import Explorer
from .evidence import _check_controls, _num, _pct, _value

C = plots.OKABE_ITO
SIM_LABEL = "teaching simulation \u2014 bias from Halperin 2022, spread assumed"
MODEL_LABEL = "chapter-1 model (teaching mapping)"


def _slider(cls, value, low, high, step, description, width="360px", **kw):
    return cls(value=value, min=low, max=high, step=step, description=description,
               style={"description_width": "initial"},
               layout=widgets.Layout(width=width, max_width="100%"), continuous_update=False,
               **kw)


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
    (Halperin et al. 2022, doi:10.1007/s40279-021-01559-x); the spread and its growth with the
    reported RIR are assumptions. ``share_further``: share of sets really at least 1 rep further
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
        self.fig.text(0.01, 0.895, "Simulated sets, not data: only the bias is published "
                      "(Halperin 2022: 0.95 reps on average); the spread is an assumption.",
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
        return (f"<b>What the figure shows</b> (published load-repetition formulas, averages "
                f"not individuals; dashed: {MODEL_LABEL}): at {load:g} % 1RM the formulas "
                f"predict {_num(s['reps_min'], 1)} to {_num(s['reps_max'], 1)} reps to failure, "
                f"so to stop at {rir} RIR {plan}.{note} The formulas disagree by "
                f"{_num(s['spread'], 1)} reps here and most at light loads ({_num(light, 1)} "
                f"reps at {PLAN_LOADS[0]} % 1RM), so the lighter the load, the less a formula "
                f"tells you "
                f"where your failure is. The chapter-1 model reaches failure after "
                f"{_num(s['model_reps'], 1)} reps: a teaching mapping, not a prediction for "
                f"you.")
