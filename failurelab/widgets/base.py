"""The explorer pattern shared by every chapter: Python reference compute + one browser view.

An explorer's Python side validates input, computes the state the text discusses (tested
against the papers) and writes a JSON *spec*: its controls, first values and the data the view
needs (parameters or a precomputed grid). The view is an ES module in ``js/`` (drawing,
sentence, controls) that runs the same in JupyterLab (an anywidget, kept in step with Python),
in the static book, in the reveal.js decks and in RISE (self-contained HTML, no kernel).

Also the helpers every explorer module uses (input checks, number formats, controls); the
chapter modules import them from here, never from each other.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from ..validation import choice, fail, real, shown, whole

MINUS = "\u2212"


def alert_html(text):
    """An explorer's message: announced by screen readers (role="alert"), dark vermillion text
    (contrast 6.5:1 on white; Okabe-Ito's #D55E00 itself is only 3.9:1). ``text`` is escaped:
    the HTML widget shows markup as it is, so an echoed name must never become markup."""
    return f'<div role="alert" style="color:#A33E00">{html.escape(str(text))}</div>'


# -- input checks ----------------------------------------------------------------------------------

def _value(name, value, low=None, high=None, integer=False, what="a number"):
    """``value`` as float (or int), or an InputError saying which range is allowed."""
    if integer:
        return whole(name, value, low, high, what=what)
    return real(name, value, low, high, what=what)


def _check_controls(explorer, params):
    """Refuse values outside a control's range: the pure functions accept more than the
    sliders show, but a view must not display a state its controls cannot (they would clamp)."""
    for name, value in params.items():
        control = explorer.controls.get(name)
        if control is not None and control.kind == "range":
            real(name, value, control.min, control.max, what="", hint=" in this explorer")
    return params


def _check_options(explorer, params):
    """Refuse a value that is not one of a dropdown's options (a list, None, a typo)."""
    for name, value in params.items():
        options = getattr(explorer.controls.get(name), "options", None)
        if options:
            values = [o[1] if isinstance(o, tuple) else o for o in options]
            choice(name, value, values, what=f"one of this explorer's {len(values)} options "
                   f"({', '.join(map(repr, values[:6]))}{', ...' if len(values) > 6 else ''})")
    return params


# -- number formats ---------------------------------------------------------------------------------

def _num(x, places=2):
    """A number for prose and figures, with a real minus sign."""
    return f"{x:.{places}f}".replace("-", MINUS)


def _signed(x, places=2):
    return ("+" if x > 0 else "") + _num(x, places)


def _pct(fraction):
    """A share as a percentage with a no-break space ("30\u00a0%"), as plots.describe wants."""
    return f"{100 * fraction:.0f}\u00a0%"


# -- data for the views: exact numbers and compact grids (decoded in js/explorer.js) -----------

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def pack_f64(values):
    """Numbers as little-endian float64 bytes in base64: exact (JSON's decimals would round
    them) and smaller than decimals. The views decode them with ``f64()``."""
    return base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode("ascii")


def pack_digits(values, width=2):
    """Whole numbers from 0 to 64**width - 1 as ``width`` base-64 digits each (``unpack`` in
    the views): a histogram as text a third the size of a JSON list."""
    out = []
    for v in values:
        v = int(v)
        if not 0 <= v < 64**width:
            raise ValueError(f"{v} does not fit in {width} base-64 digits")
        out.append("".join(B64[(v >> 6 * (width - 1 - k)) & 63] for k in range(width)))
    return "".join(out)


def pack_histogram(counts, width):
    """A histogram as its first non-empty bin, then the counts up to its last non-empty bin."""
    nz = np.flatnonzero(counts)
    return pack_digits([nz[0], *counts[nz[0]:nz[-1] + 1]], width) if nz.size else ""


def digits_for(top):
    """Base-64 digits that hold every whole number up to ``top``."""
    width = 1
    while 64**width <= top:
        width += 1
    return max(width, 2)


def shortest(x, *shows, low=3):
    """``x`` with the fewest significant digits (at least ``low``) that every formatter in
    ``shows`` still prints as it prints ``x``: a small spec whose sentences stay exact."""
    if x is None:
        return None
    want = [show(x) for show in shows]
    for places in range(low, 11):
        y = float(f"{x:.{places}g}")
        if all(show(y) == w for show, w in zip(shows, want)):
            return y
    raise ValueError(f"{x!r} needs more than 10 digits to print the same")  # never seen


def check_steps(explorer, params):
    """Refuse a value between a range control's steps: a view shows precomputed values only."""
    for name, value in params.items():
        control = explorer.controls.get(name)
        if control is not None and control.kind == "range":
            steps = (value - control.min) / control.step
            if abs(steps - round(steps)) > 1e-6:
                fail(f"{name} moves in steps of {control.step:g} from {control.min:g} in this "
                     f"explorer (its values are precomputed), got {shown(value)}")
    return params


# -- controls ---------------------------------------------------------------------------------

@dataclass
class Control:
    """One control of an explorer's view: ``kind`` is "range" (a slider with a number box),
    "select", "checkbox" or "button". ``value`` follows the explorer's last good update."""

    name: str
    kind: str
    label: str
    value: object = None
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: list = field(default_factory=list)  # select: [(label, value), ...]
    places: int | None = None  # decimals shown for range values (default: those of step)

    @property
    def description(self):
        return self.label

    def spec(self):
        out = dict(name=self.name, kind=self.kind, label=self.label)
        if self.kind == "range":
            places = self.places if self.places is not None else _places(self.step)
            out.update(min=self.min, max=self.max, step=self.step, places=places)
        if self.kind == "select":
            out["options"] = [[str(text), value] for text, value in self.options]
        return out


def _places(step):
    text = repr(float(step))
    return 0 if float(step).is_integer() else len(text.split(".")[1])


def slider(name, label, value, low, high, step=1, places=None):
    """A range control from ``low`` to ``high`` in steps of ``step`` (slider + number box)."""
    return Control(name, "range", label, value, low, high, step, places=places)


def dropdown(name, label, value, options):
    """A select control; ``options`` are values or (label, value) pairs."""
    pairs = [o if isinstance(o, tuple) else (str(o), o) for o in options]
    return Control(name, "select", label, value, options=pairs)


def checkbox(name, label, value=False):
    return Control(name, "checkbox", label, bool(value))


def button(name, label):
    """A button: the view's ``action(name, ...)`` handles it in the browser."""
    return Control(name, "button", label)


# -- JSON for the view --------------------------------------------------------------------------

def jsonable(value, digits=10):
    """``value`` with numpy types as plain lists and numbers (``digits`` significant digits,
    NaN and infinities as None): what the browser view receives."""
    if isinstance(value, dict):
        return {str(k): jsonable(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, digits) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist(), digits)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return float(f"{value:.{digits}g}") if math.isfinite(value) else None
    return value


JS_DIR = Path(__file__).with_name("js")

_ANYWIDGET_HOST = """
export default {
  render({ model, el }) {
    const host = { changed(params) { model.set("params", params); model.save_changes(); } };
    let view = mount(el, { ...model.get("spec"), params: model.get("params") }, explorer, host);
    const onParams = () => {
      const params = model.get("params");
      if (JSON.stringify(params) !== JSON.stringify(view.params())) view.set(params);
    };
    const onSpec = () => {
      view = mount(el, { ...model.get("spec"), params: model.get("params") }, explorer, host);
    };
    model.on("change:params", onParams);
    model.on("change:spec", onSpec);
    return () => { model.off("change:params", onParams); model.off("change:spec", onSpec); };
  },
};
"""

_PAGE_HOST = """
for (const el of document.querySelectorAll('div.fl-pending[data-fl-id="ID"]')) {
  el.classList.remove("fl-pending");
  mount(el, JSON.parse(el.nextElementSibling.textContent), explorer);
}
"""


@cache
def module_source(js):
    """The view's code for explorer ``js``: the shared front end, then ``js/<js>.js``."""
    path = JS_DIR / f"{js}.js"
    if not path.exists():
        fail(f"no browser view {path.name} in {JS_DIR}")
    return (JS_DIR / "explorer.js").read_text(encoding="utf-8") + "\n" + path.read_text(encoding="utf-8")


class ExplorerWidget(anywidget.AnyWidget):
    """The live view in JupyterLab: the explorer's ES module, its spec, and the control values
    (``params``), which the view and Python keep in step."""

    spec = traitlets.Dict().tag(sync=True)
    params = traitlets.Dict().tag(sync=True)


class Explorer:
    """Base class. Subclasses set ``js`` (the view's file in ``js/``), ``title`` and
    ``controls`` (name -> Control) and define ``compute(**params)`` (pure, raises ValueError on
    bad input), ``describe(state)`` (the HTML sentence the view must also show: the reference
    the browser tests compare against) and, if the view needs data, ``data()``.
    """

    js: str
    title: str
    controls: dict

    def __init__(self):
        self.state = None
        self.error = None
        self.readout = ""
        self.message = ""
        self._widget = None
        if self.update() is None:
            fail(f"{type(self).__name__}: {self.error}")

    def data(self):
        """What the browser view needs besides the control values (JSON-able)."""
        return {}

    def params(self):
        return {name: c.value for name, c in self.controls.items() if c.kind != "button"}

    def update(self, **params):
        """Set controls from ``params`` (if given), recompute; returns the state.

        On bad input ``message`` says why, the last good state stays, and None is returned.
        """
        unknown = sorted(set(params) - set(self.params()))
        if unknown:
            fail(f"unknown control {', '.join(map(repr, unknown))}; controls: "
                 f"{', '.join(self.params())}")
        merged = {**self.params(), **params}
        try:
            _check_options(self, params)
            state = self.compute(**merged)
        except ValueError as exc:
            self.error = str(exc)
            self.message = (f"Not shown: {self.error}. The figure still shows the last valid "
                            "setting.")
            return None
        self.error = None
        self.message = ""
        self.state = state
        self.readout = self.describe(state)
        for name, value in params.items():
            self.controls[name].value = value
        if self._widget is not None and self._widget.params != self.params():
            self._widget.params = jsonable(self.params())
        return state

    def spec(self):
        """The view's input: controls, first values and data, as JSON-able values."""
        return jsonable(dict(name=self.js, title=self.title,
                             controls=[c.spec() for c in self.controls.values()],
                             params=self.params(), data=self.data()))

    @property
    def widget(self):
        """The anywidget for JupyterLab; its control changes update this explorer."""
        if self._widget is None:
            self._widget = ExplorerWidget(spec=self.spec(), params=jsonable(self.params()),
                                          _esm=module_source(self.js) + _ANYWIDGET_HOST)
            self._widget.observe(self._from_view, names="params")
        return self._widget

    def _from_view(self, change):
        new = {k: v for k, v in change["new"].items() if self.controls[k].value != v}
        if new:
            self.update(**new)

    def refresh_view(self):
        """Send a new spec (e.g. new data) to a live view."""
        if self._widget is not None:
            self._widget.spec = self.spec()

    def html(self):
        """The view as self-contained HTML: works with no kernel (book, decks, RISE, a trusted
        notebook). The spec travels as JSON (parsed, never evaluated)."""
        spec = json.dumps(self.spec(), separators=(",", ":"), allow_nan=False)
        key = hashlib.sha1(spec.encode()).hexdigest()[:12]
        spec = spec.replace("<", "\\u003c")  # no "</script>" can end the JSON early
        code = module_source(self.js) + _PAGE_HOST.replace("ID", key)
        return (f'<div class="fl-explorer fl-pending" data-fl-id="{key}">'
                f"<p>{html.escape(self.title)}: this explorer needs JavaScript (in JupyterLab: "
                f"run the cell).</p></div>"
                f'<script type="application/json">{spec}</script>'
                f'<script type="module">{code}</script>')

    @property
    def live_view(self):
        """What a running kernel displays: the widget (an explorer may wrap it, e.g. with an
        upload button)."""
        return self.widget

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The live view where a kernel is, the self-contained HTML everywhere else, and a
        plain-text fallback that says what to do."""
        bundle = self.live_view._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["text/html"] = self.html()
        bundle["text/plain"] = (f"{type(self).__name__}: run this cell (or Run > Run All Cells) "
                                "to start the explorer.")
        return bundle


# TRANSITION (removed once every explorer has its browser view): the old slider helper, so
# modules not yet ported still import.
def _slider(cls, value, low, high, step, description, width="360px", **kw):
    return cls(value=value, min=low, max=high, step=step, description=description, **kw)
