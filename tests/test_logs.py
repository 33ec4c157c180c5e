"""Training-log loader (good and malformed files), e1RM trend and the performance-drop flag."""

import bz2
import datetime as dt
import gzip
import io
import warnings

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
     "row 2, column reps: expected a whole number of repetitions, got 'ten'"),
    (HEADER + "2024-01-01,Squat,1,100,5.5,1,false,\n",
     "row 1, column reps: expected a whole number of repetitions, got '5.5'"),
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


# -- implausible values, unclosed quotes, other file formats, size cap, warnings ------------------

ROW = "2024-01-08,Squat,1,75,7,2,false,"


@pytest.mark.parametrize("row, pattern", [
    ("2024-01-08,Squat,1,75,1e20,2,false,",
     "row 1, column reps: expected a whole number of repetitions, got '1e20'"),
    ("2024-01-08,Squat,1e20,75,7,2,false,", "row 1, column set: expected a whole number >= 1"),
    ("2024-01-08,Squat,101,75,7,2,false,", r"column set: set 101 .* not plausible \(at most 100\)"),
    ("2024-01-08,Squat,1,75,150,2,false,",
     r"row 1, column reps: 150 repetitions in a set is not plausible \(at most 100\)"),
    ("2024-01-08,Squat,1,75,7,50,false,",
     r"row 1, column rir: 50 repetitions in reserve is not plausible \(at most 10\)"),
    ("2024-01-08,Squat,1,7500,7,2,false,",
     r"row 1, column weight_kg: a load of 7500 kg is not plausible \(at most 1000\)"),
    ("2024-01-08,Squat,1,1e308,7,2,false,", "row 1, column weight_kg: a load of 1e\\+308 kg"),
    ("0001-01-01,Squat,1,75,7,2,false,",
     "row 1, column date: year 1 is not a plausible training date"),
    ("1899-12-31,Squat,1,75,7,2,false,", "year 1899 is not a plausible training date"),
    ("9999-12-31,Squat,1,75,7,2,false,", "row 1, column date: 9999-12-31 is in the future"),
    ("2099-01-08,Squat,1,75,7,2,false,", "2099-01-08 is in the future"),
    ("20240108,Squat,1,75,7,2,false,", "expected a date as YYYY-MM-DD .*got '20240108'"),
    ("2024-W02-1,Squat,1,75,7,2,false,", "expected a date as YYYY-MM-DD .*got '2024-W02-1'"),
])
def test_values_no_set_can_have_are_refused_naming_row_and_column(row, pattern):
    """Before: RIR 50 gave an e1RM of 217.5 kg, reps 1e20 an OverflowError, and year 1 or a
    load of 1e308 loaded (and then broke the explorer's figure)."""
    with pytest.raises(ValueError, match=pattern):
        _log(HEADER + row + "\n")


def test_dates_up_to_today_load_and_later_ones_are_refused():
    today = dt.date.today()
    assert len(_log(HEADER + ROW.replace("2024-01-08", str(today)) + "\n")) == 1
    with pytest.raises(ValueError, match="is in the future"):
        _log(HEADER + ROW.replace("2024-01-08", str(today + dt.timedelta(days=3))) + "\n")


def _synthetic_lines():
    return (data.data_dir() / data.resource("synthetic_training_log")["path"]).read_text() \
        .splitlines()


def test_an_unclosed_quote_is_refused_instead_of_swallowing_the_rest_of_the_file():
    """Before: the rest of the file became one note and 134 of 144 sets vanished silently."""
    lines = _synthetic_lines()
    lines[10] = lines[10].rsplit(",", 1)[0] + ',"felt tired'
    with pytest.raises(ValueError, match=(r'row 10, column notes: a quote \(\"\) is opened but '
                                          r"never closed, so the rest of the file would be read "
                                          r"as one note")):
        _log("\n".join(lines) + "\n")
    lines += ['2024-03-29,Squat,9,75,7,2,false,a later quote closes it"',
              "2024-03-30,Squat,1,75,7,2,false,"]
    with pytest.raises(ValueError, match=r"row 10, column notes: .* not closed on its line, so the next 135 lines"):
        _log("\n".join(lines) + "\n")


def test_a_quoted_note_over_two_lines_still_loads():
    log = _log(HEADER + ROW + '"slept badly\nfelt slow"\n' + ROW.replace(",1,", ",2,") + "\n")
    assert len(log) == 2 and log.loc[0, "notes"] == "slept badly\nfelt slow"


def test_old_mac_line_endings_load_and_other_formats_are_named():
    text = HEADER + ROW + "\n" + ROW.replace(",1,", ",2,") + "\n"
    for ending in ("\r", "\r\n"):
        assert _log(text.replace("\n", ending)).equals(_log(text))
        assert logs.load_log(io.BytesIO(text.replace("\n", ending).encode())).equals(_log(text))
    with pytest.raises(ValueError, match="the columns are separated by tabs; save the file as "
                                         "comma-separated CSV"):
        _log(text.replace(",", "\t"))
    for packed, kind in ((gzip.compress(text.encode()), "gzip"),
                         (bz2.compress(text.encode()), "bzip2")):
        with pytest.raises(ValueError, match=rf"not a text file \(compressed with {kind}\?\)"):
            logs.load_log(io.BytesIO(packed))


def test_files_above_the_size_cap_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "".join(ROW.replace(",1,", f",{k},") + "\n" for k in range(1, 51)))
    with pytest.raises(ValueError, match=r"training log big.csv is 0.0 MB; load_log reads logs "
                                         r"up to 0.0001 MB .*pass a larger max_bytes"):
        logs.load_log(path, max_bytes=100)
    with pytest.raises(ValueError, match="training log is larger; load_log reads logs up to"):
        logs.load_log(io.StringIO(path.read_text()), max_bytes=100)
    assert len(logs.load_log(path, max_bytes=10_000)) == 50
    path.write_bytes(HEADER.encode() + b" " * logs.MAX_LOG_BYTES)  # the default cap: 2 MB
    with pytest.raises(ValueError, match="is 2.0 MB; load_log reads logs up to 2 MB"):
        logs.load_log(path)
    with pytest.raises(ValueError, match="max_bytes must be a whole number of bytes >= 1, got 0"):
        logs.load_log(path, max_bytes=0)


def test_near_duplicate_exercise_names_give_a_warning():
    text = HEADER + ROW + "\n" + ROW.replace("Squat,1", "squat ,2") + "\n"
    with pytest.warns(logs.LogWarning, match=r"the exercise names 'Squat' \(row 1\) and 'squat' "
                                              r"\(row 2\) differ only in capitals or spaces"):
        log = _log(text)
    assert sorted(log["exercise"]) == ["Squat", "squat"]


def test_sets_beyond_the_formulas_range_warn_and_get_no_e1rm():
    """Before: reps + RIR of 57 gave an Epley e1RM of 217.5 kg from a 75 kg set."""
    text = HEADER + ROW + "\n" + "2024-01-08,Squat,2,75,50,7,false,\n"
    with pytest.warns(logs.LogWarning, match=r"row 2: reps \+ RIR above 30 \(e.g. 50 \+ 7\) is "
                                              r"beyond the range of the e1RM formulas"):
        log = _log(text)
    assert logs.has_e1rm(log).tolist() == [True, False]
    trend = logs.e1rm_trend(log, formula="Brzycki")  # 57 reps would divide by 37 - 57 < 0
    assert trend["best_set"].tolist() == [1] and trend["sets"].tolist() == [2]
    assert trend["e1rm_kg"].tolist() == pytest.approx([75 * 36 / (37 - 9)])


def test_the_synthetic_log_loads_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", logs.LogWarning)
        assert len(logs.load_log(data.data_dir() / "synthetic_training_log.csv")) == 144


def test_flag_advice_depends_on_failure_sets_in_the_run():
    """Before: "consider fewer failure sets (0 of 1 sets to failure ...)" for a lifter who did
    none."""
    rows = [f"2024-01-{d + 1:02d},Squat,1,{w},1,1,false," for d, w in enumerate([100, 94, 94])]
    flags = logs.flag_performance_drops(_log(HEADER + "\n".join(rows) + "\n"))
    assert flags["flag"].tolist() == [False, False, True]
    assert logs.SUGGESTION not in flags["suggestion"].iloc[2]
    assert flags["suggestion"].iloc[2].endswith(logs.NO_FAILURE_SUGGESTION)
    # a run that started with sets to failure keeps the advice, even on a session without any
    rows = ["2024-01-01,Squat,1,100,1,0,true,", "2024-01-02,Squat,1,94,1,0,true,",
            "2024-01-03,Squat,1,90,1,1,false,"]
    advice = logs.flag_performance_drops(_log(HEADER + "\n".join(rows) + "\n"))["suggestion"]
    assert logs.SUGGESTION in advice.iloc[2] and "(0 of 1 sets to failure" in advice.iloc[2]
