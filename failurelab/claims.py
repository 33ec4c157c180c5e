"""Reading a claim: a ten-question checklist, filled in for the claims of an evidence summary.

A claim about training to failure can go wrong in many places: which study, which outcome,
which comparison, which sign, how many studies, which population, how long, whether the
source has been corrected since, whether volume was equated, and what the interval rules out.
:data:`QUESTIONS` lists them. :func:`checklist` fills them in for one claim of
``data/course_brief_claims.csv`` (the claims of a typical evidence summary, quoted verbatim):
what the summary says (a verbatim fragment of the claim, or nothing) next to what the source
says, with a verdict per question (:data:`VERDICTS`).

The source side is read from the data tables where they hold the fact (``meta_analyses``:
study, outcome, comparison, sign convention, k, estimates, intervals; ``trials``: population,
n, weeks, arms, volume); the rest (kind of study, population and duration of a meta-analysis,
corrections, how the not-equated studies set their volumes) is kept in :data:`SOURCES`, each
with the paper it comes from. The verdicts follow the ``status`` column of the claims table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .data import load
from .validation import fail, whole

#: The checklist: (key, question, why it matters). The first seven locate the number; the last
#: three come from chapters 2 and 4: corrections, volume, and what an interval rules out.
QUESTIONS = (
    ("study", "Which study?", ("Authors, year and kind of study (trial, meta-analysis, network "
                              "meta-analysis) locate the claim; a wrong year or kind often means "
                              "two papers were mixed up.")),
    ("outcome", "Which outcome?", ("Strength is not hypertrophy, and 1RM is not isometric "
                                  "strength: a number from one outcome says nothing about "
                                  "another. A number must be one the source reports for that "
                                  "outcome.")),
    ("comparison", "Which comparison?", ("Failure vs non-failure, near failure vs far from it, "
                                        "or heavy vs light load with every set to failure are "
                                        "different questions.")),
    ("sign", "Which sign?", ("Papers differ in what a positive effect favours; check the "
                            "direction before reading a number, and whether the claim gives "
                            "the direction the source found.")),
    ("studies", "How many studies (and people)?", ("A subgroup of two studies or a trial of 19 "
                                                  "people gives a wide interval.")),
    ("population", "Which population?", ("Untrained and trained lifters, young and old adults "
                                        "can respond differently.")),
    ("duration", "How long?", "Most studies last weeks, not years."),
    ("erratum", "Is there an erratum or corrigendum?", ("Published results are sometimes "
                                                       "corrected: Davies et al. 2016's erratum "
                                                       "replaced every result of its abstract. "
                                                       "Look on the journal page before "
                                                       "quoting.")),
    ("volume", "Was volume (and frequency, rest) equated?", ("If the arms did different "
                                                              "amounts of training, the "
                                                              "comparison measures failure plus "
                                                              "that difference; and who set the "
                                                              "difference, the design or the "
                                                              "fatigue, matters (4.4).")),
    ("interval", "What does the interval rule out (and the prediction interval)?", (
        "An interval that crosses 0 does not show that an effect is trivial: read both ends. A "
        "prediction interval says where a new study's effect may fall (2.2-2.3).")),
)
QUESTION_KEYS = tuple(key for key, _, _ in QUESTIONS)

MATCHES, WRONG, CAVEAT, NOT_STATED = "matches", "wrong", "caveat", "not stated"
#: Verdict of one question: the summary agrees with the source, contradicts it, agrees only
#: with a qualification, or does not say.
VERDICTS = (MATCHES, WRONG, CAVEAT, NOT_STATED)

#: Verification levels that need no mark when a value is quoted.
CHECKED_LEVELS = ("abstract-verified", "full-text-verified")

NO_CORRECTION = ("none known to the course (look on the journal page for an erratum, "
                 "corrigendum or correction)")
NO_PI = "no prediction interval among the values the course holds"

#: Facts about each source that the data tables do not hold, with where they come from.
SOURCES = {
    "lopez2021": {"kind": "network meta-analysis of load (every set to failure)",
                  "studies": "28 studies, 747 participants in the network (abstract)",
                  "population": "healthy adults (abstract)",
                  "duration": "not available here (per-study durations not transcribed)",
                  "erratum": ("Corrigendum: Med Sci Sports Exerc 2022;54(2):370 "
                              "(doi:10.1249/MSS.0000000000002838); what it corrects could not "
                              "be seen"),
                  "volume": ("not equated: every arm went to failure, at a low, moderate or "
                             "high load, so the work done differs with the load; there are no "
                             "non-failure arms (abstract)")},
    "schoenfeld2017": {"kind": "pairwise meta-analysis of load (all sets to momentary "
                                "muscular failure)",
                       "studies": "21 studies in the review (abstract)",
                       "population": "healthy participants (inclusion criterion)",
                       "duration": "at least 6 weeks (inclusion criterion)",
                       "erratum": NO_CORRECTION,
                       "volume": ("every arm to failure at a low or a high load; whether the "
                                  "work done was equated: not available here")},
    "grgic2022": {"kind": "pairwise meta-analysis of failure vs non-failure",
                  "studies": "15 studies in the review (abstract)",
                  "population": "young adults (all 15 studies, abstract)",
                  "duration": "not available here",
                  "erratum": NO_CORRECTION,
                  "volume": ("in not-equated studies the researchers prescribed more sets to "
                             "the non-failure arm, e.g. Kramer et al. 1997 (1 x 8-12RM to "
                             "failure vs 3 x 10) and Sanborn et al. 2000 (1 set to failure vs "
                             "3 sets not to failure) (Grgic 2022 Table 1, PMC9068575; Sanborn "
                             "abstract; secondary, verify before quoting)")},
    "refalo2023": {"kind": "pairwise meta-analysis of proximity to failure (hypertrophy)",
                   "studies": "15 studies in the review (abstract)",
                   "population": "healthy adults (abstract)",
                   "duration": "not available here",
                   "erratum": NO_CORRECTION,
                   "volume": ("volume load did not moderate the effect (p = 0.884, abstract): "
                              "a test across about 9 studies, absence of evidence rather than "
                              "evidence of absence")},
    "ruple2023": {"kind": "randomised trial",
                  "duration_extra": "plus a 6th week with reduced volume-load",
                  "erratum": NO_CORRECTION,
                  "interval": ("no effect sizes or intervals in the abstract, only 'no condition "
                               "x time interactions'")},
    "refalo2024": {"kind": "randomised within-participant trial (one leg per protocol)",
                   "erratum": NO_CORRECTION,
                   "interval": ("between-protocol differences with 95 % HDIs (Bayesian "
                                "intervals, abstract): rectus femoris -0.036 cm (-0.113 to "
                                "0.047), vastus lateralis 0.033 cm (-0.046 to 0.116); both "
                                "include 0 and rule out differences beyond about 0.12 cm")},
}

#: Which rows of ``meta_analyses`` each (claim, source) is about; trials are in ``trials``.
LINKED_ROWS = {
    (1, "lopez2021"): ("lopez2021-hypertrophy-high-vs-low", "lopez2021-hypertrophy-moderate-vs-low",
                       "lopez2021-hypertrophy-high-vs-moderate"),
    (2, "lopez2021"): ("lopez2021-hypertrophy-high-vs-low", "lopez2021-hypertrophy-moderate-vs-low",
                       "lopez2021-hypertrophy-high-vs-moderate"),
    (3, "schoenfeld2017"): ("schoenfeld2017-strength-1rm", "schoenfeld2017-strength-isometric"),
    (5, "grgic2022"): ("grgic2022-hypertrophy", "grgic2022-hypertrophy-trained"),
    (6, "grgic2022"): ("grgic2022-hypertrophy",),
    (6, "refalo2023"): ("refalo2023-set-failure", "refalo2023-momentary-failure"),
    (7, "grgic2022"): ("grgic2022-strength", "grgic2022-hypertrophy",
                       "grgic2022-hypertrophy-trained"),
    (7, "refalo2023"): ("refalo2023-set-failure", "refalo2023-momentary-failure"),
    (8, "grgic2022"): ("grgic2022-strength-volume-not-equated",
                       "grgic2022-strength-volume-equated"),
}

#: Rows of ``meta_analyses`` that split a source's evidence by volume (question "volume").
VOLUME_ROWS = {
    "grgic2022": ("grgic2022-strength-volume-not-equated", "grgic2022-strength-volume-equated"),
    "refalo2023": ("refalo2023-volume-equated", "refalo2023-volume-not-equated"),
}

#: What the summary says on each question: (verbatim fragment of the claim, verdict, comment).
#: Questions not listed are "not stated".
NUMBERS_6 = ("on hypertrophy were estimated at around 0.1 to 0.2, with 95% confidence intervals "
             "spanning from -0.3 to 0.5")  # claim 6: numbers that no source reports
CI_7 = ("their confidence intervals comfortably crossed zero, indicating that any true benefit, "
        "if it exists, is likely trivial in magnitude")  # claim 7: the statistical misreading
FATIGUE_8 = "when failure training led to reduced volume due to excessive fatigue"  # claim 8
LOPEZ_CORRIGENDUM = ("A 2022 corrigendum exists (MSSE 54(2):370); what it changes could not be "
                     "seen, so quote the 2021 values with that caveat.")
SUMMARY = {
    (1, "lopez2021"): {
        "study": ("A 2022 network meta-analysis", WRONG,
                  "The paper is 2021; a corrigendum appeared in 2022 (content not seen)."),
        "population": ("healthy adults", MATCHES, ""),
        "erratum": ("A 2022 network meta-analysis", CAVEAT, LOPEZ_CORRIGENDUM),
    },
    (2, "lopez2021"): {
        "outcome": ("similar hypertrophy", MATCHES, ("No load differences for hypertrophy "
                                                    "(P = 0.113-0.469, abstract).")),
        "comparison": ("no clear superiority for failure protocols over non-failure protocols",
                       WRONG, ("Not in the source: every arm trained to failure, so the paper "
                               "compares loads and has no non-failure arm to compare with.")),
        "volume": ("when volume was roughly equated", WRONG,
                   ("The arms differed in load, every set to failure, so the work done was not "
                    "equated; and there is no failure vs non-failure comparison to equate.")),
    },
    (3, "schoenfeld2017"): {
        "study": ("A 2017 meta-analysis by Schoenfeld and colleagues", MATCHES,
                  "Schoenfeld et al. 2017, J Strength Cond Res."),
        "outcome": ("for strength", WRONG,
                    ("0.15 resembles the non-significant isometric value (0.16); for 1RM "
                    "strength the estimate is 0.58 (secondary, verify before quoting).")),
        "comparison": ("favoring high-load", MATCHES, "High vs low load, all sets to failure."),
        "sign": ("favoring high-load", MATCHES, "Positive favours the high load."),
    },
    (4, "ruple2023"): {
        "study": ("A 2023 study", MATCHES, "Ruple et al. 2023, Physiol Rep."),
        "outcome": ("strength or hypertrophy", CAVEAT,
                    ("Both were measured, but for muscle size (VL mCSA) the abstract reports only "
                     "'no condition x time interactions': probably neither arm grew detectably "
                     "in 5 weeks, so the hypertrophy comparison is uninformative rather than "
                     "'similar'. The 'greater acute neuromuscular fatigue' matches Refalo 2024, "
                     "not this trial.")),
        "comparison": (("training to failure did not enhance strength or hypertrophy compared "
                       "to stopping two repetitions short"), WRONG,
                       "Near failure (0-1 RIR) vs 4-6 RIR: not failure, and not two reps short."),
        "sign": ("did not enhance", MATCHES, "No condition x time interactions."),
        "studies": ("A 2023 study", CAVEAT, ("One trial of 19 people; the claim does not say how "
                                            "small.")),
        "population": ("previously trained adults", MATCHES, ""),
    },
    (4, "refalo2024"): {
        "study": ("A 2023 study", WRONG, "The 'two reps short' design is Refalo et al. 2024."),
        "outcome": ("strength or hypertrophy", CAVEAT,
                    ("The abstract reports hypertrophy only; strength is not in it. 'Greater "
                     "acute neuromuscular fatigue' matches: the abstract defines it as repetition "
                     "and lifting velocity loss, both consistently greater with failure.")),
        "comparison": (("training to failure did not enhance strength or hypertrophy compared "
                       "to stopping two repetitions short"), MATCHES,
                       "Momentary failure vs 2 RIR (leg press) / 1 RIR (leg extension)."),
        "sign": ("did not enhance", MATCHES, "Similar thickness change in both protocols."),
        "studies": ("A 2023 study", CAVEAT, "One trial of 18 people."),
        "population": ("previously trained adults", MATCHES, ""),
    },
    (5, "grgic2022"): {
        "study": ("A subsequent network meta-analysis in 2022", WRONG,
                  ("No source here is a network meta-analysis of failure vs non-failure; the "
                  "two-study subgroup matches Grgic et al. 2022, a pairwise meta-analysis.")),
        "outcome": ("comparable muscle growth", MATCHES, ""),
        "comparison": ("failure and non-failure protocols", MATCHES, ""),
        "sign": ("comparable muscle growth across untrained and trained participants", WRONG,
                 ("In trained participants the estimate favours failure: ES 0.15 (0.03 to "
                  "0.26). A wrong direction for a subgroup, not a flipped sign convention.")),
        "studies": ("limited to only two studies", MATCHES,
                    "2 studies (secondary, verify before quoting)."),
        "population": ("across untrained and trained participants", CAVEAT,
                       "Untrained-subgroup estimates are not available."),
        "interval": ("leaving considerable uncertainty", CAVEAT,
                     ("Right about the uncertainty, but the published interval (0.03 to 0.26) "
                      "excludes 0 on the side of failure; with two studies that narrow interval "
                      "is itself fragile (4.1, section 5).")),
    },
    (6, "grgic2022"): {
        "outcome": (NUMBERS_6, WRONG, ("The outcome (hypertrophy) matches, but no source reports "
                                       "these numbers. Grgic 2022: ES 0.22 (95 % CI -0.11 to "
                                       "0.55).")),
        "comparison": ("failure versus non-failure", MATCHES, ""),
    },
    (6, "refalo2023"): {
        "outcome": (NUMBERS_6, WRONG, ("The outcome (hypertrophy) matches, but no source reports "
                                       "these numbers. Refalo 2023: ES 0.19 (0.00 to 0.37), any "
                                       "definition; 0.12 (-0.13 to 0.37), momentary failure.")),
        "comparison": ("failure versus non-failure", CAVEAT,
                       ("The estimate depends on the definition of failure: any definition "
                       "0.19, momentary muscular failure 0.12.")),
    },
    (7, "grgic2022"): {
        "outcome": ("The pooled effect sizes for failure versus non-failure were small", CAVEAT,
                    "The point estimates are small: -0.09 for strength, 0.22 for hypertrophy."),
        "comparison": ("failure versus non-failure", MATCHES, ""),
        "population": ("for most lifters", CAVEAT,
                       ("All studies were of young adults; in trained participants the "
                        "hypertrophy estimate favours failure (0.03 to 0.26).")),
        "interval": (CI_7, WRONG,
                     ("A CI that crosses 0 does not show that an effect is trivial: the "
                      "hypertrophy CI reaches 0.55, a moderate benefit it does not rule out; and "
                      "the trained subgroup's CI (0.03 to 0.26) does not cross 0.")),
    },
    (7, "refalo2023"): {
        "outcome": ("The pooled effect sizes for failure versus non-failure were small", CAVEAT,
                    "The point estimates are small: 0.19 (any definition), 0.12 (momentary)."),
        "comparison": ("failure versus non-failure", CAVEAT,
                       "Any definition of set failure, or momentary muscular failure only."),
        "population": ("for most lifters", CAVEAT, "Healthy adults (abstract)."),
        "interval": (CI_7, WRONG,
                     ("The any-definition CI, 0.00 to 0.37, excludes 0 (p = 0.045; the bound "
                      "only rounds to 0.00). It rules out harm, not a benefit of up to 0.37.")),
    },
    (8, "grgic2022"): {
        "outcome": ("For strength", MATCHES, "The not-equated subgroup is for strength."),
        "sign": ("a small negative effect", MATCHES,
                 "-0.32 (-0.57 to -0.07) favours non-failure."),
        "studies": ("some analyses", CAVEAT,
                    ("One subgroup of Grgic 2022 (and Vieira 2021's -0.34); neither tests why "
                     "the volumes differed.")),
        "volume": (FATIGUE_8, WRONG,
                   ("Not what the studies did: in the not-equated studies the researchers "
                    "prescribed more sets to the non-failure arm (Kramer 1997: 1 x 8-12RM to "
                    "failure vs 3 x 10; Sanborn 2000: 1 set vs 3 sets). The volume gap came "
                    "from the design, not from fatigue.")),
    },
}

#: Numbers the summary gives (verbatim fragments) and their values, for the estimate panel.
SUMMARY_NUMBERS = {
    (3, "schoenfeld2017"): {"text": ("approximately 0.15",), "point": 0.15},
    (6, "grgic2022"): {"text": ("around 0.1 to 0.2", "from -0.3 to 0.5"),
                       "range": (0.1, 0.2), "ci": (-0.3, 0.5)},
    (6, "refalo2023"): {"text": ("around 0.1 to 0.2", "from -0.3 to 0.5"),
                        "range": (0.1, 0.2), "ci": (-0.3, 0.5)},
}

#: RIR at which each arm stopped its sets, for the comparison panel of trial claims
#: (trials.csv: failure_definition / non_failure_definition; the summary's own words).
RIR_ARMS = {
    "summary": {"failure": (0, 0), "non-failure": (2, 2)},
    "ruple2023": {"failure": (0, 1), "non-failure": (4, 6)},
    "refalo2024": {"failure": (0, 0), "non-failure": (1, 2)},
}


@lru_cache(maxsize=1)
def _tables():
    claims = load("course_brief_claims")
    meta = load("meta_analyses").set_index("id")
    trials = load("trials").set_index("source_key")
    return claims, meta, trials


def claims():
    """The claims table (``data/course_brief_claims.csv``), one row per (claim, source)."""
    return _tables()[0].copy()


def claim_keys():
    """All (claim_id, source_key) pairs, in table order."""
    table = _tables()[0]
    return [(int(c), s) for c, s in zip(table["claim_id"], table["source_key"])]


def sources_of(claim_id):
    """The source keys a claim is checked against (one or two)."""
    cid = _claim_id(claim_id)
    return [s for c, s in claim_keys() if c == cid]


def _claim_id(claim_id):
    ids = sorted({c for c, _ in claim_keys()})
    claim_id = whole("claim_id", claim_id, what=f"a whole number ({ids[0]} to {ids[-1]})")
    if claim_id not in ids:
        fail(f"there is no claim {claim_id}; claims are numbered {', '.join(map(str, ids))}")
    return claim_id


def _key(claim_id, source_key):
    sources = sources_of(claim_id)
    if source_key is None:
        if len(sources) > 1:
            raise ValueError(f"claim {claim_id} is checked against {len(sources)} sources "
                             f"({', '.join(sources)}): pass source_key")
        return claim_id, sources[0]
    if source_key not in sources:
        raise ValueError(f"claim {claim_id} is not checked against {source_key!r}; its "
                         f"source{'s are' if len(sources) > 1 else ' is'} {', '.join(sources)}")
    return claim_id, source_key


def _fmt(x):
    return f"{x:g}".replace("-", "\u2212")


def estimate_text(row, with_verification=False):
    """'ES 0.22 (95 % CI −0.11 to 0.55)' for a meta_analyses row (estimate, CI where given).

    With ``with_verification``, a value that is not checked in the abstract or the full text
    carries its level, e.g. '(secondary, verify before quoting)': quote it only with its mark.
    """
    if pd.isna(row["estimate"]):
        return "no single estimate given"
    text = f"{row['effect_measure'].split(' ')[0]} {_fmt(row['estimate'])}"
    if pd.notna(row["ci_low"]) and pd.notna(row["ci_high"]):
        text += f" (95 % CI {_fmt(row['ci_low'])} to {_fmt(row['ci_high'])})"
    if with_verification and row["verification"] not in CHECKED_LEVELS:
        text += f" ({row['verification']})"
    return text


def row_label(row, with_comparison=False):
    """A short label of a meta_analyses row: outcome (measure), subgroup [, comparison]."""
    sub = "" if row["subgroup"] == "all studies" else f", {row['subgroup']}"
    measure = f" ({row['outcome_measure']})" if isinstance(row["outcome_measure"], str) else ""
    comparison = f" [{row['comparison']}]" if with_comparison else ""
    return f"{row['outcome']}{measure}{sub}{comparison}"


def _excludes_zero(row):
    """Whether a row's 95 % CI excludes 0: from its bounds, or, where a bound rounds to 0.00, from
    its p value (Refalo 2023: 0.00 to 0.37, p = 0.045, excludes 0)."""
    low, high = row["ci_low"], row["ci_high"]
    if 0 in (low, high) and pd.notna(row.get("p")):
        return float(row["p"]) < 0.05
    return bool(low > 0 or high < 0)


def interval_text(row):
    """What a row's 95 % CI rules out, in words: '−0.11 to 0.55: includes 0; rules out effects
    below −0.11 and above 0.55'."""
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]):
        return "no CI among the values held here"
    low, high = row["ci_low"], row["ci_high"]
    if _excludes_zero(row):
        zero = "excludes 0"
        if 0 in (low, high):
            zero += f" (p = {row['p']:g}; the bound only rounds to 0.00)"
    else:
        zero = "includes 0"
    lo, hi = (f"{x:.2f}".replace("-", "\u2212") for x in (low, high))
    return f"{lo} to {hi}: {zero}; rules out effects below {lo} and above {hi}"


def _volume_text(source_key, meta):
    """The source's volume-split estimates (where the data hold them) and the design facts."""
    ids = [i for i in VOLUME_ROWS.get(source_key, ()) if i in meta.index]
    parts = [f"{meta.loc[i, 'outcome']}, {meta.loc[i, 'subgroup']}: "
             f"{estimate_text(meta.loc[i], True)}" for i in ids]
    return "; ".join(parts + [SOURCES[source_key]["volume"]])


def _source_answers(claim_id, source_key):
    """What the source says on each question, from the data tables (+ :data:`SOURCES`)."""
    _, meta, trials = _tables()
    info = SOURCES[source_key]
    if source_key in trials.index:
        t = trials.loc[source_key]
        duration = f"{t['weeks']:g} weeks"
        if "duration_extra" in info:
            duration += f", {info['duration_extra']}"
        return {
            "study": f"{t['study']}, {info['kind']} (doi:{t['doi']})",
            "outcome": t["outcomes"],
            "comparison": f"{t['failure_definition']} vs {t['non_failure_definition']}",
            "sign": f"a trial: no pooled sign convention; finding: {t['main_finding']}",
            "studies": f"1 trial, n = {t['n']} ({t['arms']})",
            "population": f"{t['population']} ({t['sex']})",
            "duration": duration,
            "erratum": info["erratum"],
            "volume": t["volume_equated"],
            "interval": info["interval"],
        }
    rows = meta.loc[list(LINKED_ROWS[(claim_id, source_key)])]
    first = rows.iloc[0]
    several = rows["comparison"].nunique() > 1  # name the comparison when the rows differ in it
    ks = [f"{row_label(r, several)}: {int(r['k'])} studies"
          + ("" if r["k_n_verification"] in CHECKED_LEVELS else " (secondary)")
          for _, r in rows.iterrows() if pd.notna(r["k"])]
    comparisons = list(dict.fromkeys(rows["comparison"]))
    return {
        "study": f"{first['study']}, {info['kind']} (doi:{first['doi']})",
        "outcome": "; ".join(f"{row_label(r, several)}: {estimate_text(r, True)}"
                             for _, r in rows.iterrows()),
        "comparison": "; ".join(comparisons),
        "sign": "; ".join(dict.fromkeys(rows["sign_convention"])),
        "studies": "; ".join(ks) if ks else info["studies"],
        "population": info["population"],
        "duration": info["duration"],
        "erratum": info["erratum"],
        "volume": _volume_text(source_key, meta),
        "interval": "; ".join(f"{row_label(r, several)}: {interval_text(r)}"
                              for _, r in rows.iterrows()) + f"; {NO_PI}",
    }


@dataclass(frozen=True)
class Checklist:
    """A claim with the checklist's questions filled in (see :func:`checklist`).

    ``table``: one row per question (index = question key) with columns question, summary_says,
    source_says, verdict, comment. ``estimates``: the linked rows of ``meta_analyses`` (empty
    for a trial). ``summary_numbers``: the numbers the claim quotes (verbatim), if any.
    """

    claim_id: int
    source_key: str
    section: str
    claim: str
    status: str
    source_says: str
    doi: str
    verification: str
    note: str
    table: pd.DataFrame
    estimates: pd.DataFrame
    summary_numbers: tuple

    def verdicts(self):
        """Question key -> verdict."""
        return dict(self.table["verdict"])

    def problems(self):
        """Keys of the questions where the summary contradicts the source."""
        return [k for k, v in self.verdicts().items() if v == WRONG]


def checklist(claim_id, source_key=None):
    """The filled checklist for claim ``claim_id`` against ``source_key``.

    ``source_key`` may be left out when the claim has one source. Raises ValueError for an
    unknown claim or source.
    """
    claim_id, source_key = _key(claim_id, source_key)
    table, meta, _ = _tables()
    row = table[(table["claim_id"] == claim_id) & (table["source_key"] == source_key)].iloc[0]
    said = SUMMARY.get((claim_id, source_key), {})
    source = _source_answers(claim_id, source_key)
    rows = []
    for key, question, _ in QUESTIONS:
        fragment, verdict, comment = said.get(key, (None, NOT_STATED, ""))
        rows.append({"key": key, "question": question, "summary_says": fragment or "(not stated)",
                         "source_says": source[key], "verdict": verdict, "comment": comment})
    ids = list(LINKED_ROWS.get((claim_id, source_key), ()))
    estimates = meta.loc[ids].reset_index() if ids else meta.iloc[:0].reset_index()
    numbers = SUMMARY_NUMBERS.get((claim_id, source_key), {}).get("text", ())
    return Checklist(
        claim_id=claim_id, source_key=source_key, section=row["brief_section"],
        claim=row["claim"], status=row["status"], source_says=row["source_says"], doi=row["doi"],
        verification=row["verification"], note=row["note"] if isinstance(row["note"], str) else "",
        table=pd.DataFrame(rows).set_index("key"), estimates=estimates, summary_numbers=numbers)


def source_estimates(source_key):
    """Every row of ``meta_analyses`` from one source (all its outcomes and subgroups)."""
    meta = _tables()[1]
    if not isinstance(source_key, str) or source_key not in set(meta["source_key"]):
        known = ", ".join(dict.fromkeys(meta["source_key"]))
        raise ValueError(f"no pooled estimates for source {source_key!r}; sources with "
                         f"estimates: {known}")
    return meta[meta["source_key"] == source_key].reset_index()


def years(text):
    """Four-digit years (1900-2099) mentioned in ``text``, as integers."""
    if not isinstance(text, str):
        fail(f"text must be a string, got {type(text).__name__}")
    return [int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", text)]
