"""``status``: write ``book/status.md``, the book's status page.

Two tables: the pinned versions of the packages the course is built and tested with (from
``requirements.txt``), and one row per course notebook (in ``_toc.yml`` order): code cells,
explorers, hidden checks, whether the committed outputs come from one
top-to-bottom run, and the execution time last measured by ``bench --output book/_data/bench.json``.

``--check`` writes nothing and exits 1 when the committed page differs from what would be written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from failurelab import plots

from . import reader
from .course import LITE_PACKAGES, ROOT, pinned_versions, toc_notebooks
from .generated import write_or_check

PAGE = ROOT / "book" / "status.md"
BENCH = ROOT / "book" / "_data" / "bench.json"
KEY_PACKAGES = ("jupyterlab", "jupyter-book", "ipywidgets", "pandas", "matplotlib", "numpy", "scipy",
                "statsmodels", "nbval", "pytest", "playwright", "jupyterlab-rise")


def notebook_row(path):
    """Counts for one notebook (see the module docstring)."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    title = next((c.source.splitlines()[0].lstrip("# ") for c in nb.cells
                  if c.cell_type == "markdown" and c.source.startswith("# ")), path.stem)
    counts = [c.execution_count for c in code if c.source.strip()]
    return {
        "title": title,
        "code_cells": len(code),
        "explorers": sum(bool(re.search(r"^\w+ = \w+Explorer\(", c.source, re.MULTILINE)) for c in code),
        "checks": sum("remove-cell" in c.metadata.get("tags", []) and "assert " in c.source
                      for c in code),
        "one_run": counts == list(range(1, len(counts) + 1)),
    }


def decks_section():
    """The lecture decks (``tools/slides.py``): slides, words per slide, media, minutes."""
    from . import slides

    lines = ["", "## Lecture decks", "",
             ("One deck per session (book/instructor/decks): at most "
             f"{slides.MAX_WORDS} words and one figure or live explorer per slide, no code, speaker "
             "notes on every slide. Minutes: 2 per slide, 4 per explorer demonstration, unless "
             "the deck says otherwise."), "",
             "| Deck | Slides | Words per slide (median / max) | Explorers | Figures | Code inputs | Minutes |",
             "|---|---|---|---|---|---|---|"]
    for path in slides.deck_files():
        try:
            deck = slides.read_deck(path)
        except slides.DeckError as exc:  # the slides tests fail too; the page says why
            lines.append(f"| {path.stem} | not built: {exc} | | | | | |")
            continue
        words = sorted(s.words for s in deck.slides)
        lines.append(f"| {deck.title} | {len(deck.slides)} | {words[len(words) // 2]} / "
                     f"{words[-1]} | {sum(s.explorer is not None for s in deck.slides)} | "
                     f"{sum(s.figure is not None for s in deck.slides)} | 0 | {deck.minutes:.0f} |")
    return lines


def reader_section(root=ROOT):
    """What a reader meets, per chapter notebook (``tools/reader.py``; the tests hold it)."""
    measures = [m for m in reader.course(root) if m.path.startswith(("chapters/", "book/"))]
    core = reader.core_path(measures)
    lines = ["", "## Reading", "",
             (f"Core path: {core['notebooks']} notebooks, {core['words']:,} words, about "
             f"{core['minutes']} minutes at {reader.WORDS_PER_MINUTE} words a minute (budget "
             f"{reader.CORE_WORDS:,} words, about 90 minutes). Visible code: cells a book reader "
             "sees. Try this: steps with a prediction and a collapsed answer / steps. Thinks: "
             "with a model answer / questions. Printed: sentences shown as fixed-width text."),
             "", ("| Notebook | Core | Words | Badge (min) | Visible code | Try this | Thinks | "
             "Notice that | Printed | Cut cells | Widest figure (px) | Smallest figure text at 390 px |"),
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in measures:
        badge = (f"{m.badge_reading_min} / {m.badge_explorer_min}"
                 if m.badge_reading_min is not None else "–")
        lines.append(f"| {m.path.split('/')[-1].removesuffix('.ipynb')} | "
                     f"{'yes' if m.core else ''} | {m.words:,} | {badge} | {m.visible_code} | "
                     f"{min(m.try_predicted, m.try_answered)} / {m.try_steps} | "
                     f"{m.think_answers} / {m.thinks} | {m.notice_that} | {m.printed_prose} | "
                     f"{m.truncated_cells} | {m.widest_figure_px} | "
                     + (f"{plots.smallest_text_px(m.widest_figure_px / plots.DPI):.1f} px |"
                        if m.widest_figure_px else "no figure |"))
    return lines


def render(root=ROOT):
    root = Path(root)
    bench_file = root / BENCH.relative_to(ROOT)
    bench = json.loads(bench_file.read_text()) if bench_file.is_file() else {}
    times = bench.get("notebooks", {})
    lines = [
        "# Status",
        "",
        "What the course is built and tested with, and the state of each notebook. Generated by",
        "`python -m tools status` (the test suite fails when this page is out of date).",
        "",
        "## Package versions",
        "",
        "Pinned in `requirements.txt`; `make test` runs with exactly these.",
        "",
        "| Package | Version |",
        "|---|---|",
    ]
    lines += [f"| {name} | {version} |" for name, version in pinned_versions(root, KEY_PACKAGES).items()]
    lines += ["", "The JupyterLite site is built with "
              + ", ".join(f"`{p}`" for p in LITE_PACKAGES) + " in a separate environment",
              "(`python -m tools lite`)."]
    machine = bench.get("machine", {})
    measured = (f"measured by `python -m tools bench --output book/_data/bench.json` on "
                f"{bench['date']} ({machine.get('cpus')} cores, Python {machine.get('python')})"
                if bench else "not measured yet")
    lines += [
        "",
        "## Notebooks",
        "",
        "Every notebook is executed top to bottom and committed with its outputs; `pytest --nbval`",
        f"re-runs it and compares every output. Execution time: {measured}; the budget is",
        "20 s per notebook.",
        "",
        "| Notebook | Code cells | Explorers | Hidden checks | One clean run | Execution (s) |",
        "|---|---|---|---|---|---|",
    ]
    for path in toc_notebooks(root):
        rel = path.relative_to(root).as_posix()
        row = notebook_row(path)
        seconds = times.get(rel, {}).get("execute_s", "–")
        lines.append(f"| [{row['title']}](../{rel}) | {row['code_cells']} | {row['explorers']} | "
                     f"{row['checks']} | {'yes' if row['one_run'] else 'no'} | {seconds} |")
    lines += reader_section(root)
    lines += decks_section()
    widgets, views = bench.get("widgets", {}), bench.get("views", {})
    if widgets:
        lines += ["", "## Explorer latency", "",
                  "Timed by the same benchmark over a sweep of each explorer's controls. *Browser*: a",
                  "control change until the figure and sentence are redrawn, in headless Chromium",
                  "with no kernel (book, decks, RISE; budget p95 ≤ 16 ms); the view also answers",
                  "this way in JupyterLab, where Python follows in the background. *Python*: the",
                  "reference computation of the same state (budget p95 ≤ 100 ms).", "",
                  ("| Explorer | Browser p50 (ms) | Browser p95 (ms) | View size (kB) | "
                  "Python p50 (ms) | Python p95 (ms) |"), "|---|---|---|---|---|---|"]
        for name, w in widgets.items():
            v = views.get(name, {})
            lines.append(f"| {name.replace('_', ' ')} | {v.get('p50_ms', '–')} | "
                         f"{v.get('p95_ms', '–')} | {v.get('size_kb', '–')} | {w['p50_ms']} | "
                         f"{w['p95_ms']} |")
    lines += class_section(root)
    return "\n".join(lines) + "\n"


def class_section(root=ROOT) -> list[str]:
    """A class on JupyterHub: the load test's figures (book/_data/class_load.json)."""
    from .hub import REPORT, figures_table

    path = Path(root) / REPORT.relative_to(ROOT)
    if not path.is_file():
        return []
    return ["", "## A class on JupyterHub", "",
            "The course's test hub (JupyterHub + configurable-http-proxy on 127.0.0.1, the course",
            "environment as every user's server, the course pulled by nbgitpuller) under a class of",
            "simulated students; sizing a real class from these figures: instructor guide,",
            "{doc}`instructor/running_a_class`.", "", *figures_table(json.loads(path.read_text()))]


def register(sub):
    p = sub.add_parser("status", help="write book/status.md (versions, notebook table)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the page is stale")
    p.set_defaults(func=_run)


def _run(args):
    return write_or_check(PAGE, render(), "python -m tools status", args.check)
