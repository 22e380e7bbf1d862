"""Workload from call-forecast paths: totals, handling hours, FTE, handling-time uncertainty, assumptions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast import datasets
from forcast.data import count_calls
from forcast.errors import ParameterError
from forcast.forecasting.forecast import Forecast
from forcast.data.series import make_series
from forcast.data.workload import HandlingTime, workload

N_PATHS = 400


def fake_forecast(series: pd.Series | None = None, models=("a",), seed=3) -> Forecast:
    """A Forecast with known paths: monthly history to March 2019, then path p is ``1000 + p`` every month."""
    if series is None:
        hist = pd.period_range("2017-04", "2019-03", freq="M")
        series = make_series(np.full(len(hist), 900), hist, name="calls", measure="calls_999", source="test")
    index = pd.period_range(series.index[-1] + 1, periods=24, freq="M", name="period")
    paths = np.repeat(1000.0 + np.arange(N_PATHS)[:, None], 24, axis=1)
    return Forecast(series=series, index=index, until=pd.Period("2021", freq="Y-MAR"), levels=(80, 95),
                    fitted={}, simulated={m: paths.copy() for m in models}, seed=seed, n_paths=N_PATHS)


def _quantiles(x: np.ndarray) -> list[float]:
    return [float(v) for v in np.quantile(x, [0.1, 0.9, 0.025, 0.975])]


def test_fixed_handling_time_scales_the_path_totals():
    w = workload(fake_forecast(), handling_seconds_per_call=360, productive_hours_per_fte=1500)
    assert list(w.table.columns) == ["financial_year", "model", "measure", "mean", "lower_80", "upper_80",
                                     "lower_95", "upper_95"]
    assert w.table[["financial_year", "measure"]].apply(tuple, axis=1).tolist() == [
        ("2019/20", "calls"), ("2019/20", "handling_hours"), ("2019/20", "fte"),
        ("2020/21", "calls"), ("2020/21", "handling_hours"), ("2020/21", "fte")]
    calls = 12 * (1000.0 + np.arange(N_PATHS))  # each path's financial-year total, by construction
    for measure, scale in (("calls", 1.0), ("handling_hours", 0.1), ("fte", 0.1 / 1500)):
        row = w.table[(w.table["financial_year"] == "2019/20") & (w.table["measure"] == measure)].iloc[0]
        assert row["mean"] == pytest.approx(calls.mean() * scale)
        got = [row["lower_80"], row["upper_80"], row["lower_95"], row["upper_95"]]
        assert got == pytest.approx(_quantiles(calls * scale))


def test_uncertain_handling_time_is_simulated_and_widens_intervals():
    fc = fake_forecast(models=("a", "b"))
    fixed = workload(fc, 360, 1500)
    unsure = workload(fc, HandlingTime(360, 36, "test"), 1500)
    pick = lambda w, m: w.table[(w.table["model"] == m) & (w.table["measure"] == "handling_hours")]  # noqa: E731
    f, u = pick(fixed, "a").iloc[0], pick(unsure, "a").iloc[0]
    assert u["mean"] == pytest.approx(f["mean"], rel=0.02)
    assert u["upper_95"] - u["lower_95"] > 1.5 * (f["upper_95"] - f["lower_95"])
    # the same handling-time draws serve every model, and the seed makes them reproducible
    pd.testing.assert_frame_equal(pick(unsure, "a").drop(columns="model").reset_index(drop=True),
                                  pick(unsure, "b").drop(columns="model").reset_index(drop=True))
    again = workload(fc, HandlingTime(360, 36, "test"), 1500)
    pd.testing.assert_frame_equal(unsure.table, again.table)
    assert "simulated" in unsure.assumptions.set_index("input").loc["handling-time uncertainty", "value"]


def test_assumptions_say_what_was_assumed():
    w = workload(fake_forecast(), 300, 1450)
    a = w.assumptions.set_index("input")
    assert list(w.assumptions.columns) == ["input", "value", "status", "source"]
    assert a.loc["productive hours per FTE", "status"] == "assumption"
    assert a.loc["productive hours per FTE", "value"] == "1,450 hours a year"
    assert a.loc["average handling time", "status"] == "assumption"
    assert a.loc["average handling time", "value"].startswith("300 seconds (5.0 minutes)")
    assert "not the staffing needed to meet a service level" in a.loc["what FTE covers", "value"]
    assert w.notes == []
    text = w.summary()
    assert "2019/20:" in text and "FTE" in text and "productive hours per FTE: 1,450" in text


def test_stand_in_series_are_labelled():
    nhs = datasets.calls("nhs_england_999_monthly").loc[:"2020-03"]
    w = workload(fake_forecast(series=nhs), 300, 1500)
    assert any("not UK police 999/101 data" in n for n in w.notes)
    assert "Stand-in" in w.assumptions.set_index("input").loc["data caveat", "value"]
    assert "not UK police 999/101 data" in w.summary()


def test_handling_time_from_an_export():
    rows = [("2019-04-01 08:00", 100), ("2019-04-01 09:00", 300), ("2019-04-02 10:00", 200),
            ("2019-04-03 11:00", 50), ("2019-04-03 12:00", 150), ("2019-04-03 13:00", 400)]
    table = count_calls(pd.DataFrame(rows, columns=["t", "h"]), "t", handling_time_column="h")
    ht = HandlingTime.from_counts(table)
    # 1,200 seconds over 6 calls; per day (calls c, seconds h): (2, 400), (1, 200), (3, 600); all at 200 a call,
    # so the ratio estimator's standard error is 0
    assert ht.seconds == 200 and ht.standard_error == 0 and ht.estimated
    assert "6 calls, 2019-04-01 to 2019-04-03 (3 periods)" in ht.source
    table.loc[1, "handling_seconds"] = 500.0  # day 2 now (1, 500): R = 1500 / 6 = 250
    ht = HandlingTime.from_counts(table)
    resid = np.array([400 - 250 * 2, 500 - 250 * 1, 600 - 250 * 3])
    assert ht.seconds == 250
    assert ht.standard_error == pytest.approx(np.sqrt((resid**2).sum() / (3 * 2)) / 2.0)
    w = workload(fake_forecast(), table, 1500)
    assert w.assumptions.set_index("input").loc["average handling time", "status"] == "estimate from data"
    assert any("estimated from the export" in n for n in w.notes)


def test_bad_inputs_are_refused():
    fc = fake_forecast()
    with pytest.raises(TypeError):
        workload(fc, 300)  # productive hours have no default
    with pytest.raises(ParameterError, match="productive_hours_per_fte must be .* Got 0"):
        workload(fc, 300, 0)
    with pytest.raises(ParameterError, match="handling_seconds_per_call must be seconds per call"):
        workload(fc, "4 minutes", 1500)
    with pytest.raises(ParameterError, match="HandlingTime `seconds` must be a number of seconds above 0"):
        HandlingTime(0)
    with pytest.raises(ParameterError, match=r"models must name models of this forecast \(a\)\. Got \[.zzz.\]"):
        workload(fc, 300, 1500, models=["zzz"])
    table = count_calls(pd.DataFrame({"t": ["2019-04-01 08:00", "2019-04-02 08:00"]}), "t")
    with pytest.raises(ParameterError, match="no handling times"):
        HandlingTime.from_counts(table)


def test_calls_rows_match_the_forecast_financial_years():
    from forcast.forecasting.forecast import forecast

    nhs = datasets.calls("nhs_england_999_monthly")  # ends January 2021: 2020/21 is part observed
    fc = forecast(nhs, until="2022/23", models=("seasonal_naive", "drift"), n_paths=300, seed=5)
    w = workload(fc, 300, 1500)
    calls = w.table[w.table["measure"] == "calls"].drop(columns="measure").reset_index(drop=True)
    fy = fc.financial_years().drop(columns="observed_part")
    fy = fy.sort_values("model", key=lambda c: c.map({"seasonal_naive": 0, "drift": 1}), kind="stable")
    pd.testing.assert_frame_equal(calls, fy.reset_index(drop=True), check_dtype=False)
