"""ARIMA: differencing tests, stepwise AICc search, regressors and missing values, and the path simulator."""

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from forcast.errors import ModelFitError, ParameterError, RejectedSpecificationWarning
from forcast.models.events import ExcludedPeriod, LevelShift, Outlier
from forcast.models import _selection as sel
from forcast.models.arima import ARIMA, _with_drift
from forcast.data.series import make_series

from .conftest import seasonal_series
from .test_models_ets import shifted


@pytest.fixture(scope="module")
def quarterly():
    return seasonal_series(seed=3)


@pytest.fixture(scope="module")
def fitted(quarterly):
    return ARIMA().fit(quarterly)


def test_seeded_paths_are_identical_and_have_the_contract_shape(fitted):
    a = fitted.simulate(8, 500, np.random.default_rng(7))
    np.testing.assert_array_equal(a, fitted.simulate(8, 500, np.random.default_rng(7)))
    assert a.shape == (500, 8)


def _forecast_moments(model, horizon):
    """Mean and sd from statsmodels' own forecast of the chosen model, in the data's units."""
    exog = model._exog(model.future_index(horizon)).to_numpy()
    exog = _with_drift(exog, model.drift_kind_, len(model.series_))  # the drift is a regression state too
    fc = model.result_.get_forecast(horizon, exog=exog if exog.shape[1] else None)
    mean = model.center_ + model.scale_ * np.asarray(fc.predicted_mean)
    sd = model.scale_ * np.sqrt(np.asarray(fc.var_pred_mean))
    return mean, sd


@pytest.mark.parametrize("events", [(), ("shift",), ("shift", "gap at end")])
def test_simulated_paths_match_statsmodels_forecast_mean_and_spread(events):
    y, start = shifted(seed=1)
    declared = []
    if "shift" in events:
        declared.append(LevelShift(start))
    if "gap at end" in events:
        declared.append(ExcludedPeriod(str(y.index[-2]), str(y.index[-1])))
    model = ARIMA().fit(y, declared)
    paths = model.simulate(8, 20000, np.random.default_rng(3))
    mean, sd = _forecast_moments(model, 8)
    assert np.all(np.abs(paths.mean(axis=0) - mean) < 4 * sd / np.sqrt(20000))
    np.testing.assert_allclose(paths.std(axis=0), sd, rtol=0.03)


def test_describe_reports_the_search(fitted):
    d = fitted.describe()
    assert re.fullmatch(r"ARIMA\(\d,\d,\d\)(\(\d,\d,\d\)\[4\])?( with (drift|constant))?", d["specification"])
    selected = [c for c in d["candidates"] if c["status"].startswith("selected")]
    assert len(selected) == 1 and selected[0]["spec"] == d["specification"] and d["aicc"] == selected[0]["aicc"]
    assert 3 <= len(d["candidates"]) <= 12
    assert set(d["tests"]) == {"seasonal_strength", "D", "kpss_pvalue", "d"}
    assert "sigma2" in d["params"] and d["regressors"] == {} and d["event_effects"] == []


def test_strong_season_is_differenced_and_white_noise_is_not():
    seasonal = seasonal_series(season=(0.0, 4000.0, 2000.0, -5000.0), noise=300.0, seed=1)
    d = ARIMA().fit(seasonal).describe()
    assert d["tests"]["D"] == 1 and d["tests"]["seasonal_strength"] > 0.64 and ",1," in d["specification"]
    rng = np.random.default_rng(1)
    noise = make_series(np.round(20000 + rng.normal(0, 500, 51)), seasonal.index, name="n", measure="calls_999")
    d = ARIMA().fit(noise).describe()
    assert d["specification"] == "ARIMA(0,0,0) with constant"
    assert d["params"]["intercept"] == pytest.approx(20000, rel=0.01)


def test_fitting_raises_no_warnings_on_a_tame_series(quarterly):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ARIMA().fit(quarterly)


def test_rejected_candidates_warn_and_none_left_raises(quarterly, monkeypatch):
    monkeypatch.setattr(sel, "path_problem", lambda paths, values: "5% of simulated values fall below zero (test)")
    with pytest.warns(RejectedSpecificationWarning, match=r"ARIMA\(.*was rejected for .*below zero \(test\)"):
        with pytest.raises(ModelFitError, match=r"No ARIMA specification could be fitted to .* Use ETS or a baseline"):
            ARIMA().fit(quarterly)


def test_level_shift_coefficient_and_interval_are_the_reported_effect():
    y, start = shifted(seed=2)
    model = ARIMA().fit(y, [LevelShift(start, "recording change")])
    d = model.describe()
    (effect,) = d["event_effects"]
    assert (effect["event"], effect["kind"], effect["start"], effect["unit"]) == (
        "recording change", "level_shift", "2017Q1", "per period")
    assert effect["effect"] == pytest.approx(3000, abs=750)
    assert effect["lower_95"] < 3000 < effect["upper_95"]
    reg = d["regressors"]["level_shift_2017Q1"]
    assert reg["coef"] == effect["effect"]
    assert effect["upper_95"] - effect["lower_95"] == pytest.approx(2 * 1.96 * reg["se"], rel=1e-3)


def test_excluded_values_are_missing_to_the_kalman_filter():
    clean = seasonal_series(seed=4)
    wild = clean.copy()
    wild.iloc[20:23] = clean.iloc[20:23] * 3
    wild.iloc[30] = 0
    events = [ExcludedPeriod(str(clean.index[20]), str(clean.index[22]), "covid"), Outlier(str(clean.index[30]))]
    a, b = ARIMA().fit(wild, events), ARIMA().fit(clean, events)
    assert a.describe()["specification"] == b.describe()["specification"]
    np.testing.assert_allclose(a.simulate(8, 500, np.random.default_rng(0)),
                               b.simulate(8, 500, np.random.default_rng(0)), rtol=1e-6)
    c = ARIMA().fit(clean).simulate(8, 4000, np.random.default_rng(0))
    assert a.simulate(8, 4000, np.random.default_rng(0)).mean() == pytest.approx(c.mean(), rel=0.03)


def test_exclusions_at_the_end_widen_the_first_steps():
    base = seasonal_series(seed=5)
    walk = np.cumsum(np.random.default_rng(5).normal(0, 800, len(base)))  # a level that wanders
    y = make_series(base.to_numpy() + np.round(walk), base.index, name="rw", measure="recorded_crime")
    gap = ARIMA().fit(y, [ExcludedPeriod(str(y.index[-2]), str(y.index[-1]))])
    truncated, full = ARIMA().fit(y.iloc[:-2]), ARIMA().fit(y)
    assert gap.future_index(4)[0] == y.index[-1] + 1
    assert gap.describe()["specification"] == truncated.describe()["specification"]
    # the first forecast step is three steps from the last kept observation: as wide as the truncated fit's third
    np.testing.assert_allclose(_forecast_moments(gap, 2)[1], _forecast_moments(truncated, 4)[1][2:], rtol=1e-3)
    assert _forecast_moments(gap, 1)[1][0] > 1.15 * _forecast_moments(full, 1)[1][0]


@dataclass(frozen=True)
class Campaign:
    """A regressor event: 1 in the fourth quarter of the given years, past and future."""

    years: tuple = (2008, 2011, 2014, 2016, 2019)
    label: str = "campaign"

    def regressors(self, index):
        on = np.isin(index.year, self.years) & (index.quarter == 4)
        return pd.DataFrame({"on": on.astype(float)}, index=index)


def test_regressor_events_enter_as_regressors_also_in_the_future():
    base = seasonal_series(seed=6)
    y = make_series(base.to_numpy() + 2500 * Campaign().regressors(base.index)["on"].to_numpy(), base.index,
                    name="c", measure="recorded_crime")
    model = ARIMA().fit(y, [Campaign()])
    reg = model.describe()["regressors"]["campaign: on"]
    assert reg["coef"] == pytest.approx(2500, abs=600)
    paths = model.simulate(8, 3000, np.random.default_rng(0))  # 2019Q1..2020Q4; the campaign is on in 2019Q4
    means = paths.mean(axis=0)
    assert means[3] - means[7] == pytest.approx(reg["coef"] - 4 * 60, abs=400)  # same quarter, a year apart


def test_a_regressor_without_variation_in_the_history_is_left_out_with_a_note(quarterly):
    future_only = Campaign(years=(2019,))
    model = ARIMA().fit(quarterly, [future_only])
    d = model.describe()
    assert d["regressors"] == {} and d["notes"] == [
        "regressor 'campaign: on' is constant over the kept history, so its effect cannot be estimated; left out"]
    assert model.simulate(8, 10, np.random.default_rng(0)).shape == (10, 8)


def test_weekly_series_use_fourier_regressors_not_seasonal_arma():
    index = pd.period_range("2016-01-04", periods=156, freq="W-SUN")
    rng = np.random.default_rng(2)
    values = 8000 + 600 * np.sin(2 * np.pi * np.arange(156) / 52.18) + rng.normal(0, 150, 156)
    model = ARIMA().fit(make_series(np.round(values), index, name="w", measure="calls_999"))
    d = model.describe()
    assert "[" not in d["specification"] and d["tests"]["D"] == 0
    assert [c for c in d["regressors"] if c.startswith("fourier")] == [
        "fourier_sin1", "fourier_cos1", "fourier_sin2", "fourier_cos2", "fourier_sin3", "fourier_cos3"]
    assert np.ptp(model.simulate(52, 400, np.random.default_rng(0)).mean(axis=0)) == pytest.approx(1200, rel=0.25)


def test_manual_differencing_is_honoured(quarterly):
    d = ARIMA(d=1, D=0, max_p=1, max_q=1, max_P=0, max_Q=0, drift=True).fit(quarterly).describe()
    assert re.fullmatch(r"ARIMA\([01],1,[01]\) with drift", d["specification"])
    assert d["tests"]["kpss_pvalue"] is None


@pytest.mark.parametrize("kwargs, message", [
    ({"max_p": -1}, r"ARIMA `max_p` must be an integer from 0 to 5\. Got -1"),
    ({"max_Q": 1.5}, r"ARIMA `max_Q` must be an integer from 0 to 5\. Got 1\.5"),
    ({"d": 3}, r"ARIMA `d` must be 'auto' or an integer from 0 to 2\. Got 3"),
    ({"D": "yes"}, r"ARIMA `D` must be 'auto' or an integer from 0 to 1\. Got 'yes'"),
    ({"fourier": True}, r"ARIMA `fourier` must be 'auto' or an integer 0\.\.10\. Got True"),
    ({"drift": "yes"}, r"ARIMA `drift` must be False, 'auto' or True\. Got 'yes'"),
])
def test_bad_parameters_are_rejected_at_fit(kwargs, message, quarterly):
    with pytest.raises(ParameterError, match=message):
        ARIMA(**kwargs).fit(quarterly)


def _walk(drift, seed):
    rng = np.random.default_rng(seed)
    index = pd.period_range("2006Q2", periods=51, freq="Q-DEC")
    return make_series(np.round(30000 + np.cumsum(drift + rng.normal(0, 400, 51))), index, name="walk",
                       measure="recorded_crime")


def test_drift_is_searched_and_estimated_with_its_uncertainty():
    model = ARIMA(d=1, D=0, max_P=0, max_Q=0, drift="auto").fit(_walk(500.0, seed=4))
    d = model.describe()
    specs = [c["spec"] for c in d["candidates"]]
    assert any(s.endswith("with drift") for s in specs) and any(not s.endswith("with drift") for s in specs)
    assert d["specification"].endswith("with drift") and model.drift_kind_ == "drift"
    assert d["params"]["intercept"] == pytest.approx(500, rel=0.3)
    # paths draw the drift from its estimate: it is a state regressor with a standard error near 400 / sqrt(50)
    assert model.result_.model.k_exog == 1 and 20 < model.drift_[1] * model.scale_ < 200


def test_no_drift_by_default_so_a_past_slope_is_not_carried_four_years_ahead():
    walk = _walk(500.0, seed=4)
    specs = [c["spec"] for c in ARIMA(d=1, D=0, max_P=0, max_Q=0).fit(walk).describe()["candidates"]]
    assert specs and not any("drift" in s for s in specs)
    # ARIMA(0,1,0): without the drift the mean path stays at the last value; with it, it climbs ~500 a quarter
    walk_only = dict(d=1, D=0, max_p=0, max_q=0, max_P=0, max_Q=0)
    model = ARIMA(**walk_only).fit(walk)
    assert model.describe()["specification"] == "ARIMA(0,1,0)" and model.drift_kind_ is None
    assert model.simulate(16, 2000, np.random.default_rng(0)).mean(axis=0)[-1] - walk.iloc[-1] == pytest.approx(
        0, abs=300)
    forced = ARIMA(**walk_only, drift=True).fit(walk)
    assert forced.describe()["specification"] == "ARIMA(0,1,0) with drift"
    assert forced.simulate(16, 2000, np.random.default_rng(0)).mean(axis=0)[-1] - walk.iloc[-1] == pytest.approx(
        16 * 500, rel=0.35)
