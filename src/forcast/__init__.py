"""forcast: forecast police demand to financial-year totals with honest intervals.

Quickstart::

    import forcast
    crime = forcast.datasets.recorded_crime("Lancashire")
    fc = forcast.forecast(crime, until="2022/23", seed=1,
                          events=[forcast.LevelShift("2018-04", "recording change")])
    fc.financial_years()      # financial-year totals with 80% and 95% intervals
    fc.plot()                 # fan chart

    forcast.backtest(crime)   # refit at past financial-year ends, compare with what happened
    forcast.forecast_many(forcast.many.recorded_crime_series(by="offence-group"), reconcile="offence_group",
                          n_jobs=2)   # every force x offence group, groups adding up to each force's total
    forcast.fms.build_chapter(force="Lancashire").write("out/")   # FMS demand chapter: md, html, docx

Where things live: :mod:`forcast.data` (loading and the embedded data), :mod:`forcast.models`,
:mod:`forcast.forecasting`, :mod:`forcast.evaluation` (backtests, metrics, calibration, the check),
:mod:`forcast.reporting` and :mod:`forcast.fms` (charts, the FMS chapter), :mod:`forcast.cli`.
``forcast.backtest`` and ``forcast.check`` are functions (from :mod:`forcast.evaluation.backtesting` and
:mod:`forcast.evaluation.checking`). The module paths of earlier versions (``forcast.forecast``, ``from
forcast.backtest import Backtest``, ``forcast.calibration``...) still import, as the same modules
(:mod:`forcast._old_paths`).
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version as _version

from . import _old_paths, errors, fms
from .data import datasets
from .data.call_exports import count_calls, load_calls
from .data.holidays import BankHolidays
from .data.loading import load_series
from .evaluation import backtesting, checking
from .evaluation.backtesting import backtest
from .evaluation.checking import check
from .forecasting import many
from .forecasting.forecast import Forecast, forecast
from .forecasting.many import backtest_many, forecast_many
from .forecasting.reconcile import Hierarchy
from .models.events import ExcludedPeriod, LevelShift, Outlier
from .reporting import comparison

_old_paths.install(sys.modules[__name__])
#: Modules that are attributes of the package without being in ``__all__`` (``forcast.backtesting.Backtest``).
_MODULE_ATTRIBUTES = (backtesting, checking, many)


def __getattr__(name: str):  # forcast.paths, forcast.series... : the old module names, as attributes
    return _old_paths.attribute(name)


try:
    __version__ = _version("forcast")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "__version__",
    "datasets",
    "errors",
    "load_series",
    "load_calls",
    "count_calls",
    "forecast",
    "Forecast",
    "LevelShift",
    "ExcludedPeriod",
    "Outlier",
    "BankHolidays",
    "forecast_many",
    "backtest_many",
    "Hierarchy",
    "backtest",
    "check",
    "comparison",
    "fms",
]
