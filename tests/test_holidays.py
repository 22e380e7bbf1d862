"""Bank holidays as a regressor event: dates, counts per period, validation, and how models use them."""

from __future__ import annotations

import datetime as dt
import logging

import holidays as holidays_package
import numpy as np
import pandas as pd
import pytest

from forcast.errors import EventError
from forcast.models.events import check_events, extra_regressors, regressor_events
from forcast.data.holidays import COLUMN, BankHolidays
from forcast.data.series import make_series

# GOV.UK, "UK bank holidays", England and Wales, 2022 (an independent list: it includes the Platinum Jubilee,
# the State Funeral and the substitute days for New Year's Day and Christmas Day).
GOV_UK_2022 = ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29",
               "2022-09-19", "2022-12-26", "2022-12-27"]


def test_wales_has_the_same_bank_holidays_as_england():
    years = range(1990, 2036)
    england = holidays_package.country_holidays("GB", subdiv="ENG", years=years)
    wales = holidays_package.country_holidays("GB", subdiv="WLS", years=years)
    assert sorted(england) == sorted(wales)
    scotland = holidays_package.country_holidays("GB", subdiv="SCT", years=years)
    assert sorted(england) != sorted(scotland)  # the check can tell calendars apart


def test_weekday_days_off_are_the_gov_uk_list():
    got = BankHolidays(weekend_dates=False).dates("2022-01-01", "2022-12-31")
    assert [d.strftime("%Y-%m-%d") for d in got["date"]] == GOV_UK_2022
    both = BankHolidays().dates("2022-01-01", "2022-12-31")
    assert {"2022-01-01", "2022-12-25"} <= {d.strftime("%Y-%m-%d") for d in both["date"]}
    assert list(both.columns) == ["date", "name"]


def test_daily_regressor_is_zero_one_and_known_in_the_future():
    index = pd.period_range("2030-04-01", "2031-03-31", freq="D")
    frame = BankHolidays(weekend_dates=False).regressors(index)
    assert list(frame.columns) == [COLUMN] and frame.index.equals(index)
    assert set(frame[COLUMN].unique()) == {0.0, 1.0}
    # a future financial year holds the eight regular bank holidays of England and Wales
    assert frame[COLUMN].sum() == 8
    assert frame.loc[pd.Period("2030-12-25", "D"), COLUMN] == 1.0  # Christmas Day 2030 is a Wednesday


@pytest.mark.parametrize(
    "freq, start, periods, expected",
    [
        # April 2019: Good Friday 19th, Easter Monday 22nd; May: 6th and 27th; none in June-July; August: 26th
        ("M", "2019-04", 5, [2, 2, 0, 0, 1]),
        # weeks (Monday-Sunday) around Christmas 2022: 25 (Sun); 26, 27; 1 Jan 2023 (Sun); 2 Jan (substitute day)
        ("W-SUN", "2022-12-12", 5, [0, 1, 3, 1, 0]),
        # quarters of 2020: New Year; Good Friday, Easter Monday, 8 May (VE day), 25 May; 31 Aug; 25, 26, 28 Dec
        ("Q-DEC", "2020Q1", 4, [1, 4, 1, 3]),
    ],
)
def test_coarser_periods_count_the_holidays_in_them(freq, start, periods, expected):
    index = pd.period_range(start, periods=periods, freq=freq)
    assert BankHolidays().regressors(index)[COLUMN].tolist() == expected


def test_counts_add_up_across_frequencies():
    b = BankHolidays()
    days = b.regressors(pd.period_range("2015-01-01", "2024-12-31", freq="D"))[COLUMN].sum()
    months = b.regressors(pd.period_range("2015-01", "2024-12", freq="M"))[COLUMN].sum()
    years = b.regressors(pd.period_range("2015", "2024", freq="Y-DEC"))[COLUMN].sum()
    assert days == months == years == len(b.dates("2015-01-01", "2024-12-31"))


def test_empty_and_datetime_index():
    b = BankHolidays()
    assert b.regressors(pd.PeriodIndex([], freq="D")).shape == (0, 1)
    frame = b.regressors(pd.DatetimeIndex(["2019-12-25", "2019-12-24"]))
    assert frame[COLUMN].tolist() == [1.0, 0.0]
    with pytest.raises(EventError, match="needs a pandas PeriodIndex"):
        b.regressors([1, 2])


def test_passes_event_checks_and_names_its_column():
    index = pd.period_range("2019-01-01", periods=60, freq="D")
    b = BankHolidays()
    assert check_events([b], index) == (b,)
    assert regressor_events([b]) == [b]
    extra = extra_regressors([b], index)
    assert list(extra.columns) == ["bank holidays: bank_holiday"]
    assert extra.iloc[0, 0] == 1.0  # New Year's Day


def test_bad_calendars_are_refused_when_built():
    with pytest.raises(EventError, match="subdiv='XXX'.*Subdivisions for GB: ENG, NIR, SCT, WLS"):
        BankHolidays(subdiv="XXX")
    with pytest.raises(EventError, match="country='ZZ'"):
        BankHolidays(country="ZZ", subdiv=None)
    with pytest.raises(EventError, match="non-empty text label"):
        BankHolidays(label=" ")
    with pytest.raises(EventError, match="before `start`"):
        BankHolidays().dates("2020-01-02", "2020-01-01")


def test_us_calendar_for_the_stand_ins():
    us = BankHolidays("US holidays", country="US", subdiv="OR")
    got = us.dates("2017-07-01", "2017-07-31")
    assert got["date"].tolist() == [pd.Timestamp("2017-07-04")]


# ---------------------------------------------------------------------------------------------- with models
def holiday_series(effect: float = -40.0, years: int = 3, seed: int = 7) -> pd.Series:
    """Daily calls: level 300, weekly pattern, AR(1) noise, and ``effect`` calls on English bank holidays."""
    rng = np.random.default_rng(seed)
    index = pd.period_range("2015-04-01", periods=int(365.25 * years), freq="D")
    weekly = np.array([10.0, 5.0, 0.0, 0.0, 15.0, 30.0, -20.0])[index.day_of_week]
    noise = np.zeros(len(index))
    shocks = rng.normal(0, 12, len(index))
    for t in range(1, len(index)):
        noise[t] = 0.3 * noise[t - 1] + shocks[t]
    holiday = BankHolidays().regressors(index)[COLUMN].to_numpy()
    values = np.round(300 + weekly + effect * holiday + noise)
    return make_series(values, index, name="synthetic calls", measure="calls_999", source="synthetic (seeded)")


def test_ets_ignores_bank_holidays_and_says_so(caplog):
    from forcast.models.ets import ETS

    y = holiday_series(years=1).iloc[:120]
    with caplog.at_level(logging.INFO, logger="forcast.models"):
        model = ETS(trend="none", seasonal="none", fourier=0).fit(y, events=[BankHolidays()])
    assert any("bank holidays" in n and "ignored" in n for n in model.describe()["notes"])
    assert any("ignores regressor event 'bank holidays'" in r.getMessage() for r in caplog.records)


def _check_holiday_effect(model) -> None:
    reg = model.describe()["regressors"]["bank holidays: bank_holiday"]
    assert reg["coef"] == pytest.approx(-40.0, abs=6.0)
    assert reg["coef"] - 1.96 * reg["se"] < -40.0 < reg["coef"] + 1.96 * reg["se"]
    paths = model.simulate(365, 200, np.random.default_rng(1))
    future = model.future_index(365)
    hol = BankHolidays().regressors(future)[COLUMN].to_numpy() == 1
    assert dt.date(2018, 12, 25) in {p.to_timestamp().date() for p in future[hol]}
    # holidays in the forecast sit about 40 below ordinary days of the same weekday
    dow = np.asarray(future.day_of_week)
    gaps = [paths[:, i].mean() - paths[:, ~hol & (dow == dow[i])].mean() for i in np.flatnonzero(hol)]
    assert np.mean(gaps) == pytest.approx(-40.0, abs=10.0)


def test_arima_estimates_the_bank_holiday_effect():
    from forcast.models.arima import ARIMA

    _check_holiday_effect(ARIMA().fit(holiday_series(effect=-40.0), events=[BankHolidays()]))
