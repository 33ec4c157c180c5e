"""otter-grader assignments (``python -m tools assignments``): built from the single-source exercise
notebooks, graded with otter's own grader in a sandbox, with the learner's checker as the one
source of right answers. The prepared submissions of tests/data/submissions/ must give the
expected gradebook: right, partly right and broken ones (not JSON, another notebook, deleted
cells, code that raises or never ends), each bad one 0 for its tasks with a reason."""

from __future__ import annotations

import copy
import csv
import re
import secrets
import shutil
import socket
import threading

import nbformat
import pytest

from failurelab.check import TASKS
from tools import assignments
from tools.learner import solution_lines

ROOT = assignments.ROOT
SUBMISSIONS = ROOT / "tests" / "data" / "submissions" / "01_mechanism"
CELL_TIMEOUT_S = 20  # the looping cell costs this long; every real cell of exercises 1 takes < 5 s
CH1_TASKS = [t for t in TASKS.ids() if t.startswith("1.")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Exercises 1 as an otter assignment (otter's own solution run is left to `make
    assignments`: the all-right submission below proves the same)."""
    return assignments.build("01_mechanism", out=tmp_path_factory.mktemp("assignments"),
                             run_tests=False)


class _Listener:
    """A TCP server on the host's loopback that records whether anything connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    """The prepared submissions plus one that tries to leave its sandbox, graded two at a time."""
    folder = tmp_path_factory.mktemp("submissions")
    for path in SUBMISSIONS.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    listener = _Listener()
    probe = ROOT / "_build" / f"sandbox-escape-{secrets.token_hex(4)}"
    escape = nbformat.read(SUBMISSIONS / "all_right.ipynb", as_version=4)
    escape.cells.insert(1, nbformat.v4.new_code_cell(
        "import pathlib, socket\n"
        f"try:\n    pathlib.Path({str(probe)!r}).write_text('escaped')\n"
        "except OSError as exc:\n    print('write refused:', exc)\n"
        f"s = socket.socket()\ns.settimeout(3)\ntry:\n    s.connect(('127.0.0.1', {listener.port}))\n"
        "except OSError as exc:\n    print('connect refused:', exc)\n"))
    nbformat.write(escape, folder / "sandbox_escape.ipynb")
    try:
        results = assignments.grade_folder(folder, built, cell_timeout=CELL_TIMEOUT_S, timeout=300,
                                           jobs=2, progress=lambda _msg: None)
        gradebook = folder / "gradebook.csv"
        assignments.write_gradebook(results, built.tasks, gradebook)
        rows = {r["submission"]: r for r in csv.DictReader(gradebook.open(encoding="utf-8"))}
    finally:
        listener.close()
    escaped = probe.exists()
    probe.unlink(missing_ok=True)
    return rows, listener.connections, escaped


def test_every_task_cell_becomes_one_otter_question_that_calls_the_checker():
    source = nbformat.read(ROOT / "exercises" / "01_mechanism.ipynb", as_version=4)
    master, tasks = assignments.master_notebook(source, "01_mechanism")
    assert tasks == CH1_TASKS
    tests = [c.source for c in master.cells if c.cell_type == "code" and "BEGIN TEST CONFIG" in c.source]
    assert len(tests) == len(tasks)
    for task, test in zip(tasks, tests):
        assert f"def test_{assignments.question_name(task)}(env):" in test
        assert "from failurelab.check import check" in test and f"check({task!r}" in test
        assert not re.search(r"\d\.\d{3,}", test), "a test must not hold an expected number"
    config = master.cells[0].source
    assert config.startswith("# ASSIGNMENT CONFIG") and "failurelab-exercises-01_mechanism" in config


def test_stub_lines_stay_for_students_and_solutions_run_after_them():
    out = assignments.otter_solution_source(
        "# BEGIN SOLUTION\n# STUB: light = ...  # two counts\nlight = [1, 2]\n# END SOLUTION\ncheck('1.4', light=light)",
        "cell")
    assert out.split("\n") == ["light = ...  # two counts", "# BEGIN SOLUTION NO PROMPT",
                               "light = [1, 2]", "# END SOLUTION", "check('1.4', light=light)"]


@pytest.mark.parametrize("source, words", [
    ("check(task, x)", "name its task"),
    ("check('1.1', pool.thresholds[0])", "variables"),
    ("check('1.1', a)\ncheck('1.2', b)", "one check"),
])
def test_task_cells_that_otter_could_not_grade_are_refused_with_the_cell_named(source, words):
    with pytest.raises(assignments.LearnerError, match=words) as info:
        assignments.find_check(source, "01_mechanism.ipynb cell 7")
    assert "cell 7" in str(info.value)


def test_student_version_has_otter_checks_and_no_solution(built):
    student = nbformat.read(built.student, as_version=4)
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    source = nbformat.read(ROOT / "exercises" / "01_mechanism.ipynb", as_version=4)
    leaked = [line for line in solution_lines(source) if line.strip() and line.strip() in code]
    assert leaked == []
    assert student.metadata["otter"]["assignment_name"] == "failurelab-exercises-01_mechanism"
    for task in built.tasks:
        assert f'grader.check("{assignments.question_name(task)}")' in code
        assert re.search(rf"^check\(\"{re.escape(task)}\"", code, re.MULTILINE), task
    assert "light = ...  # [at the start, at failure]" in code  # the stub, as in the learner copy
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)


def test_prepared_submissions_give_the_expected_gradebook(graded):
    rows, _, _ = graded
    expected = list(csv.DictReader((SUBMISSIONS / "expected_gradebook.csv").open(encoding="utf-8")))
    for want in expected:
        got = rows[want["submission"]]
        assert {k: got[k] for k in want} == want, got


def test_feedback_is_the_checkers_hint_or_a_reason(graded):
    rows, _, _ = graded
    assert all(rows["all_right.ipynb"][f"feedback {t}"] == "1: correct" for t in CH1_TASKS)
    partly = rows["partly_right.ipynb"]
    assert "not the fraction" in partly["feedback 1.2"] and "`excitation`: correct" in partly["feedback 1.2"]
    assert "percentage" in partly["feedback 1.3"] and partly["feedback 1.3"].startswith("0: ")
    assert "not answered yet" in partly["feedback 1.4"]
    assert "not valid notebook JSON" in rows["broken_not_json.ipynb"]["problem"]
    assert all("not valid notebook JSON" in rows["broken_not_json.ipynb"][f"feedback {t}"] for t in CH1_TASKS)
    wrong = rows["broken_wrong_notebook.ipynb"]
    assert wrong["problem"].startswith("wrong notebook") and "02_evidence" in wrong["problem"]
    missing = rows["broken_missing_cells.ipynb"]
    assert "task 1.4 is missing" in missing["feedback 1.4"] and "task 1.5 is missing" in missing["feedback 1.5"]
    bad = rows["broken_loops_and_raises.ipynb"]
    assert "raised InputError" in bad["feedback 1.2"]
    assert f"longer than {CELL_TIMEOUT_S} s and was stopped" in bad["feedback 1.3"]


def test_a_submission_cannot_write_outside_its_sandbox_or_reach_the_network(graded):
    if not assignments._can_isolate():
        pytest.skip("needs root and `unshare` (the namespaces of the sandbox); CI runs as root")
    rows, connections, escaped = graded
    assert not escaped, "the submission wrote into the repository"
    assert connections == 0, "the submission reached a server outside its sandbox"
    assert rows["sandbox_escape.ipynb"]["total"] == "5"  # and it was graded as usual


def test_the_command_writes_a_gradebook_and_names_a_missing_build(tmp_path, capsys):
    from tools.__main__ import main

    assert main(["assignments", "grade", str(tmp_path), "--assignment", "no_such_exercises"]) == 1
    assert "assignments build" in capsys.readouterr().err


def test_grading_one_broken_file_never_runs_it(built, tmp_path):
    bad = tmp_path / "empty.ipynb"
    bad.write_text("", encoding="utf-8")
    other = tmp_path / "learner_copy.ipynb"  # the learner copy: right exercises, no otter metadata
    nb = copy.deepcopy(nbformat.read(ROOT / "exercises" / "learner" / "01_mechanism.ipynb", as_version=4))
    nbformat.write(nb, other)
    for path, words in [(bad, "not valid notebook JSON"), (other, "without this assignment's otter metadata")]:
        result = assignments.grade_submission(path, built, cell_timeout=5, timeout=5)
        assert words in result.problem and result.total == 0


def test_exercise_sources_follow_what_otter_needs():
    for name in assignments.exercise_names():
        nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
        _, tasks = assignments.master_notebook(nb, name)
        assert tasks == [t for t in TASKS.ids() if t.startswith(name[1] + ".")], name
