"""The exercise checker's engine (failurelab/check/engine.py), on a small fake registry.

check(): correct / not answered / wrong type or shape / targeted hints / course bugs; it never
raises, neither on the fake tasks nor on the course's registered tasks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from failurelab import check as chk
from failurelab.check import Part, Registry, Task, engine, same_as, when


# ---------------------------------------------------------------------------------------------
# check(): a small fake registry
# ---------------------------------------------------------------------------------------------
@pytest.fixture()
def reg():
    r = Registry()
    r.add(Task("T1", "a fraction", parts=(Part(lambda: 0.25, fraction=True),),
               why="fractions matter", hint="divide the parts"))
    r.add(Task("T2", "three numbers",
               parts=(Part(lambda: [1.0, 2.0, 3.0], labels=("a", "b", "c"),
                           hints=(same_as(lambda: [2.0, 3.0, np.nan], "off by one"),)),),
               why="order matters", hint="count again"))
    r.add(Task("T3", "two parts",
               parts=(Part(lambda: [10, 20], name="count", integer=True),
                      Part(lambda: 0.5, name="share", fraction=True)),
               why="both matter"))
    r.add(Task("T4", "broken", parts=(Part(lambda: 1 / 0),), why="-"))
    r.add(Task("T5", "bad hint", parts=(Part(lambda: 1.0, hints=(lambda raw, v, e: 1 / 0,)),),
               why="-", hint="general hint"))
    return r


def test_correct_answer_passes_and_says_why(reg):
    fb = reg.check("T1", 0.25)
    assert fb.passed and fb.status == "correct"
    assert "correct" in repr(fb) and "fractions matter" in repr(fb)
    assert 'data-status="correct"' in fb._repr_html_()
    assert fb._repr_markdown_().startswith("✔ **Task T1")


def test_tolerance_accepts_rounding_but_not_a_different_value(reg):
    assert reg.check("T1", 0.2502).passed  # rounded to 3-4 significant digits
    assert not reg.check("T1", 0.26).passed
    assert reg.check("T2", np.array([1.0, 2.0, 3.0])).passed
    assert reg.check("T2", (1, 2, 3)).passed


@pytest.mark.parametrize("answer", [..., None, [..., 1.0], (0.25, None)])
def test_unanswered(reg, answer):
    fb = reg.check("T1", answer)
    assert fb.status == "unanswered" and not fb.passed
    assert "Task T1 is not answered yet: replace `...` with your code" in repr(fb)


def test_no_answer_at_all_is_unanswered(reg):
    assert reg.check("T1").status == "unanswered"
    assert reg.check("T3").status == "unanswered"
    assert reg.check("T3", count=..., share=...).status == "unanswered"
    assert reg.check("T3", ...).status == "unanswered"


@pytest.mark.parametrize("task, answer, message", [
    ("T2", [1.0, 2.0], "expected 3 numbers, got 2 numbers"),
    ("T1", [0.25, 0.5], "expected one number, got 2 numbers"),
    ("T1", "0.25", "got text '0.25'. Did you put quotes around a number?"),
    ("T1", {"a": 1}, "got a dictionary"),
    ("T1", max, "Did you forget the brackets `()` to call it?"),
    ("T1", object(), "could not read an object as numbers"),
    ("T2", [1, [2, 3]], "could not read a list as numbers"),
    ("T1", (x for x in [0.25]), "could not read a generator as numbers"),
    ("T1", float("nan"), "NaN or infinity"),
    ("T2", [1, 2, np.inf], "NaN or infinity"),
])
def test_wrong_type_or_shape_says_what_was_expected(reg, task, answer, message):
    fb = reg.check(task, answer)
    assert fb.status == "invalid" and not fb.passed
    assert message in repr(fb)


def test_percent_instead_of_fraction_gets_the_percent_hint(reg):
    fb = reg.check("T1", 25)
    assert fb.status == "wrong"
    assert "percentage" in repr(fb) and "fraction" in repr(fb)
    other = reg.check("T1", 3)  # above 1 but not a percentage: the generic fraction hint
    assert "percentage" not in repr(other) and "between 0 and 1" in repr(other)


def test_rule_hint_and_partial_credit(reg):
    fb = reg.check("T2", [2.0, 3.0, 3.0])
    assert "right: 1 of 3 numbers; not yet right: a, b." in repr(fb)
    assert "Hint: off by one" in repr(fb)
    plain = reg.check("T2", [1.0, 2.0, 5.0])
    assert "not yet right: c." in repr(plain)
    assert "Hint: count again" in repr(plain)  # no rule fired: the task's general hint


def test_wrong_order_hint(reg):
    fb = reg.check("T2", [3.0, 2.0, 1.0])
    assert "wrong order" in repr(fb) and "a, b, c" in repr(fb)


def test_multi_part_task(reg):
    assert reg.check("T3", count=[10, 20], share=0.5).passed
    assert reg.check("T3", {"count": [10.0, 20.0], "share": 0.5}).passed
    half = reg.check("T3", count=[10, 20], share=...)
    assert half.status == "unanswered" and "1 of 2 answers right" in repr(half)
    assert "`share`: not answered yet" in half._repr_markdown_()
    fb = reg.check("T3", count=[10.4, 20], share=50)
    assert fb.status == "wrong"
    assert "whole numbers" in repr(fb) and "percentage" in repr(fb)


@pytest.mark.parametrize("call, message", [
    (lambda r: r.check("T3", cnt=1), "unknown answer name 'cnt'"),
    (lambda r: r.check("T3", 5), "this task has 2 answers, given by name"),
    (lambda r: r.check("T1", share=0.25), "this task takes one answer"),
])
def test_wrong_call_explains_the_signature(reg, call, message):
    fb = call(reg)
    assert fb.status == "invalid" and message in repr(fb)
    assert "check(" in repr(fb)


def test_unknown_task_lists_the_known_ones(reg):
    fb = reg.check("T9", 1)
    assert fb.status == "unknown" and not fb.passed
    assert "`T1`, `T2`" in fb._repr_markdown_()


def test_course_bugs_are_not_blamed_on_the_learner(reg):
    fb = reg.check("T4", 1.0)
    assert fb.status == "error" and "not in your answer" in repr(fb)
    bad_hint = reg.check("T5", 2.0)  # a failing hint rule is skipped
    assert bad_hint.status == "wrong" and "general hint" in repr(bad_hint)


def test_learner_text_is_escaped_in_html(reg):
    fb = reg.check("T1", "<b>x</b>")
    assert "&lt;b&gt;" in fb._repr_html_() and "<b>x" not in fb._repr_html_()
    assert "<" not in repr(reg.check("T1", 0.3))


def test_registry_rejects_authoring_mistakes():
    r = Registry()
    r.add(Task("A", "a", parts=(Part(lambda: 1),), why="-"))
    with pytest.raises(ValueError, match="already registered"):
        r.add(Task("A", "a", parts=(Part(lambda: 1),), why="-"))
    with pytest.raises(ValueError, match="unique name"):
        Task("B", "b", parts=(Part(lambda: 1), Part(lambda: 2)), why="-")
    with pytest.raises(ValueError, match="unknown task"):
        r.expected("Z")


def test_when_rule(reg):
    r = Registry()
    r.add(Task("W", "w", parts=(Part(lambda: 2.0, hints=(when(lambda raw, v, e: v > e, "too big"),)),),
               why="-"))
    assert "too big" in repr(r.check("W", 3.0))
    assert "too big" not in repr(r.check("W", 1.0))


ODD_ANSWERS = [..., None, "", "abc", [], [[]], {}, set(), object(), max, True, -1, 0, 1e308,
               float("nan"), np.zeros((3, 3)), np.array(["a"]), [None, 1], {"x": 1}, b"1",
               list(range(1000)), [1, "2"], 1j]


@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=range(len(ODD_ANSWERS)))
def test_check_never_raises(reg, answer):
    for task_id in reg.ids():
        fb = reg.check(task_id, answer)
        assert isinstance(repr(fb), str) and fb._repr_html_() and fb._repr_markdown_()
    for task_id in chk.TASKS.ids():
        fb = chk.check(task_id, answer)
        assert not fb.passed and fb.status in ("unanswered", "invalid", "wrong")


def test_the_engine_imports_no_chapter_module():
    """The chapter modules import the engine, never the reverse (failurelab/check/__init__.py
    registers them): the engine depends on the standard library and numpy only."""
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    imported = {(node.level, node.module) for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom)}
    imported |= {(0, alias.name) for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert imported == {(0, "__future__"), (0, "html"), (0, "re"), (0, "collections.abc"),
                        (0, "dataclasses"), (0, "typing"), (0, "numpy")}
