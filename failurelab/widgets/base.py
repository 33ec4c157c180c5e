"""The explorer pattern shared by every chapter: compute -> redraw in place -> PNG in a widget.

Also the helpers every explorer module uses (input checks, number formats, sliders); the
chapter modules import them from here, never from each other.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .. import plots
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
        if hasattr(control, "min"):
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


# -- sliders ----------------------------------------------------------------------------------------

# A slider's track is its width minus the description and the readout. On the book's desktop
# page a description character takes about 7 px and the readout with its margins about 96 px.
SLIDER_TRACK_PX = 150  # the browser test asks for at least 100 px (tests/test_browser.py)
_LABEL_PX_PER_CHAR, _READOUT_PX = 7.5, 96


def slider_width(description, width=None):
    """Slider width in px: ``width`` if given, raised so the track keeps ``SLIDER_TRACK_PX``."""
    if not isinstance(description, str) or not description:
        fail("a slider needs a non-empty description")
    needed = round(_LABEL_PX_PER_CHAR * len(description)) + _READOUT_PX + SLIDER_TRACK_PX
    given = 0 if width is None else int(str(width).removesuffix("px"))
    return f"{max(needed, given)}px"


def _slider(cls, value, low, high, step, description, width="360px", **kw):
    # max_width 100% keeps it on a phone screen; the controls' box wraps (base.Explorer)
    return cls(value=value, min=low, max=high, step=step, description=description,
               style={"description_width": "initial"},
               layout=widgets.Layout(width=slider_width(description, width), max_width="100%"),
               continuous_update=False, **kw)


class Explorer:
    """Base class: subclasses define ``controls`` (name -> widget), ``compute(**params)`` (pure,
    raises ValueError on bad input), ``draw(state)`` (update artists of ``self.fig`` in place),
    ``describe(state)`` (an HTML sentence saying what the figure shows) and ``dynamic`` (the
    artists that ``draw`` changes).

    Rendering blits: the static part of the figure (axes, ticks, labels) is drawn once and kept
    as a background; each update draws only the dynamic artists on it. ``layout_key(state)``
    returns something that changes when the static part must be redrawn (e.g. new axis limits).
    """

    controls: dict
    dynamic: list

    def layout_key(self, state):
        return None

    def __init__(self):
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="900px"))
        self.readout = widgets.HTML()
        self.message = widgets.HTML()
        self.state = None
        self.error = None
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        controls = widgets.HBox(list(self.controls.values()),
                                layout=widgets.Layout(flex_flow="row wrap"))  # wraps on phones
        self.ui = widgets.VBox([controls, self.image, self.readout, self.message])
        self.update()

    def params(self):
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **params):
        """Set controls from ``params`` (if given), recompute and redraw; returns the state.

        On bad input the message says why, the last good figure stays, and None is returned.
        """
        unknown = sorted(set(params) - set(self.controls))
        if unknown:
            fail(f"unknown control {', '.join(map(repr, unknown))}; controls: "
                 f"{', '.join(self.controls)}")
        merged = {**self.params(), **params}
        try:
            _check_options(self, params)
            state = self.compute(**merged)
        except ValueError as exc:
            self.error = str(exc)
            self.message.value = alert_html(f"Not shown: {self.error}. The figure still shows the "
                                            "last valid setting.")
            return None
        self.error = None
        self.message.value = ""
        self.state = state
        with plt.rc_context(plots.STYLE):
            self.draw(state)
            self.image.value = self._render(self.layout_key(state))
        self.readout.value = self.describe(state)
        self._sync_controls(params)
        return state

    def _render(self, key):
        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.fig)
            for artist in self.dynamic:
                artist.set_animated(True)
        if getattr(self, "_background", None) is None or key != self._background_key:
            canvas.draw()  # everything but the dynamic (animated) artists
            self._background, self._background_key = canvas.copy_from_bbox(self.fig.bbox), key
        else:
            canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.fig.draw_artist(artist)
        image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def _sync_controls(self, params):
        self._syncing = True
        try:
            for name, value in params.items():
                if name in self.controls and self.controls[name].value != value:
                    self.controls[name].value = value
        finally:
            self._syncing = False

    def _on_change(self, change):
        if not getattr(self, "_syncing", False):
            self.update()

    def _repr_mimebundle_(self, **kwargs):
        """Display as the widget tree; the plain-text fallback (seen before the notebook runs,
        or where widgets cannot render) says what to do instead of printing the widget repr."""
        bundle = self.ui._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"{type(self).__name__}: run this cell (or Run > Run All Cells) "
                                "to start the explorer.")
        return bundle


def kernel_free_twin(explorer, name, values, label=None):
    """Pre-rendered frames of ``explorer`` over one parameter, as self-contained HTML.

    For readers of the static book: a range input steps through the same figures the live
    explorer draws (frames re-encoded as 256-colour PNGs to stay small). Needs no kernel and no
    script file; restores the explorer's previous value afterwards.
    """
    if name not in explorer.controls:
        fail(f"unknown control {name!r}; controls: {', '.join(explorer.controls)}")
    values = list(values)
    before = explorer.controls[name].value
    label = html.escape(str(label or explorer.controls[name].description))
    frames = []
    for value in values:
        if explorer.update(**{name: value}) is None:
            fail(f"{name}={shown(value)} is not a valid frame: {explorer.error}")
        frames.append(_small_png(explorer.image.value))
    explorer.update(**{name: before})
    start = values.index(before) if before in values else 0
    texts = [html.escape(str(v)) for v in values]  # every value and name reaches HTML escaped
    names = html.escape("|".join(str(v) for v in values))
    imgs = "".join(
        f'<img src="data:image/png;base64,{base64.b64encode(f).decode()}" '
        f'alt="{label} = {v}"{"" if k == start else " hidden"} style="max-width:100%">'
        for k, (v, f) in enumerate(zip(texts, frames)))
    step = ("const f=this.closest('figure');f.querySelectorAll('img').forEach("
            "(im,i)=>{im.hidden=(i!=this.value)});"
            "f.querySelector('output').textContent=this.dataset.values.split('|')[this.value];")
    return (f'<figure class="failurelab-twin" style="margin:0">'
            f'<label style="display:block">{label}: <output>{texts[start]}</output><br>'
            f'<input type="range" min="0" max="{len(values) - 1}" step="1" value="{start}" '
            f'data-values="{names}" oninput="{step}" onkeydown="event.stopPropagation()" '
            f'style="width:min(420px,90%)"></label>'
            f'{imgs}<figcaption style="font-size:90%">Pre-rendered frames: this player works '
            f"without Python. Open the notebook to explore every value.</figcaption></figure>")


def _small_png(png_bytes):
    image = PIL.Image.open(io.BytesIO(png_bytes)).convert("RGB").quantize(256)
    buf = io.BytesIO()
    image.save(buf, format="png", optimize=True)
    return buf.getvalue()
