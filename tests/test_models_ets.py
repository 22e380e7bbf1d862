"""ETS: specification chosen by AICc, path checks, and declared events (level shift, exclusions)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from forcast.errors import ModelFitError, ParameterError, RejectedSpecificationWarning
from forcast.models.events import ExcludedPeriod, LevelShift
from forcast.models import _selection as sel
from forcast.models.ets import ETS
from forcast.data.series import make_series

from .conftest import seasonal_series


def shifted(seed=0, at=43, size=3000.0):
    """The conftest quarterly series with a step of ``size`` from period ``at`` (2017Q1 by default)."""
    base = seasonal_series(seed=seed)
    values = base.to_numpy(dtype=float)
    values[at:] += size
    return make_series(values, base.index, name="shifted", measure="recorded_crime"), str(base.index[at])


@pytest.fixture(scope="module")
def quarterly():
    return seasonal_series(seed=3)


@pytest.fixture(scope="module")
def fitted(quarterly):
    return ETS().fit(quarterly)


def test_seeded_paths_are_identical_and_have_the_contract_shape(fitted):
    a = fitted.simulate(8, 500, np.random.default_rng(7))
    b = fitted.simulate(8, 500, np.random.default_rng(7))
    assert a.shape == (500, 8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, fitted.simulate(8, 500, np.random.default_rng(8)))


def test_describe_lists_every_candidate_and_the_one_selected(fitted):
    d = fitted.describe()
    assert re.fullmatch(r"ETS\(A,(N|Ad),(N|A)\)", d["specification"])
    assert [c["spec"] for c in d["candidates"]] == ["ETS(A,N,N)", "ETS(A,N,A)", "ETS(A,Ad,N)", "ETS(A,Ad,A)"]
    selected = [c for c in d["candidates"] if c["status"].startswith("selected")]
    assert len(selected) == 1 and selected[0]["spec"] == d["specification"]
    assert d["aicc"] == selected[0]["aicc"] == min(c["aicc"] for c in d["candidates"])
    assert "smoothing_level" in d["params"] and d["event_effects"] == []


def test_strong_season_is_chosen_and_white_noise_gets_the_simplest_model():
    seasonal = seasonal_series(season=(0.0, 4000.0, 2000.0, -5000.0), noise=300.0, trend=0.0, seed=1)
    assert ETS().fit(seasonal).describe()["specification"].endswith(",A)")
    rng = np.random.default_rng(1)
    noise = make_series(np.round(20000 + rng.normal(0, 500, 51)), seasonal.index, name="n", measure="calls_999")
    assert ETS().fit(noise).describe()["specification"] == "ETS(A,N,N)"


def test_a_tame_series_has_no_rejected_candidate(quarterly):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RejectedSpecificationWarning)
        model = ETS().fit(quarterly)
    assert not any(c["status"].startswith("rejected") for c in model.describe()["candidates"])


def test_rejected_candidates_warn_and_none_left_raises(quarterly, monkeypatch):
    monkeypatch.setattr(sel, "path_problem", lambda paths, values: "paths explode (test)")
    with pytest.warns(RejectedSpecificationWarning, match=r"ETS\(A,.*was rejected for .*: paths explode \(test\)"):
        with pytest.raises(ModelFitError, match=r"No ETS specification could be fitted to .* Use ARIMA or a baseline"):
            ETS().fit(quarterly)


def test_path_problem_rules():
    values = np.full(20, 1000.0)
    ok = np.full((100, 5), 1000.0)
    assert sel.path_problem(ok, values) is None
    assert "explode" in sel.path_problem(ok * 11, values)
    assert "non-finite" in sel.path_problem(np.where(ok > 0, np.nan, ok), values)
    low = ok.copy()
    low[:6] = -100.0  # 6% of values below -5% of the mean
    assert sel.path_problem(low, values) == "6% of simulated values fall below -5% of the series mean"


def test_level_shift_effect_is_estimated_with_an_interval_that_covers_it():
    y, start = shifted(seed=2)
    model = ETS().fit(y, [LevelShift(start, "recording change")])
    (effect,) = model.describe()["event_effects"]
    assert set(effect) == {"event", "kind", "start", "effect", "lower_95", "upper_95", "unit"}
    assert (effect["event"], effect["kind"], effect["start"], effect["unit"]) == (
        "recording change", "level_shift", "2017Q1", "per period")
    assert effect["effect"] == pytest.approx(3000, abs=750)
    assert effect["lower_95"] < 3000 < effect["upper_95"]
    # the history was moved onto the new basis: the forecast continues at the new level
    recent = y.iloc[-8:].mean()
    assert model.simulate(4, 2000, np.random.default_rng(0)).mean() == pytest.approx(recent + 4 * 60, rel=0.05)


def test_values_inside_excluded_periods_do_not_matter():
    clean = seasonal_series(seed=4)
    wild = clean.copy()
    wild.iloc[20:23] = clean.iloc[20:23] * 3
    events = [ExcludedPeriod(str(clean.index[20]), str(clean.index[22]), "covid")]
    rng = np.random.default_rng
    a = ETS().fit(wild, events).simulate(8, 1000, rng(0))
    b = ETS().fit(clean, events).simulate(8, 1000, rng(0))
    np.testing.assert_array_equal(a, b)  # excluded values are never read
    c = ETS().fit(clean).simulate(8, 1000, rng(0))
    assert a.mean() == pytest.approx(c.mean(), rel=0.02)  # excluding 3 ordinary quarters barely moves it


def test_exclusions_at_the_end_are_simulated_through():
    y = seasonal_series(seed=5)
    model = ETS().fit(y, [ExcludedPeriod(str(y.index[-2]), str(y.index[-1]), "outage")])
    truncated = ETS().fit(y.iloc[:-2])
    assert model.describe()["specification"] == truncated.describe()["specification"]
    a = model.simulate(4, 300, np.random.default_rng(1))
    b = truncated.simulate(6, 300, np.random.default_rng(1))[:, 2:]
    np.testing.assert_allclose(a, b)
    assert model.future_index(4)[0] == y.index[-1] + 1


def test_weekly_series_use_fourier_terms_instead_of_a_52_week_season():
    index = pd.period_range("2016-01-04", periods=156, freq="W-SUN")
    week = np.arange(156)
    rng = np.random.default_rng(2)
    values = 8000 + 600 * np.sin(2 * np.pi * week / 52.18) + rng.normal(0, 150, 156)
    y = make_series(np.round(values), index, name="w", measure="calls_999")
    model = ETS().fit(y)
    d = model.describe()
    assert d["specification"].endswith(",N)") and any("3 Fourier harmonics" in n for n in d["notes"])
    paths = model.simulate(52, 400, np.random.default_rng(0))
    # the yearly pattern is carried into the forecast: peak and trough about 1,200 apart
    assert np.ptp(paths.mean(axis=0)) == pytest.approx(1200, rel=0.25)


def test_daily_series_get_a_weekly_season():
    index = pd.period_range("2017-01-01", periods=400, freq="D")
    rng = np.random.default_rng(3)
    weekly = np.array([10.0, 5.0, 0.0, 0.0, 15.0, 40.0, -30.0])[index.day_of_week]
    y = make_series(np.round(250 + weekly + rng.normal(0, 8, 400)), index, name="d", measure="calls_999")
    d = ETS(fourier=0).fit(y).describe()
    assert d["specification"].endswith(",A)") and "initial_seasonal.0" in d["params"]


@pytest.mark.parametrize("kwargs, message", [
    ({"trend": "multiplicative"},
     r"ETS `trend` must be one of 'auto', 'none', None, 'additive'\. Got 'multiplicative'"),
    ({"damped": "yes"}, r"ETS `damped` must be one of 'auto', True, False\. Got 'yes'"),
    ({"fourier": -1}, r"ETS `fourier` must be 'auto' or an integer 0\.\.10\. Got -1"),
])
def test_bad_parameters_are_rejected_at_fit(kwargs, message, quarterly):
    model = ETS(**kwargs)
    assert model.get_params()["trend"] == kwargs.get("trend", "auto")  # stored unchanged
    with pytest.raises(ParameterError, match=message):
        model.fit(quarterly)


def test_forced_season_on_too_short_a_series_is_a_fit_error():
    with pytest.raises(ModelFitError, match=r"seasonal='additive' needs a season of 2\.\.24 periods"):
        ETS(seasonal="additive").fit(seasonal_series(n=12, freq="Y-MAR", start="2008"))


def test_aicc_counts_the_seasonal_states_that_are_free(quarterly):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    from forcast.models.ets import _aicc

    x = quarterly.to_numpy(dtype=float)
    res = ETSModel(x, error="add", seasonal="add", seasonal_periods=4).fit(disp=False)
    k, n = 2 + 1 + 3 + 1, len(x)  # alpha, gamma; level; 3 free seasonal states (the 4th is fixed); variance
    assert _aicc(res, n, True) == pytest.approx(-2 * res.llf + 2 * k + 2 * k * (k + 1) / (n - k - 1))
    assert _aicc(res, n, True) < res.aicc  # statsmodels counts the fixed seasonal state as well


def test_extra_starting_values_never_lose_likelihood(quarterly):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    from forcast.models.ets import _fit_best

    model = ETSModel(quarterly.to_numpy(dtype=float), error="add", trend="add", damped_trend=True,
                     seasonal="add", seasonal_periods=4)
    with sel.quiet():
        assert _fit_best(model, trend=True).llf >= model.fit(disp=False, maxiter=500).llf


def test_parameter_draws_widen_the_paths_but_keep_the_forecast_mean(monkeypatch):
    from forcast.models import ets

    fitted = ETS().fit(seasonal_series(seed=1))  # ETS(A,A,A), no parameter on a bound
    assert len(ets._param_draws(fitted.result_, 20, np.random.default_rng(0))[0]) == 20
    wide = fitted.simulate(16, 4000, np.random.default_rng(1))
    monkeypatch.setattr(ets, "PARAM_DRAWS", 0)
    narrow = fitted.simulate(16, 4000, np.random.default_rng(1))
    mean = np.asarray(fitted.result_.forecast(16))
    sd = narrow.std(axis=0)
    assert np.all(np.abs(wide.mean(axis=0) - mean) < 5 * wide.std(axis=0) / np.sqrt(4000))
    assert np.all(wide.std(axis=0) > 0.97 * sd) and wide.std(axis=0)[-1] > 1.02 * sd[-1]


def test_trends_are_damped_by_default_and_undamped_only_on_request(quarterly):
    default = [c["spec"] for c in ETS().fit(quarterly).describe()["candidates"]]
    assert not any(",A," in s for s in default) and any(",Ad," in s for s in default)
    both = [c["spec"] for c in ETS(damped="auto").fit(quarterly).describe()["candidates"]]
    assert any(",A," in s for s in both) and any(",Ad," in s for s in both)
    assert ETS(trend="none", damped=True).fit(quarterly).describe()["specification"].startswith("ETS(A,N,")
