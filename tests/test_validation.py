"""Tests for forcast.data.validation: each check returns clean values or raises a named error with a useful message."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from forcast.errors import (
    ColumnError,
    DuplicatePeriodError,
    EmptyDataError,
    ForcastError,
    FrequencyError,
    MissingPeriodError,
    MissingValueError,
    NegativeCountError,
    NonIntegerCountError,
    NonIntegerCountWarning,
    NonNumericCountError,
    ParameterError,
    SeriesTooShortError,
    TimezoneError,
)
from forcast.data.series import make_series
from forcast.data.validation import (
    check_columns,
    check_counts,
    check_min_length,
    check_naive,
    check_not_empty,
    check_regular,
    listing,
    missing_periods,
    parse_number,
    period_label,
    plural,
)


def rows(n):
    return [f"row {i + 2}" for i in range(n)]


# --- helpers ---------------------------------------------------------------------------------------
def test_listing_shows_first_ten_and_the_total():
    assert listing(["a", "b"]) == "a, b"
    long = listing([str(i) for i in range(23)])
    assert long.startswith("0, 1, 2") and long.endswith("9, ... (first 10 of 23)")
    assert listing(["a", "b"], total=500) == "a, b, ... (first 2 of 500)"


def test_plural():
    assert plural(1, "month") == "1 month"
    assert plural(3, "month") == "3 months"


@pytest.mark.parametrize(
    "period, label",
    [
        (pd.Period("2018-04", "M"), "2018-04"),
        (pd.Period("2018Q2", "Q-DEC"), "2018Q2"),
        (pd.Period("2018-04-04", "W-SUN"), "w/c 2018-04-02"),
        (pd.Period("2019", "Y-MAR"), "2018/19"),
        (pd.Period("2000", "Y-MAR"), "1999/00"),
    ],
)
def test_period_label(period, label):
    assert period_label(period) == label


@pytest.mark.parametrize(
    "cell, value",
    [(3, 3.0), ("1,234", 1234.0), (" 12 ", 12.0), ("1,234,567.0", 1234567.0), (np.int64(5), 5.0),
     ("12,34", None), ("n/a", None), (True, None), ("inf", None), (float("nan"), None), (None, None)],
)
def test_parse_number(cell, value):
    assert parse_number(cell) == value


# --- counts --------------------------------------------------------------------------------------
def test_check_counts_accepts_numbers_and_thousands_separators():
    got = check_counts([1, "1,234", 7.0, " 0 "], rows(4))
    np.testing.assert_array_equal(got, [1, 1234, 7, 0])


def test_blank_counts_are_listed_by_row():
    with pytest.raises(MissingValueError, match=r"2 counts in column 'Crimes' are blank: row 3, row 5\. "
                                                r"Every period needs a count"):
        check_counts([1, None, 3, ""], rows(4), column="Crimes")


def test_non_numeric_counts_are_quoted_with_rows():
    with pytest.raises(NonNumericCountError, match=re.escape("2 cells are not: row 5: 'n/a', row 6: '12a'")) as exc:
        check_counts([1, 2, 3, "n/a", "12a"], rows(5), column="Crimes")
    assert "thousands separators like '1,234' are fine" in str(exc.value)
    assert str(exc.value).startswith("Column 'Crimes' must hold numbers")


def test_negative_counts_are_listed():
    with pytest.raises(NegativeCountError, match=re.escape("2 negative values: row 2: -1, row 4: '-3'")):
        check_counts([-1, 2, "-3"], rows(3))


def test_non_integer_counts_raise_by_default_and_say_how_to_keep_them():
    with pytest.raises(NonIntegerCountError, match=r"row 3: 2\.5\..*non_integer='warn'.*non_integer='round'"):
        check_counts([1, 2.5], rows(2))


def test_non_integer_warn_keeps_values():
    with pytest.warns(NonIntegerCountWarning, match=r"Kept as given.*row 3: 2\.5"):
        got = check_counts([1, 2.5], rows(2), non_integer="warn")
    np.testing.assert_array_equal(got, [1, 2.5])


def test_non_integer_round_rounds_halves_up_and_warns():
    with pytest.warns(NonIntegerCountWarning, match=r"Rounded to whole numbers \(halves up\)"):
        got = check_counts([0.5, 2.5, 3.4, 3.6], rows(4), non_integer="round")
    np.testing.assert_array_equal(got, [1, 3, 3, 4])


def test_whole_counts_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_counts([1.0, 2.0], rows(2), non_integer="warn")


def test_unknown_non_integer_option():
    with pytest.raises(ParameterError, match=r"non_integer must be one of 'error', 'warn', 'round'\. Got 'drop'\."):
        check_counts([1], rows(1), non_integer="drop")


def test_check_counts_needs_one_label_per_value():
    with pytest.raises(ParameterError, match="one label per value"):
        check_counts([1, 2], ["row 2"])


# --- columns, emptiness, time zones --------------------------------------------------------------
def test_misnamed_column_lists_columns_and_suggests_the_close_one():
    with pytest.raises(ColumnError, match=r"value_column='crimes' is not a column of the data\. The columns are: "
                                          r"'Month', 'Crimes'\. Did you mean 'Crimes'\?"):
        check_columns(["Month", "Crimes"], {"date_column": "Month", "value_column": "crimes"})


def test_missing_column_without_close_match_has_no_suggestion():
    with pytest.raises(ColumnError, match=r"The columns are: 'Month', 'Crimes'\. Column names must match") as exc:
        check_columns(["Month", "Crimes"], {"date_column": "Timestamp"})
    assert "Did you mean" not in str(exc.value)


def test_empty_data():
    check_not_empty(1)
    with pytest.raises(EmptyDataError, match="No rows of figures were found in the data \\(only a header"):
        check_not_empty(0)


def test_zone_aware_timestamps_raise_with_the_fix():
    stamps = pd.Series(pd.date_range("2018-04-01", periods=2, freq="h", tz="UTC"))
    with pytest.raises(TimezoneError, match=r"column 'Opened' must be local times.*Got time zone UTC.*"
                                            r'tz_convert\("Europe/London"\)\.dt\.tz_localize\(None\)'):
        check_naive(stamps, "Opened")
    check_naive(pd.Series(pd.date_range("2018-04-01", periods=2, freq="h")), "Opened")


# --- periods -------------------------------------------------------------------------------------
def test_check_regular_sorts():
    index = pd.PeriodIndex(["2018-03", "2018-01", "2018-02"], freq="M")
    assert list(check_regular(index).astype(str)) == ["2018-01", "2018-02", "2018-03"]


def test_missing_months_are_listed_and_counted():
    index = pd.PeriodIndex(["2018-01", "2018-04", "2018-05", "2018-06", "2018-08"], freq="M")
    with pytest.raises(MissingPeriodError, match=re.escape(
            "3 months are missing: 2018-02, 2018-03, 2018-07. Every month between the first (2018-01) and the last "
            "(2018-08) needs a count.")):
        check_regular(index)


def test_many_missing_periods_show_first_ten_and_total():
    index = pd.PeriodIndex(["2018-01-01", "2018-01-20"], freq="D")
    with pytest.raises(MissingPeriodError, match=r"18 days are missing: 2018-01-02, .*2018-01-11, \.\.\. "
                                                 r"\(first 10 of 18\)"):
        check_regular(index)


def test_missing_weeks_use_week_commencing_labels():
    index = pd.PeriodIndex([pd.Period("2018-04-02", "W-SUN"), pd.Period("2018-04-16", "W-SUN")])
    with pytest.raises(MissingPeriodError, match=r"1 week is missing: w/c 2018-04-09\."):
        check_regular(index)


def test_duplicated_periods_are_listed_with_counts_and_rows():
    index = pd.PeriodIndex(["2018Q1", "2018Q2", "2018Q2", "2018Q3", "2018Q2"], freq="Q-DEC")
    with pytest.raises(DuplicatePeriodError, match=re.escape(
            "Each quarter must appear once, but 1 quarter appears more than once: 2018Q2 (3 times: row 3, row 4, "
            "row 6).")):
        check_regular(index, row_labels=rows(5))


def test_check_regular_needs_periods():
    with pytest.raises(FrequencyError, match="must be a pandas PeriodIndex. Got a DatetimeIndex; load the data with "
                                             "forcast.data.load_series"):
        check_regular(pd.date_range("2018-01-01", periods=3))


def test_missing_periods_helper():
    index = pd.PeriodIndex(["2018-01", "2018-03"], freq="M")
    assert list(missing_periods(index).astype(str)) == ["2018-02"]


def test_check_min_length():
    series = make_series(np.arange(15), pd.period_range("2018-01", periods=15, freq="M"), name="x",
                         measure="demand")
    check_min_length(series, 15, "a seasonal model")
    with pytest.raises(SeriesTooShortError, match=re.escape(
            "At least 24 months of data are needed for a seasonal model. Got 15 months (2018-01 to 2019-03).")):
        check_min_length(series, 24, "a seasonal model")


def test_errors_are_value_errors():
    with pytest.raises(ValueError):
        check_not_empty(0)
    assert issubclass(SeriesTooShortError, ForcastError)
