"""Reading a claim: a seven-question checklist, filled in for the course brief's claims.

A claim about training to failure can go wrong in seven places: which study, which outcome,
which comparison, which sign, how many studies, which population, how long. :data:`QUESTIONS`
lists them. :func:`checklist` fills them in for one claim of ``data/course_brief_claims.csv``:
what the brief says (a verbatim fragment of the claim, or nothing) next to what the source
says, with a verdict per question (:data:`VERDICTS`).

The source side is read from the data tables where they hold the fact (``meta_analyses``:
study, outcome, comparison, sign convention, k, estimates; ``trials``: population, n, weeks,
arms); the rest (kind of study, population and duration of a meta-analysis) comes from
``shared/sources/fact-check.md`` and is kept in :data:`SOURCES`. The verdicts follow the fact
check's section 0 (the ``status`` column of the claims table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .data import load

#: The checklist: (key, question, why it matters).
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
)
QUESTION_KEYS = tuple(key for key, _, _ in QUESTIONS)

MATCHES, WRONG, CAVEAT, NOT_STATED = "matches", "wrong", "caveat", "not stated"
#: Verdict of one question: the brief agrees with the source, contradicts it, agrees only with
#: a qualification, or does not say.
VERDICTS = (MATCHES, WRONG, CAVEAT, NOT_STATED)

#: Facts about each source that the data tables do not hold (fact-check.md, sections 1-5).
SOURCES = {
    "lopez2021": {"kind": "network meta-analysis of load (every set to failure)",
                      "studies": "28 studies, 747 participants in the network (abstract); "
                              "contrast-level numbers not available",
                      "population": "healthy adults (abstract)",
                      "duration": "not available here (per-study durations not transcribed)"},
    "schoenfeld2017": {"kind": "pairwise meta-analysis of load (all sets to momentary "
                                "muscular failure)",
                           "studies": "21 studies in the review (abstract)",
                           "population": "healthy participants (inclusion criterion)",
                           "duration": "at least 6 weeks (inclusion criterion)"},
    "grgic2022": {"kind": "pairwise meta-analysis of failure vs non-failure",
                      "studies": "15 studies in the review (abstract)",
                      "population": "young adults (all 15 studies, abstract)",
                      "duration": "not available here"},
    "refalo2023": {"kind": "pairwise meta-analysis of proximity to failure (hypertrophy)",
                       "studies": "15 studies in the review (abstract)",
                       "population": "healthy adults (abstract)",
                       "duration": "not available here"},
    "ruple2023": {"kind": "randomised trial",
                      "duration_extra": "plus a 6th week with reduced volume-load"},
    "refalo2024": {"kind": "randomised within-participant trial (one leg per protocol)"},
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
}

#: What the brief says on each question: (verbatim fragment of the claim or None, verdict,
#: comment). Questions not listed are "not stated". Verdicts and comments: fact-check.md §0.
NUMBERS_6 = ("on hypertrophy were estimated at around 0.1 to 0.2, with 95% confidence intervals "
             "spanning from -0.3 to 0.5")  # claim 6: numbers that no source reports
BRIEF = {
    (1, "lopez2021"): {
        "study": ("A 2022 network meta-analysis", WRONG,
                  "The paper is 2021; a corrigendum appeared in 2022 (content not checked)."),
        "population": ("healthy adults", MATCHES, ""),
    },
    (2, "lopez2021"): {
        "outcome": ("similar hypertrophy", MATCHES, ("No load differences for hypertrophy "
                                                    "(P = 0.113-0.469, abstract).")),
        "comparison": ("no clear superiority for failure protocols over non-failure protocols",
                       CAVEAT, ("Every arm trained to failure: the paper compares loads, not "
                               "failure with non-failure.")),
    },
    (3, "schoenfeld2017"): {
        "outcome": ("for strength", WRONG,
                    ("0.15 resembles the non-significant isometric value (0.16); for 1RM "
                    "strength the estimate is 0.58 (secondary, verify before quoting).")),
        "comparison": ("favoring high-load", MATCHES, "High vs low load, all sets to failure."),
        "sign": ("favoring high-load", MATCHES, "Positive favours the high load."),
    },
    (4, "ruple2023"): {
        "study": ("A 2023 study", MATCHES, "Ruple et al. 2023, Physiol Rep."),
        "outcome": ("strength or hypertrophy", CAVEAT,
                    ("Both were measured; the 'greater acute neuromuscular fatigue' is not "
                    "verified by the fact check.")),
        "comparison": (("training to failure did not enhance strength or hypertrophy compared "
                       "to stopping two repetitions short"), WRONG,
                       "Near failure (0-1 RIR) vs 4-6 RIR: not failure, and not two reps short."),
        "sign": ("did not enhance", MATCHES, "No condition x time interactions."),
        "studies": ("A 2023 study", CAVEAT, ("One trial of 19 people; the brief does not say how "
                                            "small.")),
        "population": ("previously trained adults", MATCHES, ""),
    },
    (4, "refalo2024"): {
        "study": ("A 2023 study", WRONG, "The 'two reps short' design is Refalo et al. 2024."),
        "outcome": ("strength or hypertrophy", CAVEAT,
                    "The abstract reports hypertrophy only; strength is not in it."),
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
}

#: Numbers the brief gives (verbatim fragments) and their values, for the estimate panel.
BRIEF_NUMBERS = {
    (3, "schoenfeld2017"): {"text": ("approximately 0.15",), "point": 0.15},
    (6, "grgic2022"): {"text": ("around 0.1 to 0.2", "from -0.3 to 0.5"),
                       "range": (0.1, 0.2), "ci": (-0.3, 0.5)},
    (6, "refalo2023"): {"text": ("around 0.1 to 0.2", "from -0.3 to 0.5"),
                        "range": (0.1, 0.2), "ci": (-0.3, 0.5)},
}

#: RIR at which each arm stopped its sets, for the comparison panel of trial claims
#: (trials.csv: failure_definition / non_failure_definition; the brief's own words).
RIR_ARMS = {
    "brief": {"failure": (0, 0), "non-failure": (2, 2)},
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
    if isinstance(claim_id, bool) or not isinstance(claim_id, int):
        raise ValueError(f"claim_id must be a whole number ({ids[0]} to {ids[-1]}), "  # noqa: TRY004
                         f"got {claim_id!r}")
    if claim_id not in ids:
        raise ValueError(f"there is no claim {claim_id}; claims are numbered "
                         f"{', '.join(map(str, ids))}")
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

    With ``with_verification``, a value that is not abstract-verified carries its level, e.g.
    '(secondary, verify before quoting)' (fact-check.md: quote a number only with its mark).
    """
    if pd.isna(row["estimate"]):
        return "no single estimate given"
    text = f"{row['effect_measure'].split(' ')[0]} {_fmt(row['estimate'])}"
    if pd.notna(row["ci_low"]) and pd.notna(row["ci_high"]):
        text += f" (95 % CI {_fmt(row['ci_low'])} to {_fmt(row['ci_high'])})"
    if with_verification and row["verification"] != "abstract-verified":
        text += f" ({row['verification']})"
    return text


def row_label(row, with_comparison=False):
    """A short label of a meta_analyses row: outcome (measure), subgroup [, comparison]."""
    sub = "" if row["subgroup"] == "all studies" else f", {row['subgroup']}"
    measure = f" ({row['outcome_measure']})" if isinstance(row["outcome_measure"], str) else ""
    comparison = f" [{row['comparison']}]" if with_comparison else ""
    return f"{row['outcome']}{measure}{sub}{comparison}"


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
        }
    rows = meta.loc[list(LINKED_ROWS[(claim_id, source_key)])]
    first = rows.iloc[0]
    several = rows["comparison"].nunique() > 1  # name the comparison when the rows differ in it
    ks = [f"{row_label(r, several)}: {int(r['k'])} studies"
          + ("" if r["k_n_verification"] == "abstract-verified" else " (secondary)")
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
    }


@dataclass(frozen=True)
class Checklist:
    """A claim with the seven questions filled in (see :func:`checklist`).

    ``table``: one row per question (index = question key) with columns question, brief_says,
    source_says, verdict, comment. ``estimates``: the linked rows of ``meta_analyses`` (empty
    for a trial). ``brief_numbers``: the numbers the claim quotes (verbatim), if any.
    """

    claim_id: int
    source_key: str
    brief_section: str
    claim: str
    status: str
    source_says: str
    doi: str
    verification: str
    note: str
    table: pd.DataFrame
    estimates: pd.DataFrame
    brief_numbers: tuple

    def verdicts(self):
        """Question key -> verdict."""
        return dict(self.table["verdict"])

    def problems(self):
        """Keys of the questions where the brief contradicts the source."""
        return [k for k, v in self.verdicts().items() if v == WRONG]


def checklist(claim_id, source_key=None):
    """The filled checklist for claim ``claim_id`` against ``source_key``.

    ``source_key`` may be left out when the claim has one source. Raises ValueError for an
    unknown claim or source.
    """
    claim_id, source_key = _key(claim_id, source_key)
    table, meta, _ = _tables()
    row = table[(table["claim_id"] == claim_id) & (table["source_key"] == source_key)].iloc[0]
    said = BRIEF.get((claim_id, source_key), {})
    source = _source_answers(claim_id, source_key)
    rows = []
    for key, question, _ in QUESTIONS:
        fragment, verdict, comment = said.get(key, (None, NOT_STATED, ""))
        rows.append({"key": key, "question": question, "brief_says": fragment or "(not stated)",
                         "source_says": source[key], "verdict": verdict, "comment": comment})
    ids = list(LINKED_ROWS.get((claim_id, source_key), ()))
    estimates = meta.loc[ids].reset_index() if ids else meta.iloc[:0].reset_index()
    numbers = BRIEF_NUMBERS.get((claim_id, source_key), {}).get("text", ())
    return Checklist(
        claim_id=claim_id, source_key=source_key, brief_section=row["brief_section"],
        claim=row["claim"], status=row["status"], source_says=row["source_says"], doi=row["doi"],
        verification=row["verification"], note=row["note"] if isinstance(row["note"], str) else "",
        table=pd.DataFrame(rows).set_index("key"), estimates=estimates, brief_numbers=numbers)


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
        raise ValueError(f"text must be a string, got {type(text).__name__}")  # noqa: TRY004
    return [int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", text)]
