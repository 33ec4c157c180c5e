"""``slides``: lecture decks, written for a room, built from the course's own figures and explorers.

A deck is a YAML file in ``book/instructor/decks/`` (one per session): a title, the notebooks it
draws on, and its slides. A slide has a title, at most :data:`MAX_WORDS` words of Markdown, at
most one medium (an ``explorer`` built from the package with given values, or a ``figure``: a
figure output of a chapter notebook, named by the notebook and the cell's id) and speaker notes
(what the slide leaves out). ``slides`` turns each YAML file into

- a deck notebook next to it (``<deck>.ipynb``, committed): a lecturer opens it in JupyterLab and
  presses Alt+R (RISE); its explorers are saved, self-contained views that run without a kernel;
- an offline reveal.js deck, ``_build/slides/<deck>.html``, exported from that notebook with
  nbconvert's reveal template (reveal.js 4.0.2, require.js, jQuery and MathJax 2.7 from
  ``book/_vendor/slides``, copied next to the decks; the template's mermaid import removed).

Speaker notes live only here, in the instructor's material (press ``s`` in a deck). ``--check``
writes nothing and exits 1 when a committed deck notebook differs from what would be written.
"""

from __future__ import annotations

import base64
import copy
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from . import vendor
from .course import ROOT
from .generated import write_or_check

DECKS = ROOT / "book" / "instructor" / "decks"
DEFAULT_DEST = ROOT / "_build" / "slides"
ASSETS = "_vendor"  # folder next to the decks; every URL in a deck is relative to it
MAX_WORDS = 60  # per slide, title included
SLIDE_MINUTES = 2.0  # default lecture time of a slide
DEMO_MINUTES = 4.0  # default for a slide with a live explorer
WIDTH, HEIGHT = 1280, 720  # reveal.js canvas: a projector's 16:9
MEDIA = ("explorer", "figure")
SLIDE_KEYS = {"title", "text", "notes", "minutes", *MEDIA}
_ROLE = re.compile(r"\{[a-z:-]+\}`")  # MyST roles: Sphinx-only, printed raw on a slide
WORD = re.compile(r"[\w'’−-]+")

# URLs the reveal template loads, relative to a deck (see vendor.SLIDES_PACKAGES).
URLS = {
    "reveal_url_prefix": f"{ASSETS}/reveal.js",
    "jquery_url": f"{ASSETS}/jquery/jquery.min.js",
    "require_js_url": f"{ASSETS}/require.js",
    "mathjax_url": f"{ASSETS}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "mermaid_js_url": "",
    "mermaid_layout_elk_js_url": "",
}

# The reveal template, minus its unconditional mermaid import (a CDN request), plus an empty
# favicon (no request for /favicon.ico), headings in their own case (the white theme
# upper-cases them) and sizes a room can read: body text 30 px, figures at least 860 px wide
# (their 12 pt text then shows at 24 px or more), explorers drawn with 24 px text.
TEMPLATE_NAME = "failurelab_slides.html.j2"
TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_requirejs -%}
<link rel="icon" href="data:,">
{{ super() }}
{%- endblock html_head_js_requirejs -%}
{%- block html_head_css -%}
<style>
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3 { text-transform: none; }
.reveal .slides { text-align: left; }
.reveal .slides section, .reveal .jp-RenderedHTMLCommon { font-size: 30px; line-height: 1.35; }
.reveal .jp-RenderedHTMLCommon h2 { font-size: 42px; margin: 0 0 0.3em; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
.reveal .jp-RenderedMarkdown img { width: 860px; max-width: 100%; max-height: 560px;
  object-fit: contain; }
.reveal .fl-explorer { --fl-font: 24px; font-size: 24px; max-width: 1200px; }
.reveal .fl-explorer .fl-sentence { font-size: 18px; margin: 2px 0; }
.reveal section:has(.fl-explorer) .jp-RenderedHTMLCommon h2 { font-size: 34px; margin: 0 0 0.15em; }
.reveal section:has(.fl-explorer) .jp-RenderedHTMLCommon p { margin: 0 0 0.2em; }
.reveal .fl-explorer .fl-controls { margin: 0 0 4px; gap: 2px 24px; }
.reveal .fl-explorer .fl-control { gap: 2px 8px; }
.reveal .fl-explorer input[type=range] { width: 200px; }
.reveal .fl-explorer .fl-box { width: 3.6em; padding: 0 4px; }
.reveal .fl-explorer select, .reveal .fl-explorer button { padding: 0 6px; }
.reveal .fl-explorer .fl-extra { font-size: 18px; margin: 2px 0; }
/* An explorer slide is a column 720 px high: title, line, controls and figure keep their size;
   the sentence and the notes under (or above) the figure share what is left, and scroll in it. */
.reveal .slides section.present:has(.fl-explorer) { display: flex !important;
  flex-direction: column; height: 720px; box-sizing: border-box; }
.reveal section:has(.fl-explorer) > .jp-CodeCell,
.reveal section:has(.fl-explorer) > .jp-CodeCell .jp-Cell-outputWrapper,
.reveal section:has(.fl-explorer) > .jp-CodeCell .jp-OutputArea,
.reveal section:has(.fl-explorer) > .jp-CodeCell .jp-OutputArea-child,
.reveal section:has(.fl-explorer) > .jp-CodeCell .jp-OutputArea-output,
.reveal .fl-explorer { display: flex; flex-direction: column; flex: 1 1 auto; min-height: 0;
  overflow: visible; }
.reveal section:has(.fl-explorer) > .jp-MarkdownCell, .reveal .fl-explorer > * { flex: none; }
.reveal section:has(.fl-explorer) .jp-OutputCollapser, .reveal .fl-explorer > .fl-extra:empty {
  display: none; }
.reveal .fl-explorer > .fl-sentence, .reveal .fl-explorer > .fl-extra { flex: 0 1 auto;
  min-height: 1.4em; overflow-y: auto; }
</style>
{%- endblock html_head_css -%}
"""


class DeckError(ValueError):
    """A deck file that cannot become a deck; the message names the deck and the slide."""


@dataclass(frozen=True)
class Slide:
    title: str
    text: str
    notes: str
    minutes: float
    explorer: dict | None = None
    figure: dict | None = None

    @property
    def words(self) -> int:
        return len(WORD.findall(self.title)) + len(WORD.findall(self.text))


@dataclass(frozen=True)
class Deck:
    name: str
    title: str
    notebooks: tuple[str, ...]
    slides: tuple[Slide, ...]

    @property
    def minutes(self) -> float:
        return sum(s.minutes for s in self.slides)


def read_deck(path) -> Deck:
    """A deck from its YAML file, checked: every slide within the limits of a lecture slide."""
    path = Path(path)
    where = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DeckError(f"{where}: not readable as YAML ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("slides"), list) or not raw["slides"]:
        raise DeckError(f"{where}: needs a title, notebooks and a list of slides")
    notebooks = tuple(raw.get("notebooks") or ())
    for nb in notebooks:
        if not (ROOT / nb).is_file():
            raise DeckError(f"{where}: notebook {nb} not found")
    slides = []
    for i, item in enumerate(raw["slides"], 1):
        at = f"{where}, slide {i}"
        if not isinstance(item, dict) or not item.get("title"):
            raise DeckError(f"{at}: a slide needs a title")
        unknown = set(item) - SLIDE_KEYS
        if unknown:
            raise DeckError(f"{at}: unknown key(s) {', '.join(sorted(unknown))}; "
                            f"a slide has {', '.join(sorted(SLIDE_KEYS))}")
        media = [m for m in MEDIA if m in item]
        if len(media) > 1:
            raise DeckError(f"{at}: one explorer or one figure per slide, not both")
        text = str(item.get("text") or "").strip()
        if _ROLE.search(item["title"] + text):
            raise DeckError(f"{at}: MyST roles ({{cite:p}} ...) print raw on a slide; write "
                            "the citation out, e.g. (Refalo 2024)")
        notes = str(item.get("notes") or "").strip()
        if not notes:
            raise DeckError(f"{at}: speaker notes are missing (what does the slide leave out?)")
        default = DEMO_MINUTES if "explorer" in item else SLIDE_MINUTES
        slide = Slide(item["title"].strip(), text, notes, float(item.get("minutes", default)),
                      item.get("explorer"), item.get("figure"))
        if slide.words > MAX_WORDS:
            raise DeckError(f"{at}: {slide.words} words; a slide holds at most {MAX_WORDS}")
        slides.append(slide)
    return Deck(path.stem, str(raw.get("title") or path.stem), notebooks, tuple(slides))


def deck_files(folder=DECKS) -> list[Path]:
    return sorted(Path(folder).glob("*.yml"))


# --- the deck notebook ------------------------------------------------------------------------

def _explorer_cell(spec, at):
    from failurelab import widgets

    name, params = spec.get("name"), spec.get("params") or {}
    cls = getattr(widgets, str(name), None)
    if cls is None or name not in widgets.__all__ or not name.endswith("Explorer"):
        raise DeckError(f"{at}: no explorer {name!r} in failurelab.widgets")
    try:
        explorer = cls(**params)
    except (TypeError, ValueError) as exc:
        raise DeckError(f"{at}: {name}({params}) refused: {exc}") from exc
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(f"from failurelab.widgets import {name}\n\n{name}({args})")
    cell.metadata["tags"] = ["remove-input"]
    cell.metadata["jupyter"] = {"source_hidden": True}
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": explorer.html(), "text/plain": f"{name}: run this cell to start it."})]
    return cell


def _figure_png(spec, at) -> str:
    """The base64 PNG of a notebook's figure cell (by cell id)."""
    path, cell_id = spec.get("notebook"), spec.get("cell")
    if not path or not (ROOT / path).is_file():
        raise DeckError(f"{at}: figure notebook {path!r} not found")
    nb = nbformat.read(ROOT / path, as_version=4)
    cell = next((c for c in nb.cells if c.get("id") == cell_id), None)
    if cell is None:
        raise DeckError(f"{at}: {path} has no cell with id {cell_id!r}")
    pngs = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
    if len(pngs) != 1:
        raise DeckError(f"{at}: cell {cell_id} of {path} has {len(pngs)} figures, not one")
    return "".join(pngs[0])


def deck_notebook(deck: Deck):
    """The deck as a notebook: one slide per slide, its medium, then its speaker notes."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    # RISE: the room-sized theme without web fonts; a long explorer slide may scroll in a live demo
    nb.metadata["rise"] = {"theme": "white", "width": WIDTH, "height": HEIGHT, "scroll": True}
    nb.metadata["title"] = deck.title
    for i, slide in enumerate(deck.slides, 1):
        at = f"{deck.name}, slide {i}"
        source = f"## {slide.title}" + (f"\n\n{slide.text}" if slide.text else "")
        cells = [nbformat.v4.new_markdown_cell(source)]
        if slide.figure:
            png = _figure_png(slide.figure, at)
            alt = str(slide.figure.get("alt") or slide.title).replace("]", "")
            cells[0].source += f"\n\n![{alt}](attachment:figure.png)"
            cells[0].attachments = {"figure.png": {"image/png": png}}
        if slide.explorer:
            cells.append(_explorer_cell(slide.explorer, at))
        notes = nbformat.v4.new_markdown_cell(slide.notes)
        cells.append(notes)
        cells[0].metadata["slideshow"] = {"slide_type": "slide"}
        for cell in cells[1:-1]:
            cell.metadata["slideshow"] = {"slide_type": "-"}
        notes.metadata["slideshow"] = {"slide_type": "notes"}
        nb.cells.extend(cells)
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"{deck.name}-{k}"  # stable ids: the committed notebook is reproducible
    return nb


def notebook_text(nb) -> str:
    return nbformat.writes(nb) + "\n"


# --- export -------------------------------------------------------------------------------------

def _exporter():
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.SlidesExporter.update(URLS)
    # "white" has its fonts in the npm package; nbconvert's default "simple" loads Google Fonts
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_scroll = False  # a slide that does not fit is a bug, not a scroll
    config.SlidesExporter.reveal_width = str(WIDTH)
    config.SlidesExporter.reveal_height = str(HEIGHT)
    config.SlidesExporter.reveal_number = "c/t"
    config.SlidesExporter.exclude_input = True
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    exporter = SlidesExporter(config=config, extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})])
    exporter.template_file = TEMPLATE_NAME
    return exporter


def copy_assets(dest: Path) -> None:
    """Copy the vendored files a deck loads into ``dest/_vendor`` (checked against checksums)."""
    source, target = vendor.SLIDES_DEST, Path(dest) / ASSETS
    if target.exists():
        shutil.rmtree(target)
    problems = vendor.check(source)
    if problems:
        raise RuntimeError(
            f"vendored files in {source} do not match checksums.json ({problems[0]}, ...); "
            "run `python -m tools vendor`"
        )
    for rel in vendor.manifest_files(source):
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target / rel)


@dataclass(frozen=True)
class Exported:
    deck: Deck
    path: Path
    size_bytes: int
    seconds: float


def export_deck(deck: Deck, nb, dest: Path, exporter=None) -> Exported:
    """Write ``dest/<deck>.html`` from the deck notebook (assets expected in ``dest/_vendor``)."""
    start = time.perf_counter()
    exporter = exporter or _exporter()
    html, _ = exporter.from_notebook_node(copy.deepcopy(nb), resources={"metadata": {"name": deck.name}})
    path = Path(dest) / f"{deck.name}.html"
    path.write_text(html, encoding="utf-8")
    return Exported(deck, path, path.stat().st_size, time.perf_counter() - start)


def build(dest=DEFAULT_DEST, folder=DECKS, only=None, check=False):
    """Every deck of ``folder`` (or those named in ``only``): the deck notebook written next to
    its YAML (or checked), the reveal.js deck exported into ``dest``. Returns (exit code, exported)."""
    files = deck_files(folder)
    if only:
        unknown = set(only) - {f.stem for f in files}
        if unknown:
            raise DeckError(f"unknown deck(s) {', '.join(sorted(unknown))}; choose from "
                            f"{', '.join(f.stem for f in files)}")
        files = [f for f in files if f.stem in only]
    if not files:
        raise DeckError(f"no deck files (*.yml) in {folder}")
    code, exported = 0, []
    if not check:
        Path(dest).mkdir(parents=True, exist_ok=True)
        copy_assets(Path(dest))
    exporter = None if check else _exporter()
    for path in files:
        deck = read_deck(path)
        nb = deck_notebook(deck)
        code |= write_or_check(path.with_suffix(".ipynb"), notebook_text(nb),
                               "python -m tools slides", check)
        if not check:
            exported.append(export_deck(deck, nb, Path(dest), exporter))
    return code, exported


def _run(args) -> int:
    try:
        code, exported = build(Path(args.dest), only=args.deck or None, check=args.check)
    except (RuntimeError, ValueError) as exc:
        print(f"slides: {exc}", file=sys.stderr)
        return 1
    for e in exported:
        words = sorted(s.words for s in e.deck.slides)
        print(f"{e.path}: {len(e.deck.slides)} slides, about {e.deck.minutes:.0f} min, words per "
              f"slide median {words[len(words) // 2]} max {words[-1]}, "
              f"{e.size_bytes / 1e6:.1f} MB, {e.seconds:.1f} s")
    return code


def register(subparsers) -> None:
    """Add the ``slides`` command."""
    p = subparsers.add_parser(
        "slides",
        help="build the lecture decks (deck notebooks + offline reveal.js decks in _build/slides)",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("--dest", default=str(DEFAULT_DEST), help="output folder (default: %(default)s)")
    p.add_argument("--deck", action="append", help="only this deck (file stem; repeatable)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a committed deck notebook is stale")
    p.set_defaults(func=_run)


def png_size(b64: str) -> tuple[int, int]:
    """(width, height) of a base64 PNG (its IHDR chunk)."""
    head = base64.b64decode(b64[:64])
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
