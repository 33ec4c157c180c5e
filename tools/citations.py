"""``citations``: the course cites as plain Markdown links that read the same everywhere.

A citation is ``[Refalo et al. 2024](https://doi.org/10.1080/02640414.2024.2321021)`` (or, in a
sentence, ``[Refalo et al. (2024)](...)``): JupyterLab, RISE, the book and the decks all show
it as a link to the paper, where a Sphinx role (``{cite:p}`refalo2024```) would print raw
outside the book. The label and the address come from ``book/references.bib``: the DOI, else
the entry's URL, else the book's bibliography page (a book cited by ISBN).

``citations --apply [FILE ...]`` rewrites Sphinx citation roles into such links (default: every
course notebook and book page); ``--check`` exits 1 if a role is left or a link's label or
address does not match its entry.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

from .course import ROOT, course_notebooks

BIB = ROOT / "book" / "references.bib"
ROLE = re.compile(r"\{cite(?::([a-z]+))?\}`([^`]+)`")
_TARGET = r"(?:[^()\s]|\([^()\s]*\))+"  # a link target; DOIs may hold balanced parentheses
LINK = re.compile(r"\[([^\]\[]+?) \(?(\d{4}[a-z]?|n\.d\.)\)?\]\((" + _TARGET + r")\)")


@cache
def entries(bib=BIB) -> dict[str, dict]:
    """{key: {"who": "Refalo et al.", "year": "2024", "url": ...}} from the BibTeX file."""
    import latexcodec  # noqa: F401  (registers the "latex" codec: Mor\\'an -> Morán)
    from pybtex.database import parse_file

    out = {}
    for key, entry in parse_file(str(bib)).entries.items():
        names = [" ".join(p.last_names).encode().decode("latex+utf8").replace("{", "").replace("}", "")
                 for p in entry.persons.get("author", [])]
        who = f"{names[0]} et al." if len(names) > 2 else " & ".join(names) or key
        doi = entry.fields.get("doi")
        url = f"https://doi.org/{doi}" if doi else entry.fields.get("url")
        out[key] = {"who": who, "year": entry.fields.get("year", "n.d."), "url": url}
    return out


def link(key, narrative=False, bibliography="bibliography.md"):
    """The Markdown link of one entry: "[Refalo et al. 2024](...)", narrative
    "[Refalo et al. (2024)](...)"."""
    e = entries().get(key)
    if e is None:
        raise KeyError(f"{key!r} is not in {BIB.name}")
    label = f"{e['who']} ({e['year']})" if narrative else f"{e['who']} {e['year']}"
    return f"[{label}]({e['url'] or bibliography})"


def rewrite(text, bibliography="bibliography.md"):
    """``text`` with every citation role as links: ``{cite:p}`a,b``` -> "(A 2020; B 2021)",
    ``{cite:t}`a``` -> "A (2020)"."""

    def replace(match):
        kind, keys = match.group(1) or "p", [k.strip() for k in match.group(2).split(",")]
        links = [link(k, narrative=kind == "t", bibliography=bibliography) for k in keys if k]
        return "; ".join(links) if kind == "t" else "(" + "; ".join(links) + ")"

    return ROLE.sub(replace, text)


def problems(text) -> list[str]:
    """Roles left in ``text``, and links whose label and address match no entry."""
    found = [f"role left: {m.group(0)}" for m in ROLE.finditer(text)]
    known = {(e["who"], e["year"], e["url"]) for e in entries().values()}
    by_label = {(e["who"], e["year"]) for e in entries().values()}
    for m in LINK.finditer(text):
        who, year, url = m.group(1), m.group(2), m.group(3)
        if (who, year) not in by_label:
            continue  # a link to some other page, not a citation
        if "bibliography" in url:
            if not any(w == who and y == year and u is None for w, y, u in known):
                found.append(f"{who} {year}: has a DOI or URL; link it, not the bibliography")
        elif (who, year, url) not in known:
            found.append(f"{who} {year}: {url} is not its entry's address")
    return found


def course_files(root=ROOT) -> list[Path]:
    """The files that cite: course notebooks and book pages."""
    root = Path(root)
    return [*course_notebooks(root), *sorted((root / "book").rglob("*.md")),
            *sorted((root / "chapters").glob("*/index.md"))]


def _bibliography_link(path: Path) -> str:
    rel = Path("book/bibliography.md")
    depth = len(path.resolve().relative_to(ROOT).parts) - 1
    return "../" * depth + rel.as_posix()


def apply(path: Path) -> bool:
    """Rewrite the roles of one file (notebook Markdown cells, or a Markdown page)."""
    path = Path(path)
    target = _bibliography_link(path)
    if path.suffix == ".ipynb":
        import nbformat

        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            if cell.cell_type == "markdown" and ROLE.search(cell.source):
                cell.source = rewrite(cell.source, target)
                changed = True
        if changed:
            nbformat.write(nb, path)
        return changed
    text = path.read_text(encoding="utf-8")
    new = rewrite(text, target)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def _text(path: Path) -> str:
    if path.suffix == ".ipynb":
        import nbformat

        nb = nbformat.read(path, as_version=4)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


def check(paths) -> list[str]:
    return [f"{Path(p).relative_to(ROOT)}: {problem}" for p in paths for problem in problems(_text(Path(p)))]


def register(sub):
    p = sub.add_parser("citations", help="cite as Markdown links (rewrite {cite} roles; check links)")
    p.add_argument("paths", nargs="*", help="files (default: every course notebook and book page)")
    p.add_argument("--apply", action="store_true", help="rewrite citation roles into links")
    p.add_argument("--check", action="store_true", help="exit 1 if a role is left or a link is wrong")
    p.set_defaults(func=_run)


def _run(args) -> int:
    paths = [Path(p).resolve() for p in args.paths] or course_files()
    if args.apply:
        for path in paths:
            if apply(path):
                print(f"rewrote {path.relative_to(ROOT)}")
    found = check(paths)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if (found and (args.check or args.apply)) else 0
