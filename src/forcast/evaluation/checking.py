"""Check one financial-year forecast against its actual, as an inspector would: ``forcast.check``.

``forcast.check(...)`` is :func:`check`, defined here; ``from forcast.evaluation.checking import check`` (the module's
old name) still works.

"Lancashire forecast 168,705 recorded crimes for 2018/19; the actual was 167,436." :func:`check` rebuilds what
forcast would have said at a chosen origin, using only the data up to that origin (and only the declared events
observable by then, see :func:`forcast.evaluation.origins.observable_events`), and sets it beside the actual and, when
given, the forecast someone reported. :class:`CheckResult` gives the table and a plain-English statement.

The actual is the one given (``actual=``, e.g. the force's own figure) or, when the series holds the whole
financial year, the series' own total; the result always says which was used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import pandas as pd

from ..forecasting import fiscal
from ..arguments import (check_events, check_min_after_shift, check_models, check_n_paths, check_seed,
                        check_total)
from ..data.known_events import declared_events
from .origins import observable_events, origin_end, origin_period
from ..errors import ParameterError, SeriesTooShortError
from ..forecasting.forecast import (DEFAULT_MODELS, DEFAULT_N_PATHS, DEFAULT_SEED, Forecast, forecast,
                                    uses_no_change_members)
from ..models.base import Model
from ..models.registry import BASELINES
from ..forecasting.paths import DEFAULT_LEVELS, check_levels, interval_columns
from ..data.series import PERIODS_PER_YEAR, check_demand_series, meta

MODEL_WORDS = {"combination": "the combination of ETS and ARIMA", "ets": "ETS", "arima": "ARIMA",
               "naive": "the naive baseline", "seasonal_naive": "the seasonal naive baseline",
               "drift": "the drift baseline"}
PERIOD_WORDS = {"daily": "days", "weekly": "weeks", "monthly": "months", "quarterly": "quarters", "annual": "years"}


@dataclass
class CheckResult:
    """Our forecast of one financial year from one origin, beside the actual (and a reported forecast)."""

    series: pd.Series
    financial_year: str
    origin: pd.Timestamp
    forecast: Forecast
    actual: float
    actual_source: str
    series_total: float | None
    reported_forecast: float | None = None
    levels: tuple = DEFAULT_LEVELS
    notes: list[str] = field(default_factory=list)

    @property
    def model(self) -> str:
        """The model the statement speaks for: the combination when there is one, else the first model."""
        names = self.forecast.model_names
        return "combination" if "combination" in names else names[0]

    def table(self) -> pd.DataFrame:
        """One row per model (and one for the reported forecast): predicted, intervals, actual and the error.

        Columns: ``forecast, model, origin, financial_year, observed_part, predicted, lower_80, upper_80, lower_95,
        upper_95, actual, actual_source, error, pct_error, inside_80, inside_95``; ``error = actual - predicted``.
        """
        fy = self.forecast.financial_years()
        fy = fy[fy["financial_year"] == self.financial_year].rename(columns={"mean": "predicted"})
        fy.insert(0, "forecast", "forcast")
        if self.reported_forecast is not None:
            reported = {"forecast": "reported", "model": "reported", "financial_year": self.financial_year,
                        "observed_part": pd.NA, "predicted": float(self.reported_forecast)}
            fy = pd.concat([fy, pd.DataFrame([reported])], ignore_index=True)
        fy.insert(2, "origin", self.origin)
        fy["actual"] = float(self.actual)
        fy["actual_source"] = self.actual_source
        fy["error"] = fy["actual"] - fy["predicted"]
        fy["pct_error"] = 100 * fy["error"] / fy["actual"]
        for level in self.levels:
            lo, hi = fy[f"lower_{level:g}"], fy[f"upper_{level:g}"]
            inside = ((lo <= fy["actual"]) & (fy["actual"] <= hi)).astype("boolean")
            inside[lo.isna()] = pd.NA
            fy[f"inside_{level:g}"] = inside
        cols = ["forecast", "model", "origin", "financial_year", "observed_part", "predicted",
                *interval_columns(self.levels), "actual", "actual_source", "error", "pct_error",
                *[f"inside_{lv:g}" for lv in self.levels]]
        return fy[cols].reset_index(drop=True)

    def statement(self) -> str:
        """A short paragraph in the inspectorate's manner, with the numbers of :meth:`table`."""
        table = self.table()
        row = table[(table["forecast"] == "forcast") & (table["model"] == self.model)].iloc[0]
        m = meta(self.series)
        unit = "recorded crimes" if m["measure"] == "recorded_crime" else m["unit"]
        top = max(self.levels)
        lo, hi = row[f"lower_{top:g}"], row[f"upper_{top:g}"]
        per_year = int(round(PERIODS_PER_YEAR[m["frequency"]]))
        words = PERIOD_WORDS[m["frequency"]]
        seen = int(row["observed_part"])
        parts = [
            f"At origin {self.origin:%d %b %Y} ({seen} of {per_year} {words} of {self.financial_year} observed), "
            f"forcast ({self._model_words()}) predicted {row['predicted']:,.0f} {unit} for "
            f"{self.financial_year} ({top:g}% interval {lo:,.0f}–{hi:,.0f})."
        ]
        parts.append(f"The actual used is {self.actual:,.0f} ({self._actual_words()}).")
        inside = "inside" if bool(row[f"inside_{top:g}"]) else "outside"
        parts.append(f"The error is {_signed(row['error'])} ({_signed(row['pct_error'], 1)}%: the forecast was "
                     f"{abs(row['error']):,.0f} too {'low' if row['error'] > 0 else 'high'}); the actual is {inside} "
                     f"the {top:g}% interval.")
        if self.reported_forecast is not None:
            rep = table[table["forecast"] == "reported"].iloc[0]
            where = "inside" if lo <= self.reported_forecast <= hi else "outside"
            parts.append(f"The reported forecast {self.reported_forecast:,.0f} differs from the actual by "
                         f"{_signed(rep['error'])} ({_signed(rep['pct_error'], 1)}%: "
                         f"{abs(rep['error']):,.0f} too {'low' if rep['error'] > 0 else 'high'}) and lies {where} "
                         f"our {top:g}% interval.")
        parts += [f"Note: {n[0].upper()}{n[1:].rstrip('.')}." for n in self.notes]
        return " ".join(parts)

    def _model_words(self) -> str:
        if self.model == "combination" and uses_no_change_members(self.series):
            return "the combination of ETS, ARIMA and two no-change forecasts"
        return MODEL_WORDS.get(self.model, self.model)

    def _actual_words(self) -> str:
        if self.actual_source == "series":
            return f"the total of the series, {_source_name(self.series)}"
        if self.series_total is not None:
            return (f"given by the user; the series ({_source_name(self.series)}) gives "
                    f"{self.series_total:,.0f}")
        fy = fiscal.parse_financial_year(self.financial_year)
        have = fiscal.periods_in_group(self.series.index, fy)
        per_year = int(round(PERIODS_PER_YEAR[meta(self.series)["frequency"]]))
        return (f"given by the user; the series holds {have} of the {per_year} "
                f"{PERIOD_WORDS[meta(self.series)['frequency']]} of {self.financial_year}, so it cannot give one")

    def __repr__(self) -> str:
        return f"<CheckResult {self.financial_year} from {self.origin:%Y-%m-%d}: {self.model}>"


def check(
    series: pd.Series,
    financial_year: str = "2018/19",
    origin: Any = "2018-09-30",
    actual: float | None = None,
    reported_forecast: float | None = None,
    models: Sequence[str | Model] = DEFAULT_MODELS,
    events: Iterable[Any] = (),
    seed: int | None = DEFAULT_SEED,
    n_paths: int = DEFAULT_N_PATHS,
    levels: Iterable = DEFAULT_LEVELS,
    baselines: bool = True,
    calibration: Any = "default",
    min_after_shift: int = 1,
    known_events: Any = "default",
    progress: bool = False,
) -> CheckResult:
    """Forecast ``financial_year`` from ``origin`` with the data up to it, and compare with the actual.

    ``actual``: the figure to judge by (e.g. the force's own); if None, the series' own total (the year must then
    be complete in the series). ``reported_forecast``: a forecast someone published, shown beside ours. Both may
    be given as text with thousands separators (``"168,705"``).
    ``events`` apply as far as observable at the origin (``min_after_shift`` as in :func:`forcast.backtest`), and so
    do the known breaks the series carries (``known_events`` as in :func:`forcast.forecast`). ``progress=True``
    shows a tqdm bar while the forecast is made, as in :func:`forcast.forecast`.
    """
    series = check_demand_series(series, purpose="checking a forecast")
    levels = check_levels(levels)
    seed, n_paths = check_seed(seed), check_n_paths(n_paths)
    models, events = check_models(models), check_events(events)
    min_after_shift = check_min_after_shift(min_after_shift)
    actual, reported_forecast = check_total(actual, "actual"), check_total(reported_forecast, "reported_forecast")
    fy = fiscal.parse_financial_year(financial_year)
    label = fiscal.label(fy)
    end = origin_end(origin)
    if end > series.index[-1].end_time.normalize():
        raise ParameterError(f"The origin {end:%d %b %Y} is after the last observation ({series.index[-1]}); "
                             f"a check needs the data up to its origin. Choose an earlier origin.")
    last = origin_period(series.index, end)
    if last is None:
        raise SeriesTooShortError(f"The origin {end:%d %b %Y} is before the series starts ({series.index[0]}).")
    if last.end_time >= fy.end_time:
        raise ParameterError(f"The origin {end:%d %b %Y} is at or after the end of {label}; there is nothing left "
                             f"to forecast. Choose an origin before {fy.end_time:%d %b %Y}.")
    coverage = fiscal.group_coverage(series.index).get(fy, 0.0)
    series_total = None
    if coverage >= 1 - 1e-9:
        series_total = float(series.to_numpy(dtype=float) @ fiscal.group_weights(series.index)[fy].to_numpy())
    if actual is None and series_total is None:
        raise ParameterError(
            f"The series does not hold all of {label} (it ends {series.index[-1]}), so it cannot give the actual. "
            f"Give the actual total, e.g. actual=167436 (command line: --actual 167436).")
    train = series.loc[:last]
    events, _ = declared_events(series, events, known_events)
    applied, notes = observable_events(events, train.index, min_after_shift)
    specs = list(models)
    if baselines:
        names = {(m.name if isinstance(m, Model) else str(m).lower()) for m in specs}
        specs += [b for b in BASELINES if b not in names]
    fc = forecast(train, until=label, models=specs, levels=levels, n_paths=n_paths, seed=seed, events=applied,
                  calibration=calibration, known_events="none", allow_short_history=True, progress=progress)
    if last.end_time.normalize() != end:
        notes.insert(0, f"the origin {end:%d %b %Y} falls inside {last + 1}; the data used end with {last}")
    shifts = [e for e in applied if type(e).__name__ == "LevelShift"]
    notes += [f"the {s.label} from {s.start} is modelled as a level shift" for s in shifts]
    notes += list(fc.notes)
    return CheckResult(series, label, last.end_time.normalize(), fc,
                       float(actual if actual is not None else series_total),
                       "given" if actual is not None else "series", series_total,
                       None if reported_forecast is None else float(reported_forecast), levels, notes)


def _signed(value: float, digits: int = 0) -> str:
    return f"{value:+,.{digits}f}".replace("-", "−")


def _source_name(series: pd.Series) -> str:
    m = meta(series)
    src = str(m.get("source") or "")
    return src.split(";")[0].split(" (")[0].split(". ")[0].rstrip(".") if src else "as loaded"  # the title only
