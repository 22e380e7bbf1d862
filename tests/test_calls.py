"""Call demand: counting a hand-built call-level export, 999/101 split, stand-in labels, forecast_calls, wording."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast import datasets
from forcast.data.calls import forecast_calls, load_call_types, stand_in_holidays, stand_in_note, trim_history
from forcast.data import count_calls, load_calls
from forcast.errors import MissingPeriodError, ParameterError, UnknownDatasetError
from forcast.models.events import LevelShift
from forcast.data.holidays import BankHolidays
from forcast.data.series import make_series
from forcast.reporting.wording import describe_change, plural_verbs, year_on_year

# 30 calls over 1-5 April 2019; no call at all on Wednesday 3 April. Every third call (rows 0, 3, 6, ...) is a 999
# call, the rest 101. Handling time of call n is 60 + 10 n seconds, written as h:mm:ss for the 999 calls.
TIMES = {
    "2019-04-01": ["00:05", "08:10", "09:30", "12:00", "13:15", "18:40", "23:59"],
    "2019-04-02": ["01:00", "07:45", "10:10", "11:11", "15:30", "16:00", "19:20", "22:00"],
    "2019-04-04": ["02:30", "06:00", "09:00", "12:30", "14:45", "17:00", "20:10"],
    "2019-04-05": ["00:00", "03:33", "08:08", "10:30", "13:00", "16:45", "18:00", "21:15"],
}


def _hms(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> str:
    rows, n = [], 0
    for day, times in TIMES.items():
        for t in times:
            kind = "999" if n % 3 == 0 else "101"
            seconds = 60 + 10 * n
            rows.append({"Call time": f"{day} {t}", "Type": kind,
                         "Handling": _hms(seconds) if kind == "999" else str(seconds)})
            n += 1
    assert n == 30
    path = tmp_path_factory.mktemp("export") / "calls.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


# ---------------------------------------------------------------------------------------------- loading
def test_a_day_without_calls_is_a_gap_naming_the_day(export):
    with pytest.raises(MissingPeriodError, match=r"1 day .* no calls at all: 2019-04-03\..*allow_empty_periods=True"):
        count_calls(export, "Call time")


def test_allow_empty_periods_counts_the_day_as_zero(export):
    table = count_calls(export, "Call time", allow_empty_periods=True, handling_time_column="Handling")
    assert list(table.columns) == ["period", "calls", "handling_seconds"]
    assert [str(p) for p in table["period"]] == ["2019-04-01", "2019-04-02", "2019-04-03", "2019-04-04",
                                                 "2019-04-05"]
    assert table["calls"].tolist() == [7, 8, 0, 7, 8]
    # call n takes 60 + 10 n seconds: day 1 holds n = 0..6, day 2 n = 7..14, day 4 n = 15..21, day 5 n = 22..29
    expected = [sum(60 + 10 * n for n in rng) for rng in (range(0, 7), range(7, 15), (), range(15, 22),
                                                          range(22, 30))]
    assert table["handling_seconds"].tolist() == expected


def test_999_and_101_split(export):
    series = load_call_types(export, "Call time", "Type", allow_empty_periods=True)
    assert list(series) == ["999", "101"]
    s999, s101 = series["999"], series["101"]
    assert s999.attrs["measure"] == "calls_999" and s101.attrs["measure"] == "calls_101"
    # 999 calls are n = 0, 3, ..., 27: day 1 (n 0-6) holds 0, 3, 6; day 2 (7-14) 9, 12; day 4 (15-21) 15, 18, 21;
    # day 5 (22-29) 24, 27
    assert s999.tolist() == [3, 2, 0, 3, 2]
    assert (s999 + s101).tolist() == [7, 8, 0, 7, 8]
    assert s999.index.equals(s101.index)


def test_each_type_is_checked_for_gaps(export):
    with pytest.raises(MissingPeriodError, match="2019-04-03"):
        load_call_types(export, "Call time", "Type", types="999")


def test_load_calls_measure_from_call_type(export):
    s = load_calls(export, "Call time", call_type_column="Type", call_type="101", allow_empty_periods=True)
    assert s.attrs["measure"] == "calls_101" and s.attrs["unit"] == "calls"
    assert s.tolist() == [4, 6, 0, 4, 6]


def test_load_call_types_needs_types(export):
    with pytest.raises(ParameterError, match="at least one call type"):
        load_call_types(export, "Call time", "Type", types=[])


# ---------------------------------------------------------------------------------------------- stand-ins
@pytest.mark.parametrize("name", list(datasets.CALL_SERIES))
def test_every_stand_in_series_says_so(name):
    note = stand_in_note(datasets.calls(name))
    assert note is not None and note.startswith("Stand-in") and "not UK police 999/101 data" in note
    assert isinstance(stand_in_holidays(name), BankHolidays)


def test_users_own_series_is_not_a_stand_in():
    s = make_series([1, 2, 3], pd.period_range("2019-01-01", periods=3, freq="D"), name="x", measure="calls_999")
    assert stand_in_note(s) is None


def test_stand_in_holidays_unknown_name():
    with pytest.raises(UnknownDatasetError, match="No stand-in call series is called 'nope'"):
        stand_in_holidays("nope")


# ---------------------------------------------------------------------------------------------- forecasting
@pytest.fixture(scope="module")
def denver():
    return datasets.calls("denver_daily")


def test_trim_history_keeps_whole_years(denver):
    trimmed = trim_history(denver, 3)
    assert str(trimmed.index[0]) == "2015-04-01" and trimmed.index[-1] == denver.index[-1]
    assert trimmed.attrs["caveat"] == denver.attrs["caveat"]
    assert trim_history(denver, None) is denver
    with pytest.raises(ParameterError, match="`history_years` must be a number of years above 0"):
        trim_history(denver, 0)


def test_forecast_calls_trims_adds_holidays_and_notes_the_stand_in(denver):
    fc = forecast_calls(denver, "2019/20", history_years=2, models=("seasonal_naive",), n_paths=200, seed=1,
                        events=[LevelShift("2012-06-01", "old break")])
    assert str(fc.series.index[0]) == "2016-04-01"
    assert [type(e) for e in fc.events] == [BankHolidays]  # the 2012 shift is before the kept history
    text = fc.summary()
    assert "Stand-in: Denver" in text and "not UK police 999/101 data" in text
    assert "history trimmed to the last 2 years" in text and "'old break'" in text
    assert "bank holidays (GB-ENG) declared as a regressor event" in text
    assert list(fc.financial_years()["financial_year"]) == ["2018/19", "2019/20"]


def test_forecast_calls_holiday_options(denver):
    short = denver.iloc[-400:]
    us = stand_in_holidays("denver_daily")
    fc = forecast_calls(short, "2018/19", holidays=us, models=("naive",), n_paths=100, seed=1)
    assert fc.events == (us,)
    fc = forecast_calls(short, "2018/19", holidays=None, models=("naive",), n_paths=100, seed=1)
    assert fc.events == ()
    with pytest.raises(ParameterError, match="`holidays` must be 'auto'"):
        forecast_calls(short, "2018/19", holidays="England", models=("naive",))


def test_forecast_calls_adds_no_holidays_to_monthly_series():
    nhs = datasets.calls("nhs_england_999_monthly")
    fc = forecast_calls(nhs, "2021/22", models=("seasonal_naive",), n_paths=100, seed=1)
    assert fc.events == ()
    assert "England ambulance 999 calls answered" in fc.summary()


def test_forecast_calls_default_models_estimate_the_holiday_effect(denver):
    fc = forecast_calls(denver, "2018/19", history_years=1, holidays=stand_in_holidays("denver_daily"),
                        n_paths=200, seed=1)
    assert [type(e).__name__ for e in fc.events] == ["BankHolidays"]
    assert {"ets", "arima"} <= set(fc.model_names)
    assert "US holidays (Colorado): bank_holiday" in fc.describe("arima")["regressors"]


# ---------------------------------------------------------------------------------------------- wording
def _fy(values, start=2019):
    years = [f"{start + i}/{(start + i + 1) % 100:02d}" for i in range(len(values))]
    return pd.DataFrame({"financial_year": years, "model": "m", "mean": values})


@pytest.mark.parametrize(
    "values, kwargs, expected",
    [
        # 3% a year compounded, exactly
        ([100.0, 97.0, 94.09, 91.2673], {}, "falls about 3% a year to 2022/23"),
        # +4%, then -3%, -3%, -3%
        ([100.0, 104.0, 100.88, 97.8536, 94.917992], {},
         "rises about 4% in 2020/21, then falls about 3% a year to 2023/24"),
        # -2%, -5.1%, -1.1%: unlike rates
        ([100.0, 98.0, 93.0, 92.0], {}, "falls each year until 2022/23 (by 1.1% to 5% a year)"),
        # -2%, -5.1%, then +10%
        ([100.0, 98.0, 93.0, 102.3], {},
         "falls each year until 2021/22 (by 2% to 5% a year), then rises about 10% in 2022/23"),
        ([100.0, 100.2, 99.9], {}, "stays about level to 2021/22"),
        ([103.0], {"last_actual": 100.0}, "rises about 3% in 2019/20"),
        ([100.0, 99.3, 98.6], {}, "falls about 0.7% a year to 2021/22"),
    ],
)
def test_describe_change(values, kwargs, expected):
    assert describe_change(_fy(values), **kwargs) == expected


def test_describe_change_plural_and_table():
    text = describe_change(_fy([100.0, 104.0, 100.88]))
    assert plural_verbs(text) == "rise about 4% in 2020/21, then fall about 3% in 2021/22"
    yoy = year_on_year(_fy([100.0, 110.0]), last_actual=80.0)
    assert yoy["pct_change"].round(6).tolist() == [25.0, 10.0]


def test_describe_change_refuses_what_it_cannot_describe():
    with pytest.raises(ParameterError, match="at least two financial years"):
        describe_change(_fy([100.0]))
    two = pd.concat([_fy([1.0, 2.0]), _fy([1.0, 2.0]).assign(model="n")])
    with pytest.raises(ParameterError, match="one model at a time; the table holds m, n"):
        describe_change(two)
    with pytest.raises(ParameterError, match="positive totals"):
        describe_change(_fy([100.0, 0.0]))
    with pytest.raises(ParameterError, match="columns 'financial_year' and 'mean'"):
        describe_change(pd.DataFrame({"year": [1, 2]}))
    assert np.isnan(year_on_year(_fy([1.0, 2.0]))["pct_change"].iloc[0])
