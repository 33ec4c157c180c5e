"""Shared fixtures: the strictly built book (once per session) and the Debian chromium binary."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import serve_directory

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = REPO_ROOT / "_build"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class BuiltBook:
    """Result of ``jupyter-book build . -W -n --keep-going``."""

    html: Path  # _build/html
    log: str  # stdout + stderr, ANSI colours removed
    returncode: int
    seconds: float


def _jupyter_book() -> str:
    """The jupyter-book next to the running interpreter (the venv), else the one on PATH."""
    local = Path(sys.executable).with_name("jupyter-book")
    if local.exists():
        return str(local)
    found = shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed in this environment (see requirements.txt)")
    return found


def _build_book() -> BuiltBook:
    for sub in ("html", ".doctrees", "jupyter_execute"):
        shutil.rmtree(BUILD_DIR / sub, ignore_errors=True)
    cmd = [_jupyter_book(), "build", ".", "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    seconds = time.perf_counter() - start
    log = ANSI.sub("", proc.stdout + "\n" + proc.stderr)
    return BuiltBook(html=BUILD_DIR / "html", log=log, returncode=proc.returncode, seconds=seconds)


@pytest.fixture(scope="session")
def built_book() -> BuiltBook:
    """Build the book from scratch once per session, strictly (warnings are errors).

    Earlier output is removed first: Sphinx re-reads only changed pages, so an incremental
    build would not repeat the warnings of unchanged ones. Under pytest-xdist the first worker
    builds and the others reuse its result (same test run id), so _build/html is written once.
    """
    BUILD_DIR.mkdir(exist_ok=True)
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    record = BUILD_DIR / "book-build.json"
    with open(BUILD_DIR / "book-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if run_id and record.is_file():
            saved = json.loads(record.read_text())
            if saved["run_id"] == run_id:
                return BuiltBook(
                    html=BUILD_DIR / "html",
                    log=saved["log"],
                    returncode=saved["returncode"],
                    seconds=saved["seconds"],
                )
        book = _build_book()
        (BUILD_DIR / "book-build.log").write_text(book.log)
        record.write_text(
            json.dumps(
                {
                    "run_id": run_id,
                    "log": book.log,
                    "returncode": book.returncode,
                    "seconds": book.seconds,
                }
            )
        )
    return book


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of Debian's chromium. Skips without it, but fails when the CI variable is set."""
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    message = (
        "Debian chromium not found at "
        + " or ".join(CHROMIUM_CANDIDATES)
        + "; install it with `apt-get install -y chromium` (never `playwright install`)."
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser tests must run: {message}")
    pytest.skip(message)


# Debian chromium as playwright drives it here: headless, no sandbox (root), and none of the
# background services that would try to reach the internet.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(chromium_path):
    """A playwright Chromium (Debian's binary; never `playwright install`), one per test module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI is set but the Python package playwright is not installed")
        pytest.skip("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(built_book):
    """The strictly built book served on 127.0.0.1 (one server for the whole session)."""
    if built_book.returncode != 0:
        pytest.fail("the book did not build; see _build/book-build.log")
    with serve_directory(built_book.html) as base:
        yield base
