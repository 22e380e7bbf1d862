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

``forcast.backtest`` and ``forcast.check`` are functions (from :mod:`forcast.backtesting` and
:mod:`forcast.checking`); ``from forcast.backtest import Backtest`` and ``from forcast.check import check``, the
modules' old names, still work.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

from . import backtest as _backtest_path, check as _check_path  # noqa: F401 - old import paths, loaded first
from . import backtesting, checking, comparison, datasets, errors, fms
from .backtesting import backtest  # binds the function over the module of the old path (see forcast/backtest.py)
from .checking import check
from .data import count_calls, load_calls, load_series
from .events import ExcludedPeriod, LevelShift, Outlier
from .forecast import Forecast, forecast
from .holidays import BankHolidays
from .many import backtest_many, forecast_many
from .reconcile import Hierarchy

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
