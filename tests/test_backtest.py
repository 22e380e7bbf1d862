"""forcast.backtest: splits never leak, an exact fake model gives hand-computed numbers, events as observable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forcast.evaluation.backtesting import Backtest, RollingOrigin, backtest, observable_events, origin_period
from forcast.errors import ParameterError, SeriesTooShortError
from forcast.models.events import ExcludedPeriod, LevelShift
from forcast.models.base import Model
from forcast.data.series import make_series

from .conftest import seasonal_series

PERIOD_COLUMNS = ["origin", "date", "model", "actual", "mean", "lower_80", "upper_80", "lower_95", "upper_95"]
FY_COLUMNS = ["origin", "financial_year", "horizon_year", "model", "observed_part", "predicted", "lower_80",
              "upper_80", "lower_95", "upper_95", "actual", "error", "pct_error", "inside_80", "inside_95"]


class LastValue(Model):
    """Exact fake: every path is the last observed value, with no spread. Records what it was fitted on."""

    name = "last_value"

    def __init__(self):
        self.seen = []

    def _fit(self, y, events):
        self.seen.append((y.copy(), tuple(events)))
        self.last_ = float(y.iloc[-1])

    def _simulate(self, horizon, n_paths, rng):
        return np.full((n_paths, horizon), self.last_)


def linear(n: int = 28, start: str = "2010Q2") -> pd.Series:
    """Quarterly 100, 101, 102, ... from 2010Q2 (the first quarter of 2010/11); 28 quarters = 7 whole years."""
    index = pd.period_range(start, periods=n, freq="Q-DEC")
    return make_series(100 + np.arange(n), index, name="linear", measure="recorded_crime", force="Testshire")


@pytest.fixture(scope="module")
def exact():
    model = LastValue()
    return model, backtest(linear(), models=[model], baselines=False, n_paths=100)


# ---------------------------------------------------------------------------------------------- splitter
def test_splitter_validates_settings_when_built():
    with pytest.raises(ParameterError) as err:
        RollingOrigin(horizon=0)
    assert str(err.value) == "`horizon` must be an integer greater than 0 or a string like '4y'. Got 0."
    with pytest.raises(ParameterError, match=r"`horizon` must .* Got '4 years'\."):
        RollingOrigin(horizon="4 years")
    with pytest.raises(ParameterError, match=r"`min_history` must be an integer greater than 0 or a string like "
                                             r"'3y'\. Got -1\."):
        RollingOrigin(min_history=-1)
    with pytest.raises(ParameterError, match="An origin must be a date"):
        RollingOrigin(origins=["not a date"])


def test_default_origins_are_financial_year_ends_with_three_years_of_history():
    s = seasonal_series()  # 2006Q2-2018Q4
    origins = RollingOrigin().origins_for(s)
    assert [str(p) for p in origins] == [f"{y}Q1" for y in range(2009, 2019)]
    assert len(s.loc[: origins[0]]) == 12


def test_origin_dates_map_to_the_last_period_ending_on_or_before_them():
    index = pd.period_range("2006Q2", periods=51, freq="Q-DEC")
    assert str(origin_period(index, "2018-09-30")) == "2018Q3"
    assert str(origin_period(index, "2018-08-15")) == "2018Q2"
    assert str(origin_period(index, "2018-09")) == "2018Q3"  # a month means its last day
    assert origin_period(index, "2005-01-01") is None


def test_explicit_origins_are_checked_against_the_series():
    s = seasonal_series()
    with pytest.raises(SeriesTooShortError, match="Origin 31 Mar 2008 leaves 8 periods of history; each origin "
                                                  "needs at least 12"):
        RollingOrigin(origins=["2008-03-31"]).origins_for(s)
    with pytest.raises(ParameterError, match="has no actual after it"):
        RollingOrigin(origins=["2018-12-31"]).origins_for(s)


@st.composite
def split_settings(draw):
    freq, per_year = draw(st.sampled_from([("Q-DEC", 4), ("M", 12)]))
    n = draw(st.integers(3 * per_year + 2, 8 * per_year))
    start = draw(st.integers(0, 11))
    index = pd.period_range(pd.Period("2005-01", "M") + start, periods=n, freq="M").asfreq(freq)
    index = pd.period_range(index[0], periods=n, freq=freq)
    horizon = draw(st.one_of(st.integers(1, 2 * per_year), st.sampled_from(["1y", "2y", "4y"])))
    positions = draw(st.lists(st.integers(3 * per_year - 1, n - 2), min_size=1, max_size=4, unique=True))
    return index, horizon, positions


@given(split_settings())
def test_every_split_trains_up_to_its_origin_and_tests_right_after(settings):
    index, horizon, positions = settings
    s = make_series(np.arange(len(index)) + 1000, index, name="s", measure="demand")
    origins = [index[p].end_time for p in positions]
    splitter = RollingOrigin(origins=origins, horizon=horizon)
    folds = list(splitter.split(s))
    assert len(folds) == len(positions)
    for (train, test), p in zip(folds, sorted(positions)):
        assert train.index[-1] == index[p]  # train ends at the origin
        assert train.equals(s.iloc[: p + 1])  # ... and is everything up to it
        assert test.index[0] == train.index[-1] + 1  # test starts right after the origin
        h = splitter.horizon_for(index[p])
        assert len(test) == min(h, len(s) - p - 1)  # cut only where the data end
        assert (test.index > index[p]).all()  # no actual before the origin is tested


def test_horizon_in_years_runs_to_the_end_of_the_fourth_financial_year():
    splitter = RollingOrigin(horizon="4y")
    assert splitter.horizon_for(pd.Period("2013Q1", "Q-DEC")) == 16  # 2013/14 .. 2016/17
    assert splitter.horizon_for(pd.Period("2013Q3", "Q-DEC")) == 14  # rest of 2013/14 + 3 years
    assert splitter.horizon_for(pd.Period("2013-03", "M")) == 48


# ---------------------------------------------------------------------------------------------- leakage
def test_models_see_only_data_up_to_each_origin(exact):
    model, bt = exact
    assert [str(f.origin) for f in bt.folds] == ["2013Q1", "2014Q1", "2015Q1", "2016Q1"]
    assert len(model.seen) == 4
    s = linear()
    for (seen, _), fold in zip(model.seen, bt.folds):
        assert seen.index[-1] == fold.origin
        assert seen.equals(s.loc[: fold.origin])


def test_changing_values_after_the_origin_changes_nothing_at_that_origin():
    s = seasonal_series()
    changed = s.copy()
    changed.loc["2014Q2":] = changed.loc["2014Q2":] * 3 + 17
    kwargs = dict(origins=["2014-03-31"], models=("naive",), seed=5, n_paths=300)
    a, b = backtest(s, **kwargs), backtest(changed, **kwargs)
    for model in a.models:
        np.testing.assert_array_equal(a.folds[0].paths[model], b.folds[0].paths[model])
    cols = ["mean", "lower_95", "upper_95"]
    pd.testing.assert_frame_equal(a.table()[cols], b.table()[cols])
    assert not a.table()["actual"].equals(b.table()["actual"])


# ---------------------------------------------------------------------------------------------- exact numbers
def test_tables_have_the_fixed_columns(exact):
    _, bt = exact
    assert list(bt.table().columns) == PERIOD_COLUMNS
    assert list(bt.financial_years().columns) == FY_COLUMNS


def test_exact_fake_model_per_period_numbers(exact):
    _, bt = exact
    t = bt.table()
    first = t[t["origin"] == pd.Timestamp("2013-03-31")]
    # origin 2013Q1 is the 12th quarter: last value 111; the next 16 actuals are 112..127
    assert len(first) == 16
    assert (first["mean"] == 111).all() and (first["upper_95"] == 111).all()
    assert list(first["actual"]) == list(range(112, 128))
    last = t[t["origin"] == pd.Timestamp("2016-03-31")]
    assert len(last) == 4 and (last["mean"] == 123).all()  # only 4 actuals follow 2016Q1


def test_exact_fake_model_financial_year_numbers(exact):
    _, bt = exact
    fy = bt.financial_years()
    assert len(fy) == 4 + 3 + 2 + 1  # only financial years complete in the data (to 2016/17)
    row = fy.iloc[0]
    assert (row["financial_year"], row["horizon_year"], row["observed_part"]) == ("2013/14", 1, 0)
    assert row["predicted"] == 4 * 111 and row["actual"] == 112 + 113 + 114 + 115
    assert row["error"] == 10 and row["pct_error"] == pytest.approx(1000 / 454)
    assert not row["inside_95"]
    h4 = fy[(fy["origin"] == pd.Timestamp("2013-03-31")) & (fy["horizon_year"] == 4)].iloc[0]
    assert h4["financial_year"] == "2016/17" and h4["error"] == sum(range(124, 128)) - 444  # 58


def test_mid_year_origin_adds_observed_quarters_to_the_forecast_remainder():
    bt = backtest(linear(), origins=["2013-09-30"], models=[LastValue()], baselines=False, n_paths=100)
    row = bt.financial_years().iloc[0]
    assert (row["financial_year"], row["observed_part"], row["horizon_year"]) == ("2013/14", 2, 1)
    assert row["predicted"] == 112 + 113 + 2 * 113  # 2013Q2, 2013Q3 observed; 2 quarters at the last value
    assert row["actual"] == 112 + 113 + 114 + 115


def test_integer_horizon_evaluates_only_years_fully_inside_it():
    bt = backtest(linear(), origins=["2013-03-31"], horizon=6, models=[LastValue()], baselines=False,
                  n_paths=100)
    assert len(bt.table()) == 6
    assert list(bt.financial_years()["financial_year"]) == ["2013/14"]


def test_baselines_are_added_and_rows_are_reproducible_by_forecasting_the_history():
    from forcast.forecasting.forecast import forecast

    s = seasonal_series()
    bt = backtest(s, origins=["2012-03-31"], models=("naive",), seed=11, n_paths=500)
    assert bt.models == ["naive", "seasonal_naive", "drift"]
    fc = forecast(s.loc[:"2012Q1"], until="2015/16", models=("naive", "seasonal_naive", "drift"), seed=11,
                  n_paths=500, calibration=None)  # a backtest judges the models' own intervals
    np.testing.assert_array_equal(bt.folds[0].paths["drift"], fc.simulated["drift"])


def test_calibration_widens_financial_year_deviations_by_its_factor():
    class Twice:
        note = "widened twice"

        def factors_for(self, model, horizon_years):
            return np.full(len(horizon_years), 2.0), np.full(len(horizon_years), 2.0)

    kwargs = dict(origins=["2012-03-31"], models=("seasonal_naive",), seed=2, n_paths=500, baselines=False)
    s = seasonal_series()
    plain, wide = backtest(s, **kwargs).financial_years(), backtest(s, calibration=Twice(), **kwargs)
    fy = wide.financial_years()
    np.testing.assert_allclose(fy["predicted"], plain["predicted"])
    # widening is relative (log scale) around the mean, so a bound's log-distance from the mean doubles, up to
    # the small constant that keeps the mean
    np.testing.assert_allclose(np.log(fy["upper_95"] / fy["predicted"]),
                               2 * np.log(plain["upper_95"] / plain["predicted"]), rtol=0.05)
    np.testing.assert_allclose(np.log(fy["predicted"] / fy["lower_95"]),
                               2 * np.log(plain["predicted"] / plain["lower_95"]), rtol=0.05)
    assert "widened twice" in wide.folds[0].notes


def test_progress_bar_only_when_asked(capsys):
    backtest(linear(), models=[LastValue()], baselines=False, n_paths=100)
    assert capsys.readouterr().err == ""
    backtest(linear(), models=[LastValue()], baselines=False, n_paths=100, progress=True)
    assert "origin" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- events
def test_events_apply_only_as_far_as_observable_at_each_origin():
    model = LastValue()
    events = [LevelShift("2014-04", "recording change"), ExcludedPeriod("2012-07", "2013-12", "outage")]
    backtest(linear(), models=[model], events=events, baselines=False, n_paths=100)
    applied = {str(seen.index[-1]): ev for seen, ev in model.seen}
    assert [type(e).__name__ for e in applied["2013Q1"]] == ["ExcludedPeriod"]
    assert str(applied["2013Q1"][0].end) == "2013Q1"  # cut at the origin
    assert [type(e).__name__ for e in applied["2015Q1"]] == ["LevelShift", "ExcludedPeriod"]


def test_level_shift_needs_min_after_shift_observed_periods():
    index = pd.period_range("2010Q2", periods=20, freq="Q-DEC")
    shift = LevelShift("2015Q1", "recording change")
    kept, notes = observable_events([shift], index, min_after_shift=1)  # 2015Q1 is the last period
    assert len(kept) == 1 and notes == []
    kept, notes = observable_events([shift], index, min_after_shift=2)
    assert kept == ()
    assert notes == ["level shift 'recording change' at 2015Q1 not applied: only 1 period(s) on the new basis "
                     "observed by 2015Q1, 2 needed"]
    kept, notes = observable_events([LevelShift("2016-01", "later")], index)
    assert kept == () and notes == ["level shift 'later' at 2016Q1 not applied: it starts after the origin"]


def test_a_backtest_knows_its_origins_and_refuses_unknown_ones(exact):
    _, bt = exact
    assert isinstance(bt, Backtest)
    assert bt.training("2014-03-31").index[-1] == pd.Period("2014Q1", "Q-DEC")
    assert bt.path_totals("2015-03-31", "last_value").shape == (100, 2)
    with pytest.raises(ParameterError, match="No origin 31 Mar 2012 in this backtest"):
        bt.paths("2012-03-31", "last_value")


# ---------------------------------------------------------------------------------------------- known events
def test_known_events_apply_at_each_origin_as_far_as_they_were_observable():
    from forcast import datasets

    lancashire = datasets.recorded_crime("Lancashire")
    bt = backtest(lancashire, origins=["2018-12-31", "2019-03-31", "2021-03-31"], horizon=4, models=["naive"],
                  baselines=False, n_paths=100, seed=1)
    applied = {str(f.origin): [(type(e).__name__, str(e.start)) for e in f.events] for f in bt.folds}
    assert applied == {
        "2018Q4": [("LevelShift", "2018Q2")],  # the new system's fall (2019Q1) is not seen yet
        "2019Q1": [("LevelShift", "2018Q2"), ("LevelShift", "2019Q1")],
        "2021Q1": [("LevelShift", "2018Q2"), ("LevelShift", "2019Q1"), ("ExcludedPeriod", "2020Q2")],
    }
    none = backtest(lancashire, origins=["2021-03-31"], horizon=4, models=["naive"], baselines=False, n_paths=100,
                    known_events="none")
    assert none.folds[0].events == ()


# ---------------------------------------------------------------------------------------------- the chart
def test_plot_draws_actuals_and_each_origins_forecast_into_the_given_axes_only(exact):
    from matplotlib.figure import Figure

    _, bt = exact
    fig = Figure(layout="constrained")
    axes = fig.subplots(1, 2)
    axes[1].plot([0, 1], [1, 0])
    fig.suptitle("mine")
    assert bt.plot(ax=axes[0]) is fig
    assert len(axes[1].get_lines()) == 1 and fig.get_suptitle() == "mine" and fig.get_supxlabel() == ""
    fy = bt.financial_years()
    actual = next(line for line in axes[0].get_lines() if line.get_label() == "Actual")
    years = sorted(set(fy["financial_year"]))
    assert list(actual.get_ydata()) == list(fy.drop_duplicates("financial_year").set_index("financial_year")
                                            ["actual"].reindex(years))
    bars = [c for c in axes[0].containers if c.get_label().startswith("From ")]
    assert [c.get_label() for c in bars] == [f"From {o:%b %Y}" for o in bt.origins if o in set(fy["origin"])]
    first = fy[fy["origin"] == bt.origins[0]]
    assert list(bars[0].lines[0].get_ydata()) == list(first["predicted"])  # each origin's mean, year by year
    assert axes[0].get_title() == "Testshire: backtest of financial-year totals, Last value"


def test_plot_of_its_own_and_an_unknown_model(exact):
    _, bt = exact
    fig = bt.plot()
    assert len(fig.axes) == 1 and fig.axes[0].get_legend() is not None
    with pytest.raises(ParameterError, match="No model 'ets' in this backtest. It has: last_value."):
        bt.plot(model="ets")


def test_reprs_are_one_short_line(exact):
    _, bt = exact
    assert repr(bt) == ("<Backtest Testshire recorded_crime, quarterly, 2010Q2–2017Q1 (28 periods); 4 origins "
                        "(Mar 2013–Mar 2016); models: last_value>")
    assert repr(bt.folds[0]) == "<Fold origin 2013Q1: 16 periods (2013Q2–2017Q1); models: last_value; 100 paths each>"
