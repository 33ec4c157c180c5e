"""Helpers shared by several test modules (test modules never import each other)."""

from __future__ import annotations

import contextlib
import functools
import html
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# Harmless JS errors of Jupyter Book 1.0.4 itself:
# sphinx-thebe's inline script is included twice, and the pydata theme logs a theme-mode
# complaint with a fresh localStorage.
KNOWN_JB1_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared", "Got invalid theme mode")
PAGE_TIMEOUT_MS = 120_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
GENERATED_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


def _off_machine(url):
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname not in LOCAL_HOSTS


def open_page(browser, url, viewport):
    """Open url; return the page plus the failed or off-machine requests and JS errors seen while
    loading (a request to any host but this machine counts as failed, even if it succeeds)."""
    context = browser.new_context(viewport=viewport)
    # generous for a loaded 2-core machine: waits are on conditions, so a quiet one never waits
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    failed, errors = [], []
    page.on("request", lambda r: _off_machine(r.url) and failed.append(f"{r.url} (off this machine)"))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} (HTTP {r.status})"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, failed, errors


def book_pages(html_dir: Path) -> list[str]:
    """Relative URLs of the book's pages in ``html_dir`` (sorted)."""
    html_dir = Path(html_dir)
    if not html_dir.is_dir():
        raise ValueError(f"{html_dir} is not a folder; build the book first")
    pages = []
    for path in html_dir.rglob("*.html"):
        rel = path.relative_to(html_dir)
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        if len(rel.parts) == 1 and (rel.name in GENERATED_PAGES or rel.name == "index.html"):
            continue  # Sphinx's generated pages, and index.html (a redirect to the intro)
        pages.append(rel.as_posix())
    return sorted(pages)


def assert_refuses(explorer, bad, words):
    """Bad input: update() returns None, says why (naming the parameter) and keeps the state."""
    state, readout = explorer.state, explorer.readout
    assert explorer.update(**bad) is None
    for word in words:
        assert word in explorer.error
    assert explorer.message.startswith("Not shown")
    assert explorer.state is state and explorer.readout == readout
    # controls keep their last valid value
    for name in bad:
        if name in explorer.controls:
            assert explorer.controls[name].value != bad[name]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory):
    """Serve ``directory`` over HTTP on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


#: Constructor options that make an explorer quick to build in a test (no warm-up of every
#: figure, fewer simulated replications); the explorer's behaviour is otherwise the same.
QUICK_EXPLORER_OPTIONS = {"SetExplorer": {"warm": False},
                          "SetPlannerExplorer": {"warm": False},
                          "StudyDesignExplorer": {"replications": 200},
                          "MeasurementErrorExplorer": {"replications": 200}}


def exported_explorers():
    """Every explorer class that failurelab.widgets exports."""
    from failurelab import widgets

    return [getattr(widgets, name) for name in widgets.__all__
            if name.endswith("Explorer") and name != "Explorer"]


def quick_explorer(cls):
    """An instance of explorer class ``cls`` built with QUICK_EXPLORER_OPTIONS."""
    return cls(**QUICK_EXPLORER_OPTIONS.get(cls.__name__, {}))


# -- browser views of the explorers -----------------------------------------------------------

def text_of(markup):
    """What a browser shows of ``markup`` as text (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@contextlib.contextmanager
def explorer_page(browser, explorers, tmp_path, viewport=VIEWPORTS["desktop"]):
    """A local page holding the self-contained HTML of each explorer in ``explorers`` (as the
    book and the decks show them). Yields (page, views, errors): ``views[i]`` is a handle on
    explorer i's view; JS errors and any request off this machine are collected in errors."""
    body = "".join(f'<section id="x{i}">{e.html()}</section>' for i, e in enumerate(explorers))
    page_file = Path(tmp_path) / "explorers.html"
    page_file.write_text(f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
                         f'<title>explorers</title><link rel="icon" href="data:,"></head><body>{body}</body></html>',
                         encoding="utf-8")
    with serve_directory(tmp_path) as base:
        context, page, failed, errors = open_page(browser, f"{base}/explorers.html", viewport)
        try:
            for i in range(len(explorers)):
                page.wait_for_function(
                    f"document.querySelector('#x{i} .fl-explorer')?.failurelab !== undefined",
                    timeout=PAGE_TIMEOUT_MS)
            yield page, [View(page, f"#x{i} .fl-explorer") for i in range(len(explorers))], \
                errors + failed
        finally:
            context.close()


class View:
    """One explorer view in a page: set values as the controls would, read what it shows."""

    def __init__(self, page, selector):
        self.page, self.selector = page, selector

    def _call(self, expression, arg=None):
        return self.page.locator(self.selector).evaluate(f"(el, arg) => {expression}", arg)

    def set(self, **params):
        """Set control values (as a learner would) and return the sentence shown after."""
        ok = self._call("el.failurelab.set(arg)", params)
        return self.sentence() if ok else None

    def sentence(self):
        return self._call("el.failurelab.sentence()")

    def message(self):
        return self._call("el.failurelab.message()")

    def figure(self):
        return self._call("el.failurelab.figure()")

    def params(self):
        return self._call("el.failurelab.params()")

    def locator(self, css=""):
        return self.page.locator(f"{self.selector} {css}".strip())
