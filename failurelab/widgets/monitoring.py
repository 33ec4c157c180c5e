"""Chapter 3 explorer: a training log's e1RM trend and the performance-drop flag, with upload.

Pure compute (``read_upload``, ``log_state``) + the view ``LogExplorer``. The numbers come from
:mod:`failurelab.logs` (the only loader: it parses and validates the CSV): e1RM per session
(Epley on reps + RIR) and :func:`failurelab.logs.flag_performance_drops`, a transparent
HEURISTIC of this course (no study validates its threshold or its number of sessions). The
browser view receives each exercise's analysed sessions and applies that flag rule itself
(ported in ``js/training_log.js``, tested against :func:`log_state`).
"""

from __future__ import annotations

import html
import io
import warnings
from pathlib import PurePath

import ipywidgets as widgets
import pandas as pd

from .. import data
from ..logs import (
    LOG_COLUMNS,
    NO_FAILURE_SUGGESTION,
    SUGGESTION,
    LogWarning,
    e1rm_trend,
    flag_trend,
    has_e1rm,
    load_log,
)
from ..validation import fail
from .base import (
    Explorer,
    _check_controls,
    _num,
    _pct,
    _value,
    alert_html,
    dropdown,
    jsonable,
    slider,
)

SYNTHETIC_SOURCE = "the synthetic example log (simulated, not measured)"
HEURISTIC = "a heuristic of this course, not an evidence-based rule"
MAX_UPLOAD_BYTES = 2_000_000  # a year of daily sessions is ~ 0.1 MB
THRESHOLD_MAX = 0.20  # the slider's top: the e1RM axis always leaves room for this line
#: what the self-contained view (book, decks) says instead of offering the upload button
UPLOAD_NEEDS_NOTEBOOK = (
    "Loading your own log needs the notebook: run it in JupyterLab (or on Binder or Colab) and "
    f"use the Load my log button (a CSV up to {MAX_UPLOAD_BYTES / 1e6:g} MB). Here the explorer "
    "shows the synthetic example log.")


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


def log_view_data(log, source, trends=None):
    """What the browser view needs of ``log``: per exercise with an e1RM, its sessions (dates,
    best e1RM, sets, sets to failure) from :func:`exercise_trend`; the flag rule is applied in
    the view. ``trends``: a dict of trends already computed (filled in)."""
    trends = {} if trends is None else trends
    exercises = {}
    for exercise in exercises_with_e1rm(log):
        if exercise not in trends:
            trends[exercise] = exercise_trend(log, exercise)
        t = trends[exercise]
        exercises[exercise] = dict(dates=[f"{d:%Y-%m-%d}" for d in t["date"]],
                                   e1rm=t["e1rm_kg"].tolist(), sets=t["sets"].tolist(),
                                   failure_sets=t["failure_sets"].tolist())
    return dict(exercises=exercises, skipped=sorted(set(log["exercise"]) - set(exercises)),
                source=source, formula="Epley", heuristic=HEURISTIC, suggestion=SUGGESTION,
                no_failure_suggestion=NO_FAILURE_SUGGESTION, threshold_max=THRESHOLD_MAX,
                simulated=source == SYNTHETIC_SOURCE)


class LogExplorer(Explorer):
    """Exercise, drop threshold and sessions in a row -> e1RM trend with the flagged sessions.

    ``load_file(name, content)`` (what the upload button calls) replaces the log when the file
    is valid; otherwise the current log and controls stay and the message (right under the
    button) says which row and column is at fault. The uploaded bytes are not kept: the saved
    notebook and :meth:`html` only ever show the log the explorer was built with (by default the
    synthetic example), never an uploaded one.
    """

    js = "training_log"
    title = "Training-log explorer"

    def __init__(self, log=None, exercise=None, threshold=0.05, sessions=2,
                 source=SYNTHETIC_SOURCE):
        self.log = example_log() if log is None else log
        self.source, self.notes = source, []  # notes: what to check in a log that loaded
        self._trends, self._for_page, self._box = {}, False, None
        first = log_state(self.log, exercise, threshold, sessions, source)  # clear ValueErrors
        self._book = dict(log=self.log, source=source, trends=self._trends)
        self.controls = dict(
            exercise=dropdown("exercise", "Exercise", first["exercise"], first["exercises"]),
            threshold=slider("threshold", "Drop threshold (0.05 = 5 %)", threshold, 0.01,
                             THRESHOLD_MAX, 0.01),
            sessions=slider("sessions", "Sessions in a row", sessions, 1, 6, 1),
        )
        self.upload = widgets.FileUpload(accept=".csv", multiple=False,
                                         description="Load my log (.csv)",
                                         tooltip=f"CSV up to {MAX_UPLOAD_BYTES / 1e6:g} MB",
                                         layout=widgets.Layout(width="220px"))
        self.upload.observe(self._on_upload, names="value")
        self.source_label = widgets.HTML()
        self.message_box = widgets.HTML()  # the upload's message, right under the button
        self._show_source()
        super().__init__()

    # -- compute and the view's data -------------------------------------------------------------
    def compute(self, exercise, threshold, sessions):
        _check_controls(self, dict(threshold=threshold, sessions=sessions))
        trend = self._trends.get(exercise)
        if trend is None and exercise in exercises_with_e1rm(self.log):
            trend = self._trends[exercise] = exercise_trend(self.log, exercise)
        return log_state(self.log, exercise, threshold, sessions, source=self.source,
                         trend=trend)

    def update(self, **params):
        state = super().update(**params)
        self.message_box.value = alert_html(self.message) if self.message else ""
        return state

    def data(self):
        if self._for_page:
            book = self._book
            out = log_view_data(book["log"], book["source"], book["trends"])
            return {**out, "note": UPLOAD_NEEDS_NOTEBOOK}
        return {**log_view_data(self.log, self.source, self._trends), "note": ""}

    def spec(self):
        out = super().spec()
        # e1RM at full precision: the view compares drops with the threshold and rounds them
        out["data"] = jsonable(self.data(), digits=17)
        if self._for_page:
            names = list(out["data"]["exercises"])
            params = dict(out["params"])
            if params["exercise"] not in names:
                params["exercise"] = names[0]
            menu = dropdown("exercise", "Exercise", params["exercise"], names).spec()
            out["controls"] = [menu if c["name"] == "exercise" else c for c in out["controls"]]
            out["params"] = params
        return out

    def html(self):
        """The self-contained view of the log this explorer was built with (never an uploaded
        one: the book and a saved notebook keep no learner data); it says that uploading needs
        the notebook."""
        self._for_page = True
        try:
            return super().html()
        finally:
            self._for_page = False

    # -- JupyterLab: upload button, its message, the live view ----------------------------------
    @property
    def box(self):
        """What JupyterLab shows: the upload button with the size limit, the upload's message,
        and the live view."""
        if self._box is None:
            self._box = widgets.VBox([
                widgets.HBox([self.upload, self.source_label],
                             layout=widgets.Layout(flex_flow="row wrap")),
                self.message_box, self.widget])
        return self._box

    @property
    def live_view(self):
        return self.box

    def refresh_view(self):
        """Send the new log (spec) and the control values to the live view in one message."""
        if self._widget is not None:
            with self._widget.hold_sync():
                self._widget.spec = self.spec()
                self._widget.params = jsonable(self.params())

    def load_file(self, name, content):
        """Replace the log with an uploaded file; returns the new state, or None with ``.error``
        set (the previous log, view, source and controls stay)."""
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
        self.log, self.source, self._trends = log, state["source"], {}
        self.notes = [str(w.message) for w in caught if issubclass(w.category, LogWarning)]
        menu = self.controls["exercise"]
        menu.options = [(str(e), e) for e in state["exercises"]]
        widget, self._widget = self._widget, None  # the view gets the new log and values at once
        try:
            self.update(exercise=state["exercise"])
        finally:
            self._widget = widget
        self.refresh_view()
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
        self.message = f"Not loaded: {error}. The explorer still shows {self.source}."
        self.message_box.value = alert_html(self.message)

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
