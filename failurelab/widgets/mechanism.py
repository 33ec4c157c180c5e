"""Chapter 1 explorers: the size principle, and recruitment and fatigue across a set."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np

from .. import plots
from ..fatigue import simulate_set
from ..motor_units import FUSION_KNEE, MUSCLE_PRESETS, muscle_preset
from .base import Explorer, _check_controls, _pct, _value, dropdown, slider

C = plots.OKABE_ITO


# -- size principle ----------------------------------------------------------------------------

def size_principle_state(effort, muscle="default"):
    """The pool at ``effort`` (% of maximal force) for a muscle preset: what each unit does."""
    effort = _value("effort", effort, 0, 100, what="a percentage of maximal force")
    pool = muscle_preset(muscle)
    e = pool.excitation_for_force(effort / 100)
    rates = pool.firing_rates(e)
    recruited = pool.recruited(e)
    forces = pool.unit_forces(e)
    return dict(
        pool=pool, muscle=muscle, effort=float(effort), excitation=e,
        excitation_fraction=e / pool.max_excitation, rates=rates, recruited=recruited,
        unit_forces=forces / pool.max_force,
        n_recruited=int(recruited.sum()), share=float(pool.recruited_force_share(e)),
        mean_rate=float(rates[recruited].mean()) if recruited.any() else 0.0,
        recruitment_limit=float(pool.force(pool.recruitment_range)),
    )


class SizePrincipleExplorer(Explorer):
    """Effort and muscle type -> the pool (units coloured by firing rate) and the force curve.

    The view recomputes the pool in the browser from each preset's unit parameters (Fuglevand
    et al. 1993 as in Potvin & Fuglevand 2017: thresholds, peak rates, twitch forces,
    contraction times); :func:`size_principle_state` is the reference it is tested against.
    """

    js = "size_principle"
    title = "Size-principle explorer"

    def __init__(self, effort=30, muscle="default"):
        self.controls = dict(
            effort=slider("effort", "Effort (% max force)", effort, 0, 100, 1),
            muscle=dropdown("muscle", "Muscle", muscle,
                            [(p["label"], key) for key, p in MUSCLE_PRESETS.items()]),
        )
        super().__init__()

    def compute(self, effort, muscle):
        return size_principle_state(effort, muscle)

    def data(self):
        pools = {}
        for key, preset in MUSCLE_PRESETS.items():
            pool = muscle_preset(key)
            pools[key] = dict(
                short=preset["short"], thresholds=pool.thresholds, peak_rates=pool.peak_rates,
                twitch_forces=pool.twitch_forces, contraction_times=pool.contraction_times,
                min_rate=pool.min_rate, rate_gain=pool.rate_gain,
                max_excitation=pool.max_excitation, max_force=pool.max_force,
                fusion_knee=FUSION_KNEE)
        return dict(pools=pools)

    def describe(self, s):
        if s["n_recruited"] == 0:
            return "At 0 % effort no unit is recruited."
        rec = s["recruited"]
        return (f"<b>What the figure shows</b> (model, not data): at {s['effort']:.0f} % of maximal "
                f"force the pool needs {_pct(s['excitation_fraction'])} of its maximal excitation. "
                f"{s['n_recruited']} of {len(rec)} units fire, mean rate {s['mean_rate']:.1f} Hz"
                + (". " if rec.all() else
                   f"; they hold {_pct(s['share'])} of the pool's summed twitch force, because the "
                   f"units still silent are the largest ones. ")
                + f"This pool recruits its last unit at "
                f"{_pct(s['recruitment_limit'])} of maximal force; above that, force rises only by "
                f"rate coding.")


# -- a set to failure --------------------------------------------------------------------------

LOADS = tuple(range(30, 95, 5))  # % 1RM offered by the set explorer


def set_state(load, rir):
    """Recruitment and capacity over a set at ``load`` (% 1RM) stopped at ``rir`` reps in reserve."""
    load = _value("load", load, 5, 100, what="a percentage of 1RM")
    s = simulate_set(load / 100, rir)
    r = s.sustained
    reps = r.time / s.seconds_per_rep
    full = np.flatnonzero(r.n_recruited == r.pool.n)
    return dict(set=s, reps=reps, share=r.recruited_share, excitation=r.excitation_fraction,
                capacity=r.capacity, load=load / 100,
                full_recruitment_rep=float(reps[full[0]]) if full.size else float("nan"))


class SetExplorer(Explorer):
    """Load and reps in reserve -> recruitment, excitation and remaining capacity over the set."""

    def __init__(self, load=30, rir=3, warm=True):
        self.controls = dict(
            load=widgets.SelectionSlider(options=list(LOADS), value=load, description="Load (% 1RM)",
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="360px", max_width="100%"),
                                         continuous_update=False),
            rir=widgets.IntSlider(value=rir, min=0, max=10, description="Stop at RIR",
                                  style={"description_width": "initial"},
                                  layout=widgets.Layout(width="320px", max_width="100%"),
                                  continuous_update=False),
        )
        if warm:  # simulate every offered load once, so that moving a slider only redraws
            for p in LOADS:
                simulate_set(p / 100, 0)
        self._build_figure()
        super().__init__()

    def compute(self, load, rir):
        _check_controls(self, dict(rir=rir))
        return set_state(load, rir)

    def _build_figure(self):
        self.fig, (ax_rec, ax_cap) = plots.figure(2, size=(9.5, 4.0),
                                                  margins=dict(left=0.07, right=0.98, bottom=0.14,
                                                               top=0.78, wspace=0.25))
        (self.share_line,) = ax_rec.plot([], [], color=C["blue"], lw=2,
                                         label="Pool's twitch force recruited")
        (self.exc_line,) = ax_rec.plot([], [], color=C["orange"], lw=2, ls="--",
                                       label="Excitation (of maximal)")
        (self.cap_line,) = ax_cap.plot([], [], color=C["green"], lw=2, label="Capacity (max force now)")
        (self.load_line,) = ax_cap.plot([], [], color=C["black"], lw=1, ls=":", label="Load")
        self.stops = [ax.axvline(0, color=C["vermillion"], lw=1.5) for ax in (ax_rec, ax_cap)]
        self.reserve = [ax.axvspan(0, 1, color=C["grey"], alpha=0.25, lw=0) for ax in (ax_rec, ax_cap)]
        ax_rec.set(ylim=(0, 1.05), ylabel="Fraction")
        ax_cap.set(ylim=(0, 1.05), ylabel="Fraction of rested max force")
        for ax in (ax_rec, ax_cap):
            ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
            # static axis title: the axis itself is redrawn with each load (its ticks change)
            ax.text(0.5, -0.13, "Repetition", transform=ax.transAxes, ha="center", va="top")
        # one legend above the panels, outside the data, so it stays in the static background
        self.fig.legend(handles=[self.share_line, self.exc_line, self.cap_line, self.load_line],
                        loc="upper center", bbox_to_anchor=(0.5, 0.905), ncol=4, fontsize=9)
        self.title = self.fig.suptitle("", fontsize=12, y=0.98)
        self.ax_rec, self.ax_cap = ax_rec, ax_cap
        self.dynamic = [ax_rec.xaxis, ax_cap.xaxis, *self.reserve, self.share_line, self.exc_line,
                        self.cap_line, self.load_line, *self.stops, self.title]

    def draw(self, st):
        s = st["set"]
        reps = st["reps"]
        self.share_line.set_data(reps, st["share"])
        self.exc_line.set_data(reps, st["excitation"])
        self.cap_line.set_data(reps, st["capacity"])
        self.load_line.set_data([0, reps[-1]], [st["load"]] * 2)
        end = reps[-1]
        for ax in (self.ax_rec, self.ax_cap):
            ax.set_xlim(0, end * 1.02)
        for line in self.stops:
            line.set_xdata([s.reps_done] * 2)
        for span in self.reserve:
            span.set_x(s.reps_done)
            span.set_width(end - s.reps_done)
        self.title.set_text(f"{_pct(s.load)} 1RM: stop after {s.reps_done} of {s.reps_possible} reps "
                            f"({s.rir} in reserve, grey: not performed)")

    def describe(self, st):
        s = st["set"]
        full = st["full_recruitment_rep"]
        where = (f"the whole pool is recruited from rep {int(np.ceil(full))}, "
                 f"about {s.reps_possible - full:.0f} reps before failure"
                 if full > 1 else "the whole pool is recruited from the first rep")
        last = s.sustained.capacity[-1]
        return (f"<b>What the figure shows</b> (model, synthetic): at {_pct(s.load)} of 1RM {where}. "
                f"Stopping at {s.rir} RIR, the set ends with {_pct(s.share_at_stop)} of the pool's "
                f"twitch force recruited and a capacity of {_pct(s.capacity_at_stop)} of rested "
                f"maximal force; going on to failure would add {s.rir} reps and lower it to "
                f"{_pct(last)}.")
