"""``assignments``: otter-grader assignments from the exercise notebooks, and a class's gradebook.

``python -m tools assignments build`` (``make assignments``) turns each single-source exercise
notebook ``exercises/<name>.ipynb`` into an otter-grader assignment in
``_build/assignments/<name>/``: ``student/<name>.ipynb`` (the version students get: solutions
removed, otter's ``grader.check`` cells added) and ``autograder/<name>-autograder_*.zip`` (what
grades their submissions). The otter master notebook in between (``master.ipynb``) is generated,
never edited: every code cell that calls ``check("1.2", ...)`` becomes one otter question worth
one point, whose test calls that same ``failurelab.check`` task -- the right answers live in
``failurelab/check/`` only, and a submission's feedback is the hint a learner sees in the notebook.
The authoring convention is the one of ``tools/learner.py`` (otter's own ``# SOLUTION`` /
``# BEGIN SOLUTION`` markers; ``# STUB:`` lines become the student's starting code; cells tagged
``solution`` are left out).

``python -m tools assignments grade SUBMISSIONS --assignment 01_mechanism -o gradebook.csv``
grades every ``*.ipynb`` in the folder SUBMISSIONS with otter's own grader (``otter run``), one
submission at a time in a sandbox (``tools/grade_one.py``: as root, new mount, network and PID namespaces,
a read-only file system but for a scratch folder, no capabilities, resource limits; every cell stopped after ``--cell-timeout``
seconds and the whole submission after ``--timeout``). The gradebook has one row per submission:
a score per task, the total, and the engine's feedback per task. A submission that is not JSON,
is another notebook, lacks a task's cell, raises or loops gets 0 for the tasks concerned with the
reason in the feedback, and the run goes on.
"""

from __future__ import annotations

import ast
import copy
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .course import ROOT
from .learner import SOLUTION_TAG, LearnerError

EXERCISES = ROOT / "exercises"
BUILD = ROOT / "_build" / "assignments"
GRADE_ONE = Path(__file__).with_name("grade_one.py")
CELL_TIMEOUT_S = 60  # one cell of the exercises runs in < 5 s; a loop is stopped here
SUBMISSION_TIMEOUT_S = 600  # everything for one submission, whatever happens
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
_STUB = re.compile(r"^(?P<indent>\s*)#\s*STUB:(?: ?)(?P<text>.*)$")


def question_name(task_id: str) -> str:
    """Otter's name of a task's question: ``"1.2"`` -> ``"task_1_2"``."""
    return "task_" + task_id.replace(".", "_")


def assignment_name(name: str) -> str:
    """The otter assignment name of ``exercises/<name>.ipynb`` (checked against submissions)."""
    return f"failurelab-exercises-{name}"


# ---------------------------------------------------------------------------------------------
# Building the otter master notebook from a source exercise notebook
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckCall:
    """A ``check("1.2", a, b=c)`` call of a task cell: the task and the variable of each answer."""

    task_id: str
    positional: str | None
    keywords: tuple[tuple[str, str], ...] = ()

    @property
    def variables(self) -> tuple[str, ...]:
        return ((self.positional,) if self.positional else ()) + tuple(v for _, v in self.keywords)

    def test_source(self) -> str:
        """The otter test cell (exception format): the same engine task, fed from the submission."""
        args = [repr(self.task_id)]
        if self.positional:
            args.append(f"env.get({self.positional!r})")
        args += [f"{k}=env.get({v!r})" for k, v in self.keywords]
        return "\n".join([
            '""" # BEGIN TEST CONFIG',
            "points: 1",
            '""" # END TEST CONFIG',
            f"def test_{question_name(self.task_id)}(env):",
            "    from failurelab.check import check  # the learner's checker: one source of answers",
            f"    feedback = check({', '.join(args)})",
            "    assert feedback.passed, repr(feedback)",
        ])


def find_check(source: str, where: str) -> CheckCall | None:
    """The top-level ``check(...)`` call of a code cell, or None if the cell has none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None  # e.g. a cell with top-level await (the JupyterLite bootstrap)
    calls = [node.value for node in tree.body if isinstance(node, ast.Expr)
             and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
             and node.value.func.id == "check"]
    if not calls:
        return None
    if len(calls) > 1:
        raise LearnerError(f"{where}: one check(...) call per task cell, found {len(calls)}")
    call = calls[0]
    if not call.args or not (isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
        raise LearnerError(f"{where}: check(...) must name its task first, e.g. check(\"1.2\", ...)")
    rest = call.args[1:]
    if len(rest) > 1 or not all(isinstance(a, ast.Name) for a in rest) or \
            not all(isinstance(k.value, ast.Name) and k.arg for k in call.keywords):
        raise LearnerError(f"{where}: check(...) must pass answers as variables "
                           "(check(\"1.2\", answer) or check(\"1.2\", part=variable))")
    return CheckCall(call.args[0].value, rest[0].id if rest else None,
                     tuple((k.arg, k.value.id) for k in call.keywords))


def otter_solution_source(source: str, where: str) -> str:
    """A source cell in otter's markers: a BEGIN/END SOLUTION block with ``# STUB:`` lines becomes
    the stub lines followed by a ``# BEGIN SOLUTION NO PROMPT`` block (the student keeps the
    stubs, the autograder runs the stubs and then the solution); other lines are unchanged."""
    out, block, stubs, indent = [], None, [], ""
    for line in source.split("\n"):
        if _BEGIN.match(line):
            if block is not None:
                raise LearnerError(f"{where}: '# BEGIN SOLUTION' inside another solution block")
            block, stubs, indent = [], [], _BEGIN.match(line)[1]
        elif _END.match(line):
            if block is None:
                raise LearnerError(f"{where}: '# END SOLUTION' without '# BEGIN SOLUTION'")
            if stubs:
                out += stubs + [f"{indent}# BEGIN SOLUTION NO PROMPT"] + block + [f"{indent}# END SOLUTION"]
            else:
                out += [f"{indent}# BEGIN SOLUTION"] + block + [f"{indent}# END SOLUTION"]
            block = None
        elif block is not None:
            m = _STUB.match(line)
            if m:
                stubs.append(m["indent"] + m["text"])
            else:
                block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise LearnerError(f"{where}: '# BEGIN SOLUTION' without '# END SOLUTION'")
    return "\n".join(out)


def _raw(text: str):
    return nbformat.v4.new_raw_cell(text)


def master_notebook(source_nb, name: str):
    """The otter-assign master notebook of a source exercise notebook (see the module docstring)."""
    config = {
        "name": assignment_name(name),
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": True,
        "tests": {"files": False, "ok_format": False},
        "generate": {"pdf": False, "filtering": False, "show_stdout": False},
    }
    cells = [_raw("# ASSIGNMENT CONFIG\n" + _yaml(config))]
    tasks = []
    for i, cell in enumerate(source_nb.cells):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        cell = copy.deepcopy(cell)
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        cell.outputs, cell.execution_count = [], None
        where = f"{name}.ipynb cell {i}"
        call = find_check(cell.source, where)
        cell.source = otter_solution_source(cell.source, where)
        if call is None:
            cells.append(cell)
            continue
        if call.task_id in tasks:
            raise LearnerError(f"{where}: task {call.task_id} is checked twice")
        tasks.append(call.task_id)
        cells += [_raw(f"# BEGIN QUESTION\nname: {question_name(call.task_id)}\npoints: 1"),
                  _raw("# BEGIN SOLUTION"), cell, _raw("# END SOLUTION"),
                  _raw("# BEGIN TESTS"), nbformat.v4.new_code_cell(call.test_source()),
                  _raw("# END TESTS"), _raw("# END QUESTION")]
    if not tasks:
        raise LearnerError(f"{name}.ipynb has no task cell (a code cell calling check(...))")
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source_nb.metadata))
    nb.metadata.pop("widgets", None)
    return nb, tasks


def _yaml(data) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


@dataclass
class Assignment:
    """A built assignment: where otter wrote the student notebook and the autograder."""

    name: str
    tasks: list
    folder: Path

    @property
    def student(self) -> Path:
        return self.folder / "student" / f"{self.name}.ipynb"

    @property
    def autograder(self) -> Path:
        found = sorted((self.folder / "autograder").glob("*-autograder_*.zip"))
        if not found:
            raise FileNotFoundError(f"no autograder zip in {self.folder / 'autograder'}: "
                                    "run `python -m tools assignments build`")
        return found[-1]


def build(name: str, out=BUILD, run_tests: bool = True, source_dir=EXERCISES) -> Assignment:
    """Write the master notebook of ``exercises/<name>.ipynb`` and run ``otter assign`` on it."""
    source = Path(source_dir) / f"{name}.ipynb"
    nb, tasks = master_notebook(nbformat.read(source, as_version=4), name)
    folder = Path(out) / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    master = folder / f"{name}.ipynb"  # otter names the outputs after the master
    nbformat.write(nb, master)
    cmd = [sys.executable, "-m", "otter", "assign", "--no-pdfs", str(master), str(folder)]
    if not run_tests:
        cmd.insert(-2, "--no-run-tests")
    proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if proc.returncode != 0:
        raise RuntimeError(f"otter assign failed for {name}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    master.rename(folder / "master.ipynb")
    return Assignment(name, tasks, folder)


def exercise_names(source_dir=EXERCISES) -> list[str]:
    return sorted(p.stem for p in Path(source_dir).glob("*.ipynb"))


# ---------------------------------------------------------------------------------------------
# Grading a folder of submissions
# ---------------------------------------------------------------------------------------------
@dataclass
class Graded:
    """One submission's result: score and feedback per task (0 and a reason where it failed)."""

    submission: str
    scores: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    problem: str = ""

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def _task_of_question(qname: str) -> str:
    return qname.removeprefix("task_").replace("_", ".")


def _feedback_text(message: str) -> str:
    """The engine's feedback out of otter's failure message (otter adds the test's source line)."""
    if "Test case passed" in message:
        return "correct"
    m = re.search(r"AssertionError: (.*)", message, flags=re.DOTALL)
    text = m[1] if m else message
    return " ".join(line.strip() for line in text.strip().splitlines() if line.strip())


def precheck(path: Path, expected_name: str, tasks: list) -> tuple[str, set]:
    """(problem with the whole file or "", task ids whose cell is missing) before running anything."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read ({type(exc).__name__})", set()
    try:
        nb = nbformat.reads(raw, as_version=4)
    except Exception as exc:  # noqa: BLE001 -- json.JSONDecodeError, nbformat's own errors, ...
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"not a notebook: not valid notebook JSON ({first[:120]})", set()
    meta = nb.metadata.get("otter", {}) if isinstance(nb.metadata, dict) else {}
    found = meta.get("assignment_name")
    if found != expected_name:
        what = f"the notebook of {found!r}" if found else "a notebook without this assignment's otter metadata"
        return (f"wrong notebook: this is {what}, not {expected_name!r} "
                f"(submit the notebook of this assignment)"), set()
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    missing = {t for t in tasks if not re.search(r"check\(\s*['\"]" + re.escape(t) + r"['\"]", sources)}
    return "", missing


def grade_submission(path: Path, assignment: Assignment, cell_timeout=CELL_TIMEOUT_S,
                     timeout=SUBMISSION_TIMEOUT_S) -> Graded:
    """Grade one submission in the sandbox; never raises because of the submission."""
    graded = Graded(path.name, {t: 0 for t in assignment.tasks}, {})
    problem, missing = precheck(path, assignment_name(assignment.name), assignment.tasks)
    if problem:
        graded.problem = problem
        graded.feedback = {t: f"0: {problem}" for t in assignment.tasks}
        return graded
    result = run_sandboxed(path, assignment.autograder, cell_timeout, timeout)
    if "error" in result:
        graded.problem = result["error"]
    for task in assignment.tasks:
        if task in missing:
            graded.feedback[task] = (f"0: the cell of task {task} is missing from the submission "
                                     "(deleted?); nothing to grade")
            continue
        q = result.get("questions", {}).get(question_name(task))
        if q is None:
            graded.feedback[task] = f"0: not graded: {graded.problem or 'no result for this task'}"
            continue
        graded.scores[task] = q["score"]
        text = _feedback_text(q["message"])
        timed_out = task in result.get("timed_out_tasks", [])
        if timed_out:
            text = (f"the cell of task {task} ran longer than {cell_timeout} s and was stopped "
                    f"(a loop that never ends?); {text}")
        elif task in result.get("error_tasks", {}):
            text = f"the cell of task {task} raised {result['error_tasks'][task]}; {text}"
        graded.feedback[task] = f"{q['score']:g}: {text}"
    return graded


def run_sandboxed(path: Path, autograder: Path, cell_timeout, timeout) -> dict:
    """Run tools/grade_one.py on one submission; its JSON result, or {"error": reason}."""
    with tempfile.TemporaryDirectory(prefix="failurelab-grade-") as tmp:
        work = Path(tmp)
        shutil.copy(path, work / "submission.ipynb")
        shutil.copy(autograder, work / "autograder.zip")
        out = work / "result.json"
        cmd = [sys.executable, str(GRADE_ONE), str(work / "autograder.zip"),
               str(work / "submission.ipynb"), str(out), "--cell-timeout", str(cell_timeout)]
        if _can_isolate():
            # namespaces of its own: mounts (all read-only but the scratch folder), network
            # (loopback only) and PIDs (killing its first process ends the kernel and everything
            # the submission started)
            cmd = ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", *cmd, "--isolate"]
        try:
            proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=timeout,
                                  env=_sandbox_env(work), check=False, start_new_session=True)
        except subprocess.TimeoutExpired:
            return {"error": f"grading stopped after {timeout} s (a loop that never ends?)"}
        if out.is_file():
            try:
                return json.loads(out.read_text())
            except ValueError:
                pass
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
        return {"error": "the grader could not run this submission: " + " | ".join(tail)[-400:]}


def _can_isolate() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare") is not None


def _sandbox_env(work: Path) -> dict:
    keep = ("PATH", "LANG", "LC_ALL", "VIRTUAL_ENV", "FAILURELAB_DATA", "OPENBLAS_CORETYPE",
            "OPENBLAS_L2_SIZE")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    home = work / "home"
    return {**env, "HOME": str(home), "MPLCONFIGDIR": str(home / ".mpl"), "MPLBACKEND": "Agg",
            "JUPYTER_RUNTIME_DIR": str(home / ".jupyter-runtime"), "IPYTHONDIR": str(home / ".ipython"),
            "JUPYTER_PLATFORM_DIRS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def grade_folder(folder: Path, assignment: Assignment, cell_timeout=CELL_TIMEOUT_S,
                 timeout=SUBMISSION_TIMEOUT_S, jobs=1, progress=print) -> list[Graded]:
    """Grade every ``*.ipynb`` in ``folder``, ``jobs`` at a time; results sorted by file name."""
    found = sorted(p for p in Path(folder).iterdir() if p.suffix == ".ipynb" and p.is_file())

    def one(path):
        graded = grade_submission(path, assignment, cell_timeout, timeout)
        progress(f"graded {path.name}: {graded.total:g} of {len(assignment.tasks)}"
                 + (f" ({graded.problem})" if graded.problem else ""))
        return graded

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, found))


def write_gradebook(results: list[Graded], tasks: list, path: Path) -> None:
    """The gradebook CSV: submission, one score per task, total, possible, problem, feedback per task."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (["submission"] + [f"task {t}" for t in tasks] + ["total", "possible", "problem"]
              + [f"feedback {t}" for t in tasks])
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for g in results:
            writer.writerow([g.submission] + [f"{g.scores[t]:g}" for t in tasks]
                            + [f"{g.total:g}", len(tasks), g.problem]
                            + [g.feedback.get(t, "") for t in tasks])


def load_assignment(name: str, out=BUILD) -> Assignment:
    """An assignment built earlier (its tasks read back from the master notebook)."""
    folder = Path(out) / name
    master = folder / "master.ipynb"
    if not master.is_file():
        raise FileNotFoundError(f"{name} is not built: run `python -m tools assignments build {name}`")
    nb = nbformat.read(master, as_version=4)
    tasks = [_task_of_question(m[1]) for c in nb.cells if c.cell_type == "raw"
             for m in [re.search(r"^name: (task_\S+)$", c.source, re.MULTILINE)] if m]
    return Assignment(name, tasks, folder)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------
def register(sub):
    p = sub.add_parser("assignments", help="otter-grader assignments and gradebooks",
                       description=__doc__.split("\n\n")[0])
    cmds = p.add_subparsers(dest="action", required=True)
    b = cmds.add_parser("build", help="student notebooks + autograders into _build/assignments")
    b.add_argument("names", nargs="*", help="exercise notebooks (default: all), e.g. 01_mechanism")
    b.add_argument("--no-run-tests", action="store_true",
                   help="skip otter's check that the solutions pass the tests")
    b.set_defaults(func=_run_build)
    g = cmds.add_parser("grade", help="grade a folder of submitted notebooks into a gradebook CSV")
    g.add_argument("submissions", type=Path, help="folder of submitted .ipynb files")
    g.add_argument("--assignment", required=True, help="e.g. 01_mechanism (built first)")
    g.add_argument("-o", "--output", type=Path, default=Path("gradebook.csv"))
    g.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT_S)
    g.add_argument("--timeout", type=int, default=SUBMISSION_TIMEOUT_S)
    g.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    g.set_defaults(func=_run_grade)


def _run_build(args):
    names = args.names or exercise_names()
    unknown = sorted(set(names) - set(exercise_names()))
    if unknown:
        print(f"assignments: no exercise notebook {', '.join(unknown)} in exercises/", file=sys.stderr)
        return 1
    for name in names:
        try:
            a = build(name, run_tests=not args.no_run_tests)
        except (LearnerError, RuntimeError) as exc:
            print(f"assignments: {exc}", file=sys.stderr)
            return 1
        print(f"{name}: {len(a.tasks)} tasks; student {a.student.relative_to(ROOT)}; "
              f"autograder {a.autograder.relative_to(ROOT)}")
    return 0


def _run_grade(args):
    try:
        assignment = load_assignment(args.assignment)
        assignment.autograder  # noqa: B018 -- fails early with the command to run
    except FileNotFoundError as exc:
        print(f"assignments: {exc}", file=sys.stderr)
        return 1
    if not args.submissions.is_dir():
        print(f"assignments: {args.submissions} is not a folder", file=sys.stderr)
        return 1
    if not _can_isolate():
        print("assignments: not root (or no `unshare`): submissions run with resource limits and "
              "timeouts, but without their own network and process namespaces", file=sys.stderr)
    results = grade_folder(args.submissions, assignment, args.cell_timeout, args.timeout, args.jobs)
    write_gradebook(results, assignment.tasks, args.output)
    print(f"wrote {args.output} ({len(results)} submissions)")
    return 0
