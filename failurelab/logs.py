"""Training logs: a schema a learner can follow, a strict loader, e1RM trends and a drop flag.

A log is a CSV file, one row per set, with the columns of :data:`LOG_COLUMNS` (``notes`` may be
left out; extra columns are kept as text). ``data/synthetic_training_log.csv`` is an example
(simulated). e1RM uses :func:`failurelab.practice.one_rm` (reps + RIR = reps to failure).
Error messages name the column and the row, counting rows after the header (row 1 = the first
set, i.e. line 2 of the file). Values a set cannot have (a date before 1900 or in the future,
more than 100 reps, more than 10 RIR, more than 1000 kg) are refused as typos; a log that loads
but needs a look (``Squat`` and ``squat``; reps + RIR beyond the e1RM formulas' range) gives a
:class:`LogWarning`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .practice import one_rm
from .validation import fail

#: column -> what a valid cell holds (the schema, in file order)
LOG_COLUMNS = {
    "date": "the session date as YYYY-MM-DD, e.g. 2024-03-01",
    "exercise": "the exercise name, e.g. Squat (same spelling every session)",
    "set": "the set number within the exercise that day: a whole number >= 1",
    "weight_kg": "the load in kg: a number >= 0",
    "reps": "repetitions completed: a whole number >= 0",
    "rir": "repetitions in reserve you estimated: a number >= 0 (0 for a set to failure)",
    "failure": "true if the set ended at momentary failure, otherwise false",
    "notes": "optional free text",
}
REQUIRED = [c for c in LOG_COLUMNS if c != "notes"]
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}
SUGGESTION = "consider fewer failure sets"
#: the flag's advice when the sessions of the run had no set to failure
NO_FAILURE_SUGGESTION = "no sets to failure in these sessions, so look at other causes"
MAX_LOG_BYTES = 2_000_000  # about 40,000 sets; a year of daily sessions is about 0.1 MB
EARLIEST_DATE = dt.date(1900, 1, 1)
#: column -> the largest plausible value (a larger one is almost always a typo, e.g. 7500 for 75.0)
LIMITS = {"set": 100, "weight_kg": 1000, "reps": 100, "rir": 10}
#: reps + RIR above this get no e1RM: the formulas were built for about 10 repetitions to failure
#: or fewer (data/load_rep_equations.csv), and Brzycki's divides by 37 - reps
MAX_REPS_TO_FAILURE = 30
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_WHOLE = re.compile(r"\+?\d+(\.0*)?", re.ASCII)
#: the first bytes of compressed files and archives (a zip is also how .xlsx files begin)
_COMPRESSED = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz", b"7z\xbc\xaf": "7z",
               b"Rar!": "rar", b"\x28\xb5\x2f\xfd": "zstd"}


class LogWarning(UserWarning):
    """A log that loads but has something to check (e.g. exercises ``Squat`` and ``squat``)."""


def _number(cell, where, whole=False, kind="a number >= 0"):
    """A finite number >= 0; ``whole``: written in digits (so '1e20' and '5.5' are refused)."""
    try:
        if whole and not _WHOLE.fullmatch(cell):
            raise ValueError
        value = float(cell)
    except ValueError:
        raise ValueError(f"{where}: expected {kind}, got {cell!r}") from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{where}: expected {kind}, got {cell!r}")
    return int(value) if whole else value


def _plausible(value, column, where):
    """``value``, or a ValueError when it is above ``LIMITS[column]`` (most likely a typo)."""
    limit = LIMITS[column]
    if value > limit:
        what = {"set": f"set {value:g} of one exercise in a day",
                "weight_kg": f"a load of {value:g} kg", "reps": f"{value:g} repetitions in a set",
                "rir": f"{value:g} repetitions in reserve"}[column]
        raise ValueError(f"{where}: {what} is not plausible (at most {limit}); check for a "
                         f"typo such as a misplaced decimal point")
    return value


def _date(cell, where):
    try:
        if not _DATE.fullmatch(cell):
            raise ValueError
        day = dt.date.fromisoformat(cell)
    except ValueError:
        raise ValueError(f"{where}: expected a date as YYYY-MM-DD (e.g. 2024-03-01), "
                         f"got {cell!r}") from None
    latest = dt.date.today() + dt.timedelta(days=1)  # a day's grace for time zones
    if day < EARLIEST_DATE:
        raise ValueError(f"{where}: year {day.year} is not a plausible training date (expected "
                         f"{EARLIEST_DATE} to {latest})")
    if day > latest:
        raise ValueError(f"{where}: {day} is in the future; a log records sets already done "
                         f"(today is {dt.date.today()})")
    return pd.Timestamp(day)


def _parse(cell, column, where):
    if column == "date":
        return _date(cell, where)
    if column == "exercise":
        return cell
    if column == "set":
        value = _number(cell, where, whole=True, kind="a whole number >= 1")
        if value < 1:
            raise ValueError(f"{where}: expected a whole number >= 1, got {cell!r}")
        return _plausible(value, column, where)
    if column in ("weight_kg", "rir"):
        return _plausible(_number(cell, where), column, where)
    if column == "reps":
        kind = "a whole number of repetitions"
        return _plausible(_number(cell, where, whole=True, kind=kind), column, where)
    if column == "failure":
        if cell.lower() in _TRUE | _FALSE:
            return cell.lower() in _TRUE
        raise ValueError(f"{where}: expected true or false, got {cell!r}")
    return cell


def _decode(raw, label):
    """UTF-8 text of ``raw`` (bytes), or a ValueError saying what kind of file it is instead."""
    if raw.startswith(b"PK\x03\x04"):
        raise ValueError(f"{label}: not a UTF-8 text file but a spreadsheet or zip archive (e.g. "
                         f".xlsx); save it as CSV UTF-8 (comma-separated)")
    for magic, kind in _COMPRESSED.items():
        if raw.startswith(magic):
            raise ValueError(f"{label}: not a text file (compressed with {kind}?); unpack it and "
                             f"load the CSV file inside")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"{label}: not a UTF-8 text file (it is saved as UTF-16); save it as "
                         f"CSV UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        # the same row numbering as the parser: find the first cell the bad byte spoils
        rows = _rows(raw.decode("utf-8-sig", errors="replace"), label)
        header = [h.strip().lower() for h in rows[0]] if rows else []
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if "\ufffd" in cell:
                    column = header[c] if r and c < len(header) else None
                    where = (f"row {r}, column {column}" if column else
                             "the header" if r == 0 else f"row {r}")
                    raise ValueError(f"{label}: {where}: not a UTF-8 text file (byte "
                                     f"0x{bad:02x} in {cell.strip().replace(chr(0xfffd), '?')!r}); save it as CSV UTF-8 "
                                     f"(e.g. in Excel: Save As > CSV UTF-8)") from None
        raise ValueError(f"{label}: not a UTF-8 text file (byte 0x{bad:02x}); save it as CSV "
                         f"UTF-8") from None
    if "\x00" in text:
        raise ValueError(f"{label}: not a UTF-8 text file (it contains NUL bytes, as binary "
                         f"files do); save it as CSV UTF-8")
    return text


def _rows(text, label):
    """CSV rows of ``text``, blank lines dropped (row 0 is the header); lines may end in \\n,
    \\r\\n or \\r (old Mac files)."""
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=None))
                if any(c.strip() for c in row)]
    except csv.Error as exc:  # e.g. a cell longer than the csv module's field limit
        raise ValueError(f"{label}: not a readable CSV file ({exc})") from None


def _too_big(label, size, max_bytes):
    size = "larger" if size is None else f"{size / 1e6:.1f} MB"
    return ValueError(f"{label} is {size}; load_log reads logs up to "
                      f"{max_bytes / 1e6:g} MB (about {max_bytes // 50:,} sets): split the file "
                      f"(e.g. one per year), or pass a larger max_bytes")


def _read(path_or_buffer, name=None, max_bytes=MAX_LOG_BYTES):
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a whole number of bytes >= 1, got {max_bytes!r}")
    if hasattr(path_or_buffer, "read"):
        text = path_or_buffer.read(max_bytes + 1)  # a huge buffer is not read to its end
        label = "training log" if name is None else f"training log {name}"
        if len(text) > max_bytes:
            raise _too_big(label, None, max_bytes)
    elif isinstance(path_or_buffer, (str, Path)):
        path = Path(path_or_buffer)
        if not path.is_file():
            raise ValueError(f"training log {str(path)!r} not found")
        label = f"training log {path.name if name is None else name}"
        if path.stat().st_size > max_bytes:
            raise _too_big(label, path.stat().st_size, max_bytes)
        text = path.read_bytes()
    else:
        raise ValueError(f"pass a file path or an open file, got {type(path_or_buffer).__name__}")
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = _decode(bytes(text), label)
    elif not isinstance(text, str):
        got = type(text).__name__  # ValueError for every bad input (the course's convention)
        fail(f"{label}: the file object returned {got}, not text")
    return text.removeprefix("\ufeff"), label


def load_log(path_or_buffer, name=None, max_bytes=MAX_LOG_BYTES):
    """Read a training-log CSV and return a validated DataFrame, one row per set.

    Errors name the row (1 = first row under the header) and column, e.g. ``row 7, column
    reps: expected a whole number of repetitions, got 'ten'``. Types: date datetime64, set and
    reps int, weight_kg and rir float, failure bool, notes text ("" when empty). ``name`` (e.g.
    an uploaded file's name) is used in the messages instead of the path's file name. Files
    above ``max_bytes`` (2 MB, about 40,000 sets) are refused before they are read.
    """
    text, label = _read(path_or_buffer, name, max_bytes)
    rows = _rows(text, label)
    if not rows:
        raise ValueError(f"{label} is empty: the first line must name the columns "
                         f"{', '.join(LOG_COLUMNS)}")
    header = [h.strip().lower() for h in rows[0]]
    for mark, what in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and mark in header[0]:
            raise ValueError(f"{label}: the columns are separated by {what}; save the file as "
                             f"comma-separated CSV")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValueError(f"{label}: missing column(s) {', '.join(missing)} (found: "
                         f"{', '.join(header)}); required: {', '.join(REQUIRED)}")
    if len(set(header)) != len(header):
        raise ValueError(f"{label}: a column name appears twice in the header")
    if len(rows) == 1:
        raise ValueError(f"{label} has a header but no sets")
    columns = {h: [] for h in header}
    seen = {}
    for r, row in enumerate(rows[1:], start=1):
        _check_quotes(row, r, header, label, last=r == len(rows) - 1)
        if len(row) != len(header):
            raise ValueError(f"{label}: row {r} has {len(row)} cells, the header has "
                             f"{len(header)} (a comma inside notes needs quotes)")
        values = {}
        for column, cell in zip(header, row):
            cell = cell.strip()
            where = f"{label}: row {r}, column {column}"
            if cell == "" and column in REQUIRED:
                raise ValueError(f"{where}: empty; expected {LOG_COLUMNS[column]}")
            values[column] = _parse(cell, column, where)
        if values["failure"] and values["rir"] != 0:
            raise ValueError(f"{label}: row {r}, column rir: a set to failure has 0 RIR, "
                             f"got {values['rir']:g}")
        key = (values["date"], values["exercise"], values["set"])
        if key in seen:
            raise ValueError(f"{label}: row {r}: {values['exercise']} set {values['set']} on "
                             f"{values['date'].date()} is already in row {seen[key]}")
        seen[key] = r
        for column, value in values.items():
            columns[column].append(value)
    if "notes" not in columns:
        columns["notes"] = [""] * (len(rows) - 1)
    order = list(LOG_COLUMNS) + [h for h in header if h not in LOG_COLUMNS]
    frame = pd.DataFrame({column: columns[column] for column in order})
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.astype({"set": "int64", "reps": "int64", "weight_kg": "float64",
                          "rir": "float64", "failure": "bool"})
    for message in _warnings(frame, label):
        warnings.warn(message, LogWarning, stacklevel=2)
    return frame


def _check_quotes(row, r, header, label, last):
    """Refuse a cell whose later lines look like rows of the log: a quote opened in it and never
    closed would read them as part of the cell (csv's default, lenient dialect does so)."""
    date_at = header.index("date")  # a required column, so present here
    for c, cell in enumerate(row):
        lines = cell.splitlines()[1:]
        if any(len(cells) >= len(header) - 1 and cells[date_at][:1].isdigit()
               for cells in (line.split(",") for line in lines) if len(cells) > date_at):
            column = header[c] if c < len(header) else f"{c + 1} (after the last column)"
            thing = "one note" if column == "notes" else "one cell"
            rest = ("never closed, so the rest of the file" if last else
                    f"not closed on its line, so the next {len(lines)} lines")
            raise ValueError(f"{label}: row {r}, column {column}: a quote (\") is opened but "
                             f"{rest} would be read as {thing}; close the quote or remove it")


def _warnings(frame, label):
    """What a learner should check in a log that loaded: near-duplicate exercise names and sets
    beyond the e1RM formulas' range (those get no e1RM)."""
    out = []
    spellings = {}
    for r, name in enumerate(frame["exercise"], start=1):
        spellings.setdefault(" ".join(name.casefold().split()), {}).setdefault(name, r)
    for names in spellings.values():
        if len(names) > 1:
            listed = " and ".join(f"{n!r} (row {r})" for n, r in names.items())
            out.append(f"{label}: the exercise names {listed} differ only in capitals or spaces, "
                       f"so they count as different exercises; use one spelling")
    loaded = (frame["reps"] > 0) & (frame["weight_kg"] > 0)
    beyond = loaded & (frame["reps"] + frame["rir"] > MAX_REPS_TO_FAILURE)
    if beyond.any():
        rows = [str(i + 1) for i in np.flatnonzero(beyond)]
        first = frame.loc[beyond].iloc[0]
        out.append(f"{label}: row{'s' if len(rows) > 1 else ''} {', '.join(rows[:5])}"
                   f"{', ...' if len(rows) > 5 else ''}: reps + RIR above "
                   f"{MAX_REPS_TO_FAILURE} (e.g. {first['reps']} + {first['rir']:g}) is beyond the "
                   f"range of the e1RM formulas (Epley, Brzycki: built for about 10 repetitions "
                   f"to failure or fewer), so {'these sets get' if len(rows) > 1 else 'this set gets'}"
                   f" no e1RM")
    return out


def has_e1rm(log):
    """Which sets of ``log`` have an e1RM: reps and load above 0, reps + RIR at most
    :data:`MAX_REPS_TO_FAILURE`."""
    return ((log["reps"] > 0) & (log["weight_kg"] > 0)
            & (log["reps"] + log["rir"] <= MAX_REPS_TO_FAILURE))


def _check_log(log):
    if not isinstance(log, pd.DataFrame):
        # The course raises ValueError for every bad input, so not TypeError.
        got = type(log).__name__
        fail(f"pass the DataFrame returned by load_log, got {got}")
    missing = [c for c in REQUIRED if c not in log]
    if missing:
        raise ValueError(f"log is missing column(s) {', '.join(missing)}; load it with load_log")


def e1rm_trend(log, formula="Epley"):
    """Best e1RM per exercise per session (date), with the set it came from.

    Sets with 0 reps, 0 kg or reps + RIR above 30 (:func:`has_e1rm`) have no e1RM and are
    skipped. Columns: exercise, date, session (1, 2, ... per exercise), e1rm_kg, best_set, sets,
    failure_sets.
    """
    _check_log(log)
    rows = log[has_e1rm(log)].copy()
    rows["e1rm_kg"] = [one_rm(w, int(r), float(q), formula)
                       for w, r, q in zip(rows["weight_kg"], rows["reps"], rows["rir"])]
    counts = log.groupby(["exercise", "date"]).agg(sets=("set", "size"),
                                                    failure_sets=("failure", "sum"))
    best = rows.loc[rows.groupby(["exercise", "date"])["e1rm_kg"].idxmax()]
    best = best[["exercise", "date", "e1rm_kg", "set"]].rename(columns={"set": "best_set"})
    out = best.merge(counts.reset_index(), on=["exercise", "date"])
    out = out.sort_values(["exercise", "date"]).reset_index(drop=True)
    out.insert(2, "session", out.groupby("exercise").cumcount() + 1)
    out["failure_sets"] = out["failure_sets"].astype("int64")
    return out


def flag_performance_drops(log, threshold=0.05, sessions=2, window=None, formula="Epley"):
    """A transparent HEURISTIC, not an evidence-based prescription.

    For each exercise, compare every session's best e1RM with the best of the earlier sessions
    (all of them, or the last ``window``). A session is ``below`` when its e1RM is more than
    ``threshold`` (a fraction) under that best. ``flag`` is True from the ``sessions``-th
    consecutive ``below`` session on, with the suggestion "consider fewer failure sets" (or,
    when the sessions of that run had no set to failure, to look at other causes).
    Returns e1rm_trend's table plus prior_best_kg, drop, below, run, flag, suggestion.
    """
    _check_flag_rule(threshold, sessions, window)
    return flag_trend(e1rm_trend(log, formula), threshold, sessions, window)


def _check_flag_rule(threshold, sessions, window):
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not 0 < threshold < 1:
        raise ValueError(f"threshold must be a fraction between 0 and 1 (e.g. 0.05 = 5 %), "
                         f"got {threshold!r}")
    for name, value in (("sessions", sessions), ("window", window)):
        if value is None and name == "window":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")


def flag_trend(trend, threshold=0.05, sessions=2, window=None):
    """The rule of :func:`flag_performance_drops` applied to a table from :func:`e1rm_trend`
    (so a caller that changes only the threshold can compute the trend once)."""
    _check_flag_rule(threshold, sessions, window)
    if not isinstance(trend, pd.DataFrame) or not {"exercise", "e1rm_kg", "failure_sets",
                                                   "sets"} <= set(trend):
        raise ValueError("pass the table returned by e1rm_trend")
    trend = trend.copy()
    grouped = trend.groupby("exercise")["e1rm_kg"]
    if window is None:  # vectorised: the best so far, moved down one session per exercise
        prior = grouped.cummax().groupby(trend["exercise"]).shift(1)
    else:
        prior = grouped.transform(lambda s: s.rolling(window, min_periods=1).max().shift(1))
    trend["prior_best_kg"] = prior
    trend["drop"] = 1 - trend["e1rm_kg"] / prior
    # "more than" the threshold: a drop of exactly 5 % (1 - 95/100 = 0.0500...04) is not
    trend["below"] = (trend["drop"] > threshold + 1e-9).fillna(False).astype(bool)
    runs, run_failures = [], []  # length of the run of below sessions, its sets to failure
    for _, group in trend.groupby("exercise")[["below", "failure_sets"]]:
        count = failures = 0
        for value, f in zip(group["below"], group["failure_sets"]):
            count, failures = (count + 1, failures + f) if value else (0, 0)
            runs.append(count)
            run_failures.append(failures)
    trend["run"] = runs
    trend["flag"] = trend["run"] >= sessions
    trend["suggestion"] = [
        "" if not flag else
        (f"e1RM {d:.0%} below the earlier best for {k} sessions in a row; {SUGGESTION} "
         f"({f} of {n} sets to failure this session)") if run_f else
        f"e1RM {d:.0%} below the earlier best for {k} sessions in a row; {NO_FAILURE_SUGGESTION}"
        for flag, d, k, f, n, run_f in zip(trend["flag"], trend["drop"], trend["run"],
                                           trend["failure_sets"], trend["sets"], run_failures)]
    return trend
