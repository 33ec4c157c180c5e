"""Chapter 4 explorer: check a claim of an evidence summary against its source.

Pure compute (``claim_state``) + thin view (``ClaimExplorer``). The checklist comes from
:func:`failurelab.claims.checklist`; the right-hand panel answers "which outcome, which sign":
every pooled estimate the source reports (``data/meta_analyses.csv``, as published, with its
sign convention) next to the number the summary quotes, or, for a single trial, the repetitions
in reserve at which each arm stopped.
"""

from __future__ import annotations

import html
import textwrap
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .. import claims as cl
from .. import plots
from .base import Explorer, _num

C = plots.OKABE_ITO
VERDICT_COLOURS = {cl.MATCHES: C["green"], cl.WRONG: C["vermillion"], cl.CAVEAT: C["orange"],
                   cl.NOT_STATED: C["grey"]}
ESTIMATE_XLIM = (-0.8, 1.1)  # every pooled estimate of the linked sources fits
RIR_XLIM = (-0.5, 7)
MAX_ROWS = 8  # most estimates one source reports (Refalo 2023)


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
                "counts": counts, "panel": panel, "estimates": estimates, "summary_numbers": numbers, "rir": rir}


def row_name(row):
    """Short name of a meta_analyses row: its id without the source, e.g. 'strength 1RM'."""
    name = row["id"].removeprefix(f"{row['source_key']}-").replace("-", " ")
    return name.replace("1rm", "1RM").replace(" rir", " RIR")


def _short(text, width):
    return text if len(text) <= width else text[:width - 1].rstrip() + "\u2026"


class ClaimExplorer(Explorer):
    """Pick a claim of the evidence summary: the checklist and the source's numbers."""

    def __init__(self, claim="3:schoenfeld2017", warm=True):
        self.controls = {"claim": widgets.Dropdown(
            options=claim_options(), value=claim, description="Claim",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="560px", max_width="100%"))}
        self._frames = {}  # claim -> PNG: the figure depends on the claim only
        self._build_figure()
        super().__init__()
        if warm:  # one text-heavy figure per claim and source, drawn once, so choosing a claim only swaps images
            for _, value in claim_options():
                self.update(claim=value)
            self.update(claim=claim)

    def _render(self, key):
        if key not in self._frames:
            self._frames[key] = super()._render(key)
        return self._frames[key]

    def compute(self, claim):
        return claim_state(claim)

    def layout_key(self, state):
        return state["claim"]  # every claim has its own labels: redraw the whole figure

    def _build_figure(self):
        self.fig, (axl, axr) = plots.figure(2, size=(10, 5.6))
        axl.set_position([0.3, 0.08, 0.2, 0.68])
        axr.set_position([0.70, 0.12, 0.26, 0.6])
        n = len(cl.QUESTIONS)
        y = np.arange(n)[::-1]
        axl.set(xlim=(0, 1), ylim=(-0.6, n - 0.4), xticks=[])
        axl.set_yticks(y, ["\n".join(textwrap.wrap(q, 38)) for _, q, _ in cl.QUESTIONS],
                       fontsize=8)
        axl.spines["bottom"].set_visible(False)
        axl.set_title("The checklist: what the summary says", fontsize=10.5, loc="left")
        # black on the Okabe-Ito badge colours has a contrast ratio above 4.5:1 (white does not)
        self.verdict_text = [axl.text(0.01, yi, "", va="center", fontsize=8.5, color="black",
                                      fontweight="bold", bbox={"boxstyle": "round,pad=0.25",
                                                                   "lw": 0}) for yi in y]
        self.summary_text = [axl.text(0.37, yi, "", va="center", fontsize=8, color="#333333")
                           for yi in y]
        self.axl, self.axr = axl, axr
        self.title = self.fig.suptitle("", fontsize=10, x=0.01, ha="left", y=0.985, va="top")
        self.dynamic = []

    def draw(self, s):
        if s["claim"] in self._frames:
            return  # drawn before: _render returns the stored image
        check = s["checklist"]
        for (key, _, _), vt, bt in zip(cl.QUESTIONS, self.verdict_text, self.summary_text):
            row = check.table.loc[key]
            vt.set_text(row["verdict"])
            vt.get_bbox_patch().set_facecolor(VERDICT_COLOURS[row["verdict"]])
            bt.set_text("" if row["verdict"] == cl.NOT_STATED
                        else "\u201c" + _short(row["summary_says"], 30) + "\u201d")
        claim = "\n".join(textwrap.wrap(f"Claim {check.claim_id} ({check.section}): "
                                        f"\u201c{_short(check.claim, 230)}\u201d", 125)[:3])
        self.title.set_text(f"{claim}\nChecked against {check.source_key} "
                            f"(doi:{check.doi}) \u2014 {check.status}")
        self.axr.clear()
        if s["panel"] == "estimates":
            self._draw_estimates(s)
        else:
            self._draw_rir(s)

    def _draw_estimates(self, s):
        ax, est, nums = self.axr, s["estimates"], s["summary_numbers"]
        rows = est.iloc[:MAX_ROWS]
        y = np.arange(len(rows))[::-1]
        for yi, (_, r) in zip(y, rows.iterrows()):
            colour = C["blue"] if r["linked"] else C["grey"]
            if pd.notna(r["ci_low"]):
                ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=2)
            if pd.notna(r["estimate"]):
                ax.plot(r["estimate"], yi, "s", color=colour, ms=7)
        labels = [_short(row_name(r), 30) for _, r in rows.iterrows()]
        ax.set_yticks(y, labels, fontsize=8)
        if "point" in nums:
            ax.axvline(nums["point"], color=C["vermillion"], lw=2, ls="--",
                       label=f"summary: {_num(nums['point'])}")
        if "range" in nums:
            ax.axvspan(*nums["range"], color=C["vermillion"], alpha=0.2, lw=0,
                       label=f"summary: {_num(nums['range'][0], 1)} to {_num(nums['range'][1], 1)}")
        if "ci" in nums:
            for x in nums["ci"]:
                ax.axvline(x, color=C["vermillion"], lw=1.2, ls=":")
            ax.plot([], [], color=C["vermillion"], lw=1.2, ls=":",
                    label=f"summary's CI: {_num(nums['ci'][0], 1)} to {_num(nums['ci'][1], 1)}")
        ax.axvline(0, color="black", lw=0.8)
        ax.set(xlim=ESTIMATE_XLIM, ylim=(-0.7, max(len(rows), 3) - 0.3))
        sign = "; ".join(dict.fromkeys(rows.loc[rows["linked"], "sign_convention"]))
        ax.set_xlabel(textwrap.fill(f"Effect as published: {sign}", 50), fontsize=8.5)
        ax.set_title("Which outcome, which sign: the source's\nestimates (blue: the claim's)",
                     fontsize=9.5, loc="left")
        if nums:
            ax.legend(loc="lower right", fontsize=7.5, frameon=True, framealpha=0.9)

    def _draw_rir(self, s):
        ax = self.axr
        rows = [(f"{name}: {arm}", lo, hi) for name, arms in s["rir"].items()
                for arm, (lo, hi) in arms.items()]
        y = np.arange(len(rows))[::-1]
        for yi, (label, lo, hi) in zip(y, rows):
            colour = C["vermillion"] if label.startswith("summary") else C["blue"]
            ax.plot([lo - 0.15, hi + 0.15], [yi, yi], color=colour, lw=7, solid_capstyle="round")
        ax.set_yticks(y, [r[0] for r in rows], fontsize=8.5)
        ax.set(xlim=RIR_XLIM, ylim=(-0.7, len(rows) - 0.3))
        ax.set_xlabel("RIR when the sets ended (0 = failure)", fontsize=8.5)
        ax.set_title("Which comparison: where each arm\nstopped (red: the summary's words)",
                     fontsize=9.5, loc="left")

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
        table = ('<table style="font-size:85%;border-collapse:collapse"><tr><th>Question</th>'
                 "<th>The summary says</th><th>The source says</th><th>Verdict</th></tr>"
                 f"{rows}</table>")
        numbers = (f" The summary quotes {', '.join(html.escape(t) for t in check.summary_numbers)}"
                   f"; the red lines mark it next to the source's estimates."
                   if check.summary_numbers else "")
        return (f"<b>What the figure shows</b>: claim {check.claim_id} of the evidence summary "
                f"checked against {html.escape(check.source_key)} (doi:{html.escape(check.doi)};"
                f" {html.escape(check.verification)}). Verdicts: {counts}. Status: "
                f"<b>{html.escape(check.status)}</b>.{numbers}{table}")
