"""Declared events: what an analyst knows about the history that the numbers alone do not say.

Events are plain data, handed to :meth:`forcast.models.base.Model.fit` (and :func:`forcast.forecast`) as
``events=[...]``; each model decides how to honour them (see the model docstrings).

:class:`LevelShift`
    A change of recording practice from ``start`` onwards (Lancashire's ~30% jump from April 2018:
    ``LevelShift("2018-04", "recording change")``). The whole history is modelled on the *new* basis and the
    size of the shift is estimated and reported with a 95% interval.
:class:`ExcludedPeriod`
    Periods ``start``..``end`` (inclusive) treated as missing, not as signal (a COVID-19 lockdown).
:class:`Outlier`
    One period treated as missing (a system outage).

Dates may be strings (``"2018-04"``, ``"2018-04-01"``, ``"2018Q2"``, ``"2018"``), Timestamps, dates or Periods.
Each maps to the period *of the series' frequency* that contains it: ``"2018-04"`` on a quarterly series is
2018Q2. A coarser period maps by its first day for a start (``"2018Q2"`` on a monthly series starts 2018-04) and by
its last day for the end of an excluded period (``"2021Q2"`` ends 2021-06).

:func:`check_events` validates events against a series' index once, at fit, and returns them *resolved* (the same
classes with :class:`pandas.Period` dates). :func:`level_shift_regressors`, :func:`excluded_mask` and
:func:`extra_regressors` turn events into what models consume. :func:`clip_events` keeps the events that can be
honoured on a shorter history (backtest training windows).

Extension: any object with a ``label`` and a method ``regressors(index) -> pandas.DataFrame`` (one row per
period of ``index``, which may run into the future; finite values) is accepted as an event. ARIMA adds its columns as
regressors; models that take no regressors (ETS) ignore it and log a note. This is how holiday effects will come in.

Text form for the command line (:func:`parse_event`, inverse :func:`format_event`)::

    [KIND:]DATE[:DATE][:LABEL]      KIND = shift | exclude | outlier (optional)

    2018-04:recording change        LevelShift("2018-04", "recording change")  (one date: a level shift)
    2020-03:2021-06:covid           ExcludedPeriod("2020-03", "2021-06", "covid")  (two dates: an exclusion)
    exclude:2020-04                 ExcludedPeriod("2020-04", "2020-04")
    outlier:2011-03:system outage   Outlier("2011-03", "system outage")

A field counts as a date when it starts with a four-digit year; everything after the date(s) is the label
(colons allowed).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Protocol, Union, runtime_checkable

import numpy as np
import pandas as pd

from ..errors import EventError

DateLike = Union[str, pd.Timestamp, pd.Period, _dt.date, np.datetime64]

__all__ = [
    "LevelShift",
    "ExcludedPeriod",
    "Outlier",
    "RegressorEvent",
    "check_events",
    "clip_events",
    "level_shift_regressors",
    "excluded_mask",
    "extra_regressors",
    "regressor_events",
    "parse_event",
    "format_event",
]


@dataclass(frozen=True)
class LevelShift:
    """A recording-practice change: the level moves by a constant amount from ``start`` onwards."""

    start: DateLike
    label: str = "level shift"
    kind: ClassVar[str] = "level_shift"


@dataclass(frozen=True)
class ExcludedPeriod:
    """Periods ``start``..``end`` (inclusive) treated as missing, not as signal."""

    start: DateLike
    end: DateLike
    label: str = "excluded"
    kind: ClassVar[str] = "excluded"


@dataclass(frozen=True)
class Outlier:
    """A single period treated as missing, not as signal."""

    period: DateLike
    label: str = "outlier"
    kind: ClassVar[str] = "outlier"


@runtime_checkable
class RegressorEvent(Protocol):
    """Any event that supplies regressor columns for ``index`` (past and future periods)."""

    label: str

    def regressors(self, index: pd.PeriodIndex) -> pd.DataFrame: ...


_BUILTIN = (LevelShift, ExcludedPeriod, Outlier)


# ---------------------------------------------------------------------------------------------- dates
def to_period(value: DateLike, freq: Any, edge: str = "start", *, event: Any = None) -> pd.Period:
    """The period of frequency ``freq`` that contains ``value`` (its first day, or last day if ``edge="end"``)."""
    try:
        if isinstance(value, pd.Period):
            period = value
        elif isinstance(value, str):
            text = value.strip()
            if not re.match(r"^\d{4}", text):
                raise ValueError("does not start with a four-digit year")
            period = pd.Period(text)
        elif isinstance(value, (_dt.date, np.datetime64)):
            stamp = pd.Timestamp(value)
            if stamp.tzinfo is not None:
                stamp = stamp.tz_localize(None)
            return stamp.to_period(freq)
        else:
            raise TypeError(type(value).__name__)
    except (ValueError, TypeError) as exc:
        where = f" in {event!r}" if event is not None else ""
        raise EventError(
            f"An event date{where} could not be read: {value!r} ({exc}). Give dates as '2018-04', "
            f"'2018-04-01' or '2018Q2', or as a pandas Timestamp or Period."
        ) from None
    if period.freqstr == pd.Period("2000-01-01", freq=freq).freqstr:
        return period
    stamp = period.start_time if edge == "start" else period.end_time
    return stamp.to_period(freq)


def _resolve(event: Any, freq: Any) -> Any:
    if isinstance(event, LevelShift):
        return dataclasses.replace(event, start=to_period(event.start, freq, event=event))
    if isinstance(event, ExcludedPeriod):
        return dataclasses.replace(
            event,
            start=to_period(event.start, freq, "start", event=event),
            end=to_period(event.end, freq, "end", event=event),
        )
    if isinstance(event, Outlier):
        return dataclasses.replace(event, period=to_period(event.period, freq, event=event))
    return event


def _as_tuple(events: Any) -> tuple:
    if events is None:
        return ()
    if isinstance(events, (str, *_BUILTIN)) or _is_regressor_event(events):
        events = [events]
    try:
        events = list(events)
    except TypeError:
        raise EventError(
            f"events must be a list of LevelShift, ExcludedPeriod or Outlier objects. Got "
            f"{type(events).__name__}: {events!r}."
        ) from None
    out = []
    for event in events:
        out.append(parse_event(event) if isinstance(event, str) else event)
    return tuple(out)


def _is_regressor_event(event: Any) -> bool:
    return not isinstance(event, _BUILTIN) and callable(getattr(event, "regressors", None))


# ---------------------------------------------------------------------------------------------- validation
def check_events(events: Iterable[Any] | None, index: pd.PeriodIndex) -> tuple:
    """Validate ``events`` against a series' ``index`` and return them resolved to its periods.

    Strings are read with :func:`parse_event`. Raises :class:`~forcast.errors.EventError` when an event is not
    an event, a date cannot be read, or an event falls outside the series (a level shift must start after the first
    period and no later than the last, with kept observations on both sides; excluded periods and outliers must lie
    within the series, and an excluded period must not end before it starts).
    """
    events = _as_tuple(events)
    first, last = index[0], index[-1]
    span = f"The series runs {first}–{last}"
    resolved = []
    for event in events:
        if _is_regressor_event(event):
            _check_regressor_event(event, index)
            resolved.append(event)
            continue
        if not isinstance(event, _BUILTIN):
            raise EventError(
                f"events must be LevelShift, ExcludedPeriod or Outlier objects (or text such as "
                f"'2018-04:recording change'). Got {type(event).__name__}: {event!r}."
            )
        if not isinstance(event.label, str) or not event.label.strip():
            raise EventError(f"An event label must be non-empty text. Got {event.label!r} in {event!r}.")
        r = _resolve(event, index.freq)
        if isinstance(r, LevelShift):
            if r.start <= first:
                raise EventError(
                    f"{event!r} starts at {r.start}, at or before the first period of the series; a level "
                    f"shift needs observations before it to measure the change against. {span}. Remove the "
                    f"event or move its start."
                )
            if r.start > last:
                raise EventError(
                    f"{event!r} starts at {r.start}, after the last observation; there is nothing after it "
                    f"to measure the change with. {span}. Remove the event until data after {r.start} exist."
                )
        elif isinstance(r, ExcludedPeriod):
            if r.end < r.start:
                raise EventError(
                    f"{event!r} ends ({r.end}) before it starts ({r.start}). Swap the dates."
                )
            if r.start < first or r.end > last:
                raise EventError(
                    f"{event!r} covers {r.start}–{r.end}, which runs outside the series. {span}. "
                    f"Clip the excluded period to the observed periods (e.g. end it at {min(r.end, last)})."
                )
        elif not first <= r.period <= last:
            raise EventError(f"{event!r} is at {r.period}, outside the series. {span}. Remove the event.")
        resolved.append(r)
    resolved = tuple(resolved)
    _check_shifts_identifiable(resolved, index)
    return resolved


def _check_shifts_identifiable(events: tuple, index: pd.PeriodIndex) -> None:
    shifts = [e for e in events if isinstance(e, LevelShift)]
    starts = [e.start for e in shifts]
    repeated = sorted({str(s) for s in starts if starts.count(s) > 1})
    if repeated:
        raise EventError(
            f"Two or more level shifts start in the same period ({', '.join(repeated)}); their sizes cannot be "
            f"told apart. Declare one level shift per period."
        )
    if not shifts:
        return
    kept = ~excluded_mask(events, index)
    bounds = [index[0], *sorted(starts), index[-1] + 1]
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if not np.any(kept & (index >= lo) & (index < hi)):
            shift = lo if lo in starts else hi
            raise EventError(
                f"Every observation in {lo}–{hi - 1} is excluded or an outlier, so the size of the level "
                f"shift at {shift} cannot be estimated (it needs kept observations on both sides). Shorten "
                f"the excluded periods or remove the level shift."
            )


def _check_regressor_event(event: Any, index: pd.PeriodIndex) -> None:
    label = getattr(event, "label", None)
    if not isinstance(label, str) or not label:
        raise EventError(f"A regressor event needs a non-empty text `label`. Got {label!r} on {event!r}.")
    frame = event.regressors(index)
    if not isinstance(frame, pd.DataFrame) or len(frame) != len(index) or frame.shape[1] == 0:
        raise EventError(
            f"Event {label!r}: regressors(index) must return a DataFrame with one row per period "
            f"({len(index)}) and at least one column. Got {type(frame).__name__} of shape "
            f"{getattr(frame, 'shape', None)}."
        )
    values = frame.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise EventError(f"Event {label!r}: regressors(index) returned missing or infinite values.")


def clip_events(events: Iterable[Any] | None, index: pd.PeriodIndex) -> tuple:
    """Keep (and clip) the events that can be honoured on ``index`` — e.g. a backtest's training window.

    Level shifts that start at or before the first period, or after the last, are dropped (as are those with no
    kept observation on one side); excluded periods are clipped to the index and dropped if nothing remains;
    outliers outside the index are dropped. Regressor events are kept. The result passes :func:`check_events`.
    """
    first, last = index[0], index[-1]
    out = []
    for event in _as_tuple(events):
        r = _resolve(event, index.freq)
        if isinstance(r, LevelShift) and not first < r.start <= last:
            continue
        if isinstance(r, ExcludedPeriod):
            if r.end < first or r.start > last:
                continue
            r = dataclasses.replace(r, start=max(r.start, first), end=min(r.end, last))
        if isinstance(r, Outlier) and not first <= r.period <= last:
            continue
        out.append(r)
    while True:
        try:
            return check_events(out, index)
        except EventError:
            shifts = [e for e in out if isinstance(e, LevelShift)]
            if not shifts:
                raise
            out.remove(max(shifts, key=lambda e: e.start))  # drop the latest shift until estimable


# ---------------------------------------------------------------------------------------------- for models
def level_shifts(events: Iterable[Any]) -> list[LevelShift]:
    """The level shifts among resolved ``events``, in date order."""
    return sorted((e for e in events if isinstance(e, LevelShift)), key=lambda e: e.start)


def regressor_events(events: Iterable[Any]) -> list:
    """The events that follow the :class:`RegressorEvent` protocol (not the built-in kinds)."""
    return [e for e in _as_tuple(events) if _is_regressor_event(e)]


def level_shift_regressors(events: Iterable[Any], index: pd.PeriodIndex) -> pd.DataFrame:
    """Step dummies, one column per level shift: 1.0 from its start onwards (future periods included)."""
    shifts = [_resolve(e, index.freq) for e in level_shifts(_as_tuple(events))]
    data = {f"level_shift_{s.start}": (index >= s.start).astype(float) for s in shifts}
    return pd.DataFrame(data, index=index)


def excluded_mask(events: Iterable[Any], index: pd.PeriodIndex) -> np.ndarray:
    """Boolean array over ``index``: True where an excluded period or an outlier says "not signal"."""
    mask = np.zeros(len(index), dtype=bool)
    for event in _as_tuple(events):
        r = _resolve(event, index.freq)
        if isinstance(r, ExcludedPeriod):
            mask |= np.asarray((index >= r.start) & (index <= r.end))
        elif isinstance(r, Outlier):
            mask |= np.asarray(index == r.period)
    return mask


def extra_regressors(events: Iterable[Any], index: pd.PeriodIndex) -> pd.DataFrame:
    """Columns from regressor events (the extension protocol), named ``"<label>: <column>"``."""
    frames = []
    for event in _as_tuple(events):
        if _is_regressor_event(event):
            frame = event.regressors(index)
            frame = pd.DataFrame(frame.to_numpy(dtype=float), index=index,
                                 columns=[f"{event.label}: {c}" for c in frame.columns])
            frames.append(frame)
    return pd.concat(frames, axis=1) if frames else pd.DataFrame(index=index)


# ---------------------------------------------------------------------------------------------- text form
_KINDS = {"shift": LevelShift, "exclude": ExcludedPeriod, "outlier": Outlier}


def parse_event(text: str) -> Any:
    """Read one event from command-line text (grammar in the module docstring)."""
    if not isinstance(text, str) or not text.strip():
        raise EventError(f"An event must be text such as '2018-04:recording change'. Got {text!r}.")
    raw = text.strip().split(":")
    fields = [f.strip() for f in raw]
    kind = fields.pop(0).lower() if fields[0].lower() in _KINDS else None
    used = 1 if kind else 0
    dates = []
    while fields and len(dates) < 2 and re.match(r"^\d{4}", fields[0]):
        dates.append(fields.pop(0))
    label = ":".join(raw[used + len(dates):]).strip()
    wanted = {None: (1, 2), "shift": (1,), "exclude": (1, 2), "outlier": (1,)}[kind]
    if len(dates) not in wanted:
        raise EventError(
            f"Cannot read the event {text!r}: expected [shift|exclude|outlier:]DATE[:DATE][:LABEL], e.g. "
            f"'2018-04:recording change', '2020-03:2021-06:covid' or 'outlier:2011-03:system outage'"
            f"{'' if dates else '; no date found (dates start with a four-digit year)'}."
        )
    for d in dates:
        to_period(d, "D", event=text)  # reject unreadable dates here, quoting the text
    cls = _KINDS[kind] if kind else (LevelShift if len(dates) == 1 else ExcludedPeriod)
    extra = {"label": label} if label else {}
    if cls is ExcludedPeriod:
        return ExcludedPeriod(dates[0], dates[-1], **extra)
    return cls(dates[0], **extra)


def format_event(event: Any) -> str:
    """The text form of an event (the inverse of :func:`parse_event`)."""
    if isinstance(event, LevelShift):
        return f"shift:{_date_text(event.start)}:{event.label}"
    if isinstance(event, ExcludedPeriod):
        return f"exclude:{_date_text(event.start)}:{_date_text(event.end)}:{event.label}"
    if isinstance(event, Outlier):
        return f"outlier:{_date_text(event.period)}:{event.label}"
    return f"regressors:{getattr(event, 'label', type(event).__name__)}"


def _date_text(value: DateLike) -> str:
    if isinstance(value, (_dt.date, np.datetime64)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    return str(value)
