"""The model contract every forecaster in forcast follows.

A model is built with its hyper-parameters (stored unchanged), fitted once with :meth:`Model.fit`, and then asked
for **sample paths** with :meth:`Model.simulate`. Paths are the only forecast a model produces: means, intervals
and totals over any grouping (financial years, calendar years, rolling 12 months) are all computed from paths by
:mod:`forcast.forecasting.paths`, never by the model.

Subclasses implement three private methods (template method pattern):

``_fit(y, events)``
    ``y`` is a validated demand series (regular PeriodIndex, finite non-negative counts); ``events`` is a tuple of
    :mod:`forcast.models.events` objects already checked against ``y``'s index. Store fitted state in attributes ending
    in ``_`` and return nothing.
``_simulate(horizon, n_paths, rng)``
    Return an array ``[n_paths, horizon]`` of simulated future values for the ``horizon`` periods that follow the
    last observation. May contain negative values; the base class truncates at zero.
``_describe()``
    Return a dict of what was chosen (specification, AICc, event effects).

Count series never get negative forecasts: every path value below zero is set to zero (truncation at zero). For
the volumes forcast models (thousands of crimes or calls per period) this touches almost no paths; it is
documented in the method statement.
"""

from __future__ import annotations

import abc
import inspect
from typing import Any, Callable, ClassVar, Iterable

import numpy as np
import pandas as pd

from ..errors import NotFittedError, ParameterError, SeriesTooShortError
from ..data.series import SEASON_LENGTH, meta


class Model(abc.ABC):
    """Base class of every forcast model (ETS, ARIMA, baselines and the combination)."""

    #: Short name used in tables (``model`` column) and by :func:`forcast.forecast`'s ``models=``.
    name: ClassVar[str] = "model"

    # ------------------------------------------------------------------ public API
    def fit(self, y: pd.Series, events: Iterable[Any] = ()) -> "Model":
        """Fit the model to demand series ``y`` (honouring declared ``events``) and return ``self``."""
        from .events import check_events  # local import: events imports nothing from models

        y = self._check_series(y)
        events = check_events(events, y.index)
        self.series_ = y
        self.frequency_ = meta(y)["frequency"]
        self.season_length_ = SEASON_LENGTH[self.frequency_]
        self.events_ = events
        minimum = self.min_length(self.frequency_)
        if len(y) < minimum:
            raise SeriesTooShortError(_too_short(self.name, minimum, y, self.frequency_))
        from ._selection import single_threaded_blas  # local import: _selection imports events

        with single_threaded_blas():  # tiny matrices: BLAS threads only add hand-off costs (10-20x on 2 busy cores)
            self._fit(y, events)
        self.fitted_ = True
        return self

    def simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Return ``[n_paths, horizon]`` simulated values for the periods after the last observation."""
        self._check_fitted()
        horizon = _positive_int(horizon, "horizon")
        n_paths = _positive_int(n_paths, "n_paths")
        if not isinstance(rng, np.random.Generator):
            raise ParameterError(
                f"rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)). "
                f"Got {type(rng).__name__}."
            )
        paths = np.asarray(self._simulate(horizon, n_paths, rng), dtype=float)
        if paths.shape != (n_paths, horizon):  # pragma: no cover - a bug in a model, not user input
            raise AssertionError(f"{self.name} returned paths of shape {paths.shape}")
        return np.maximum(paths, 0.0)

    def describe(self) -> dict[str, Any]:
        """Return what was chosen: ``model``, ``specification``, ``aicc`` (or None) and event effects."""
        self._check_fitted()
        out = {"model": self.name, "specification": None, "aicc": None, "event_effects": []}
        out.update(self._describe())
        return out

    def future_index(self, horizon: int) -> pd.PeriodIndex:
        """The ``horizon`` periods that follow the last observation."""
        self._check_fitted()
        last = self.series_.index[-1]
        return pd.period_range(last + 1, periods=horizon, freq=self.series_.index.freq, name="period")

    @classmethod
    def min_length(cls, frequency: str) -> int:
        """Minimum number of observations this model needs at ``frequency``."""
        return 2 * SEASON_LENGTH[frequency] if SEASON_LENGTH[frequency] > 1 else 4

    @classmethod
    def _param_names(cls) -> list[str]:
        """The constructor's arguments, in order (scikit-learn's rule: named arguments, no ``*args``)."""
        if cls.__init__ is object.__init__:
            return []
        params = inspect.signature(cls.__init__).parameters.values()
        return [p.name for p in params
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor arguments, as given (scikit-learn's convention, so ``sklearn.base.clone(model)`` works).

        ``deep=True`` also lists the parameters of arguments that are themselves models, as ``name__parameter``.
        """
        out: dict[str, Any] = {}
        for name in self._param_names():
            if not hasattr(self, name):
                raise ParameterError(
                    f"{type(self).__name__} takes the argument {name!r} but stores no attribute {name!r}. A model "
                    f"stores each constructor argument unchanged under its own name (see forcast.models.base).")
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params(deep=True).items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> "Model":
        """Set constructor arguments (``name=value``, or ``name__parameter=value`` for an argument that is itself a
        model) and return ``self``, as scikit-learn does. A fitted model keeps its fit until it is fitted again."""
        names = self._param_names()
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, nest, sub = key.partition("__")
            if name not in names:
                raise ParameterError(f"{type(self).__name__} has no parameter {name!r}. Its parameters: "
                                     f"{', '.join(names) or 'none'}.")
            if nest:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub in nested.items():
            inner = getattr(self, name)
            if not hasattr(inner, "set_params"):
                raise ParameterError(f"{type(self).__name__}'s parameter {name!r} is {inner!r}, not a model, so "
                                     f"{', '.join(f'{name}__{k}' for k in sub)} cannot be set.")
            inner.set_params(**sub)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({args})"

    # ------------------------------------------------------------------ for subclasses
    @abc.abstractmethod
    def _fit(self, y: pd.Series, events: tuple) -> None: ...

    @abc.abstractmethod
    def _simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray: ...

    def _describe(self) -> dict[str, Any]:
        return {}

    # ------------------------------------------------------------------ checks
    def _check_fitted(self) -> None:
        if not getattr(self, "fitted_", False):
            raise NotFittedError(
                f"This {type(self).__name__} has not been fitted yet. Call .fit(series) before asking for "
                f"forecasts or a description."
            )

    def _check_series(self, y: pd.Series) -> pd.Series:
        from ..data.series import check_demand_series

        return check_demand_series(y, purpose=f"fitting the {self.name} model")


#: The shortest series each simple model fits, by frequency (the ``min_length`` of the baselines in
#: :mod:`forcast.models.baselines`): kept here so that a too-short series can be told which of them fit it.
SIMPLE_MIN_LENGTHS: dict[str, Callable[[str], int]] = {
    "naive": lambda frequency: 2,
    "drift": lambda frequency: 3,
    "seasonal_naive": lambda frequency: SEASON_LENGTH[frequency] + 2,
}


def _too_short(name: str, minimum: int, y: pd.Series, frequency: str) -> str:
    """Why ``name`` cannot fit ``y``, and what can: the simple models that fit a series this long, if any."""
    years = describe_len(minimum, frequency)
    need = f"{minimum} {frequency} periods" + (f" ({years})" if years.endswith("years") else "")
    span = f"{y.index[0]}" if len(y) == 1 else f"{y.index[0]} to {y.index[-1]}"
    fits = [n for n, shortest in SIMPLE_MIN_LENGTHS.items() if n != name and shortest(frequency) <= len(y)]
    advice = (f"Use a longer history, or a simpler model such as {' or '.join(repr(n) for n in fits)}." if fits
              else "Use a longer history: no forcast model fits a series this short.")
    return (f"The {name} model needs at least {need} to fit; the series has {len(y)} ({span}). {advice}")


def describe_len(n: int, frequency: str) -> str:
    """``8 quarterly`` periods as people say it: ``"2 years"``."""
    per_year = {"daily": 365, "weekly": 52, "monthly": 12, "quarterly": 4, "annual": 1}[frequency]
    years = n / per_year
    return f"{years:g} years" if years >= 1 else f"{n} periods"


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError(f"`{name}` must be an integer greater than 0. Got {value!r}.")
    return int(value)
