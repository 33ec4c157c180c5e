"""``reader``: what a reader meets in each notebook, measured (the status page reports it; the
tests hold the course to it).

Per notebook: prose words (Markdown outside dropdowns, speaker notes and hidden cells), the
time badge it states, code cells a book reader sees, "Try this" steps with a prediction and a
collapsed answer, Think questions with a collapsed model answer, "Notice that" prompts, printed
prose (shown as fixed-width text in the book), truncated table cells and the widest figure.
The core path is the notebooks whose metadata says ``"failurelab": {"core": true}``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from failurelab.plots import DPI, MAX_WIDTH_IN

from .course import ROOT, toc_notebooks

WORDS_PER_MINUTE = 200  # reading speed for the time badges
HIDDEN_TAGS = {"hide-input", "remove-input", "remove-cell"}
BADGE = re.compile(r"≈\s*(\d+)\s*min reading\s*[·/]\s*(\d+)\s*min with (?:the )?explorers")
# a dropdown block, also indented inside a list item (its closing fence has the same indent)
DROPDOWN = re.compile(r"^([ \t]*)(:{3,}|`{3,})\{dropdown\}[^\n]*\n.*?^\1\2[ \t]*$",
                      re.MULTILINE | re.DOTALL)
TAG = re.compile(r"<[^>]*>")  # markup (a badge's title is a tooltip, not reading)
THINK = re.compile(r"^#{2,4} Think \d", re.MULTILINE)
MODEL_ANSWER = re.compile(r"\{dropdown\} A model answer")
PREDICT = re.compile(r"\*\*Predict[:.]?\*\*")
REVEAL = re.compile(r"\{dropdown\} What you should see")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass
class NotebookMeasures:
    path: str
    core: bool
    words: int
    badge_reading_min: int | None
    badge_explorer_min: int | None
    visible_code: int
    hidden_code_not_collapsed: int
    try_steps: int
    try_predicted: int
    try_answered: int
    thinks: int
    think_answers: int
    notice_that: int
    printed_prose: int
    truncated_cells: int
    widest_figure_px: int

    @property
    def reading_min(self) -> float:
        return self.words / WORDS_PER_MINUTE


def _is_notes(cell) -> bool:
    slide = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return slide == "notes" or cell.source.lstrip().startswith("**Speaker notes.**")


def prose(cell) -> str:
    """The Markdown a reader reads in the main flow: dropdowns (answers, going deeper) and
    markup (badges' tooltips) left out."""
    return TAG.sub("", DROPDOWN.sub("", cell.source))


def measure(path) -> NotebookMeasures:
    nb = nbformat.read(path, as_version=4)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"
                and not _is_notes(c) and "remove-cell" not in c.metadata.get("tags", [])]
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = "\n".join(c.source for c in markdown)
    words = sum(len(WORD.findall(prose(c))) for c in markdown)
    badge = BADGE.search(markdown[0].source) if markdown else None
    tags = [set(c.metadata.get("tags", [])) for c in code]
    visible = sum(not t & HIDDEN_TAGS for t in tags)
    not_collapsed = sum(bool(t & {"hide-input", "remove-input"})
                        and not c.metadata.get("jupyter", {}).get("source_hidden")
                        for c, t in zip(code, tags))
    try_cells = [c.source for c in markdown if "**Try this.**" in c.source]
    printed = truncated = widest = 0
    for cell in code:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                printed += sum(len(WORD.findall(line)) >= 6 for line in out.get("text", "").splitlines())
            html = "".join(out.get("data", {}).get("text/html", ""))
            if "<table" in html:
                truncated += len(re.findall(r"<td>[^<]*\.\.\.</td>", html))
            if "image/png" in out.get("data", {}):
                widest = max(widest, _png_width(out["data"]["image/png"]))
    return NotebookMeasures(
        path=Path(path).resolve().relative_to(ROOT).as_posix(),
        core=bool(nb.metadata.get("failurelab", {}).get("core")),
        words=words,
        badge_reading_min=int(badge.group(1)) if badge else None,
        badge_explorer_min=int(badge.group(2)) if badge else None,
        visible_code=visible, hidden_code_not_collapsed=not_collapsed,
        try_steps=sum(len(re.findall(r"^\s*\d+\.\s", s, re.MULTILINE)) for s in try_cells),
        try_predicted=sum(len(PREDICT.findall(s)) for s in try_cells),
        try_answered=sum(len(REVEAL.findall(s)) for s in try_cells),
        thinks=len(THINK.findall(text)), think_answers=len(MODEL_ANSWER.findall(text)),
        notice_that=len(re.findall(r"\bNotice that\b", text)),
        printed_prose=printed, truncated_cells=truncated, widest_figure_px=widest,
    )


def _png_width(data) -> int:
    import base64
    import struct

    head = base64.b64decode("".join(data)[:64])
    return struct.unpack(">I", head[16:20])[0]  # the IHDR chunk's width


def course(root=ROOT) -> list[NotebookMeasures]:
    """Measures of every notebook of ``_toc.yml``, in reading order."""
    return [measure(p) for p in toc_notebooks(root)]


def core_path(measures) -> dict:
    core = [m for m in measures if m.core]
    words = sum(m.words for m in core)
    return {"notebooks": len(core), "words": words,
            "minutes": round(words / WORDS_PER_MINUTE)}


MAX_FIGURE_PX = round(MAX_WIDTH_IN * DPI)
CORE_WORDS = 15_000


def as_dict(m: NotebookMeasures) -> dict:
    return asdict(m)
