"""The work behind a chapter: each measure's trend, projection, backtest and checks, and the comparison.

:func:`forcast.fms.build_chapter` creates one :class:`MeasureResult` per measure and runs these steps on it;
:mod:`forcast.fms.tables` and :mod:`forcast.fms.sections` read the results and compute nothing new.
Warnings from forcast raised during the work are recorded: model fall-backs are disclosed in the chapter, the rest
are logged.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import pandas as pd

from ..data import datasets
from ..forecasting import fiscal
from ..forecasting.fiscal import fy_totals
from ..evaluation.backtesting import Backtest, backtest as run_backtest, origin_period
from ..errors import ForcastError, ForcastWarning, ModelFallbackWarning
from ..forecasting.forecast import Forecast, forecast
from ..models.registry import BASELINES, make_model
from ..data.series import PERIODS_PER_YEAR, meta
from .phrasing import is_stand_in

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

#: Sample paths per model in the chapter's backtest and check: enough for 80% and 95% intervals of annual totals,
#: few enough to keep a chapter to well under a minute.
CHAPTER_BACKTEST_PATHS = 1000
#: Years of history each backtest origin needs at least.
MIN_HISTORY_YEARS = 3
#: Financial years shown in "current demand and trend".
TREND_YEARS = 5



@dataclass
class MeasureResult:
    """Everything computed for one measure; :mod:`forcast.fms.sections` reads only this."""

    name: str
    key: str
    series: pd.Series
    events: tuple
    events_basis: str  # "known" (the series' known events), "given" (the caller's) or "none"
    embedded_crime: bool
    forecast: Forecast | None = None
    trend: pd.DataFrame | None = None  # financial_year, total, change, pct_change (complete years)
    trend_source: str = ""
    calibration: Any = None
    calibration_note: str = ""
    backtest: Backtest | None = None
    backtest_note: str = ""
    reported: tuple = ()
    checks: list = field(default_factory=list)  # (ReportedFigures, CheckResult)
    hindsight: Any = None  # forcast.fms.hindsight.Hindsight: the forecast made on 31 March 2019, judged
    workload: Any = None  # forcast.data.workload.Workload, when workload inputs were given
    warnings: list[str] = field(default_factory=list)

    @property
    def stand_in(self) -> bool:
        return is_stand_in(self.series)

    @property
    def main_model(self) -> str:
        return self.forecast.model_names[0]


@dataclass
class ChapterInputs:
    """The chapter-wide settings and results handed to every section builder."""

    force: str | None
    until: str
    measures: list[MeasureResult]
    seed: int | None
    n_paths: int
    backtest_paths: int
    comparison: Any = None
    comparison_note: str = ""
    embedded_force: bool = False
    crime_types: Any = None  # forcast.fms.crime_types.CrimeTypes, when the chapter breaks crime down by type


# ---------------------------------------------------------------------------------------------- work
def add_trend(result: MeasureResult, force: str | None) -> None:
    if result.embedded_crime:
        from ..reporting.comparison import trend

        years = min(TREND_YEARS, len(datasets.recorded_crime(force, frequency="annual")))
        table = trend(force, years=years).rename(columns={"crimes": "total"})
        for column in ("total", "change", "pct_change"):
            table[column] = table[column].astype("Float64").astype(float)
        result.trend = table
        note = table.attrs.get("note")
        result.trend_source = ("published totals: sums of the Home Office's published quarters"
                               + (f". {note.rstrip('.')}" if note else ""))
    else:
        result.trend = fy_totals(result.series).tail(TREND_YEARS).reset_index(drop=True)
        result.trend_source = "sums of the series' own periods"


def backtest_origins(series: pd.Series, models: Sequence) -> list[pd.Timestamp]:
    """Financial-year ends (31 March) followed by a complete financial year, with enough history before them."""
    freq = meta(series)["frequency"]
    need = max([math.ceil(MIN_HISTORY_YEARS * PERIODS_PER_YEAR[freq] - 1e-9),
                *(make_model(m).min_length(freq) for m in [*models, *BASELINES])])
    coverage = fiscal.group_coverage(series.index)
    origins = []
    for fy, covered in coverage.items():
        if covered < 1 - 1e-9:
            continue
        end = (fy - 1).end_time.normalize()
        last = origin_period(series.index, end)
        if last is not None and series.index.get_loc(last) + 1 >= need:
            origins.append(end)
    return origins


def _record(result: MeasureResult, caught: list) -> None:
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, ModelFallbackWarning) and text not in result.warnings:
            result.warnings.append(text)
        logger.info("%s: %s", result.name, text)


def add_forecast(result: MeasureResult, until: str, models: Sequence, n_paths: int, seed: int | None) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForcastWarning)
        result.forecast = forecast(result.series, until=until, models=models, n_paths=n_paths, seed=seed,
                                   events=result.events, calibration=result.calibration,
                                   known_events="none")
    _record(result, caught)


def add_backtest(result: MeasureResult, models: Sequence, n_paths: int, seed: int | None) -> None:
    origins = backtest_origins(result.series, models)
    if not origins:
        result.backtest_note = (
            f"There is too little history to test past forecasts: no financial year is complete after "
            f"{MIN_HISTORY_YEARS} years of data.")
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForcastWarning)
        result.backtest = run_backtest(result.series, origins=origins, horizon="4y", models=models,
                                       events=result.events, seed=seed, n_paths=n_paths, known_events="none")
    _record(result, caught)


def add_checks(result: MeasureResult, models: Sequence, n_paths: int, seed: int | None) -> None:
    from ..evaluation.checking import check

    for figures in result.reported:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ForcastWarning)
            outcome = check(result.series, figures.financial_year, origin=figures.origin, actual=figures.actual,
                            reported_forecast=figures.forecast, models=models, events=result.events, seed=seed,
                            known_events="none",
                            n_paths=n_paths, calibration=result.calibration)
        _record(result, caught)
        result.checks.append((figures, outcome))


def add_hindsight(result: MeasureResult) -> None:
    """The forecast made on 31 March 2019 for the complete financial years after it, judged against what was
    recorded (:mod:`forcast.fms.hindsight`): the backtest's fold at that origin, calibrated as the projection.
    Nothing when the backtest has no such origin or no financial year after it is complete."""
    from .hindsight import ORIGIN, judge

    if result.backtest is not None and result.forecast is not None:
        result.hindsight = judge(result.backtest, ORIGIN, model=result.main_model, events=result.events,
                                 calibration=result.calibration)


def add_comparison(inputs: ChapterInputs) -> None:
    crime = [r for r in inputs.measures if meta(r.series)["measure"] == "recorded_crime"]
    if not crime:
        inputs.comparison_note = ("Comparison with other forces uses recorded crime, which this chapter does not "
                                  "cover; the measures shown have no published figures for other forces.")
        return
    if not inputs.embedded_force:
        inputs.comparison_note = (f"No published recorded crime is embedded for {inputs.force or 'this area'}, so "
                                  f"it is not compared with other forces.")
        return
    from ..reporting.comparison import compare

    try:
        inputs.comparison = compare(inputs.force)
    except ForcastError as exc:
        inputs.comparison_note = f"{inputs.force} is not compared with other forces: {exc}"
