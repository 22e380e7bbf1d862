"""forcast.forecasting.intervals: the one rule that chooses a forecast's intervals, and what its note says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast.forecasting import intervals
from forcast.evaluation.conformal import ErrorQuantiles
from forcast.errors import ParameterError
from forcast.data.series import make_series


def _series(freq: str, measure: str, n: int = 60) -> pd.Series:
    index = pd.period_range("2015-04", periods=n, freq=freq)
    return make_series(np.arange(n, dtype=float) + 100.0, index, name=measure, measure=measure)


def _errors(frequency="quarterly", measure="recorded_crime") -> ErrorQuantiles:
    rows = pd.DataFrame({"model": "combination", "horizon_year": 1, "observed_part": 0, "predicted": 100.0,
                         "actual": 100.0 * np.exp(np.linspace(-0.1, 0.1, 40)), "financial_year": "2015/16",
                         "origin": pd.Timestamp("2015-03-31")})
    return ErrorQuantiles.from_frame(rows, frequency=frequency, measure=measure, series=("Kent",))


def test_default_error_quantiles_carry_over_to_a_monthly_series_of_the_same_measure_and_say_so(monkeypatch):
    eq = _errors()
    monkeypatch.setattr(intervals, "default_method", lambda: eq)
    method, note = intervals.resolve("default", _series("M", "recorded_crime"))
    assert method is eq
    assert "learned on quarterly series and are applied to this monthly series' financial-year totals" in note
    method, note = intervals.resolve("default", _series("Q-DEC", "recorded_crime", 30))
    assert method is eq and "applied to this" not in note  # learned on quarterly: nothing to say


def test_another_measure_keeps_model_intervals_and_a_call_series_is_told_how_such_intervals_covered(monkeypatch):
    monkeypatch.setattr(intervals, "default_method", lambda: _errors())
    held = {"basis": "monthly totals", "sets": [
        {"set": "a", "label": "Town A calls, daily", "n": 35, "coverage_80": 97.0, "coverage_95": 100.0,
         "width_95": 82.2, "winkler_95": 82.2, "seasonal_naive_winkler_95": 146.1},
        {"set": "b", "label": "Region B calls, monthly", "n": 24, "coverage_80": 45.8, "coverage_95": 54.2,
         "width_95": 29.2, "winkler_95": 168.7, "seasonal_naive_winkler_95": 177.9}]}
    monkeypatch.setattr(intervals, "_calls_evaluation", lambda: held)
    method, note = intervals.resolve("default", _series("M", "calls_999"))
    assert method is None and note.startswith(intervals.MODEL_BASED)
    assert "learned on quarterly recorded crime series, not on monthly calls 999" in note
    assert ("held 100% (Town A calls, daily; 82% of the month wide: too wide) and 54% (Region B calls, monthly; "
            "29% of the month wide: too narrow) of actual monthly totals at 95%") in note
    method, note = intervals.resolve("default", _series("M", "demand"))
    assert method is None and "held" not in note  # not a call series: no call figures quoted


def test_the_shipped_call_figures_are_read_when_present():
    held = intervals._calls_evaluation()
    if held is None:
        pytest.skip("no calls_interval_evaluation.json shipped in this copy")
    assert held["basis"] and all(0 <= s["coverage_95"] <= 100 and s["n"] > 0 for s in held["sets"])


def test_none_and_bad_values():
    assert intervals.resolve(None, _series("M", "demand"))[0] is None
    with pytest.raises(ParameterError, match="calibration"):
        intervals.resolve(3.5, _series("M", "demand"))
