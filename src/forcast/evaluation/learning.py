"""What interval methods learn from: past forecasts of financial years, as a backtest holds them.

:class:`~forcast.evaluation.calibration.Calibration` and :class:`~forcast.evaluation.conformal.ErrorQuantiles` are
learned from backtests (:class:`~forcast.evaluation.backtesting.Backtest`) and applied to new forecasts by
:mod:`forcast.forecasting.intervals`. They read a backtest only through :class:`LearnedFrom`, so neither imports
the backtesting module (which runs forecasts, which apply them). :class:`LearningRows` picks the rows they learn
from: the financial years ended by a date ("real time") and not left out for cross-validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol

import pandas as pd

from ..forecasting import fiscal


class LearnedFrom(Protocol):
    """What a calibration reads of a backtest (a :class:`~forcast.evaluation.backtesting.Backtest` is one)."""

    series: pd.Series
    levels: tuple

    def financial_years(self) -> pd.DataFrame: ...

    def widened(self, calibration: Any) -> "LearnedFrom": ...


@dataclass(frozen=True)
class LearningRows:
    """Which rows of a financial-year backtest frame a calibration learns from (see ``from_backtests``)."""

    known_by: Any = None
    exclude_years: Iterable[str] = ()

    def __call__(self, fy: pd.DataFrame) -> pd.DataFrame:
        if self.known_by is not None:
            cutoff = pd.Timestamp(self.known_by)
            ends = fy["financial_year"].map(lambda lab: fiscal.parse_financial_year(lab).end_time.normalize())
            fy = fy[ends <= cutoff]
        excluded = [self.exclude_years] if isinstance(self.exclude_years, str) else list(self.exclude_years)
        return fy[~fy["financial_year"].isin(excluded)] if excluded else fy
