"""``slides``: one offline reveal.js deck per chapter from the executed notebooks.

Each chapter's notebooks (in ``_toc.yml`` order) are joined into one notebook and exported
with nbconvert's reveal template, using the saved outputs (nothing is re-executed); the
explorers' saved HTML views run in the deck with no kernel. Cells follow their ``slideshow.slide_type`` (slide / subslide / fragment / skip
/ notes); "notes" cells become reveal.js speaker notes (press ``s``). The deck loads only local
files: reveal.js 4.0.2, require.js, jQuery and MathJax 2.7 from ``book/_vendor/slides`` (written
by the ``vendor`` command) are copied next to the decks, and the template's mermaid import is
removed.
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import vendor
from .course import ROOT, Chapter, chapters_from_toc

BIB = ROOT / "book" / "references.bib"
DEFAULT_DEST = ROOT / "_build" / "slides"
ASSETS = "_vendor"  # folder next to the decks; every URL in a deck is relative to it
MINUTES_PER_SLIDE = (1.0, 1.5)  # lecture pace incl. demos, for the duration estimate
VISIBLE = {"slide", "subslide", "fragment", "-"}

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
# favicon (no request for /favicon.ico) and headings in their own case (the white theme
# upper-cases them).
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
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3, .reveal .slides h4 {
  text-transform: none;
}
</style>
{%- endblock html_head_css -%}
"""


@dataclass(frozen=True)
class Deck:
    """One exported deck."""

    chapter: Chapter
    path: Path
    slides: int
    notes: int
    size_bytes: int
    seconds: float

    @property
    def minutes(self) -> tuple[float, float]:
        """Estimated lecture time (low, high) at MINUTES_PER_SLIDE."""
        return tuple(round(self.slides * m) for m in MINUTES_PER_SLIDE)


# --- MyST that nbconvert's plain Markdown renderer would print raw --------------------------

_CITE = re.compile(r"\{cite:([pt])\}`([^`]+)`")
_ADMONITION = re.compile(
    r"^```\{(?:admonition|note|tip|warning|important)\}[ \t]*([^\n]*)\n"  # title
    r"((?::\w+:[^\n]*\n)*)"  # options such as :class: warning
    r"(.*?)^```[ \t]*$",  # body
    re.MULTILINE | re.DOTALL,
)
_LOCAL_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?!https?:|#)[^)]*\.(?:md|ipynb)(?:#[^)]*)?\)")


def citation_labels(bib=BIB) -> dict[str, tuple[str, str]]:
    """{key: (authors as cited, year)} from a BibTeX file, e.g. ("Potvin & Fuglevand", "2017")."""
    from pybtex.database import parse_file

    if not Path(bib).is_file():
        raise ValueError(f"bibliography not found: {bib}")
    labels = {}
    for key, entry in parse_file(str(bib)).entries.items():
        people = entry.persons.get("author", [])
        names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
        if len(names) > 2:
            who = f"{names[0]} et al."
        else:
            who = " & ".join(names) or key
        labels[key] = (who, entry.fields.get("year", "n.d."))
    return labels


def myst_to_markdown(text: str, labels: dict[str, tuple[str, str]]) -> str:
    """Rewrite the MyST the chapters use into plain Markdown for slides.

    ``{cite:p}`a,b``` -> "(A 2020; B 2021)", ``{cite:t}`a``` -> "A (2020)", admonition
    fences -> a block quote with a bold title, links to other pages of the book -> their text.
    """

    def cite(match):
        keys = [k.strip() for k in match.group(2).split(",")]
        found = [labels.get(k, (k, "")) for k in keys]
        if match.group(1) == "t":
            return "; ".join(f"{who} ({year})" if year else who for who, year in found)
        return "(" + "; ".join(f"{who} {year}".strip() for who, year in found) + ")"

    def admonition(match):
        title, body = match.group(1).strip(), match.group(3).strip("\n")
        lines = ([f"**{title}**", ""] if title else []) + body.splitlines()
        return "\n".join(f"> {line}".rstrip() for line in lines)

    text = _CITE.sub(cite, text)
    text = _ADMONITION.sub(admonition, text)
    return _LOCAL_LINK.sub(r"\1", text)


# --- joining a chapter into one deck notebook --------------------------------------------------


def slide_type(cell) -> str:
    """The cell's slideshow type; "-" (continue the current slide) when unset."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") or "-"


def _for_slides(cell, labels):
    """A copy of the cell as it appears on a slide, or None if the book removes it."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    if "remove-cell" in tags:
        return None
    cell = copy.deepcopy(cell)
    if cell.cell_type == "markdown":
        cell.source = myst_to_markdown(cell.source, labels)
    return cell


def join_notebooks(paths, labels=None):
    """One notebook holding the slide-visible cells of ``paths`` in order.

    The first visible cell of every notebook starts a new slide (a notebook never continues the
    previous one's last slide); cells tagged ``remove-cell`` (hidden checks) are dropped.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("join_notebooks needs at least one notebook")
    labels = citation_labels() if labels is None else labels
    joined = None
    for path in paths:
        if not path.is_file():
            raise ValueError(f"notebook not found: {path}")
        nb = nbformat.read(path, as_version=4)
        if joined is None:
            joined = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
            joined.metadata.pop("widgets", None)
        cells = [c for c in (_for_slides(c, labels) for c in nb.cells) if c is not None]
        first = next((c for c in cells if slide_type(c) in VISIBLE), None)
        if first is None:
            raise ValueError(f"{path.name}: every cell is skipped or notes; nothing to show")
        first.metadata.setdefault("slideshow", {})["slide_type"] = "slide"
        joined.cells.extend(cells)
    return joined


def count_slides(nb) -> int:
    """Slides reveal.js shows for a joined notebook: every slide and subslide (a vertical stack
    counts each of its slides), after the first visible cell, which always opens a slide."""
    types = [slide_type(c) for c in nb.cells if slide_type(c) in VISIBLE]
    if not types:
        return 0
    return 1 + sum(t in ("slide", "subslide") for t in types[1:])


# --- export -------------------------------------------------------------------------------------


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.SlidesExporter.update(URLS)
    # "white" has its fonts in the npm package; nbconvert's default "simple" loads Google Fonts
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_scroll = True  # tall figure slides scroll instead of being cut off
    config.SlidesExporter.reveal_number = "c/t"
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input", "hide-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
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


def export_deck(chapter: Chapter, dest: Path, labels=None, exporter=None) -> Deck:
    """Write ``dest/<chapter>.html`` (assets are expected in ``dest/_vendor``)."""
    start = time.perf_counter()
    nb = join_notebooks(chapter.notebooks, labels)
    nb.metadata["title"] = chapter.title
    exporter = exporter or _exporter()
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": chapter.name}})
    path = Path(dest) / f"{chapter.name}.html"
    path.write_text(html, encoding="utf-8")
    notes = sum(slide_type(c) == "notes" for c in nb.cells)
    return Deck(chapter, path, count_slides(nb), notes, path.stat().st_size,
                time.perf_counter() - start)


def export_all(dest=DEFAULT_DEST, toc=ROOT / "_toc.yml", only=None, bib=BIB) -> list[Deck]:
    """Export one deck per chapter of ``toc`` (or the chapters named in ``only``) into ``dest``."""
    chapters = chapters_from_toc(toc)
    if only:
        unknown = set(only) - {c.name for c in chapters}
        if unknown:
            names = ", ".join(c.name for c in chapters)
            raise ValueError(
                f"unknown chapter(s) {', '.join(sorted(unknown))}; choose from {names}"
            )
        chapters = [c for c in chapters if c.name in only]
    if not chapters:
        raise ValueError(f"{toc} lists no chapter notebooks")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    copy_assets(dest)
    labels = citation_labels(bib)
    exporter = _exporter()
    return [export_deck(c, dest, labels, exporter) for c in chapters]


def _run(args) -> int:
    try:
        decks = export_all(Path(args.dest), only=args.chapter or None)
    except (RuntimeError, ValueError) as exc:
        print(f"slides: {exc}", file=sys.stderr)
        return 1
    for d in decks:
        low, high = d.minutes
        print(
            f"{d.path}: {d.slides} slides (~{low}-{high} min), {d.notes} speaker notes, "
            f"{d.size_bytes / 1e6:.1f} MB, {d.seconds:.1f} s"
        )
    return 0


def register(subparsers) -> None:
    """Add the ``slides`` command."""
    p = subparsers.add_parser(
        "slides",
        help="export one offline reveal.js deck per chapter into _build/slides",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("--dest", default=str(DEFAULT_DEST), help="output folder (default: %(default)s)")
    p.add_argument("--chapter", action="append", help="only this chapter folder (repeatable)")
    p.set_defaults(func=_run)
