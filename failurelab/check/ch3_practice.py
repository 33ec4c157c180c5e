"""Chapter 3 exercise tasks (exercises/03_practice.ipynb): e1RM, formulas, a training log.

Expected values come from the package at call time (``failurelab.practice`` for the load-rep
equations of data/load_rep_equations.csv, ``failurelab.logs`` for the log); the sets, exercises and settings
the tasks use are named here and shared with the notebook's text. The log is SYNTHETIC
(data/synthetic_training_log.csv, simulated by ``failurelab.synthetic`` with an ASSUMED fatigue
cost of failure sessions). The drop flag is the course's heuristic, not an evidence-based rule.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .engine import Part, Task, picked, same_as, when

CH3_SETS = ((100.0, 8, 2), (110.0, 5, 1), (120.0, 3, 0))  # task 3.1: (kg, reps, RIR)
CH3_FORMULAS = ("Epley", "Brzycki", "Modified Epley")  # task 3.2: in this order
CH3_LIGHT_SET = (60.0, 18, 2)  # task 3.2: a light set (kg, reps, RIR)
CH3_HEAVY_SET = (100.0, 3, 1)  # task 3.2: a heavy set
CH3_EXERCISE = "Squat"  # task 3.3
CH3_EXERCISES = ("Squat", "Bench press")  # tasks 3.4 and 3.5: in this order
CH3_THRESHOLD = 0.05  # task 3.4: the drop flag's threshold (a fraction)
CH3_SESSIONS = 2  # task 3.4: sessions in a row below the threshold before a flag
CH3_DROP_SESSION = 16  # task 3.4: the Squat session whose drop is computed by hand
CH3_SUPPORTED = (True, False, True, False)  # task 3.5: statements 1-4 of the notebook


# ---------------------------------------------------------------------------------------------
# Package results (cached: the checker calls them for every hint)
# ---------------------------------------------------------------------------------------------
def _e1rm(sets, formula="Epley", use_rir=True):
    from failurelab.practice import one_rm

    return np.array([one_rm(w, r, q if use_rir else 0, formula) for w, r, q in sets])


def _by_formula(one_set, use_rir=True):
    return np.concatenate([_e1rm([one_set], f, use_rir) for f in CH3_FORMULAS])


def _spread(values):
    """Relative spread of the formulas: (highest - lowest) / lowest."""
    return (values.max() - values.min()) / values.min()


@lru_cache(maxsize=1)
def _log():
    from failurelab.data import data_dir
    from failurelab.logs import load_log

    return load_log(data_dir() / "synthetic_training_log.csv")


@lru_cache(maxsize=4)
def _trend(formula="Epley"):
    from failurelab.logs import e1rm_trend

    return e1rm_trend(_log(), formula)


@lru_cache(maxsize=8)
def _flags(threshold=CH3_THRESHOLD, sessions=CH3_SESSIONS, window=None):
    from failurelab.logs import flag_performance_drops

    return flag_performance_drops(_log(), threshold=threshold, sessions=sessions, window=window)


def _of(table, exercise):
    return table[table["exercise"] == exercise]


def _first_last(formula="Epley"):
    rows = _of(_trend(formula), CH3_EXERCISE)
    return rows["e1rm_kg"].to_numpy()[[0, -1]].astype(float)


def _first_last_weights():
    weights = _of(_log(), CH3_EXERCISE).groupby("date")["weight_kg"].max()
    return weights.to_numpy()[[0, -1]]


def _per_exercise(fn, table=None):
    table = _flags() if table is None else table
    return np.array([fn(_of(table, ex)) for ex in CH3_EXERCISES], dtype=float)


def _drop_row():
    rows = _of(_flags(), CH3_EXERCISE).set_index("session")
    return rows.loc[CH3_DROP_SESSION]


def _failure_share(by_sets=True):
    """Share of sets to failure in flagged and in other sessions (both exercises together)."""
    flags = _flags()
    groups = [flags[flags["flag"]], flags[~flags["flag"]]]
    if by_sets:
        return np.array([g["failure_sets"].sum() / g["sets"].sum() for g in groups])
    return np.array([g["failure_sets"].sum() / flags["failure_sets"].sum() for g in groups])


# ---------------------------------------------------------------------------------------------
# Hint texts shared by several parts
# ---------------------------------------------------------------------------------------------
REPS_ONLY = ("You used the reps done. A set stopped short of failure needs **reps + RIR**: the "
             "repetitions to failure are the reps done plus the reps still in reserve.")
REPS_MINUS = "Add the RIR to the reps done; do not subtract it: reps to failure = reps + RIR."
WRONG_FORMULA = ("These are the values of another formula ({name}). This answer uses "
                 "{want}.")
ORDER = "Give the formulas in the order " + ", ".join(CH3_FORMULAS) + "."
# task 3.5: why each unsupported statement of the notebook is wrong
WHY_NOT = {
    2: "Statement 2: the log is **synthetic**: its simulation assumed that failure sessions add "
       "fatigue, so it shows the assumption, not a cause. Even a real log of one person, with no "
       "comparison, cannot separate failure sets from sleep, stress or RIR errors.",
    4: "Statement 4: Grgic et al. 2022's pooled strength estimate (printed above the statements) "
       "does not favour failure, and its CI includes 0; the authors concluded that failure "
       "'does not seem to be required' for strength or muscle gains.",
}


def register(reg):
    _register_e1rm(reg)
    _register_formulas(reg)
    _register_log(reg)
    _register_selecting(reg)
    _register_flags(reg)
    _register_decision(reg)


def _register_e1rm(reg):
    sets = np.array(CH3_SETS, dtype=float)
    w, r, q = sets.T
    labels = tuple(f"set {i + 1}" for i in range(len(CH3_SETS)))
    reg.add(Task(
        "3.1", "e1RM from sets with RIR",
        parts=(
            Part(lambda: r + q, name="reps_to_failure", labels=labels, what="3 numbers",
                 hints=(same_as(lambda: r, REPS_ONLY), same_as(lambda: r - q, REPS_MINUS))),
            Part(lambda: _e1rm(CH3_SETS), name="e1rm", labels=labels, what="3 numbers (kg)",
                 hints=(same_as(lambda: _e1rm(CH3_SETS, use_rir=False), REPS_ONLY),
                        same_as(lambda: w * (1 + (r - q) / 30), REPS_MINUS),
                        same_as(lambda: w / (1 + (r + q) / 30),
                                "You divided by (1 + r/30); Epley multiplies: 1RM = w (1 + r/30). "
                                "A 1RM is heavier than the weight of a set of several reps."),
                        same_as(lambda: w * (1 + r + q) / 30,
                                "Brackets: Epley is `w * (1 + r / 30)`, not `w * (1 + r) / 30`."),
                        same_as(lambda: _e1rm(CH3_SETS, "Brzycki"),
                                WRONG_FORMULA.format(name="Brzycki", want="Epley")),
                        same_as(lambda: _e1rm(CH3_SETS, "Modified Epley"),
                                WRONG_FORMULA.format(name="modified Epley", want="Epley")))),
        ),
        why="Reps + RIR turns any set stopped short of failure into an estimate of the 1RM; the "
            "three sets give similar e1RMs, so a lifter can track strength trends without "
            "testing a true 1RM. Each e1RM carries the RIR error and the equation's error "
            "(notebook 3.2), so it is an estimate, not a measured 1RM.",
        hint="Epley: 1RM = w (1 + r/30) with r = reps + RIR; `one_rm(w, reps, rir)` does the same.",
    ))


def _register_formulas(reg):
    sets = {"light": CH3_LIGHT_SET, "heavy": CH3_HEAVY_SET}

    def spread():
        return np.array([_spread(_by_formula(s)) for s in sets.values()])

    def set_part(name, one_set):
        return Part(lambda: _by_formula(one_set), name=name, labels=CH3_FORMULAS,
                    what="3 numbers (kg)",
                    hints=(same_as(lambda: _by_formula(one_set, use_rir=False), REPS_ONLY),
                           when(lambda raw, v, e: v is not None and v.shape == e.shape
                                and np.allclose(v, v.flat[0], rtol=2e-3)
                                and not np.allclose(e, e.flat[0], rtol=2e-3),
                                "All three numbers are the same: pass `formula=f` to `one_rm` "
                                "for each formula f."),
                           ))

    reg.add(Task(
        "3.2", "comparing the formulas",
        parts=(
            set_part("light", CH3_LIGHT_SET),
            set_part("heavy", CH3_HEAVY_SET),
            Part(spread, name="spread", labels=tuple(sets), fraction=True,
                 what="2 fractions",
                 hints=(same_as(lambda: np.array([np.ptp(_by_formula(s)) for s in sets.values()]),
                                "That is the spread in **kg**; divide it by the lowest e1RM to "
                                "get a fraction."),
                        same_as(lambda: np.array([np.ptp(_by_formula(s)) / _by_formula(s).max()
                                                  for s in sets.values()]),
                                "Divide by the **lowest** e1RM, not the highest."),
                        same_as(lambda: np.array([_spread(_by_formula(s, use_rir=False))
                                                  for s in sets.values()]),
                                REPS_ONLY))),
        ),
        why="For a heavy set of a few reps the formulas nearly agree; for a light set of about 20 "
            "reps to failure they disagree several times more (your `spread`), so an e1RM from a "
            "light set says as much about the formula as about the lifter. 20 reps is beyond the "
            "about 10 reps to failure the equations were built and checked for.",
        hint="`[one_rm(w, reps, rir, formula=f) for f in formulas]`; spread = (max - min) / min.",
    ))


def _register_log(reg):
    def squat_failure_sets():
        return float(_of(_log(), CH3_EXERCISE)["failure"].sum())

    def change():
        first, last = _first_last()
        return last / first - 1

    reg.add(Task(
        "3.3", "analysing a log",
        parts=(
            Part(_first_last, name="first_last", labels=("first session", "last session"),
                 what="2 numbers (kg)",
                 hints=(same_as(_first_last_weights,
                                "These are weights lifted; the task asks for the best **e1RM** "
                                "of the session (`e1rm_kg`)."),
                        same_as(lambda: _trend()["e1rm_kg"].to_numpy()[[0, -1]],
                                f"The first row of the whole table is another exercise: select "
                                f"the {CH3_EXERCISE} rows first, e.g. "
                                f"`trend[trend.exercise == \"{CH3_EXERCISE}\"]`."),
                        same_as(lambda: _first_last(formula="Brzycki"),
                                WRONG_FORMULA.format(name="Brzycki", want="Epley, the default "
                                                     "of `e1rm_trend`")))),
            Part(change, name="change", fraction=True, what="a fraction",
                 hints=(same_as(lambda: np.diff(_first_last())[0],
                                "That is the change in kg; divide by the first e1RM: "
                                "last / first - 1."),
                        same_as(lambda: 1 - _first_last()[0] / _first_last()[1],
                                "Relative to the **first** session: last / first - 1."))),
            Part(squat_failure_sets, name="failure_sets", what="a count", integer=True,
                 hints=(same_as(lambda: float((_of(_trend(), CH3_EXERCISE)["failure_sets"]
                                               > 0).sum()),
                                "That is the number of **sessions** with failure sets; count "
                                "the sets."),
                        same_as(lambda: float(_log()["failure"].sum()),
                                f"That counts both exercises; count the {CH3_EXERCISE} sets "
                                f"only."))),
        ),
        why="A few lines of pandas turn a log into a trend; the best set of each session is one "
            "number per session that can be compared over weeks.",
        hint="`trend = e1rm_trend(log)`, then select the rows of one exercise and read its "
             "`e1rm_kg` column.",
    ))


def _options(*texts):
    """Choices whose label is their own key (the key is what ``check`` gets)."""
    return tuple((t, t) for t in texts)


def _register_selecting(reg):
    """3.3b, the no-code track's stand-in for the pandas of task 3.3: which line does what."""
    ex = CH3_EXERCISE
    rows = f'trend[trend.exercise == "{ex}"]'
    assign = f'trend[trend.exercise = "{ex}"]'
    column = f'trend["{ex}"]'
    first = "trend.iloc[0]"
    last, past_end, best, second = ("mine.e1rm_kg.iloc[-1]", "mine.e1rm_kg.iloc[len(mine)]",
                                    "mine.e1rm_kg.max()", "mine.e1rm_kg.iloc[1]")
    count_ok = f'log[log.exercise == "{ex}"].failure.sum()'
    both = "log.failure.sum()"
    counted = f'log[log.exercise == "{ex}"].failure.count()'
    reg.add(Task(
        "3.3b", "selecting rows",
        parts=(
            Part(lambda: rows, name="rows", what=f"which line keeps the {ex} rows of `trend`",
                 choices=_options(assign, rows, column, first),
                 hints=(picked(assign, "One `=` gives a name a value; a comparison needs `==`. "
                                       "Python stops with a SyntaxError."),
                        picked(column, f"`{column}` asks for a **column** named {ex}; the "
                                       f"exercise names are values of the column `exercise`, so "
                                       f"keep the rows where `trend.exercise == \"{ex}\"`."),
                        picked(first, "`.iloc[0]` is the first row of the whole table, which may "
                                      "be another exercise."))),
            Part(lambda: last, name="last_session",
                 what="which gives the best e1RM of the last session (`mine`: one row per session)",
                 choices=_options(past_end, last, best, second),
                 hints=(picked(past_end, "Positions run from 0 to len - 1: position len(mine) "
                                         "does not exist (IndexError). -1 counts from the end."),
                        picked(best, "`.max()` is the best e1RM of **any** session, not of the "
                                     "last one."),
                        picked(second, "`.iloc[1]` is the **second** session: positions count "
                                       "from 0."))),
            Part(lambda: count_ok, name="failure_count",
                 what=f"which counts the {ex} sets to failure in `log`",
                 choices=_options(both, count_ok, counted),
                 hints=(picked(both, f"That counts the failure sets of **both** exercises; keep "
                                     f"the {ex} rows first."),
                        picked(counted, "`.count()` counts every row that has a value, True or "
                                        "False: the number of sets, not of failure sets. The sum "
                                        "of a True/False column counts the True values."))),
        ),
        why="Selecting rows by a condition, then reading a position, is most of what a log "
            "analysis does: `==` compares, `.iloc[-1]` is the last row, and the sum of a "
            "True/False column counts the True values.",
        hint="Keep the rows of one exercise first, then read or count.",
        track="nocode", companion="3.3",
    ))


def _register_flags(reg):
    def n_flagged():
        return _per_exercise(lambda t: t["flag"].sum())

    def first_flag():
        return _per_exercise(lambda t: t.loc[t["flag"], "session"].iloc[0])

    def drop():
        row = _drop_row()
        return 1 - row["e1rm_kg"] / row["prior_best_kg"]

    def drop_from_previous():
        rows = _of(_flags(), CH3_EXERCISE).set_index("session")["e1rm_kg"]
        return 1 - rows.loc[CH3_DROP_SESSION] / rows.loc[CH3_DROP_SESSION - 1]

    below = ("You counted the sessions **below** the threshold. A session is flagged only once "
             f"{CH3_SESSIONS} sessions in a row are below it (the `flag` column).")
    reg.add(Task(
        "3.4", "performance-drop flags",
        parts=(
            Part(n_flagged, name="n_flagged", labels=CH3_EXERCISES, what="2 counts",
                 integer=True,
                 hints=(same_as(lambda: _per_exercise(lambda t: t["below"].sum()), below),
                        same_as(lambda: _per_exercise(lambda t: t["flag"].sum(),
                                                      _flags(sessions=1)), below),
                        same_as(lambda: _per_exercise(lambda t: t["flag"].sum(),
                                                      _flags(threshold=0.1)),
                                f"Use the threshold {CH3_THRESHOLD} (a fraction: "
                                f"{CH3_THRESHOLD:.0%})."))),
            Part(first_flag, name="first_flag", labels=CH3_EXERCISES, what="2 session numbers",
                 integer=True,
                 hints=(same_as(lambda: first_flag() - (CH3_SESSIONS - 1),
                                "That is where the run of low sessions starts; the flag comes "
                                f"when the run reaches {CH3_SESSIONS} sessions."),
                        same_as(lambda: _per_exercise(lambda t: t.index[t["flag"]][0]),
                                "Those look like row numbers of the table; give the `session` "
                                "column."))),
            Part(drop, name="drop", fraction=True, what="a fraction",
                 hints=(same_as(drop_from_previous,
                                "You compared with the **previous** session. The flag compares "
                                "with the best of all earlier sessions (`prior_best_kg`)."),
                        same_as(lambda: _drop_row()["prior_best_kg"] / _drop_row()["e1rm_kg"] - 1,
                                "Divide by the **earlier best**: drop = 1 - e1RM / earlier best."),
                        same_as(lambda: _drop_row()["prior_best_kg"] - _drop_row()["e1rm_kg"],
                                "That is the drop in kg; the flag uses a fraction of the earlier "
                                "best."))),
        ),
        why=f"The flag is a transparent rule anyone can check by hand: a drop of more than "
            f"{CH3_THRESHOLD:.0%} below the earlier best, {CH3_SESSIONS} sessions in a row. Its "
            f"settings are choices, not evidence.",
        hint=f"`flags = flag_performance_drops(log, threshold={CH3_THRESHOLD}, "
             f"sessions={CH3_SESSIONS})`; count the True values of `flags.flag` per exercise.",
    ))


def _judged(k, answer):
    """Predicate: statement k (0-based) was answered ``answer`` and that is wrong."""
    def predicate(raw, value, expected):
        return (value is not None and value.shape == expected.shape
                and value[k] == answer and expected[k] != answer)

    return predicate


def _statement_hints():
    """One hint per statement: why an unsupported one is wrong, or that a supported one is."""
    return tuple(when(_judged(k, 0), f"Statement {k + 1} is supported: check it again.")
                 if supported else when(_judged(k, 1), WHY_NOT[k + 1])
                 for k, supported in enumerate(CH3_SUPPORTED))


def _register_decision(reg):

    counts = ("These are counts of sets; divide by the number of sets in those sessions to get "
              "a share.")
    reg.add(Task(
        "3.5", "when to drop failure sets",
        parts=(
            Part(_failure_share, name="failure_share", labels=("flagged", "not flagged"),
                 fraction=True, what="2 fractions",
                 hints=(same_as(lambda: _failure_share(by_sets=False),
                                "You divided by all failure sets of the log. The share is per "
                                "group: failure sets / all sets **in those sessions**."),
                        same_as(lambda: np.array([g["failure_sets"].sum() for g in (
                            _flags()[_flags()["flag"]], _flags()[~_flags()["flag"]])]),
                            counts))),
            Part(lambda: np.array(CH3_SUPPORTED, dtype=float), name="supported",
                 labels=tuple(f"statement {i + 1}" for i in range(len(CH3_SUPPORTED))),
                 integer=True, what=f"{len(CH3_SUPPORTED)} answers, True or False",
                 choices=(("supported", True), ("not supported", False)),
                 hints=_statement_hints()),
        ),
        why="A flag is a prompt to look closer, not a diagnosis: in a log, failure sets, fatigue "
            "and bad days come together, and the evidence that failure sets are needed for "
            "strength is weak. Cutting back after a flag is a cautious choice, not a proven one.",
        hint="Split the flag table by `flags.flag`, then sum `failure_sets` and `sets` in each "
             "part.",
    ))
