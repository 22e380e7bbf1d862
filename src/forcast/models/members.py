"""The single models by name: every model forcast offers except the combination, which is made of them.

:mod:`forcast.models.combination` builds its members from these names and :mod:`forcast.models.registry` adds the
combination to them; each model's module is imported only when a model of that name is made.
"""

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


def _baseline(name: str) -> Callable[[], Model]:
    def make() -> Model:
        from . import baselines

        return {"naive": baselines.Naive, "seasonal_naive": baselines.SeasonalNaive, "drift": baselines.Drift}[
            name
        ]()

    return make


SINGLE_MODELS: dict[str, Callable[[], Model]] = {
    "ets": _ets,
    "arima": _arima,
    "naive": _baseline("naive"),
    "seasonal_naive": _baseline("seasonal_naive"),
    "drift": _baseline("drift"),
    "no_change": _no_change("no_change"),
    "same_as_last_year": _no_change("same_as_last_year"),
}


def make_member(name: str | Model) -> Model:
    """A new, unfitted single model for ``name`` (or ``name`` itself if it is already a Model instance)."""
    if isinstance(name, Model):
        return name
    try:
        return SINGLE_MODELS[str(name).lower()]()
    except KeyError:
        raise UnknownModelError(
            f"Unknown model {name!r}. Choose from: {', '.join(SINGLE_MODELS)}; or pass a forcast Model instance."
        ) from None
