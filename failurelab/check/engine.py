"""The exercise checker's engine: tasks, the registry, hint rules and feedback (no chapter here).

A :class:`Registry` maps a task id to a :class:`Task`: one or more :class:`Part` s, each with an
expected-value function, a tolerance and hint rules. A hint rule is a callable
``rule(raw, value, expected) -> str | None`` where ``raw`` is the learner's object, ``value`` the
answer as a float array (``None`` if it could not be read as numbers) and ``expected`` the
expected float array; :func:`same_as` and :func:`when` build the common rules. A part answered
by picking option keys (``Part.choices`` with text values) is judged by equality and
:func:`picked` builds its hints. A task's ``track`` says whether the exercise notebooks check it
or only their no-code variants (:meth:`Registry.ids`).
:meth:`Registry.check` returns a :class:`Feedback` and never raises because of the answer.
The chapter modules (``failurelab/check/ch*.py``) define tasks with these classes, and
``failurelab/check/__init__.py`` registers them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_MISSING = object()

HintRule = Callable[[Any, np.ndarray | None, np.ndarray], str | None]


# ---------------------------------------------------------------------------------------------
# Task definitions
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """One answer of a task.

    expected : function returning the expected value (a number or a sequence of numbers).
    name : keyword of this part in ``check(task_id, name=...)``; ``None`` for single-part tasks.
    labels : what each number is, e.g. ``("unit 1", "unit 60", "unit 120")`` (used in messages).
    what : what one number is, e.g. ``"a fraction between 0 and 1"`` (used in messages).
    rtol, atol : tolerance of ``numpy.isclose``. The default accepts an answer rounded to
        3 significant digits (0.746 for 0.74627).
    integer : the numbers are counts and must match exactly.
    fraction : the numbers are fractions (0..1): adds the "percent instead of fraction" hint.
    hints : hint rules, tried in order; every rule that fires is shown.
    choices : a part answered by picking, as ``(label, value)`` pairs: the no-code form
        (:mod:`.nocode`) shows one menu per number. Number values (``True``/``False`` for a
        yes-or-no answer) are judged as numbers, as before; text values (option keys such as
        ``"a"``) are judged by equality: the answer is one key, or a list of keys, one per label.
    """

    expected: Callable[[], Any]
    name: str | None = None
    labels: Sequence[str] = ()
    what: str = "a number"
    rtol: float = 2e-3
    atol: float = 0.0
    integer: bool = False
    fraction: bool = False
    hints: Sequence[HintRule] = ()
    choices: Sequence[tuple[str, Any]] = ()

    @property
    def picked(self) -> bool:
        """Is this part answered by picking option keys (text values), not numbers?"""
        return any(isinstance(value, str) for _, value in self.choices)


@dataclass(frozen=True)
class Task:
    """An exercise task: id (e.g. ``"1.3"``), short title, parts, why it matters, general hint.

    track : ``"both"`` (the exercise notebook checks it, and so does its no-code variant) or
        ``"nocode"`` (only the no-code variant: a reasoning question with choices that stands
        in for a code-only skill of the task ``companion``, e.g. counting from 0).
    """

    id: str
    title: str
    parts: Sequence[Part]
    why: str
    hint: str = ""
    track: str = "both"
    companion: str = ""

    def __post_init__(self):
        names = [p.name for p in self.parts]
        if not self.parts:
            raise ValueError(f"task {self.id!r} has no parts")
        if len(self.parts) > 1 and (None in names or len(set(names)) != len(names)):
            raise ValueError(f"task {self.id!r}: every part of a multi-part task needs a unique name")
        if self.track not in ("both", "nocode"):
            raise ValueError(f"task {self.id!r}: track must be 'both' or 'nocode', not {self.track!r}")
        if (self.track == "nocode") != bool(self.companion):
            raise ValueError(f"task {self.id!r}: a no-code task names its companion task, and "
                             "only a no-code task does")


# ---------------------------------------------------------------------------------------------
# Hint rules
# ---------------------------------------------------------------------------------------------
def _close(a, b, rtol, atol=0.0):
    with np.errstate(invalid="ignore"):
        return np.isclose(a, b, rtol=rtol, atol=atol)


def same_as(wrong: Callable[[], Any], message: str, rtol: float = 2e-3) -> HintRule:
    """Hint when a wrong number equals the value a typical mistake produces.

    ``wrong()`` returns the mistaken value(s), with the shape of the expected value (use NaN
    where a number has no typical mistake). The rule fires if any number that is not correct
    matches the mistaken value at the same position.
    """

    def rule(raw, value, expected):
        if value is None or value.shape != expected.shape:
            return None
        bad = np.broadcast_to(np.asarray(wrong(), dtype=float), expected.shape)
        wrong_now = ~_close(value, expected, rtol)
        return message if np.any(wrong_now & _close(value, bad, rtol)) else None

    return rule


def when(predicate: Callable[[Any, np.ndarray | None, np.ndarray], bool], message: str) -> HintRule:
    """Hint when ``predicate(raw, value, expected)`` is true (errors in the predicate count as false)."""

    def rule(raw, value, expected):
        return message if predicate(raw, value, expected) else None

    return rule


def picked(key: str, message: str) -> HintRule:
    """Hint when the learner picked option ``key`` (of a part with text ``choices``) where
    another option is right."""

    def rule(raw, value, expected):
        got = raw if isinstance(raw, (list, tuple)) else [raw]
        want = expected if isinstance(expected, (list, tuple)) else [expected]
        return message if any(g == key != w for g, w in zip(got, want)
                              if isinstance(g, str)) else None

    return rule


def _wrong_value_rule(part: Part, mistake, message: str) -> HintRule:
    """A hint when a wrongly answered number fits ``mistake(value, expected)``."""
    def rule(raw, value, expected):
        if value is None or value.shape != expected.shape:
            return None
        wrong_now = ~_close(value, expected, part.rtol, part.atol)
        return message if np.any(wrong_now & mistake(value, expected)) else None

    return rule


def _percent_rule(part: Part) -> HintRule:
    return _wrong_value_rule(
        part, lambda value, expected: _close(value, 100 * expected, part.rtol),
        "This looks like a **percentage**. The task asks for a **fraction** between 0 and 1: "
        "divide by 100 (0.75 rather than 75 %).")


def _above_one_rule(part: Part) -> HintRule:
    return _wrong_value_rule(
        part, lambda value, expected: (value > 1) | (value < 0),
        "A fraction lies between 0 and 1; your answer has a number outside that range.")


def _order_rule(part: Part) -> HintRule:
    def rule(raw, value, expected):
        if value is None or value.shape != expected.shape or expected.size < 2:
            return None
        flat, exp = value.ravel(), expected.ravel()
        if np.all(_close(flat, exp, part.rtol, part.atol)):
            return None
        if np.all(_close(np.sort(flat), np.sort(exp), part.rtol, part.atol)):
            order = ", ".join(part.labels) if part.labels else "the order given in the task"
            return f"The right numbers, but in the wrong order. Expected order: {order}."
        return None

    return rule


# ---------------------------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------------------------
# Symbols from common text fonts (DejaVu, Segoe UI Symbol), not emoji: they render everywhere.
_ICONS = {"correct": "✔", "unanswered": "✎", "wrong": "✘", "invalid": "⚠", "unknown": "?",
          "error": "⚠"}
_COLOURS = {"correct": "#009E73", "unanswered": "#56B4E9", "wrong": "#D55E00", "invalid": "#E69F00",
            "unknown": "#E69F00", "error": "#CC79A7"}  # Okabe-Ito


@dataclass
class Feedback:
    """The result of ``check``: displays in a notebook; ``.passed`` for tests.

    status is one of correct, unanswered, wrong, invalid (type/shape), unknown (task id), error
    (the expected value could not be computed: a course bug). ``lines`` are markdown.
    """

    task_id: str
    status: str
    headline: str
    lines: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    @property
    def answered(self) -> bool:
        return self.status not in ("unanswered", "unknown", "error")

    def _plain_lines(self):
        return [f"{_ICONS[self.status]} {self.headline}"] + [f"   {_plain(line)}" for line in self.lines]

    def __repr__(self):
        return "\n".join(self._plain_lines())

    __str__ = __repr__

    def _repr_markdown_(self):
        out = f"{_ICONS[self.status]} **{self.headline}**"
        if self.lines:
            out += "\n\n" + "\n".join(f"- {line}" for line in self.lines)
        return out

    def _repr_html_(self):
        items = "".join(f"<li>{_html(line)}</li>" for line in self.lines)
        body = f'<ul style="margin:0.3em 0 0 0">{items}</ul>' if items else ""
        return (f'<div class="failurelab-check" data-status="{self.status}" '
                f'style="border-left:4px solid {_COLOURS[self.status]};padding:0.3em 0.8em">'
                f"{_ICONS[self.status]} <strong>{_html(self.headline)}</strong>{body}</div>")


def _plain(markdown: str) -> str:
    return markdown.replace("**", "")


def _html(markdown: str) -> str:
    text = html.escape(markdown, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)


# ---------------------------------------------------------------------------------------------
# Reading answers
# ---------------------------------------------------------------------------------------------
def _is_unanswered(raw) -> bool:
    if raw is Ellipsis or raw is None or raw is _MISSING:
        return True
    if isinstance(raw, (list, tuple)):
        return any(_is_unanswered(x) for x in raw)
    return False


def _count(n: int) -> str:
    return "one number" if n == 1 else f"{n} numbers"


def _describe(raw) -> str:
    if isinstance(raw, str):
        short = raw if len(raw) <= 30 else raw[:27] + "..."
        return f"text {short!r}"
    if isinstance(raw, dict):
        return "a dictionary"
    name = type(raw).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _as_numbers(raw):
    """The answer as a float array, or (None, reason) if it is not numbers."""
    if isinstance(raw, (str, bytes)):
        return None, f"got {_describe(raw)}. Did you put quotes around a number?"
    if isinstance(raw, (dict, set)) or callable(raw):
        extra = " Did you forget the brackets `()` to call it?" if callable(raw) else ""
        return None, f"got {_describe(raw)}.{extra}"
    try:
        value = np.asarray(raw, dtype=float)
    except Exception:  # noqa: BLE001 -- ragged lists, objects, ...
        return None, f"could not read {_describe(raw)} as numbers."
    if value.dtype.kind not in "fc":
        return None, f"could not read {_describe(raw)} as numbers."
    return np.real(value), None


def _fmt(x: float) -> str:
    return f"{x:.4g}"


# ---------------------------------------------------------------------------------------------
# Registry and check
# ---------------------------------------------------------------------------------------------
class Registry:
    """Task id -> :class:`Task`. Expected values are computed once per task and cached."""

    def __init__(self):
        self._tasks: dict = {}
        self._cache: dict = {}

    def add(self, task: Task) -> Task:
        if task.id in self._tasks:
            raise ValueError(f"task {task.id!r} is already registered")
        self._tasks[task.id] = task
        return task

    def __contains__(self, task_id):
        return str(task_id) in self._tasks

    def ids(self, track: str = "code"):
        """Task ids in registration order: ``"code"``, the tasks of the exercise notebooks;
        ``"nocode"``, the tasks of their no-code variants (each no-code task right after its
        companion); ``"all"``, every task."""
        if track not in ("code", "nocode", "all"):
            raise ValueError(f"track must be 'code', 'nocode' or 'all', not {track!r}")
        if track == "code":
            return [t for t, task in self._tasks.items() if task.track == "both"]
        if track == "all":
            return list(self._tasks)
        out = []
        for tid, task in self._tasks.items():
            if task.track == "both":
                out.append(tid)
                out += [t for t, other in self._tasks.items() if other.companion == tid]
        return out

    def task(self, task_id) -> Task:
        try:
            return self._tasks[str(task_id)]
        except KeyError:
            raise ValueError(f"unknown task {task_id!r}; known tasks: {', '.join(self._tasks)}") from None

    def expected(self, task_id):
        """Expected value(s) of a task: a value, or a dict part name -> value."""
        task = self.task(task_id)
        values = [self._expected(task, k) for k in range(len(task.parts))]
        return values[0] if len(values) == 1 else {p.name: v for p, v in zip(task.parts, values)}

    def _expected(self, task, k):
        key = (task.id, k)
        if key not in self._cache:
            self._cache[key] = task.parts[k].expected()
        return self._cache[key]

    def check(self, task_id, answer=_MISSING, /, **parts) -> Feedback:
        """Compare a learner's answer with the expected value; never raises for a wrong answer."""
        tid = str(task_id).strip()
        if tid not in self._tasks:
            known = ", ".join(f"`{t}`" for t in self.ids()) or "none"
            return Feedback(tid, "unknown", f"There is no task {tid!r}.",
                            [f"Known tasks: {known}. Check the first argument of `check`."])
        task = self._tasks[tid]
        answers, problem = _split_answers(task, answer, parts)
        if problem:
            return Feedback(tid, "invalid", f"Task {tid}: {problem}",
                            [f"Call it as `{_signature(task)}`."])
        if all(_is_unanswered(a) for a in answers):
            return Feedback(tid, "unanswered",
                            f"Task {tid} is not answered yet: replace `...` with your code.")
        results = []
        for k, (part, raw) in enumerate(zip(task.parts, answers)):
            if _is_unanswered(raw):
                results.append(("unanswered", ["not answered yet: replace `...` with your code."]))
                continue
            try:
                expected = self._expected(task, k)
                if not part.picked:
                    expected = np.asarray(expected, dtype=float)
            except Exception as exc:  # noqa: BLE001 -- a course bug, not the answer
                return Feedback(tid, "error", f"Task {tid} could not be checked.",
                                [("This is a problem in the course, not in your answer: "
                                  f"{type(exc).__name__}: {exc}")])
            results.append(_judge_pick(part, raw, expected) if part.picked
                           else _judge(part, raw, expected))
        return _combine(task, results)


def _signature(task: Task) -> str:
    if len(task.parts) == 1:
        return f'check("{task.id}", answer)'
    return f'check("{task.id}", ' + ", ".join(f"{p.name}=..." for p in task.parts) + ")"


def _split_answers(task: Task, answer, parts):
    """The learner's answer for each part, or a problem message."""
    if len(task.parts) == 1:
        if parts:
            return None, f"this task takes one answer, not {', '.join(parts)}=."
        return [answer], None
    if answer is not _MISSING and not parts:
        if isinstance(answer, dict):
            parts = answer
        elif _is_unanswered(answer):
            return [Ellipsis] * len(task.parts), None
        else:
            return None, f"this task has {len(task.parts)} answers, given by name."
    names = [p.name for p in task.parts]
    unknown = [k for k in parts if k not in names]
    if unknown:
        return None, f"unknown answer name {', '.join(map(repr, unknown))}."
    return [parts.get(n, _MISSING) for n in names], None


def _judge(part: Part, raw, expected: np.ndarray):
    """(status, messages) for one part."""
    value, reason = _as_numbers(raw)
    hints = _hints(part, raw, value, expected)
    want = "a fraction between 0 and 1" if part.fraction and expected.size == 1 else part.what
    if value is None:
        want = _count(expected.size) if expected.size > 1 else want
        return "invalid", [f"expected {want}, {reason}"] + hints
    if value.size != expected.size:
        return "invalid", [f"expected {_count(expected.size)}, got {_count(value.size)}."] + hints
    value = value.reshape(expected.shape)
    if not np.all(np.isfinite(value)):
        return "invalid", ["your answer contains NaN or infinity; check your calculation."] + hints
    if part.integer:
        ok = _close(value, expected, 0.0, 1e-9)
    else:
        ok = _close(value, expected, part.rtol, part.atol)
    if np.all(ok):
        return "correct", []
    msgs = []
    if expected.size > 1:
        labels = list(part.labels) if len(part.labels) == expected.size else [
            f"number {i + 1}" for i in range(expected.size)]
        wrong = [lab for lab, good in zip(labels, ok.ravel()) if not good]
        what = "answers" if part.choices else "numbers"
        msgs.append(f"right: {int(ok.sum())} of {expected.size} {what}; not yet right: "
                    f"{', '.join(wrong)}.")
    elif _choice_label(part, float(value)):
        msgs.append(f"{_choice_label(part, float(value))} is not the right answer.")
    else:
        msgs.append(f"{_fmt(float(value))} is not the expected value.")
    if part.integer and np.any(np.abs(value - np.round(value)) > 1e-9):
        msgs.append("These are counts of units: whole numbers.")
    return "wrong", msgs + hints


def _judge_pick(part: Part, raw, expected):
    """(status, messages) for a part answered by picking option keys."""
    keys = [value for _, value in part.choices]
    want = list(expected) if isinstance(expected, (list, tuple)) else [expected]
    got = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    options = ", ".join(repr(k) for k in keys)
    hints = [f"Hint: {m}" for m in _fire(part.hints, raw, None, expected)]
    if len(got) != len(want):
        n = "one choice" if len(want) == 1 else f"{len(want)} choices"
        return "invalid", [f"expected {n} (each one of {options}), got {len(got)}."]
    unknown = [g for g in got if not (isinstance(g, str) and g in keys)]
    if unknown:
        return "invalid", [f"expected one of {options}, got {_describe(unknown[0])}."]
    ok = [g == w for g, w in zip(got, want)]
    if all(ok):
        return "correct", []
    if len(want) > 1:
        labels = list(part.labels) if len(part.labels) == len(want) else [
            f"choice {i + 1}" for i in range(len(want))]
        wrong = ", ".join(lab for lab, good in zip(labels, ok) if not good)
        msgs = [f"right: {sum(ok)} of {len(want)} choices; not yet right: {wrong}."]
    else:
        msgs = [f"{got[0]!r} is not the right choice."]
    return "wrong", msgs + hints


def _choice_label(part: Part, value: float) -> str:
    """"'label' (value)" of the numeric choice equal to ``value``, or ""."""
    for label, choice in part.choices:
        if not isinstance(choice, str) and float(choice) == value:
            return f"{label!r} ({choice!r})"
    return ""


def _hints(part: Part, raw, value, expected):
    """Messages of the hint rules that fire; generic fallbacks only if no specific rule fired."""
    specific = ([_percent_rule(part)] if part.fraction else []) + list(part.hints) + [_order_rule(part)]
    fallback = [_above_one_rule(part)] if part.fraction else []
    found = _fire(specific, raw, value, expected) or _fire(fallback, raw, value, expected)
    return [f"Hint: {m}" for m in found]


def _fire(rules, raw, value, expected):
    found = []
    for rule in rules:
        try:
            msg = rule(raw, value, expected)
        except Exception:  # noqa: BLE001 -- a hint must never break the feedback
            msg = None
        if msg and msg not in found:
            found.append(msg)
    return found


def _combine(task: Task, results) -> Feedback:
    statuses = [s for s, _ in results]
    if all(s == "correct" for s in statuses):
        return Feedback(task.id, "correct", f"Task {task.id} ({task.title}): correct!",
                        [f"Why it matters: {task.why}"])
    status = next(s for s in ("invalid", "wrong", "unanswered") if s in statuses)
    lines = []
    for part, (s, msgs) in zip(task.parts, results):
        prefix = f"`{part.name}`: " if part.name else ""
        if s == "correct":
            lines.append(f"{prefix}correct.")
        else:
            lines.extend(prefix + m if i == 0 else m for i, m in enumerate(msgs))
    has_hint = any(line.startswith("Hint:") for line in lines)
    if task.hint and not has_hint:
        lines.append(f"Hint: {task.hint}")
    n_right = statuses.count("correct")
    head = f"Task {task.id} ({task.title}): not yet"
    if len(task.parts) > 1:
        head += f" ({n_right} of {len(task.parts)} answers right)"
    return Feedback(task.id, status, head + ".", lines)
