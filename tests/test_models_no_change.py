"""The no-change forms (random walk, same as last year) and when the combination averages them in."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast import forecast
from forcast.models.events import ExcludedPeriod
from forcast.models.no_change import NoChange, SameAsLastYear
from forcast.data.series import make_series


def quarterly(measure="recorded_crime"):
    index = pd.period_range("2012Q2", periods=40, freq="Q-DEC")
    rng = np.random.default_rng(4)
    values = 1000 + np.tile([40.0, 80.0, -30.0, -90.0], 10) + np.cumsum(rng.normal(0, 5, 40))
    return make_series(np.round(values), index, name="q", measure=measure)


def test_no_change_carries_the_last_value_forward():
    y = quarterly()
    paths = NoChange().fit(y).simulate(8, 4000, np.random.default_rng(1))
    np.testing.assert_allclose(paths.mean(axis=0), y.iloc[-1], rtol=0.01)


def test_same_as_last_year_repeats_last_years_quarters():
    y = quarterly()
    paths = SameAsLastYear().fit(y).simulate(8, 4000, np.random.default_rng(1))
    np.testing.assert_allclose(paths.mean(axis=0)[:4], y.iloc[-4:].to_numpy(), rtol=0.01)


def test_same_as_last_year_skips_an_excluded_year():
    y = quarterly().copy()
    y.iloc[-4:] = y.iloc[-4:] // 2  # a lockdown-like last year, declared as excluded
    model = SameAsLastYear().fit(y, events=[ExcludedPeriod(str(y.index[-4]), str(y.index[-1]), "lockdown")])
    mean = model.simulate(4, 4000, np.random.default_rng(1)).mean(axis=0)
    np.testing.assert_allclose(mean, y.iloc[-8:-4].to_numpy(), rtol=0.02)  # the year before it


def test_combination_averages_the_no_change_forms_only_for_quarterly_recorded_crime():
    crime = forecast(quarterly(), until="2023/24", n_paths=400, calibration=None)
    members = crime.describe("combination")["members"]
    assert [m["specification"] for m in members][2:] == ["ARIMA(0,1,0)", "ARIMA(0,0,0)(0,1,0)[4]"]
    assert crime.describe("combination")["weights"] == pytest.approx([0.25] * 4)
    assert crime.model_names == ["combination", "ets", "arima"]  # the no-change forms are not listed apart
    calls = forecast(quarterly("calls_999"), until="2023/24", n_paths=400, calibration=None)
    assert len(calls.describe("combination")["members"]) == 2
