"""The old import path of :mod:`forcast.backtesting`: ``from forcast.backtest import Backtest, backtest`` still works.

``forcast.backtest`` (the attribute of the package) is the function :func:`forcast.backtesting.backtest`, not this
module: ``forcast/__init__.py`` imports this module first and then binds the function over it, so a later
``import forcast.backtest`` finds the module already loaded and leaves the function in place. The function also
carries these names as attributes, so code written against the old callable module (``forcast.backtest.Backtest``,
``forcast.backtest.RollingOrigin``) keeps running. New code imports from :mod:`forcast.backtesting`.
"""

from __future__ import annotations

from .backtesting import (DEFAULT_BACKTEST_MODELS, DEFAULT_BACKTEST_PATHS, Backtest, Fold, RollingOrigin, backtest,
                          observable_events, origin_end, origin_period)

__all__ = ["backtest", "Backtest", "Fold", "RollingOrigin", "observable_events", "origin_end", "origin_period",
           "DEFAULT_BACKTEST_MODELS", "DEFAULT_BACKTEST_PATHS"]

from .backtesting import _FYBlock  # noqa: E402,F401  (Backtests pickled before the rename refer to it here)

for _name in __all__:  # forcast.backtest.Backtest etc. on the function, as on the old callable module
    setattr(backtest, _name, globals()[_name])
del _name
