"""``build_chapter``: forecast, backtest and compare each measure, then assemble the demand chapter of an FMS.

The work is done once, by :mod:`forcast.fms.results`, into one :class:`~forcast.fms.results.MeasureResult` per
measure; :mod:`forcast.fms.tables` turns them into the chapter's tables and :mod:`forcast.fms.sections` writes every
sentence from those tables, so the chapter has one source for each number.

Known facts are kept here, each with its source, rather than scattered through the code:

* known breaks — recording-practice changes and anomalies of the embedded recorded crime travel with the series
  (:mod:`forcast.data.known_events`). They are declared for the embedded series only when the caller passes no
  ``events`` (a user's own series may already be adjusted); the chapter says so.
* :data:`REPORTED_FIGURES` — forecasts and actuals a force has published, checked in the "how good have past
  forecasts been" section with :func:`forcast.evaluation.checking.check`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd

from ..data import _datafiles, datasets
from ..forecasting import fiscal
from ..arguments import check_events, check_models, check_n_paths, check_seed
from ..errors import ForcastError, ParameterError
from ..data.known_events import declared_events
from ..forecasting.forecast import DEFAULT_MODELS, DEFAULT_N_PATHS, DEFAULT_SEED
from ..forecasting.horizon import default_until
from ..forecasting.intervals import resolve as resolve_intervals
from ..models.registry import make_model
from ..data.series import check_demand_series, meta
from .document import DEFAULT_MARKING, Chapter
from .phrasing import display_name, reader_note, slug, with_stand_in
from .results import (CHAPTER_BACKTEST_PATHS, ChapterInputs, MeasureResult, Progress, add_comparison, add_backtest,
                      add_checks, add_forecast, add_hindsight, add_trend)

logger = logging.getLogger(__name__)

__all__ = ["CHAPTER_MODELS", "REPORTED_FIGURES", "ReportedFigures", "build_chapter"]

#: The chapter's models: forcast's defaults, with the seasonal naive ("same as last year") shown beside the
#: projection, because on the national backtest no method beat no-change forecasts two to four years ahead.
CHAPTER_MODELS: tuple[str, ...] = (*DEFAULT_MODELS, "seasonal_naive")


@dataclass(frozen=True)
class ReportedFigures:
    """A financial-year forecast and actual a force published, and where; ``origin`` is the check's origin."""

    financial_year: str
    forecast: float
    actual: float
    source: str
    origin: str = "2018-09-30"


#: Figures forces have published about their own recorded-crime forecasts (the force's own counts, which differ by
#: a percent or two from the published Home Office series). Source: shared/data/PROVENANCE.md, "Figures quoted by
#: the constabulary". When the force made its forecast is not published; the check uses the mid-year origin
#: (data to 30 September 2018), the default of :func:`forcast.evaluation.checking.check`.
REPORTED_FIGURES: dict[str, tuple[ReportedFigures, ...]] = {
    "Lancashire": (ReportedFigures(
        "2018/19", 168_705, 167_436,
        "the force's own figures, quoted in the HMICFRS PEEL 2018/19 report and the Police and Crime "
        "Commissioner's quarterly report of November 2019"),),
}

# ---------------------------------------------------------------------------------------------- inputs
def _resolve_force(force: str | None) -> tuple[str | None, bool]:
    """The Home Office spelling of an embedded force, or the name as given for any other area."""
    if force is None:
        return None, False
    if not isinstance(force, str) or not force.strip():
        raise ParameterError(f"`force` must be a force name such as 'Lancashire', or None. Got {force!r}.")
    try:
        return _datafiles.resolve(force), True
    except ForcastError:
        return force.strip(), False


def _embedded_source(series: pd.Series) -> str | None:
    """The source text of the embedded recorded crime ``series`` would be, if it is one (else None)."""
    m = meta(series)
    if m["measure"] != "recorded_crime" or not m["force"] or m["frequency"] not in ("quarterly", "annual"):
        return None
    try:
        frequency = "quarterly" if m["frequency"] == "quarterly" else "annual"
        return datasets.recorded_crime(m["force"], frequency=frequency).attrs["source"]
    except ForcastError:
        return None


def is_embedded_crime(series: pd.Series) -> bool:
    """True when ``series`` is forcast's embedded recorded crime for a force (same measure, force and source)."""
    source = _embedded_source(series)
    return source is not None and meta(series)["source"] == source


def _measure_list(force: str | None, embedded_force: bool, measures: Any) -> list[tuple[str, pd.Series]]:
    if measures is None:
        if not embedded_force:
            raise ParameterError(
                f"No embedded recorded crime for {force!r}. Give an embedded force (see forcast.datasets.forces()) "
                f"or pass your own series, e.g. measures={{'999 calls': series}}."
            )
        return [("Recorded crime", datasets.recorded_crime(force))]
    if isinstance(measures, pd.Series):
        measures = [measures]
    if isinstance(measures, Mapping):
        pairs = [(str(k), v) for k, v in measures.items()]
    elif isinstance(measures, Iterable) and not isinstance(measures, (str, bytes)):
        pairs = [(None, v) for v in measures]
    else:
        raise ParameterError(
            f"`measures` must be a dict {{name: demand series}} or a list of demand series. "
            f"Got {type(measures).__name__}."
        )
    if not pairs:
        raise ParameterError("`measures` must hold at least one demand series. Got none; leave it out (None) for "
                             "the force's recorded crime.")
    out, seen = [], set()
    for name, series in pairs:
        if not isinstance(series, pd.Series):
            raise ParameterError(
                f"Each measure must be a demand series (pandas Series from forcast.datasets or forcast.load_series). "
                f"Got {type(series).__name__} for {name or 'an unnamed measure'!r}."
            )
        series = check_demand_series(series, purpose="an FMS chapter")
        label = with_stand_in(name.strip(), series) if name and name.strip() else display_name(series)
        base, n = label, 2
        while label in seen:
            label, n = f"{base} ({n})", n + 1
        seen.add(label)
        out.append((label, series))
    return out


def _events_for(name: str, series: pd.Series, events: Any, known_events: Any = "default") -> tuple[tuple, str]:
    """The events declared for one measure and on what basis: the caller's, or the known breaks of the embedded
    recorded crime (:mod:`forcast.data.known_events`)."""
    if isinstance(events, Mapping):
        for key in (name, name.removesuffix(" (stand-in)")):
            if key in events:
                return tuple(events[key]), "given"
        events = None
    if events is not None:
        return tuple(events), "given"
    if is_embedded_crime(series):
        declared, known = declared_events(series, (), known_events)
        if declared:
            return declared, "known"
    return (), "none"


# ---------------------------------------------------------------------------------------------- public
def build_chapter(
    force: str | None = "Lancashire",
    measures: Mapping[str, pd.Series] | Sequence[pd.Series] | None = None,
    until: str | None = None,
    events: Iterable | Mapping[str, Iterable] | None = None,
    seed: int | None = DEFAULT_SEED,
    n_paths: int = DEFAULT_N_PATHS,
    backtest: bool = True,
    calibration: Any = "default",
    title: str | None = None,
    models: Sequence = CHAPTER_MODELS,
    progress: Progress | None = None,
    workload: Mapping[str, Mapping[str, Any]] | None = None,
    known_events: Any = "default",
    marking: str | None = DEFAULT_MARKING,
    by: str | None = None,
) -> Chapter:
    """Build the demand chapter of a Force Management Statement; write it with ``chapter.write(out_dir)``.

    Parameters
    ----------
    force : the force the chapter is about. An embedded force (e.g. ``"Lancashire"``) brings its recorded crime
        (when ``measures`` is None) and the comparison with its most similar group; any other name is used as the
        title only.
    measures : ``{display name: demand series}`` or a list of series (named from their metadata), e.g. 999 and
        101 calls loaded with :func:`forcast.load_series`. Default: the force's embedded recorded crime.
    until : the last financial year projected, e.g. ``"2026/27"``. Default: the fourth financial year after the
        last complete one in the first measure (data to March 2023 gives 2026/27).
    events : declared events for every measure (a list), or per measure (``{display name: [...]}``). None means
        the known breaks of the embedded recorded crime (:func:`forcast.data.datasets.known_events`) and nothing for
        other series; ``[]`` declares none.
    known_events : which known breaks of the embedded recorded crime are declared when ``events`` is None:
        ``"default"``, ``"all"``, ``"none"`` or a list of keys (as in :func:`forcast.forecast`).
    seed, n_paths : reproducibility and paths per model of the projection (the backtest uses at most 1,000).
    backtest : test past forecasts (check published ones, :data:`REPORTED_FIGURES`, and judge the forecast made on
        31 March 2019 for the years after it, :mod:`forcast.fms.hindsight`); False is much faster.
    calibration : ``"default"`` (the calibration shipped with forcast, when installed and learned on series like
        the measure), None (model-based intervals), or a :class:`~forcast.evaluation.calibration.Calibration`.
    title : the chapter title (default: "Force Management Statement: demand" and the force).
    models : model names passed to :func:`forcast.forecast` (default ETS and ARIMA, and their combination, with
        the seasonal naive shown beside them: :data:`CHAPTER_MODELS`).
    workload : control-room workload for call measures: ``{measure name: {"handling_seconds_per_call": 240,
        "productive_hours_per_fte": 1500}}`` (see :func:`forcast.data.workload.workload`; the handling time may also be
        a :class:`~forcast.data.workload.HandlingTime` or a :func:`forcast.data.count_calls` table). Adds a section with
        hours and FTE per financial year and the assumptions behind them.
    marking : the protective marking at the top and bottom of every page (default ``"OFFICIAL"``; e.g.
        ``"OFFICIAL-SENSITIVE"``); None or ``""`` for none.
    by : ``"offence-group"`` adds a "Demand by crime type" section: the force's nine offence groups projected,
        reconciled with its total so that they add up to it, which groups drive the change, and a chart
        (:mod:`forcast.fms.crime_types`). Needs an embedded force and its embedded recorded crime.
    progress : called as ``progress(done, total, what)`` before each step (``what`` is the step about to run)
        and once at the end with ``done == total``; the CLI draws a progress bar with it.
    """
    from .crime_types import add_crime_types, check_by
    from .sections import assemble
    from .workload_section import add_workload, check_workload_spec

    name, embedded_force = _resolve_force(force)
    pairs = _measure_list(name, embedded_force, measures)
    if until is None:
        until_label = fiscal.label(default_until(pairs[0][1].index))
    else:
        until_label = fiscal.label(fiscal.parse_financial_year(until))
    models = check_models(models)
    seed = check_seed(seed)
    for spec in models:
        make_model(spec)  # unknown names fail before any work
    if isinstance(calibration, str) and calibration not in ("default", "none"):
        raise ParameterError(f"`calibration` must be 'default', None or a Calibration. Got {calibration!r}.")
    if not (calibration is None or isinstance(calibration, str) or hasattr(calibration, "factors_for")
            or hasattr(calibration, "apply")):
        raise ParameterError(f"`calibration` must be 'default', None or a Calibration. Got {calibration!r}.")
    n_paths = check_n_paths(n_paths)
    if isinstance(events, (str, bytes)):
        check_events(events)  # a lone string is not a list of events (refused, saying how to write one)
    if marking is not None and (not isinstance(marking, str) or "\n" in marking):
        raise ParameterError(f"`marking` must be one line of text such as 'OFFICIAL', or None. Got {marking!r}.")
    bt_paths = min(n_paths, CHAPTER_BACKTEST_PATHS)

    if isinstance(events, Mapping):
        names = {n for label, _ in pairs for n in (label, label.removesuffix(" (stand-in)"))}
        unknown = [k for k in events if k not in names]
        if unknown:
            raise ParameterError(
                f"`events` names {len(unknown)} measure(s) the chapter does not have: {unknown}. The measures are "
                f"{[label for label, _ in pairs]}; use those names, or pass a list to declare events for every measure."
            )
    workload_inputs = check_workload_spec(workload, [label for label, _ in pairs])
    results, keys = [], set()
    for label, series in pairs:
        key, n = slug(label), 2
        while key in keys:
            key, n = f"{slug(label)}_{n}", n + 1
        keys.add(key)
        declared, basis = _events_for(label, series, events, known_events)
        embedded = is_embedded_crime(series) and embedded_force and meta(series)["force"] == name
        cal, note = resolve_intervals(calibration, series)  # the rule of forcast.forecast
        reported = tuple(f for f in REPORTED_FIGURES.get(name, ()) if embedded
                         and series.index[-1].end_time.normalize() >= pd.Timestamp(f.origin))
        results.append(MeasureResult(label, key, series, declared, basis, embedded, calibration=cal,
                                     calibration_note=reader_note(note), reported=reported,
                                     backtest_note="" if backtest else "Past forecasts were not tested for this "
                                     "chapter (the backtest was switched off)."))
    by = check_by(by, name, embedded_force, results)
    inputs = ChapterInputs(name, until_label, results, seed, n_paths, bt_paths, embedded_force=embedded_force)

    steps: list[tuple[str, Callable[[], None]]] = []
    for r in results:
        steps.append((f"{r.name}: trend", lambda r=r: add_trend(r, name)))
        steps.append((f"{r.name}: projection", lambda r=r: add_forecast(r, until_label, models, n_paths, seed)))
        spec = workload_inputs.get(r.name, workload_inputs.get(r.name.removesuffix(" (stand-in)")))
        if spec is not None:
            steps.append((f"{r.name}: workload", lambda r=r, spec=spec: add_workload(r, spec)))
        if backtest:
            steps.append((f"{r.name}: past forecasts", lambda r=r: add_backtest(r, models, bt_paths, seed)))
            if r.reported:
                steps.append((f"{r.name}: published forecast", lambda r=r: add_checks(r, models, bt_paths, seed)))
            steps.append((f"{r.name}: forecast made in March 2019", lambda r=r: add_hindsight(r)))
    if by:
        steps.append(("recorded crime by offence group", lambda: add_crime_types(inputs, models, n_paths, seed)))
    steps.append(("comparison with other forces", lambda: add_comparison(inputs)))
    chapter: list[Chapter] = []
    steps.append(("writing the chapter", lambda: chapter.append(assemble(inputs, title, marking))))
    for done, (what, step) in enumerate(steps):
        logger.info("FMS chapter: %s", what)
        if progress is not None:
            progress(done, len(steps), what)
        step()
    if progress is not None:
        progress(len(steps), len(steps), "done")
    return chapter[0]
