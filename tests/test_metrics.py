"""forcast.evaluation.metrics: each score against numbers worked out by hand, and evaluate() on an exact fake
backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast.evaluation import metrics
from forcast.evaluation.backtesting import backtest
from forcast.models.base import Model
from forcast.data.series import make_series


class LastValue(Model):
    name = "last_value"

    def _fit(self, y, events):
        self.last_ = float(y.iloc[-1])

    def _simulate(self, horizon, n_paths, rng):
        return np.full((n_paths, horizon), self.last_)


def test_point_scores_by_hand():
    assert metrics.mae([1, 2, 3], [2, 2, 5]) == 1.0
    assert metrics.mape([100, 200], [110, 180]) == pytest.approx(10.0)
    assert metrics.mase([10, 20], [12, 17], 2) == 1.25  # (2/2 + 3/2) / 2
    assert metrics.rmsse([10, 20], [12, 17], 2) == pytest.approx(np.sqrt(1.625))  # sqrt((4/4 + 9/4) / 2)


def test_interval_scores_by_hand():
    assert metrics.coverage([5, 7, 8, 9], [6, 6, 6, 6], [8, 8, 8, 8]) == 0.5  # bounds count as inside
    # level 80: alpha = 0.2, penalty 2/alpha = 10 per unit outside; width 2
    np.testing.assert_allclose(metrics.winkler([5, 7, 10], [6, 6, 6], [8, 8, 8], 80), [12.0, 2.0, 22.0])


def test_crps_by_hand():
    assert metrics.crps_sample([0.0, 1.0], 0.0) == pytest.approx(0.25)  # 1/2 - 1/2 * 1/2
    assert metrics.crps_sample([1.0, 2.0, 3.0], 2.0) == pytest.approx(2 / 9)  # 2/3 - 1/2 * 8/9
    assert metrics.crps_sample([4.0, 4.0, 4.0], 1.0) == pytest.approx(3.0)  # a point mass scores |x - y|
    np.testing.assert_allclose(metrics.crps_sample(np.array([[0.0, 4.0], [1.0, 4.0]]), [0.0, 1.0]), [0.25, 3.0])


def test_crps_matches_the_all_pairs_definition():
    rng = np.random.default_rng(0)
    x, y = rng.gamma(2.0, 3.0, size=(301, 3)), np.array([1.0, 6.0, 30.0])
    brute = [np.mean(np.abs(x[:, j] - y[j])) - 0.5 * np.mean(np.abs(x[:, j][:, None] - x[:, j][None, :]))
             for j in range(3)]
    np.testing.assert_allclose(metrics.crps_sample(x, y), brute, rtol=1e-12)


def test_scales_by_hand():
    y = [1, 2, 3, 5, 4, 6]
    assert metrics.seasonal_scale(y, 2) == pytest.approx(7 / 4)  # |3-1|, |5-2|, |4-3|, |6-5|
    assert metrics.annual_scale(y, 2) == pytest.approx(11 / 3)  # totals 3, 5, 8, 9, 10 -> lag-2 changes 5, 4, 2
    assert np.isnan(metrics.seasonal_scale([1, 2], 4))


@pytest.fixture(scope="module")
def exact_backtest():
    index = pd.period_range("2010Q2", periods=28, freq="Q-DEC")  # 100, 101, ... : 7 whole financial years
    s = make_series(100 + np.arange(28), index, name="linear", measure="recorded_crime", force="Testshire")
    return backtest(s, models=[LastValue()], baselines=False, n_paths=100)


def test_evaluate_financial_years_by_hand(exact_backtest):
    ev = metrics.evaluate(exact_backtest).set_index("horizon_year")
    # origins 2013Q1..2016Q1 are quarters k = 11, 15, 19, 23 with last value 100 + k. The total of year h ahead is
    # 4(100 + k) + (16h - 6), the forecast 4(100 + k): error 16h - 6 (10, 26, 42, 58).
    # Scale: 12-month totals of a line rise by 16 a year, so MASE = (16h - 6) / 16.
    assert list(ev["n"]) == [4, 3, 2, 1]
    for h in (1, 2, 3, 4):
        ks = [11, 15, 19, 23][: 5 - h]
        err = 16 * h - 6
        assert ev.loc[h, "mae"] == pytest.approx(err)
        assert ev.loc[h, "mape"] == pytest.approx(np.mean([100 * err / (4 * (100 + k) + err) for k in ks]))
        assert ev.loc[h, "mase"] == pytest.approx(err / 16)
        assert ev.loc[h, "rmsse"] == pytest.approx(err / 16)
        assert ev.loc[h, "crps"] == pytest.approx(err)  # no spread: CRPS is the absolute error
        assert ev.loc[h, "coverage_95"] == 0.0
        assert ev.loc[h, "winkler_95"] == pytest.approx(40 * err)  # zero width + 2/0.05 * error


def test_evaluate_periods_by_hand(exact_backtest):
    scores = metrics.score_periods(exact_backtest)
    # s steps ahead the error is s; the seasonal naive in-sample error of a line is 4
    np.testing.assert_allclose(scores["abs_error"], scores["horizon"])
    np.testing.assert_allclose(scores["scaled_error"], scores["horizon"] / 4)
    ev = metrics.evaluate_periods(exact_backtest, by=("model",))
    assert ev.loc[0, "n"] == 16 + 12 + 8 + 4
    assert ev.loc[0, "mase"] == pytest.approx(scores["horizon"].mean() / 4)


def test_scores_pool_across_backtests(exact_backtest):
    one = metrics.score_financial_years(exact_backtest)
    pooled = metrics.summarise_scores(pd.concat([one, one.assign(series="copy")]))
    assert list(pooled["n"]) == [8, 6, 4, 2]
    pd.testing.assert_series_equal(pooled["mase"], metrics.evaluate(exact_backtest)["mase"])
