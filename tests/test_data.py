"""Tests for forcast.data: loading period counts and call-level exports, with the errors users will meet."""

from __future__ import annotations

import logging
import os
import re
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcast.data import count_calls, load_calls, load_series
from forcast.errors import (
    AmbiguousDateError,
    ColumnError,
    DateParseError,
    DuplicatePeriodError,
    EmptyDataError,
    FrequencyError,
    MissingPeriodError,
    MissingValueError,
    NegativeCountError,
    NonIntegerCountError,
    NonIntegerCountWarning,
    NonNumericCountError,
    ParameterError,
    SourceNotFoundError,
    TimezoneError,
    UnreadableSourceError,
)
from forcast.data.validation import period_label
from .strategies import CALL_FREQUENCIES, MONTH_STYLES, call_timestamps, monthly_counts

MONTHLY_CSV = "Month,Crimes\n2018-01,120\n2018-02,\"1,310\"\n2018-03,140\n2018-04,150\n"


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def frame(dates, counts, date_column="Month", value_column="Crimes"):
    return pd.DataFrame({date_column: dates, value_column: counts})


# --- load_series: what works ---------------------------------------------------------------------
def test_load_csv_infers_columns_and_frequency(tmp_path):
    path = write(tmp_path, MONTHLY_CSV)
    s = load_series(path, force="Testshire")
    assert list(s.index.astype(str)) == ["2018-01", "2018-02", "2018-03", "2018-04"]
    assert s.tolist() == [120, 1310, 140, 150]
    assert s.dtype == np.int64 and s.name == "Crimes"
    assert s.attrs["frequency"] == "monthly" and s.attrs["measure"] == "demand"
    assert s.attrs["force"] == "Testshire" and s.attrs["source"] == str(path.resolve())


def test_metadata_arguments_are_kept():
    s = load_series(frame(["2018-01", "2018-02"], [1, 2]), measure="recorded_crime", name="Burglary", unit="crimes")
    assert s.name == "Burglary"
    assert (s.attrs["measure"], s.attrs["unit"], s.attrs["source"]) == ("recorded_crime", "crimes", "DataFrame")


def test_unsorted_rows_are_sorted():
    s = load_series(frame(["2018-03", "2018-01", "2018-02"], [3, 1, 2]))
    assert s.tolist() == [1, 2, 3]
    assert s.index.is_monotonic_increasing


@pytest.mark.parametrize(
    "dates, expected, frequency",
    [
        (["2018-04-01", "2018-05-01", "2018-06-01"], ["2018-04", "2018-05", "2018-06"], "monthly"),
        (["2018-04-30", "2018-05-31", "2018-06-30"], ["2018-04", "2018-05", "2018-06"], "monthly"),
        (["Apr 2018", "May 2018", "June 2018"], ["2018-04", "2018-05", "2018-06"], "monthly"),
        (["Apr-18", "May-18", "Jun-18"], ["2018-04", "2018-05", "2018-06"], "monthly"),
        (["2018Q2", "2018 Q3", "Q4 2018"], ["2018Q2", "2018Q3", "2018Q4"], "quarterly"),
        (["2018-04-01", "2018-07-01", "2018-10-01"], ["2018Q2", "2018Q3", "2018Q4"], "quarterly"),
        (["2018-06-30", "2018-09-30", "2018-12-31"], ["2018Q2", "2018Q3", "2018Q4"], "quarterly"),
        (["2018-04", "2018-07", "2018-10"], ["2018Q2", "2018Q3", "2018Q4"], "quarterly"),
        (["01/04/2018", "02/04/2018", "03/04/2018"], ["2018-04-01", "2018-04-02", "2018-04-03"], "daily"),
        (["2018-04-02", "2018-04-09", "2018-04-16"], ["w/c 2018-04-02", "w/c 2018-04-09", "w/c 2018-04-16"],
         "weekly"),
        (["08/04/2018", "15/04/2018", "22/04/2018"], ["w/c 2018-04-02", "w/c 2018-04-09", "w/c 2018-04-16"],
         "weekly"),
    ],
)
def test_date_styles(dates, expected, frequency):
    s = load_series(frame(dates, [1, 2, 3]))
    assert [period_label(p) for p in s.index] == expected
    assert s.attrs["frequency"] == frequency


def test_financial_years_need_frequency_annual():
    data = frame(["2017/18", "2018/19", "2019/2020"], [1, 2, 3], date_column="Year")
    with pytest.raises(FrequencyError, match=r"holds financial-year labels such as '2017/18'.*pass frequency='annual'"):
        load_series(data)
    s = load_series(data, frequency="annual")
    assert [period_label(p) for p in s.index] == ["2017/18", "2018/19", "2019/20"]
    assert s.attrs["frequency"] == "annual"


def test_datetime_column_and_excel_dates():
    data = frame(pd.date_range("2018-01-01", periods=3, freq="MS"), [1, 2, 3])
    assert load_series(data).attrs["frequency"] == "monthly"


def test_series_sources():
    by_period = pd.Series([5, 6], index=pd.period_range("2018Q1", periods=2, freq="Q"), name="calls")
    s = load_series(by_period)
    assert s.attrs["frequency"] == "quarterly" and s.attrs["source"] == "Series" and s.name == "calls"
    by_date = pd.Series([5, 6, 7], index=pd.date_range("2018-01-01", periods=3, freq="D"))
    assert load_series(by_date, measure="calls_999").name == "calls_999"


def test_thousands_separators_and_blank_rows_in_csv(tmp_path):
    path = write(tmp_path, "Month,Crimes\n2018-01,\"1,234\"\n\n2018-02,5\n,\n")
    assert load_series(path).tolist() == [1234, 5]


def test_named_columns_among_many(tmp_path):
    path = write(tmp_path, "Force,Month,Crimes,Notes\nX,2018-01,1,\nX,2018-02,2,late\n")
    s = load_series(path, date_column="Month", value_column="Crimes")
    assert s.tolist() == [1, 2]


def test_one_named_column_picks_the_other(tmp_path):
    path = write(tmp_path, "Month,Crimes,\n2018-01,1,\n2018-02,2,\n")  # trailing comma: an empty third column
    assert load_series(path, value_column="Crimes").tolist() == [1, 2]
    assert load_series(path).tolist() == [1, 2]


def test_excel_workbook(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        frame(pd.date_range("2018-04-01", periods=3, freq="MS"), [4, 5, 6]).to_excel(writer, sheet_name="Data",
                                                                                   index=False)
    s = load_series(path, sheet_name="Data")
    assert s.tolist() == [4, 5, 6] and s.attrs["frequency"] == "monthly"
    with pytest.raises(UnreadableSourceError, match=r"sheet_name='Dta' is not a sheet of book\.xlsx\. "
                                                    r"Its sheets are: 'Notes', 'Data'\."):
        load_series(path, sheet_name="Dta")


def test_excel_row_numbers_match_the_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    frame(["2018-01", "2018-02", "2018-03"], [1, "n/a", 3]).to_excel(path, index=False)
    with pytest.raises(NonNumericCountError, match=re.escape("row 3: 'n/a'")):
        load_series(path)


# --- load_series: never changes the user's data ---------------------------------------------------
def test_file_is_not_modified(tmp_path):
    path = write(tmp_path, MONTHLY_CSV)
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    load_series(path)
    with pytest.raises(ColumnError):
        load_series(path, value_column="crimes")
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime


def test_dataframe_is_not_modified():
    data = frame(["2018-03", "2018-01", "", "2018-02"], ["3", "1,000", "", 2.0])
    data.attrs["note"] = "mine"
    copy = data.copy(deep=True)
    load_series(data)
    with pytest.warns(NonIntegerCountWarning):
        load_series(frame(["2018-01", "2018-02"], [1.5, 2]), non_integer="round")
    pd.testing.assert_frame_equal(data, copy)
    assert data.attrs == {"note": "mine"}


# --- load_series: errors ---------------------------------------------------------------------------
def test_missing_file_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, MONTHLY_CSV, name="crime_2018.csv")
    looked_for, cwd = tmp_path.resolve() / "crime_2019.csv", tmp_path.resolve()
    with pytest.raises(SourceNotFoundError, match=re.escape(
            f"No file at {looked_for} (relative paths start from the working directory, {cwd}). Files in that folder "
            "with similar names: crime_2018.csv. Check the file name and folder")):
        load_series("crime_2019.csv")


def test_unsupported_extension_lists_supported_ones(tmp_path):
    path = write(tmp_path, "x", name="data.json")
    with pytest.raises(UnreadableSourceError, match=r"files ending '\.json' are not supported\. forcast reads "
                                                    r"\.csv, \.txt, \.xlsx, \.xlsm, \.xls"):
        load_series(path)


def test_binary_csv_is_unreadable(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x00\x01\x02binary\xff")
    with pytest.raises(UnreadableSourceError, match="it holds binary data, not text"):
        load_series(path)


def test_workbook_named_csv_is_spotted(tmp_path):
    path = tmp_path / "data.csv"
    frame(["2018-01"], [1]).to_excel(tmp_path / "real.xlsx", index=False)
    path.write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(UnreadableSourceError, match="looks like an Excel workbook; give it the .xlsx extension"):
        load_series(path)


def test_corrupt_workbook_is_unreadable(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(UnreadableSourceError, match=r"as an Excel workbook \(.*\)\. The file may be damaged"):
        load_series(path)


def test_folder_is_unreadable(tmp_path):
    with pytest.raises(UnreadableSourceError, match="is a folder, not a file"):
        load_series(tmp_path)


def test_wrong_source_type():
    with pytest.raises(ParameterError, match="source must be a file path, a pandas DataFrame or a pandas Series. "
                                             "Got list."):
        load_series([1, 2, 3])


def test_misnamed_column_suggests_the_right_one(tmp_path):
    path = write(tmp_path, MONTHLY_CSV)
    with pytest.raises(ColumnError, match=r"value_column='Crime' is not a column of the data\. The columns are: "
                                          r"'Month', 'Crimes'\. Did you mean 'Crimes'\?"):
        load_series(path, date_column="Month", value_column="Crime")


def test_too_many_columns_without_names(tmp_path):
    path = write(tmp_path, "Force,Month,Crimes\nX,2018-01,1\n")
    with pytest.raises(ColumnError, match=r"Could not tell which column holds the dates and which the counts\. The "
                                          r"columns are: 'Force', 'Month', 'Crimes'\..*date_column='Month'"):
        load_series(path)


def test_semicolon_file_gets_a_hint(tmp_path):
    path = write(tmp_path, "Month;Crimes\n2018-01;1\n")
    with pytest.raises(ColumnError, match="one column only: if the file is separated by ';'"):
        load_series(path)


@pytest.mark.parametrize("text", ["", "Month,Crimes\n", "Month,Crimes\n,\n\n"])
def test_empty_data(tmp_path, text):
    with pytest.raises(EmptyDataError, match="No rows of figures were found in (the data|the file data.csv)"):
        load_series(write(tmp_path, text))


def test_empty_series():
    with pytest.raises(EmptyDataError, match="No rows of figures were found in the Series"):
        load_series(pd.Series([], dtype=float, index=pd.DatetimeIndex([])))


def test_non_numeric_counts_quote_file_rows(tmp_path):
    # the header is row 1; the blank line (row 4) still counts, as in a spreadsheet
    path = write(tmp_path, "Month,Crimes\n2018-01,1\n2018-02,2\n\n2018-03,n/a\n2018-04,4\n")
    with pytest.raises(NonNumericCountError, match=re.escape("1 cell is not: row 5: 'n/a'.")):
        load_series(path)


def test_dataframe_cells_are_named_by_index():
    data = frame(["2018-01", "2018-02"], [1, "lots"]).set_axis(["a", "b"])
    with pytest.raises(NonNumericCountError, match=re.escape("index b: 'lots'")):
        load_series(data)


def test_negative_counts(tmp_path):
    path = write(tmp_path, "Month,Crimes\n2018-01,1\n2018-02,-2\n2018-03,-3\n")
    with pytest.raises(NegativeCountError, match=re.escape("2 negative values: row 3: '-2', row 4: '-3'")):
        load_series(path)


def test_non_integer_counts_three_ways():
    data = frame(["2018-01", "2018-02"], [1, 2.5])
    with pytest.raises(NonIntegerCountError, match=r"index 1: 2\.5"):
        load_series(data)
    with pytest.warns(NonIntegerCountWarning):
        assert load_series(data, non_integer="warn").tolist() == [1.0, 2.5]
    with pytest.warns(NonIntegerCountWarning):
        s = load_series(data, non_integer="round")
    assert s.tolist() == [1, 3] and s.dtype == np.int64


def test_blank_counts_list_rows(tmp_path):
    path = write(tmp_path, "Month,Crimes\n2018-01,1\n2018-02,\n2018-03,3\n")
    with pytest.raises(MissingValueError, match=r"1 count in column 'Crimes' is blank: row 3\."):
        load_series(path)


def test_blank_dates_list_rows(tmp_path):
    path = write(tmp_path, "Month,Crimes\n2018-01,1\n,2\n2018-03,3\n")
    with pytest.raises(MissingValueError, match=r"1 date in column 'Month' is blank: row 3\."):
        load_series(path)


def test_unparseable_dates_are_quoted(tmp_path):
    path = write(tmp_path, "Month,Crimes\n2018-01,1\n2018-02,2\nTotal,3\n31/02/2018,4\n")
    with pytest.raises(DateParseError, match=re.escape(
            "2 cells in column 'Month' could not be read as dates: row 4: 'Total', row 5: '31/02/2018'.")):
        load_series(path)


def test_numbers_are_not_dates():
    with pytest.raises(DateParseError, match=re.escape("index 0: 43191")):
        load_series(frame([43191, 43221], [1, 2]), date_column="Month", value_column="Crimes")


def test_duplicated_months(tmp_path):
    path = write(tmp_path, "Month,Crimes\n2018-01,1\n2018-02,2\nFeb 2018,2\n2018-03,3\n")
    with pytest.raises(DuplicatePeriodError, match=re.escape("1 month appears more than once: 2018-02 (2 times: "
                                                             "row 3, row 4)")):
        load_series(path)


def test_missing_months(tmp_path):
    months = ["2018-01", "2018-04", "2018-05", "2018-06", "2018-08", "2018-09"]
    path = write(tmp_path, "Month,Crimes\n" + "".join(f"{m},1\n" for m in months))
    with pytest.raises(MissingPeriodError, match=re.escape("3 months are missing: 2018-02, 2018-03, 2018-07.")):
        load_series(path)


def test_monthly_then_quarterly_is_mixed():
    dates = [f"2015-{m:02d}-01" for m in range(1, 13)] + ["2016-01-01", "2016-04-01", "2016-07-01", "2016-10-01"]
    with pytest.raises(FrequencyError, match=r"mix frequencies: steps seen are 1 month \(12 times\), "
                                             r"3 months \(3 times\)"):
        load_series(frame(dates, range(16)))


def test_irregular_dates():
    with pytest.raises(FrequencyError, match=r"not evenly spaced.*Steps seen: 10 days \(2 times\)"):
        load_series(frame(["2018-01-01", "2018-01-11", "2018-01-21"], [1, 2, 3]))


def test_given_frequency_contradicting_the_data():
    with pytest.raises(FrequencyError, match=r"frequency='quarterly' was given, but the dates in column 'Month' are "
                                             r"monthly"):
        load_series(frame(["2018-01", "2018-02", "2018-03"], [1, 2, 3]), frequency="quarterly")
    with pytest.raises(FrequencyError, match=r"frequency='monthly' was given, but column 'Q' holds quarterly periods"):
        load_series(frame(["2018Q1", "2018Q2"], [1, 2], date_column="Q"), frequency="monthly")


def test_unknown_frequency_name():
    with pytest.raises(FrequencyError, match=r"frequency must be one of 'daily', .*Got 'month'\."):
        load_series(frame(["2018-01"], [1]), frequency="month")


def test_zone_aware_series_index():
    by_date = pd.Series([1, 2], index=pd.date_range("2018-01-01", periods=2, tz="UTC"))
    with pytest.raises(TimezoneError, match=re.escape(
            'Timestamps in the Series index must be local times without a time zone (as the control room records '
            'them). Got dates with a time zone. Convert them to UK local time and drop the zone first, e.g. '
            'series.index = series.index.tz_convert("Europe/London").tz_localize(None)')):
        load_series(by_date)


def test_repeated_dataframe_index_labels_fall_back_to_positions():
    data = frame(["2018-01", "2018-02", "2018-03"], [1, 2, "x"]).set_axis([7, 7, 7])
    with pytest.raises(NonNumericCountError, match=re.escape("position 2: 'x'")):
        load_series(data)


def test_windows_encoded_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("Month,Cost £\n2018-01,1\n2018-02,2\n".encode("cp1252"))
    assert load_series(path).name == "Cost £"


def test_weeks_not_starting_monday():
    data = frame(pd.date_range("2018-04-04", periods=4, freq="7D"), [1, 2, 3, 4], date_column="Week")
    with pytest.raises(FrequencyError, match=r"must all be Mondays.*index 0: 2018-04-04 \(Wednesday\)"):
        load_series(data)


def test_zone_aware_dates():
    data = frame(pd.date_range("2018-01-01", periods=3, freq="D", tz="Europe/London"), [1, 2, 3])
    with pytest.raises(TimezoneError, match=r"column 'Month' must be local times without a time zone"):
        load_series(data)
    with pytest.raises(TimezoneError, match=r"index 0: '2018-01-01T00:00\+00:00'"):
        load_series(frame(["2018-01-01T00:00+00:00", "2018-01-02T00:00+00:00"], [1, 2]))


@settings(deadline=None, max_examples=50)
@given(series=monthly_counts(), style=MONTH_STYLES, seed=st.integers(0, 2**32 - 1))
def test_round_trip_through_a_table(series, style, seed):
    """Whatever month style and row order, loading gives back the same counts: always when the analyst says the
    dates are day first; without dayfirst=, either the same counts or AmbiguousDateError (01/mm/yyyy dates within
    one calendar year read as consecutive days month first), never other data."""
    shuffled = series.sample(frac=1, random_state=seed)
    data = frame([style(p) for p in shuffled.index], [f"{v:,}" for v in shuffled])
    got = load_series(data, dayfirst=True)
    assert got.index.equals(series.index)
    assert got.tolist() == series.tolist()
    try:
        guessed = load_series(data)
    except AmbiguousDateError as exc:
        assert "/" in style(series.index[0]) and "dayfirst=True" in str(exc)
    else:
        assert guessed.index.equals(series.index) and guessed.tolist() == series.tolist()


# --- call-level exports ------------------------------------------------------------------------------
def calls_frame(stamps, **extra):
    return pd.DataFrame({"Opened": stamps, **extra})


def daily_calls(days=10, start="2018-04-02", per_day=3):
    """Calls at 01:00, 02:00, ... on each day from a Monday."""
    stamps = [pd.Timestamp(start) + pd.Timedelta(days=d, hours=h + 1) for d in range(days) for h in range(per_day)]
    return calls_frame(stamps)


def test_count_calls_per_day():
    s = load_calls(daily_calls(), "Opened")
    assert s.tolist() == [3] * 10
    assert s.attrs["frequency"] == "daily" and s.attrs["measure"] == "calls" and s.attrs["unit"] == "calls"
    assert s.attrs["source"] == "DataFrame"


def test_text_timestamps_from_a_csv(tmp_path):
    path = write(tmp_path, "Opened,Type\n01/04/2018 23:59,999\n02/04/2018 00:00,101\n02/04/2018 10:15:30,999\n"
                           "2018-04-03 08:00,999\n")
    s = load_calls(path, "Opened", call_type_column="Type", call_type=999)
    assert list(s.index.astype(str)) == ["2018-04-01", "2018-04-02", "2018-04-03"]
    assert s.tolist() == [1, 1, 1]
    assert s.attrs["measure"] == "calls_999" and s.name == "calls_999" and s.attrs["source"] == str(path.resolve())


def test_call_type_compared_as_text():
    data = daily_calls(days=2, per_day=2).assign(Type=[999, "101", 999.0, " 999"])
    assert load_calls(data, "Opened", call_type_column="Type", call_type="999").tolist() == [1, 2]
    assert load_calls(data, "Opened", call_type_column="Type", call_type=["999", "101"]).tolist() == [2, 2]


def test_unknown_call_type_lists_the_types_seen():
    data = daily_calls(days=2, per_day=2).assign(Type=["999", "101", "999", "101"])
    with pytest.raises(EmptyDataError, match=r"No calls have call_type 112 in column 'Type'\. The values there are: "
                                             r"101, 999\."):
        load_calls(data, "Opened", call_type_column="Type", call_type=112)


def test_call_type_needs_its_column():
    with pytest.raises(ParameterError, match="call_type='999' needs call_type_column="):
        load_calls(daily_calls(), "Opened", call_type="999")


def test_partial_weeks_and_months_are_dropped_and_logged(caplog):
    data = daily_calls(days=30, start="2018-04-04")  # Wednesday 4 April to Thursday 3 May
    with caplog.at_level(logging.INFO, logger="forcast.data"):
        weekly = load_calls(data, "Opened", frequency="weekly")
    assert [period_label(p) for p in weekly.index] == ["w/c 2018-04-09", "w/c 2018-04-16", "w/c 2018-04-23"]
    assert weekly.tolist() == [21, 21, 21]
    assert "Dropped the first week, w/c 2018-04-02: the data start part-way through it, on 2018-04-04." in caplog.text
    assert "Dropped the last week, w/c 2018-04-30" in caplog.text
    with pytest.raises(EmptyDataError, match=r"holds no complete month"):
        load_calls(data, "Opened", frequency="monthly")


def test_start_and_end_choose_the_periods():
    data = daily_calls(days=80, start="2018-03-20")
    s = load_calls(data, "Opened", frequency="monthly", start="2018-04-01", end="2018-05-31")
    assert list(s.index.astype(str)) == ["2018-04", "2018-05"] and s.tolist() == [90, 93]


def test_gaps_raise_unless_allowed():
    data = daily_calls(days=20)
    data = data[~data["Opened"].dt.day.isin([5, 6, 12])]
    with pytest.raises(MissingPeriodError, match=re.escape(
            "3 days between 2018-04-02 and 2018-04-21 have no calls at all: 2018-04-05, 2018-04-06, 2018-04-12.")):
        load_calls(data, "Opened")
    s = load_calls(data, "Opened", allow_empty_periods=True)
    assert s["2018-04-05"] == 0 and s.sum() == len(data)


def test_calls_outside_start_and_end_are_logged(caplog):
    with caplog.at_level(logging.INFO, logger="forcast.data"):
        s = load_calls(daily_calls(days=10), "Opened", start="2018-04-03", end="2018-04-05")
    assert s.tolist() == [3, 3, 3]
    assert "Left out 21 calls outside 2018-04-03 to 2018-04-05." in caplog.text


def test_start_before_the_export_shows_gaps():
    with pytest.raises(MissingPeriodError, match=r"no calls at all: 2018-03-30, 2018-03-31, 2018-04-01\. The calls "
                                                 r"run from 2018-04-02 01:00:00"):
        load_calls(daily_calls(), "Opened", start="2018-03-30")


def test_zone_aware_calls():
    stamps = pd.date_range("2018-04-01", periods=48, freq="h", tz="UTC")
    with pytest.raises(TimezoneError, match=r'Got time zone UTC\..*tz_convert\("Europe/London"\)'):
        load_calls(calls_frame(stamps), "Opened")
    with pytest.raises(TimezoneError, match=r"Got e\.g\. index 0: '2018-04-01 10:00Z'"):
        load_calls(calls_frame(["2018-04-01 10:00Z", "2018-04-02 10:00Z"]), "Opened")


def test_bad_and_blank_timestamps(tmp_path):
    path = write(tmp_path, "Opened\n2018-04-01 10:00\nyesterday\n2018-04-02 10:00\n")
    with pytest.raises(DateParseError, match=re.escape("1 cell in column 'Opened' could not be read as date and time: "
                                                       "row 3: 'yesterday'")):
        load_calls(path, "Opened")
    path = write(tmp_path, "Opened,Type\n2018-04-01 10:00,999\n,999\n")
    with pytest.raises(MissingValueError, match=r"1 timestamp in column 'Opened' is blank: row 3\."):
        load_calls(path, "Opened")


def test_missing_timestamp_column():
    with pytest.raises(ColumnError, match=r"timestamp_column='opened' is not a column.*Did you mean 'Opened'\?"):
        load_calls(daily_calls(), "opened")


def test_handling_times_per_period():
    data = daily_calls(days=2, per_day=2).assign(Handling=[60, "0:02:00", "1,000", 5.5])
    table = count_calls(data, "Opened", handling_time_column="Handling")
    assert list(table.columns) == ["period", "calls", "handling_seconds"]
    assert table["calls"].tolist() == [2, 2] and table["handling_seconds"].tolist() == [180.0, 1005.5]
    assert count_calls(data, "Opened")["handling_seconds"].isna().all()


@pytest.mark.parametrize(
    "value, error, text",
    [("soon", NonNumericCountError, "could not be read: index 1: 'soon'"), (None, MissingValueError, "1 handling time"),
     (-5, NegativeCountError, "Handling times cannot be negative")],
)
def test_bad_handling_times(value, error, text):
    data = daily_calls(days=1, per_day=2).assign(Handling=[60, value])
    with pytest.raises(error, match=text):
        count_calls(data, "Opened", handling_time_column="Handling")


def test_call_frame_is_not_modified():
    data = daily_calls(days=5).assign(Type="999")
    copy = data.copy(deep=True)
    load_calls(data, "Opened", call_type_column="Type", call_type="999")
    pd.testing.assert_frame_equal(data, copy)


def _oracle_key(moment: datetime, frequency: str):
    """The period a call falls in, computed without pandas periods."""
    day = moment.date()
    if frequency == "daily":
        return day
    if frequency == "weekly":
        return day - timedelta(days=day.weekday())  # the Monday
    return date(day.year, day.month, 1)


def _oracle_next(key: date, frequency: str) -> date:
    if frequency == "daily":
        return key + timedelta(days=1)
    if frequency == "weekly":
        return key + timedelta(days=7)
    return date(key.year + key.month // 12, key.month % 12 + 1, 1)


@settings(deadline=None, max_examples=50)
@given(stamps=call_timestamps(), frequency=CALL_FREQUENCIES)
def test_counted_calls_match_an_independent_count(stamps, frequency):
    """Every call in a complete period is counted once, in its own period; calls in partial periods are not."""
    first_day, last_day = min(stamps).date(), max(stamps).date()
    keys = sorted({_oracle_key(s, frequency) for s in stamps})
    complete = [k for k in keys if k >= first_day and _oracle_next(k, frequency) <= last_day + timedelta(days=1)]
    try:
        s = load_calls(calls_frame(stamps), "Opened", frequency=frequency, allow_empty_periods=True)
    except EmptyDataError:
        period_starts = pd.period_range(first_day, last_day, freq={"daily": "D", "weekly": "W-SUN",
                                                                   "monthly": "M"}[frequency])
        assert not complete and all(p.start_time.date() < first_day or p.end_time.date() > last_day
                                    for p in period_starts)
        return
    expected = {k: sum(_oracle_key(t, frequency) == k for t in stamps) for k in complete}
    got = {p.start_time.date(): n for p, n in s.items() if n}
    assert got == {k: n for k, n in expected.items() if n}
    assert s.sum() == sum(1 for t in stamps if _oracle_key(t, frequency) in set(complete))
    assert s.index.is_monotonic_increasing and s.index.is_unique


def test_missing_periods_can_be_declared_excluded_never_zero(tmp_path):
    path = tmp_path / "monthly.csv"
    path.write_text("month,crimes\n2018-01,100\n2018-02,110\n2018-04,130\n2018-05,140\n")
    with pytest.raises(MissingPeriodError, match=r"2018-03"):
        load_series(path)
    s = load_series(path, missing="exclude")
    assert s.attrs["missing_periods"] == ["2018-03"]
    assert s.loc["2018-03"] == 120  # a placeholder between its neighbours, never 0
    with pytest.raises(ParameterError, match=r"`missing` must be 'error' or 'exclude'\. Got 'zero'\."):
        load_series(path, missing="zero")


def test_forecast_treats_declared_missing_periods_as_missing(tmp_path):
    import numpy as np

    from forcast import forecast

    rng = np.random.default_rng(0)
    values = 1000 + rng.normal(0, 20, 48).round()
    lines = [f"{p},{v:.0f}" for p, v in zip(pd.period_range("2014-01", periods=48, freq="M"), values)]
    del lines[20]
    path = tmp_path / "m.csv"
    path.write_text("month,count\n" + "\n".join(lines) + "\n")
    s = load_series(path, missing="exclude")
    fc = forecast(s, until="2018/19", models=("arima",), n_paths=200, seed=1)
    assert any("missing in the source data" in str(e) for e in fc.events)
    assert any("treated as missing, not as zero: 2015-09" in n for n in fc.notes)
    # the placeholder is never read: any other value there gives the same ARIMA paths
    s2 = s.copy()
    s2.loc["2015-09"] = 5000
    fc2 = forecast(s2, until="2018/19", models=("arima",), n_paths=200, seed=1)
    np.testing.assert_allclose(fc.paths().to_numpy(), fc2.paths().to_numpy())
