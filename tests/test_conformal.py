"""forcast.evaluation.conformal: error quantiles by hand, the rank mapping of paths, real time (no actual after T),
storage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forcast import forecast
from forcast.evaluation.backtesting import backtest
from forcast.evaluation.conformal import GRID, ErrorQuantiles, _map_year
from forcast.errors import ParameterError
from forcast.models.base import Model
from forcast.data.series import make_series


class LastValue(Model):
    """Exact fake: every path is the last observed value (so every error is known)."""

    name = "last"

    def _fit(self, y, events):
        self.last_ = float(y.iloc[-1])

    def _simulate(self, horizon, n_paths, rng):
        return np.full((n_paths, horizon), self.last_) + rng.normal(0, 1e-6, size=(n_paths, horizon))


def rows(errors, model="m", horizon=1, predicted=100.0):
    """Financial-year rows whose actuals are ``predicted * exp(error)``."""
    e = np.asarray(errors, dtype=float)
    return pd.DataFrame({"model": model, "horizon_year": horizon, "observed_part": 0, "predicted": predicted,
                         "actual": predicted * np.exp(e), "financial_year": "2015/16",
                         "origin": pd.Timestamp("2015-03-31")})


def test_quantiles_are_those_of_the_log_errors():
    errors = np.linspace(-0.2, 0.2, 401)
    eq = ErrorQuantiles.from_frame(rows(errors), min_points=10)
    q = eq.quantile_function("m", 1)
    np.testing.assert_allclose(q, np.quantile(errors, GRID))
    lo, hi = eq.interval("m", 1, 95)
    c = np.log(np.mean(np.exp(q)))  # the shift that keeps the forecast as the mean
    assert lo == pytest.approx(np.exp(np.quantile(errors, 0.025) - c), rel=1e-3)
    assert hi == pytest.approx(np.exp(np.quantile(errors, 0.975) - c), rel=1e-3)
    assert lo < 1 < hi


def test_small_cells_pool_earlier_horizons_and_later_horizons_take_the_last():
    frame = pd.concat([rows(np.linspace(-0.1, 0.1, 50), horizon=1), rows(np.linspace(-0.3, 0.3, 5), horizon=2)])
    eq = ErrorQuantiles.from_frame(frame, min_points=20)
    table = eq.quantiles.set_index("horizon_year")
    assert table.loc[1, "basis"] == "horizon year" and table.loc[2, "basis"] == "horizon years pooled"
    assert table.loc[2, "n"] == 55
    np.testing.assert_array_equal(eq.quantile_function("m", 7), eq.quantile_function("m", 2))
    assert eq.quantile_function("unseen", 1) is None


def test_rows_with_observed_quarters_are_not_learned_from():
    frame = rows(np.zeros(30)).assign(observed_part=2)
    with pytest.raises(ParameterError, match="made at the start of a year"):
        ErrorQuantiles.from_frame(frame)


def test_too_few_errors_are_refused_with_the_count():
    with pytest.raises(ParameterError, match="fewer than 30"):
        ErrorQuantiles.from_frame(rows(np.zeros(5)))


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000))
def test_mapping_keeps_mean_order_and_positivity(seed):
    rng = np.random.default_rng(seed)
    paths = rng.gamma(20.0, 5.0, size=(400, 4))
    q = np.quantile(rng.normal(0, 0.15, 500), GRID)
    out = _map_year(paths, q)
    totals, mapped = paths.sum(axis=1), out.sum(axis=1)
    assert mapped.mean() == pytest.approx(totals.mean(), rel=1e-9)
    assert (np.argsort(totals, kind="stable") == np.argsort(mapped, kind="stable")).all()
    assert (out > 0).all()
    # within a year each path keeps its shape: every period scaled by the same factor
    ratio = out / paths
    np.testing.assert_allclose(ratio, ratio[:, :1] * np.ones((1, 4)))


def test_forecast_totals_follow_the_learned_errors():
    index = pd.period_range("2010Q2", periods=40, freq="Q-DEC")
    y = make_series(np.full(40, 1000.0) + np.tile([0, 50, -20, -30], 10), index, name="flat", measure="demand")
    errors = np.random.default_rng(1).normal(0.0, 0.1, 2000)
    eq = ErrorQuantiles.from_frame(pd.concat([rows(errors, model="last", horizon=h) for h in (1, 2)]))
    fc = forecast(y, models=[LastValue()], until="2021/22", n_paths=4000, seed=3, calibration=eq)
    fy = fc.financial_years().set_index("financial_year")
    for year, h in (("2020/21", 1), ("2021/22", 2)):
        lo, hi = eq.interval("last", h, 95)
        mean = fy.loc[year, "mean"]
        assert mean == pytest.approx(4 * 970.0, rel=1e-6)  # the fake's forecast, kept as the mean
        assert fy.loc[year, "lower_95"] / mean == pytest.approx(lo, rel=0.01)
        assert fy.loc[year, "upper_95"] / mean == pytest.approx(hi, rel=0.01)
    assert eq.note in fc.notes


def _series(tail_value: float) -> pd.Series:
    index = pd.period_range("2006Q2", periods=56, freq="Q-DEC")
    values = 1000.0 + 10 * np.arange(56.0)
    values[index >= pd.Period("2017Q2", "Q-DEC")] = tail_value  # actuals after March 2017 only
    return make_series(values, index, name="s", measure="demand", force="Force A")


def test_errors_learned_for_origin_t_use_no_actual_after_t():
    origins = [f"{y}-03-31" for y in range(2010, 2019)]
    learned = []
    for tail in (1500.0, 9000.0):  # two histories that differ only after 31 March 2017
        bt = backtest(_series(tail), origins=origins, horizon="4y", models=[LastValue()], baselines=False,
                      n_paths=100, seed=1)
        learned.append(ErrorQuantiles.from_backtests([bt], min_points=3, known_by="2017-03-31"))
    a, b = (x.quantiles.drop(columns="n") for x in learned)
    pd.testing.assert_frame_equal(a, b)
    everything = ErrorQuantiles.from_backtests(
        [backtest(_series(9000.0), origins=origins, horizon="4y", models=[LastValue()], baselines=False,
                  n_paths=100, seed=1)], min_points=3)
    assert not everything.quantiles.drop(columns="n").equals(a)  # with later actuals it would differ


def test_json_round_trip_and_refusal():
    eq = ErrorQuantiles.from_frame(rows(np.linspace(-0.1, 0.1, 50)), min_points=10, series=("Kent",),
                                   origins=("2015-03-31",), frequency="quarterly", measure="recorded_crime")
    back = ErrorQuantiles.from_json(eq.to_json())
    pd.testing.assert_frame_equal(back.quantiles, eq.quantiles)
    assert (back.series, back.frequency, back.measure) == (("Kent",), "quarterly", "recorded_crime")
    with pytest.raises(ParameterError, match="Not forcast error quantiles"):
        ErrorQuantiles.from_json('{"format": "forcast-calibration", "version": 3}')
    assert "set by past errors" in eq.note and "Kent" in eq.note


def test_symmetric_and_growth_by_hand():
    e1, e2 = np.linspace(0.0, 0.1, 40), np.linspace(0.0, 0.3, 40)
    frame = pd.concat([rows(e1, horizon=1), rows(e2, horizon=2)])
    sym = ErrorQuantiles.from_frame(frame, symmetric=True)
    np.testing.assert_allclose(sym.quantile_function("m", 1), np.quantile(np.r_[e1, -e1], GRID))
    grown = ErrorQuantiles.from_frame(frame, growth=1.0)
    np.testing.assert_allclose(grown.quantile_function("m", 2), np.quantile(np.r_[2 * e1, e2], GRID))
    np.testing.assert_allclose(grown.quantile_function("m", 1), np.quantile(e1, GRID))
    assert grown.quantiles.set_index("horizon_year").loc[2, "n"] == 80
    back = ErrorQuantiles.from_json(grown.to_json())
    assert (back.growth, back.symmetric) == (1.0, False)


def test_model_floor_keeps_the_wider_side_rank_by_rank_and_the_mean():
    rng = np.random.default_rng(7)
    wide = rng.lognormal(np.log(100.0), 0.30, size=(4000, 4))   # a model that is unsure: totals spread ~±30%
    narrow_q = np.quantile(rng.normal(0, 0.02, 5000), GRID)     # past errors that say ±4% would do
    plain, floored = _map_year(wide, narrow_q), _map_year(wide, narrow_q, model_floor=True)
    totals = {name: p.sum(axis=1) for name, p in (("model", wide), ("plain", plain), ("floored", floored))}
    assert totals["floored"].mean() == pytest.approx(totals["model"].mean(), rel=1e-9)
    q = {name: np.quantile(t, [0.025, 0.975]) for name, t in totals.items()}
    assert q["plain"][1] - q["plain"][0] < 0.2 * (q["model"][1] - q["model"][0])  # no floor: as narrow as the past
    # floored: the model's own spread (rescaled only to keep the mean), never the narrow one
    np.testing.assert_allclose(q["floored"], q["model"], rtol=0.02)
    # errors wider than the model: the floor changes nothing, the past errors set the interval
    wide_q = np.quantile(rng.normal(0, 0.5, 5000), GRID)
    ends = [np.quantile(_map_year(wide, wide_q, model_floor=f).sum(axis=1), [0.025, 0.975]) for f in (True, False)]
    np.testing.assert_allclose(ends[0], ends[1], rtol=0.02)
    eq = ErrorQuantiles.from_frame(rows(np.linspace(-0.1, 0.1, 50)), min_points=10, model_floor=True)
    back = ErrorQuantiles.from_json(eq.to_json())
    assert back.model_floor is True and "never narrower than the model's own spread" in back.note


def test_later_origins_only_takes_shorter_horizons_only_from_origins_the_horizon_has_not_seen():
    def cell(errors, horizon, origin):
        return rows(errors, horizon=horizon).assign(origin=pd.Timestamp(origin))

    old1, old2 = np.linspace(0.0, 0.1, 40), np.linspace(0.0, 0.2, 40)
    new1 = np.linspace(0.2, 0.3, 40)  # a later origin whose two-year outcome is not known yet
    frame = pd.concat([cell(old1, 1, "2015-03-31"), cell(old2, 2, "2015-03-31"), cell(new1, 1, "2016-03-31")])
    gap = ErrorQuantiles.from_frame(frame, growth=1.0, later_origins_only=True)
    np.testing.assert_allclose(gap.quantile_function("m", 2), np.quantile(np.r_[old2, 2 * new1], GRID))
    np.testing.assert_allclose(gap.quantile_function("m", 1), np.quantile(np.r_[old1, new1], GRID))
    pooled = ErrorQuantiles.from_frame(frame, growth=1.0)  # every shorter-horizon error, old ones counted twice
    np.testing.assert_allclose(pooled.quantile_function("m", 2), np.quantile(np.r_[2 * old1, old2, 2 * new1], GRID))
    # once the later origin's two-year outcome is known, horizon 2 is just its own errors
    known = pd.concat([frame, cell(old2, 2, "2016-03-31")])
    np.testing.assert_allclose(ErrorQuantiles.from_frame(known, growth=1.0, later_origins_only=True)
                               .quantile_function("m", 2), np.quantile(np.r_[old2, old2], GRID))
    assert ErrorQuantiles.from_json(gap.to_json()).later_origins_only is True
