"""``forcast.forecast``: fit the models, simulate sample paths, and hand back a :class:`Forecast`.

The :class:`Forecast` holds the history, the fitted models and their sample paths. Every table it gives — per
period, per financial year, per calendar year, per rolling 12 months — is made from the paths by
:mod:`forcast.forecasting.paths`, so all intervals in the library come from one place.
"""

from __future__ import annotations

import logging
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import fiscal
from ..arguments import check_events, check_models, check_n_paths, check_path_memory, check_seed
from ..errors import ForcastError, ModelFallbackWarning, ParameterError
from ..models.base import Model
from ..models.registry import SIMPLE_MODELS, make_model
from .horizon import default_until, horizon_until, horizon_years, resolve_until  # noqa: F401 - re-exported
from ..progress import ModelProgress
from ..data.known_events import declared_events, describe_known
from .paths import DEFAULT_LEVELS, check_levels, group_totals, period_table, summarise, summary_columns, widen
from ..data.series import check_demand_series, describe_series, meta, stand_in_note
from ..data.validation import check_history_for_horizon, check_not_constant

logger = logging.getLogger(__name__)

DEFAULT_MODELS: tuple[str, ...] = ("ets", "arima")
#: The combination's extra members for the kind of series it was benchmarked on (quarterly recorded crime): the
#: no-change forms of the ARIMA family, averaged with ETS and ARIMA at equal weights (see docs/method.md).
NO_CHANGE_MEMBERS: tuple[str, ...] = ("no_change", "same_as_last_year")
BENCHMARKED = {"frequency": "quarterly", "measure": "recorded_crime"}
DEFAULT_N_PATHS = 5000
#: The seed used unless another is given, so the API, the command line and the chapter give the same numbers.
DEFAULT_SEED = 2019
COMBINATION = "combination"
#: What every financial-year table holds, in this order (``lower_*``/``upper_*`` follow ``levels``).
FY_KEY_COLUMNS = ("financial_year", "model", "observed_part")


@dataclass
class Forecast:
    """A fitted forecast: history, models, sample paths and the tables made from them.

    Build one with :func:`forecast`. Attributes: ``series`` (the history used), ``index`` (the forecast periods),
    ``until`` (last financial year), ``levels``, ``events`` (all declared, known ones included), ``known_events``
    (the :class:`~forcast.data.known_events.KnownEvent` s declared from the data), ``seed``, ``n_paths``,
    ``calibration`` (or None)."""

    series: pd.Series
    index: pd.PeriodIndex
    until: pd.Period
    levels: tuple
    fitted: dict[str, Model]
    simulated: dict[str, np.ndarray]
    events: tuple = ()
    seed: int | None = None
    n_paths: int = DEFAULT_N_PATHS
    calibration: Any = None
    notes: list[str] = field(default_factory=list)
    known_events: tuple = ()

    # -------------------------------------------------------------- what was fitted
    @property
    def model_names(self) -> list[str]:
        """Models in table order: the combination first, then members, then baselines."""
        return list(self.simulated)

    @property
    def models(self) -> pd.DataFrame:
        """What was chosen for each model: ``model, specification, aicc``."""
        rows = []
        for name, model in self.fitted.items():
            d = model.describe()
            rows.append({"model": name, "specification": d.get("specification"), "aicc": d.get("aicc")})
        return pd.DataFrame(rows, columns=["model", "specification", "aicc"])

    def describe(self, model: str | None = None) -> dict[str, Any]:
        """The full description of one fitted model (specification, AICc, candidates, event effects)."""
        return self.fitted[self._check_model(model)].describe()

    def event_effects(self) -> pd.DataFrame:
        """Estimated effect of each declared level shift, by model: size per period and its 95% interval."""
        cols = ["model", "event", "kind", "start", "effect", "lower_95", "upper_95", "unit"]
        rows = []
        for name, model in self.fitted.items():
            if name == COMBINATION and len(self.fitted) > 1:
                continue  # the members report their own estimates
            for effect in model.describe().get("event_effects", []):
                rows.append({"model": name, **{k: effect.get(k) for k in cols[1:]}})
        return pd.DataFrame(rows, columns=cols)

    # -------------------------------------------------------------- paths and tables
    def paths(self, model: str | None = None) -> pd.DataFrame:
        """The sample paths of ``model`` (default: the main model): one row per path, one column per period."""
        return pd.DataFrame(self.simulated[self._check_model(model)], columns=self.index)

    def table(self) -> pd.DataFrame:
        """Per-period forecast: ``date, model, mean, lower_80, upper_80, lower_95, upper_95`` (one row each)."""
        frames = [period_table(self.index, name, p, self.levels) for name, p in self.simulated.items()]
        return pd.concat(frames, ignore_index=True)

    def financial_years(self) -> pd.DataFrame:
        """Financial-year totals (April–March) from paths: observed periods plus the simulated remainder.

        Columns: ``financial_year, model, observed_part, mean, lower_80, upper_80, lower_95, upper_95``;
        ``observed_part`` counts the periods of that year already observed when the forecast was made.
        """
        out = self._group_table("financial_year")
        return out.rename(columns={"group": "financial_year"})

    def calendar_years(self) -> pd.DataFrame:
        """Calendar-year totals (January–December), same columns with ``calendar_year`` first."""
        return self._group_table("calendar_year").rename(columns={"group": "calendar_year"})

    def rolling_12_months(self) -> pd.DataFrame:
        """Rolling 12-month totals ending each month (or quarter) in the forecast: ``window_end`` first."""
        full = self.series.index.append(self.index)
        weights_all = fiscal.rolling_12_month_weights(full)
        keep = [c for c in weights_all.columns if weights_all.loc[self.index, c].to_numpy().sum() > 0]
        fw = weights_all.loc[self.index, keep].to_numpy()
        ow = weights_all.loc[self.series.index, keep].to_numpy()
        observed = self.series.to_numpy(dtype=float) @ ow  # the same for every model
        labels = pd.Index(keep, name="group").astype(str)
        frames = [self._frame(labels, name, p @ fw + observed, (ow > 0).sum(axis=0))
                  for name, p in self.simulated.items()]
        return pd.concat(frames, ignore_index=True).rename(columns={"group": "window_end"})

    def _groups(self, grouping: fiscal.Grouping) -> pd.DataFrame:
        """Weights of the forecast periods in each reported group: complete groups that hold a forecast part
        (financial years up to ``until``)."""
        full = self.series.index.append(self.index)
        coverage = fiscal.group_coverage(full, grouping)
        weights = fiscal.group_weights(self.index, grouping)
        groups = [
            g for g in weights.columns
            if weights[g].sum() > 0 and coverage.get(g, 0) >= 1 - 1e-9
            and (grouping != "financial_year" or g <= self.until)
        ]
        return weights[groups]

    def path_totals(self, model: str | None = None, grouping: fiscal.Grouping = "financial_year") -> pd.DataFrame:
        """Per-path totals of ``model`` for each financial (or calendar) year: observed part + simulated rest.

        One row per path, one column per year label (``"2018/19"``). Use it for anything computed from the totals
        (e.g. workload hours); :meth:`financial_years` summarises exactly these numbers.
        """
        weights = self._groups(grouping)
        _, totals = group_totals(self.simulated[self._check_model(model)], weights, self.series)
        return pd.DataFrame(totals, columns=[fiscal.group_label(g) for g in weights.columns])

    def _group_table(self, grouping: fiscal.Grouping) -> pd.DataFrame:
        weights = self._groups(grouping)
        obs_w = fiscal.group_weights(self.series.index, grouping).reindex(columns=weights.columns, fill_value=0.0)
        observed_part = (obs_w.to_numpy() > 0).sum(axis=0)
        labels = pd.Index([fiscal.group_label(g) for g in weights.columns], name="group")
        frames = [self._frame(labels, name, self.path_totals(name, grouping).to_numpy(), observed_part)
                  for name in self.simulated]
        return pd.concat(frames, ignore_index=True)

    def _frame(self, labels: pd.Index, model: str, totals: np.ndarray, observed_part) -> pd.DataFrame:
        out = summarise(totals, self.levels) if totals.shape[1] else pd.DataFrame(
            columns=summary_columns(self.levels))
        out.insert(0, "observed_part", np.asarray(observed_part, dtype="int64"))
        out.insert(0, "model", model)
        out.insert(0, "group", list(labels))
        return out

    # -------------------------------------------------------------- people
    def plot(self, ax=None, model: str | None = None, history: int | None = None):
        """Fan chart: history, 80% and 95% bands and the mean of ``model``, with member means dashed.

        ``model`` defaults to the main model (the combination when present). Draws into ``ax`` (an Axes) only,
        when given, else a new figure; the series' caveat goes under that axes, never on the figure. Returns the
        figure. Never shows it.
        """
        from ..reporting.plotting import fan_chart

        return fan_chart(self, ax=ax, model=self._check_model(model), history=history)

    def summary(self, model: str | None = None) -> str:
        """Plain-English summary of the financial-year forecast of ``model`` (for notebooks and the CLI)."""
        model = self._check_model(model)
        fy = self.financial_years()
        fy = fy[fy["model"] == model]
        m = meta(self.series)
        top = max(self.levels)
        lines = [f"Forecast of {describe_series(self.series)} by {model} "
                 f"({self.n_paths:,} simulated paths{', seed ' + str(self.seed) if self.seed is not None else ''}; "
                 f"intervals {self.interval_basis})."]
        for row in fy.itertuples(index=False):
            part = f" ({row.observed_part} periods already observed)" if row.observed_part else ""
            lines.append(
                f"  {row.financial_year}: about {row.mean:,.0f} {m['unit']} "
                f"({top:g}% interval {getattr(row, f'lower_{top:g}'):,.0f}–{getattr(row, f'upper_{top:g}'):,.0f})"
                f"{part}"
            )
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    @property
    def interval_basis(self) -> str:
        """How the intervals were made, in three words or so: ``"set by past errors"`` (error quantiles),
        ``"calibrated"`` (widening factors) or ``"model-based"``."""
        if self.calibration is None:
            return "model-based"
        return "set by past errors" if getattr(self.calibration, "kind", None) == "conformal" else "calibrated"

    def __repr__(self) -> str:
        return (f"<Forecast {describe_series(self.series)} to {fiscal.label(self.until)}; "
                f"models: {', '.join(self.model_names)}; intervals {self.interval_basis}>")

    def _check_model(self, model: str | None) -> str:
        """``model`` if this forecast has it; ``None`` means the main model (the combination when present)."""
        if model is None:
            return self.model_names[0]
        if model not in self.simulated:
            raise ParameterError(
                f"No model {model!r} in this forecast. It has: {', '.join(self.simulated)}."
            )
        return model


# ---------------------------------------------------------------------- the function
def model_seed(seed: int | None, name: str) -> np.random.Generator:
    """A generator for one model: from ``seed`` and the model's name, so adding a model changes no others."""
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(name.encode())]))


def uses_no_change_members(series: pd.Series) -> bool:
    """True when the combination of ``series`` also averages in the no-change forms: for the kind of series it
    was benchmarked on (quarterly recorded crime)."""
    m = meta(series)
    return all(m[k] == v for k, v in BENCHMARKED.items())


def fit_models(
    series: pd.Series, models: Sequence[str | Model], events: tuple = (), progress: Any = None
) -> dict[str, Model]:
    """Fit each model; add the combination of ETS/ARIMA-type members when two or more fit (or when asked).

    ``"combination"`` in ``models`` means "ETS and ARIMA and their combination". A model that fails to fit is left
    out with a :class:`~forcast.errors.ModelFallbackWarning`; if none fits, the drift baseline takes over. For
    quarterly recorded crime the combination also averages in the no-change forms (:data:`NO_CHANGE_MEMBERS`),
    which are not listed as models of their own. ``progress``, when given, is called as ``progress(done, total,
    what)`` after each model is fitted (or fails to fit).
    """
    specs = [make_model(s) for s in models]
    if any(m.name == COMBINATION for m in specs):
        present = {m.name for m in specs}
        specs += [make_model(n) for n in DEFAULT_MODELS if n not in present]
    fitted: dict[str, Model] = {}
    to_fit = [m for m in specs if m.name != COMBINATION]
    for done, model in enumerate(to_fit, 1):
        try:
            fitted[model.name] = model.fit(series, events=events)
        except ForcastError as exc:
            if isinstance(exc, ParameterError):
                raise
            warnings.warn(
                f"The {model.name} model could not be fitted ({exc}); it is left out of this forecast.",
                ModelFallbackWarning, stacklevel=3,
            )
        if progress is not None:
            progress(done, len(to_fit), f"fitted {model.name}")
    members = [m for m in fitted.values() if m.name not in SIMPLE_MODELS + NO_CHANGE_MEMBERS]
    if len(members) >= 2:
        from ..models.combination import Combination

        extra = []
        if uses_no_change_members(series):
            for name in NO_CHANGE_MEMBERS:
                try:
                    extra.append(fitted.get(name) or make_model(name).fit(series, events=events))
                except ForcastError as exc:
                    logger.info("no-change member %s left out of the combination: %s", name, exc)
        fitted = {COMBINATION: Combination.from_fitted(members + extra), **fitted}
    if not fitted:
        try:
            fitted["drift"] = make_model("drift").fit(series, events=events)
        except ForcastError as exc:
            raise type(exc)(f"None of the requested models could be fitted, nor the drift baseline: {exc}") from exc
        warnings.warn(
            "No requested model could be fitted; falling back to the drift baseline "
            "(a straight line with random-walk intervals).", ModelFallbackWarning, stacklevel=3,
        )
    return fitted


def forecast(
    series: pd.Series,
    until: str | None = None,
    models: Sequence[str | Model] = DEFAULT_MODELS,
    levels: Iterable = DEFAULT_LEVELS,
    n_paths: int = DEFAULT_N_PATHS,
    seed: int | None = DEFAULT_SEED,
    events: Iterable = (),
    calibration: Any = "default",
    *,
    h: int | str | None = None,
    known_events: Any = "default",
    allow_long_horizon: bool = False,
    allow_short_history: bool = False,
    progress: bool = False,
) -> Forecast:
    """Forecast a demand series to the end of financial year ``until`` with simulated sample paths.

    Parameters
    ----------
    series : a demand series (from :mod:`forcast.data.datasets` or :func:`forcast.load_series`).
    until : the last financial year to forecast, e.g. ``"2026/27"``. Default: the fourth financial year after the
        last complete one in ``series`` (data to March 2023 gives 2026/27).
    models : model names (``"ets"``, ``"arima"``, ``"naive"``, ``"seasonal_naive"``, ``"drift"``) or Model
        instances. When two or more of ETS/ARIMA fit, their ``"combination"`` is added and listed first.
    levels : interval levels in percent, default ``(80, 95)``.
    n_paths : number of simulated paths per model (default 5,000).
    seed : makes the paths, and so every number, reproducible (default 2019, as on the command line and in the
        chapter; None draws fresh randomness).
    events : declared events: :class:`~forcast.models.events.LevelShift`,
        :class:`~forcast.models.events.ExcludedPeriod`, :class:`~forcast.models.events.Outlier`.
    calibration : how intervals are made (:mod:`forcast.forecasting.intervals`): ``"default"`` the method shipped with
        forcast when it was learned on series like this one (else the model's own intervals), None the model's own, or
        an :class:`~forcast.evaluation.conformal.ErrorQuantiles` / :class:`~forcast.evaluation.calibration.Calibration`
        or its JSON file. ``notes`` say which was used.
    h : instead of ``until``: a number of periods (``16``) or of financial years after the last complete one
        (``"4y"``).
    known_events : the known breaks carried by an embedded series (``attrs["known_events"]``, see
        :mod:`forcast.data.known_events`): ``"default"`` declares those marked default, ``"all"`` every one, ``"none"``
        none, or a list of keys exactly those. They are listed in ``notes`` and ``known_events``.
    allow_long_horizon : forecasts end at most :data:`forcast.forecasting.horizon.MAX_HORIZON_YEARS` financial years
        after the last complete one unless this is True.
    allow_short_history : a forecast more than a year ahead from under two years of data is refused
        (:class:`~forcast.errors.SeriesTooShortError`) unless this is True. A constant series (all zero, say) is
        always refused (:class:`~forcast.errors.ConstantSeriesError`).
    progress : ``True`` shows a tqdm bar (on stderr) while the models are fitted and the paths simulated; off by
        default.

    Every argument is checked before any model is fitted (:mod:`forcast.arguments`); a forecast whose sample
    paths would take more than :data:`forcast.arguments.MAX_PATH_BYTES` of memory is refused.
    """
    series = check_demand_series(series, purpose="forecasting")
    levels = check_levels(levels)
    seed = check_seed(seed)
    n_paths = check_n_paths(n_paths)
    models = check_models(models)
    for spec in models:
        if not isinstance(spec, Model):
            make_model(spec)  # raises UnknownModelError early, before any fitting
    fy, horizon = resolve_until(series.index, until, h, allow_long=allow_long_horizon)
    check_not_constant(series)
    check_history_for_horizon(series, horizon, allow_short_history)
    check_path_memory(n_paths, horizon, len(models) + (1 + len(NO_CHANGE_MEMBERS) if len(models) > 1 else 0))
    events = check_events(events)
    events, known = declared_events(series, events, known_events)
    events = events + missing_period_events(series)
    from .intervals import resolve

    calibration, interval_note = resolve(calibration, series)
    bar = ModelProgress(f"forecast {meta(series)['force'] or series.name or ''}".strip()) if progress else None
    try:
        fitted = fit_models(series, models, events, progress=bar)
        index = pd.period_range(series.index[-1] + 1, periods=horizon, freq=series.index.freq, name="period")
        simulated = {name: m.simulate(horizon, int(n_paths), model_seed(seed, name)) for name, m in fitted.items()}
        if bar is not None:
            bar.finish()
    finally:
        if bar is not None:
            bar.close()
    result = Forecast(series=series, index=index, until=fy, levels=levels, fitted=fitted, simulated=simulated,
                      events=events, seed=seed, n_paths=int(n_paths), calibration=calibration,
                      known_events=tuple(known))
    known_note = describe_known(known)
    if known_note:
        result.notes.append(known_note)
    stand_in = stand_in_note(series)
    if stand_in:
        result.notes.append(stand_in)
    gaps = missing_period_events(series)
    if gaps:
        result.notes.append(f"{len(gaps)} period(s) missing from the source data were treated as missing, not as "
                            f"zero: {', '.join(str(e.period) for e in gaps[:10])}{' ...' if len(gaps) > 10 else ''}.")
    if calibration is not None:
        result.simulated = calibrate(simulated, index, calibration)
    result.notes.append(interval_note)
    return result


def calibrate(simulated: dict[str, np.ndarray], index: pd.PeriodIndex, calibration: Any) -> dict[str, np.ndarray]:
    """Each model's paths with ``calibration`` applied (the one place forecasts and backtests apply one): error
    quantiles (:class:`forcast.evaluation.conformal.ErrorQuantiles`) map each financial year's totals onto past errors;
    a :class:`forcast.evaluation.calibration.Calibration` widens the paths by its factors below and above the mean for
    each period's horizon year."""
    if hasattr(calibration, "apply"):
        return calibration.apply(simulated, index)
    years = horizon_years(index)
    return {name: widen(p, *calibration.factors_for(name, years)) for name, p in simulated.items()}


def missing_period_events(series: pd.Series) -> tuple:
    """An Outlier (treated as missing) for each period the loader declared missing (``attrs["missing_periods"]``,
    from ``load_series(..., missing="exclude")``) that lies in ``series``."""
    from ..models.events import Outlier

    listed = series.attrs.get("missing_periods") or []
    inside = [p for p in listed if series.index[0] <= pd.Period(p, freq=series.index.freq) <= series.index[-1]]
    return tuple(Outlier(p, "missing in the source data") for p in inside)
