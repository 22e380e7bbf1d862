"""Backtests: forecast from past origins with only the data known then, and compare with what happened.

Two parts, kept apart (as in skforecast and pmdarima):

* :class:`RollingOrigin` — the **splitter**. It only decides where the folds are: which origins, how much history
  each needs, how far ahead each looks. It validates its settings when built.
* :func:`backtest` — the **runner**. At each origin it calls :func:`forcast.forecast` on the history up to the
  origin (so fitting, the combination, fallbacks, calibration and every interval come from exactly the same code
  as a live forecast), keeps the sample paths, and returns a :class:`Backtest`.

An origin is a date; the training data are the periods that **end on or before** it. The default origins are the
financial-year ends (31 March) that leave at least ``min_history`` of history (3 years by default, and never less
than the models need) and at least one actual after them. With the embedded quarterly recorded crime
(2006Q2–2018Q4, 51 quarters) that gives ten origins, March 2009 – March 2018, each followed by at most four
financial years, of which the complete ones (up to 2017/18) are evaluated: 9 + 8 + ... points that overlap heavily
(see ``docs/backtesting.md``).

Declared events are honoured only as far as they were observable at each origin (:func:`observable_events`): an
event after the origin is dropped, an excluded period running past the origin is cut at it, and a level shift is
applied only when at least ``min_after_shift`` periods on the new basis (default **1**) had been observed. One
period is enough because that period is in the training data either way: leaving the shift out would make the
models read a recording change as demand. Its size then rests on one period, so treat such forecasts with care.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from . import fiscal
from .errors import ParameterError, SeriesTooShortError
from .models.base import Model
from .models.registry import BASELINES, make_model
from .paths import DEFAULT_LEVELS, check_levels, group_totals, interval_columns, summarise
from .series import PERIODS_PER_YEAR, check_demand_series, meta

logger = logging.getLogger(__name__)

_YEARS = re.compile(r"^\s*(\d+)\s*y\s*$", re.IGNORECASE)
DEFAULT_BACKTEST_MODELS: tuple[str, ...] = ("ets", "arima")
DEFAULT_BACKTEST_PATHS = 2000


# ---------------------------------------------------------------------------------------------- settings
def _years_or_periods(value: Any, name: str, example: str) -> tuple[str, int]:
    """``"4y"`` -> ``("years", 4)``; ``8`` -> ``("periods", 8)``; anything else raises ParameterError."""
    if isinstance(value, str):
        match = _YEARS.match(value)
        if match and int(match.group(1)) > 0:
            return "years", int(match.group(1))
    elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and value > 0:
        return "periods", int(value)
    raise ParameterError(
        f"`{name}` must be an integer greater than 0 or a string like {example!r}. Got {value!r}."
    )


def origin_end(value: Any) -> pd.Timestamp:
    """The last day an origin covers: ``"2018-09-30"`` and ``"2018Q3"`` and ``"2018-09"`` all give 30 Sep 2018."""
    try:
        if isinstance(value, pd.Period):
            return value.end_time.normalize()
        if isinstance(value, str):
            return pd.Period(value.strip()).end_time.normalize()
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ParameterError(
            f"An origin must be a date such as '2018-03-31' (or a period such as '2018Q1'). Got {value!r}."
        ) from None


def origin_period(index: pd.PeriodIndex, value: Any) -> pd.Period | None:
    """The last period of ``index`` that ends on or before origin ``value`` (None if there is none)."""
    ends = index.end_time.normalize()
    before = np.flatnonzero(ends <= origin_end(value))
    return index[before[-1]] if before.size else None


class RollingOrigin:
    """Expanding-window splits at chosen origins: train on everything up to the origin, test on what follows.

    ``origins``: dates (``"2015-03-31"``), or None for every financial-year end (31 March) with enough history.
    ``horizon``: ``"4y"`` (to the end of the 4th financial year counted from the one the first forecast period
    falls in) or a number of periods. ``min_history``: ``"3y"`` or a number of periods each training set needs.
    Folds (``o`` = origin, the last training period; the test is cut where the data end)::

        series   |-------------------------------------------------------------------------|
        fold 1   |=== train (>= min_history) ===|o|---- test (horizon) ----|
        fold 2   |============= train ====================|o|---- test (horizon) ----|
        fold 3   |======================= train ==========================|o|--- test ---|  (cut)

    Every fold's training data end exactly at its origin and its test starts at the next period, so no value
    after the origin is ever seen by the model fitted there.
    """

    def __init__(self, origins: Iterable[Any] | None = None, horizon: int | str = "4y",
                 min_history: int | str = "3y") -> None:
        self.origins = origins
        self.horizon = horizon
        self.min_history = min_history
        self._horizon = _years_or_periods(horizon, "horizon", "4y")
        self._min_history = _years_or_periods(min_history, "min_history", "3y")
        if origins is not None:
            if isinstance(origins, (str, pd.Timestamp, pd.Period)):
                origins = [origins]
            self._origin_ends = sorted({origin_end(o) for o in origins})
            if not self._origin_ends:
                raise ParameterError("`origins` must hold at least one date, or be None for the defaults. Got [].")
        else:
            self._origin_ends = None

    def __repr__(self) -> str:
        return f"RollingOrigin(origins={self.origins!r}, horizon={self.horizon!r}, min_history={self.min_history!r})"

    # ------------------------------------------------------------------ per series
    def min_history_periods(self, series: pd.Series) -> int:
        kind, n = self._min_history
        return n if kind == "periods" else math.ceil(n * PERIODS_PER_YEAR[meta(series)["frequency"]] - 1e-9)

    def horizon_for(self, origin: pd.Period) -> int:
        """Number of periods forecast from ``origin`` (the last training period)."""
        kind, n = self._horizon
        if kind == "periods":
            return n
        last_fy = fiscal.financial_year((origin + 1).start_time) + (n - 1)
        return int((pd.Period(last_fy.end_time, freq=origin.freq) - origin).n)

    def origins_for(self, series: pd.Series) -> list[pd.Period]:
        """The origins (as last training periods) for ``series``; explicit origins are checked, defaults filtered."""
        index = series.index
        need = self.min_history_periods(series)
        if self._origin_ends is None:
            years = range(index[0].start_time.year, index[-1].end_time.year + 1)
            candidates = {origin_period(index, pd.Timestamp(year=y, month=3, day=31)) for y in years}
            keep = [p for p in candidates if p is not None and p < index[-1]
                    and index.get_loc(p) + 1 >= need]
            if not keep:
                raise SeriesTooShortError(
                    f"No financial-year end in {index[0]}–{index[-1]} leaves {need} periods of history and an "
                    f"actual after it, so there is nothing to backtest. Use a longer series, or give `origins` "
                    f"and a smaller `min_history`."
                )
            return sorted(keep)
        out = []
        for end in self._origin_ends:
            p = origin_period(index, end)
            have = 0 if p is None else index.get_loc(p) + 1
            if have < need:
                raise SeriesTooShortError(
                    f"Origin {end:%d %b %Y} leaves {have} periods of history; each origin needs at least {need} "
                    f"(`min_history`={self.min_history!r}). The series starts {index[0]}. Choose a later origin."
                )
            if p >= index[-1]:
                raise ParameterError(
                    f"Origin {end:%d %b %Y} has no actual after it (the series ends {index[-1]}), so nothing can "
                    f"be checked. Choose an origin before {index[-1].start_time:%d %b %Y}."
                )
            out.append(p)
        return sorted(set(out))

    def split(self, series: pd.Series) -> Iterator[tuple[pd.Series, pd.Series]]:
        """Yield ``(train, test)`` for each origin; ``test`` holds at most ``horizon`` periods."""
        for origin in self.origins_for(series):
            stop = series.index.get_loc(origin) + 1
            yield series.iloc[:stop], series.iloc[stop:stop + self.horizon_for(origin)]

    def get_n_splits(self, series: pd.Series) -> int:
        return len(self.origins_for(series))


# ---------------------------------------------------------------------------------------------- events
def observable_events(events: Iterable[Any], index: pd.PeriodIndex,
                      min_after_shift: int = 1) -> tuple[tuple, list[str]]:
    """The declared ``events`` that can be honoured on training periods ``index``, and notes on the others.

    An event that starts after the last training period is dropped; an excluded period running past it is cut at
    it; a level shift is kept only when at least ``min_after_shift`` periods from its start were observed. The
    rest goes through :func:`forcast.events.clip_events`. Returns ``(events, notes)``, the notes in words.
    """
    from .events import ExcludedPeriod, LevelShift, Outlier, _as_tuple, _resolve, clip_events

    last = index[-1]
    keep, notes = [], []
    for event in (_resolve(e, index.freq) for e in _as_tuple(events)):
        if isinstance(event, LevelShift):
            after = int((last - event.start).n) + 1
            if after < min_after_shift:
                why = "it starts after the origin" if after <= 0 else (
                    f"only {after} period(s) on the new basis observed by {last}, {min_after_shift} needed")
                notes.append(f"level shift {event.label!r} at {event.start} not applied: {why}")
                continue
        elif isinstance(event, ExcludedPeriod) and event.start > last:
            notes.append(f"excluded period {event.label!r} ({event.start}–{event.end}) not applied: after the origin")
            continue
        elif isinstance(event, ExcludedPeriod) and event.end > last:
            notes.append(f"excluded period {event.label!r} cut at the origin ({event.start}–{last})")
        elif isinstance(event, Outlier) and event.period > last:
            notes.append(f"outlier {event.label!r} at {event.period} not applied: after the origin")
            continue
        keep.append(event)
    kept = clip_events(keep, index)
    for event in keep:
        if isinstance(event, LevelShift) and event not in kept:
            notes.append(f"level shift {event.label!r} at {event.start} not applied: it cannot be estimated "
                         f"from the history up to {last}")
    return kept, notes


# ---------------------------------------------------------------------------------------------- results
@dataclass
class Fold:
    """What one origin produced: its forecast periods, the sample paths per model and what was applied."""

    origin: pd.Period
    index: pd.PeriodIndex
    paths: dict[str, np.ndarray]
    events: tuple = ()
    notes: list[str] = field(default_factory=list)
    specifications: dict[str, Any] = field(default_factory=dict)

    @property
    def date(self) -> pd.Timestamp:
        return self.origin.end_time.normalize()


@dataclass
class Backtest:
    """Forecasts from several past origins with their sample paths, and the actuals to judge them by.

    Build one with :func:`backtest`. :meth:`table` (per period) and :meth:`financial_years` (per financial year)
    are the tidy frames :mod:`forcast.metrics` and :mod:`forcast.calibration` read; :meth:`paths` and
    :meth:`path_totals` give the samples behind them (for CRPS).
    """

    series: pd.Series
    splitter: RollingOrigin
    levels: tuple
    folds: list[Fold]
    seed: int | None = None
    n_paths: int = DEFAULT_BACKTEST_PATHS
    calibration: Any = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def origins(self) -> list[pd.Timestamp]:
        return [f.date for f in self.folds]

    @property
    def models(self) -> list[str]:
        names: list[str] = []
        for fold in self.folds:
            names += [n for n in fold.paths if n not in names]
        return names

    def training(self, origin: Any) -> pd.Series:
        """The history the models saw at ``origin``."""
        fold = self._fold(origin)
        return self.series.loc[: fold.origin]

    def paths(self, origin: Any, model: str) -> pd.DataFrame:
        """Sample paths of ``model`` at ``origin`` for the periods with an actual (rows: paths; columns: periods)."""
        fold = self._fold(origin)
        n = self._n_actual(fold)
        return pd.DataFrame(fold.paths[model][:, :n], columns=fold.index[:n])

    def path_totals(self, origin: Any, model: str) -> pd.DataFrame:
        """Per-path financial-year totals (observed part + simulated rest) for the evaluated financial years."""
        block = self._fy_block(self._fold(origin))
        return pd.DataFrame(block.totals[model], columns=block.labels)

    def table(self) -> pd.DataFrame:
        """Per period: ``origin, date, model, actual, mean, lower_80, upper_80, lower_95, upper_95``."""
        frames = []
        for fold in self.folds:
            n = self._n_actual(fold)
            actual = self.series.iloc[self.series.index.get_loc(fold.origin) + 1:][:n].to_numpy(dtype=float)
            for name, p in fold.paths.items():
                out = summarise(p[:, :n], self.levels)
                out.insert(0, "actual", actual)
                out.insert(0, "model", name)
                out.insert(0, "date", fold.index[:n])
                out.insert(0, "origin", fold.date)
                frames.append(out)
        return pd.concat(frames, ignore_index=True)

    def financial_years(self) -> pd.DataFrame:
        """Per origin and complete financial year ahead: predicted total, intervals, actual and the error.

        Columns: ``origin, financial_year, horizon_year, model, observed_part, predicted, lower_80, upper_80,
        lower_95, upper_95, actual, error, pct_error, inside_80, inside_95``. ``predicted`` is the mean of the path
        totals; ``error = actual - predicted`` (positive: the forecast was too low); ``pct_error`` is the error in
        percent of the actual.
        """
        cols = interval_columns(self.levels)
        frames = []
        for fold in self.folds:
            block = self._fy_block(fold)
            if not block.labels:
                continue
            for name, totals in block.totals.items():
                out = summarise(totals, self.levels).rename(columns={"mean": "predicted"})
                out.insert(0, "observed_part", block.observed_part)
                out.insert(0, "model", name)
                out.insert(0, "horizon_year", block.horizon_years)
                out.insert(0, "financial_year", block.labels)
                out.insert(0, "origin", fold.date)
                out["actual"] = block.actual
                frames.append(out)
        if not frames:
            return pd.DataFrame(columns=["origin", "financial_year", "horizon_year", "model", "observed_part",
                                         "predicted", *cols, "actual", "error", "pct_error",
                                         *[f"inside_{lv:g}" for lv in self.levels]])
        out = pd.concat(frames, ignore_index=True)
        out["error"] = out["actual"] - out["predicted"]
        out["pct_error"] = 100 * out["error"] / out["actual"]
        for level in self.levels:
            out[f"inside_{level:g}"] = (out[f"lower_{level:g}"] <= out["actual"]) & (
                out["actual"] <= out[f"upper_{level:g}"])
        return out

    def widened(self, calibration: Any) -> "Backtest":
        """The same backtest with every path widened by ``calibration`` exactly as :func:`forcast.forecast` does."""
        from .forecast import calibrate

        folds = [Fold(f.origin, f.index, calibrate(f.paths, f.index, calibration),
                      f.events, [*f.notes, calibration.note], f.specifications) for f in self.folds]
        return Backtest(self.series, self.splitter, self.levels, folds, self.seed, self.n_paths, calibration)

    def __repr__(self) -> str:
        from .series import describe_series

        span = f"{self.origins[0]:%b %Y}–{self.origins[-1]:%b %Y}" if self.folds else "no origins"
        return (f"<Backtest {describe_series(self.series)}; {len(self.folds)} origins ({span}); "
                f"models: {', '.join(self.models)}>")

    # ------------------------------------------------------------------ helpers
    def _fold(self, origin: Any) -> Fold:
        end = origin_end(origin)
        for fold in self.folds:
            if fold.date == end:
                return fold
        raise ParameterError(
            f"No origin {end:%d %b %Y} in this backtest. It has: "
            f"{', '.join(f'{d:%Y-%m-%d}' for d in self.origins)}."
        )

    def _n_actual(self, fold: Fold) -> int:
        after = len(self.series) - (self.series.index.get_loc(fold.origin) + 1)
        return min(after, len(fold.index))

    def _fy_block(self, fold: Fold) -> "_FYBlock":
        """Financial years evaluated at ``fold`` (with a forecast part, fully spanned by history + forecast,
        complete in the data) and every model's per-path totals for them, computed once by
        :func:`forcast.paths.group_totals` (all models' paths in one call)."""
        key = fold.date
        if key in self._cache:
            return self._cache[key]
        if "series" not in self._cache:
            self._cache["series"] = (fiscal.group_weights(self.series.index), fiscal.group_coverage(self.series.index))
        series_w, in_data = self._cache["series"]
        stop = self.series.index.get_loc(fold.origin) + 1
        train = self.series.iloc[:stop]
        spanned = fiscal.group_coverage(train.index.append(fold.index))
        weights = fiscal.group_weights(fold.index)
        groups = [g for g in weights.columns if weights[g].sum() > 0
                  and spanned.get(g, 0) >= 1 - 1e-9 and in_data.get(g, 0) >= 1 - 1e-9]
        names = list(fold.paths)
        totals: dict[str, np.ndarray] = {}
        if groups:
            _, stacked = group_totals(np.vstack([fold.paths[n] for n in names]), weights[groups], train)
            totals = dict(zip(names, np.split(stacked, len(names))))
        first_fy = fiscal.financial_year(fold.index[0])
        block = _FYBlock(
            labels=[fiscal.label(g) for g in groups],
            horizon_years=[int((g - first_fy).n) + 1 for g in groups],
            observed_part=(series_w.iloc[:stop].reindex(columns=groups, fill_value=0.0).to_numpy() > 0).sum(axis=0),
            actual=self.series.to_numpy(dtype=float) @ series_w.reindex(columns=groups, fill_value=0.0).to_numpy(),
            totals=totals,
        )
        self._cache[key] = block
        return block


@dataclass
class _FYBlock:
    labels: list[str]
    horizon_years: list[int]
    observed_part: np.ndarray
    actual: np.ndarray
    totals: dict[str, np.ndarray]


# ---------------------------------------------------------------------------------------------- runner
def backtest(
    series: pd.Series,
    origins: Iterable[Any] | None = None,
    horizon: int | str = "4y",
    models: Sequence[str | Model] = DEFAULT_BACKTEST_MODELS,
    events: Iterable[Any] = (),
    levels: Iterable = DEFAULT_LEVELS,
    n_paths: int = DEFAULT_BACKTEST_PATHS,
    seed: int | None = None,
    baselines: bool = True,
    calibration: Any = None,
    progress: bool = False,
    min_after_shift: int = 1,
) -> Backtest:
    """Refit ``models`` at each origin on the data up to it, forecast ``horizon`` ahead, keep the sample paths.

    Each origin runs :func:`forcast.forecast` on the history up to the origin with the same ``seed``, so any
    row can be reproduced by forecasting that history alone. ``baselines=True`` adds
    :data:`forcast.models.registry.BASELINES` (seasonal naive, drift). ``events`` are applied as far as they were
    observable at each origin (:func:`observable_events`). ``calibration`` widens every interval as in
    :func:`forcast.forecast`. ``progress=True`` shows a tqdm bar over the origins.
    """
    from .forecast import forecast

    series = check_demand_series(series, purpose="backtesting")
    levels = check_levels(levels)
    probe = RollingOrigin(origins, horizon, "3y")  # validates origins and horizon before any model is built
    if isinstance(models, (str, Model)):
        models = (models,)
    specs = list(models)
    names = {(m.name if isinstance(m, Model) else str(m).lower()) for m in specs}
    if baselines:
        specs += [b for b in BASELINES if b not in names]
    frequency = meta(series)["frequency"]
    floor = max(make_model(m).min_length(frequency) if not isinstance(m, Model) else m.min_length(frequency)
                for m in specs)
    splitter = RollingOrigin(origins, horizon, max(probe.min_history_periods(series), floor))
    if isinstance(min_after_shift, bool) or not isinstance(min_after_shift, (int, np.integer)) \
            or min_after_shift < 1:
        raise ParameterError(f"`min_after_shift` must be an integer greater than 0. Got {min_after_shift!r}.")
    origin_periods = splitter.origins_for(series)
    iterator: Iterable = origin_periods
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(origin_periods, desc=f"backtest {meta(series)['force'] or series.name}", unit="origin")
    folds = []
    for origin in iterator:
        train = series.loc[:origin]
        h = splitter.horizon_for(origin)
        last = origin + h
        applied, notes = observable_events(events, train.index, min_after_shift)
        fc = forecast(train, until=fiscal.financial_year_label(last.start_time), models=specs, levels=levels,
                      n_paths=n_paths, seed=seed, events=applied, calibration=calibration)
        paths = {name: p[:, :h] for name, p in fc.simulated.items()}
        specs_used = {name: m.describe().get("specification") for name, m in fc.fitted.items()}
        folds.append(Fold(origin, fc.index[:h], paths, applied, [*notes, *fc.notes], specs_used))
        logger.info("backtest origin %s: %s", origin, ", ".join(paths))
    return Backtest(series, splitter, levels, folds, seed, int(n_paths), calibration)


from ._callable_module import make_callable as _make_callable  # noqa: E402

_make_callable(__name__)  # forcast.backtest(...) calls backtest(...); the module stays importable
