"""The module paths forcast had before its modules were grouped into folders (issue 16), still importable.

:data:`OLD_PATHS` maps each old dotted name to the module that now holds its code. :func:`install` (run by
``forcast/__init__.py``) puts a finder on :data:`sys.meta_path` that answers for these names only: importing an old
name imports the new module and returns that very module object, which :data:`sys.modules` then holds under both
names. So ``from forcast.forecast import fit_models``, ``import forcast.calibration`` and pickles that name an old
module (``forcast.backtest._FYBlock``) keep working, and nothing is imported before an old name is asked for.
``forcast.paths`` and the other old names also resolve as attributes of the package (:func:`attribute`, the
package's ``__getattr__``), as they did when ``import forcast`` loaded them.

``forcast.forecast``, ``forcast.backtest`` and ``forcast.check`` are functions on the package, and were also module
names. The import system binds a submodule over the parent's attribute of that name when it first loads it, so
:func:`install` registers these three in :data:`sys.modules` straight away (their modules are loaded by ``import
forcast`` anyway): a later ``import forcast.backtest`` finds it loaded and leaves the function in place. The
three functions also carry the main names of their old modules as attributes (``forcast.backtest.Backtest``,
``forcast.check.CheckResult``, ``forcast.forecast.fit_models``), so ``import forcast.forecast as fm; fm.fit_models``
works although ``fm`` is the function. New code imports the new paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

#: Old dotted name -> the module that holds its code now.
OLD_PATHS: dict[str, str] = {
    **{f"forcast.{name}": f"forcast.data.{name}" for name in (
        "reading", "date_cells", "dates", "frequency", "validation", "series", "datasets", "_datafiles",
        "home_office", "crime_series", "crime_rates", "calls", "call_exports", "holidays", "releases",
        "known_events", "workload")},
    "forcast.events": "forcast.models.events",
    **{f"forcast.{name}": f"forcast.forecasting.{name}" for name in (
        "forecast", "paths", "intervals", "fiscal", "horizon", "many", "reconcile", "parallel")},
    **{f"forcast.{name}": f"forcast.evaluation.{name}" for name in (
        "origins", "backtesting", "metrics", "calibration", "conformal", "checking")},
    "forcast.backtest": "forcast.evaluation.backtesting",
    "forcast.check": "forcast.evaluation.checking",
    **{f"forcast.{name}": f"forcast.reporting.{name}" for name in (
        "plotting", "wording", "comparison", "outputs", "out_folder")},
}
# ``forcast.data`` was a module and is now the package of the same name, which exports what the module did.

#: Old module names that are functions on the package, with the names the old callable module offered.
CALLABLE_MODULES: dict[str, tuple[str, ...]] = {
    "forcast.forecast": ("forecast", "Forecast", "fit_models", "DEFAULT_MODELS", "DEFAULT_LEVELS", "DEFAULT_N_PATHS",
                         "DEFAULT_SEED"),
    "forcast.backtest": ("backtest", "Backtest", "Fold", "RollingOrigin", "observable_events", "origin_end",
                         "origin_period", "DEFAULT_BACKTEST_MODELS", "DEFAULT_BACKTEST_PATHS"),
    "forcast.check": ("check", "CheckResult"),
}


class _SameModule(importlib.abc.Loader):
    """Loads an old name as the module that holds its code now (no new module object, nothing run twice)."""

    def __init__(self, new: str) -> None:
        self.new = new
        self._spec = None

    def create_module(self, spec):
        module = importlib.import_module(self.new)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec  # the import system stamped the old name's spec on it; the module keeps its own


class _OldPathFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        new = OLD_PATHS.get(fullname)
        return None if new is None else importlib.machinery.ModuleSpec(fullname, _SameModule(new))


def install(package: ModuleType) -> None:
    """Register the finder (once), the modules of the old names that are functions, and their attributes."""
    if not any(isinstance(finder, _OldPathFinder) for finder in sys.meta_path):
        sys.meta_path.append(_OldPathFinder())
    for old, names in CALLABLE_MODULES.items():
        module = importlib.import_module(OLD_PATHS[old])
        sys.modules.setdefault(old, module)
        function = getattr(package, old.rpartition(".")[2])
        for name in names:
            setattr(function, name, getattr(module, name))


def attribute(name: str) -> ModuleType:
    """``forcast.<name>`` for an old module name (``forcast.paths``); AttributeError for anything else."""
    if f"forcast.{name}" not in OLD_PATHS:
        raise AttributeError(f"module 'forcast' has no attribute {name!r}")
    return importlib.import_module(f"forcast.{name}")
