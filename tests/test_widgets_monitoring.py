"""The log explorer (chapter 3.4): log_state against failurelab.logs, uploads good and bad (the
session survives every bad file), and what the browser view receives (tests/
test_views_practice_logs_claims.py checks the view against it)."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from failurelab import logs
from failurelab.widgets.monitoring import (
    SYNTHETIC_SOURCE,
    UPLOAD_NEEDS_NOTEBOOK,
    LogExplorer,
    example_log,
    log_state,
    read_upload,
)

HEADER = "date,exercise,set,weight_kg,reps,rir,failure,notes\n"
# one single to failure per session: e1RM = weight * 31/30 (Epley), so drops are exact
MINE = HEADER + "".join(f"2024-05-{d:02d},Deadlift,1,{w},1,0,true,\n"
                        for d, w in ((1, 150), (3, 150), (6, 140), (8, 140), (10, 150))) \
    + "2024-05-01,Row,1,60,8,2,false,\n2024-05-06,Row,1,62.5,8,2,false,\n"


@pytest.fixture(scope="module")
def explorer():
    return LogExplorer()


def upload_entry(name, content):
    """What ipywidgets 8's FileUpload puts in ``.value`` for one file."""
    return {"name": name, "type": "text/csv", "size": len(content),
            "content": memoryview(content), "last_modified": dt.datetime(2024, 5, 1)}


# -- pure functions ------------------------------------------------------------------------------

def test_log_state_is_the_logs_flag_rule_for_one_exercise():
    log = example_log()
    s = log_state(log, "Squat", threshold=0.05, sessions=2)
    direct = logs.flag_performance_drops(log, threshold=0.05, sessions=2)
    direct = direct[direct["exercise"] == "Squat"].reset_index(drop=True)
    pd.testing.assert_frame_equal(s["table"], direct)
    assert s["exercises"] == ["Bench press", "Squat"] and s["source"] == SYNTHETIC_SOURCE
    assert s["n_sessions"] == 24 and s["n_sets"] == 72 and s["n_failure_sets"] == 18
    assert s["n_flagged"] == int(direct["flag"].sum()) > 0
    assert s["first_flag"] == direct.loc[direct["flag"], "date"].iloc[0]
    # the synthetic log's failure block is weeks 6-8 (2024-02-12 to 2024-02-29)
    assert pd.Timestamp("2024-02-12") <= s["first_flag"] <= pd.Timestamp("2024-02-29")
    assert s["best_e1rm"] == pytest.approx(direct["e1rm_kg"].max())
    assert log_state(log)["exercise"] == "Bench press"  # first alphabetically


def test_log_state_on_a_hand_made_log():
    log = logs.load_log(io.StringIO(MINE))
    s = log_state(log, "Deadlift", threshold=0.05, sessions=2)
    single = 31 / 30
    assert s["table"]["e1rm_kg"].tolist() == pytest.approx(
        [150 * single, 150 * single, 140 * single, 140 * single, 150 * single])
    # 140 / 150 = 6.7 % below the best: below twice, flagged on the second
    assert s["table"]["below"].tolist() == [False, False, True, True, False]
    assert s["table"]["flag"].tolist() == [False, False, False, True, False]
    assert s["n_flagged"] == 1 and s["first_flag"] == pd.Timestamp("2024-05-08")
    assert "consider fewer failure sets" in s["suggestion"] and s["flagged_failure_sets"] == 1
    assert log_state(log, "Deadlift", threshold=0.07)["n_below"] == 0
    assert log_state(log, "Deadlift", sessions=1)["n_flagged"] == 2


@pytest.mark.parametrize("kwargs, words", [
    (dict(exercise="Deadlift"), ["'Deadlift' is not in this log", "Bench press, Squat"]),
    (dict(threshold=0), ["threshold must be a fraction"]),
    (dict(threshold=1.5), ["threshold", "0.001 to 0.999"]),
    (dict(sessions=0), ["sessions", "1 to 1", "got 0"]),  # "1 to 1000" or "1 to 1,000"
    (dict(sessions=1.5), ["sessions must be a whole number"]),
])
def test_log_state_refuses_bad_input(kwargs, words):
    with pytest.raises(ValueError) as info:
        log_state(example_log(), **kwargs)
    for word in words:
        assert word in str(info.value)
    with pytest.raises(ValueError, match="DataFrame returned by failurelab.logs.load_log"):
        log_state("my_log.csv")


def test_read_upload_reads_a_good_file_like_load_log():
    log = read_upload("C:\\Users\\me\\My Log.CSV", MINE.encode("utf-8-sig"))
    assert log.equals(logs.load_log(io.StringIO(MINE)))


BAD_UPLOADS = [
    # (file name, content, words the message must contain)
    ("no_reps.csv", (HEADER.replace("reps,", "") + "2024-05-01,Squat,1,100,1,false,\n").encode(),
     ["training log no_reps.csv", "missing column(s) reps"]),
    ("dates.csv", (HEADER + "2024-05-01,Squat,1,100,5,1,false,\n2024-05-01,Squat,2,100,5,1,false,\n"
                   "5/3/2024,Squat,1,100,5,1,false,\n").encode(),
     ["training log dates.csv", "row 3, column date", "YYYY-MM-DD", "'5/3/2024'"]),
    ("neg.csv", (HEADER + "2024-05-01,Squat,1,100,5,1,false,\n2024-05-03,Squat,1,100,-3,1,false,\n")
     .encode(), ["row 2, column reps", "whole number of repetitions", "'-3'"]),
    ("empty.csv", b"", ["training log empty.csv is empty", "date, exercise, set"]),
    ("blank.csv", b"\n \n", ["training log blank.csv is empty"]),
    ("latin1.csv", (HEADER + "2024-05-01,Kniebeuge,1,100,5,1,false,\n"
                    "2024-05-01,Bankdr\u00fccken,1,60,5,1,false,\n").encode("latin-1"),
     ["latin1.csv", "row 2, column exercise", "not a UTF-8 text file", "byte 0xfc",
      "CSV UTF-8"]),
    ("utf16.csv", (HEADER + "2024-05-01,Squat,1,100,5,1,false,\n").encode("utf-16"),
     ["utf16.csv", "not a UTF-8 text file", "UTF-16"]),
    ("log.xlsx", b"PK\x03\x04\x14\x00", ["log.xlsx: expected a .csv file, got .xlsx",
                                         "Save As > CSV UTF-8"]),
    ("log", b"date\n", ["expected a .csv file, got no extension"]),
    ("renamed.csv", b"PK\x03\x04\x14\x00\x00", ["renamed.csv", "spreadsheet or zip archive"]),
    ("nul.csv", (HEADER + "2024-05-01,Squat,1,100,5,1,false,\n").encode() + b"\x00\x00",
     ["nul.csv", "NUL bytes"]),
    ("semicolons.csv", b"date;exercise;set;weight_kg;reps;rir;failure\n2024-05-01;Squat;1;100;5;1;false\n",
     ["separated by semicolons"]),
    # values matplotlib cannot draw (year 1, 1e308 kg), an unclosed quote, the size limit
    ("old_date.csv", (HEADER + "0001-01-01,Squat,1,75,7,2,false,\n").encode(),
     ["training log old_date.csv: row 1, column date: year 1 is not a plausible training date"]),
    ("heavy.csv", (HEADER + "2024-01-08,Squat,1,1e308,7,2,false,\n").encode(),
     ["heavy.csv: row 1, column weight_kg", "not plausible"]),
    ("quote.csv", (HEADER + '2024-05-01,Squat,1,100,5,1,false,"felt tired\n'
                   + "2024-05-03,Squat,1,100,5,1,false,\n").encode(),
     ["quote.csv: row 1, column notes: a quote", "never closed"]),
    ("big.csv", HEADER.encode() + b" " * 2_000_000,
     ["training log big.csv is 2.0 MB; this explorer reads logs up to 2 MB"]),
]


@pytest.mark.parametrize("name, content, words", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_read_upload_names_the_file_row_and_column(name, content, words):
    with pytest.raises(ValueError) as info:
        read_upload(name, content)
    for word in words:
        assert word in str(info.value)


def test_read_upload_refuses_odd_arguments_and_huge_files():
    with pytest.raises(ValueError, match="file name must be text"):
        read_upload(None, b"")
    with pytest.raises(ValueError, match="content must be bytes, got str"):
        read_upload("a.csv", "date")
    with pytest.raises(ValueError, match=r"is 0.0 MB; this explorer reads logs up to 1e-05 MB"):
        read_upload("big.csv", MINE.encode(), max_bytes=10)


# -- the explorer: uploads keep the session ------------------------------------------------------

def options(ex):
    return [value for _, value in ex.controls["exercise"].options]


def test_explorer_first_readout_and_what_the_view_receives(explorer):
    s = explorer.update(exercise="Bench press", threshold=0.05, sessions=2)
    text = explorer.readout
    assert text.startswith("<b>What the figure shows</b> (the synthetic example log (simulated")
    assert f"{s['n_flagged']} were flagged" in text and "not an evidence-based rule" in text
    assert options(explorer) == ["Bench press", "Squat"]
    data = explorer.spec()["data"]
    assert list(data["exercises"]) == ["Bench press", "Squat"] and data["simulated"]
    squat = data["exercises"]["Squat"]
    table = log_state(explorer.log, "Squat")["table"]
    assert squat["dates"] == [f"{d:%Y-%m-%d}" for d in table["date"]]
    assert squat["e1rm"] == table["e1rm_kg"].tolist()  # full precision: the view rounds them
    assert squat["sets"] == table["sets"].tolist()
    assert squat["failure_sets"] == table["failure_sets"].tolist()
    assert data["note"] == ""  # the live view sits under the upload button
    assert UPLOAD_NEEDS_NOTEBOOK in explorer.html()
    assert len(explorer.html()) < 100_000


def test_the_notebook_shows_the_upload_button_its_message_and_the_live_view():
    ex = LogExplorer()
    upload_row, message, view = ex.box.children
    assert upload_row.children == (ex.upload, ex.source_label) and message is ex.message_box
    assert view is ex.widget
    bundle = ex._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.box.model_id
    assert bundle["text/html"] == ex.html() and "Load my log" in bundle["text/html"]
    assert "Load a CSV up to 2 MB" in ex.source_label.value
    assert "above about 10 MB cannot reach Python" in ex.source_label.value
    assert ex.upload.tooltip == "CSV up to 2 MB"


def test_bad_uploads_keep_the_log_and_controls():
    ex = LogExplorer()
    before = ex.update(exercise="Squat", threshold=0.08, sessions=3)
    log, spec = ex.log, ex.widget.spec
    for name, content, words in BAD_UPLOADS:
        ex.upload.value = (upload_entry(name, content),)  # as the browser does
        assert ex.error is not None and words[0] in ex.error
        assert ex.message.startswith("Not loaded") and 'role="alert"' in ex.message_box.value
        assert "still shows the synthetic example log" in ex.message
        assert ex.log is log and ex.state is before and ex.widget.spec == spec
        assert options(ex) == ["Bench press", "Squat"]
        assert ex.params() == dict(exercise="Squat", threshold=0.08, sessions=3)
        assert ex.upload.value == ()  # the file is not kept in the notebook
    # and the explorer still works afterwards
    assert ex.update(threshold=0.05) is not None and ex.error is None and ex.message == ""
    assert ex.message_box.value == ""


def test_good_upload_replaces_log_view_and_exercises_and_a_bad_one_keeps_it():
    ex = LogExplorer()
    book = ex.html()
    assert ex.widget.spec["data"]["simulated"]  # the live view exists: the upload must reach it
    ex.upload.value = (upload_entry("mine.csv", MINE.encode()),)
    assert ex.error is None and ex.message == "" and ex.upload.value == ()
    assert options(ex) == ["Deadlift", "Row"]
    assert ex.state["exercise"] == "Deadlift" and ex.state["source"] == "your file mine.csv"
    assert "(your file mine.csv)" in ex.readout and ex.state["n_flagged"] == 1
    assert list(ex.widget.spec["data"]["exercises"]) == ["Deadlift", "Row"]
    assert ex.widget.params["exercise"] == "Deadlift" and ex.widget.spec["params"] == ex.params()
    assert ex.html() == book  # the page view (and a saved notebook) never hold an upload
    row = ex.update(exercise="Row")
    assert row["n_sessions"] == 2 and row["best_e1rm"] == pytest.approx(62.5 * (1 + 10 / 30))
    assert ex.widget.params["exercise"] == "Row"
    spec = ex.widget.spec
    assert ex.load_file("mine2.csv", (MINE + "2024-05-12,Row,1,60,x,2,false,\n").encode()) is None
    assert "training log mine2.csv: row 8, column reps" in ex.error
    assert "still shows your file mine.csv" in ex.message
    assert ex.state is row and ex.widget.spec == spec
    assert options(ex) == ["Deadlift", "Row"]
    assert ex.update(exercise="Squat") is None
    assert "'Squat'" in ex.error and "Deadlift" in ex.error  # names the exercises it has


def test_unexpected_errors_in_the_upload_callback_are_shown_not_raised(monkeypatch):
    ex = LogExplorer()

    def boom(name, content):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ex, "load_file", boom)
    ex.upload.value = (upload_entry("mine.csv", MINE.encode()),)
    assert "mine.csv: could not be read (disk on fire)" in ex.error
    assert ex.upload.value == ()


def test_explorer_refuses_values_outside_its_controls(explorer):
    state, readout = explorer.state, explorer.readout
    for bad, word in ((dict(threshold=0.5), "0.01 to 0.2"), (dict(sessions=9), "1 to 6"),
                      (dict(exercise="Curl"), "'Curl'")):
        assert explorer.update(**bad) is None and word in explorer.error
        assert explorer.message.startswith("Not shown")
        assert explorer.state is state and explorer.readout == readout
    with pytest.raises(ValueError, match="DataFrame returned by"):
        LogExplorer(log="my_log.csv")


def test_bodyweight_exercises_are_listed_as_skipped_not_refused():
    text = MINE + "2024-05-01,Pull-up,1,0,8,2,false,\n"
    ex = LogExplorer()
    state = ex.load_file("with_pullups.csv", text.encode())
    assert state is not None and options(ex) == ["Deadlift", "Row"]
    assert state["skipped"] == ["Pull-up"] and "Pull-up" in ex.readout
    assert ex.spec()["data"]["skipped"] == ["Pull-up"]
    assert "your file with_pullups.csv" in ex.source_label.value
    with pytest.raises(ValueError, match="Pull-up has no set with reps and load above 0"):
        log_state(ex.log, "Pull-up")
    only_bodyweight = HEADER + "2024-05-01,Pull-up,1,0,8,2,false,\n"
    assert ex.load_file("pullups.csv", only_bodyweight.encode()) is None
    assert "no set with reps and load above 0" in ex.error and ex.state is state


def test_constructor_explains_bad_arguments():
    with pytest.raises(ValueError, match="'Deadlift' is not in this log"):
        LogExplorer(exercise="Deadlift")
    ex = LogExplorer(exercise="Squat")
    assert ex.state["exercise"] == "Squat" and "synthetic example log" in ex.source_label.value


# -- advice, escaping ------------------------------------------------------------------------------

def test_advice_and_grammar_follow_the_log():
    """Before: '1 were flagged' and 'consider fewer failure sets' for a log without any."""
    ex = LogExplorer()
    ex.load_file("mine.csv", MINE.encode())
    assert "; 1 was flagged" in ex.readout
    assert "The flagged session had 1 set to failure." in ex.readout
    no_failure = HEADER + "".join(f"2024-05-{d:02d},Row,1,{w},8,2,false,\n"
                                  for d, w in ((1, 60), (3, 60), (6, 52), (8, 52)))
    state = ex.load_file("rir.csv", no_failure.encode())
    assert state["n_flagged"] == 1 and "consider fewer failure sets" not in ex.readout
    assert "no sets to failure in these sessions, so look at other causes" in ex.readout
    assert "The flagged session had no set to failure." in ex.readout


def test_what_to_check_in_a_log_that_loaded_is_shown_next_to_the_button():
    text = MINE + "2024-05-10,row ,1,60,8,2,false,\n"
    ex = LogExplorer()
    assert ex.load_file("mixed.csv", text.encode()) is not None and ex.error is None
    assert "Check: training log mixed.csv: the exercise names &#x27;Row&#x27; (row 6) and " \
           "&#x27;row&#x27; (row 8) differ only in capitals or spaces" in ex.source_label.value
    ex.load_file("mine.csv", MINE.encode())
    assert "Check:" not in ex.source_label.value


EVIL_NAME = 'A"><img src=x onerror=alert(1)>'


def test_file_and_exercise_names_are_escaped_in_the_explorer():
    """The HTML widgets do not sanitise: escaping is the only defence (the browser view escapes
    the same names: tests/test_views_practice_logs_claims.py)."""
    text = HEADER + "".join(f"2024-05-{d:02d},{name},1,{w},1,0,true,\n" for name in
                            (EVIL_NAME, "B") for d, w in ((1, 150), (3, 140), (6, 140)))
    ex = LogExplorer()
    assert ex.load_file("<img src=x onerror=alert(1)>.csv", text.encode()) is not None
    assert ex.update(exercise=EVIL_NAME)["n_flagged"] == 1
    for value in (ex.readout, ex.source_label.value):
        assert "<img" not in value and "&lt;img src=x onerror=alert(1)&gt;" in value
    assert "A&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in ex.readout
    assert ex.load_file("<img src=x>.csv", b"date\n") is None
    assert "<img" not in ex.message_box.value and "&lt;img src=x&gt;.csv" in ex.message_box.value
    assert EVIL_NAME in ex.spec()["data"]["exercises"]  # as text: the view escapes it
