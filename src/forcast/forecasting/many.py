"""Many series in one call: :func:`forecast_many` and :func:`backtest_many`.

The input is a long frame ``(id columns..., period, count)`` — the shape statsforecast and hierarchicalforecast
use — or a dict mapping id tuples to demand series (:func:`recorded_crime_series` gives the embedded forces and
offence groups this way, with their known breaks). Each series goes through exactly the same path as one series
(:func:`forcast.forecast`, :func:`forcast.backtest`) with its own seed from
:func:`forcast.forecasting.parallel.series_seed`, so every number is the same with any ``n_jobs`` and on any backend.
The tables are the single-series tables with the id columns first; a series that fails is listed in ``failures`` (id
columns, ``error_class``, ``message``) and the rest go on.

With ``reconcile=Hierarchy("offence_group")`` (or just ``"offence_group"``) the series sharing the other id values
are forecast in one task and reconciled path by path (:mod:`forcast.forecasting.reconcile`) before any table is made, so
the parts add up to the total in every period and financial year. Paths are summarised in the workers and dropped
unless ``keep_paths=True``, so memory does not grow with the number of series.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd

from ..errors import ColumnError, ParameterError
from . import embedded_series as _embedded
from .parallel import run_tasks, series_seed
from .reconcile import Hierarchy, ReconciliationError, reconcile_group

logger = logging.getLogger(__name__)

FAILURE_COLUMNS = ("error_class", "message")


# ---------------------------------------------------------------------------------------------- results
@dataclass
class ManyForecast:
    """Forecasts of many series: the :class:`~forcast.forecasting.forecast.Forecast` tables with the id columns first.

    ``table()`` per period, ``financial_years()`` per financial year, ``models`` (what each fitted), ``notes``
    (each series' notes and warnings, one row each), ``failures`` (series that could not be forecast or
    reconciled). ``forecast(ids)`` / ``paths(ids)`` need ``keep_paths=True``."""

    id_columns: tuple
    periods: pd.DataFrame
    years: pd.DataFrame
    models: pd.DataFrame
    notes: pd.DataFrame
    failures: pd.DataFrame
    reconciliation: Hierarchy | None = None
    kept: dict = field(default_factory=dict, repr=False)

    def table(self) -> pd.DataFrame:
        """Per period: ``<ids>, date, model, mean, lower_80, upper_80, lower_95, upper_95``."""
        return self.periods

    def financial_years(self) -> pd.DataFrame:
        """Per financial year: ``<ids>, financial_year, model, observed_part, mean, lower_*, upper_*``."""
        return self.years

    def forecast(self, ids: Any):
        """The :class:`~forcast.Forecast` of one series (paths reconciled if asked; no fitted models)."""
        return _kept(self.kept, ids, "keep_paths=True")

    def paths(self, ids: Any, model: str | None = None) -> pd.DataFrame:
        """Sample paths of one series, as :meth:`forcast.forecasting.forecast.Forecast.paths`."""
        return self.forecast(ids).paths(model)

    def __repr__(self) -> str:
        n = len(self.years.drop_duplicates(list(self.id_columns))) if len(self.years) else 0
        how = f"; reconciled over {self.reconciliation.over} ({self.reconciliation.method})" \
            if self.reconciliation else ""
        return f"<ManyForecast {n} series, {len(self.failures)} failed{how}>"


@dataclass
class ManyBacktest:
    """Backtests of many series: the :class:`~forcast.evaluation.backtesting.Backtest` tables with the id columns first,
    the scores of :mod:`forcast.evaluation.metrics` per row (``fy_scores``, ``period_scores``), ``notes`` and
    ``failures``."""

    id_columns: tuple
    periods: pd.DataFrame
    years: pd.DataFrame
    fy_scores: pd.DataFrame
    period_scores: pd.DataFrame
    notes: pd.DataFrame
    failures: pd.DataFrame
    reconciliation: Hierarchy | None = None
    kept: dict = field(default_factory=dict, repr=False)

    def table(self) -> pd.DataFrame:
        return self.periods

    def financial_years(self) -> pd.DataFrame:
        return self.years

    def backtest(self, ids: Any):
        """The :class:`~forcast.evaluation.backtesting.Backtest` of one series (needs ``keep_paths=True``)."""
        return _kept(self.kept, ids, "keep_paths=True")

    def __repr__(self) -> str:
        n = len(self.years.drop_duplicates(list(self.id_columns))) if len(self.years) else 0
        return f"<ManyBacktest {n} series, {len(self.failures)} failed>"


def _kept(kept: dict, ids: Any, how: str):
    key = ids if isinstance(ids, tuple) else (ids,)
    if not kept:
        raise ParameterError(f"The paths were summarised and dropped; run again with {how} to keep them.")
    if key not in kept:
        raise ParameterError(f"No series {key!r} here. Some it has: {', '.join(map(repr, list(kept)[:5]))}.")
    return kept[key]


# ---------------------------------------------------------------------------------------------- inputs
#: The embedded forces as many series (:mod:`forcast.forecasting.embedded_series`), offered beside forecast_many.
recorded_crime_series = _embedded.recorded_crime_series
NATIONAL = _embedded.NATIONAL

@dataclass
class _Item:
    ids: tuple
    source: Any  # a demand series, or the rows of a long frame (loaded in the task, so errors stay per series)
    seed: int | None


@dataclass
class _Task:
    kind: str  # "forecast" or "backtest"
    items: list
    options: dict
    load: dict
    hierarchy: Hierarchy | None
    keep_paths: bool
    pos: int | None = None  # where the hierarchy's column is among the id columns


def _items(data: Any, id_columns: Sequence[str], period_column: str, value_column: str, seed) -> list[_Item]:
    if isinstance(id_columns, str):
        id_columns = [id_columns]
    id_columns = list(id_columns)
    if not id_columns:
        raise ParameterError("`id_columns` must name at least one column, e.g. ['force', 'offence_group'].")
    if isinstance(data, Mapping):
        items = []
        for key, series in data.items():
            ids = key if isinstance(key, tuple) else (key,)
            if len(ids) != len(id_columns):
                raise ParameterError(f"Each key must hold one value per id column {id_columns}. Got {key!r}.")
            items.append(_Item(tuple(ids), series, series_seed(seed, ids)))
        return items
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a long DataFrame (id columns, {period_column!r}, {value_column!r}) "
                             f"or a dict of series. Got {type(data).__name__}.")
    missing = [c for c in [*id_columns, period_column, value_column] if c not in data.columns]
    if missing:
        raise ColumnError(f"The frame has no column(s) {', '.join(map(repr, missing))}. Its columns: "
                          f"{', '.join(map(repr, data.columns))}. Set id_columns, period_column and value_column.")
    items = []
    for key, rows in data.groupby(id_columns, sort=False, dropna=False):
        ids = tuple(key) if isinstance(key, tuple) else (key,)
        items.append(_Item(ids, rows[[period_column, value_column]].reset_index(drop=True), series_seed(seed, ids)))
    return items


def _tasks(kind, items, id_columns, options, load, hierarchy, keep_paths) -> list[_Task]:
    if isinstance(hierarchy, str):
        hierarchy = Hierarchy(hierarchy)
    if hierarchy is None:
        return [_Task(kind, [it], options, load, None, keep_paths) for it in items]
    if hierarchy.over not in id_columns:
        raise ParameterError(f"Hierarchy over {hierarchy.over!r} is not an id column. The id columns: "
                             f"{', '.join(map(repr, id_columns))}.")
    pos = list(id_columns).index(hierarchy.over)
    values = list(dict.fromkeys(str(it.ids[pos]) for it in items))
    if hierarchy.total not in values:  # no group could be reconciled: say so now, not in every failure row
        close = difflib.get_close_matches(str(hierarchy.total), values, n=1, cutoff=0.6)
        raise ParameterError(f"No series has {hierarchy.over} {hierarchy.total!r}, the total of the Hierarchy."
                             f"{f' Did you mean {close[0]!r}?' if close else ''} Give the total's series (for England "
                             f"and Wales: recorded_crime_series(national=True)) or name it with Hierarchy(total=...).")
    groups: dict = {}
    for it in items:
        groups.setdefault(it.ids[:pos] + it.ids[pos + 1:], []).append(it)
    return [_Task(kind, g, options, load, hierarchy, keep_paths, pos) for g in groups.values()]


# ---------------------------------------------------------------------------------------------- the calls
def forecast_many(
    data: Any,
    id_columns: Sequence[str] = ("force", "offence_group"),
    *,
    period_column: str = "period",
    value_column: str = "count",
    reconcile: Hierarchy | str | None = None,
    n_jobs: int = 1,
    backend: str = "loky",
    client: Any = None,
    progress: bool = False,
    keep_paths: bool = False,
    seed: int | None = 2019,
    load_options: Mapping | None = None,
    **forecast_options: Any,
) -> ManyForecast:
    """Forecast every series of ``data`` as :func:`forcast.forecast` would, one seed per series.

    ``data``: a long frame with ``id_columns``, ``period_column`` and ``value_column`` (each series read by
    :func:`forcast.load_series` with ``load_options``, e.g. ``{"measure": "recorded_crime"}``), or a dict
    ``{ids: series}``. ``reconcile``: a :class:`~forcast.forecasting.reconcile.Hierarchy` or the id column along which
    the parts add up to the ``"Total"``. ``n_jobs`` local processes, or ``backend="dask"`` with ``client`` (a
    ``distributed.Client`` or scheduler address); the results are identical either way. ``seed`` with each
    series' ids gives its seed. Other keywords (``until``, ``h``, ``models``, ``n_paths``, ``calibration``,
    ``known_events``, ...) go to :func:`forcast.forecast` for every series.
    """
    ids, frames, hierarchy = _run_many("forecast", data, id_columns, period_column, value_column, seed,
                                       forecast_options, load_options, reconcile, keep_paths,
                                       dict(n_jobs=n_jobs, backend=backend, client=client, progress=progress))
    return ManyForecast(ids, frames["periods"], frames["years"], frames["models"], frames["notes"],
                        frames["failures"], hierarchy, frames["kept"])


def backtest_many(
    data: Any,
    id_columns: Sequence[str] = ("force", "offence_group"),
    *,
    period_column: str = "period",
    value_column: str = "count",
    reconcile: Hierarchy | str | None = None,
    n_jobs: int = 1,
    backend: str = "loky",
    client: Any = None,
    progress: bool = False,
    keep_paths: bool = False,
    seed: int | None = 2019,
    load_options: Mapping | None = None,
    **backtest_options: Any,
) -> ManyBacktest:
    """Backtest every series of ``data`` as :func:`forcast.backtest` would; arguments as :func:`forecast_many`,
    other keywords (``origins``, ``horizon``, ``models``, ``n_paths``, ``baselines``, ...) go to
    :func:`forcast.backtest`. With ``reconcile``, every origin's paths are reconciled before scoring."""
    ids, frames, hierarchy = _run_many("backtest", data, id_columns, period_column, value_column, seed,
                                       backtest_options, load_options, reconcile, keep_paths,
                                       dict(n_jobs=n_jobs, backend=backend, client=client, progress=progress))
    return ManyBacktest(ids, frames["periods"], frames["years"], frames["fy_scores"], frames["period_scores"],
                        frames["notes"], frames["failures"], hierarchy, frames["kept"])


def _run_many(kind: str, data: Any, id_columns, period_column: str, value_column: str, seed, options: Mapping,
              load_options: Mapping | None, reconcile, keep_paths: bool, running: dict) -> tuple:
    """What forecast_many and backtest_many share: the series and their tasks, run where asked, the tables
    gathered. Returns ``(id columns, frames, hierarchy or None)``."""
    ids = tuple([id_columns] if isinstance(id_columns, str) else id_columns)
    items = _items(data, ids, period_column, value_column, seed)
    tasks = _tasks(kind, items, ids, dict(options), dict(load_options or {}), reconcile, keep_paths)
    results = run_tasks(_run_task, tasks, **running, desc=kind, unit="group" if reconcile else "series")
    return ids, _gather(results, ids), tasks[0].hierarchy if tasks else None


# ---------------------------------------------------------------------------------------------- in the worker
def _run_task(task: _Task) -> dict:
    """Run one task (one series, or one hierarchy's series) and summarise it; never raises for a series."""
    fitted, extra, failures, notes = {}, {}, [], []
    for item in task.items:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                series = _load(item.source, task.load)
                fitted[item.ids], extra[item.ids] = _fit(task.kind, series, item.seed, task.options)
            except Exception as exc:  # noqa: BLE001 - one bad series never stops the run; it is listed instead
                logger.info("series %r failed: %s: %s", item.ids, type(exc).__name__, exc)
                failures.append((item.ids, type(exc).__name__, str(exc)))
                continue
        notes += [(item.ids, f"{type(w.message).__name__}: {w.message}") for w in caught]
    if task.hierarchy is not None and fitted:
        try:
            fitted = _reconcile(task, fitted, {f[0] for f in failures})
        except ReconciliationError as exc:
            key = next((it.ids for it in task.items if it.ids in fitted), task.items[0].ids)
            failures.append((key, type(exc).__name__, f"{exc} The series of this group are left unreconciled."))
    out = {"failures": failures, "notes": notes, "kept": {}, "tables": {}}
    for ids, result in fitted.items():
        out["tables"][ids] = {**_tables(task.kind, result), **extra[ids]}
        notes += [(ids, n) for n in (result.notes if task.kind == "forecast" else [])]
        if task.keep_paths:
            out["kept"][ids] = result
    return out


def _load(source: Any, load: dict) -> pd.Series:
    if isinstance(source, pd.Series):
        return source
    from ..data.loading import load_series

    date_column, value_column = source.columns
    return load_series(source, date_column=date_column, value_column=value_column, **load)


def _fit(kind: str, series: pd.Series, seed, options: dict) -> tuple[Any, dict]:
    """The forecast (without its fitted models: large, and not needed once the paths are drawn) or backtest of
    one series, and the tables that need what was dropped."""
    if kind == "forecast":
        from .forecast import forecast

        fc = forecast(series, seed=seed, **options)
        return dataclasses.replace(fc, fitted={}), {"models": fc.models}
    from ..evaluation.backtesting import backtest

    return backtest(series, seed=seed, **options), {}


def _tables(kind: str, result) -> dict:
    if kind == "forecast":
        return {"periods": result.table(), "years": result.financial_years()}
    from ..evaluation import metrics

    return {"periods": result.table(), "years": result.financial_years(),
            "fy_scores": metrics.score_financial_years(result), "period_scores": metrics.score_periods(result)}


def _reconcile(task: _Task, fitted: dict, failed: set) -> dict:
    h, pos = task.hierarchy, task.pos
    every = [it.ids for it in task.items]
    if not any(ids[pos] == h.total for ids in every):
        raise ReconciliationError(f"No {h.total!r} series among {every!r}, so there is nothing to add up to.")
    if failed:
        raise ReconciliationError(f"{len(failed)} series of this group failed ({', '.join(map(repr, failed))}).")
    return reconcile_group(fitted, h, pos)


# ---------------------------------------------------------------------------------------------- gathering
def _gather(results: list[dict], ids: tuple) -> dict:
    tables: dict[str, list] = {}
    failures, notes, kept = [], [], {}
    for r in results:
        for key, t in r["tables"].items():
            for name, frame in t.items():
                tables.setdefault(name, []).append(_with_ids(frame, ids, key))
        failures += r["failures"]
        notes += r["notes"]
        kept.update(r["kept"])
    out = {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}
    for name in ("periods", "years", "models", "fy_scores", "period_scores"):
        out.setdefault(name, pd.DataFrame(columns=list(ids)))
    out["failures"] = pd.DataFrame([(*k, c, m) for k, c, m in failures], columns=[*ids, *FAILURE_COLUMNS])
    out["notes"] = pd.DataFrame([(*k, n) for k, n in notes], columns=[*ids, "note"])
    out["kept"] = kept
    return out


def _with_ids(frame: pd.DataFrame, ids: tuple, key: tuple) -> pd.DataFrame:
    frame = frame.copy()
    for name, value in reversed(list(zip(ids, key))):
        frame.insert(0, name, value)
    return frame
