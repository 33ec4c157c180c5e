"""Reader first, measured on the committed notebooks (tools/reader.py): the answer before the
apparatus, code out of the way, a prediction before every reveal, an answer to every Think, a
core path a self-learner reads in about 90 minutes, figures a phone can read."""

from __future__ import annotations

import re

import pytest

from failurelab import plots
from tools import reader
from tools.course import toc_notebooks

PAGES = [p for p in toc_notebooks() if p.parts[-3] == "chapters" or p.name == "answer.ipynb"]
CHAPTERS = [p for p in PAGES if "chapters" in p.parts]


def ids(path):
    return path.stem


@pytest.fixture(scope="module", params=PAGES, ids=ids)
def page(request):
    return reader.measure(request.param)


def test_every_chapter_notebook_and_the_answer_page_are_measured():
    assert len(CHAPTERS) >= 16 and any(p.name == "answer.ipynb" for p in PAGES)


def test_no_code_in_the_readers_way(page):
    """At most one code cell a book reader sees (the one whose code is the lesson); every
    hidden cell is also collapsed in JupyterLab (jupyter.source_hidden)."""
    assert page.visible_code <= 1
    assert page.hidden_code_not_collapsed == 0


def test_prose_is_prose_and_tables_are_whole(page):
    """No sentence printed as fixed-width text (use plots.describe or Markdown); no table cell
    cut short with "..."."""
    assert page.printed_prose == 0
    assert page.truncated_cells == 0


def test_figures_fit_a_phone(page):
    assert page.widest_figure_px <= reader.MAX_FIGURE_PX
    assert plots.smallest_text_px(reader.MAX_FIGURE_PX / plots.DPI) >= 10


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_no_figure_text_below_the_phone_minimum(path):
    """Figure code never asks for text smaller than plots.MIN_FONT_PT."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    sizes = [float(s) for c in nb.cells if c.cell_type == "code"
             for s in re.findall(r"fontsize\s*=\s*(\d+(?:\.\d+)?)", c.source)]
    assert min(sizes, default=plots.MIN_FONT_PT) >= plots.MIN_FONT_PT


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_predict_before_the_reveal_and_an_answer_to_every_think(path):
    page = reader.measure(path)
    assert page.notice_that == 0
    assert page.try_steps == page.try_predicted == page.try_answered
    assert page.thinks == page.think_answers


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_time_badge_states_the_reading_time(path):
    """The badge under the title: "≈ N min reading · M min with the explorers", N within a
    quarter (or 2 min) of the prose at 200 words a minute, M at least N."""
    page = reader.measure(path)
    assert page.badge_reading_min is not None, "no time badge under the title"
    assert abs(page.badge_reading_min - page.reading_min) <= max(2, 0.25 * page.reading_min)
    assert page.badge_explorer_min >= page.badge_reading_min


def test_core_path_is_about_ninety_minutes():
    core = reader.core_path(reader.course())
    print(core)
    assert core["notebooks"] >= 8
    assert core["words"] <= reader.CORE_WORDS
    assert 60 <= core["minutes"] <= 90


def test_badges_mark_verification_levels_with_their_meaning():
    shown = plots.Described("0.95 reps {badge:verified}; 0.5 {badge:secondary}")
    assert shown._repr_markdown_().count("<abbr title=") == 2
    assert "○</abbr>" in shown._repr_markdown_() and "(secondary)" in repr(shown)
    assert [plots.badge_level(v) for v in ("abstract-verified", "full-text-verified",
                                           "secondary, verify before quoting", "not found")] == [
        "verified", "verified", "secondary", "unverified"]


def test_indented_answers_and_badge_tooltips_are_not_reading():
    import nbformat

    cell = nbformat.v4.new_markdown_cell(
        "1. **Predict:** how many?\n\n   :::{dropdown} What you should see, and why\n"
        "   Forty two words would be here.\n   :::\n\nSeen " + plots.badge("secondary"))
    assert reader.WORD.findall(reader.prose(cell)) == ["Predict", "how", "many", "Seen"]
