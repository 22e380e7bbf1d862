import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from forcast.forecasting import fiscal
from forcast.errors import FinancialYearError

dates = st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2060-12-31").date())


@given(dates)
def test_financial_year_runs_april_to_march(d):
    fy = fiscal.financial_year(d)
    start = fy.start_time.date()
    assert start.month == 4 and start.day == 1
    assert fy.start_time.date() <= d <= fy.end_time.date()
    first = d.year if d.month >= 4 else d.year - 1
    assert fiscal.label(fy) == f"{first}/{(first + 1) % 100:02d}"


@given(st.integers(1990, 2060))
def test_label_and_parse_round_trip(end_year):
    fy = pd.Period(str(end_year), freq="Y-MAR")
    assert fiscal.parse_financial_year(fiscal.label(fy)) == fy


@pytest.mark.parametrize("text", ["2022/23", "2022-23", "2022/2023", " 2022 / 23 ", "2022–23"])
def test_parse_accepts_common_spellings(text):
    assert fiscal.parse_financial_year(text) == pd.Period("2023", freq="Y-MAR")


def test_parse_century_boundary():
    assert fiscal.label(fiscal.parse_financial_year("1999/00")) == "1999/00"
    assert fiscal.parse_financial_year("1999/00").year == 2000


def test_bare_year_is_refused_with_both_readings():
    with pytest.raises(FinancialYearError, match=r"Got '2023'\. A bare year is ambiguous: write '2022/23' or "
                                                 r"'2023/24'\."):
        fiscal.parse_financial_year("2023")


def test_non_consecutive_years_are_refused():
    with pytest.raises(FinancialYearError, match=r"Got '2022/24' \(2022 to 2024\)"):
        fiscal.parse_financial_year("2022/24")


def test_label_of_quarters():
    assert fiscal.financial_year_label(pd.Period("2018Q1", "Q-DEC")) == "2017/18"
    assert fiscal.financial_year_label(pd.Period("2018Q2", "Q-DEC")) == "2018/19"


@given(st.sampled_from(["D", "W-SUN", "M", "Q-DEC"]), dates, st.integers(1, 400))
def test_weights_preserve_totals(freq, start, n):
    index = pd.period_range(pd.Timestamp(start), periods=n, freq=freq)
    for grouping in ("financial_year", "calendar_year", "month"):
        w = fiscal.group_weights(index, grouping)
        np.testing.assert_allclose(w.to_numpy().sum(axis=1), 1.0)
        assert (w.to_numpy() >= 0).all()


def test_week_straddling_march_is_split_by_days():
    weeks = pd.period_range("2018-03-26", periods=1, freq="W-SUN")  # Mon 26 Mar – Sun 1 Apr 2018
    w = fiscal.group_weights(weeks, "financial_year")
    assert list(w.columns.map(fiscal.label)) == ["2017/18", "2018/19"]
    np.testing.assert_allclose(w.to_numpy(), [[6 / 7, 1 / 7]])


def test_coverage_of_partial_and_complete_years():
    q = pd.period_range("2017Q4", "2019Q1", freq="Q-DEC")
    cov = fiscal.group_coverage(q, "financial_year")
    assert cov[pd.Period("2019", "Y-MAR")] == pytest.approx(1.0)
    assert cov[pd.Period("2018", "Y-MAR")] == pytest.approx(182 / 365)


def test_periods_in_group():
    q = pd.period_range("2018Q2", "2018Q4", freq="Q-DEC")
    assert fiscal.periods_in_group(q, pd.Period("2019", "Y-MAR")) == 3


def test_rolling_windows_of_quarters_end_on_quarter_ends():
    q = pd.period_range("2017Q1", "2018Q4", freq="Q-DEC")
    w = fiscal.rolling_12_month_weights(q)
    assert [str(c) for c in w.columns] == ["2017-12", "2018-03", "2018-06", "2018-09", "2018-12"]
    assert (w.sum(axis=0) == 4).all()
