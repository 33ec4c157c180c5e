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
}
WIDGET_PAGES = ("size_principle", "fatigue_across_a_set", "effect_sizes", "uncertainty", "pooling",
                "closeness_to_failure", "load_reps_effort", "dosing_effort", "monitoring",
                "short_studies", "what_failure_means", "individual_differences",
                "confounding_with_volume", "reading_a_claim")
# ipywidgets controls as rendered by the html-manager
CONTROL_SELECTOR = (
    ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-radio, "
    ".widget-checkbox, .widget-play"
)
MIN_SLIDER_TRACK_PX = 100
# a widget figure: an Image widget, or a PNG captured in an Output widget
WIDGET_FIGURE_SELECTOR = "img.widget-image, .widget-output img, .jupyter-widgets img"



def _wait_for_rendering(page, name):
    if name in WIDGET_PAGES:
        views = page.locator("script[type='application/vnd.jupyter.widget-view+json']").count()
        assert views >= 1, f"{name}: the page has no saved widget views (notebook not executed?)"
        page.wait_for_selector(CONTROL_SELECTOR, timeout=20_000)
        page.wait_for_selector(WIDGET_FIGURE_SELECTOR, timeout=20_000)
    if page.locator(".math").count():
        page.locator("mjx-container >> visible=true").first.wait_for(timeout=20_000)
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
            assert page.locator(CONTROL_SELECTOR).count() >= 1, "no ipywidgets control rendered"
            figures = page.locator(WIDGET_FIGURE_SELECTOR)
            assert figures.count() >= 1, "no widget figure rendered"
            widths = figures.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
            assert max(widths) > 0, "widget figure did not load"
            if page.locator(".math").count():  # pages whose text has equations
                assert page.locator("mjx-container").count() >= 1, "MathJax did not typeset"
            if viewport == "desktop":  # a slider squeezed by its label or neighbours is unusable
                tracks = page.locator(".widget-slider .slider-container").evaluate_all(
                    "els => els.map(e => Math.round(e.getBoundingClientRect().width))"
                )
                assert min(tracks, default=MIN_SLIDER_TRACK_PX) >= MIN_SLIDER_TRACK_PX, tracks
            views = page.locator("script[type='application/vnd.jupyter.widget-view+json']")
            rendered = page.locator(".jupyter-widgets")
            assert rendered.count() >= views.count() >= 1
        # Nothing wider than the screen (a phone must not need to scroll sideways).
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the {viewport} viewport"
    finally:
        context.close()
    print(f"{name} @ {viewport}: {time.perf_counter() - start:.1f} s")


def test_slider_moves_without_a_kernel(browser, site):
    """A static page has no kernel: the slider readout follows the drag, nothing errors."""
    context, page, _failed, errors = open_page(
        browser, f"{site}/{PAGES['size_principle']}", VIEWPORTS["desktop"]
    )
    try:
        page.wait_for_selector(".widget-slider .widget-readout", timeout=20_000)
        slider = page.locator(".widget-slider").first
        readout = slider.locator(".widget-readout")
        before = readout.inner_text()
        handle = slider.locator(".noUi-handle, .slider-container").first
        slider.scroll_into_view_if_needed()
        box = handle.bounding_box()
        assert box is not None, "slider handle is not visible"
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        for dx in (120, -120):  # right, or left if the default sits at the maximum
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + dx, y, steps=5)
            page.mouse.up()
            page.wait_for_timeout(300)
            if readout.inner_text() != before:
                break
        assert readout.inner_text() != before
        errors = [e for e in errors if not any(k in e for k in KNOWN_JB1_ERRORS)]
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("name", WIDGET_PAGES)
def test_kernel_free_twin_responds_to_input(browser, site, name):
    """Each explorer's pre-rendered player: the keyboard steps the frame and its label."""
    context, page, _failed, errors = open_page(browser, f"{site}/{PAGES[name]}", VIEWPORTS["phone"])
    try:
        twin = page.locator("figure.failurelab-twin").first
        twin.scroll_into_view_if_needed()
        slider = twin.locator("input[type=range]")
        shown = "(f) => [...f.querySelectorAll('img')].findIndex(im => !im.hidden)"
        start, last = int(slider.input_value()), int(slider.get_attribute("max"))
        assert last >= 2 and twin.evaluate(shown) == start
        before = twin.locator("output").inner_text()
        slider.focus()
        page.keyboard.press("ArrowLeft" if start == last else "ArrowRight")
        moved = int(slider.input_value())
        assert moved == start + (-1 if start == last else 1)
        assert twin.evaluate(shown) == moved, "the visible frame did not follow the slider"
        values = slider.get_attribute("data-values").split("|")
        assert twin.locator("output").inner_text() == values[moved] != before
        assert not [e for e in errors if not any(k in e for k in KNOWN_JB1_ERRORS)]
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
