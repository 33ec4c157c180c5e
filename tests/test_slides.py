"""Lecture decks (``python -m tools slides``): written for a room, offline, live.

Each deck file in book/instructor/decks/ is read and checked (slides, words, media, notes,
minutes); the deck notebooks committed next to them must be current; the decks are exported
into a temporary folder, opened from file:// URLs (no server at all) in Debian's chromium at
1280 x 720, and stepped through: every slide fits, every figure's text is large enough for the
back of a room, and every explorer responds to its controls without a kernel.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import slides, vendor

REPO_ROOT = Path(__file__).resolve().parents[1]
REVEAL = f"{slides.ASSETS}/reveal.js/dist/reveal.js"
DECKS = slides.deck_files()
SLIDES_PER_DECK = (15, 25)
DECK_MINUTES = (40, 45)
ROOM_TEXT_PX = 24  # figure text at 1280 x 720
# Inputs that only a button reads: the effect-size game's guess counts when "Check my guess" is
# pressed (tests/test_views_evidence.py plays the game).
BUTTON_INPUTS = {("2a_effect_sizes", "guess")}
FIGURE_FONT_PX = 12 * 100 / 72  # the course style's smallest figure text, in PNG pixels


def ids(path):
    return path.stem


# --- the deck files, without a browser ----------------------------------------------------------

def test_there_is_a_deck_per_session():
    assert [d.stem for d in DECKS] == ["1_mechanism", "2a_effect_sizes", "2b_meta_analyses",
                                       "3_practice", "4_limitations"]


@pytest.mark.parametrize("path", DECKS, ids=ids)
def test_a_deck_is_a_lecture(path):
    """15-25 slides of at most 60 words, about 40-45 minutes, notes on every slide, at most
    one medium per slide, and at least one live explorer to demonstrate."""
    deck = slides.read_deck(path)
    words = sorted(s.words for s in deck.slides)
    print(f"{deck.name}: {len(deck.slides)} slides, {deck.minutes:.0f} min, words median "
          f"{words[len(words) // 2]} max {words[-1]}")
    assert SLIDES_PER_DECK[0] <= len(deck.slides) <= SLIDES_PER_DECK[1]
    assert DECK_MINUTES[0] <= deck.minutes <= DECK_MINUTES[1]
    assert words[-1] <= slides.MAX_WORDS
    assert all(s.notes for s in deck.slides)
    assert sum(s.explorer is not None for s in deck.slides) >= 1


@pytest.mark.parametrize("bad, message", [
    ({"title": "T", "text": " ".join(["word"] * 61), "notes": "n"}, "62 words"),
    ({"title": "T", "notes": "n", "explorer": {"name": "SizePrincipleExplorer"},
      "figure": {"notebook": "x", "cell": "y"}}, "one explorer or one figure"),
    ({"title": "T", "text": "no notes"}, "speaker notes are missing"),
    ({"title": "T", "text": "see {cite:p}`refalo2024`", "notes": "n"}, "MyST roles"),
    ({"title": "T", "notes": "n", "picture": "x.png"}, "unknown key(s) picture"),
    ({"text": "untitled", "notes": "n"}, "a slide needs a title"),
])
def test_a_bad_slide_is_refused_by_deck_and_slide(tmp_path, bad, message):
    path = tmp_path / "demo.yml"
    path.write_text(yaml.safe_dump({"title": "Demo", "slides": [
        {"title": "Fine", "notes": "fine"}, bad]}))
    with pytest.raises(slides.DeckError, match=re.escape(message)) as err:
        slides.read_deck(path)
    assert "demo.yml, slide 2" in str(err.value)


@pytest.mark.parametrize("medium, message", [
    ({"explorer": {"name": "NoSuchExplorer"}}, "no explorer 'NoSuchExplorer'"),
    ({"explorer": {"name": "SizePrincipleExplorer", "params": {"effort": 500}}}, "refused"),
    ({"figure": {"notebook": "chapters/01_mechanism/01_size_principle.ipynb", "cell": "nope"}},
     "has no cell with id 'nope'"),
])
def test_a_bad_medium_is_refused_when_the_deck_is_built(tmp_path, medium, message):
    path = tmp_path / "demo.yml"
    path.write_text(yaml.safe_dump({"title": "Demo", "slides": [{"title": "T", "notes": "n", **medium}]}))
    with pytest.raises(slides.DeckError, match=re.escape(message)):
        slides.deck_notebook(slides.read_deck(path))


def test_committed_deck_notebooks_are_current():
    proc = subprocess.run([sys.executable, "-m", "tools", "slides", "--check"], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_reports_an_unknown_deck(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tools", "slides", "--deck", "99_nope",
                           "--dest", str(tmp_path)], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=False, timeout=300)
    assert proc.returncode == 1 and "unknown deck(s) 99_nope" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_chapter_notebooks_carry_no_speaker_notes():
    """Speaker notes are the instructor's (the deck files), not in a learner's notebook."""
    from tools.course import course_notebooks

    for path in course_notebooks():
        text = path.read_text(encoding="utf-8")
        assert "**Speaker notes.**" not in text, path.name


def test_slides_vendor_bundle_is_pinned_and_checked():
    assert vendor.check(vendor.SLIDES_DEST) == []  # files and package-lock.json integrity
    pinned = vendor.versions("slides")
    assert pinned["reveal.js"] == "4.0.2"  # what nbconvert's reveal template is written for
    assert pinned["mathjax"].startswith("2.7.")  # the template calls the MathJax 2 API
    size_mb = vendor.size_bytes(vendor.SLIDES_DEST) / 1e6
    assert size_mb < 3, f"slides vendor folder grew to {size_mb:.1f} MB; keep what decks load"


# --- the exported decks ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every deck, exported once into a temporary folder."""
    dest = tmp_path_factory.mktemp("slides")
    code, decks = slides.build(dest)
    assert code == 0
    return dest, {e.deck.name: e for e in decks}


def _open_deck(browser, url, origin):
    """Open a deck at 1280 x 720; return (context, page, failed, non-local requests, JS errors)."""
    context = browser.new_context(viewport={"width": slides.WIDTH, "height": slides.HEIGHT})
    page = context.new_page()
    failed, foreign, errors = [], [], []
    page.on("request", lambda r: not r.url.startswith((origin, "data:", "blob:")) and foreign.append(r.url))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url, wait_until="load")
    # reveal.js is an AMD module here (the template loads it with require.js): fetch the instance
    load = "require([" + json.dumps(REVEAL) + "], R => { window.Reveal = R; ok(); }, fail)"
    page.evaluate(f"() => new Promise((ok, fail) => {load})")
    page.wait_for_function("() => window.Reveal.isReady()", timeout=120_000)
    return context, page, failed, foreign, errors


# What the current slide shows: its height, the text size of its images and explorer figures,
# its code inputs and media count, and its notes.
_SLIDE = """() => {
  const s = Reveal.getCurrentSlide();
  const imgs = [...s.querySelectorAll('img')].filter(i => i.naturalWidth);
  const svgs = [...s.querySelectorAll('.fl-figure svg')];
  return {
    overflow: s.scrollHeight - Reveal.getConfig().height,
    imageScale: imgs.map(i => i.getBoundingClientRect().width / i.naturalWidth),
    svgFont: svgs.map(v => parseFloat(v.getAttribute('font-size'))),
    explorers: s.querySelectorAll('.fl-explorer').length,
    media: imgs.length + s.querySelectorAll('.fl-explorer').length,
    code: s.querySelectorAll('.jp-CodeCell .jp-InputArea, pre code').length,
    notes: (Reveal.getSlideNotes() || '').trim().length,
  };
}"""


@pytest.mark.parametrize("path", DECKS, ids=ids)
def test_deck_html_loads_only_local_files(exported, path):
    dest, decks = exported
    html = decks[path.stem].path.read_text()
    loaded = re.findall(r"<(?:script|img|iframe)[^>]*\ssrc=\"([^\"]*)\"", html)
    loaded += re.findall(r"<link[^>]*\shref=\"([^\"]*)\"", html)
    assert loaded, "no script or stylesheet found"
    assert [u for u in loaded if re.match(r"(https?:)?//", u)] == []
    for url in loaded:
        if not url.startswith("data:"):
            assert (dest / url.split("?")[0]).is_file(), f"{url} is not next to the deck"
    assert "mermaid" not in html and "{cite:" not in html


@pytest.mark.parametrize("path", DECKS, ids=ids)
def test_deck_runs_offline_and_reads_from_the_back_of_the_room(browser, exported, path):
    """Every slide: fits the 1280 x 720 canvas, shows no code, at most one figure or explorer,
    figure text of 24 px or more, speaker notes; every explorer answers its first control."""
    dest, decks = exported
    deck = decks[path.stem].deck
    context, page, failed, foreign, errors = _open_deck(browser, decks[deck.name].path.as_uri(),
                                                       dest.as_uri())
    try:
        assert page.evaluate("() => Reveal.getTotalSlides()") == len(deck.slides)
        page.wait_for_function("() => [...document.querySelectorAll('.reveal .fl-explorer')]"
                               ".every(el => el.failurelab)", timeout=120_000)
        for i, slide in enumerate(deck.slides):
            page.evaluate(f"() => Reveal.slide({i})")
            page.wait_for_function("(i) => Reveal.getIndices().h === i", arg=i)
            shown = page.evaluate(_SLIDE)
            where = f"{deck.name}, slide {i + 1} ({slide.title})"
            assert shown["overflow"] <= 0, f"{where}: {shown['overflow']} px below the slide"
            assert shown["code"] == 0 and shown["media"] <= 1 and shown["notes"] > 0, where
            for scale in shown["imageScale"]:
                assert FIGURE_FONT_PX * scale >= ROOM_TEXT_PX, f"{where}: figure text too small"
            assert all(f >= ROOM_TEXT_PX for f in shown["svgFont"]), where
            if shown["explorers"]:
                view = page.locator(".reveal .slides section.present .fl-explorer")
                controls = view.locator("input[type=range], select")
                for k in range(controls.count()):  # every slider and menu, as a lecturer would
                    control = controls.nth(k)
                    before = view.evaluate("el => [el.failurelab.sentence(), el.failurelab.figure()]")
                    if control.evaluate("c => c.tagName") == "SELECT":
                        values = control.evaluate("m => [...m.options].map(o => o.value)")
                        control.select_option(next(v for v in values if v != control.input_value()))
                    else:
                        at_max = control.input_value() == control.get_attribute("max")
                        control.focus()
                        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                    after = view.evaluate("el => [el.failurelab.sentence(), el.failurelab.figure()]")
                    name = control.evaluate("c => c.closest('.fl-control').dataset.name")
                    if (deck.name, name) in BUTTON_INPUTS:
                        continue
                    assert after[1] != before[1] and after[0] != before[0], \
                        f"{where}: {name} changed nothing"
        assert (foreign, failed, errors) == ([], [], [])
    finally:
        context.close()
