"""Chapter 1 exercise tasks (exercises/01_mechanism.ipynb): the motor-unit pool and fatigue.

Expected values come from the models at call time; the loads and units of the tasks are named
here and shared with the notebook's text.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from failurelab.practice import reps_at_load

from .engine import Part, Task, picked, same_as, when

CH1_FORCE_TARGETS = (0.30, 0.60)  # task 1.2
CH1_UNIT = 60  # task 1.1: the "middle" unit, counted from 1
CH1_LIGHT, CH1_HEAVY = 0.30, 0.80  # task 1.4
CH1_LOADS = (0.50, 0.75, 0.90)  # task 1.5


@lru_cache(maxsize=1)
def _pool():
    from failurelab.motor_units import MotorUnitPool

    return MotorUnitPool()


@lru_cache(maxsize=8)
def _sustained(load):
    from failurelab.fatigue import simulate_sustained

    return simulate_sustained(load)


def _start_and_failure(load):
    res = _sustained(load)
    return [res.n_recruited[0], res.n_recruited[-1]]


def register(reg):
    units = ("unit 1", f"unit {CH1_UNIT}", "unit 120")
    zero_based = ("Python counts from 0: unit 1 is `pool.thresholds[0]` and unit k is "
                  "`pool.thresholds[k - 1]`.")
    reg.add(Task(
        "1.1", "recruitment thresholds",
        parts=(
            Part(lambda: _pool().thresholds[[0, CH1_UNIT - 1, -1]], name="thresholds",
                 labels=units, what="3 numbers",
                 hints=(same_as(lambda: np.r_[_pool().thresholds[[1, CH1_UNIT]], np.nan], zero_based),
                        same_as(lambda: _pool().thresholds[[0, CH1_UNIT - 1, -1]]
                                / _pool().max_excitation,
                                "Thresholds are in **excitation units** (the scale of excitation, "
                                "1 to RR), not fractions of maximal excitation."),
                        same_as(lambda: _pool().twitch_forces[[0, CH1_UNIT - 1, -1]],
                                "These are twitch forces (`pool.twitch_forces`); the task asks "
                                "for recruitment thresholds (`pool.thresholds`)."))),
            Part(lambda: _pool().thresholds[-1] / _pool().thresholds[0], name="threshold_range",
                 what="one number (a ratio)",
                 hints=(same_as(lambda: _pool().thresholds[-1] - _pool().thresholds[0],
                                "The range of thresholds (RR) is a **ratio**: largest threshold "
                                "divided by the smallest, not their difference."),
                        same_as(lambda: _pool().thresholds[0] / _pool().thresholds[-1],
                                "Upside down: divide the largest threshold by the smallest."),
                        same_as(lambda: _pool().twitch_range,
                                "That is the range of twitch forces (RP); the task asks for the "
                                "range of recruitment thresholds (RR)."))),
        ),
        why="Thresholds rise exponentially along the pool: many small, low-threshold units and "
            "a few large, high-threshold ones (Henneman's size principle).",
        hint="Look at `pool.thresholds` (one number per unit, in order of recruitment).",
    ))
    _register_counting(reg)

    def e_targets():
        return _pool().excitation_for_force(np.array(CH1_FORCE_TARGETS))

    reg.add(Task(
        "1.2", "excitation for a target force",
        parts=(
            Part(e_targets, name="excitation", labels=("at 30 %", "at 60 %"),
                 what="2 numbers (excitation units)",
                 hints=(same_as(lambda: np.array(CH1_FORCE_TARGETS),
                                "These are the **force** targets. The task asks for the "
                                "**excitation** that produces them: "
                                "`pool.excitation_for_force(0.3)`."),
                        same_as(lambda: e_targets() / _pool().max_excitation,
                                "Excitation is in the model's own units (the scale of the "
                                "thresholds, up to `pool.max_excitation`), not a fraction."),
                        same_as(lambda: np.array(CH1_FORCE_TARGETS) * _pool().max_excitation,
                                "Force is not proportional to excitation: 30 % of maximal "
                                "excitation does not give 30 % of maximal force. Use "
                                "`pool.excitation_for_force`."),
                        same_as(lambda: _pool().force(np.array(CH1_FORCE_TARGETS)
                                                      * _pool().max_excitation),
                                "You computed the **force** at 30 % and 60 % of maximal "
                                "excitation; the task goes the other way round: the excitation "
                                "for a force, `pool.excitation_for_force`."))),
            Part(lambda: _pool().recruited(e_targets()).sum(axis=-1), name="n_recruited",
                 labels=("at 30 %", "at 60 %"), what="2 counts", integer=True,
                 hints=(when(lambda raw, v, e: v is not None and v.size % _pool().n == 0
                             and v.size > e.size,
                             "`pool.recruited(...)` gives True/False for every unit; count the "
                             "recruited ones with `.sum()`."),
                        when(lambda raw, v, e: v is not None and v.size == 1
                             and bool(np.isclose(v.sum(), e.sum())),
                             "That is the total over both excitations; count the units at each "
                             "excitation separately (one count per excitation)."),
                        same_as(lambda: _pool().recruited(e_targets()).mean(axis=-1),
                                "The task asks for the **number** of units, not the fraction."),
                        same_as(lambda: _pool().recruited(np.array(CH1_FORCE_TARGETS) * 100)
                                .sum(axis=-1),
                                "You used 30 and 60 as excitations. First find the excitation "
                                "for 30 % and 60 % of maximal force."))),
        ),
        why="Moderate forces already recruit most units; above that, force grows mainly by the "
            "large late units and by firing faster (rate coding).",
        hint="Use `pool.excitation_for_force(target)` with targets as fractions (0.3), then "
             "`pool.recruited(excitation)`.",
    ))

    reg.add(Task(
        "1.3", "recruitment of the last unit",
        parts=(Part(lambda: _pool().thresholds[-1] / _pool().max_excitation, fraction=True,
                    hints=(same_as(lambda: _pool().thresholds[-1],
                                   "That is the last unit's threshold in excitation units; divide "
                                   "it by the maximal excitation `pool.max_excitation`."),
                           same_as(lambda: _pool().max_excitation / _pool().thresholds[-1],
                                   "Upside down: threshold of the last unit divided by the "
                                   "maximal excitation."),
                           same_as(lambda: _pool().force(_pool().thresholds[-1]),
                                   "That is the **force** (fraction of maximal force) at which "
                                   "the last unit is recruited; the task asks for the "
                                   "**excitation**, as a fraction of maximal excitation."),
                           same_as(lambda: _pool().thresholds[-2] / _pool().max_excitation,
                                   "That is the second-to-last unit: the last one is "
                                   "`pool.thresholds[-1]`."))),),
        why="Beyond this excitation no new units join: the rest of the force comes from rate "
            "coding alone, so in this model 'all units recruited' comes at about 80 % of maximal "
            "force (muscles differ: notebook 1.1, section 3).",
        hint="Divide the last unit's threshold by `pool.max_excitation`.",
    ))

    order = ("at the start", "at failure")

    def load_hints(load):
        return (
            same_as(lambda: _sustained(load).excitation[[0, -1]],
                    "These look like excitations; the task asks how many units are recruited: "
                    "`res.n_recruited`."),
            same_as(lambda: np.array(_start_and_failure(load)) / _pool().n,
                    "The task asks for the **number** of units, not the fraction."),
            when(lambda raw, v, e: v is not None and v.size > 2,
                 "`res.n_recruited` has one count per time step; give two of them: the first "
                 "(`[0]`) and the last (`[-1]`)."),
        )

    reg.add(Task(
        "1.4", "light and heavy loads near failure",
        parts=(
            Part(lambda: _start_and_failure(CH1_LIGHT), name="light", labels=order,
                 what="2 counts", integer=True, hints=load_hints(CH1_LIGHT)),
            Part(lambda: _start_and_failure(CH1_HEAVY), name="heavy", labels=order,
                 what="2 counts", integer=True, hints=load_hints(CH1_HEAVY)),
        ),
        why="In the model, a light contraction held to failure ends with as many units recruited "
            "as a heavy one, because the model drives excitation to its maximum at failure. "
            "Whether people do this as fully at light loads is uncertain (notebook 1.2, section 6), "
            "and recruited is not the same as trained: chapter 2 asks what the studies show.",
        hint="`res = simulate_sustained(0.3)`; `res.n_recruited` has one count per time step: "
             "take the first (`[0]`) and the last (`[-1]`, the moment of failure).",
    ))

    loads = np.array(CH1_LOADS)
    at_loads = tuple(f"at {p:.0%}" for p in CH1_LOADS)

    def endurance():
        return np.array([_sustained(p).endurance_time for p in CH1_LOADS])

    def model_reps():
        from failurelab.fatigue import reps_to_failure

        return np.array([reps_to_failure(p) for p in CH1_LOADS])

    epley_inverse = ("Epley: 1RM = w (1 + r/30). Solved for r: r = 30 (1RM/w - 1) = "
                     "`30 * (1 / load - 1)` with the load as a fraction of 1RM.")
    reg.add(Task(
        "1.5", "endurance time and repetitions to failure",
        parts=(
            Part(endurance, name="endurance_time", labels=at_loads, what="3 times (s)",
                 hints=(same_as(lambda: endurance() / 60,
                                "`endurance_time` is in **seconds**; keep it in seconds."),
                        same_as(lambda: endurance() / 0.1,
                                "That is the number of time steps; `res.endurance_time` is "
                                "already in seconds."),
                        same_as(model_reps, "These are repetitions; this answer asks for the "
                                            "endurance time in seconds."))),
            Part(model_reps, name="model_reps", labels=at_loads, what="3 numbers",
                 hints=(same_as(lambda: np.floor(model_reps()),
                                "Close: give `reps_to_failure(load)` as it is, without rounding "
                                "down (its whole part is the number of completed repetitions)."),
                        same_as(endurance, "These are endurance times in seconds; use "
                                           "`reps_to_failure(load)`."))),
            Part(lambda: reps_at_load(np.asarray(loads), "Epley"), name="epley_reps", labels=at_loads, what="3 numbers",
                 hints=(same_as(lambda: 30 * (loads - 1),
                                "Epley's inverse is upside down (it gives negative repetitions). "
                                + epley_inverse),
                        same_as(lambda: 30 * (1 - loads), "Not quite Epley's inverse. "
                                + epley_inverse),
                        same_as(lambda: 30 * (1 / (100 * loads) - 1),
                                "Use the load as a **fraction** of 1RM (0.75), not a "
                                "percentage."))),
        ),
        why="Endurance falls steeply as the load rises, and so do repetitions to failure; the "
            "model and Epley agree at heavy loads but not at light ones. The model's held "
            "contractions last about as long as people's; the extra repetitions at light loads "
            "come from the course's mapping (% 1RM read as % of maximal isometric force, the same "
            "time under load for every repetition).",
        hint="`simulate_sustained(load).endurance_time`, `reps_to_failure(load)` and "
             "`30 * (1 / load - 1)` for each load.",
    ))


def _options(*texts):
    """Choices whose label is their own key (the key is what ``check`` gets)."""
    return tuple((t, t) for t in texts)


def _register_counting(reg):
    """1.1b, the no-code track's stand-in for the indexing of task 1.1: which entry is which."""
    k, n = CH1_UNIT, 120
    at = "pool.thresholds[{}]".format
    reg.add(Task(
        "1.1b", "counting from 0",
        parts=(
            Part(lambda: at(k - 1), name="unit_60", what=f"which entry holds unit {k}",
                 choices=_options(at(k), at(k - 1), at(k + 1)),
                 hints=(picked(at(k), f"Python counts positions from 0: position 0 holds unit 1, "
                                      f"so unit {k} sits at position {k - 1}; `{at(k)}` is unit "
                                      f"{k + 1}."),
                        picked(at(k + 1), "Counting from 0 moves every unit one position "
                                          "**down**: unit k is at position k - 1, not k + 1."))),
            Part(lambda: at(-1), name="last_unit", what=f"which entry holds the last unit, unit {n}",
                 choices=_options(at(n), at(-1), at(0)),
                 hints=(picked(at(n), f"The {n} positions run from 0 to {n - 1}: there is no "
                                      f"position {n}, and Python stops with an IndexError. The "
                                      f"last unit is at {n - 1}, or at -1 (counting from the end)."),
                        picked(at(0), "Position 0 is the **first** unit (the smallest threshold); "
                                      "counting from the end starts at -1."))),
            Part(lambda: "units 1, 2 and 3", name="first_three",
                 what="which units `pool.thresholds[0:3]` holds",
                 choices=_options("units 0, 1 and 2", "units 1, 2 and 3", "units 1, 2, 3 and 4"),
                 hints=(picked("units 1, 2, 3 and 4", "A slice stops **before** its end: [0:3] is "
                                                      "positions 0, 1 and 2, which hold units 1, "
                                                      "2 and 3."),
                        picked("units 0, 1 and 2", "There is no unit 0: units are counted from 1, "
                                                   "positions from 0. Positions 0, 1 and 2 hold "
                                                   "units 1, 2 and 3."))),
        ),
        why="People count units from 1, Python counts positions from 0: unit k is at position "
            "k - 1, the last one also at -1, and a slice [a:b] stops before b. The same rule "
            "reads every list, table row and time series of the course.",
        hint="Position 0 holds unit 1.",
        track="nocode", companion="1.1",
    ))
