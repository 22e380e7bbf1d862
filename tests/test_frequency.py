"""forcast.data.frequency: inferring the frequency of a date column, mapping dates to periods, refusing mixed data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast.errors import FrequencyError
from forcast.data.frequency import check_dates, check_steps, describe_steps, infer_frequency
from forcast.data.validation import period_label


def rows(n):
    return [f"row {i + 2}" for i in range(n)]


def dates(*texts):
    return pd.DatetimeIndex(list(texts))


@pytest.mark.parametrize(
    "days, frequency",
    [([1, 1, 1], "daily"), ([7, 7, 14], "weekly"), ([31, 28, 31, 30], "monthly"), ([90, 91, 92, 92], "quarterly"),
     ([365, 366], "annual"), ([1, 7], "daily"), ([], None)],
)
def test_infer_frequency(days, frequency):
    assert infer_frequency(np.array(days), "column 'd'") == frequency


def test_irregular_steps_are_described():
    with pytest.raises(FrequencyError, match=r"not evenly spaced.*Steps seen: 10 days \(2 times\), 12 days \(1 time\)"):
        infer_frequency(np.array([10, 12, 10]), "column 'd'")


def test_describe_steps_in_months():
    assert describe_steps(np.array([31, 30, 92, 31])) == "1 month (3 times), 3 months (1 time)"


def test_check_dates_maps_period_ends_to_their_period():
    got = check_dates(dates("2018-03-31", "2018-06-30", "2018-09-30"), None, "column 'd'", rows(3))
    assert list(got.astype(str)) == ["2018Q1", "2018Q2", "2018Q3"]


def test_given_frequency_contradicting_the_dates():
    with pytest.raises(FrequencyError, match=r"frequency='monthly' was given, but the dates in column 'd' are daily "
                                             r"\(steps seen: 1 day \(2 times\)\)\. Pass frequency='daily'.*to get monthly "
                                             r"figures, add the daily ones up"):
        check_dates(dates("2018-01-01", "2018-01-02", "2018-01-03"), "monthly", "column 'd'", rows(3))


def test_mostly_quarterly_with_monthly_steps_is_mixed():
    stamps = dates("2017-01-01", "2017-04-01", "2017-07-01", "2017-10-01", "2018-01-01", "2018-02-01", "2018-03-01")
    with pytest.raises(FrequencyError, match=r"mix frequencies: most steps are quarterly, but some are shorter than "
                                             r"a quarter \(first: 2018-01-01 to 2018-02-01\)\. Steps seen: "
                                             r"3 months \(4 times\), 1 month \(2 times\)"):
        check_dates(stamps, None, "column 'd'", rows(7))


def test_a_quarterly_stretch_inside_monthly_data_is_mixed():
    index = pd.PeriodIndex(["2016-01", "2016-04", "2016-07", "2016-10", "2017-01", "2017-02", "2017-03", "2017-04",
                            "2017-05"], freq="M")
    with pytest.raises(FrequencyError, match=r"steps seen are 3 months \(4 times\), 1 month \(4 times\)"):
        check_steps(index, "column 'd'")


def test_a_few_long_steps_are_gaps_not_mixing():
    index = pd.PeriodIndex(["2018-01", "2018-02", "2018-05", "2018-06", "2018-07"], freq="M")
    check_steps(index, "column 'd'")  # no error: left to check_regular as missing months


def test_weeks_must_start_on_monday_or_end_on_sunday():
    wednesdays = pd.date_range("2018-04-04", periods=3, freq="7D")
    with pytest.raises(FrequencyError, match=r"must all be Mondays \(week starts\) or all Sundays \(week ends\).*"
                                             r"row 2: 2018-04-04 \(Wednesday\), row 3: 2018-04-11 \(Wednesday\).*"
                                             r"load_calls\(\.\.\., frequency='weekly'\)"):
        check_dates(wednesdays, None, "column 'd'", rows(3))
    sundays = pd.date_range("2018-04-08", periods=2, freq="7D")
    got = check_dates(sundays, None, "column 'd'", rows(2))
    assert [p.start_time.date().isoformat() for p in got] == ["2018-04-02", "2018-04-09"]


def test_quarters_labelled_by_middle_months_are_refused():
    with pytest.raises(FrequencyError, match=r"first or last month of a calendar quarter.*row 2: 2018-02-01"):
        check_dates(dates("2018-02-01", "2018-05-01", "2018-08-01"), None, "column 'd'", rows(3))


def test_yearly_dates_need_annual_asked_for():
    stamps = dates("2018-04-01", "2019-04-01")
    with pytest.raises(FrequencyError, match=r"a year apart.*pass frequency='annual'"):
        check_dates(stamps, None, "column 'd'", rows(2))
    assert list(check_dates(stamps, "annual", "column 'd'", rows(2)).map(period_label)) == ["2018/19", "2019/20"]


def test_single_date_needs_a_frequency():
    with pytest.raises(FrequencyError, match=r"Cannot tell the frequency of column 'd' from one date\. "
                                             r"Pass frequency="):
        check_dates(dates("2018-01-01"), None, "column 'd'", rows(1))
    assert str(check_dates(dates("2018-01-01"), None, "column 'd'", rows(1), months_only=True)[0]) == "2018-01"
