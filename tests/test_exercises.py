"""Exercises: the learner-copy tool and the exercise notebooks.

- learner tool: the single-source convention, and it never overwrites a learner's edited copy.
- exercises/*.ipynb: the committed outputs show every task of the chapter, in order, checked
  "correct" (nbval re-executes the notebooks and compares these outputs); the learner copies are
  current, hold no solution, and run without error with every check "not answered yet".

The checker itself is tested in tests/test_check_engine.py and tests/test_check_ch*.py.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from failurelab import check as chk
from tools import learner

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "exercises").glob("*.ipynb"))


# ---------------------------------------------------------------------------------------------
# learner tool: the single-source convention
# ---------------------------------------------------------------------------------------------
def test_solution_line_keeps_its_target():
    src = ("answer = pool.thresholds[0]  # SOLUTION\n"
           "a, b = f(x)  # SOLUTION\n"
           "x: float = 3  # SOLUTION\n"
           "total += 2  # SOLUTION\n"
           "print(x)  # SOLUTION\n"
           "check('1.1', answer)")
    out, removed = learner.strip_solutions(src)
    assert out.split("\n") == ["answer = ...  # your code here",
                               "a, b = ..., ...  # your code here",
                               "x: float = ...  # your code here",
                               "total += ...  # your code here",
                               "...  # your code here",
                               "check('1.1', answer)"]
    assert len(removed) == 5


def test_solution_block_becomes_its_stub_lines():
    src = ("def f():\n"
           "    # BEGIN SOLUTION\n"
           "    # STUB: return ...  # your code here\n"
           "    return 42\n"
           "    # END SOLUTION\n"
           "# BEGIN SOLUTION\n"
           "z = secret()\n"
           "# END SOLUTION\n"
           "y = 1")
    out, removed = learner.strip_solutions(src)
    assert out == "def f():\n    return ...  # your code here\n...\ny = 1"
    assert removed == ["    return 42", "z = secret()"]


@pytest.mark.parametrize("src, message", [
    ("# BEGIN SOLUTION\nx = 1", "without '# END SOLUTION'"),
    ("x = 1\n# END SOLUTION", "without '# BEGIN SOLUTION'"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
    ("# STUB: x = ...", "outside a BEGIN/END"),
    ("x = f(  # SOLUTION", "complete one-line statement"),
])
def test_broken_markers_are_reported_with_their_cell(src, message):
    with pytest.raises(learner.LearnerError, match=message) as err:
        learner.strip_solutions(src, "nb.ipynb: cell 3")
    assert "cell 3" in str(err.value)


def _tiny_source():
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# Title", id="title"),
        v4.new_code_cell("import math", id="setup", metadata={"tags": ["hide-input"]},
                         execution_count=1, outputs=[v4.new_output("stream", text="hi\n")]),
        v4.new_code_cell("answer = math.pi  # SOLUTION\nprint(answer)", id="task",
                         metadata={"tags": ["hide-input"], "execution": {"iopub.status.idle": "2024-01-01T00:00:00Z"}},
                         execution_count=2, outputs=[v4.new_output("stream", text="3.14\n")]),
        v4.new_markdown_cell("The answer is pi.", id="answer", metadata={"tags": ["solution"]}),
        v4.new_code_cell("secret = 1", id="dropped", metadata={"tags": ["solution"]}),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["widgets"] = {"state": {}}
    return nb


def test_learner_copy_of_a_tiny_notebook():
    nb = learner.make_learner_copy(_tiny_source(), "../tiny.ipynb")
    assert [c.id for c in nb.cells] == ["title", "setup", "task"]
    task = nb.cells[2]
    assert task.source == "answer = ...  # your code here\nprint(answer)"
    assert "tags" not in task.metadata and "execution" not in task.metadata
    assert nb.cells[1].metadata["tags"] == ["hide-input"]  # no solution there: tag kept
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells[1:])
    assert "widgets" not in nb.metadata
    meta = nb.metadata["failurelab"]
    assert meta["generated_from"] == "../tiny.ipynb"
    assert meta["generated_sha256"] == learner.content_sha256(nb) and learner.is_untouched(nb)
    nb.cells[2].source += "\n# my note"
    assert not learner.is_untouched(nb)


# ---------------------------------------------------------------------------------------------
# learner tool: writing, --check, and never overwriting a learner's work
# ---------------------------------------------------------------------------------------------
@pytest.fixture()
def tmp_source(tmp_path):
    """A copy of the first exercise source notebook in a temporary folder."""
    assert SOURCES, "no exercise notebooks in exercises/"
    src = tmp_path / SOURCES[0].name
    shutil.copy(SOURCES[0], src)
    return src


def _run(*args):
    out = io.StringIO()
    code = learner.run(*args, stream=out)
    return code, out.getvalue()


def test_generate_then_unchanged(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    assert _run([tmp_source], out_dir)[0] == 0
    target = out_dir / tmp_source.name
    assert target.exists() and learner.is_untouched(nbformat.read(target, as_version=4))
    code, text = _run([tmp_source], out_dir)
    assert code == 0 and "UNCHANGED" in text
    assert _run([tmp_source], out_dir, True)[0] == 0


def test_check_fails_when_missing_or_stale(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    code, text = _run([tmp_source], out_dir, True)
    assert code == 1 and "missing" in text
    assert not (out_dir / tmp_source.name).exists()  # --check writes nothing
    _run([tmp_source], out_dir)
    nb = nbformat.read(tmp_source, as_version=4)
    nb.cells[1].source += "\n\nA new sentence."
    nbformat.write(nb, tmp_source)
    code, text = _run([tmp_source], out_dir, True)
    assert code == 1 and "out of date" in text
    code, text = _run([tmp_source], out_dir)  # an untouched copy is simply updated
    assert code == 0 and "UPDATED" in text
    assert "A new sentence." in (out_dir / tmp_source.name).read_text(encoding="utf-8")
    assert _run([tmp_source], out_dir, True)[0] == 0


def test_an_edited_learner_copy_is_never_overwritten(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    code_cell = next(c for c in mine.cells if "# your code here" in c.source)
    code_cell.source = code_cell.source.replace("...  # your code here", "42  # my answer", 1)
    nbformat.write(mine, target)
    edited = target.read_bytes()

    nb = nbformat.read(tmp_source, as_version=4)  # the source changes after the learner's edit
    nb.cells[1].source += "\n\nUpdated text."
    nbformat.write(nb, tmp_source)
    code, text = _run([tmp_source], out_dir)
    assert code == 0 and "KEPT" in text and ".new.ipynb" in text
    assert target.read_bytes() == edited  # untouched
    beside = learner.new_path(target)
    assert beside.name == tmp_source.stem + ".new.ipynb"
    assert "Updated text." in beside.read_text(encoding="utf-8")
    assert learner.is_untouched(nbformat.read(beside, as_version=4))
    code, text = _run([tmp_source], out_dir, True)
    assert code == 1 and "edited" in text
    assert target.read_bytes() == edited


def test_a_learner_who_only_ran_the_notebook_keeps_the_outputs(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    code_cell = next(c for c in mine.cells if c.cell_type == "code")
    code_cell.execution_count = 1  # ran the setup cell, edited nothing
    nbformat.write(mine, target)
    nb = nbformat.read(tmp_source, as_version=4)
    nb.cells[1].source += "\n\nChanged."
    nbformat.write(nb, tmp_source)
    assert "KEPT" in _run([tmp_source], out_dir)[1]
    assert nbformat.read(target, as_version=4).cells == mine.cells


def _change_source(path, text):
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source += text
    nbformat.write(nb, path)


def test_an_edited_new_copy_is_never_overwritten_either(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    mine.cells.append(nbformat.v4.new_code_cell("my_work = 1"))
    nbformat.write(mine, target)
    _change_source(tmp_source, "\n\nFirst update.")
    assert "KEPT" in _run([tmp_source], out_dir)[1]
    beside = learner.new_path(target)
    taken = nbformat.read(beside, as_version=4)  # the learner takes the new version and works there
    taken.cells.append(nbformat.v4.new_code_cell("my_work_in_new = 2"))
    nbformat.write(taken, beside)
    edited_new = beside.read_bytes()

    assert "KEPT" in _run([tmp_source], out_dir)[1]  # nothing new: nothing written
    assert beside.read_bytes() == edited_new and not learner.new_path(target, 2).exists()
    _change_source(tmp_source, "\n\nSecond update.")
    code, text = _run([tmp_source], out_dir)
    second = learner.new_path(target, 2)
    assert code == 0 and second.name in text
    assert beside.read_bytes() == edited_new
    assert "Second update." in second.read_text(encoding="utf-8")


@pytest.mark.parametrize("edit", ["cell tag", "notebook metadata"])
def test_a_metadata_edit_counts_as_an_edit(tmp_source, tmp_path, edit):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    mine = nbformat.read(target, as_version=4)
    if edit == "cell tag":
        mine.cells[0].metadata["tags"] = ["my-bookmark"]
    else:
        mine.metadata["my_note"] = "come back to task 2"
    nbformat.write(mine, target)
    edited = target.read_bytes()
    _change_source(tmp_source, "\n\nUpdated.")
    assert "KEPT" in _run([tmp_source], out_dir)[1]
    assert target.read_bytes() == edited


def test_a_front_end_rewriting_kernel_metadata_is_not_an_edit(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    _run([tmp_source], out_dir)
    target = out_dir / tmp_source.name
    opened = nbformat.read(target, as_version=4)
    opened.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
    opened.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(opened, target)
    _change_source(tmp_source, "\n\nUpdated.")
    assert "UPDATED" in _run([tmp_source], out_dir)[1]


def test_a_bad_source_is_one_line_and_the_others_still_run(tmp_source, tmp_path):
    out_dir = tmp_path / "learner"
    not_a_notebook = tmp_path / "README.md"
    not_a_notebook.write_text("# not a notebook\n", encoding="utf-8")
    code, text = _run([tmp_path / "nope.ipynb", not_a_notebook, tmp_source], out_dir)
    errors = [line for line in text.splitlines() if line.startswith("ERROR")]
    assert code == 2 and len(errors) == 2
    assert "nope.ipynb" in errors[0] and "README.md" in errors[1]
    assert "Traceback" not in text
    assert (out_dir / tmp_source.name).exists()


# ---------------------------------------------------------------------------------------------
# The exercise notebooks of the course
# ---------------------------------------------------------------------------------------------
_STATUS = re.compile(r'class="failurelab-check" data-status="(\w+)"')


def _feedback(nb):
    """(cell id, status, plain text) of every check() output, in order."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            m = _STATUS.search(html)
            if m:
                found.append((cell.id, m.group(1), out["data"]["text/plain"]))
    return found


def _check_calls(nb):
    return sum(len(re.findall(r"^check\(", c.source, flags=re.MULTILINE))
               for c in nb.cells if c.cell_type == "code")


def _execute(path: Path, cwd: Path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _chapter_tasks(source: Path):
    """The registered task ids of the chapter of ``exercises/<NN>_<name>.ipynb``, in order."""
    chapter = f"{int(source.name[:2])}."
    return [t for t in chk.TASKS.ids() if t.startswith(chapter)]


def test_every_chapter_with_tasks_has_one_exercise_notebook():
    chapters = sorted({int(t.split(".")[0]) for t in chk.TASKS.ids()})
    assert chapters and [int(p.name[:2]) for p in SOURCES] == chapters


# The solutions run once per test session, in nbval (`make check`, `make test`): it re-executes
# each notebook and compares the outputs with the committed ones checked here, so a notebook whose
# inputs no longer give the checker's expected answers fails there.
@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_committed_outputs_show_every_task_of_the_chapter_correct(source):
    nb = nbformat.read(source, as_version=4)
    feedback = _feedback(nb)
    assert len(feedback) == _check_calls(nb) > 0, "execute the notebook and commit its outputs"
    assert [s for _, s, _ in feedback] == ["correct"] * len(feedback), feedback
    checked = [re.match(r"\S+ Task (\S+) \(", text).group(1) for _, _, text in feedback]
    assert checked == _chapter_tasks(source)


def test_learner_copies_are_current():
    out = io.StringIO()
    assert learner.run([], check=True, stream=out) == 0, (
        out.getvalue() + "\nregenerate with: python -m tools learner")


def test_learner_command_through_the_cli():
    proc = subprocess.run([sys.executable, "-m", "tools", "learner", "--check"],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "UNCHANGED" in proc.stdout


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_learner_copy_contains_no_solution(source):
    src = nbformat.read(source, as_version=4)
    copy_path = learner.learner_path(source)
    nb = nbformat.read(copy_path, as_version=4)
    text = copy_path.read_text(encoding="utf-8")
    for marker in ("# SOLUTION", "BEGIN SOLUTION", "END SOLUTION", "# STUB:"):
        assert marker not in text, marker
    assert not [c for c in nb.cells if learner.SOLUTION_TAG in c.metadata.get("tags", [])]
    solution_ids = {c.id for c in src.cells if learner.SOLUTION_TAG in c.metadata.get("tags", [])}
    assert solution_ids and not solution_ids & {c.id for c in nb.cells}
    code_lines = {line.strip() for c in nb.cells if c.cell_type == "code"
                  for line in c.source.split("\n")}
    removed = learner.solution_lines(src)
    assert removed
    for line in removed:
        code = re.sub(r"\s*#\s*SOLUTION\s*$", "", line).strip()
        assert code not in code_lines, line
        if "=" in code:  # the value of a '# SOLUTION' assignment
            value = code.split("=", 1)[1].strip()
            assert all(value not in c.source for c in nb.cells if c.cell_type == "code"), line
    assert all(c.outputs == [] and c.execution_count is None
               for c in nb.cells if c.cell_type == "code")
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_learner_copy_runs_and_every_check_is_unanswered(source):
    copy_path = learner.learner_path(source)
    nb = _execute(copy_path, copy_path.parent)  # raises CellExecutionError on error
    feedback = _feedback(nb)
    assert len(feedback) == _check_calls(nb) > 0
    for cid, status, text in feedback:
        assert status == "unanswered", (cid, text)
        assert "is not answered yet: replace `...` with your code" in text
