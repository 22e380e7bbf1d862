"""Model names used across forcast (``models=("ets", "arima")``) and the classes behind them."""

from __future__ import annotations

from typing import Callable

from ..errors import UnknownModelError
from .base import Model
from .members import SINGLE_MODELS, make_member


def _combination() -> Model:
    from .combination import Combination

    return Combination()


#: Every model by name: the single models (:mod:`forcast.models.members`) with the combination after ETS and ARIMA.
MODELS: dict[str, Callable[[], Model]] = {
    "ets": SINGLE_MODELS["ets"],
    "arima": SINGLE_MODELS["arima"],
    "combination": _combination,
    **{name: make for name, make in SINGLE_MODELS.items() if name not in ("ets", "arima")},
}

#: The baselines reported beside the models in every backtest.
BASELINES: tuple[str, ...] = ("seasonal_naive", "drift")
#: Simple models: never members of the combination.
SIMPLE_MODELS: tuple[str, ...] = ("naive", "seasonal_naive", "drift")


def make_model(name: str | Model) -> Model:
    """A new, unfitted model for ``name`` (or ``name`` itself if it is already a Model instance)."""
    if isinstance(name, str) and name.lower() == "combination":
        return _combination()
    try:
        return make_member(name)
    except UnknownModelError:  # the same message, listing the combination too
        raise UnknownModelError(
            f"Unknown model {name!r}. Choose from: {', '.join(MODELS)}; or pass a forcast Model instance."
        ) from None
