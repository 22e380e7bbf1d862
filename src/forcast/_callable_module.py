"""Let ``forcast.backtest(...)`` and ``forcast.check(...)`` be called while staying modules.

The public API names both a function (``forcast.backtest(series, ...)``) and a module holding its classes
(``from forcast.backtest import Backtest``). Re-exporting the function in ``forcast/__init__.py`` would hide the
module (``forcast.backtest.Backtest`` and ``import forcast.backtest as bt`` would then fail), so instead the module
itself becomes callable: calling it calls the function of the same name. Everything else about the module is as
usual.
"""

from __future__ import annotations

import sys
import types


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        return getattr(self, self.__name__.rsplit(".", 1)[-1])(*args, **kwargs)


def make_callable(module_name: str) -> None:
    """Make module ``module_name`` callable as its function of the same name (e.g. ``forcast.backtest``)."""
    sys.modules[module_name].__class__ = _CallableModule
