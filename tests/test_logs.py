"""Training-log loader (good and malformed files), e1RM trend and the performance-drop flag."""

import io

import pandas as pd
import pytest

from failurelab import data, logs

HEADER = "date,exercise,set,weight_kg,reps,rir,failure,notes\n"
GOOD = HEADER + (
    "2024-01-01,Squat,1,100,5,0,true,\n"
    "2024-01-01,Squat,2,100,3,1,false,\n"
    '2024-01-01,Bench,1,60,10,2,false,"felt good, fast"\n'
    "2024-01-04,Squat,1,105,3,2,no,\n"
    "2024-01-04,Squat,2,105,0,0,yes,missed\n"
)


def _log(text):
    return logs.load_log(io.StringIO(text))


def test_good_file_loads_with_types(tmp_path):
    path = tmp_path / "my_log.csv"
    path.write_text(GOOD)
    log = logs.load_log(path)
    assert list(log.columns) == list(logs.LOG_COLUMNS)
    assert len(log) == 5
    assert log["date"].dtype.kind == "M" and log["reps"].dtype == "int64"
    assert log["weight_kg"].dtype == "float64" and log["failure"].dtype == bool
    assert log["failure"].tolist() == [True, False, False, False, True]
    assert log.loc[2, "notes"] == "felt good, fast" and log.loc[0, "notes"] == ""
    assert log.equals(logs.load_log(str(path))) and log.equals(_log(GOOD))


def test_notes_column_is_optional_and_extra_columns_are_kept():
    text = "Date, Exercise ,set,weight_kg,reps,rir,failure,tempo\n2024-01-01,Squat,1,100,5,1,false,3010\n"
    log = _log(text)
    assert list(log.columns) == [*logs.LOG_COLUMNS, "tempo"]
    assert log.loc[0, "notes"] == "" and log.loc[0, "tempo"] == "3010"


@pytest.mark.parametrize("text, pattern", [
    ("", "training log is empty: the first line must name the columns date, exercise"),
    ("\n\n", "training log is empty"),
    (HEADER, "has a header but no sets"),
    ("date,exercise,set,weight_kg,rep,rir,failure\n2024-01-01,Squat,1,100,5,1,false\n",
     r"missing column\(s\) reps \(found: date, exercise, set, weight_kg, rep, rir, failure\)"),
    (HEADER + "2024-01-01,Squat,1,100,5,0,true,\n2024-01-01,Squat,2,100,ten,1,false,\n",
     "row 2, column reps: expected a whole number >= 0, got 'ten'"),
    (HEADER + "2024-01-01,Squat,1,100,5.5,1,false,\n",
     "row 1, column reps: expected a whole number >= 0, got '5.5'"),
    (HEADER + "2024-01-01,Squat,1,-100,5,1,false,\n",
     "row 1, column weight_kg: expected a number >= 0, got '-100'"),
    (HEADER + "01/03/2024,Squat,1,100,5,1,false,\n",
     r"row 1, column date: expected a date as YYYY-MM-DD \(e.g. 2024-03-01\), got '01/03/2024'"),
    (HEADER + "2024-02-30,Squat,1,100,5,1,false,\n", "row 1, column date: expected a date"),
    (HEADER + "2024-01-01,Squat,0,100,5,1,false,\n",
     "row 1, column set: expected a whole number >= 1, got '0'"),
    (HEADER + "2024-01-01,Squat,1,100,5,-1,false,\n",
     "row 1, column rir: expected a number >= 0, got '-1'"),
    (HEADER + "2024-01-01,Squat,1,100,5,nan,false,\n", "row 1, column rir: expected a number"),
    (HEADER + "2024-01-01,Squat,1,100,5,1,maybe,\n",
     "row 1, column failure: expected true or false, got 'maybe'"),
    (HEADER + "2024-01-01,,1,100,5,1,false,\n", "row 1, column exercise: empty; expected"),
    (HEADER + "2024-01-01,Squat,1,100,5,2,true,\n",
     "row 1, column rir: a set to failure has 0 RIR, got 2"),
    (HEADER + "2024-01-01,Squat,1,100,5,1,false,\n2024-01-01,Squat,1,100,4,1,false,\n",
     "row 2: Squat set 1 on 2024-01-01 is already in row 1"),
    (HEADER + "2024-01-01,Squat,1,100,5,1,false,great, deep\n",
     "row 1 has 9 cells, the header has 8"),
    ("date,exercise,set,set,weight_kg,reps,rir,failure\n", "a column name appears twice"),
    ("date;exercise;set;weight_kg;reps;rir;failure\n2024-01-01;Squat;1;100;5;1;false\n",
     "separated by semicolons; save the file as comma-separated CSV"),
])
def test_malformed_logs_raise_value_error_naming_row_and_column(text, pattern):
    with pytest.raises(ValueError, match=pattern):
        _log(text)


def test_bad_paths_and_objects_are_explained(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        logs.load_log(tmp_path / "nope.csv")
    binary = tmp_path / "log.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        logs.load_log(binary)
    with pytest.raises(ValueError, match="pass a file path or an open file, got int"):
        logs.load_log(3)
    path = tmp_path / "named.csv"
    path.write_text(HEADER + "2024-01-01,Squat,1,100,x,1,false,\n")
    with pytest.raises(ValueError, match="training log named.csv: row 1, column reps"):
        logs.load_log(path)


def test_e1rm_trend_on_a_hand_made_log():
    trend = logs.e1rm_trend(_log(GOOD))
    assert trend[["exercise", "session", "best_set", "sets", "failure_sets"]].values.tolist() == [
        ["Bench", 1, 1, 1, 0], ["Squat", 1, 1, 2, 1], ["Squat", 2, 1, 2, 1]]
    # Epley on reps + RIR: 60 (1 + 12/30) = 84; 100 (1 + 5/30) beats 100 (1 + 4/30);
    # 105 (1 + 5/30) = 122.5; the 0-rep set has no e1RM.
    assert trend["e1rm_kg"].tolist() == pytest.approx([84.0, 116.6667, 122.5], abs=1e-4)
    brz = logs.e1rm_trend(_log(GOOD), formula="Brzycki")
    assert brz["e1rm_kg"].iloc[0] == pytest.approx(60 * 36 / 25)


def _drop_log(weights):
    """One exercise, one single to failure per session: e1RM = weight * 31/30 (Epley)."""
    rows = [f"2024-01-{d + 1:02d},Squat,1,{w},1,0,true," for d, w in enumerate(weights)]
    return _log(HEADER + "\n".join(rows) + "\n")


def test_flag_rule_on_a_constructed_drop():
    flags = logs.flag_performance_drops(_drop_log([100, 100, 94, 94, 100]))
    assert flags["drop"].tolist()[1:] == pytest.approx([0, 0.06, 0.06, 0])
    assert flags["below"].tolist() == [False, False, True, True, False]
    assert flags["run"].tolist() == [0, 0, 1, 2, 0]
    assert flags["flag"].tolist() == [False, False, False, True, False]
    assert "consider fewer failure sets" in flags["suggestion"].iloc[3]
    assert "6% below the earlier best for 2 sessions" in flags["suggestion"].iloc[3]
    assert "(1 of 1 sets to failure" in flags["suggestion"].iloc[3]
    assert flags["suggestion"].iloc[4] == ""
    assert not logs.flag_performance_drops(_drop_log([100, 100, 94, 94]), threshold=0.1)["flag"].any()
    assert logs.flag_performance_drops(_drop_log([100, 94]), sessions=1)["flag"].tolist() == [False, True]


def test_flag_window_limits_the_best_to_recent_sessions():
    log = _drop_log([120, 100, 100, 100, 94, 94])
    all_time = logs.flag_performance_drops(log)
    assert all_time["flag"].tolist() == [False, False, True, True, True, True]
    recent = logs.flag_performance_drops(log, window=2)
    single = 31 / 30  # Epley e1RM of a single to failure, per kg
    expected = [120, 120, 100, 100, 100]
    assert recent["prior_best_kg"].tolist()[1:] == pytest.approx([w * single for w in expected])
    assert recent["run"].tolist() == [0, 1, 2, 0, 1, 2]
    assert recent["flag"].tolist() == [False, False, True, False, False, True]


@pytest.mark.parametrize("kwargs, pattern", [
    ({"threshold": 5}, "threshold must be a fraction between 0 and 1"),
    ({"threshold": 0}, "threshold must be a fraction"),
    ({"sessions": 0}, "sessions must be a whole number >= 1, got 0"),
    ({"sessions": 1.5}, "sessions must be a whole number"),
    ({"window": 0}, "window must be a whole number >= 1"),
    ({"formula": "Lander"}, "unknown formula"),
])
def test_flag_rejects_bad_input(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        logs.flag_performance_drops(_drop_log([100, 90]), **kwargs)


def test_trend_needs_a_loaded_log():
    with pytest.raises(ValueError, match="pass the DataFrame returned by load_log, got str"):
        logs.e1rm_trend("log.csv")
    with pytest.raises(ValueError, match=r"missing column\(s\) rir"):
        logs.e1rm_trend(pd.DataFrame({"date": [], "exercise": [], "set": [], "weight_kg": [],
                                      "reps": [], "failure": []}))


def test_synthetic_log_follows_the_schema_and_shows_the_failure_block():
    path = data.data_dir() / data.resource("synthetic_training_log")["path"]
    log = logs.load_log(path)
    assert [f["name"] for f in data.resource("synthetic_training_log")["schema"]["fields"]] \
        == list(logs.LOG_COLUMNS)
    assert len(log) == 12 * 2 * 2 * 3 and set(log["notes"]) == {"synthetic"}
    flags = logs.flag_performance_drops(log)
    flagged = flags[flags["flag"]]
    # weeks 6-8 (2024-02-12 to 2024-02-29) are to failure; flags start inside that block
    assert flagged["date"].min() >= pd.Timestamp("2024-02-12")
    assert flagged["date"].min() <= pd.Timestamp("2024-02-29")
    assert set(flagged["exercise"]) == {"Squat", "Bench press"}


# -- fixes of session 2: bytes are decoded strictly, exact drops, the flag on a ready trend --------

@pytest.mark.parametrize("raw, pattern", [
    ((HEADER + "2024-01-01,Kniebeuge,1,100,5,1,false,\n2024-01-01,Bankdr\u00fccken,1,60,5,1,false,\n")
     .encode("latin-1"), (r"row 2, column exercise: not a UTF-8 text file \(byte 0xfc in "
                          r"'Bankdr\?cken'\); save it as CSV UTF-8")),
    ("d\u00e4te,exercise\n".encode("latin-1"), "the header: not a UTF-8 text file"),
    ((HEADER + "2024-01-01,Squat,1,100,5,1,false,\n").encode("utf-16"), "saved as UTF-16"),
    (b"PK\x03\x04rest", "spreadsheet or zip archive"),
    ((HEADER + "2024-01-01,Squat,1,100,5,1,false,\n").encode() + b"\x00", "contains NUL bytes"),
    ((HEADER + "2024-01-01,Squat,1,100,5,1,false,\"" + "x" * 200_000 + "\"\n").encode(),
     "not a readable CSV file"),
])
def test_bytes_that_are_not_a_utf8_csv_are_explained(raw, pattern):
    """Before the fix, bytes were decoded with errors="replace": a Latin-1 'Bankdrücken' loaded
    with a replacement character and a UTF-16 file gave a garbled header message."""
    with pytest.raises(ValueError, match=pattern):
        logs.load_log(io.BytesIO(raw))


def test_bytes_with_a_bom_and_file_names_in_messages(tmp_path):
    assert logs.load_log(io.BytesIO(GOOD.encode("utf-8-sig"))).equals(_log(GOOD))
    with pytest.raises(ValueError, match="training log upload.csv: row 1, column reps"):
        logs.load_log(io.BytesIO((HEADER + "2024-01-01,Squat,1,100,x,1,false,\n").encode()),
                      name="upload.csv")
    path = tmp_path / "a.csv"
    path.write_bytes("date\nM\u00fcnchen\n".encode("latin-1"))
    with pytest.raises(ValueError, match="training log a.csv: row 1"):
        logs.load_log(path)


def test_an_exact_threshold_drop_is_not_below():
    """1 - 95/100 is 0.050000000000000044 in floating point: 'more than 5 %' must say no."""
    flags = logs.flag_performance_drops(_drop_log([100, 95, 94.9]))
    assert flags["below"].tolist() == [False, False, True]


def test_flag_trend_is_the_rule_on_a_precomputed_trend():
    log = logs.load_log(data.data_dir() / data.resource("synthetic_training_log")["path"])
    for kwargs in (dict(), dict(threshold=0.03, sessions=1), dict(window=4)):
        pd.testing.assert_frame_equal(logs.flag_trend(logs.e1rm_trend(log), **kwargs),
                                      logs.flag_performance_drops(log, **kwargs))
    trend = logs.e1rm_trend(log)
    logs.flag_trend(trend)
    assert "flag" not in trend  # the caller's table is not changed
    with pytest.raises(ValueError, match="pass the table returned by e1rm_trend"):
        logs.flag_trend(log)
    with pytest.raises(ValueError, match="threshold must be a fraction"):
        logs.flag_trend(trend, threshold=5)
