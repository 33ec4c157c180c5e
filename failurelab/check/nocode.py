"""The no-code track: a task's answer form, and small calculators (ipywidgets).

``form(task_id)`` (in :mod:`failurelab.check`) builds an :class:`AnswerForm` from the task's
parts alone, so it knows no chapter: a labelled box per number (the part's ``labels`` and
``what``), a menu where a part is a choice (``Part.choices``: a yes-or-no menu per number, or
radio buttons for one pick among options) and a **Check** button. The button calls the same
:meth:`~failurelab.check.engine.Registry.check` as ``check(...)`` in the exercise notebooks and
shows the same :class:`~failurelab.check.engine.Feedback` under the form, so an answer typed in
a box is judged exactly as the code track judges it: same tolerance, same hint rules.

What a box's text becomes (:func:`read_number`): a number ("0.75", "0,75", "-0.2" with a real
minus sign, "1e-3"); a number followed by "%" is the number itself ("75 %" is 75, so the
engine's "percentage instead of fraction" hint fires as it does for ``75`` in code); an empty
box is not answered yet; any other text goes to the engine as text, which says what it expected.
Two of the engine's generic messages name code; the form says them in its own words
(:data:`FORM_WORDING`), everything else (statuses, hints) is the engine's.

:class:`Calculator` is a tool a learner uses beside a form: boxes for a package function's
inputs, a **Compute** button and the result (e.g. the power of a two-group study), for numbers
that need the course's package rather than a pocket calculator. :class:`Table` shows a data
table in a hidden cell, with numbers precise enough for the forms' tolerance.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

import ipywidgets as widgets
import numpy as np

from .engine import Feedback, Registry

#: (code-track phrase of the engine, what the form says instead)
FORM_WORDING = (
    ("replace `...` with your code", "fill in every box and menu"),
    ("Did you put quotes around a number?",
     "Type a number such as 0.75 (a comma works as the decimal mark too)."),
)
UNPICKED = "choose..."
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_BOX = widgets.Layout(width="240px")
_WIDE = {"description_width": "initial"}


def read_number(text):
    """A box's text as the answer the engine gets: a float, ``...`` (empty) or the text."""
    text = str(text)
    compact = _SPACES.sub("", text).replace("\u2212", "-")
    if not compact:
        return Ellipsis
    number = compact.removesuffix("%")
    if number.count(",") == 1 and "." not in number:
        number = number.replace(",", ".")
    try:
        return float(number)
    except ValueError:
        return text.strip()


def _form_words(feedback: Feedback) -> Feedback:
    def words(text):
        for code, form in FORM_WORDING:
            text = text.replace(code, form)
        return text

    return replace(feedback, headline=words(feedback.headline),
                   lines=[words(line) for line in feedback.lines])


def _size(value) -> int:
    if isinstance(value, (list, tuple)) and any(isinstance(v, str) for v in value):
        return len(value)
    if isinstance(value, str):
        return 1
    return int(np.asarray(value, dtype=float).size)


def _scalar(value) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, (list, tuple)):
        return False
    return np.ndim(value) == 0


class AnswerForm:
    """The no-code form of one task: ``boxes`` (part name -> its widgets, one per number or
    pick), ``button`` (Check), ``output`` (the feedback's HTML) and ``feedback`` (the last
    :class:`Feedback`, or None before the first click). Displays as the live form in a kernel
    and as a short note elsewhere (the book, a saved notebook)."""

    def __init__(self, registry: Registry, task_id):
        self.registry = registry
        self.task = registry.task(task_id)
        self.task_id = self.task.id
        expected = registry.expected(self.task_id)
        if len(self.task.parts) == 1:
            expected = {self.task.parts[0].name: expected}
        self.boxes, self._shapes, rows = {}, {}, []
        for part in self.task.parts:
            key = part.name or "answer"
            value = expected[part.name]
            n = _size(value)
            labels = list(part.labels) if len(part.labels) == n else (
                [""] if n == 1 else [f"number {i + 1}" for i in range(n)])
            self._shapes[key] = _scalar(value)
            self.boxes[key] = [self._input(part, label) for label in labels]
            rows.append(widgets.HTML(f"<b>{html.escape(key)}</b>: {html.escape(_want(part, n))}"))
            rows.append(widgets.HBox(self.boxes[key], layout=widgets.Layout(flex_flow="row wrap")))
        self.button = widgets.Button(description="Check", button_style="primary",
                                     tooltip=f"Check your answer to task {self.task_id}")
        self.button.on_click(self._on_click)
        self.output = widgets.HTML()
        self.feedback = None
        title = widgets.HTML(f"<b>Task {html.escape(self.task_id)}</b> "
                             f"({html.escape(self.task.title)}): your answer")
        self.widget = widgets.VBox([title, *rows, self.button, self.output],
                                   layout=widgets.Layout(border="1px solid #bbb",
                                                         padding="0.4em 0.8em"))

    @staticmethod
    def _input(part, label):
        if part.picked and len(part.labels) <= 1 and len(part.choices) <= 6:
            return widgets.RadioButtons(options=list(part.choices), value=None,
                                        description=label, style=_WIDE,
                                        layout=widgets.Layout(width="auto"))
        if part.choices:
            return widgets.Dropdown(options=[(UNPICKED, None), *part.choices], index=0,
                                    description=label, style=_WIDE,
                                    layout=widgets.Layout(width="auto"))
        return widgets.Text(value="", description=label, placeholder="type a number",
                            style=_WIDE, layout=_BOX)

    def answers(self) -> dict:
        """What the boxes and menus hold, as the engine gets it (part name -> answer)."""
        out = {}
        for key, boxes in self.boxes.items():
            if isinstance(boxes[0], widgets.Text):
                values = [read_number(b.value) for b in boxes]
                text = [v for v in values if isinstance(v, str)]
                if text:  # the engine names the text it could not read
                    out[key] = text[0]
                    continue
            else:
                values = [b.value for b in boxes]
            out[key] = values[0] if self._shapes[key] else values
        return out

    def check(self) -> Feedback:
        """Check what the form holds with the engine (what the Check button does)."""
        answers = self.answers()
        if len(self.task.parts) == 1:
            feedback = self.registry.check(self.task_id, next(iter(answers.values())))
        else:
            feedback = self.registry.check(self.task_id, **answers)
        self.feedback = _form_words(feedback)
        self.output.value = self.feedback._repr_html_()
        return self.feedback

    def _on_click(self, _button):
        self.check()

    def html(self):
        """What the form is where no kernel runs (the book, a saved notebook)."""
        parts = "; ".join(p.name or "answer" for p in self.task.parts)
        return (f'<div class="failurelab-form" data-task="{html.escape(self.task_id)}" '
                f'style="border:1px solid #bbb;padding:0.4em 0.8em">'
                f"<b>Task {html.escape(self.task_id)}</b> ({html.escape(self.task.title)}): an "
                f"answer form ({html.escape(parts)}) with a Check button. It works when the "
                "notebook runs: open it in JupyterLab, Binder or Colab and run all cells.</div>")

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return _bundle(self.widget, self.html(), f"Answer form of task {self.task_id}: run this "
                       "cell (or Run > Run All Cells) to use it.", include, exclude, **kwargs)


def _want(part, n) -> str:
    if part.picked:
        return "pick one" if n == 1 else f"pick one for each of {n}"
    if part.choices:
        return "pick one" if n == 1 else f"pick one for each of the {n}"
    if part.fraction and n == 1:
        return "a fraction between 0 and 1 (0.75, not 75)"
    if part.fraction:
        return f"{part.what} (0.75, not 75)"
    return part.what


# ---------------------------------------------------------------------------------------------
# Calculators
# ---------------------------------------------------------------------------------------------
def _show(value) -> str:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


class Calculator:
    """A package function with boxes for its inputs, a Compute button and the result.

    ``inputs`` are ``(argument, label)`` pairs, ``result`` names what the function returns.
    Boxes read numbers as the forms do (:func:`read_number`); bad input or a refused value
    shows the reason instead of a result. Results have 4 significant digits, enough for the
    forms' tolerance (3 significant digits)."""

    def __init__(self, title, function, inputs, result, note=""):
        self.title, self.function, self.result = title, function, result
        self.note = note
        self.boxes = {name: widgets.Text(value="", description=label, placeholder="a number",
                                         style=_WIDE, layout=_BOX) for name, label in inputs}
        self.button = widgets.Button(description="Compute", tooltip=f"Compute: {result}")
        self.button.on_click(lambda _button: self.compute())
        self.output = widgets.HTML()
        head = f"<b>{html.escape(title)}</b>" + (f": {html.escape(note)}" if note else "")
        self.widget = widgets.VBox([widgets.HTML(head),
                                    widgets.HBox(list(self.boxes.values()),
                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                    self.button, self.output],
                                   layout=widgets.Layout(border="1px dashed #bbb",
                                                         padding="0.4em 0.8em"))

    def compute(self) -> str:
        """Compute from the boxes; returns (and shows) the result line or the reason why not."""
        values = {}
        for name, box in self.boxes.items():
            value = read_number(box.value)
            if not isinstance(value, float):
                label = box.description or name
                return self._say(f"{label}: type a number (got {box.value.strip()!r}).", error=True)
            values[name] = value
        try:
            out = self.function(**values)
        except (ValueError, TypeError, OverflowError) as exc:
            return self._say(f"Not computed: {exc}", error=True)
        return self._say(f"{self.result}: {_show(out)}")

    def _say(self, text, error=False):
        colour = "#A33E00" if error else "inherit"
        self.output.value = f'<div style="color:{colour}">{html.escape(text)}</div>'
        return text

    def html(self):
        names = ", ".join(box.description for box in self.boxes.values())
        return (f'<div class="failurelab-calculator" style="border:1px dashed #bbb;'
                f'padding:0.4em 0.8em"><b>{html.escape(self.title)}</b>: a calculator ('
                f"{html.escape(names)} \u2192 {html.escape(self.result)}). It works when the "
                "notebook runs: open it in JupyterLab, Binder or Colab and run all cells.</div>")

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return _bundle(self.widget, self.html(), f"{self.title}: run this cell (or Run > Run All "
                       "Cells) to use it.", include, exclude, **kwargs)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
class Table:
    """A data table shown by a hidden cell of a no-code notebook: HTML without the index, numbers
    with ``digits`` significant digits (enough for the forms' tolerance), a caption above."""

    def __init__(self, frame, caption="", digits=5):
        self.frame, self.caption, self.digits = frame, caption, digits

    def _cell(self, x):
        if isinstance(x, (bool, np.bool_)):
            return "yes" if x else "no"
        if isinstance(x, (int, np.integer)):
            return str(int(x))
        if isinstance(x, (float, np.floating)):
            if not np.isfinite(x):
                return ""
            return _show(x) if float(x).is_integer() else f"{float(x):.{self.digits}g}"
        return str(x)

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(self._cell(x))}</td>" for x in row)
                       + "</tr>" for row in self.frame.itertuples(index=False))
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (f'<table class="failurelab-table">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")

    def __repr__(self):
        return (self.caption + "\n" if self.caption else "") + self.frame.to_string(index=False)


def _bundle(widget, page, plain, include=None, exclude=None, **kwargs):
    """The live widget where a kernel runs, ``page`` (HTML) elsewhere, ``plain`` as text."""
    bundle = widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    return {**(bundle or {}), "text/html": page, "text/plain": plain}
