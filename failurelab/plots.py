"""One figure style for the course: Okabe-Ito colours, fonts readable on a phone, fixed layouts.

Okabe M, Ito K (2008). Color Universal Design: a colour-blind-safe palette. A phone shows a
figure about 358 px wide; for its smallest text to stay at 10 px or more there, a figure is at
most :data:`MAX_WIDTH_IN` wide and no text is smaller than :data:`MIN_FONT_PT` (panels that do
not fit side by side are stacked).
"""

from __future__ import annotations

import io
import re

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

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
PHONE_FIGURE_PX = 358  # the width a 390 px phone screen gives a book figure
MIN_FONT_PT = 12
MAX_WIDTH_IN = 5.8  # 12 pt = 16.7 px at 100 dpi, shown at 358 / 580 of that: 10.3 px


def smallest_text_px(width_in, font_pt=MIN_FONT_PT, shown_px=PHONE_FIGURE_PX):
    """Rendered px of ``font_pt`` text in a figure ``width_in`` wide shown ``shown_px`` wide."""
    return font_pt * DPI / 72 * min(1.0, shown_px / (width_in * DPI))


STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": MIN_FONT_PT,
    "axes.titlesize": MIN_FONT_PT + 1,
    "axes.labelsize": MIN_FONT_PT,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
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


def figure(ncols=1, nrows=1, size=(MAX_WIDTH_IN, 3.6), margins=None, **subplot_kw):
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


#: A source's verification level as a small badge (its meaning in the tooltip), in place of
#: words inside a sentence. The same three marks as the figures' filled/hollow points.
BADGES = {
    "verified": ("\u25cf", "verified against the paper (abstract or full text)"),
    "secondary": ("\u25cb", "secondary: from a public summary, not the paper itself; verify before quoting"),
    "unverified": ("\u25cc", "not found in any source the course could check"),
}
_BADGE_TOKEN = re.compile(r"\{badge:(\w+)\}")


def badge_level(verification):
    """The badge of a ``verification`` value of data/ (e.g. "abstract-verified" -> "verified")."""
    text = str(verification)
    if text.endswith("-verified") or text in ("code-verified", "computed"):
        return "verified"
    if text.startswith("secondary"):
        return "secondary"
    return "unverified"


def badge(level):
    """The badge's HTML (renders in JupyterLab, RISE, the book and the decks)."""
    mark, title = BADGES[level]
    return f'<abbr title="{title}">{mark}</abbr>'


class Described:
    """A "what the figure shows" sentence as a notebook output: Markdown (prose in JupyterLab,
    the book and the decks, never a block of fixed-width text), plain text elsewhere.
    ``{badge:secondary}`` (or verified, unverified) in the text becomes that badge."""

    def __init__(self, text):
        self.text = " ".join(str(text).split()).replace(" %", "\u00a0%")  # "80 %" on one line

    def _repr_markdown_(self):
        lead, sep, rest = self.text.partition(": ")
        if lead.startswith("What the figure shows") and sep:
            shown = f"**{lead}:** {_markdown_text(rest)}"
        else:
            shown = _markdown_text(self.text)
        return _BADGE_TOKEN.sub(lambda m: badge(m.group(1)), shown)

    def __repr__(self):
        return _BADGE_TOKEN.sub(lambda m: f"({m.group(1)})", self.text)


def _markdown_text(text):
    """``text`` with the characters Markdown would read as markup escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def describe(text):
    """Show a "what the figure shows" sentence under a figure (as Markdown prose)."""
    from IPython.display import display

    display(Described(text))


# -- forest plots of published estimates (chapter 2.4 and the answer page) ---------------------

def mark(ax, x, y, colour, secondary, size=7):
    """A point: filled if verified (abstract or full text), hollow if secondary."""
    ax.plot(x, y, "o", ms=size, mec=colour, mfc="white" if secondary else colour, mew=1.8,
            zorder=3)


def forest_rows(ax, blocks, xlim, xlabel, title, header="estimate (95 % CI)", fontsize=9,
                marker=7):
    """Blocks of rows [(name, colour, rows)]; rows have label, est, lo, hi, secondary, text
    (as :func:`failurelab.data.published_estimates`). ``header=None`` leaves out the text column."""
    n = sum(len(rows) + 1 for _, _, rows in blocks)
    y, ticks, names = n, [], []
    for name, colour, rows in blocks:
        ax.text(-0.02, y, name, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontweight="bold", color=colour, fontsize=fontsize + 1)
        y -= 1
        for r in rows.itertuples():
            if pd.notna(r.lo):
                ax.hlines(y, r.lo, r.hi, color=colour, lw=2)
            mark(ax, r.est, y, colour, r.secondary, size=marker)
            if header:
                ax.text(1.03, y, r.text, transform=ax.get_yaxis_transform(), va="center",
                        fontsize=fontsize)
            ticks.append(y)
            names.append(r.label)
            y -= 1
    if header:
        ax.text(1.03, n, header, transform=ax.get_yaxis_transform(), va="center",
                fontsize=fontsize, fontweight="bold")
    ax.axvline(0, color=OKABE_ITO["black"], lw=0.8)
    ax.set_yticks(ticks, names, fontsize=fontsize)
    ax.set(ylim=(0.4, n + 0.6), xlim=xlim, xlabel=xlabel, title=title)


def verification_legend(fig, y=0.035, fontsize=9, ncol=2):
    """Legend of the markers: filled = verified, hollow = secondary."""
    grey = OKABE_ITO["grey"]
    fig.legend(handles=[Line2D([], [], marker="o", ls="", color=grey, ms=7,
                               label="verified (abstract or full text)"),
                        Line2D([], [], marker="o", ls="", mec=grey, mfc="white", mew=1.8,
                               ms=7, label="secondary, verify before quoting")],
               loc="lower center", bbox_to_anchor=(0.5, y), ncol=ncol, fontsize=fontsize)
