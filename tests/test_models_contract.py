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


# ---------------------------------------------------------------------------------- scikit-learn conventions
@pytest.mark.parametrize("name", ALL)
def test_sklearn_clone_gives_an_unfitted_copy_with_the_same_arguments(name, fitted):
    from sklearn.base import clone

    model = fitted[name]
    copy = clone(model)
    assert type(copy) is type(model) and copy is not model
    assert copy.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    assert repr(copy) == repr(model)
    assert not getattr(copy, "fitted_", False)


@pytest.mark.parametrize("name", ALL)
def test_get_params_deep_and_shallow_and_set_params_round_trip(name):
    model = make_model(name)
    params = model.get_params(deep=False)
    assert params == model.get_params()  # no argument of these models is itself a model
    assert model.set_params(**params) is model and model.get_params(deep=False) == params
    with pytest.raises(ParameterError, match=rf"{type(model).__name__} has no parameter 'colour'\. Its parameters: "):
        model.set_params(colour="blue")


def test_clone_keeps_the_arguments_of_ets_arima_and_the_combination():
    from sklearn.base import clone

    from forcast.models.arima import ARIMA
    from forcast.models.combination import Combination
    from forcast.models.ets import ETS

    ets = ETS(trend="additive", damped=False)
    assert clone(ets).get_params() == {"trend": "additive", "seasonal": "auto", "damped": False, "fourier": "auto"}
    arima = ARIMA(max_p=1, d=1, drift=True)
    assert clone(arima).get_params()["max_p"] == 1 and clone(arima).get_params()["drift"] is True
    combo = Combination(members=[ets, "arima"], weights=[0.7, 0.3])
    copy = clone(combo)
    assert copy.weights == [0.7, 0.3] and copy.members[1] == "arima"
    assert copy.members[0] is not ets and copy.members[0].get_params() == ets.get_params()  # members cloned too
    assert ets.set_params(trend="none").trend == "none" and copy.members[0].trend == "additive"


def test_parameters_of_a_model_argument_are_reached_with_double_underscores():
    from forcast.models.base import Model
    from forcast.models.ets import ETS

    class Wrapper(Model):  # a model with another model as its argument (none of forcast's own has one)
        name = "wrapper"

        def __init__(self, inner=None, scale=1.0):
            self.inner = inner
            self.scale = scale

        def _fit(self, y, events):
            self.inner.fit(y, events)

        def _simulate(self, horizon, n_paths, rng):
            return self.scale * self.inner.simulate(horizon, n_paths, rng)

    w = Wrapper(ETS(), 2.0)
    assert w.get_params()["inner__trend"] == "auto" and "inner__trend" not in w.get_params(deep=False)
    w.set_params(inner__trend="additive", scale=3.0)
    assert w.inner.trend == "additive" and w.scale == 3.0
    with pytest.raises(ParameterError, match=r"Wrapper's parameter 'scale' is 3\.0, not a model"):
        w.set_params(scale__x=1)
