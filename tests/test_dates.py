"""Tests for forcast.data.dates through the loaders: one reading rule per column, day first by default, ambiguity
refused."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from forcast.data import count_calls, load_calls, load_series
from forcast.data.dates import parse_day_text
from forcast.errors import AmbiguousDateError, DateParseError, ParameterError, TimezoneError
from forcast.data.series import make_series

from .conftest import raises


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def daily_us(tmp_path):
    days = pd.date_range("2016-01-01", "2018-12-31")
    return days, write(tmp_path, "Date,Calls\n" + "".join(f"{d:%m/%d/%Y},{i}\n" for i, d in enumerate(days)))


def test_a_month_first_daily_file_is_refused_with_rows_read_both_ways(tmp_path):
    """Cell by cell, 388 of these 1,096 days used to carry another day's count without a word."""
    _, path = daily_us(tmp_path)
    text = raises(AmbiguousDateError, lambda: load_series(path),
                  "row 3: '01/02/2016' is 1 Feb 2016 day first, 2 Jan 2016 month first",
                  "row 14: '01/13/2016' is not a date day first, 13 Jan 2016 month first",
                  "every cell is a date month first", "dayfirst=False", "--monthfirst")
    assert "dayfirst=True" in text and "--dayfirst" in text


def test_month_first_is_read_when_asked(tmp_path):
    days, path = daily_us(tmp_path)
    s = load_series(path, dayfirst=False)
    assert len(s) == 1096 and s.index[0] == pd.Period("2016-01-01", "D") and s.index[-1] == pd.Period("2018-12-31", "D")
    assert s.tolist() == list(range(1096))  # every day keeps its own count
    raises(DateParseError, lambda: load_series(path, dayfirst=True),
           "could not be read as dates: row 14: '01/13/2016'")


def test_monthly_first_days_that_also_read_as_twelve_days_are_refused(tmp_path):
    path = write(tmp_path, "Month,Crimes\n" + "".join(f"{m:02d}/01/2017,{100 + m}\n" for m in range(1, 13)))
    raises(AmbiguousDateError, lambda: load_series(path),
           "row 3: '02/01/2017' is 2 Jan 2017 day first, 1 Feb 2017 month first",
           "row 13: '12/01/2017' is 12 Jan 2017 day first, 1 Dec 2017 month first",
           "Read day first they are 12 days, 2017-01-01 to 2017-01-12; read month first they are 12 months, "
           "2017-01 to 2017-12", "dayfirst=")
    assert load_series(path, dayfirst=False).attrs["frequency"] == "monthly"
    assert load_series(path, dayfirst=True).attrs["frequency"] == "daily"


def test_uk_dates_stay_day_first_without_being_asked(tmp_path):
    months = pd.date_range("2016-04-01", periods=30, freq="MS")  # crosses year ends: month first is not a series
    s = load_series(write(tmp_path, "Month,Crimes\n" + "".join(f"{d:%d/%m/%Y},1\n" for d in months)))
    assert s.attrs["frequency"] == "monthly" and str(s.index[0]) == "2016-04"
    days = load_series(pd.DataFrame({"d": ["01/04/2018", "02/04/2018", "03/04/2018"], "n": [1, 2, 3]}))
    assert [str(p) for p in days.index] == ["2018-04-01", "2018-04-02", "2018-04-03"]


def test_one_rule_for_the_whole_column():
    """Day first for every cell: 12/31 cannot switch that one cell to month first."""
    data = pd.DataFrame({"d": ["01/12/2018", "12/31/2018"], "n": [1, 2]})
    raises(AmbiguousDateError, lambda: load_series(data), "index 1: '12/31/2018' is not a date day first")
    got = parse_day_text(pd.Series(["01/12/2018", "13/12/2018"]), dayfirst=True)
    assert got.tolist() == [pd.Timestamp("2018-12-01"), pd.Timestamp("2018-12-13")]


def test_weekly_labels_written_by_to_csv_round_trip(tmp_path):
    weeks = pd.period_range("2016-01-04", periods=60, freq="W-SUN")
    series = make_series(np.arange(60) * 7, weeks, name="calls", measure="calls")
    path = tmp_path / "weekly.csv"
    series.to_csv(path)
    assert path.read_text().splitlines()[1] == "2016-01-04/2016-01-10,0"
    back = load_series(path)
    assert back.index.equals(series.index) and back.tolist() == series.tolist()
    assert back.attrs["frequency"] == "weekly"


def test_other_frequencies_written_by_to_csv_round_trip(tmp_path):
    for freq, start in [("D", "2016-01-01"), ("M", "2016-01"), ("Q-DEC", "2016Q1")]:
        series = make_series(np.arange(30), pd.period_range(start, periods=30, freq=freq), name="n", measure="x")
        series.to_csv(tmp_path / "s.csv")
        back = load_series(tmp_path / "s.csv")
        assert back.index.equals(series.index) and back.tolist() == series.tolist()


def test_year_0000_is_quoted_with_the_range_forcast_reads(tmp_path):
    path = write(tmp_path, "Month,Crimes\n2018-01-01,1\n0000-01-01,2\n2018-03-01,3\n")
    raises(DateParseError, lambda: load_series(path),
           "1 cell in column 'Month' could not be read as dates: row 3: '0000-01-01' (year 0000: forcast reads "
           "years 1900 to 2100)")
    for label in ("0000-02", "Jan 0000", "0000Q1", "01/02/0000"):
        raises(DateParseError, lambda: load_series(pd.DataFrame({"d": ["2018-01", label], "n": [1, 2]})),
               f"index 1: {label!r} (year 0000")


def test_offsets_in_labels_are_time_zones(tmp_path):
    for label in ("2016-01-01 -03:00", "2016-01-01T00:00-03:00", "2016-01-01 00:00 -0300"):
        data = pd.DataFrame({"d": [label, "2016-01-02"], "n": [1, 2]})
        raises(TimezoneError, lambda: load_series(data), f"Got e.g. index 0: {label!r}")


def test_call_exports_read_one_way(tmp_path):
    stamps = [f"{d:%m/%d/%Y} {h:02d}:15" for d in pd.date_range("2018-04-01", "2018-04-20") for h in (1, 13)]
    path = write(tmp_path, "Opened\n" + "\n".join(stamps) + "\n")
    raises(AmbiguousDateError, lambda: load_calls(path, "Opened"),
           "row 2: '04/01/2018 01:15' is 4 Jan 2018 01:15 day first, 1 Apr 2018 01:15 month first",
           "row 26: '04/13/2018 01:15' is not a date day first", "dayfirst=False")
    s = load_calls(path, "Opened", dayfirst=False)
    assert len(s) == 20 and (s == 2).all() and str(s.index[0]) == "2018-04-01"


def test_call_exports_that_fill_their_days_both_ways_are_refused():
    one_day = pd.DataFrame({"Opened": ["01/02/2018 10:00", "01/02/2018 11:00"]})
    raises(AmbiguousDateError, lambda: count_calls(one_day, "Opened"),
           "Read day first they are calls on 1 day, 2018-02-01 to 2018-02-01; read month first they are calls on "
           "1 day, 2018-01-02 to 2018-01-02")
    uk = pd.DataFrame({"Opened": [f"{d:%d/%m/%Y} 10:00" for d in pd.date_range("2018-04-01", "2018-04-12")]})
    assert count_calls(uk, "Opened")["calls"].sum() == 12  # month first would leave months of empty days


def test_dayfirst_must_be_a_boolean():
    raises(ParameterError, lambda: load_series(pd.DataFrame({"d": ["2018-01"], "n": [1]}), dayfirst="yes"),
           "`dayfirst` must be True", "Got 'yes'.")


def test_datetime_cells_outside_the_years_are_quoted():
    from datetime import datetime

    data = pd.DataFrame({"d": [datetime(2018, 1, 1), datetime(1, 1, 1)], "n": [1, 2]})
    raises(DateParseError, lambda: load_series(data), "index 1: datetime.datetime(1, 1, 1, 0, 0) (year 1: forcast "
           "reads years 1900 to 2100)")


def test_the_message_names_both_cli_options():
    data = pd.DataFrame({"d": ["12/31/2018", "01/01/2019"], "n": [1, 2]})
    text = raises(AmbiguousDateError, lambda: load_series(data))
    assert re.search(r"--dayfirst or --monthfirst\.$", text)
