"""The no-code track: answer forms, calculators and the no-code exercise notebooks.

- forms (failurelab/check/nocode.py): built from a task's parts alone; a right answer typed into
  the boxes is "correct" and a typical mistake gets the same targeted hint as in code, because
  the Check button calls the same ``Registry.check``; empty boxes and text get the engine's
  messages. The widgets are driven in Python (``.value``, ``.click()``), not in a browser.
- choice parts of the engine: option keys judged by equality, with hints for wrong picks.
- exercises/nocode/*.ipynb: one per exercise notebook, a form for every task of the chapter (and
  the no-code tasks that stand in for code-only skills), no visible code, no solutions, saved
  outputs from a clean run (nbval re-runs them with ``--nbval``).
"""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as widgets
import nbformat
import numpy as np
import pytest

from failurelab import check as chk
from failurelab.check import nocode
from failurelab.check.engine import Part, Registry, Task, picked

ROOT = Path(__file__).resolve().parents[1]
NOCODE = sorted((ROOT / "exercises" / "nocode").glob("*.ipynb"))
CODE = sorted((ROOT / "exercises").glob("*.ipynb"))
FORM_CALL = re.compile(r'^form\("([^"]+)"\)$', re.MULTILINE)


# ---------------------------------------------------------------------------------------------
# Driving a form
# ---------------------------------------------------------------------------------------------
def _typed(x) -> str:
    """A number as a learner types it (6 significant digits)."""
    return f"{float(x):.6g}"


def _fill(form, answers: dict):
    """Put ``answers`` (part name -> value or values) into the form's boxes and menus."""
    for key, value in answers.items():
        boxes = form.boxes[key]
        values = value if isinstance(value, (list, tuple, np.ndarray)) else [value]
        assert len(values) == len(boxes), key
        for box, v in zip(boxes, values):
            if isinstance(box, widgets.Text):
                box.value = v if isinstance(v, str) else _typed(v)
            elif isinstance(v, str):
                box.value = v
            else:
                box.value = bool(v)


def _right(task_id) -> dict:
    """The expected answers, part name -> value (a pick) or list of numbers."""
    exp = chk.expected(task_id)
    exp = exp if isinstance(exp, dict) else {"answer": exp}
    return {name: value if isinstance(value, str) else np.atleast_1d(value).tolist()
            for name, value in exp.items()}


def _click(form):
    form.button.click()
    assert form.feedback is not None
    assert form.output.value == form.feedback._repr_html_()
    return form.feedback


def _code_track(task_id, answers):
    """What ``check(...)`` in the coding version says for the same answers."""
    if list(answers) == ["answer"]:
        return chk.check(task_id, answers["answer"])
    return chk.check(task_id, **answers)


# ---------------------------------------------------------------------------------------------
# Every task of the no-code track: the form exists, right is right, a typical mistake gets its hint
# ---------------------------------------------------------------------------------------------
NOCODE_TASKS = chk.TASKS.ids("nocode")


def _e(task_id, part):
    return np.atleast_1d(chk.expected(task_id)[part]).astype(float)


def _pool():
    from failurelab.motor_units import MotorUnitPool

    return MotorUnitPool()


# task -> (part, what a learner types or picks for it, words of the hint that must show)
MISTAKES = {
    "1.1": ("thresholds", lambda: [_pool().thresholds[1], _pool().thresholds[60], 50.0],
            "Python counts from 0"),
    "1.1b": ("unit_60", lambda: "pool.thresholds[60]", "position 0 holds unit 1"),
    "1.2": ("excitation", lambda: [0.3, 0.6], "**force** targets"),
    "1.3": ("answer", lambda: [f"{100 * chk.expected('1.3'):.2f} %"], "**percentage**"),
    "1.4": ("light", lambda: [24.77, 67.0], "look like excitations"),
    "1.5": ("epley_reps", lambda: 30 * (1 / (100 * np.array([0.5, 0.75, 0.9])) - 1),
            "**fraction** of 1RM"),
    "2.1": ("sd_pooled", lambda: [_two_sd_mean()], "plain average of the two SDs"),
    "2.2": ("vi", lambda: np.sqrt(_e("2.2", "vi")), "standard error"),
    "2.3": ("reml", lambda: _dl(), "DerSimonian-Laird"),
    "2.4": ("ruled_out", lambda: [not v for v in _e("2.4", "ruled_out")], "Reversed"),
    "2.5": ("n_needed", lambda: 2 * _e("2.5", "n_needed"), "**total** N"),
    "3.1": ("reps_to_failure", lambda: [8, 5, 3], "You used the reps done"),
    "3.2": ("spread", lambda: [27.0588, 4.2424], "spread in **kg**"),
    "3.3": ("first_last", lambda: [66.5, 104.0], "another exercise"),
    "3.3b": ("failure_count", lambda: "log.failure.sum()", "**both** exercises"),
    "3.4": ("n_flagged", lambda: [6, 6], "**below**"),
    "3.5": ("failure_share", lambda: [15 / 36, 21 / 36], "all failure sets of the log"),
    "4.1": ("power", lambda: [_power_20()], "number **per group**"),
    "4.2": ("mmf", lambda: [0.19, 0.0, 0.37], "the numbers the claim quotes"),
    "4.3": ("observed_d", lambda: 0.22 * np.array([0.9, 0.7, 0.5]), "**square root**"),
}


def _two_sd_mean():
    from failurelab.data import load

    s = load("synthetic_trials").set_index("study").loc["S11"]
    return (s.sd_failure + s.sd_nonfailure) / 2


def _dl():
    from failurelab.check.ch2_evidence import _pooled

    res = _pooled("DL")
    return [res.estimate, res.ci_low, res.ci_high]


def _power_20():
    from failurelab.effect_sizes import power

    return power(0.22, 20)


def test_every_no_code_task_has_a_typical_mistake_here():
    assert set(MISTAKES) == set(NOCODE_TASKS)


@pytest.mark.parametrize("task_id", NOCODE_TASKS)
def test_the_form_has_a_box_or_menu_for_every_number_of_every_part(task_id):
    form = chk.form(task_id)
    task = chk.TASKS.task(task_id)
    assert [p.name or "answer" for p in task.parts] == list(form.boxes)
    right = _right(task_id)
    for part in task.parts:
        key = part.name or "answer"
        boxes = form.boxes[key]
        n = 1 if isinstance(right[key], str) else len(right[key])
        assert len(boxes) == n, key
        kind = (widgets.RadioButtons, widgets.Dropdown) if part.choices else (widgets.Text,)
        assert all(isinstance(b, kind) for b in boxes), key
        if len(part.labels) == n and n > 1:
            assert [b.description for b in boxes] == list(part.labels)
    assert form.button.description == "Check" and form.feedback is None


@pytest.mark.parametrize("task_id", NOCODE_TASKS)
def test_a_right_answer_typed_into_the_form_is_correct(task_id):
    form = chk.form(task_id)
    _fill(form, _right(task_id))
    feedback = _click(form)
    assert feedback.status == "correct", repr(feedback)
    assert f"Task {task_id} (" in feedback.headline and "correct!" in feedback.headline


@pytest.mark.parametrize("task_id", NOCODE_TASKS)
def test_a_typical_mistake_gets_the_code_track_s_targeted_hint(task_id):
    part, mistake, words = MISTAKES[task_id]
    answers = _right(task_id)
    wrong = mistake()
    answers[part] = wrong if isinstance(wrong, str) else list(wrong)
    form = chk.form(task_id)
    _fill(form, answers)
    feedback = _click(form)
    assert feedback.status in ("wrong", "invalid"), repr(feedback)
    assert any(words in line for line in feedback.lines if "Hint:" in line), repr(feedback)
    # the same answers in code: the same feedback, word for word (numbers as the form read them)
    typed = form.answers()
    assert feedback == nocode._form_words(_code_track(task_id, typed))


def test_numbers_are_checked_with_the_code_track_s_tolerance():
    value = chk.expected("1.3")
    form = chk.form("1.3")
    for text, status in ((f"{value:.3g}", "correct"), (f"{value * 1.001:.6f}", "correct"),
                         (f"{value * 1.01:.6f}", "wrong")):
        form.boxes["answer"][0].value = text
        assert _click(form).status == status == chk.check("1.3", float(text)).status, text


@pytest.mark.parametrize("typed", ["74.63", "74.63 %", "74,63%"])
def test_a_fraction_typed_as_a_percentage_gets_the_percent_hint(typed):
    form = chk.form("1.3")
    form.boxes["answer"][0].value = typed
    feedback = _click(form)
    assert feedback.status == "wrong"
    assert any("This looks like a **percentage**" in line for line in feedback.lines)
    assert feedback == chk.check("1.3", 74.63)  # what `check("1.3", 74.63)` says in code


def test_empty_boxes_are_not_answered_yet_in_the_form_s_words():
    form = chk.form("1.2")
    feedback = _click(form)
    assert feedback.status == "unanswered"
    assert feedback.headline == "Task 1.2 is not answered yet: fill in every box and menu."
    assert "your code" not in form.output.value
    _fill(form, {"excitation": ["24.76", "40.43"]})
    feedback = _click(form)
    assert feedback.status == "unanswered"
    assert "`n_recruited`: not answered yet: fill in every box and menu." in feedback.lines


@pytest.mark.parametrize("typed", ["abc", "0.7.4", "seventy"])
def test_text_in_a_box_gets_the_engine_s_message(typed):
    form = chk.form("1.3")
    form.boxes["answer"][0].value = typed
    feedback = _click(form)
    assert feedback.status == "invalid"
    engine = chk.check("1.3", typed)
    assert feedback.lines[0] == engine.lines[0].replace(
        "Did you put quotes around a number?",
        "Type a number such as 0.75 (a comma works as the decimal mark too).")
    assert f"got text {typed!r}" in feedback.lines[0]


def test_text_in_one_of_several_boxes_is_named():
    form = chk.form("1.2")
    _fill(form, {"excitation": ["24.76", "forty"], "n_recruited": ["98", "113"]})
    feedback = _click(form)
    assert feedback.status == "invalid"
    assert any("got text 'forty'" in line for line in feedback.lines)
    assert "`n_recruited`: correct." in feedback.lines


@pytest.mark.parametrize("text, value", [
    ("0.75", 0.75), (" 0,75 ", 0.75), ("\u22120.2", -0.2), ("1e-3", 1e-3), ("75 %", 75.0),
    ("1\u202f000", 1000.0), ("", Ellipsis), ("   ", Ellipsis), ("abc", "abc"), ("1,000.5", "1,000.5"),
])
def test_what_a_box_s_text_becomes(text, value):
    assert nocode.read_number(text) == value


def test_a_count_with_decimals_gets_the_whole_numbers_message():
    form = chk.form("1.2")
    _fill(form, {"excitation": ["24.7608", "40.4288"], "n_recruited": ["98.5", "113"]})
    feedback = _click(form)
    assert feedback.status == "wrong"
    assert "These are counts of units: whole numbers." in feedback.lines


def test_yes_no_parts_are_menus_and_judged_as_in_code():
    form = chk.form("4.2")
    assert [b.description for b in form.boxes["wrong"]][:3] == ["study", "outcome", "comparison"]
    menu = form.boxes["excludes_zero"][0]
    assert isinstance(menu, widgets.Dropdown) and menu.value is None
    assert [label for label, _ in menu.options] == ["choose...", "excludes 0", "includes 0"]
    answers = _right("4.2")
    answers["excludes_zero"] = True
    _fill(form, answers)
    feedback = _click(form)
    assert "`excludes_zero`: 'excludes 0' (True) is not the right answer." in feedback.lines
    assert any("it includes 0" in line for line in feedback.lines)


def test_pick_parts_are_radio_buttons_with_no_choice_made():
    form = chk.form("1.1b")
    radio = form.boxes["unit_60"][0]
    assert isinstance(radio, widgets.RadioButtons) and radio.value is None
    assert "pool.thresholds[59]" in [value for _, value in radio.options]
    assert _click(form).status == "unanswered"


def test_the_form_shows_a_note_where_no_kernel_runs():
    bundle = chk.form("2.4")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert 'data-task="2.4"' in bundle["text/html"] and "run all cells" in bundle["text/html"]
    assert "run this cell" in bundle["text/plain"]
    assert chk.form("2.4").html() == bundle["text/html"]  # the same every run (nbval)


def test_an_unknown_task_has_no_form():
    with pytest.raises(ValueError, match="unknown task"):
        chk.form("9.9")


# ---------------------------------------------------------------------------------------------
# Calculators and tables
# ---------------------------------------------------------------------------------------------
def test_calculator_computes_with_the_package_function():
    from failurelab.effect_sizes import n_per_group, power

    calc = chk.calculator("Power", power, [("d", "effect size d"), ("n", "people per group")],
                          "power (a fraction)")
    calc.boxes["d"].value, calc.boxes["n"].value = "0,15", "15"
    calc.button.click()
    assert f"power (a fraction): {power(0.15, 15):.4g}" in calc.output.value
    n = chk.calculator("n", n_per_group, [("d", "effect size d")], "people per group")
    n.boxes["d"].value = "0.5"
    assert n.compute() == f"people per group: {n_per_group(0.5)}"
    # its 4 significant digits pass the forms' tolerance
    shown = float(calc.compute().split(": ")[1])
    assert np.isclose(shown, power(0.15, 15), rtol=2e-3)


@pytest.mark.parametrize("typed, words", [("", "type a number"), ("x", "type a number"),
                                          ("0", "Not computed: d must not be 0")])
def test_calculator_says_why_it_computes_nothing(typed, words):
    from failurelab.effect_sizes import n_per_group

    calc = chk.calculator("n", n_per_group, [("d", "effect size d")], "people per group")
    calc.boxes["d"].value = typed
    text = calc.compute()
    assert words in text and words in calc.output.value


def test_table_shows_numbers_precise_enough_for_the_forms():
    import pandas as pd

    table = nocode.Table(pd.DataFrame({"x": [6.955797, 50.0], "ok": [True, False],
                                       "n": [98, 113]}), "cap")
    page = table._repr_html_()
    assert "<caption>cap</caption>" in page and "<td>6.9558</td>" in page
    assert "<td>50</td>" in page and "<td>yes</td>" in page and "<td>98</td>" in page


# ---------------------------------------------------------------------------------------------
# The engine's choice parts (no chapter)
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def reg():
    r = Registry()
    r.add(Task("1.1", "base", parts=(Part(lambda: 1.0),), why="w"))
    r.add(Task("1.1b", "pick", parts=(
        Part(lambda: "b", name="one", choices=(("A", "a"), ("B", "b"), ("C", "c")),
             hints=(picked("a", "not a"),)),
        Part(lambda: ["a", "c"], name="two", labels=("x", "y"),
             choices=(("A", "a"), ("C", "c"))),
    ), why="w", track="nocode", companion="1.1"))
    return r


def test_picks_are_judged_by_equality_with_hints_for_wrong_picks(reg):
    assert reg.check("1.1b", one="b", two=["a", "c"]).passed
    fb = reg.check("1.1b", one="a", two=["c", "c"])
    assert fb.status == "wrong"
    assert "`one`: 'a' is not the right choice." in fb.lines and "Hint: not a" in fb.lines
    assert "`two`: right: 1 of 2 choices; not yet right: x." in fb.lines
    assert reg.check("1.1b", one="z", two=["a", "c"]).status == "invalid"
    assert reg.check("1.1b", one="b", two=["a"]).status == "invalid"
    assert reg.check("1.1b", one=None, two=["a", "c"]).status == "unanswered"


def test_the_tracks_list_their_tasks(reg):
    assert reg.ids() == ["1.1"] and reg.ids("nocode") == ["1.1", "1.1b"]
    assert reg.ids("all") == ["1.1", "1.1b"]
    with pytest.raises(ValueError, match="track"):
        reg.ids("lab")
    with pytest.raises(ValueError, match="companion"):
        Task("2.1b", "t", parts=(Part(lambda: 1.0),), why="w", track="nocode")


def test_the_code_track_is_unchanged_and_the_no_code_track_adds_its_stand_ins():
    code = chk.TASKS.ids()
    assert NOCODE_TASKS == [t for t in chk.TASKS.ids("all") if t in NOCODE_TASKS]
    assert [t for t in NOCODE_TASKS if t not in code] == ["1.1b", "3.3b"]
    assert set(code) < set(NOCODE_TASKS)
    for tid in ("1.1b", "3.3b"):
        task = chk.TASKS.task(tid)
        assert task.track == "nocode" and NOCODE_TASKS.index(tid) == NOCODE_TASKS.index(
            task.companion) + 1


ODD = [..., None, "", "abc", [], {}, object(), max, True, -1, 0, 1, 1e308, float("nan"),
       np.zeros((3, 3)), [None, 1], ["a", "b", "c"], b"1", 1j]


@pytest.mark.parametrize("answer", ODD, ids=range(len(ODD)))
def test_no_code_tasks_never_raise_and_never_pass_an_odd_answer(answer):
    for task_id in ("1.1b", "3.3b"):
        fb = chk.check(task_id, answer)
        assert not fb.passed and fb.status in ("unanswered", "invalid", "wrong")
        task = chk.TASKS.task(task_id)
        fb = chk.check(task_id, **{p.name: answer for p in task.parts})
        assert not fb.passed and repr(fb) and fb._repr_html_()


# ---------------------------------------------------------------------------------------------
# The no-code notebooks
# ---------------------------------------------------------------------------------------------
def _forms(nb):
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            m = FORM_CALL.search(cell.source)
            if m:
                found.append((cell, m.group(1)))
    return found


def test_every_exercise_notebook_has_a_no_code_variant():
    assert [p.name for p in NOCODE] == [p.name for p in CODE] and NOCODE


@pytest.mark.parametrize("path", NOCODE, ids=[p.name for p in NOCODE])
def test_the_notebook_has_a_form_for_every_task_of_its_chapter(path):
    nb = nbformat.read(path, as_version=4)
    chapter = f"{int(path.name[:2])}."
    want = [t for t in NOCODE_TASKS if t.startswith(chapter)]
    assert [tid for _, tid in _forms(nb)] == want
    code_tasks = [t for t in chk.TASKS.ids() if t.startswith(chapter)]
    assert set(code_tasks) <= set(want)  # every task of the coding version, or more
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for tid in want:
        assert f"## Task {tid}:" in text, tid
    for tid in set(want) - set(code_tasks):  # a stand-in says what it stands in for
        companion = chk.TASKS.task(tid).companion
        assert "*This task stands in for the" in text and f"of task {companion}.*" in text


@pytest.mark.parametrize("path", NOCODE, ids=[p.name for p in NOCODE])
def test_no_code_cell_is_visible(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        meta = cell.metadata
        assert meta.get("jupyter", {}).get("source_hidden") is True, cell.id  # JupyterLab
        assert {"hide-input", "remove-cell"} & set(meta.get("tags", [])), cell.id  # the book
        # JupyterLab shows a hidden cell's first line: a comment that says what the cell shows
        assert cell.source.startswith("# "), cell.id


@pytest.mark.parametrize("path", NOCODE, ids=[p.name for p in NOCODE])
def test_the_notebook_holds_no_solution(path):
    nb = nbformat.read(path, as_version=4)
    text = path.read_text(encoding="utf-8")
    for marker in ("# SOLUTION", "BEGIN SOLUTION", "END SOLUTION", "# STUB:", "check(",
                   "<b>Discussion</b>"):
        assert marker not in text, marker
    assert not [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    # no answer is set in a cell: the forms start empty and the engine holds the answers
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "expected(" not in cell.source and ".value =" not in cell.source, cell.id


@pytest.mark.parametrize("path", NOCODE, ids=[p.name for p in NOCODE])
def test_saved_outputs_come_from_a_clean_run(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), (
        f"run `python -m tools execute {path.relative_to(ROOT)}`")
    for cell in code:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.id
    for cell, tid in _forms(nb):
        (out,) = cell.outputs
        assert f'data-task="{tid}"' in out["data"]["text/html"]
        assert "application/vnd.jupyter.widget-view+json" not in out["data"]


def test_the_no_code_notebooks_are_course_notebooks():
    """tools/course.py lists them, so `execute`, `bootstrap` and nbval's testpaths take them."""
    from tools.course import course_notebooks

    assert set(NOCODE) <= set(course_notebooks())


def test_a_measured_d_rounded_before_the_calculator_gets_the_close_hint():
    """Task 4.3: n per group from a d rounded to 3 decimals is a few people off."""
    from failurelab.effect_sizes import n_per_group

    answers = _right("4.3")
    answers["n_needed"] = [n_per_group(round(x, 3)) for x in answers["observed_d"]]
    form = chk.form("4.3")
    _fill(form, answers)
    feedback = _click(form)
    assert feedback.status == "wrong"
    assert any("at least 4 decimals" in line for line in feedback.lines)
