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

``forcast.backtest(...)`` is :func:`backtest`, defined here; ``from forcast.evaluation.backtesting import Backtest``
(the module's old name) still works.

Declared events are honoured only as far as they were observable at each origin (:func:`observable_events`): an
event after the origin is dropped, an excluded period running past the origin is cut at it, and a level shift is
applied only when at least ``min_after_shift`` periods on the new basis (default **1**) had been observed. One
period is enough because that period is in the training data either way: leaving the shift out would make the
models read a recording change as demand. Its size then rests on one period, so treat such forecasts with care.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..forecasting import fiscal
from ..arguments import check_events, check_min_after_shift, check_models, check_n_paths, check_seed
from ..errors import ParameterError
from ..models.base import Model
from ..models.registry import BASELINES, make_model
from ..data.known_events import declared_events
from .origins import RollingOrigin, observable_events, origin_end, origin_period  # noqa: F401 - re-exported
from ..forecasting.paths import DEFAULT_LEVELS, check_levels, group_totals, interval_columns, summarise
from ..data.series import check_demand_series, meta

logger = logging.getLogger(__name__)

DEFAULT_BACKTEST_MODELS: tuple[str, ...] = ("ets", "arima")
DEFAULT_BACKTEST_PATHS = 2000


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

    def __repr__(self) -> str:  # the paths are summarised, never printed
        n = next(iter(self.paths.values())).shape[0] if self.paths else 0
        span = f"{self.index[0]}–{self.index[-1]}" if len(self.index) else "none"
        return (f"<Fold origin {self.origin}: {len(self.index)} periods ({span}); models: "
                f"{', '.join(self.paths) or 'none'}; {n:,} paths each>")


@dataclass
class Backtest:
    """Forecasts from several past origins with their sample paths, and the actuals to judge them by.

    Build one with :func:`backtest`. :meth:`table` (per period) and :meth:`financial_years` (per financial year)
    are the tidy frames :mod:`forcast.evaluation.metrics` and :mod:`forcast.evaluation.calibration` read; :meth:`paths`
    and :meth:`path_totals` give the samples behind them (for CRPS).
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
        from ..forecasting.forecast import calibrate

        folds = [Fold(f.origin, f.index, calibrate(f.paths, f.index, calibration),
                      f.events, [*f.notes, calibration.note], f.specifications) for f in self.folds]
        return Backtest(self.series, self.splitter, self.levels, folds, self.seed, self.n_paths, calibration)

    def plot(self, ax=None, model: str | None = None, title: str | None = None, legend: bool = True):
        """Financial-year totals: the actuals, and each origin's forecast of them (mean and 95% interval, one
        colour per origin) by ``model`` (default: the combination when present, else the first model).

        Draws into ``ax`` (an Axes) only, when given, else a new figure; returns the figure. Never shows it.
        :func:`forcast.reporting.plotting.backtest_chart` draws it.
        """
        from ..reporting.plotting import backtest_chart

        if model is not None and model not in self.models:
            raise ParameterError(f"No model {model!r} in this backtest. It has: {', '.join(self.models)}.")
        return backtest_chart(self, model=model, ax=ax, title=title, legend=legend)

    def __repr__(self) -> str:
        from ..data.series import describe_series

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
        :func:`forcast.forecasting.paths.group_totals` (all models' paths in one call)."""
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
    known_events: Any = "default",
) -> Backtest:
    """Refit ``models`` at each origin on the data up to it, forecast ``horizon`` ahead, keep the sample paths.

    Each origin runs :func:`forcast.forecast` on the history up to the origin with the same ``seed``, so any
    row can be reproduced by forecasting that history alone. ``baselines=True`` adds
    :data:`forcast.models.registry.BASELINES` (seasonal naive, drift). ``events`` are applied as far as they were
    observable at each origin (:func:`observable_events`). ``calibration`` widens every interval as in
    :func:`forcast.forecast`. ``progress=True`` shows a tqdm bar over the origins. ``known_events`` chooses the
    known breaks the series carries, as in :func:`forcast.forecast`; they too apply as far as observable.
    """
    from ..forecasting.forecast import forecast

    series = check_demand_series(series, purpose="backtesting")
    levels = check_levels(levels)
    seed, n_paths = check_seed(seed), check_n_paths(n_paths)
    min_after_shift = check_min_after_shift(min_after_shift)
    events, _ = declared_events(series, check_events(events), known_events)
    probe = RollingOrigin(origins, horizon, "3y")  # validates origins and horizon before any model is built
    specs = list(check_models(models))
    names = {(m.name if isinstance(m, Model) else str(m).lower()) for m in specs}
    if baselines:
        specs += [b for b in BASELINES if b not in names]
    frequency = meta(series)["frequency"]
    floor = max(make_model(m).min_length(frequency) if not isinstance(m, Model) else m.min_length(frequency)
                for m in specs)
    splitter = RollingOrigin(origins, horizon, max(probe.min_history_periods(series), floor))
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
                      n_paths=n_paths, seed=seed, events=applied, calibration=calibration, known_events="none",
                      allow_short_history=True)  # the splitter's min_history decides how short a history may be
        paths = {name: p[:, :h] for name, p in fc.simulated.items()}
        specs_used = {name: m.describe().get("specification") for name, m in fc.fitted.items()}
        folds.append(Fold(origin, fc.index[:h], paths, applied, [*notes, *fc.notes], specs_used))
        logger.info("backtest origin %s: %s", origin, ", ".join(paths))
    return Backtest(series, splitter, levels, folds, seed, int(n_paths), calibration)
