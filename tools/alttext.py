"""``alttext``: give every figure output of a notebook alt text for the book.

myst-nb writes a notebook's PNG outputs as ``<img alt="../../_images/<hash>.png">``: the file
path is all a screen reader hears. The course already states what each figure shows in a
printed "What the figure shows: ..." line (``failurelab.plots.describe``) right after the
figure. This command copies that sentence into the figure cell's metadata,
``{"mystnb": {"image": {"alt": ...}}}``, which myst-nb uses as the ``alt`` attribute
(myst-nb docs, "Images and figures"; ``render_image_options``, cell key ``image``).

Where the sentence is looked for: the figure cell's own printed output, then the printed output
of the code cells that follow it, up to the next markdown cell or the next figure. Without such a
line the plot titles in the cell source are used (``title="..."``, ``set_title("...")``,
``suptitle("...")``; plain string literals only). A figure with neither is reported as missing.

``alttext [NOTEBOOK ...]`` (default: every notebook listed in _toc.yml) writes the metadata
(only the ``mystnb.image.alt`` key; outputs are not touched, so nbval is unaffected);
``--check`` writes nothing and exits 1 when a figure has no alt text or a stale one (e.g. the
notebook was re-executed and its describe line changed).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from failurelab.validation import fail

from .course import toc_notebooks

MARKER = "What the figure shows"
MAX_CHARS = 400  # long enough for the describe sentences; screen readers read it in one go
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
_TITLE_CALL = re.compile(r"\b(?:set_title|suptitle)\(\s*")
_TITLE_KW = re.compile(r"\btitle\s*=\s*")


@dataclass(frozen=True)
class AltText:
    """The alt text one figure cell has (``current``) and should have (``wanted``)."""

    cell: int  # index in nb.cells
    current: str | None
    wanted: str | None  # None: no describe line and no title found
    source: str  # "describe", "title" or "missing"

    @property
    def ok(self) -> bool:
        return self.wanted is not None and self.current == self.wanted


def is_figure_cell(cell) -> bool:
    """True for a code cell with an image output (a static figure; widget views do not count)."""
    if cell.get("cell_type") != "code":
        return False
    return any(mime in out.get("data", {}) for out in cell.get("outputs", []) for mime in IMAGE_MIMES)


def _printed(cell) -> str:
    """What a cell printed or displayed as text (``plots.describe`` displays its sentence)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            text = out.get("text", "")
        elif out.get("output_type") == "display_data" and "text/plain" in out.get("data", {}):
            text = out["data"]["text/plain"]
        else:
            continue
        parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def shorten(text: str, max_chars: int = MAX_CHARS) -> str:
    """``text`` cut after its last full sentence that fits in ``max_chars`` (or hard-cut with …)."""
    if max_chars < 20:
        raise ValueError(f"max_chars must be at least 20, got {max_chars}")
    text = _clean(text)
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    ends = [m.end() for m in re.finditer(r"[.;:!?](?=\s)", head + " ")]
    if ends and ends[-1] >= max_chars // 3:
        return head[: ends[-1]].rstrip()
    return head[: max_chars - 1].rstrip() + "\u2026"


def describe_line(nb, index: int) -> str | None:
    """The "What the figure shows: ..." text that belongs to the figure in cell ``index``."""
    _check_index(nb, index)
    for k in range(index, len(nb.cells)):
        cell = nb.cells[k]
        if k > index and (cell.get("cell_type") != "code" or is_figure_cell(cell)):
            break
        printed = _printed(cell)
        start = printed.find(MARKER)
        if start >= 0:
            return _clean(printed[start:])
    return None


def plot_titles(source: str) -> list[str]:
    """Plain string-literal plot titles in a cell's source, in order (f-strings are skipped)."""
    if not isinstance(source, str):
        fail(f"source must be a string, got {type(source).__name__}")
    titles = []
    for pattern in (_TITLE_CALL, _TITLE_KW):
        for m in pattern.finditer(source):
            literal = re.match(r"""(?:[rRbBuU]?)("[^"\n]*"|'[^'\n]*')""", source[m.end():])
            if literal:
                value = _clean(ast.literal_eval(literal.group(0)))
                if value and (m.start(), value) not in titles:
                    titles.append((m.start(), value))
    return [value for _, value in sorted(titles)]


def wanted_alt(nb, index: int) -> tuple[str | None, str]:
    """(alt text, where it came from) for the figure in cell ``index``."""
    text = describe_line(nb, index)
    if text:
        return shorten(text), "describe"
    titles = plot_titles(_source(nb.cells[index]))
    if titles:
        return shorten("Figure: " + "; ".join(titles) + "."), "title"
    return None, "missing"


def alt_texts(nb) -> list[AltText]:
    """One entry per figure cell of ``nb``: its current and wanted alt text."""
    result = []
    for index, cell in enumerate(nb.cells):
        if not is_figure_cell(cell):
            continue
        current = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        wanted, source = wanted_alt(nb, index)
        result.append(AltText(index, current, wanted, source))
    return result


def set_alt_texts(nb) -> int:
    """Write the wanted alt text into each figure cell's metadata; returns how many changed."""
    changed = 0
    for item in alt_texts(nb):
        if item.wanted is None or item.ok:
            continue
        meta = nb.cells[item.cell].setdefault("metadata", {})
        meta.setdefault("mystnb", {}).setdefault("image", {})["alt"] = item.wanted
        changed += 1
    return changed


def run(paths, check: bool = False, out=sys.stdout) -> int:
    """Apply (or with ``check`` only verify) alt texts; returns the exit code."""
    paths = [Path(p) for p in paths] if paths else toc_notebooks()
    problems = 0
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"{path} is not a notebook file (.ipynb)")
        nb = nbformat.read(path, as_version=4)
        items = alt_texts(nb)
        for item in items:
            if item.wanted is None:
                problems += 1
                print(f"{path}: cell {item.cell}: figure has no '{MARKER}' line and no plot "
                      "title; add a plots.describe(...) line after it", file=out)
            elif check and not item.ok:
                problems += 1
                state = "no alt text" if item.current is None else "stale alt text"
                print(f"{path}: cell {item.cell}: {state}; run `python -m tools "
                      f"alttext {path}`", file=out)
        if not check:
            changed = set_alt_texts(nb)
            if changed:
                nbformat.write(nb, path)
            print(f"{path}: {len(items)} figure(s), {changed} alt text(s) written", file=out)
    return 1 if problems else 0


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _check_index(nb, index):
    if not isinstance(index, int) or not 0 <= index < len(nb.cells):
        raise ValueError(f"cell index must be an integer in 0..{len(nb.cells) - 1}, got {index!r}")


def _arguments(p):
    p.add_argument("notebooks", nargs="*", help="notebooks (default: every notebook in _toc.yml)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a figure has missing or stale alt text")


def _run(args) -> int:
    try:
        return run(args.notebooks, args.check)
    except ValueError as exc:
        print(f"alttext: {exc}", file=sys.stderr)
        return 2


def register(subparsers) -> None:
    """Add the ``alttext`` command."""
    p = subparsers.add_parser("alttext", help="set figure alt text from the 'What the figure shows' lines",
                              description=__doc__.split("\n\n")[0])
    _arguments(p)
    p.set_defaults(func=_run)
