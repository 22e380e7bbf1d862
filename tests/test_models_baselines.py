"""Baselines checked against hand-computed values."""

import numpy as np
import pandas as pd
import pytest

from forcast.models.baselines import Drift, Naive, SeasonalNaive
from forcast.data.series import make_series


def series(values, start="2015Q1"):
    return make_series(values, pd.period_range(start, periods=len(values), freq="Q-DEC"), name="x",
                       measure="recorded_crime")


def test_naive_sigma_and_last_value():
    m = Naive().fit(series([10, 12, 11, 15, 14]))
    assert m.last_ == 14
    assert m.sigma_ == pytest.approx(np.sqrt((4 + 1 + 16 + 1) / 4))


def test_seasonal_naive_repeats_last_season_on_average():
    values = [10, 20, 30, 40, 11, 21, 31, 41, 12, 22, 32, 42]
    m = SeasonalNaive().fit(series(values))
    paths = m.simulate(8, 20000, np.random.default_rng(0))
    np.testing.assert_allclose(paths.mean(axis=0), [12, 22, 32, 42] * 2, atol=0.05)
    assert m.sigma_ == pytest.approx(1.0)  # every seasonal difference is exactly 1
    # errors accumulate once per season: sd at h=5..8 is sqrt(2) x sd at h=1..4
    sd = paths.std(axis=0)
    assert sd[4] / sd[0] == pytest.approx(np.sqrt(2), rel=0.05)


def test_drift_mean_is_the_line_through_first_and_last():
    m = Drift().fit(series([100, 110, 125, 130, 140]))
    assert m.drift_ == pytest.approx(10.0)
    paths = m.simulate(3, 40000, np.random.default_rng(0))
    np.testing.assert_allclose(paths.mean(axis=0), [150, 160, 170], atol=0.2)
    # textbook spread sigma * sqrt(h (1 + h / T)) with T the number of differences
    h = np.arange(1, 4)
    expected = m.sigma_ * np.sqrt(h * (1 + h / 4))
    np.testing.assert_allclose(paths.std(axis=0), expected, rtol=0.03)


def test_baselines_ignore_events():
    from forcast.models.events import LevelShift

    s = series(list(range(100, 120)))
    a = Naive().fit(s).simulate(3, 10, np.random.default_rng(0))
    b = Naive().fit(s, events=[LevelShift("2017Q1", "change")]).simulate(3, 10, np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
