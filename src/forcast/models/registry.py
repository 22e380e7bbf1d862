"""Model names used across forcast (``models=("ets", "arima")``) and the classes behind them."""

from __future__ import annotations

from typing import Callable

from ..errors import UnknownModelError
from .base import Model


def _ets() -> Model:
    from .ets import ETS

    return ETS()


def _arima() -> Model:
    from .arima import ARIMA

    return ARIMA()


def _no_change(name: str) -> Callable[[], Model]:
    def make() -> Model:
        from . import no_change

        return {"no_change": no_change.NoChange, "same_as_last_year": no_change.SameAsLastYear}[name]()

    return make


def _combination() -> Model:
    from .combination import Combination

    return Combination()


def _baseline(name: str) -> Callable[[], Model]:
    def make() -> Model:
        from . import baselines

        return {"naive": baselines.Naive, "seasonal_naive": baselines.SeasonalNaive, "drift": baselines.Drift}[
            name
        ]()

    return make


MODELS: dict[str, Callable[[], Model]] = {
    "ets": _ets,
    "arima": _arima,
    "combination": _combination,
    "naive": _baseline("naive"),
    "seasonal_naive": _baseline("seasonal_naive"),
    "drift": _baseline("drift"),
    "no_change": _no_change("no_change"),
    "same_as_last_year": _no_change("same_as_last_year"),
}

#: The baselines reported beside the models in every backtest.
BASELINES: tuple[str, ...] = ("seasonal_naive", "drift")
#: Simple models: never members of the combination.
SIMPLE_MODELS: tuple[str, ...] = ("naive", "seasonal_naive", "drift")


def make_model(name: str | Model) -> Model:
    """A new, unfitted model for ``name`` (or ``name`` itself if it is already a Model instance)."""
    if isinstance(name, Model):
        return name
    try:
        return MODELS[str(name).lower()]()
    except KeyError:
        raise UnknownModelError(
            f"Unknown model {name!r}. Choose from: {', '.join(MODELS)}; or pass a forcast Model instance."
        ) from None
