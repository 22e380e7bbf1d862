"""forcast: forecast police demand to financial-year totals with honest intervals.

Quickstart::

    import forcast
    crime = forcast.datasets.recorded_crime("Lancashire")
    fc = forcast.forecast(crime, until="2022/23", seed=1,
                          events=[forcast.LevelShift("2018-04", "recording change")])
    fc.financial_years()      # financial-year totals with 80% and 95% intervals
    fc.plot()                 # fan chart
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

from . import datasets, errors
from .data import count_calls, load_calls, load_series
from .events import ExcludedPeriod, LevelShift, Outlier
from .forecast import Forecast, forecast

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
]
