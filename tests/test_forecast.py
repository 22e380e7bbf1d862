"""forcast.forecast: schema, financial years from paths, and an analytic check of the total's interval."""

import numpy as np
import pandas as pd
import pytest

from forcast.errors import FinancialYearError, ParameterError, UnknownModelError
from forcast.forecasting.forecast import forecast, horizon_until
from forcast.models.baselines import Naive
from forcast.data.series import make_series

from .conftest import seasonal_series

PERIOD_COLUMNS = ["date", "model", "mean", "lower_80", "upper_80", "lower_95", "upper_95"]
FY_COLUMNS = ["financial_year", "model", "observed_part", "mean", "lower_80", "upper_80", "lower_95", "upper_95"]


@pytest.fixture(scope="module")
def baseline_forecast():
    return forecast(seasonal_series(), until="2022/23", models=("seasonal_naive", "drift"), seed=3, n_paths=2000)


def test_period_table_schema_and_dates(baseline_forecast):
    t = baseline_forecast.table()
    assert list(t.columns) == PERIOD_COLUMNS
    dates = t[t["model"] == "drift"]["date"]
    assert dates.iloc[0] == pd.Period("2019Q1", "Q-DEC") and dates.iloc[-1] == pd.Period("2023Q1", "Q-DEC")


def test_financial_year_rows_and_observed_part(baseline_forecast):
    fy = baseline_forecast.financial_years()
    assert list(fy.columns) == FY_COLUMNS
    rows = fy[fy["model"] == "drift"]
    assert list(rows["financial_year"]) == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    assert list(rows["observed_part"]) == [3, 0, 0, 0, 0]
    cols = ["lower_95", "lower_80", "mean", "upper_80", "upper_95"]
    assert (np.diff(fy[cols].to_numpy(), axis=1) >= 0).all()


def test_mid_year_total_is_observed_plus_simulated_remainder(baseline_forecast):
    s = baseline_forecast.series
    observed = s.loc["2018Q2":"2018Q4"].sum()
    remainder = baseline_forecast.paths("drift").iloc[:, 0].mean()
    fy = baseline_forecast.financial_years()
    row = fy[(fy["model"] == "drift") & (fy["financial_year"] == "2018/19")].iloc[0]
    assert row["mean"] == pytest.approx(observed + remainder)


def test_same_seed_same_numbers_and_models_independent():
    s = seasonal_series()
    a = forecast(s, models=("drift",), seed=7, n_paths=500).table()
    b = forecast(s, models=("drift", "naive"), seed=7, n_paths=500).table()
    pd.testing.assert_frame_equal(a, b[b["model"] == "drift"].reset_index(drop=True))


def test_total_interval_matches_random_walk_analytics_and_is_narrower_than_summed_bounds():
    # a random walk observed to March 2018: the 2018/19 total of 4 quarters is
    # 4*y_T + 4e1 + 3e2 + 2e3 + e4, so its sd is sigma * sqrt(16 + 9 + 4 + 1) = sigma * sqrt(30)
    rng = np.random.default_rng(11)
    values = 20000 + np.cumsum(rng.normal(0, 500, 48))
    s = make_series(np.round(values), pd.period_range("2006Q2", periods=48, freq="Q-DEC"), name="rw",
                    measure="recorded_crime")
    fc = forecast(s, until="2018/19", models=(Naive(),), seed=5, n_paths=200_000, calibration=None)
    sigma = fc.fitted["naive"].sigma_
    row = fc.financial_years().iloc[0]
    assert row["financial_year"] == "2018/19" and row["observed_part"] == 0
    z95 = 1.959964
    assert row["mean"] == pytest.approx(4 * s.iloc[-1], rel=1e-3)
    assert row["upper_95"] - row["mean"] == pytest.approx(z95 * sigma * np.sqrt(30), rel=0.02)
    per_period = fc.table()
    summed = (per_period["upper_95"] - per_period["lower_95"]).sum()
    from_paths = row["upper_95"] - row["lower_95"]
    assert summed == pytest.approx(2 * z95 * sigma * (1 + np.sqrt(2) + np.sqrt(3) + 2), rel=0.02)
    assert from_paths < 0.95 * summed


def test_until_must_be_after_the_data():
    with pytest.raises(FinancialYearError, match=r"ends after the last observation \(2018Q4\)\. Got 2017/18"):
        forecast(seasonal_series(), until="2017/18", models=("naive",))


def test_horizon_until_counts_periods():
    assert horizon_until(pd.Period("2018Q4", "Q-DEC"), "2022/23")[1] == 17
    assert horizon_until(pd.Period("2018-03", "M"), "2018/19")[1] == 12


def test_unknown_model_is_named_before_fitting():
    with pytest.raises(UnknownModelError, match=r"Unknown model 'prophet'\. Choose from: ets, arima"):
        forecast(seasonal_series(), models=("prophet",))


def test_n_paths_must_be_enough():
    with pytest.raises(ParameterError, match=r"`n_paths` must be an integer of at least 100\. Got 10"):
        forecast(seasonal_series(), models=("naive",), n_paths=10)


def test_calendar_and_rolling_totals(baseline_forecast):
    cy = baseline_forecast.calendar_years()
    assert list(cy.columns[:3]) == ["calendar_year", "model", "observed_part"]
    assert cy[cy["model"] == "drift"]["calendar_year"].tolist() == ["2019", "2020", "2021", "2022"]
    r12 = baseline_forecast.rolling_12_months()
    assert r12["window_end"].iloc[0] == "2019-03"


def test_plot_returns_a_figure_and_draws_into_given_axes(baseline_forecast):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    out = baseline_forecast.plot(ax=ax)
    assert out is fig
    assert len(ax.collections) >= 2  # 80% and 95% bands
    plt.close(fig)


def test_progress_bar_only_when_asked(capsys):
    quiet = forecast(seasonal_series(), models=("naive", "drift"), n_paths=100, seed=1)
    assert capsys.readouterr().err == ""
    shown = forecast(seasonal_series(), models=("naive", "drift"), n_paths=100, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "forecast Testshire" in err and "3/3" in err  # two models fitted, then the paths simulated
    assert shown.financial_years().equals(quiet.financial_years())  # the bar changes nothing else


def test_summary_states_the_numbers(baseline_forecast):
    text = baseline_forecast.summary("drift")
    fy = baseline_forecast.financial_years()
    first = fy[fy["model"] == "drift"].iloc[0]
    assert f"{first['mean']:,.0f}" in text and "2018/19" in text and "3 periods already observed" in text


# ---------------------------------------------------------------------------------------------- horizon
def test_until_defaults_to_the_fourth_financial_year_after_the_last_complete_one():
    # data to December 2018: 2017/18 is the last complete year, so 2021/22 (2018/19 is partly observed)
    partial = forecast(seasonal_series(), models=("naive",), n_paths=100, seed=1)
    assert partial.until == pd.Period("2022", "Y-MAR") and str(partial.index[-1]) == "2022Q1"
    assert partial.financial_years()["financial_year"].tolist() == ["2018/19", "2019/20", "2020/21", "2021/22"]
    # data to March 2019: 2018/19 is complete, so four whole years, 2019/20-2022/23
    complete = forecast(seasonal_series(n=52), models=("naive",), n_paths=100, seed=1)
    assert complete.financial_years()["financial_year"].tolist() == ["2019/20", "2020/21", "2021/22", "2022/23"]


@pytest.mark.parametrize("h, last_period, years", [
    (8, "2020Q4", ["2018/19", "2019/20"]),  # 8 quarters after 2018Q4; 2020/21 is not complete, so not shown
    ("4y", "2022Q1", ["2018/19", "2019/20", "2020/21", "2021/22"]),  # as the default
    ("2 years", "2020Q1", ["2018/19", "2019/20"]),
])
def test_h_in_periods_or_financial_years(h, last_period, years):
    fc = forecast(seasonal_series(), models=("naive",), n_paths=100, seed=1, h=h)
    assert str(fc.index[-1]) == last_period
    assert fc.financial_years()["financial_year"].tolist() == years


def test_until_and_h_together_or_a_bad_h_are_refused():
    with pytest.raises(ParameterError, match=r"Give `until` or `h`, not both\. Got until='2022/23' and h=8\."):
        forecast(seasonal_series(), until="2022/23", h=8, models=("naive",))
    for bad in (0, -4, "4q", 2.5, True):
        with pytest.raises(ParameterError, match=r"`h` must be a positive whole number of periods"):
            forecast(seasonal_series(), h=bad, models=("naive",))


# ---------------------------------------------------------------------------------------------- known events
@pytest.fixture(scope="module")
def lancashire():
    from forcast import datasets

    return datasets.recorded_crime("Lancashire")


def _keys(fc):
    return [k.key for k in fc.known_events]


def test_known_events_of_an_embedded_series_are_declared_and_noted(lancashire):
    fc = forecast(lancashire, models=("naive",), n_paths=100, seed=1)
    assert _keys(fc) == ["lancashire_cdi_2018", "lancashire_system_2018", "covid_19"]
    kinds = [(type(e).__name__, str(e.start)) for e in fc.events]
    assert kinds == [("LevelShift", "2018Q2"), ("LevelShift", "2019Q1"), ("ExcludedPeriod", "2020Q2")]
    assert any(n.startswith("Known breaks declared from the embedded data") and "key 'covid_19'" in n
               for n in fc.notes)
    assert fc.financial_years()["financial_year"].iloc[-1] == "2026/27"  # data to March 2023


def test_known_events_none_a_list_of_keys_or_a_bad_key(lancashire):
    none = forecast(lancashire, models=("naive",), n_paths=100, known_events="none")
    assert none.events == () and none.known_events == ()
    assert not any(n.startswith("Known breaks") for n in none.notes)
    only = forecast(lancashire, models=("naive",), n_paths=100, known_events=["covid_19"])
    assert _keys(only) == ["covid_19"] and [type(e).__name__ for e in only.events] == ["ExcludedPeriod"]
    with pytest.raises(ParameterError, match=r"names 'gmp_it_2019', which this series does not carry\. Its known "
                                             r"events: lancashire_cdi_2018, lancashire_system_2018, covid_19"):
        forecast(lancashire, models=("naive",), n_paths=100, known_events=["gmp_it_2019"])


def test_own_level_shift_at_a_known_date_replaces_the_known_one(lancashire):
    from forcast.models.events import LevelShift, to_period

    mine = LevelShift("2018-04", "our recording change")
    fc = forecast(lancashire, models=("naive",), n_paths=100, events=[mine])
    april_2018 = [e for e in fc.events if isinstance(e, LevelShift)
                  and to_period(e.start, "Q-DEC") == pd.Period("2018Q2", "Q-DEC")]
    assert april_2018 == [mine]  # no duplicate, and the caller's label
    assert _keys(fc) == ["lancashire_system_2018", "covid_19"]


def test_repr_and_summary_say_how_the_intervals_were_made():
    s = make_series(np.arange(40.0) + 100, pd.period_range("2010Q2", periods=40, freq="Q-DEC"), name="s",
                    measure="demand")
    fc = forecast(s, until="2021/22", models=("naive",), n_paths=200, calibration=None)
    assert repr(fc).endswith("; intervals model-based>")
    assert "intervals model-based" in fc.summary().splitlines()[0]
    assert any(n.startswith("Intervals are model-based") for n in fc.notes)
