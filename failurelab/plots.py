"""One figure style for the course: Okabe-Ito colours, readable fonts, fixed layouts.

Okabe M, Ito K (2008). Color Universal Design: a colour-blind-safe palette. Figures that
explorers redraw keep one fixed layout (no tight bbox, no constrained layout per draw), so an
update costs one PNG render.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
#: Sequential colour map for continuous values (perceptually uniform, colour-blind safe).
SEQUENTIAL = "viridis"
DPI = 100

STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=[OKABE_ITO[c] for c in
                                                ("blue", "orange", "green", "vermillion",
                                                 "purple", "sky", "yellow", "black")]),
    "legend.frameon": False,
    "figure.facecolor": "white",
}


def use_style():
    """Apply the course style to matplotlib (called by the notebooks' setup cell)."""
    plt.rcParams.update(STYLE)


def figure(ncols=1, nrows=1, size=(9.0, 3.6), margins=None, **subplot_kw):
    """A figure with a fixed layout; returns (fig, axes). Not registered with pyplot."""
    from matplotlib.figure import Figure

    with plt.rc_context(STYLE):
        fig = Figure(figsize=size, dpi=DPI)
        axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    fig.subplots_adjust(**(margins or dict(left=0.08, right=0.97, bottom=0.16, top=0.86,
                                           wspace=0.3, hspace=0.35)))
    return fig, axes.ravel() if axes.size > 1 else axes[0, 0]


def png(fig, dpi=DPI):
    """The figure rendered as PNG bytes (no tight bbox: the layout stays fixed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


class Described:
    """A "what the figure shows" sentence as a notebook output: Markdown (prose in JupyterLab,
    the book and the decks, never a block of fixed-width text), plain text elsewhere."""

    def __init__(self, text):
        self.text = " ".join(str(text).split()).replace(" %", "\u00a0%")  # "80 %" on one line

    def _repr_markdown_(self):
        lead, sep, rest = self.text.partition(": ")
        if lead.startswith("What the figure shows") and sep:
            return f"**{lead}:** {_markdown_text(rest)}"
        return _markdown_text(self.text)

    def __repr__(self):
        return self.text


def _markdown_text(text):
    """``text`` with the characters Markdown would read as markup escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def describe(text):
    """Show a "what the figure shows" sentence under a figure (as Markdown prose)."""
    from IPython.display import display

    display(Described(text))
