"""The built book in a real browser (playwright + Debian chromium, no CDN reachable needed).

Pages are served from _build/html by a local HTTP server on 127.0.0.1. Each page is opened at a
desktop and a phone width; full-page screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from helpers import KNOWN_JB1_ERRORS, VIEWPORTS, book_pages, open_page

REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
PAGES = {
    "answer": "book/answer.html",
    "intro": "book/intro.html",
    "size_principle": "chapters/01_mechanism/01_size_principle.html",
    "fatigue_across_a_set": "chapters/01_mechanism/02_fatigue_across_a_set.html",
    "effect_sizes": "chapters/02_evidence/01_effect_sizes.html",
    "uncertainty": "chapters/02_evidence/02_uncertainty.html",
    "pooling": "chapters/02_evidence/03_pooling.html",
    "meta_analyses_found": "chapters/02_evidence/04_what_the_meta_analyses_found.html",
    "closeness_to_failure": "chapters/03_practice/01_measuring_closeness_to_failure.html",
    "load_reps_effort": "chapters/03_practice/02_load_reps_effort.html",
    "dosing_effort": "chapters/03_practice/03_dosing_effort.html",
    "monitoring": "chapters/03_practice/04_monitoring.html",
    "short_studies": "chapters/04_limitations/01_short_studies.html",
    "what_failure_means": "chapters/04_limitations/02_what_failure_means.html",
    "individual_differences": "chapters/04_limitations/03_individual_differences.html",
    "confounding_with_volume": "chapters/04_limitations/04_confounding_with_volume.html",
    "reading_a_claim": "chapters/04_limitations/05_reading_a_claim.html",
    "should_you_train_to_failure": "chapters/04_limitations/06_should_you_train_to_failure.html",
}
WIDGET_PAGES = ("size_principle", "fatigue_across_a_set", "effect_sizes", "uncertainty", "pooling",
                "closeness_to_failure", "load_reps_effort", "dosing_effort", "monitoring",
                "short_studies", "what_failure_means", "individual_differences",
                "confounding_with_volume", "reading_a_claim", "should_you_train_to_failure")
MIN_SLIDER_TRACK_PX = 100
EXPLORERS = "div.fl-explorer[data-fl-id]"


def _wait_for_rendering(page, name):
    if name in WIDGET_PAGES:
        views = page.locator(EXPLORERS).count()
        assert views >= 1, f"{name}: the page has no saved explorer views (notebook not executed?)"
        page.wait_for_function(
            f"[...document.querySelectorAll('{EXPLORERS}')].every(el => el.failurelab)")
    if page.locator(".math").count():
        page.locator("mjx-container >> visible=true").first.wait_for()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_offline(browser, site, name, viewport):
    start = time.perf_counter()
    context, page, failed, errors = open_page(browser, f"{site}/{PAGES[name]}", VIEWPORTS[viewport])
    try:
        _wait_for_rendering(page, name)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport}.png"), full_page=True)

        failed = [f for f in failed if "favicon.ico" not in f]
        assert failed == [], "requests failed (a CDN, or a vendored file not copied?)"
        # "Failed to load resource" console lines carry no URL; the requests are checked above
        errors = [
            e
            for e in errors
            if not any(known in e for known in KNOWN_JB1_ERRORS)
            and not e.startswith("Failed to load resource")
        ]
        assert errors == [], "JavaScript errors on the page"

        if name in WIDGET_PAGES:
            shown = page.locator(EXPLORERS).evaluate_all(
                "els => els.map(el => [el.querySelectorAll('.fl-figure svg').length,"
                " el.failurelab.sentence().length, el.querySelectorAll('.fl-control').length])")
            assert all(svgs == 1 and words > 20 and controls >= 1
                       for svgs, words, controls in shown), shown
            if page.locator(".math").count():  # pages whose text has equations
                assert page.locator("mjx-container").count() >= 1, "MathJax did not typeset"
            # a slider squeezed by its label or neighbours is unusable
            tracks = page.locator(f"{EXPLORERS} input[type=range]").evaluate_all(
                "els => els.map(e => Math.round(e.getBoundingClientRect().width))")
            assert min(tracks, default=MIN_SLIDER_TRACK_PX) >= MIN_SLIDER_TRACK_PX, tracks
        # Nothing wider than the screen (a phone must not need to scroll sideways).
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the {viewport} viewport"
    finally:
        context.close()
    print(f"{name} @ {viewport}: {time.perf_counter() - start:.1f} s")


# Inputs that only a button reads: the effect-size game's guess counts when "Check my guess" is
# pressed (tests/test_views_evidence.py plays the game).
BUTTON_INPUTS = {("effect_sizes", "guess")}
# What a view shows, and its controls: (name, kind, number of options) per control.
_SHOWN = "el => [el.failurelab.figure(), el.failurelab.sentence(), el.querySelector('.fl-extra').innerHTML]"
_CONTROLS = """el => [...el.querySelectorAll('.fl-control')].map(c => [c.dataset.name,
  c.classList[1].slice(3), c.querySelectorAll('option').length])"""


@pytest.mark.parametrize("name", WIDGET_PAGES)
def test_every_explorer_control_responds_without_a_kernel(browser, site, name):
    """On the static page (no kernel, no network), at phone width: each control of each explorer,
    moved as a reader would (arrow key, menu, click), changes the figure and the sentence; a
    box's bad value is refused in place. No JavaScript error."""
    context, page, failed, errors = open_page(browser, f"{site}/{PAGES[name]}", VIEWPORTS["phone"])
    try:
        _wait_for_rendering(page, name)
        views = page.locator(EXPLORERS)
        for i in range(views.count()):
            view = views.nth(i)
            view.scroll_into_view_if_needed()
            for control, kind, options in view.evaluate(_CONTROLS):
                box = view.locator(f'.fl-control[data-name="{control}"]')
                before = view.evaluate(_SHOWN)
                if kind == "range":
                    slider = box.locator("input[type=range]")
                    at_max = slider.input_value() == slider.get_attribute("max")
                    slider.focus()
                    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                elif kind == "select":
                    assert options >= 2, f"{name}: {control} offers one option"
                    menu = box.locator("select")
                    values = menu.evaluate("m => [...m.options].map(o => o.value)")
                    menu.select_option(next(v for v in values if v != menu.input_value()))
                else:  # checkbox or button
                    box.locator("input, button").first.click()
                after = view.evaluate(_SHOWN)
                if (name, control) in BUTTON_INPUTS:
                    continue
                if kind in ("range", "select"):
                    assert after[0] != before[0] and after[1] != before[1], \
                        f"{name}: {control} did not change the figure and the sentence"
                else:
                    assert after != before, f"{name}: {control} changed nothing"
            text = view.locator("input.fl-box").first
            if text.count():
                shown = view.evaluate(_SHOWN)
                text.fill("not a number")
                assert view.evaluate("el => el.failurelab.message()").startswith("Not shown")
                assert view.evaluate(_SHOWN) == shown, "a bad value changed the figure"
        assert [f for f in failed if "favicon.ico" not in f] == []
        assert not [e for e in errors if not any(k in e for k in KNOWN_JB1_ERRORS)
                    and not e.startswith("Failed to load resource")]
    finally:
        context.close()


def test_no_page_scrolls_sideways_on_a_phone(browser, site, built_book):
    """Every page of the book at 390 px: nothing wider than the screen."""
    wide = []
    for rel in book_pages(built_book.html):
        context, page, _failed, _errors = open_page(browser, f"{site}/{rel}", VIEWPORTS["phone"])
        try:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                wide.append(f"{rel}: {overflow} px")
        finally:
            context.close()
    assert wide == []


ANSWER_WORDS = 450  # budget for the answer page (the book's first page)
FIGURE_TEXT_PX = 10  # the smallest figure text a phone must render
# The rendered size of a figure's smallest text: figures are drawn at 100 dpi, so an 11 pt
# font is 11 * 100 / 72 px in the PNG; the page shows the PNG at width/naturalWidth of that.
SMALLEST_FONT_PT = 11


def test_answer_page_puts_the_bottom_line_on_a_phones_first_screen(browser, site):
    """At 390 px the four lines of the bottom line (with their tags) are on the first screen;
    the page is short; its figure's text is at least 10 px as rendered."""
    context, page, failed, _errors = open_page(browser, f"{site}/{PAGES['answer']}", VIEWPORTS["phone"])
    try:
        article = page.locator("article.bd-article")
        words = len(article.inner_text().split())
        print(f"answer page: {words} words")
        assert words <= ANSWER_WORDS
        items = article.locator("ol").first.locator(":scope > li")
        assert items.count() == 4
        screen = VIEWPORTS["phone"]["height"]
        for i in range(4):
            box = items.nth(i).bounding_box()
            assert box["y"] + box["height"] <= screen, f"line {i + 1} is below the first screen"
            assert items.nth(i).locator(".fl-tag").count() >= 1, f"line {i + 1} has no tag"
        figure = article.locator("img").first
        scale = figure.evaluate("img => img.getBoundingClientRect().width / img.naturalWidth")
        assert SMALLEST_FONT_PT * 100 / 72 * scale >= FIGURE_TEXT_PX, scale
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        assert [f for f in failed if "favicon.ico" not in f] == []
    finally:
        context.close()


MAX_PAGE_BYTES = 2_000_000  # budget: each page <= 2 MB, shared assets (_static) excluded


def test_page_weight_excluding_shared_assets(built_book):
    """HTML plus the images it references from _images (not _static); the largest are printed."""
    weights = {}
    for rel in book_pages(built_book.html):
        page = built_book.html / rel
        text = page.read_text()
        images = {(page.parent / src).resolve()
                  for src in re.findall(r'<img[^>]+src="([^"]+)"', text)
                  if not src.startswith(("data:", "http")) and "_static" not in src}
        weights[rel] = len(text.encode()) + sum(p.stat().st_size for p in images if p.is_file())
    largest = sorted(weights.items(), key=lambda kv: -kv[1])[:5]
    print("largest pages:", ", ".join(f"{rel} {size / 1e6:.2f} MB" for rel, size in largest))
    assert len(weights) >= 30
    assert largest[0][1] <= MAX_PAGE_BYTES, largest
