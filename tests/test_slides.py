"""Exported reveal.js decks (``python -m tools slides``): offline, complete, stepping.

The decks are exported into a temporary folder from the committed notebooks, opened from file://
URLs (the strictest case: no server at all) in Debian's chromium, and stepped through slide by
slide.
The expected slide count is computed here from the notebooks' own JSON, independently of the tool.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import slides, vendor

REPO_ROOT = Path(__file__).resolve().parents[1]
REVEAL = f"{slides.ASSETS}/reveal.js/dist/reveal.js"
# html-manager widgets, as in tests/test_browser.py
CONTROL_SELECTOR = ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-radio"
WIDGET_FIGURE_SELECTOR = "img.widget-image, .widget-output img, .jupyter-widgets img"
MAX_SLIDES = 400  # a guard against a Reveal.next() loop that never ends


def _toc_chapters():
    """{chapter folder: [notebook paths]} read straight from _toc.yml."""
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    chapters = {}
    for part in toc["parts"]:
        for entry in part["chapters"]:
            if entry["file"].startswith("chapters/") and entry.get("sections"):
                name = entry["file"].split("/")[1]
                chapters[name] = [REPO_ROOT / f"{s['file']}.ipynb" for s in entry["sections"]]
    return chapters


def _expected(paths):
    """(slides, notes cells) of a deck, from the raw notebook JSON.

    A cell is on a slide unless it is tagged remove-cell or its slide_type is skip/notes. Each
    notebook's first visible cell opens a slide; after it every "slide" and "subslide" cell
    opens one more (reveal.js counts each slide of a vertical stack).
    """
    n_slides = n_notes = 0
    for path in paths:
        cells = json.loads(Path(path).read_text())["cells"]
        kinds = []
        for cell in cells:
            if "remove-cell" in cell["metadata"].get("tags", []):
                continue
            kind = cell["metadata"].get("slideshow", {}).get("slide_type") or "-"
            n_notes += kind == "notes"
            if kind not in ("skip", "notes"):
                kinds.append(kind)
        n_slides += 1 + sum(k in ("slide", "subslide") for k in kinds[1:])
    return n_slides, n_notes


def _has_math(paths):
    """True if a markdown cell of the notebooks holds TeX ($...$)."""
    return any(
        cell["cell_type"] == "markdown" and "$" in "".join(cell["source"])
        for path in paths
        for cell in json.loads(Path(path).read_text())["cells"]
    )


CHAPTERS = _toc_chapters()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every chapter deck, exported once into a temporary folder."""
    dest = tmp_path_factory.mktemp("slides")
    decks = slides.export_all(dest)
    return dest, {d.chapter.name: d for d in decks}


def _open_deck(browser, url, origin):
    """Open a deck; return (context, page, failed requests, non-local requests, JS errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    failed, foreign, errors = [], [], []

    def on_request(request):
        url = request.url
        if not url.startswith((origin, "data:", "blob:")):
            foreign.append(url)

    page.on("request", on_request)
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} (HTTP {r.status})"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url, wait_until="load")
    # reveal.js is an AMD module here (the template loads it with require.js): fetch the instance
    load = "require([" + json.dumps(REVEAL) + "], R => { window.Reveal = R; ok(); }, fail)"
    page.evaluate(f"() => new Promise((ok, fail) => {load})")
    page.wait_for_function("() => window.Reveal.isReady()", timeout=20_000)
    return context, page, failed, foreign, errors


def _step_through(page):
    """Visit every slide with Reveal.next(); return the list of (h, v) indices seen."""
    seen = [tuple(page.evaluate("() => [Reveal.getIndices().h, Reveal.getIndices().v]"))]
    while not page.evaluate("() => Reveal.isLastSlide()") and len(seen) < MAX_SLIDES:
        page.evaluate("() => Reveal.next()")
        seen.append(tuple(page.evaluate("() => [Reveal.getIndices().h, Reveal.getIndices().v]")))
    return seen


# --- the tool, without a browser ---------------------------------------------------------------


def test_one_deck_per_toc_chapter_in_toc_order():
    chapters = slides.chapters_from_toc()
    assert [c.name for c in chapters] == list(CHAPTERS)
    for c in chapters:
        assert list(c.notebooks) == CHAPTERS[c.name]


def test_chapters_from_toc_picks_up_a_new_notebook(tmp_path):
    (tmp_path / "chapters" / "09_new").mkdir(parents=True)
    (tmp_path / "chapters" / "09_new" / "index.md").write_text("# 9. A new chapter\n")
    for stem in ("02_b", "01_a"):
        path = tmp_path / "chapters" / "09_new" / f"{stem}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(), path)
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: Course\n    chapters:\n"
        "      - file: chapters/09_new/index\n        sections:\n"
        "          - file: chapters/09_new/02_b\n          - file: chapters/09_new/01_a\n"
        "          - file: chapters/09_new/03_not_written_yet\n"
        "  - caption: Reference\n    chapters:\n      - file: book/glossary\n"
    )
    (chapter,) = slides.chapters_from_toc(toc)
    assert chapter.name == "09_new"
    assert chapter.title == "9. A new chapter"
    assert [p.stem for p in chapter.notebooks] == ["02_b", "01_a"]  # _toc.yml order


def test_chapters_from_toc_rejects_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="table of contents not found"):
        slides.chapters_from_toc(tmp_path / "_toc.yml")


def test_myst_is_rewritten_for_slides():
    labels = {"potvin2017": ("Potvin & Fuglevand", "2017"), "refalo2023": ("Refalo et al.", "2023")}
    text = (
        "As shown {cite:p}`potvin2017, refalo2023`; {cite:t}`refalo2023` disagree.\n"
        "```{admonition} Safety first\n:class: warning\nStop when it hurts.\n```\n"
        "See the [bibliography](../../book/bibliography.md) and [a DOI](https://doi.org/10.1/x)."
    )
    assert slides.myst_to_markdown(text, labels) == (
        "As shown (Potvin & Fuglevand 2017; Refalo et al. 2023); Refalo et al. (2023) disagree.\n"
        "> **Safety first**\n>\n> Stop when it hurts.\n"
        "See the bibliography and [a DOI](https://doi.org/10.1/x)."
    )


def test_citation_labels_match_the_bibliography():
    labels = slides.citation_labels()
    assert labels["potvin2017"] == ("Potvin & Fuglevand", "2017")
    assert labels["fuglevand1993"] == ("Fuglevand et al.", "1993")
    with pytest.raises(ValueError, match="bibliography not found"):
        slides.citation_labels(REPO_ROOT / "missing.bib")


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, text, extra in cells:
        cell = nbformat.v4.new_markdown_cell(text)
        if kind:
            cell.metadata["slideshow"] = {"slide_type": kind}
        cell.metadata.update(extra)
        nb.cells.append(cell)
    return nb


def test_join_starts_each_notebook_on_a_new_slide_and_drops_hidden_checks(tmp_path):
    first = _notebook(("slide", "# A", {}), ("-", "a", {}), ("subslide", "b", {}))
    second = _notebook(
        ("skip", "setup", {}), ("-", "continues?", {}), ("-", "check", {"tags": ["remove-cell"]}),
        ("notes", "say this", {}), ("fragment", "c", {}),
    )
    second.metadata["widgets"] = {slides.WIDGET_STATE: {"state": {"m1": {"model_name": "X"}}}}
    paths = [tmp_path / "a.ipynb", tmp_path / "b.ipynb"]
    for nb, path in zip((first, second), paths):
        nbformat.write(nb, path)
    joined = slides.join_notebooks(paths, labels={})
    sources = [c.source for c in joined.cells]
    assert sources == ["# A", "a", "b", "setup", "continues?", "say this", "c"]
    assert slides.slide_type(joined.cells[4]) == "slide"  # b.ipynb opens its own slide
    assert slides.count_slides(joined) == 3 == _expected(paths)[0]
    assert joined.metadata["widgets"][slides.WIDGET_STATE]["state"] == {"m1": {"model_name": "X"}}


@pytest.mark.parametrize(
    "paths, message",
    [([], "at least one notebook"), (["missing.ipynb"], "notebook not found")],
)
def test_join_rejects_bad_input(paths, message):
    with pytest.raises(ValueError, match=message):
        slides.join_notebooks(paths, labels={})


def test_join_rejects_a_notebook_with_nothing_to_show(tmp_path):
    nbformat.write(_notebook(("skip", "x", {}), ("notes", "y", {})), tmp_path / "hidden.ipynb")
    with pytest.raises(ValueError, match="nothing to show"):
        slides.join_notebooks([tmp_path / "hidden.ipynb"], labels={})


def test_cli_reports_an_unknown_chapter(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "slides", "--dest", str(tmp_path),
         "--chapter", "99_nope"],
        capture_output=True, text=True, check=False, cwd=REPO_ROOT,
    )
    assert proc.returncode == 1
    assert "unknown chapter(s) 99_nope" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_slides_vendor_bundle_is_pinned_and_checked():
    assert vendor.check(vendor.SLIDES_DEST) == []  # files and package-lock.json integrity
    pinned = vendor.versions("slides")
    assert pinned["reveal.js"] == "4.0.2"  # what nbconvert's reveal template is written for
    assert pinned["mathjax"].startswith("2.7.")  # the template calls the MathJax 2 API
    size_mb = vendor.size_bytes(vendor.SLIDES_DEST) / 1e6
    assert size_mb < 3, f"slides vendor folder grew to {size_mb:.1f} MB; keep what decks load"


# --- the exported decks ----------------------------------------------------------------------


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_deck_html_loads_only_local_files(exported, chapter):
    dest, decks = exported
    html = decks[chapter].path.read_text()
    assert decks[chapter].path == dest / f"{chapter}.html"
    loaded = re.findall(r"<(?:script|img|iframe)[^>]*\ssrc=\"([^\"]*)\"", html)
    loaded += re.findall(r"<link[^>]*\shref=\"([^\"]*)\"", html)
    assert loaded, "no script or stylesheet found"
    remote = [u for u in loaded if re.match(r"(https?:)?//", u)]
    assert remote == [], "a deck must not load anything from another host"
    for url in loaded:
        if not url.startswith("data:"):
            assert (dest / url.split("?")[0]).is_file(), f"{url} is not next to the deck"
    assert "mermaid" not in html
    assert "{cite:" not in html, "MyST citation role left raw on a slide"


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_deck_has_the_slides_and_notes_the_metadata_asks_for(exported, chapter):
    _dest, decks = exported
    n_slides, n_notes = _expected(CHAPTERS[chapter])
    assert decks[chapter].slides == n_slides
    html = decks[chapter].path.read_text()
    assert html.count('<aside class="notes">') == n_notes == decks[chapter].notes


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_deck_runs_offline_in_a_browser(browser, exported, chapter):
    """Opened as a file (no server): every slide reachable, widgets and math render, and
    nothing is requested from another host or fails."""
    dest, decks = exported
    n_slides, _ = _expected(CHAPTERS[chapter])
    context, page, failed, foreign, errors = _open_deck(
        browser, decks[chapter].path.as_uri(), dest.as_uri()
    )
    try:
        assert page.evaluate("() => Reveal.getTotalSlides()") == n_slides
        seen = _step_through(page)
        assert len(seen) == len(set(seen)) == n_slides, "Reveal.next() did not visit every slide"

        views = page.locator("script[type='application/vnd.jupyter.widget-view+json']")
        if views.count():  # saved widget state renders on its slide, without a kernel
            page.wait_for_selector(CONTROL_SELECTOR, state="attached", timeout=20_000)
            page.wait_for_selector(WIDGET_FIGURE_SELECTOR, state="attached", timeout=20_000)
            assert page.locator(".reveal .slides section .jupyter-widgets").count() >= views.count()
            widths = page.locator(WIDGET_FIGURE_SELECTOR).evaluate_all(
                "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
            )
            assert max(widths) > 0, "widget figure did not load"
        if _has_math(CHAPTERS[chapter]):
            page.wait_for_selector(".reveal .slides .mjx-chtml", state="attached", timeout=20_000)
            assert page.locator(".reveal .slides .mjx-chtml").count() >= 1
        page.wait_for_load_state("networkidle")

        assert foreign == [], "requests to another host"
        assert failed == [], "requests failed (a vendored file not copied?)"
        assert errors == [], "JavaScript errors on the page"
    finally:
        context.close()


def test_speaker_notes_reach_reveal(browser, tmp_path):
    """A "notes" cell becomes reveal.js speaker notes of its slide (the chapter notebooks may
    not have any yet, so a two-notebook chapter is built here)."""
    chapter_dir = tmp_path / "chapters" / "01_demo"
    chapter_dir.mkdir(parents=True)
    (chapter_dir / "index.md").write_text("# Demo chapter\n")
    nbformat.write(
        _notebook(("slide", "# One", {}), ("notes", "Ask the room first.", {}),
                  ("slide", "Two: $x^2$", {})),
        chapter_dir / "a.ipynb",
    )
    nbformat.write(
        _notebook(("-", "# Three", {}), ("notes", "Wrap up.", {})), chapter_dir / "b.ipynb"
    )
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: intro\nparts:\n  - chapters:\n"
        "      - file: chapters/01_demo/index\n        sections:\n"
        "          - file: chapters/01_demo/a\n          - file: chapters/01_demo/b\n"
    )
    (deck,) = slides.export_all(tmp_path / "out", toc=toc)
    assert (deck.slides, deck.notes) == (3, 2)
    html = deck.path.read_text()
    assert html.count('<aside class="notes">') == 2
    context, page, failed, foreign, errors = _open_deck(
        browser, deck.path.as_uri(), (tmp_path / "out").as_uri()
    )
    try:
        notes = []
        for _ in range(deck.slides):
            notes.append(page.evaluate("() => (Reveal.getSlideNotes() || '').trim()"))
            page.evaluate("() => Reveal.next()")
        assert ["Ask the room first." in notes[0], notes[1], "Wrap up." in notes[2]] == [
            True, "", True
        ]
        assert page.evaluate("() => Reveal.hasPlugin('notes')")
        assert (foreign, failed, errors) == ([], [], [])
    finally:
        context.close()
