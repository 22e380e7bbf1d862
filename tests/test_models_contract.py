"""One contract test over every model forcast offers (baselines, ETS, ARIMA and the combination)."""

import numpy as np
import pandas as pd
import pytest

from forcast.errors import NotFittedError, ParameterError, SeriesTooShortError
from forcast.models.registry import MODELS, make_model

from .conftest import seasonal_series

ALL = sorted(MODELS)


@pytest.fixture(scope="module")
def series():
    return seasonal_series(n=40)


@pytest.fixture(scope="module")
def fitted(series):
    return {name: make_model(name).fit(series) for name in ALL}


@pytest.mark.parametrize("name", ALL)
def test_calling_before_fit_raises_a_named_error(name):
    model = make_model(name)
    with pytest.raises(NotFittedError, match=r"has not been fitted yet\. Call \.fit\(series\)"):
        model.simulate(4, 10, np.random.default_rng(0))
    with pytest.raises(NotFittedError):
        model.describe()


@pytest.mark.parametrize("name", ALL)
def test_fit_returns_self_and_paths_have_the_contract_shape(name, fitted, series):
    model = fitted[name]
    paths = model.simulate(6, 50, np.random.default_rng(0))
    assert paths.shape == (50, 6)
    assert np.isfinite(paths).all() and (paths >= 0).all()
    future = model.future_index(6)
    assert future[0] == series.index[-1] + 1 and len(future) == 6
    assert future.freq == series.index.freq


@pytest.mark.parametrize("name", ALL)
def test_seeded_runs_are_identical(name, fitted):
    a = fitted[name].simulate(5, 30, np.random.default_rng(42))
    b = fitted[name].simulate(5, 30, np.random.default_rng(42))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ALL)
def test_paths_are_centred_near_the_recent_level(name, fitted, series):
    mean = fitted[name].simulate(4, 2000, np.random.default_rng(1)).mean()
    recent = series.iloc[-8:].mean()
    assert abs(mean - recent) < 0.25 * recent


@pytest.mark.parametrize("name", ALL)
def test_describe_has_the_fixed_keys(name, fitted):
    d = fitted[name].describe()
    assert {"model", "specification", "aicc", "event_effects"} <= set(d)
    assert d["model"] == name
    assert isinstance(d["specification"], str) and d["specification"]


@pytest.mark.parametrize("name", ALL)
def test_constructor_arguments_are_stored_unchanged(name):
    model = make_model(name)
    assert all(not k.endswith("_") for k in model.get_params())


@pytest.mark.parametrize("name", ALL)
def test_too_short_series_names_the_minimum(name):
    short = seasonal_series(n=1)
    with pytest.raises(SeriesTooShortError, match=r"needs at least \d+ quarterly periods"):
        make_model(name).fit(short)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_horizon_must_be_a_positive_integer(bad, fitted):
    with pytest.raises(ParameterError, match=r"`horizon` must be an integer greater than 0\. Got"):
        fitted["naive"].simulate(bad, 10, np.random.default_rng(0))


def test_rng_must_be_a_generator(fitted):
    with pytest.raises(ParameterError, match=r"rng must be a numpy\.random\.Generator"):
        fitted["naive"].simulate(2, 10, 42)


def test_fit_rejects_gappy_series():
    s = seasonal_series(n=20)
    with pytest.raises(Exception, match=r"2 missing: 2007Q1, 2007Q3"):
        make_model("naive").fit(s.drop(s.index[[3, 5]]))
