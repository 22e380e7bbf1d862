import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from forcast.forecasting import paths as P
from forcast.errors import ParameterError

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@given(arrays(float, st.tuples(st.integers(2, 300), st.integers(1, 6)), elements=finite))
def test_intervals_are_nested(x):
    s = P.summarise(x, (50, 80, 95))
    tol = 1e-6 * (1 + np.abs(x).max())
    assert (s["lower_95"] <= s["lower_80"] + tol).all()
    assert (s["lower_80"] <= s["lower_50"] + tol).all()
    assert (s["upper_50"] <= s["upper_80"] + tol).all()
    assert (s["upper_80"] <= s["upper_95"] + tol).all()


def test_columns_are_fixed_and_ordered():
    x = np.random.default_rng(0).normal(size=(100, 3))
    assert list(P.summarise(x, (95, 80)).columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]


def test_quantiles_of_a_known_distribution():
    x = np.random.default_rng(1).normal(10, 2, size=(200_000, 1))
    s = P.summarise(x).iloc[0]
    assert s["mean"] == pytest.approx(10, abs=0.02)
    assert s["lower_95"] == pytest.approx(10 - 1.95996 * 2, abs=0.03)
    assert s["upper_80"] == pytest.approx(10 + 1.28155 * 2, abs=0.03)


@pytest.mark.parametrize("levels,match", [
    ((0.8, 0.95), r"Levels are percentages: write 95, not 0.95"),
    ((80, 100), r"from 1 up to \(not including\) 100"),
    (("high",), r"must be percentages"),
])
def test_bad_levels(levels, match):
    with pytest.raises(ParameterError, match=match):
        P.check_levels(levels)


@given(arrays(float, st.tuples(st.integers(2, 50), st.integers(1, 8)), elements=st.floats(0, 1e5)),
       st.integers(1, 4))
def test_group_totals_preserve_the_sum(x, split):
    index = pd.period_range("2018-01", periods=x.shape[1], freq="M")
    from forcast.forecasting import fiscal

    w = fiscal.group_weights(index, "calendar_year")
    _, totals = P.group_totals(x, w)
    np.testing.assert_allclose(totals.sum(axis=1), x.sum(axis=1), rtol=1e-9, atol=1e-6)


def test_group_totals_add_observed_part():
    from forcast.forecasting import fiscal
    from forcast.data.series import make_series

    obs = make_series([10, 20, 30], pd.period_range("2018Q2", periods=3, freq="Q-DEC"), name="x", measure="m")
    future = pd.period_range("2019Q1", periods=2, freq="Q-DEC")
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    groups, totals = P.group_totals(x, fiscal.group_weights(future, "financial_year"), obs)
    assert [fiscal.label(g) for g in groups] == ["2018/19", "2019/20"]
    np.testing.assert_allclose(totals, [[61, 2], [63, 4]])


def test_widen_keeps_the_mean_and_scales_relative_spread():
    x = np.random.default_rng(2).normal(100, 3, size=(20_000, 2))
    y = P.widen(x, np.array([1.0, 2.0]))
    np.testing.assert_allclose(y.mean(axis=0), x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(y[:, 0], x[:, 0])
    # for small relative deviations, widening on the log scale is (almost) plain widening
    assert y[:, 1].std() == pytest.approx(2 * x[:, 1].std(), rel=0.02)


@given(arrays(float, st.tuples(st.integers(2, 200), st.integers(1, 4)), elements=st.floats(1, 1e6)),
       st.floats(1, 5), st.floats(1, 5))
def test_widen_keeps_means_ranks_and_positivity(x, lower, upper):
    y = P.widen(x, lower, upper)
    np.testing.assert_allclose(y.mean(axis=0), x.mean(axis=0), rtol=1e-9)
    assert (y > 0).all()
    for j in range(x.shape[1]):  # a monotone map per period: no value overtakes another
        order = np.argsort(x[:, j], kind="stable")
        assert (np.diff(y[order, j]) >= -1e-9 * y[:, j].max()).all()


def test_widen_below_and_above_the_mean_by_different_factors():
    x = np.random.default_rng(4).lognormal(np.log(100), 0.05, size=(40_000, 2))
    y = P.widen(x, np.array([1.0, 1.5]), np.array([2.0, 1.5]))
    np.testing.assert_allclose(y.mean(axis=0), x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(y[:, 1], P.widen(x[:, 1:], 1.5)[:, 0])  # equal factors: the symmetric widening
    m = x[:, 0].mean()
    # each value keeps its rank; quantiles move by their side's factor, up to the constant that keeps the mean
    np.testing.assert_array_equal(np.argsort(y[:, 0]), np.argsort(x[:, 0]))
    q = [0.025, 0.975]
    lo_x, hi_x = np.log(np.quantile(x[:, 0], q) / m)
    lo_y, hi_y = np.log(np.quantile(y[:, 0], q) / m)
    shift = (hi_y - 2 * hi_x)  # the rescaling moves every value by the same log-distance
    assert lo_y == pytest.approx(lo_x + shift, abs=1e-9) and shift < 0


def test_widen_by_a_large_factor_stays_positive_and_unbiased():
    x = np.random.default_rng(3).normal(1000, 300, size=(50_000, 3)).clip(1)
    y = P.widen(x, 6.0)
    assert (y > 0).all()
    np.testing.assert_allclose(y.mean(axis=0), x.mean(axis=0), rtol=1e-12)
    # a quantile moves by the factor on the log scale around the mean, then all values are rescaled by the
    # same constant c that restores the mean
    m = x.mean(axis=0)
    c = np.exp(6 * np.log(x / m)).mean(axis=0)
    q_x, q_y = np.quantile(x, 0.9, axis=0), np.quantile(y, 0.9, axis=0)
    np.testing.assert_allclose(np.log(q_y / m), 6 * np.log(q_x / m) - np.log(c), rtol=1e-6)


def test_a_horizon_with_no_whole_financial_year_gives_empty_year_tables_not_an_error():
    import forcast

    y = forcast.datasets.calls("cincinnati_weekly")
    fc = forcast.forecast(y, h=8, models=["seasonal_naive"], n_paths=200, seed=1)
    fy = fc.financial_years()
    assert fy.empty and {"financial_year", "model", "mean", "lower_95"} <= set(fy.columns)
    assert fc.path_totals().shape == (200, 0)
    assert len(fc.table()) == 8
