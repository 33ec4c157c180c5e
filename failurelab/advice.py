"""So, should you train to failure? The course's decision aid, its key numbers and a coach card.

One implementation of the rules of notebook 4.6: :func:`recommend` maps five inputs (goal,
exercise, load, experience, what limits the lifter) to a target range of repetitions in reserve
(RIR) for most sets, whether and where a set to failure is an option, how many sets, and the
reasons. Each reason is tagged *evidence* (training studies), *model* (the course's simulations)
or *heuristic* (a practical rule built on both) and names the course section it comes from.
The browser view of :class:`failurelab.widgets.advice.AdviceExplorer` only looks these
recommendations up; it has no copy of the rules.

Every number in a reason is read from ``data/`` (see :func:`facts`) or computed by the course's
models; nothing is typed in. The rules themselves:

- **Goal.** Strength hardly depends on how close sets end (Grgic et al. 2022,
  doi:10.1016/j.jshs.2021.01.007; Robinson et al. 2024, doi:10.1007/s40279-024-02069-2, slope
  values secondary), so its range sits one repetition further out (2–4 RIR). Growth rises a
  little closer to failure (Refalo et al. 2023, doi:10.1007/s40279-022-01784-y; Robinson 2024),
  so growth, and growth with strength, start from the course's 1–3 RIR (notebook 3.3 §3);
  stopping 1–2 short grew the same as failure in trained legs (Refalo et al. 2024,
  doi:10.1080/02640414.2024.2321021).
- **Light loads** (about 30–60 % 1RM, or more than 15 repetitions) move the range one
  repetition closer: in the course's model the whole pool is recruited only late in a light set
  (notebook 1.2 §4; Potvin & Fuglevand 2017, doi:10.1371/journal.pcbi.1005581); failure helped at
  30 % but not at 80 % 1RM in one trial (Lasevicius et al. 2022,
  doi:10.1519/JSC.0000000000003454); and people misjudge RIR more in long sets
  (``data/rir_accuracy.csv``). Refalo 2023 found no moderation by relative load across studies,
  and the reasons say so: this rule is a heuristic.
- **Novices** aim at 2–3 RIR (1–2 with light loads) and take an occasional isolation or machine
  set to failure to calibrate: people under-predict the repetitions they have left (Halperin et
  al. 2022, doi:10.1007/s40279-021-01559-x; 0.95 repetitions, 95 % CI 0.17–1.73).
- **Time-limited** lifters go one repetition closer with fewer sets; **recovery-limited** ones
  one repetition further with more sets (notebook 3.3 §6, a teaching model), and skip failure
  sets, which slowed recovery for 24–48 h (Morán-Navarro et al. 2017,
  doi:10.1007/s00421-017-3725-7; González-Badillo et al. 2016, doi:10.1055/s-0035-1564254).
- **Exercise.** A set to failure is an option only on the last set of an isolation or machine
  exercise (notebook 3.3 §4): a failed squat or bench press needs safeties or a spotter.
- Most sets never go below 1 RIR: failure stays optional (the course's bottom line).
"""

from __future__ import annotations

import html
import itertools
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from . import data, dosing
from .validation import choice

MINUS = "\u2212"
EN_DASH = "\u2013"

#: The controls: (value, label) pairs, in the order the explorer shows them.
GOALS = (("growth", "Muscle growth"), ("strength", "Strength"), ("both", "Growth and strength"))
EXERCISES = (("compound", "Free-weight compound (squat, bench press)"),
             ("isolation", "Isolation or machine"))
LOADS = (("heavy", "Moderate to heavy (up to about 15 reps)"),
         ("light", "Light (about 30\u201360 % 1RM, or > 15 reps)"))
EXPERIENCE = (("experienced", "Experienced"), ("novice", "Novice"))
LIMITS = (("neither", "Neither"), ("time", "Time"), ("recovery", "Recovery"))
INPUTS = {"goal": GOALS, "exercise": EXERCISES, "load": LOADS, "experience": EXPERIENCE,
          "limit": LIMITS}
DEFAULTS = dict(goal="growth", exercise="compound", load="heavy", experience="experienced",
                limit="neither")

KINDS = ("evidence", "model", "heuristic")

#: The course's bottom line, word for word as on its landing page (book/answer.ipynb).
BOTTOM_LINE = (
    ("Stop most sets about 1\u20133 reps short of failure.", ("heuristic",)),
    (("Failure is optional. If you use it, use it on the last set of an isolation or machine "
     "exercise."), ("heuristic",)),
    (("For muscle growth, don't stop far short: growth rises a little as sets end closer to "
     "failure, and light sets need to end closer than heavy ones."), ("evidence", "model")),
    ("For strength, how close you go hardly matters.", ("evidence",)),
)

#: Course sections the reasons come from: label -> (notebook path without suffix, heading).
SECTIONS = {
    "1.2 §4": ("chapters/01_mechanism/02_fatigue_across_a_set",
               "Recruitment as a set approaches failure"),
    "2.4 §2": ("chapters/02_evidence/04_what_the_meta_analyses_found",
               "Strength, hypertrophy, and volume"),
    "2.4 §3": ("chapters/02_evidence/04_what_the_meta_analyses_found", "The trained subgroup"),
    "2.4 §4": ("chapters/02_evidence/04_what_the_meta_analyses_found",
               "Load, not failure: Lopez 2021 and Schoenfeld 2017"),
    "2.4 §5": ("chapters/02_evidence/04_what_the_meta_analyses_found",
               "How close to failure: a dose-response"),
    "2.4 §7": ("chapters/02_evidence/04_what_the_meta_analyses_found", "What this adds up to"),
    "3.1 §2": ("chapters/03_practice/01_measuring_closeness_to_failure",
               "How accurate are people? The published numbers"),
    "3.1 §3": ("chapters/03_practice/01_measuring_closeness_to_failure",
               "Further from failure, longer sets: worse predictions"),
    "3.3 §3": ("chapters/03_practice/03_dosing_effort", "The 1\u20133 RIR working range"),
    "3.3 §4": ("chapters/03_practice/03_dosing_effort", "When does a set to failure make sense?"),
    "3.3 §5": ("chapters/03_practice/03_dosing_effort", "Novices and trained lifters"),
    "3.3 §6": ("chapters/03_practice/03_dosing_effort", "The volume\u2013fatigue trade-off"),
    "4.6 §3": ("chapters/04_limitations/06_should_you_train_to_failure", "Questions lifters ask"),
}


def num(x, places=2):
    """A number for prose, with a real minus sign."""
    return f"{x:.{places}f}".replace("-", MINUS)


def ci(est, low, high, places=2):
    """'0.19 (0.00 to 0.37)' with real minus signs."""
    return f"{num(est, places)} ({num(low, places)} to {num(high, places)})"


# -- the numbers the rules rest on -------------------------------------------------------------

@lru_cache(maxsize=1)
def facts():
    """Every number the reasons quote, read from ``data/`` or computed by the course's models.

    Returns a dict of formatted strings and numbers (cached: the tables are read once).
    """
    ma = data.harmonised_meta_analyses().set_index("id")
    meta = data.load("meta_analyses").set_index("id")
    rir = data.load("rir_accuracy").set_index("fact_id")
    trials = data.load("trials").set_index("source_key")
    recovery = data.load("recovery_studies").set_index("source_key")

    def h(row_id, places=2):
        r = ma.loc[row_id]
        return ci(r["harmonised_estimate"], r["harmonised_ci_low"], r["harmonised_ci_high"], places)

    def m(row_id, places=3):
        r = meta.loc[row_id]
        return ci(r["estimate"], r["ci_low"], r["ci_high"], places)

    def fact(fact_id, places=2):
        r = rir.loc[fact_id]
        return ci(r["value"], r["low"], r["high"], places)

    r24 = trials.loc["refalo2024", "main_finding"]
    (fail_cm, fail_lo, fail_hi), (rir_cm, rir_lo, rir_hi) = [
        tuple(float(x) for x in g) for g in
        re.findall(r"(?:FAIL|RIR) (\d\.\d+) cm \(HDI (\d\.\d+)-(\d\.\d+)\)", r24)[:2]]
    load_p = re.search(r"relative load, p = ([0-9.]+)", meta.loc["refalo2023-lower-load", "note"])
    trained = meta.loc["grgic2022-hypertrophy-trained"]
    hackett_near, hackett_far = rir.loc["hackett2017-near"], rir.loc["hackett2017-far"]

    out = dict(
        grgic_strength=h("grgic2022-strength"), grgic_hypertrophy=h("grgic2022-hypertrophy"),
        grgic_trained=h("grgic2022-hypertrophy-trained"), grgic_trained_k=int(trained["k"]),
        grgic_young="all young adults" in meta.loc["grgic2022-strength", "note"],
        grgic_studies=int(meta.loc["grgic2022-strength", "k"]),
        refalo_any=h("refalo2023-set-failure"), refalo_momentary=h("refalo2023-momentary-failure"),
        refalo_lower_load=h("refalo2023-lower-load"), refalo_higher_load=h("refalo2023-higher-load"),
        refalo_load_p=float(load_p.group(1)),
        robinson_hypertrophy=m("robinson2024-hypertrophy-smc"),
        robinson_strength=m("robinson2024-strength-smc"),
        lopez_strength=m("lopez2021-strength-high-vs-low", places=2),
        refalo2024_fail_mm=10 * fail_cm, refalo2024_rir_mm=10 * rir_cm,
        refalo2024_fail_hdi=(10 * fail_lo, 10 * fail_hi), refalo2024_rir_hdi=(10 * rir_lo, 10 * rir_hi),
        refalo2024_n=int(trials.loc["refalo2024", "n"]),
        refalo2024_weeks=float(trials.loc["refalo2024", "weeks"]),
        halperin=fact("halperin2022-underprediction"),
        halperin_value=float(rir.loc["halperin2022-underprediction", "value"]),
        halperin_long=fact("halperin2022-preprint-over12"),
        halperin_short=fact("halperin2022-preprint-under12"),
        hackett_near=float(hackett_near["value"]), hackett_far=float(hackett_far["value"]),
        moran=recovery.loc["moran2017"], gonzalez=recovery.loc["gonzalezbadillo2016"],
    )
    out.update(_model_numbers())
    return out


@lru_cache(maxsize=1)
def _model_numbers():
    """The model numbers the reasons quote: where a light and a heavy set recruit the whole pool
    (chapter 1's model, simulated) and the teaching model's volume-fatigue trade-off (3.3 §6)."""
    from .fatigue import simulate_set

    def full_share(load):
        r = simulate_set(load, 0).sustained
        first = np.flatnonzero(r.n_recruited == r.pool.n)[0]
        return first / len(r.time)  # fraction of the set before the whole pool fires

    light, heavy = full_share(0.30), full_share(0.80)
    rirs = np.arange(7)
    stim = dosing.set_stimulus(rirs)
    per_pair = dosing.set_fatigue(rirs, "compound") + dosing.set_fatigue(rirs, "isolation")
    budget = 6 * per_pair[2]  # the default week of 3.3: 6 squat + 6 leg-extension sets at 2 RIR
    sets_in_budget = 2 * budget / per_pair
    stim_in_budget = sets_in_budget * stim
    best = int(np.argmax(stim_in_budget))
    return dict(light_last_share=1 - light, heavy_full_from_start=heavy < 0.01,
                fixed_sets=12, fixed_stim_failure=12 * float(stim[0]),
                fixed_stim_2rir=12 * float(stim[2]), budget=float(budget), budget_best_rir=best,
                budget_best_sets=float(sets_in_budget[best]),
                budget_failure_sets=float(sets_in_budget[0]))


def key_numbers():
    """The eight numbers that matter, each with its interval and verification level, from data/.

    Columns: ``number`` (what it is), ``estimate``, ``low``, ``high``, ``interval`` (95 % CI or
    the trial's HDI), ``text`` (formatted, real minus signs), ``verification``, ``secondary``
    (hollow badge), ``source_key``, ``doi`` and ``section`` (where the course explains it).
    """
    ma = data.harmonised_meta_analyses().set_index("id")
    meta = data.load("meta_analyses").set_index("id")
    rir = data.load("rir_accuracy").set_index("fact_id")
    f = facts()
    rows = []

    def meta_row(row_id, what, short, places=2, table=ma, prefix="harmonised_", section="2.4 §2"):
        r = table.loc[row_id]
        est, lo, hi = r[f"{prefix}estimate"], r[f"{prefix}ci_low"], r[f"{prefix}ci_high"]
        rows.append(dict(number=what, short=short, estimate=est, low=lo, high=hi, interval="95 % CI",
                         text=ci(est, lo, hi, places), verification=r["verification"],
                         source_key=r["source_key"], doi=r["doi"], section=section))

    meta_row("grgic2022-strength", "Strength, failure vs not (Grgic 2022), SMD",
             "Grgic 2022, strength")
    meta_row("grgic2022-hypertrophy", "Growth, failure vs not (Grgic 2022), SMD", "Grgic 2022, growth")
    meta_row("refalo2023-set-failure", "Growth, any definition of failure (Refalo 2023), SMD",
             "Refalo 2023, growth, any failure")
    meta_row("refalo2023-momentary-failure", "Growth, momentary failure (Refalo 2023), SMD",
             "Refalo 2023, momentary failure")
    meta_row("robinson2024-hypertrophy-smc", "Growth per RIR further from failure (Robinson 2024), SMC",
             "Robinson 2024, growth per RIR", places=3, table=meta, prefix="", section="2.4 §5")
    meta_row("robinson2024-strength-smc", "Strength per log-RIR (Robinson 2024), SMC",
             "Robinson 2024, strength per log-RIR", places=3, table=meta, prefix="",
             section="2.4 §5")
    trial = data.load("trials").set_index("source_key").loc["refalo2024"]
    lo, hi = f["refalo2024_fail_hdi"]
    rows.append(dict(
        number=f"Quadriceps growth in {f['refalo2024_weeks']:g} weeks, failure (Refalo 2024), mm",
        short=f"Refalo 2024, quadriceps, {f['refalo2024_weeks']:g} weeks, mm", estimate=f["refalo2024_fail_mm"], low=lo, high=hi, interval="HDI",
        text=(f"failure {num(f['refalo2024_fail_mm'])} (HDI {num(lo)} to {num(hi)}) vs "
              f"{num(f['refalo2024_rir_mm'])} at 1\u20132 RIR"),
        verification=trial["verification"], source_key="refalo2024", doi=trial["doi"],
        section="3.3 §3"))
    h = rir.loc["halperin2022-underprediction"]
    rows.append(dict(number="Reps left under-predicted by (Halperin 2022), reps",
                     short="Halperin 2022, reps left under-predicted", estimate=h["value"], low=h["low"], high=h["high"], interval="95 % CI",
                     text=ci(h["value"], h["low"], h["high"]), verification=h["verification"],
                     source_key=h["source_key"], doi=h["doi"], section="3.1 §2"))
    table = pd.DataFrame(rows)
    table["secondary"] = table["verification"] == data.SECONDARY
    return table


# -- the rules -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Reason:
    """One reason behind a recommendation: ``kind`` (evidence / model / heuristic), the sentence,
    the course section it comes from (a key of :data:`SECTIONS`) and the sources' bib keys."""

    kind: str
    text: str
    section: str
    sources: tuple = ()

    @property
    def path(self):
        """The section's notebook, relative to the repository root, without a suffix."""
        return SECTIONS[self.section][0]


@dataclass(frozen=True)
class Recommendation:
    """What :func:`recommend` returns. ``failure`` is "last-set" (an option on the last set),
    "calibrate" (now and then, to learn where failure is) or "no"."""

    goal: str
    exercise: str
    load: str
    experience: str
    limit: str
    rir: tuple
    failure: str
    failure_where: str
    sets: str
    reasons: tuple

    @property
    def key(self):
        return key(self.goal, self.exercise, self.load, self.experience, self.limit)

    @property
    def rir_text(self):
        lo, hi = self.rir
        return f"{lo}{EN_DASH}{hi} RIR"

    @property
    def case(self):
        """The inputs in words: 'muscle growth, a free-weight compound lift, ...'."""
        words = dict(
            goal={"growth": "muscle growth", "strength": "strength",
                  "both": "growth and strength"}[self.goal],
            exercise={"compound": "a free-weight compound lift",
                      "isolation": "an isolation or machine exercise"}[self.exercise],
            load={"heavy": "moderate to heavy loads", "light": "light loads"}[self.load],
            experience={"novice": "a novice", "experienced": "an experienced lifter"}[self.experience],
            limit={"neither": "with time and recovery to spare", "time": "short of time",
                   "recovery": "short of recovery"}[self.limit])
        return (f"{words['goal']}, {words['exercise']}, {words['load']}, {words['experience']}, "
                f"{words['limit']}")

    def counts(self):
        """Reasons per kind: {"evidence": n, "model": n, "heuristic": n}."""
        return {k: sum(r.kind == k for r in self.reasons) for k in KINDS}

    def as_dict(self):
        """JSON-able, for the browser view (which looks recommendations up, never computes)."""
        return dict(rir=list(self.rir), rir_text=self.rir_text, failure=self.failure,
                    failure_where=self.failure_where, sets=self.sets, case=self.case,
                    counts=self.counts(),
                    reasons=[dict(kind=r.kind, text=r.text, section=r.section, path=r.path,
                                  heading=SECTIONS[r.section][1]) for r in self.reasons])


def key(goal, exercise, load, experience, limit):
    """The lookup key of one input combination: 'growth|compound|heavy|experienced|neither'."""
    return f"{goal}|{exercise}|{load}|{experience}|{limit}"


def _check(name, value):
    options = [v for v, _ in INPUTS[name]]
    return choice(name, value, options, what=f"one of {', '.join(map(repr, options))}")


def recommend(goal="growth", exercise="compound", load="heavy", experience="experienced",
              limit="neither"):
    """The decision aid: a :class:`Recommendation` for one lifter (see the module docstring)."""
    goal, exercise, load = _check("goal", goal), _check("exercise", exercise), _check("load", load)
    experience, limit = _check("experience", experience), _check("limit", limit)
    f = facts()
    reasons = []

    def add(kind, text, section, *sources):
        reasons.append(Reason(kind, text, section, sources))

    # goal: where the range starts
    if goal == "strength":
        lo, hi = 2, 4
        add("evidence", f"Strength hardly depends on how close sets end: failure vs not "
            f"{f['grgic_strength']} (Grgic 2022); slope {f['robinson_strength']} SMC per "
            f"log-RIR, CI across zero (Robinson 2024, secondary).", "2.4 §2",
            "grgic2022", "robinson2024")
        add("heuristic", "So strength sets can stop a rep further out than growth sets, for "
            "less fatigue: 2\u20134 RIR with moderate to heavy loads.", "3.3 §3")
    else:
        lo, hi = 1, 3
        add("evidence", f"Growth rises a little as sets end closer to failure: "
            f"{f['refalo_any']} for any definition of failure (Refalo 2023); "
            f"{f['robinson_hypertrophy']} SMC per RIR further out (Robinson 2024, secondary).",
            "2.4 §5", "refalo2023", "robinson2024")
        add("evidence", f"Stopping 1\u20132 reps short grew the quadriceps as much as failure: "
            f"{num(f['refalo2024_fail_mm'])} vs {num(f['refalo2024_rir_mm'])} mm in "
            f"{f['refalo2024_weeks']:g} weeks in trained lifters (Refalo 2024).", "3.3 §3",
            "refalo2024")
        add("heuristic", "1\u20133 RIR is the course's working range: close enough for growth, "
            "far enough to spare fatigue.", "3.3 §3")
    # load
    if load == "light":
        lo, hi = lo - 1, hi - 1
        add("model", f"In the course's model a light set recruits the whole pool only late: in "
            f"the last {100 * f['light_last_share']:.0f} % of a set at 30 % 1RM, but from the "
            f"first rep at 80 % (simulated).", "1.2 §4", "potvin2017")
        add("evidence", f"Failure helped growth at 30 % but not at 80 % 1RM in one trial "
            f"(Lasevicius 2022); across studies Refalo 2023 found no moderation by load: lower "
            f"loads {f['refalo_lower_load']}, higher {f['refalo_higher_load']} "
            f"(p = {f['refalo_load_p']:g}). So this rule is a heuristic.", "2.4 §7",
            "lasevicius2022", "refalo2023")
        add("evidence", f"RIR is misjudged more in long sets: off by about "
            f"{f['hackett_near']:g} rep with 0\u20135 left, by over {f['hackett_far']:g} with "
            f"7\u201310 left (Hackett 2017).", "3.1 §3", "hackett2017")
        if goal != "growth":
            add("evidence", f"For strength, heavier loads matter more than closeness to "
                f"failure: 1RM, heavy vs light loads (all sets to failure), SMD "
                f"{f['lopez_strength']} (Lopez 2021).", "2.4 §4", "lopez2021")
    # experience
    if experience == "novice":
        lo, hi = (2, 3) if load == "heavy" else (1, 2)
        add("evidence", f"People under-predict the reps they have left by {f['halperin']} "
            f"(Halperin 2022): a novice's 2 RIR may really be 3.", "3.1 §2", "halperin2022")
        add("heuristic", "While you learn the lifts, aim a little further out, and now and then "
            "take an isolation or machine set to failure to learn where failure is.", "3.3 §5")
    elif goal != "strength":
        add("evidence", f"For trained lifters the evidence is thin: the one pro-failure growth "
            f"subgroup, {f['grgic_trained']}, rests on {f['grgic_trained_k']} studies "
            f"(Grgic 2022; count secondary).", "2.4 §3", "grgic2022")
    # what limits the lifter
    if limit == "time":
        lo, hi = lo - 1, hi - 1
        sets = "fewer sets, closer to failure"
        add("model", f"With the number of sets fixed, closer is better in the teaching model: "
            f"{f['fixed_sets']} sets give stimulus {f['fixed_stim_failure']:.1f} at failure vs "
            f"{f['fixed_stim_2rir']:.1f} at 2 RIR.", "3.3 §6")
    elif limit == "recovery":
        lo, hi = lo + 1, hi + 1
        sets = "more sets, further from failure"
        add("model", f"With the week's fatigue fixed, the teaching model gets the most stimulus "
            f"at {f['budget_best_rir']} RIR: {f['budget_best_sets']:.1f} sets fit, against "
            f"{f['budget_failure_sets']:.1f} sets to failure.", "3.3 §6")
        mo, gb = f["moran"], f["gonzalez"]
        add("evidence", f"Sets to failure slow recovery: it was slower from "
            f"{mo['failure_slower_from_h']:g} to {mo['failure_slower_to_h']:g} h after 3 sets "
            f"to failure (Mor\u00e1n-Navarro 2017); jump height stayed down "
            f"{gb['failure_slower_to_h']:g} h, against {gb['failure_slower_from_h']:g} h when "
            f"sets stopped halfway (Gonz\u00e1lez-Badillo 2016).", "4.6 §3",
            "moran2017", "gonzalezbadillo2016")
    else:
        sets = "your usual number of sets"
    lo = max(lo, 1)  # most sets stop short: failure stays optional
    hi = max(hi, lo + 1)
    # where a set to failure fits
    if exercise == "compound":
        failure = "no"
        where = "not on this lift"
        if experience == "novice":
            where += "; now and then take an isolation or machine set to failure to calibrate"
        elif limit == "recovery":
            where += ", and rarely elsewhere while recovery is short"
        else:
            where += "; if you use it, use it on the last set of an isolation or machine exercise"
        add("heuristic", "No failure on free-weight compound lifts: a failed squat or bench "
            "press needs safeties or a spotter, and compound sets cost more fatigue (assumed "
            "in the teaching model).", "3.3 §4")
    else:
        if experience == "novice":
            failure, where = "calibrate", "now and then on the last set, to learn where failure is"
        elif limit == "recovery":
            failure, where = "no", "rarely, if at all, while recovery is short"
        else:
            failure, where = "last-set", "an option on the last set"
            if goal == "strength":
                where += " (it adds no strength)"
        add("heuristic", "A failed rep on an isolation or machine exercise ends safely. Put it "
            "last: failure costs velocity and reps in the sets after it (Refalo 2024).",
            "3.3 §4", "refalo2024")
    return Recommendation(goal, exercise, load, experience, limit, (lo, hi), failure, where,
                          sets, tuple(reasons))


def combinations():
    """Every input combination as a dict of control values, in control order."""
    names = list(INPUTS)
    return [dict(zip(names, values))
            for values in itertools.product(*([v for v, _ in INPUTS[n]] for n in names))]


def all_recommendations():
    """{key: Recommendation} for every input combination."""
    return {key(**c): recommend(**c) for c in combinations()}


def sentence(rec):
    """The recommendation in one sentence (HTML, text escaped): what the explorer shows under
    its figure, and what its browser view must show too."""
    c = rec.counts()
    return (f"<b>The recommendation</b> (a heuristic built on evidence and the course's model): "
            f"for {html.escape(rec.case)}, stop most sets at {rec.rir_text}; a set to failure: "
            f"{html.escape(rec.failure_where)}; {html.escape(rec.sets)}. "
            f"{len(rec.reasons)} reasons: {c['evidence']} from evidence, {c['model']} from the "
            f"model, {c['heuristic']} heuristic.")


# -- the decision aid at a glance (notebook figure and coach card) ----------------------------

#: The cases the card and the overview figure show: (label, changes from DEFAULTS).
CARD_CASES = (
    ("Growth, compound", {}),
    ("Growth, isolation", {"exercise": "isolation"}),
    ("Light, isolation", {"load": "light", "exercise": "isolation"}),
    ("Strength, compound", {"goal": "strength"}),
    ("Novice, isolation", {"experience": "novice", "exercise": "isolation"}),
    ("Short of time, isolation", {"limit": "time", "exercise": "isolation"}),
    ("Short of recovery, isolation", {"limit": "recovery", "exercise": "isolation"}),
)
SET_WORDS = {"time": "fewer sets", "recovery": "more sets", "neither": ""}


def failure_words(rec):
    """The failure option of a recommendation in a few words."""
    if rec.failure == "last-set":
        return "last set to failure"
    if rec.failure == "calibrate":
        return "failure now and then, to calibrate"
    return "no failure on this lift" if rec.exercise == "compound" else "skip failure sets"


def decision_table():
    """The cases of :data:`CARD_CASES` with their recommendations (a DataFrame)."""
    rows = []
    for label, change in CARD_CASES:
        rec = recommend(**{**DEFAULTS, **change})
        words = [rec.rir_text, failure_words(rec)] + ([SET_WORDS[rec.limit]] if SET_WORDS[rec.limit] else [])
        rows.append(dict(case=label, rir_low=rec.rir[0], rir_high=rec.rir[1], rir=rec.rir_text,
                         failure=rec.failure, failure_words=failure_words(rec), sets=rec.sets,
                         summary="; ".join(words), recommendation=rec))
    return pd.DataFrame(rows)


def draw_decision_aid(ax, table=None, fontsize=12):
    """Each case of :func:`decision_table` as its RIR range on an axis from 0 (failure) to 6,
    the case named above its bar, the failure option marked at 0 (filled: an option on the last
    set; hollow: now and then, to calibrate; none: no set to failure). Returns ``ax``."""
    from matplotlib.lines import Line2D

    from .plots import OKABE_ITO as C

    table = decision_table() if table is None else table
    n = len(table)
    for i, row in enumerate(table.itertuples()):
        y = n - 1 - i
        sets = SET_WORDS[row.recommendation.limit]
        ax.text(-0.45, y + 0.22, row.case + (f" ({sets})" if sets else ""), fontsize=fontsize,
                fontweight="bold", va="bottom")
        ax.barh(y, row.rir_high - row.rir_low, left=row.rir_low, height=0.3, color=C["blue"])
        ax.text(row.rir_high + 0.15, y, row.rir, va="center", fontsize=fontsize)
        if row.failure != "no":
            ax.plot(0, y, "o", ms=10, mew=2, mec=C["vermillion"],
                    mfc=C["vermillion"] if row.failure == "last-set" else "white")
    ax.axvline(0, color="#777777", lw=1, ls="--")
    ax.set_yticks([])
    ax.spines[["left", "top", "right"]].set_visible(False)
    ax.set_xticks(range(7))
    ax.set_xlim(-0.5, 6.5)
    ax.set_ylim(-0.5, n - 0.2)
    ax.tick_params(labelsize=fontsize)
    ax.set_xlabel("Repetitions in reserve (0 = failure)", fontsize=fontsize)
    handles = [Line2D([], [], color=C["blue"], lw=8, label="most sets"),
               Line2D([], [], ls="", marker="o", ms=10, mew=2, color=C["vermillion"],
                      label="last set to failure"),
               Line2D([], [], ls="", marker="o", ms=10, mew=2, mec=C["vermillion"], mfc="white",
                      label="failure now and then")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
              fontsize=fontsize, frameon=False)
    return ax


# -- the coach card -------------------------------------------------------------------------

CARD_PHONE_PX = (1080, 1920)
CARD_DPI = 100
A4_IN = (8.27, 11.69)
#: Smallest font on the phone card, in points at CARD_DPI: 22 pt = 30.6 px, 11 px when the
#: 1080-px-wide image is shown 390 px wide.
CARD_MIN_PT = 22
FILLED, HOLLOW = "\u25cf", "\u25cb"
_KIND_COLOURS = {"evidence": "#0072B2", "model": "#555555", "heuristic": "#A35200"}


def card_lines():
    """What the coach card says, before wrapping: [(style, text, extra)]."""
    lines = [("title", "Should you train to failure?", None),
             ("small", "Coach card of the course \u201cTrain to failure?\u201d", None),
             ("head", "The bottom line", None)]
    for i, (text, kinds) in enumerate(BOTTOM_LINE, 1):
        lines.append(("item", f"{i}. {text}", " + ".join(kinds)))
    lines.append(("head", "Decide: most sets; failure; sets", None))
    for row in decision_table().itertuples():
        lines.append(("row", row.case, row.summary))
    lines.append(("head", "Eight numbers (95 % CI)", None))
    for row in key_numbers().itertuples():
        badge = HOLLOW if row.secondary else FILLED
        lines.append(("number", f"{badge} {row.short}: {row.text}", None))
    lines.append(("small", (f"{FILLED} verified, {HOLLOW} secondary source. SMD > 0 favours "
                  "failure; SMC per RIR < 0: more growth closer to failure. Sources, DOIs: the "
                  "course's data/ folder. Education, not medical advice."), None))
    return lines


def _wrap(text, size_pt, width_px, dpi):
    # DejaVu Sans averages about 0.55 em per character in this text
    per_line = max(10, int(width_px / (size_pt * dpi / 72 * 0.55)))
    return textwrap.wrap(text, per_line) or [""]


def draw_card(fig, rect=(0, 0, 1, 1), scale=1.0):
    """Draw the coach card into ``fig`` within ``rect`` (figure fractions) with fonts scaled by
    ``scale`` (1 = the phone card). Returns the list of text artists drawn."""
    from matplotlib.patches import Rectangle

    from .plots import OKABE_ITO as C

    dpi = fig.dpi
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    width_px = fig.get_figwidth() * dpi * rect[2]
    height_px = fig.get_figheight() * dpi * rect[3]
    margin = 0.05
    usable = width_px * (1 - 2 * margin)
    sizes = {"title": 36, "head": 26, "item": CARD_MIN_PT, "row": CARD_MIN_PT,
             "number": CARD_MIN_PT, "small": CARD_MIN_PT}
    y = 1 - 0.035
    texts = []

    def put(x, y, text, size, **kw):
        texts.append(ax.text(x, y, text, fontsize=size * scale, va="top", ha="left",
                             transform=ax.transAxes, **kw))

    def step(size, lines=1, gap=1.32):
        return lines * size * scale * dpi / 72 * gap / height_px

    ax.add_patch(Rectangle(
        (0, 0), 1, 1, transform=ax.transAxes, facecolor="white", edgecolor=C["blue"], lw=4 * scale))
    for style, text, extra in card_lines():
        size = sizes[style]
        if style == "head":
            y -= step(size, gap=0.5)
            put(margin, y, text, size, weight="bold", color=C["blue"])
            y -= step(size, gap=1.3)
        elif style == "title":
            put(margin, y, text, size, weight="bold")
            y -= step(size, gap=1.4)
        elif style == "item":
            wrapped = _wrap(f"{text} [{extra}]", size * scale, usable, dpi)
            put(margin, y, "\n".join(wrapped), size, linespacing=1.2)
            y -= step(size, len(wrapped), gap=1.2 * 1.04) + step(size, gap=0.3)
        elif style == "row":
            left = _wrap(text, size * scale, usable * 0.36, dpi)
            right = _wrap(extra, size * scale, usable * 0.58, dpi)
            put(margin, y, "\n".join(left), size, weight="bold", linespacing=1.2)
            put(margin + 0.42 * (1 - 2 * margin), y, "\n".join(right), size, linespacing=1.2)
            y -= step(size, max(len(left), len(right)), gap=1.2 * 1.04) + step(size, gap=0.3)
        else:  # number, small
            wrapped = _wrap(text, size * scale, usable, dpi)
            put(margin, y, "\n".join(wrapped), size, linespacing=1.2,
                color="#333333" if style == "small" else "black")
            y -= step(size, len(wrapped), gap=1.2 * 1.04) + step(size, gap=0.3)
    if y < 0:
        raise ValueError(f"the coach card's text overflows its page by {-y:.0%}")
    return texts


def coach_card(kind="phone"):
    """The coach card as a matplotlib Figure: ``kind`` "phone" (1080 x 1920 px at 100 dpi) or
    "a4" (one A4 page, the phone layout scaled to fit, for print)."""
    from matplotlib.figure import Figure

    choice("kind", kind, ("phone", "a4"))
    if kind == "phone":
        fig = Figure(figsize=(CARD_PHONE_PX[0] / CARD_DPI, CARD_PHONE_PX[1] / CARD_DPI), dpi=CARD_DPI)
        draw_card(fig)
        return fig
    fig = Figure(figsize=A4_IN, dpi=CARD_DPI)
    height = 0.94
    width = height * A4_IN[1] / A4_IN[0] * CARD_PHONE_PX[0] / CARD_PHONE_PX[1]
    draw_card(fig, rect=((1 - width) / 2, (1 - height) / 2, width, height),
              scale=width * A4_IN[0] / (CARD_PHONE_PX[0] / CARD_DPI))
    return fig


def card_text(fig):
    """All text drawn on a card figure, whitespace collapsed (for tests and alt text)."""
    from matplotlib.text import Text

    return " ".join(" ".join(t.get_text().split()) for t in fig.findobj(Text) if t.get_text())


def card_pdf_bytes():
    """The A4 card as PDF bytes with no dates or producer in its metadata (reproducible)."""
    import io

    buf = io.BytesIO()
    coach_card("a4").savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None,
                                                           "Producer": None, "Creator": None,
                                                           "Title": "Should you train to failure? Coach card"})
    return buf.getvalue()


def card_png_bytes():
    """The phone card as PNG bytes (1080 x 1920 px), with no software tag in its metadata."""
    import io

    buf = io.BytesIO()
    coach_card("phone").savefig(buf, format="png", dpi=CARD_DPI, metadata={"Software": None})
    return buf.getvalue()
