"""Instant feedback for the exercise notebooks: ``check(task_id, answer)``.

A learner computes an answer with the course's models and calls ``check("1.3", answer)``. The
expected value is computed from the package at call time -- notebooks never hold the numbers.
The result is a :class:`Feedback` that displays as a short message in a notebook and has a
``.passed`` flag for tests. Five outcomes:

- correct: with a one-line "why it matters";
- not answered yet: the answer is still ``...`` (or ``None``);
- wrong type or shape: says what was expected ("expected 3 numbers, got 2");
- wrong value: a targeted hint when the answer matches a typical mistake (a percentage where a
  fraction is asked, a 0-based/1-based unit index, force confused with excitation, ...), else the
  task's general hint;
- could not check: a bug in the course, never blamed on the learner.

``check`` never raises because of what a learner passes in. Tasks with several answers take them
as keywords: ``check("1.2", excitation=e, n_recruited=n)``.

Layout: :mod:`.engine` holds the chapter-free machinery (:class:`Part`, :class:`Task`,
:class:`Registry`, :class:`Feedback`, the hint rules); ``ch1_mechanism`` ... ``ch4_limitations``
define one chapter's tasks each; this module registers them in ``TASKS``.

No-code track: ``form(task_id)`` is the task's answer form (boxes and menus, a Check button that
calls the same ``TASKS.check``) and ``calculator(...)`` a package function with input boxes
(:mod:`.nocode`, imported only when used); ``TASKS.ids("nocode")`` lists the tasks of the no-code
notebooks (``exercises/nocode/``).
"""

from __future__ import annotations

from . import ch1_mechanism, ch2_evidence, ch3_practice, ch4_limitations
from .engine import _MISSING, Feedback, HintRule, Part, Registry, Task, picked, same_as, when

__all__ = ["TASKS", "Feedback", "HintRule", "Part", "Registry", "Task", "calculator", "check",
           "expected", "form", "picked", "same_as", "when"]

TASKS = Registry()
for _chapter in (ch1_mechanism, ch2_evidence, ch3_practice, ch4_limitations):
    _chapter.register(TASKS)


def check(task_id, answer=_MISSING, /, **parts) -> Feedback:
    """Check the answer to exercise task ``task_id`` (e.g. ``"1.3"``); see the module docstring."""
    return TASKS.check(task_id, answer, **parts)


def expected(task_id):
    """The expected answer of a task (for instructors and tests)."""
    return TASKS.expected(task_id)


def form(task_id):
    """The no-code answer form of task ``task_id``: checked by ``TASKS``, like ``check``."""
    from .nocode import AnswerForm

    return AnswerForm(TASKS, task_id)


def calculator(title, function, inputs, result, note=""):
    """A calculator widget for the no-code notebooks (see :class:`.nocode.Calculator`)."""
    from .nocode import Calculator

    return Calculator(title, function, inputs, result, note)
