"""Accessibility of every page of the built book: axe-core in Debian chromium, plus a figure check.

Pages are discovered from _build/html (every .html except Sphinx's generated genindex/search
pages, the root redirect and folders starting with "_"), so new chapters are covered without
editing this file. Each page is audited at a desktop and a phone width after its widgets and
math have rendered; the test fails on any "serious" or "critical" axe violation and lists rule,
impact, selectors and page. Rules are never disabled here. Fixes for markup the course does not
write itself live in book/_vendor/a11y.js (documented there); figure alt text comes from
`python -m tools alttext`.

axe-core is vendored from npm (tests/_vendor/axe-core/, version and sha256 in axe-core.json);
the first test proves the committed file is the recorded one. Screenshots of pages with
findings go to test-artifacts/accessibility/.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from helpers import KNOWN_JB1_ERRORS, VIEWPORTS, book_pages, open_page

REPO_ROOT = Path(__file__).resolve().parents[1]
AXE_DIR = REPO_ROOT / "tests" / "_vendor" / "axe-core"
AXE_JS = AXE_DIR / "axe.min.js"
AXE_RECORD = json.loads((AXE_DIR / "axe-core.json").read_text())
ARTIFACTS = REPO_ROOT / "test-artifacts" / "accessibility"
FAILING_IMPACTS = ("serious", "critical")
# an alt text that is only a file name or path, as myst-nb writes by default
PATH_LIKE = re.compile(r"^\S*(?:/|\\)?[\w.-]+\.(?:png|jpe?g|gif|svg|webp)$", re.IGNORECASE)

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" "))}));
}"""

# Every <img> in the page content: alt text, and whether it sits in a <figure> with a caption.
IMAGES = """() => Array.from(document.querySelectorAll("main img, article img")).map(img => {
  const fig = img.closest("figure");
  const cap = fig && fig.querySelector("figcaption");
  return {alt: img.getAttribute("alt"), src: (img.getAttribute("src") || "").slice(0, 80),
          captioned: !!(cap && cap.textContent.trim())};
})"""


def bad_images(images: list[dict]) -> list[str]:
    """Images without a usable text alternative: empty or path-like alt and no caption."""
    problems = []
    for img in images:
        alt = (img.get("alt") or "").strip()
        if img.get("captioned") or (alt and not PATH_LIKE.match(alt)):
            continue
        problems.append(f"<img src={img['src']!r} alt={img.get('alt')!r}>")
    return problems


def _wait_until_rendered(page):
    """Explorer views mounted, math typeset, and a11y.js's fixes applied (two frames)."""
    if page.locator("div.fl-explorer[data-fl-id]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.fl-explorer[data-fl-id]')].every(el => el.failurelab)",
        )
    if page.locator(".math").count():
        page.locator("mjx-container >> visible=true").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.fixture(scope="module")
def pages(built_book):
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # screenshots of this run's findings only
    found = book_pages(built_book.html)
    assert "book/intro.html" in found, f"the intro page is missing from {built_book.html}"
    return found


def test_axe_core_is_the_recorded_release():
    assert AXE_RECORD["package"] == "axe-core" and AXE_RECORD["version"].startswith("4.")
    for name, digest in AXE_RECORD["files"].items():
        data = (AXE_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{name} differs from axe-core.json"
    assert AXE_JS.read_text()[:40].startswith(f"/*! axe v{AXE_RECORD['version']}")


def test_book_pages_are_discovered(tmp_path):
    for rel in ("book/intro.html", "chapters/01_x/01_a.html", "genindex.html", "search.html",
                "index.html", "_static/x.html", "_sources/y.html", "exercises/e.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>")
    assert book_pages(tmp_path) == ["book/intro.html", "chapters/01_x/01_a.html", "exercises/e.html"]
    with pytest.raises(ValueError, match="build the book first"):
        book_pages(tmp_path / "missing")


def test_bad_images_flags_paths_and_empty_alt():
    images = [
        {"alt": "../../_images/3f2a.png", "src": "a.png", "captioned": False},
        {"alt": "", "src": "b.png", "captioned": False},
        {"alt": None, "src": "c.png", "captioned": False},
        {"alt": "What the figure shows: thresholds run from 1 to 50.", "src": "d.png", "captioned": False},
        {"alt": "", "src": "e.png", "captioned": True},
        {"alt": "figure.png", "src": "f.png", "captioned": False},
    ]
    flagged = bad_images(images)
    assert [f.split("'")[1] for f in flagged] == ["a.png", "b.png", "c.png", "f.png"]


# At phone width the theme's layout (collapsed sidebar, header, search) is the same on every
# page; axe checks it on one page of each kind (tests/test_browser.py opens every chapter
# page at phone width too). At desktop width every page is audited.
PHONE_SAMPLE = ("book/answer.html", "book/intro.html", "chapters/01_mechanism/01_size_principle.html",
                "chapters/03_practice/04_monitoring.html", "exercises/02_evidence.html",
                "book/bibliography.html", "book/instructor/index.html")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_serious_axe_violations_and_figures_have_text(browser, site, pages, viewport):
    """axe on every page (desktop; a sample at phone width), plus per page: every image has a
    text alternative, and the page loads with no failed request and no JavaScript error."""
    axe = AXE_JS.read_text()
    findings, figure_problems, load_problems, timings = [], [], [], []
    if viewport != "desktop":
        assert set(PHONE_SAMPLE) <= set(pages)
        pages = list(PHONE_SAMPLE)
    for rel in pages:
        start = time.perf_counter()
        context, page, failed, errors = open_page(browser, f"{site}/{rel}", VIEWPORTS[viewport])
        try:
            _wait_until_rendered(page)
            failed = [f for f in failed if "favicon.ico" not in f]
            errors = [e for e in errors if not any(k in e for k in KNOWN_JB1_ERRORS)
                      and not e.startswith("Failed to load resource")]  # URLs are in `failed`
            load_problems += [f"{rel}: {item}" for item in failed + errors]
            page.add_script_tag(content=axe)
            violations = [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING_IMPACTS]
            for v in violations:
                targets = "; ".join(v["targets"][:5]) + (" ..." if len(v["targets"]) > 5 else "")
                findings.append(f"{rel} @ {viewport}: {v['id']} ({v['impact']}) {v['help']} -> {targets}")
            problems = bad_images(page.evaluate(IMAGES)) if viewport == "desktop" else []
            figure_problems += [f"{rel}: {p}" for p in problems]
            if violations or problems:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                shot = ARTIFACTS / f"{rel.replace('/', '__')[:-5]}-{viewport}.png"
                page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()
        timings.append(f"{rel} {time.perf_counter() - start:.1f} s")
    print(f"axe {AXE_RECORD['version']} @ {viewport}: {len(pages)} pages; " + ", ".join(timings))
    assert not load_problems, "failed requests or JavaScript errors:\n" + "\n".join(load_problems)
    assert not findings, (
        f"{len(findings)} serious/critical axe violation(s) (fix the markup, book/_vendor/a11y.js "
        "or course.css; never disable a rule):\n" + "\n".join(findings)
    )
    assert not figure_problems, (
        "figures without a text alternative (alt is empty or a file path, and no <figcaption>); "
        "run `python -m tools alttext` on the notebook:\n" + "\n".join(figure_problems)
    )
