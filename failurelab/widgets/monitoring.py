"""Chapter 3 explorer: a training log's e1RM trend and the performance-drop flag, with upload.

Pure compute (``read_upload``, ``log_state``) + a thin view (``LogExplorer``). The numbers come
from :mod:`failurelab.logs`: e1RM per session (Epley on reps + RIR) and
:func:`failurelab.logs.flag_performance_drops`, a transparent HEURISTIC of this course (no
study validates its threshold or its number of sessions).
"""

from __future__ import annotations

import html
import io
import warnings
from pathlib import PurePath

import ipywidgets as widgets
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.ticker import MaxNLocator

from .. import data, plots
from ..logs import LOG_COLUMNS, LogWarning, e1rm_trend, flag_trend, has_e1rm, load_log
from ..validation import fail
from .base import Explorer, _check_controls, _num, _pct, _slider, _value, alert_html

C = plots.OKABE_ITO
SYNTHETIC_SOURCE = "the synthetic example log (simulated, not measured)"
HEURISTIC = "a heuristic of this course, not an evidence-based rule"
MAX_UPLOAD_BYTES = 2_000_000  # a year of daily sessions is ~ 0.1 MB
THRESHOLD_MAX = 0.20  # the slider's top: the e1RM axis always leaves room for this line


def example_log():
    """``data/synthetic_training_log.csv`` loaded with :func:`failurelab.logs.load_log`."""
    return load_log(data.data_dir() / data.resource("synthetic_training_log")["path"])


def file_name(name):
    """The file name without folders (browsers may send "C:\\fakepath\\log.csv")."""
    return PurePath(str(name).replace("\\", "/")).name


def exercises_with_e1rm(log):
    """Exercises of ``log`` with at least one set that has an e1RM (reps and load above 0;
    :func:`failurelab.logs.has_e1rm`), sorted."""
    return sorted(log.loc[has_e1rm(log), "exercise"].unique())


def read_upload(name, content, max_bytes=MAX_UPLOAD_BYTES):
    """A log from an uploaded file's ``name`` and ``content`` (bytes), via ``load_log``.

    Refuses, with a message naming the file (and the row and column where one is at fault):
    a name not ending in .csv, an empty or too large file, bytes that are not UTF-8 text, and
    every malformed row :func:`failurelab.logs.load_log` refuses.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"the file name must be text such as 'my_log.csv', got {name!r}")
    if not isinstance(content, (bytes, bytearray, memoryview)):
        got = type(content).__name__  # ValueError for every bad input (the course's convention)
        fail(f"the file content must be bytes, got {got}")
    name = file_name(name)
    suffix = PurePath(name).suffix.lower()
    if suffix != ".csv":
        hint = (" (an Excel workbook: use File > Save As > CSV UTF-8)"
                if suffix in (".xlsx", ".xls", ".ods", ".numbers") else "")
        raise ValueError(f"{name}: expected a .csv file, got {suffix or 'no extension'}{hint}")
    content = bytes(content)
    if not content.strip():
        raise ValueError(f"training log {name} is empty: the first line must name the columns "
                         f"{', '.join(LOG_COLUMNS)}")
    if len(content) > max_bytes:
        raise ValueError(f"training log {name} is {len(content) / 1e6:.1f} MB; this explorer "
                         f"reads logs up to {max_bytes / 1e6:g} MB")
    return load_log(io.BytesIO(content), name=name, max_bytes=max_bytes)


def log_state(log, exercise=None, threshold=0.05, sessions=2, source=SYNTHETIC_SOURCE,
              formula="Epley", trend=None):
    """e1RM trend and drop flag of one exercise of ``log`` (a DataFrame from ``load_log``).

    ``table`` is :func:`failurelab.logs.flag_performance_drops` for that exercise (one row per
    session); ``exercise=None`` takes the first exercise (alphabetically) that has an e1RM
    (bodyweight sets, logged with weight_kg 0, have none; ``skipped`` lists them). ``threshold``
    is a fraction (0.05 = 5 %), ``sessions`` how many sessions in a row must be below.
    ``trend``: that exercise's :func:`failurelab.logs.e1rm_trend`, if already computed.
    """
    if not isinstance(log, pd.DataFrame) or not {"exercise", "reps", "rir",
                                                  "weight_kg"} <= set(log):
        raise ValueError("log must be the DataFrame returned by failurelab.logs.load_log")
    exercises = exercises_with_e1rm(log)
    skipped = sorted(set(log["exercise"]) - set(exercises))
    if not exercises:
        raise ValueError("the log has no set with reps and load above 0, so no e1RM to follow")
    if exercise is None:
        exercise = exercises[0]
    if exercise in skipped:
        raise ValueError(f"{exercise} has no set with reps and load above 0, so no e1RM "
                         f"(bodyweight sets are logged with weight_kg 0)")
    if exercise not in exercises:
        raise ValueError(f"exercise {exercise!r} is not in this log; choose one of "
                         f"{', '.join(exercises)}")
    threshold = _value("threshold", threshold, 0.001, 0.999,
                       what="a fraction (0.05 = 5 %)")
    sessions = _value("sessions", sessions, 1, 1000, integer=True,
                      what="a whole number of sessions")
    if trend is None:
        trend = exercise_trend(log, exercise, formula)
    table = flag_trend(trend, threshold=threshold, sessions=sessions)
    flagged = table[table["flag"]]
    return dict(
        exercise=exercise, exercises=exercises, skipped=skipped, threshold=threshold,
        sessions=sessions,
        source=source, formula=formula, table=table, n_sessions=len(table),
        n_sets=int(table["sets"].sum()), n_failure_sets=int(table["failure_sets"].sum()),
        first_date=table["date"].iloc[0], last_date=table["date"].iloc[-1],
        best_e1rm=float(table["e1rm_kg"].max()), last_e1rm=float(table["e1rm_kg"].iloc[-1]),
        n_below=int(table["below"].sum()), n_flagged=len(flagged),
        first_flag=None if flagged.empty else flagged["date"].iloc[0],
        flagged_failure_sets=int(flagged["failure_sets"].sum()),
        suggestion=flagged["suggestion"].iloc[0] if len(flagged) else "")


def exercise_trend(log, exercise, formula="Epley"):
    """:func:`failurelab.logs.e1rm_trend` of one exercise's sets."""
    return e1rm_trend(log[log["exercise"] == exercise], formula)


class DrawError(ValueError):
    """The figure cannot draw a state (matplotlib refused a value the loader let through)."""

    def __init__(self, exc):
        super().__init__(f"the figure could not be drawn ({type(exc).__name__}: {exc})")


class LogExplorer(Explorer):
    """Exercise, drop threshold and sessions in a row -> e1RM trend with the flagged sessions.

    ``load_file(name, content)`` (what the upload button calls) replaces the log when the file
    is valid and its figure can be drawn; otherwise the current log, figure and controls stay
    and the message (right under the button) says which row and column is at fault. The
    uploaded bytes are not kept in the notebook.
    """

    #: exercises whose figure background is pre-drawn (switching between them stays fast)
    WARM_EXERCISES = 12

    def __init__(self, log=None, exercise=None, threshold=0.05, sessions=2,
                 source=SYNTHETIC_SOURCE, warm=True):
        self.log = example_log() if log is None else log
        self.source, self.notes = source, []  # notes: what to check in a log that loaded
        self._trends, self._backgrounds, self.warm = {}, {}, warm
        first = log_state(self.log, exercise, threshold, sessions, source)  # clear ValueErrors
        self.controls = dict(
            exercise=widgets.Dropdown(options=first["exercises"], value=first["exercise"],
                                      description="Exercise",
                                      layout=widgets.Layout(width="240px")),
            threshold=_slider(widgets.FloatSlider, threshold, 0.01, THRESHOLD_MAX, 0.01,
                              "Drop threshold", width="330px", readout_format=".0%"),
            sessions=_slider(widgets.IntSlider, sessions, 1, 6, 1, "Sessions in a row",
                             width="300px"),
        )
        self.upload = widgets.FileUpload(accept=".csv", multiple=False,
                                         description="Load my log (.csv)",
                                         tooltip=f"CSV up to {MAX_UPLOAD_BYTES / 1e6:g} MB",
                                         layout=widgets.Layout(width="220px"))
        self.upload.observe(self._on_upload, names="value")
        self.source_label = widgets.HTML()
        self._show_source()
        self._build_figure()
        super().__init__()
        controls, image, readout, message = self.ui.children
        # the message right under the upload button (and above the controls it also explains)
        self.ui = widgets.VBox([widgets.HBox([self.upload, self.source_label],
                                             layout=widgets.Layout(flex_flow="row wrap")),
                                message, controls, image, readout])
        self._warm()

    # -- compute and the upload ----------------------------------------------------------------
    def compute(self, exercise, threshold, sessions):
        _check_controls(self, dict(threshold=threshold, sessions=sessions))
        trend = self._trends.get(exercise)
        if trend is None and exercise in self.controls["exercise"].options:
            trend = self._trends[exercise] = exercise_trend(self.log, exercise)
        return log_state(self.log, exercise, threshold, sessions, source=self.source,
                         trend=trend)

    def _warm(self):
        """Pre-compute each exercise's trend and figure background (a full redraw each), then
        come back to the current exercise: a later switch only blits. Returns the first error
        (an exercise that cannot be drawn), or None."""
        if not self.warm:
            return None
        current = self.controls["exercise"].value
        for exercise in self.controls["exercise"].options[:self.WARM_EXERCISES]:
            if exercise != current and self.update(exercise=exercise) is None:
                return self.error
        return None if self.update(exercise=current) is not None else self.error

    def update(self, **params):
        """The base class's update; an error while drawing (matplotlib refusing something the
        loader let through) keeps the last good figure and controls, like a bad value does."""
        good = self.state
        try:
            return super().update(**params)
        except DrawError as exc:
            self.state, self._drawn_key = good, None  # redraw everything on the next update
            if good is not None:
                self._sync_controls({k: good[k] for k in self.controls})
            self.error = str(exc)
            self.message.value = alert_html(f"Not shown: {self.error}. The figure still shows "
                                            "the last valid setting.")
            return None

    def _render(self, key):
        """The base class's blit, keeping one background per (log, exercise)."""
        if key in self._backgrounds:
            self._background, self._background_key = self._backgrounds[key], key
        try:
            png = super()._render(key)
        except Exception as exc:  # any matplotlib error becomes a message
            raise DrawError(exc) from exc
        self._backgrounds[key] = self._background
        return png

    def load_file(self, name, content):
        """Replace the log with an uploaded file; returns the new state, or None with ``.error``
        set (the previous log, figure, source and controls stay)."""
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", LogWarning)
                log = read_upload(name, content)
            state = log_state(log, None, self.controls["threshold"].value,
                              self.controls["sessions"].value,
                              source=f"your file {file_name(name)[:60]}")
        except ValueError as exc:
            self._refuse_file(str(exc))
            return None
        previous = (self.log, self.source, self.notes, self._trends, self._backgrounds)
        before, options = self.params(), self.controls["exercise"].options
        self.log, self.source = log, state["source"]
        self.notes = [str(w.message) for w in caught if issubclass(w.category, LogWarning)]
        self._trends, self._backgrounds = {}, {}
        self._set_options(state["exercises"])
        error = self.error if self.update(exercise=state["exercise"]) is None else self._warm()
        if error is not None:  # the loader let through something the figure cannot draw
            self.log, self.source, self.notes, self._trends, self._backgrounds = previous
            self._set_options(options)
            self._drawn_key = None
            self.update(**before)
            self._refuse_file(f"{file_name(name)}: {error}")
            return None
        self._show_source()
        return self.state

    def _show_source(self):
        limit = f"{MAX_UPLOAD_BYTES / 1e6:g} MB"
        notes = "".join(alert_html(f"Check: {note}.") for note in self.notes)
        self.source_label.value = (
            f"Showing <b>{html.escape(self.source)}</b>. Load a CSV up to {limit} with the "
            f"columns {', '.join(c for c in LOG_COLUMNS if c != 'notes')} (notes optional); "
            f"messages count rows after the header (row 1 = the first set). A file above about "
            f"10 MB cannot reach Python: JupyterLab then only reports a lost connection.{notes}")

    def _refuse_file(self, error):
        self.error = error
        self.message.value = alert_html(f"Not loaded: {error}. The explorer still shows "
                                        f"{self.source}.")

    def _set_options(self, options):
        self._syncing = True
        try:
            self.controls["exercise"].options = options
        finally:
            self._syncing = False

    def _on_upload(self, change):
        files = change["new"]
        if not files:
            return
        entry = files[-1]
        try:
            self.load_file(entry["name"], entry["content"])
        except Exception as exc:  # noqa: BLE001 -- a widget callback must never show a traceback
            self._refuse_file(f"{entry.get('name', 'the file')}: could not be read ({exc})")
        finally:
            self.upload.value = ()  # do not keep the learner's file in the notebook

    # -- the figure ----------------------------------------------------------------------------
    def layout_key(self, state):
        return (id(self.log), state["exercise"])

    def _build_figure(self):
        self.fig, (ax, axb) = plots.figure(
            1, 2, size=(9.5, 4.7), margins=dict(left=0.085, right=0.98, bottom=0.1, top=0.82,
                                                hspace=0.12),
            gridspec_kw=dict(height_ratios=[3, 1]), sharex=True)
        (self.e1rm_line,) = ax.plot([], [], "o-", color=C["blue"], lw=1.5, ms=4,
                                    label="best e1RM of the session")
        (self.best_line,) = ax.plot([], [], color=C["grey"], lw=1.2, ls="--",
                                    drawstyle="steps-post", label="best of earlier sessions")
        (self.limit_line,) = ax.plot([], [], color=C["orange"], lw=1.5, ls=":",
                                     drawstyle="steps-post", label="threshold below that best")
        (self.below_marks,) = ax.plot([], [], "o", color=C["orange"], ms=7, mfc="none", mew=1.8,
                                      label="below the threshold")
        (self.flag_marks,) = ax.plot([], [], "v", color=C["vermillion"], ms=9, label="flagged")
        ax.set_ylabel("e1RM (kg)")
        # above the axes, in one row: never over the data
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1), borderaxespad=0.2, fontsize=8,
                  frameon=False, ncol=5)
        self.ax = ax
        self.other_bars = PolyCollection([], facecolor=C["sky"], edgecolor="none",
                                         label="other sets")
        self.failure_bars = PolyCollection([], facecolor=C["vermillion"], edgecolor="none",
                                           label="sets to failure")
        axb.add_collection(self.other_bars)
        axb.add_collection(self.failure_bars)
        axb.set_ylabel("Sets")
        axb.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        axb.legend(handles=[self.failure_bars, self.other_bars], loc="upper left", fontsize=8,
                   frameon=False, ncol=2)
        locator = mdates.AutoDateLocator(maxticks=10)
        axb.xaxis.set_major_locator(locator)
        axb.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        self.axb = axb
        # parse_math=False: an exercise or file name with "$" is text, not mathtext
        self.header = self.fig.text(0.01, 0.965, "", fontsize=11.5, va="top", parse_math=False)
        self.fig.text(0.01, 0.915, f"Flag ({HEURISTIC}): e1RM below the threshold line for "
                      f"several sessions in a row", fontsize=9,
                      color="#444444", va="top")
        # short: text is the costliest artist to redraw
        self.status = ax.text(0.99, 0.97, "", transform=ax.transAxes, ha="right", va="top",
                              fontsize=9.5)
        self.dynamic = [self.limit_line, self.below_marks, self.flag_marks, self.status]
        self._drawn_key = None

    def _draw_static(self, s):
        """Artists that change only with the log or the exercise (drawn into the background)."""
        t = s["table"]
        dates = mdates.date2num(t["date"].to_numpy())
        self.e1rm_line.set_data(dates, t["e1rm_kg"])
        self.best_line.set_data(dates, t["prior_best_kg"])
        step = np.median(np.diff(dates)) if len(dates) > 1 else 1.0
        width = 0.7 * min(step, 7.0)
        failure = t["failure_sets"].to_numpy()
        other = t["sets"].to_numpy() - failure
        self.failure_bars.set_verts([_box(d - width / 2, 0, width, f)
                                     for d, f in zip(dates, failure)])
        self.other_bars.set_verts([_box(d - width / 2, f, width, o)
                                   for d, f, o in zip(dates, failure, other)])
        pad = max(step, 1.0)
        self.ax.set_xlim(dates[0] - pad, dates[-1] + pad)
        top = float(t["e1rm_kg"].max())
        low = min(float(t["e1rm_kg"].min()), top * (1 - THRESHOLD_MAX))
        self.ax.set_ylim(low - 0.04 * (top - low) - 1, top + 0.3 * (top - low) + 1)
        self.axb.set_ylim(0, max(int(t["sets"].max()), 1) * 1.35)
        self.header.set_text(f"{s['exercise']}: e1RM per session ({s['formula']} on reps + RIR)"
                             f" \u2014 {s['source']}")
        self._drawn_key = self.layout_key(s)

    def draw(self, s):
        try:
            if self._drawn_key != self.layout_key(s):
                self._draw_static(s)
            self._draw_marks(s)
        except Exception as exc:  # any matplotlib error becomes a message
            raise DrawError(exc) from exc

    def _draw_marks(self, s):
        """The dynamic artists: threshold line, rings, flags and the status line."""
        t = s["table"]
        dates = mdates.date2num(t["date"].to_numpy())
        self.limit_line.set_data(dates, t["prior_best_kg"] * (1 - s["threshold"]))
        below, flag = t["below"].to_numpy(), t["flag"].to_numpy()
        self.below_marks.set_data(dates[below], t["e1rm_kg"].to_numpy()[below])
        low, top = self.ax.get_ylim()
        self.flag_marks.set_data(dates[flag], np.full(flag.sum(), top - 0.17 * (top - low)))
        self.status.set_text(f"{_pct(s['threshold'])}, {s['sessions']} in a row: "
                             f"{s['n_flagged']} of {s['n_sessions']} flagged")

    def describe(self, s):
        first = f"{s['first_date']:%Y-%m-%d}"
        last = f"{s['last_date']:%Y-%m-%d}"
        text = (f"<b>What the figure shows</b> ({html.escape(s['source'])}): {s['n_sessions']} "
                f"sessions of {html.escape(s['exercise'])} from {first} to {last}, "
                f"{s['n_failure_sets']} of {s['n_sets']} sets to failure. The best e1RM was "
                f"{_num(s['best_e1rm'], 1)} kg, the last {_num(s['last_e1rm'], 1)} kg. "
                f"{s['n_below']} session{'' if s['n_below'] == 1 else 's'} fell more than "
                f"{_pct(s['threshold'])} below the earlier best")
        if s["n_flagged"]:
            k = s["flagged_failure_sets"]
            sets = (f"had {k} set{'' if k == 1 else 's'} to failure" if k else
                    "had no set to failure")
            text += (f"; {s['n_flagged']} {'was' if s['n_flagged'] == 1 else 'were'} flagged (at "
                     f"least {s['sessions']} in a row), the first on {s['first_flag']:%Y-%m-%d}: "
                     f"\u201c{html.escape(s['suggestion'])}\u201d. The flagged "
                     f"session{'' if s['n_flagged'] == 1 else 's'} {sets}.")
        else:
            text += f"; none was flagged ({s['sessions']} in a row needed)."
        if s["skipped"]:
            text += (f" Not in the list (no set with reps and load above 0, so no e1RM): "
                     f"{html.escape(', '.join(s['skipped']))}.")
        return text + (f" The flag is {HEURISTIC}: a single low session is often just a bad "
                       f"day, and a drop can have many causes besides failure sets.")


def _box(x, y, w, h):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
