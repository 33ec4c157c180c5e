"""The published book: strict build, every page present, explorer views embedded, no CDN."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import vendor

REPO_ROOT = Path(__file__).resolve().parents[1]

CDN_HOSTS = ("cdn.jsdelivr", "cdnjs", "unpkg")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EXPLORER_VIEW = 'class="fl-explorer fl-pending"'
MATHJAX_JS = "_static/vendor/mathjax/tex-mml-chtml.js"
SPHINX_EXTRA_PAGES = {"index.html", "genindex.html", "search.html"}


def toc_files(node=None) -> list[str]:
    """Every document of _toc.yml (root first, then in reading order), without suffix."""
    if node is None:
        node = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
        return [node["root"], *toc_files(node)]
    files = []
    for key in ("parts", "chapters", "sections"):
        for entry in node.get(key, []):
            if "file" in entry:
                files.append(entry["file"])
            files.extend(toc_files(entry))
    return files


def chapter_notebooks() -> list[str]:
    """Notebook pages of the chapters that show an explorer (a saved explorer view)."""
    return [
        d for d in toc_files() if d.startswith("chapters/") and (REPO_ROOT / f"{d}.ipynb").is_file()
        and EXPLORER_VIEW.replace('"', '\\"') in (REPO_ROOT / f"{d}.ipynb").read_text()
    ]


class _PageParser(HTMLParser):
    """Collects script/link/img URLs and the bodies of typed <script> tags."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.script_srcs: list[str] = []
        self.scripts: list[tuple[dict, str]] = []  # (attrs, body) of inline scripts
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for attr in ("src", "href"):
            if attrs.get(attr):
                self.urls.append((tag, attr, attrs[attr]))
        if tag == "script":
            if attrs.get("src"):
                self.script_srcs.append(attrs["src"])
            self._open = {"attrs": attrs, "body": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["body"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open["attrs"], self._open["body"]))
            self._open = None


def parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def html(built_book) -> Path:
    if built_book.returncode != 0:
        pytest.fail(f"book build failed (exit {built_book.returncode}); see _build/book-build.log")
    return built_book.html


def test_strict_build_succeeds_without_warnings(built_book):
    problems = [
        line
        for line in built_book.log.splitlines()
        if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)
    ]
    assert built_book.returncode == 0, "\n".join(problems[:30]) or built_book.log[-3000:]
    assert problems == []
    assert "build succeeded" in built_book.log
    print(f"book build: {built_book.seconds:.1f} s")


def test_every_toc_page_is_built_and_nothing_else(html):
    docs = toc_files()
    assert len(docs) == len(set(docs)), "a page appears twice in _toc.yml"
    missing = [d for d in docs if not (html / f"{d}.html").is_file()]
    assert missing == []
    built = {
        p.relative_to(html).as_posix()
        for p in html.rglob("*.html")
        if "_static" not in p.relative_to(html).parts
    }
    extra = built - {f"{d}.html" for d in docs} - SPHINX_EXTRA_PAGES
    assert extra == set(), "pages built that are not in _toc.yml"
    # the landing page redirects to the root document
    assert f"{toc_files()[0]}.html" in (html / "index.html").read_text()


def test_config_keeps_vendored_files_out_of_a_static_folder():
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    static_paths = config["sphinx"]["config"]["html_static_path"]
    assert all("_static" not in Path(p).parts for p in static_paths)
    # JB1 injects every .js/.css of a top-level _static/ into every page
    assert not (REPO_ROOT / "_static").exists()
    assert config["execute"]["execute_notebooks"] == "off"


def test_every_chapter_with_an_explorer_is_found():
    assert len(chapter_notebooks()) >= 14


@pytest.mark.parametrize("doc", chapter_notebooks())
def test_chapter_page_embeds_its_explorer_views_and_no_widget_state(html, doc):
    text = (html / f"{doc}.html").read_text(encoding="utf-8")
    page = parse(html / f"{doc}.html")
    specs = [json.loads(body) for attrs, body in page.scripts if attrs.get("type") == "application/json"]
    modules = [body for attrs, body in page.scripts if attrs.get("type") == "module"]
    assert text.count(EXPLORER_VIEW) == len(modules) >= 1, f"{doc}: explorer views not embedded"
    assert all(spec["controls"] and "params" in spec for spec in specs)
    assert all("function mount(" in code for code in modules)
    # no widget state, no widget manager: a view needs nothing but its own code
    assert WIDGET_VIEW not in text and "widget-state+json" not in text and "embed-amd" not in text


@pytest.mark.parametrize("doc", chapter_notebooks())
def test_chapter_pages_load_only_the_vendored_scripts(html, doc):
    srcs = parse(html / f"{doc}.html").script_srcs
    rel = [re.sub(r"^(\.\./)+", "", s.split("?")[0]) for s in srcs]
    assert not any("require" in r or "html-manager" in r for r in rel)
    has_math = 'class="math' in (html / f"{doc}.html").read_text()
    assert (MATHJAX_JS in rel) == has_math, f"{doc}: MathJax loaded {MATHJAX_JS in rel}, math {has_math}"


@pytest.mark.parametrize("doc", chapter_notebooks())
def test_figures_are_published_with_their_image(html, doc):
    # A figure output saved without its PNG shows up in the book as the bare text repr.
    bare = re.findall(
        r"&lt;Figure size \d+x\d+ with \d+ Axes&gt;", (html / f"{doc}.html").read_text()
    )
    assert bare == [], f"{doc}: {len(bare)} figure output(s) have no image (only text/plain)"


def test_no_page_loads_from_a_cdn(html):
    offenders = []
    for doc in toc_files():
        page = parse(html / f"{doc}.html")
        offenders += [
            (doc, tag, attr, url)
            for tag, attr, url in page.urls
            if any(host in url for host in CDN_HOSTS)
        ]
        offenders += [
            (doc, "script", k, v)
            for attrs, _ in page.scripts
            for k, v in attrs.items()
            if k == "data-jupyter-widgets-cdn"
        ]
    assert offenders == []


def test_local_assets_referenced_by_pages_exist(html):
    # the JupyterLite launch link points at the lite site published beside the book
    # (`python -m tools lite`, built after the book; tests/test_launch.py checks it)
    lite = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())["launch_buttons"]["jupyterlite_url"]
    missing = set()
    for doc in toc_files():
        page_path = html / f"{doc}.html"
        for _tag, _attr, url in parse(page_path).urls:
            if re.match(r"^[a-z]+:|^#|^//", url) or url.startswith(lite + "?"):
                continue
            target = (page_path.parent / url.split("#")[0].split("?")[0]).resolve()
            if not target.exists():
                missing.add((doc, url))
    assert missing == set()


def test_vendored_files_are_copied_into_the_book(html):
    manifest = json.loads((vendor.DEFAULT_DEST / vendor.CHECKSUMS).read_text())
    for rel, digest in manifest["files"].items():
        assert vendor.sha256(html / "_static" / "vendor" / rel) == digest, rel


def test_vendor_check_passes():
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "vendor", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "files match checksums.json" in proc.stdout


def test_vendor_check_detects_a_changed_missing_or_extra_file(tmp_path):
    copy = tmp_path / "vendor"
    shutil.copytree(vendor.DEFAULT_DEST, copy)
    with open(copy / "mathjax" / "tex-mml-chtml.js", "ab") as fh:
        fh.write(b"\n// tampered\n")
    (copy / "mathjax" / "LICENSE").unlink()
    (copy / "stray.js").write_text("")
    assert vendor.check(copy) == [
        "missing: mathjax/LICENSE",
        "changed: mathjax/tex-mml-chtml.js",
        "not in checksums.json: stray.js",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "vendor", "--check", "--dest", str(copy)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "changed: mathjax/tex-mml-chtml.js" in proc.stderr


def test_vendor_check_detects_files_from_another_package_version(tmp_path):
    copy = tmp_path / "vendor"
    shutil.copytree(vendor.DEFAULT_DEST, copy)
    manifest = json.loads((copy / vendor.CHECKSUMS).read_text())
    manifest["packages"]["mathjax"] = "sha512-of-another-tarball"
    (copy / vendor.CHECKSUMS).write_text(json.dumps(manifest))
    locked = vendor.locked()["mathjax"]["version"]
    assert vendor.check(copy) == [f"stale: mathjax (package-lock.json has mathjax@{locked})"]


def test_vendored_versions_are_the_locked_ones():
    manifest = json.loads((vendor.DEFAULT_DEST / vendor.CHECKSUMS).read_text())
    lock = vendor.locked()
    assert manifest["packages"] == {key: lock[key]["integrity"] for key in vendor.PACKAGES}
    size_mb = vendor.size_bytes() / 1e6
    assert size_mb < 8, f"vendored files grew to {size_mb:.1f} MB; keep only what pages load"


def test_status_page_is_current_and_lists_every_toc_notebook():
    from tools import status
    from tools.course import toc_notebooks

    page = (REPO_ROOT / "book" / "status.md").read_text()
    assert page == status.render(), "run `python -m tools status`"
    notebooks = toc_notebooks()
    assert len(notebooks) >= 10
    for path in notebooks:
        assert f"](../{path.relative_to(REPO_ROOT).as_posix()})" in page
    pins = status.pinned_versions()
    for name in ("jupyterlab", "jupyter-book", "ipywidgets", "pandas", "matplotlib", "nbval"):
        assert f"| {name} | {pins[name]} |" in page
    rows = [status.notebook_row(p) for p in notebooks]
    assert all(r["one_run"] for r in rows), [p.name for p, r in zip(notebooks, rows) if not r["one_run"]]
    assert sum(r["explorers"] for r in rows) >= 14


def test_publish_workflow_deploys_only_after_the_tests_pass():
    flow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "publish.yml").read_text())
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    runs = [step.get("run", "") for step in build["steps"]]
    uses = [step.get("uses", "") for step in build["steps"]]
    test_at = runs.index("bash .ci/run")  # the README's test command, as CI runs it
    lite_at = next(i for i, r in enumerate(runs) if "tools lite --output _build/html/lite" in r)
    upload_at = next(i for i, u in enumerate(uses) if u.startswith("actions/upload-pages-artifact"))
    assert test_at < lite_at < upload_at
    assert build["steps"][upload_at]["with"]["path"] == "_build/html"
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy["steps"])


def _views_extension():
    spec = importlib.util.spec_from_file_location("explorer_views", REPO_ROOT / "book/_ext/explorer_views.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _without_html_view(nb):
    """``nb`` as a live session would save it: the explorer as a widget view only."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if EXPLORER_VIEW in "".join(data.get("text/html", "")):
                data.pop("text/html")
                data[WIDGET_VIEW] = {"model_id": "0123abcd", "version_major": 2, "version_minor": 0}
    return nb


@pytest.mark.parametrize("doc", chapter_notebooks())
def test_every_saved_explorer_has_its_html_view(doc):
    nb = nbformat.read(REPO_ROOT / f"{doc}.ipynb", as_version=4)
    assert _views_extension().views_without_html(nb) == []
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("doc", chapter_notebooks())
def test_saved_explorer_views_run_the_current_view_code(doc):
    """nbval ignores explorer outputs (their widget ids change per run), so this is what proves
    a saved view is current: its code is the package's view code (re-run `make execute`)."""
    from failurelab.widgets.base import module_source

    nb = nbformat.read(REPO_ROOT / f"{doc}.ipynb", as_version=4)
    saved = ["".join(o["data"]["text/html"]) for c in nb.cells for o in c.get("outputs", [])
             if EXPLORER_VIEW in "".join(o.get("data", {}).get("text/html", ""))]
    assert saved
    for view in saved:
        name = json.loads(view.split('<script type="application/json">')[1].split("</script>")[0])["name"]
        code = view.split('<script type="module">')[1]
        assert code.startswith(module_source(name)), f"{doc}: the saved {name} view is stale"


def test_a_widget_view_without_html_is_named_by_cell():
    nb = _without_html_view(nbformat.read(REPO_ROOT / f"{chapter_notebooks()[0]}.ipynb", as_version=4))
    missing = _views_extension().views_without_html(nb)
    assert missing and all(m.startswith("cell ") and m.endswith("0123abcd") for m in missing)


def test_the_book_build_fails_on_an_explorer_without_its_html_view(tmp_path):
    """A small book with one notebook whose explorer lost its HTML view: the build must stop."""
    nb = _without_html_view(nbformat.read(REPO_ROOT / f"{chapter_notebooks()[0]}.ipynb", as_version=4))
    nbformat.write(nb, tmp_path / "page.ipynb")
    shutil.copytree(REPO_ROOT / "book/_ext", tmp_path / "_ext")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (tmp_path / "_config.yml").write_text(
        "title: t\nexecute:\n  execute_notebooks: 'off'\n"
        "sphinx:\n  local_extensions:\n    explorer_views: _ext\n")
    build = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(tmp_path)],
                           capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode != 0
    assert "live-widget views without their HTML view" in build.stdout + build.stderr
    assert "page.ipynb: cell " in build.stdout + build.stderr
