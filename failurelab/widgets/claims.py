"""Chapter 4 explorer: check a claim of an evidence summary against its source.

Pure compute (``claim_state``) + the view ``ClaimExplorer``. The checklist comes from
:func:`failurelab.claims.checklist`; the right-hand panel answers "which outcome, which sign":
every pooled estimate the source reports (``data/meta_analyses.csv``, as published, with its
sign convention) next to the number the summary quotes, or, for a single trial, the repetitions
in reserve at which each arm stopped. All claim-source pairs are few: the view receives them all.
"""

from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd

from .. import claims as cl
from .. import plots
from .base import Explorer, dropdown

C = plots.OKABE_ITO
VERDICT_COLOURS = {cl.MATCHES: C["green"], cl.WRONG: C["vermillion"], cl.CAVEAT: C["orange"],
                   cl.NOT_STATED: C["grey"]}
ESTIMATE_XLIM = (-0.8, 1.1)  # every pooled estimate of the linked sources fits
RIR_XLIM = (-0.5, 7)
MAX_ROWS = 8  # most estimates one source reports (Refalo 2023)
#: the checklist's questions as the figure labels them (the table below it has them in full)
SHORT_QUESTIONS = {"studies": "How many studies?", "erratum": "Erratum or corrigendum?",
                   "volume": "Volume equated?", "interval": "What the interval rules out?"}


def claim_value(claim_id, source_key):
    """The explorer's value for a (claim, source) pair, e.g. ``"4:ruple2023"``."""
    return f"{claim_id}:{source_key}"


def claim_options():
    """(label, value) pairs for the claim menu, in table order."""
    table = cl.claims()
    return [(f"Claim {c} \u00b7 {s} ({status})", claim_value(c, s))
            for c, s, status in zip(table["claim_id"], table["source_key"], table["status"])]


def _parse(claim):
    values = [v for _, v in claim_options()]
    if not isinstance(claim, str) or claim not in values:
        raise ValueError(f"claim must be one of {', '.join(values)}, got {claim!r}")
    cid, source = claim.split(":")
    return int(cid), source


@lru_cache(maxsize=16)
def claim_state(claim="3:schoenfeld2017"):
    """Everything the claim explorer shows for one (claim, source) pair.

    Keys: claim (the value), claim_id, source_key, checklist (:class:`failurelab.claims.
    Checklist`), counts (verdict -> number of questions), panel ("estimates" or "rir"),
    estimates (every meta_analyses row of the source, with ``linked`` True for those the claim
    is about; None for a trial), summary_numbers (dict with ``point`` / ``range`` / ``ci``,
    may be empty), rir (arm -> (low, high) RIR for the summary and the trial; None otherwise).
    """
    claim_id, source = _parse(claim)
    check = cl.checklist(claim_id, source)
    counts = {v: int((check.table["verdict"] == v).sum()) for v in cl.VERDICTS}
    if check.estimates.empty:
        estimates, rir, panel = None, {"summary": cl.RIR_ARMS["summary"],
                                       source: cl.RIR_ARMS[source]}, "rir"
    else:
        estimates = cl.source_estimates(source)
        estimates["linked"] = estimates["id"].isin(check.estimates["id"])
        rir, panel = None, "estimates"
    numbers = {k: v for k, v in cl.SUMMARY_NUMBERS.get((claim_id, source), {}).items()
               if k != "text"}
    return {"claim": claim, "claim_id": claim_id, "source_key": source, "checklist": check,
            "counts": counts, "panel": panel, "estimates": estimates,
            "summary_numbers": numbers, "rir": rir}


def row_name(row):
    """Short name of a meta_analyses row: its id without the source, e.g. 'strength 1RM'."""
    name = row["id"].removeprefix(f"{row['source_key']}-").replace("-", " ")
    return name.replace("1rm", "1RM").replace(" rir", " RIR")


def _number(x):
    return None if pd.isna(x) else float(x)


def claim_view_data(claim):
    """What the view needs of one (claim, source) pair: plain texts (the view escapes them) and
    numbers."""
    s = claim_state(claim)
    check = s["checklist"]
    out = dict(claim_id=check.claim_id, source_key=check.source_key, section=check.section,
               claim=check.claim, status=check.status, doi=check.doi,
               verification=check.verification, summary_quotes=list(check.summary_numbers),
               rows=[dict(key=key, **row) for key, row in check.table[
                   ["question", "summary_says", "source_says", "verdict", "comment"]]
                   .to_dict("index").items()],
               panel=s["panel"], numbers=s["summary_numbers"])
    if s["panel"] == "estimates":
        rows = s["estimates"].iloc[:MAX_ROWS]
        out["estimates"] = [dict(name=row_name(r), estimate=_number(r["estimate"]),
                                 ci_low=_number(r["ci_low"]), ci_high=_number(r["ci_high"]),
                                 linked=bool(r["linked"]), sign=r["sign_convention"])
                            for _, r in rows.iterrows()]
    else:
        out["arms"] = [[f"{name}: {arm}", lo, hi] for name, arms in s["rir"].items()
                       for arm, (lo, hi) in arms.items()]
    return out


class ClaimExplorer(Explorer):
    """Pick a claim of the evidence summary: the checklist and the source's numbers. The view
    receives every claim-source pair (:func:`claim_view_data`); :meth:`describe` is the
    reference its sentence and table are tested against."""

    js = "claims"
    title = "Claim checker"

    def __init__(self, claim="3:schoenfeld2017"):
        self.controls = {"claim": dropdown("claim", "Claim", claim, claim_options())}
        super().__init__()

    def compute(self, claim):
        return claim_state(claim)

    def data(self):
        return dict(claims={value: claim_view_data(value) for _, value in claim_options()},
                    questions=[[key, SHORT_QUESTIONS.get(key, question)]
                               for key, question, _ in cl.QUESTIONS],
                    verdicts=list(cl.VERDICTS),
                    colours={v: VERDICT_COLOURS[v] for v in cl.VERDICTS},
                    estimate_xlim=ESTIMATE_XLIM, rir_xlim=RIR_XLIM)

    def describe(self, s):
        check = s["checklist"]
        counts = ", ".join(f"{n} {v}" for v, n in s["counts"].items() if n)
        rows = "".join(
            f"<tr><td>{html.escape(r['question'])}</td>"
            f"<td>{html.escape(r['summary_says'])}</td><td>{html.escape(r['source_says'])}</td>"
            f'<td style="border-left:6px solid {VERDICT_COLOURS[r["verdict"]]};padding-left:4px">'
            f'<b>{r["verdict"]}</b>'
            f"{(' &mdash; ' + html.escape(r['comment'])) if r['comment'] else ''}</td></tr>"
            for _, r in check.table.iterrows())
        table = ('<table style="font-size:85%;border-collapse:collapse;overflow-wrap:anywhere"><tr><th>Question</th>'
                 "<th>The summary says</th><th>The source says</th><th>Verdict</th></tr>"
                 f"{rows}</table>")
        numbers = (f" The summary quotes {', '.join(html.escape(t) for t in check.summary_numbers)}"
                   f"; the red lines mark it next to the source's estimates."
                   if check.summary_numbers else "")
        return (f"<b>What the figure shows</b>: claim {check.claim_id} of the evidence summary "
                f"({html.escape(check.section)}), \u201c{html.escape(check.claim)}\u201d, "
                f"checked against {html.escape(check.source_key)} (doi:{html.escape(check.doi)};"
                f" {html.escape(check.verification)}). Verdicts: {counts}. Status: "
                f"<b>{html.escape(check.status)}</b>.{numbers}{table}")
