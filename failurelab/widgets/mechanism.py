"""Chapter 1 explorers: the size principle, and recruitment and fatigue across a set."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..fatigue import simulate_set
from ..motor_units import FUSION_KNEE, MUSCLE_PRESETS, muscle_preset
from ..validation import choice
from .base import Explorer, _check_controls, _pct, _value, dropdown, slider

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


RIR_MAX = 10  # the RIR slider's top
SERIES_POINTS = 120  # samples drawn per load (the numbers in the text use every sample)


@lru_cache(maxsize=1)
def set_grid():
    """Every offered load simulated once, for the browser view: per load (key: % 1RM) the
    series to draw (rep position, recruited share of twitch force, excitation and capacity,
    downsampled to about SERIES_POINTS samples, 4 decimals), the reps to failure, the rep
    from which the whole pool is recruited, the capacity at failure and, for every RIR the
    slider offers below the reps to failure, the recruited share and capacity at the stop."""
    out = {}
    for load in LOADS:
        st = set_state(load, 0)
        s, reps = st["set"], st["reps"]
        keep = np.unique(np.r_[np.arange(0, len(reps), math.ceil(len(reps) / SERIES_POINTS)),
                               len(reps) - 1])
        stops = [simulate_set(load / 100, rir)
                 for rir in range(min(RIR_MAX, s.reps_possible - 1) + 1)]
        out[str(load)] = dict(
            reps_possible=s.reps_possible, full_recruitment_rep=st["full_recruitment_rep"],
            capacity_at_failure=float(s.sustained.capacity[-1]),
            share_at_stop=[x.share_at_stop for x in stops],
            capacity_at_stop=[x.capacity_at_stop for x in stops],
            series={k: np.round(v[keep], 4) for k, v in (
                ("rep", reps), ("share", st["share"]), ("excitation", st["excitation"]),
                ("capacity", st["capacity"]))})
    return dict(sets=out)


class SetExplorer(Explorer):
    """Load and reps in reserve -> recruitment, excitation and remaining capacity over the set.

    Potvin & Fuglevand 2017's model (doi:10.1371/journal.pcbi.1005581) with the course's set
    mapping (:mod:`failurelab.fatigue`). Every offered load is simulated once in Python
    (:func:`set_grid`: the series to draw, downsampled, and the exact numbers of every stop);
    the view picks the load and stops the set at the RIR. :func:`set_state` is the reference.
    """

    js = "set_to_failure"
    title = "Set-to-failure explorer"

    def __init__(self, load=30, rir=3, warm=True):
        self.controls = dict(
            load=slider("load", "Load (% 1RM)", load, LOADS[0], LOADS[-1], LOADS[1] - LOADS[0]),
            rir=slider("rir", "Stop at RIR", rir, 0, RIR_MAX, 1),
        )
        if warm:  # simulate every offered load now, not when the view is first shown
            set_grid()
        super().__init__()

    def compute(self, load, rir):
        _check_controls(self, dict(load=load, rir=rir))
        choice("load", load, LOADS, what=f"one of the loads this explorer offers ({LOADS[0]}, "
               f"{LOADS[1]}, ..., {LOADS[-1]} % 1RM)")
        return set_state(load, rir)

    def data(self):
        return set_grid()

    def describe(self, st):
        s = st["set"]
        full = st["full_recruitment_rep"]
        where = (f"the whole pool is recruited from rep {int(np.ceil(full))}, "
                 f"about {_reps(f'{s.reps_possible - full:.0f}')} before failure"
                 if full > 1 else "the whole pool is recruited from the first rep")
        last = s.sustained.capacity[-1]
        return (f"<b>What the figure shows</b> (model, synthetic): at {_pct(s.load)} of 1RM {where}. "
                f"Stopping at {s.rir} RIR, the set ends with {_pct(s.share_at_stop)} of the pool's "
                f"twitch force recruited and a capacity of {_pct(s.capacity_at_stop)} of rested "
                "maximal force; "
                + (f"going on to failure would add {_reps(s.rir)} and lower it to {_pct(last)}."
                   if s.rir else f"the next rep would fail, as capacity falls to {_pct(last)}."))


def _reps(count):
    """``count`` repetitions in words: "1 rep", "0 reps", "11 reps" (count: int or its text)."""
    return f"{count} rep" + ("" if str(count) == "1" else "s")
