"""``learner``: make learner copies of the exercise notebooks (solutions removed).

Single source: each ``exercises/<name>.ipynb`` holds the tasks *with* their solutions; this
command writes ``exercises/learner/<name>.ipynb`` with outputs cleared, execution counts reset and
the solutions replaced by stubs. Authoring convention (after otter-grader's ``# SOLUTION``
markers; the markers are upper case and must be written exactly as shown):

- In a code cell, the lines from ``# BEGIN SOLUTION`` to ``# END SOLUTION`` (inclusive) are
  replaced by the stub lines written inside the block as ``# STUB: <line>`` comments (the text
  after ``# STUB:`` and one space, at the indentation of the comment), or by ``...`` if the block
  has no ``# STUB:`` line. Give every name the rest of the cell uses a stub, e.g.
  ``# STUB: answer = ...  # your code here``, so the learner copy still runs.
- A line ending in ``# SOLUTION`` keeps its assignment target and gets ``...`` as value:
  ``answer = pool.thresholds[0]  # SOLUTION`` becomes ``answer = ...  # your code here``
  (``a, b = f()`` becomes ``a, b = ..., ...``); a line that is not an assignment becomes ``...``.
- A cell (markdown or code) tagged ``solution`` is dropped.
- Tag solution code cells ``hide-input``, so the book shows them collapsed; the learner copy drops
  that tag from every cell whose solution it removed.

The learner copy records a sha256 of its own content (cell types, sources, outputs, execution
counts, cell tags and metadata, notebook metadata -- what a learner can change) in
``metadata.failurelab.generated_sha256``. A learner's edited copy is never overwritten: when the
existing copy no longer matches its recorded hash (edited, run, or not made by this tool), the
new version is written beside it as ``<name>.new.ipynb``, and the command says so. The same rule
protects that ``.new`` copy: once edited, the next version goes to ``<name>.new-2.ipynb`` (then
``-3``, ...). A file that cannot be read or written is reported on one line and the others are
still processed. ``--check`` writes nothing and exits 1 if any
learner copy is missing or differs from what would be generated (CI), 0 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import ROOT

EXERCISES = ROOT / "exercises"
LEARNER_DIR = "learner"
STUB_SUFFIX = "  # your code here"
SOLUTION_TAG = "solution"
UNHIDE_TAG = "hide-input"
GENERATED_BY = "python -m tools learner"

_BEGIN = re.compile(r"^\s*#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
_STUB = re.compile(r"^(?P<indent>\s*)#\s*STUB:(?: ?)(?P<text>.*)$")
_LINE = re.compile(r"^(?P<indent>\s*)(?P<code>.*?)\s*#\s*SOLUTION\s*$")
_DROP_CELL_METADATA = ("execution", "collapsed", "scrolled")
_DROP_NB_METADATA = ("widgets",)


class LearnerError(ValueError):
    """A source notebook breaks the authoring convention (message names file and cell)."""


# ---------------------------------------------------------------------------------------------
# Transforming a source notebook
# ---------------------------------------------------------------------------------------------
def _blank_value(line: str, where: str) -> str:
    """``target = value  # SOLUTION`` -> ``target = ...  # your code here``."""
    m = _LINE.match(line)
    indent, code = m["indent"], m["code"]
    try:
        body = ast.parse(code).body
    except SyntaxError:
        raise LearnerError(f"{where}: a '# SOLUTION' line must be a complete one-line statement, "
                           f"got {line.strip()!r}") from None
    if len(body) != 1:
        raise LearnerError(f"{where}: a '# SOLUTION' line needs exactly one statement, "
                           f"got {line.strip()!r}")
    stmt = body[0]
    value = getattr(stmt, "value", None)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and value is not None:
        target = code.encode()[: value.col_offset].decode().rstrip()
        last = stmt.targets[-1] if isinstance(stmt, ast.Assign) else None
        n = len(last.elts) if isinstance(last, (ast.Tuple, ast.List)) else 1
        return f"{indent}{target} {', '.join(['...'] * n)}{STUB_SUFFIX}"
    return f"{indent}...{STUB_SUFFIX}"


def strip_solutions(source: str, where: str = "cell") -> tuple[str, list[str]]:
    """Apply the convention to one code cell: (learner source, removed solution lines)."""
    out, removed, stubs = [], [], None
    begin_indent = ""
    for line in source.split("\n"):
        if _BEGIN.match(line):
            if stubs is not None:
                raise LearnerError(f"{where}: '# BEGIN SOLUTION' inside another solution block")
            stubs, begin_indent = [], line[: len(line) - len(line.lstrip())]
        elif _END.match(line):
            if stubs is None:
                raise LearnerError(f"{where}: '# END SOLUTION' without '# BEGIN SOLUTION'")
            out.extend(stubs or [f"{begin_indent}..."])
            stubs = None
        elif stubs is not None:
            m = _STUB.match(line)
            if m:
                stubs.append(m["indent"] + m["text"])
            elif line.strip():
                removed.append(line)
        elif _STUB.match(line):
            raise LearnerError(f"{where}: '# STUB:' outside a BEGIN/END SOLUTION block")
        elif _LINE.match(line):
            removed.append(line)
            out.append(_blank_value(line, where))
        else:
            out.append(line)
    if stubs is not None:
        raise LearnerError(f"{where}: '# BEGIN SOLUTION' without '# END SOLUTION'")
    return "\n".join(out), removed


def solution_lines(nb) -> list[str]:
    """Every code line the learner copy must not contain (for tests)."""
    removed = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            removed += strip_solutions(cell.source, f"cell {i}")[1]
    return removed


# Metadata a front end rewrites on its own (run timing, output collapsing, the kernel it found),
# so it does not count as a learner's edit.
_VOLATILE_CELL_METADATA = _DROP_CELL_METADATA
_VOLATILE_NB_METADATA = ("failurelab", "kernelspec", "language_info", "widgets")


def content_sha256(nb) -> str:
    """sha256 of what a learner can change: cells (type, source, outputs, execution count, tags
    and other metadata) and the notebook's own metadata."""
    cells = []
    for cell in nb.cells:
        item = {"cell_type": cell.cell_type, "source": cell.source,
                "metadata": {k: v for k, v in cell.get("metadata", {}).items()
                             if k not in _VOLATILE_CELL_METADATA}}
        if cell.cell_type == "code":
            item["outputs"] = cell.get("outputs", [])
            item["execution_count"] = cell.get("execution_count")
        if "attachments" in cell:
            item["attachments"] = cell["attachments"]
        cells.append(item)
    meta = {k: v for k, v in nb.get("metadata", {}).items() if k not in _VOLATILE_NB_METADATA}
    text = json.dumps({"cells": cells, "metadata": meta}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_sha256(nb):
    return nb.metadata.get("failurelab", {}).get("generated_sha256")


def is_untouched(nb) -> bool:
    """Does a learner copy still match the hash it was generated with?"""
    return recorded_sha256(nb) == content_sha256(nb)


def make_learner_copy(source_nb, generated_from: str = "") -> nbformat.NotebookNode:
    """The learner notebook for a source notebook (a new object; the source is not changed)."""
    nb = copy.deepcopy(source_nb)
    cells = []
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if SOLUTION_TAG in tags:
            continue
        for key in _DROP_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            where = f"{generated_from or 'notebook'}: cell {i}"
            cell.source, removed = strip_solutions(cell.source, where)
            if removed and UNHIDE_TAG in tags:  # the book hides solutions; learners need the stub
                kept = [t for t in tags if t != UNHIDE_TAG]
                cell.metadata.pop("tags")
                if kept:
                    cell.metadata["tags"] = kept
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    for key in _DROP_NB_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata["failurelab"] = {
        "generated_by": GENERATED_BY,
        "generated_from": generated_from,
        "generated_sha256": content_sha256(nb),
        "note": "Your copy: edit and run freely. Regenerating never overwrites an edited copy.",
    }
    return nb


def render(nb) -> str:
    """The file text, exactly as nbformat/Jupyter write it."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def learner_path(source: Path, out_dir: Path | None = None) -> Path:
    return (out_dir or source.parent / LEARNER_DIR) / source.name


def new_path(target: Path, number: int = 1) -> Path:
    """``<name>.new.ipynb``, then ``<name>.new-2.ipynb``, ``-3``, ... beside ``target``."""
    suffix = "" if number == 1 else f"-{number}"
    return target.with_name(f"{target.stem}.new{suffix}{target.suffix}")


def generate(source: Path, target: Path) -> str:
    """The learner copy of ``source`` as it would be written to ``target`` (file text)."""
    source_nb = nbformat.read(source, as_version=4)
    rel = Path(os.path.relpath(source.resolve(), target.parent.resolve())).as_posix()
    return render(make_learner_copy(source_nb, rel))


# ---------------------------------------------------------------------------------------------
# Writing (never over a learner's work)
# ---------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened (or would happen) to one learner copy."""

    target: Path
    action: str  # created, updated, unchanged, kept-edited (new version written beside), stale
    detail: str = ""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
    os.replace(tmp, path)


def _existing_state(target: Path) -> str:
    """missing, untouched (matches its recorded hash) or edited."""
    if not target.exists():
        return "missing"
    try:
        nb = nbformat.read(target, as_version=4)
    except Exception:  # noqa: BLE001 -- unreadable is treated as edited
        return "edited"  # unreadable: certainly not ours to overwrite
    return "untouched" if is_untouched(nb) else "edited"


def _free_beside(target: Path, text: str) -> Path:
    """The first ``.new`` path that is missing, untouched, or was made from this same version
    (edited since: the learner has it already)."""
    version = recorded_sha256(nbformat.reads(text, as_version=4))
    number = 1
    while True:
        beside = new_path(target, number)
        state = _existing_state(beside)
        if state != "edited" or recorded_sha256(nbformat.read(beside, as_version=4)) == version:
            return beside
        number += 1


def sync(source: Path, target: Path, write: bool = True) -> Outcome:
    """Bring one learner copy up to date (or, with ``write=False``, only say whether it is)."""
    text = generate(source, target)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current == text:
        return Outcome(target, "unchanged")
    state = _existing_state(target)
    if not write:
        detail = {"missing": "missing", "untouched": "out of date",
                  "edited": "edited (differs from its recorded hash)"}[state]
        return Outcome(target, "stale", detail)
    if state == "edited":
        beside = _free_beside(target, text)
        if _existing_state(beside) != "edited":
            _write(beside, text)
        return Outcome(target, "kept-edited", str(beside))
    _write(target, text)
    return Outcome(target, "created" if state == "missing" else "updated")


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run(sources, out_dir=None, check=False, stream=None) -> int:
    """Generate (or ``check``) learner copies; returns the exit code."""
    stream = stream or sys.stdout
    sources = [Path(s) for s in sources] or sorted(EXERCISES.glob("*.ipynb"))
    if not sources:
        print("learner: no exercise notebooks found", file=stream)
        return 1
    stale = failed = 0
    for source in sources:
        target = learner_path(source, Path(out_dir) if out_dir else None)
        try:
            outcome = sync(source, target, write=not check)
        except LearnerError as exc:
            print(f"learner: ERROR {exc}", file=stream)
            return 2
        except (OSError, nbformat.reader.NotJSONError, json.JSONDecodeError) as exc:
            failed += 1
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            print(f"ERROR     {_show(source)}: {reason} (close open learner notebooks, "
                  f"check the path and permissions)", file=stream)
            continue
        if outcome.action == "stale":
            stale += 1
            print(f"STALE     {_show(target)}: {outcome.detail}", file=stream)
        elif outcome.action == "kept-edited":
            print(f"KEPT      {_show(target)}: it was edited, so it is left untouched; "
                  f"the new version is in {_show(Path(outcome.detail))}", file=stream)
        else:
            print(f"{outcome.action.upper():<9} {_show(target)}", file=stream)
    if check and stale:
        print(f"learner: {stale} learner cop{'y is' if stale == 1 else 'ies are'} stale; "
              f"run `{GENERATED_BY}`", file=stream)
        return 1
    return 2 if failed else 0


def register(subparsers) -> None:
    """Add the ``learner`` command."""
    p = subparsers.add_parser(
        "learner", help="write learner copies of exercises/*.ipynb (solutions removed)",
        description=__doc__.split("\n\n")[0],
    )
    _arguments(p)
    p.set_defaults(func=_run)


def _arguments(p):
    p.add_argument("sources", nargs="*", help="source notebooks (default: exercises/*.ipynb)")
    p.add_argument("--out", help="folder for the learner copies (default: <source folder>/learner)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a learner copy is missing or stale")


def _run(args) -> int:
    return run(args.sources, args.out, args.check)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="learner", description=__doc__.split("\n\n")[0])
    _arguments(p)
    return _run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
