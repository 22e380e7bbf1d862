"""Known breaks in the embedded recorded crime, kept as data and declared by default.

Recorded crime moves for reasons that are not crime: a recording-practice change (Lancashire's ~30% jump in April
2018 and its fall back after a new system from January 2019), an IT failure that undercounts (Greater Manchester,
July-December 2019), a quarter that looks wrong (Lincolnshire, January-March 2017), months with no published
figures (Devon and Cornwall, October 2022 - March 2023) and COVID-19. Each is one row of the embedded table
``known_events.csv`` (sources in ``data/README.md``) and a :class:`KnownEvent` here.

A series from :func:`forcast.data.datasets.recorded_crime` carries the known events that fall inside it in
``attrs["known_events"]``. :func:`forcast.forecast`, backtests, the check and the FMS chapter declare them for you
(``known_events="default"``), list them in every output, and let you switch any of them off:

>>> fc = forcast.forecast(crime, known_events="none")                    # doctest: +SKIP
>>> fc = forcast.forecast(crime, known_events=["lancashire_cdi_2018"])   # doctest: +SKIP  (only this one)

An event you pass yourself that is the same as a known one (same kind, same first period) replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import _datafiles as _files
from ..errors import EventError, ParameterError
from ..models.events import ExcludedPeriod, LevelShift, clip_events, to_period

__all__ = ["KnownEvent", "known_events", "events_for", "resolve_known", "declared_events", "describe_known"]

#: Kinds of known event: a level shift, a period treated as missing, or a gap with no published data.
KINDS = ("level_shift", "excluded", "gap")


@dataclass(frozen=True)
class KnownEvent:
    """One known break or anomaly: ``key`` names it (use it to switch it off), ``default`` says whether it is
    declared unless you ask otherwise; ``kind`` is ``level_shift``, ``excluded`` or ``gap``."""

    key: str
    force: str
    kind: str
    start: str
    end: str | None
    label: str
    detail: str
    default: bool = True

    def as_event(self) -> Any:
        """The event models honour (LevelShift or ExcludedPeriod); None for a gap, which has no data to model."""
        if self.kind == "level_shift":
            return LevelShift(self.start, self.label)
        if self.kind == "excluded":
            return ExcludedPeriod(self.start, self.end, self.label)
        return None

    @property
    def when(self) -> str:
        """The period in words: ``2018-04`` or ``2019-07 to 2019-12``."""
        return self.start if not self.end else f"{self.start} to {self.end}"


def _all() -> list[KnownEvent]:
    rows = _files.table("known_events.csv")
    return [
        KnownEvent(key=r.key, force=r.force, kind=r.kind, start=str(r.start),
                   end=None if pd.isna(r.end) else str(r.end), label=r.label, detail=r.detail,
                   default=str(r.default).lower() == "true")
        for r in rows.itertuples(index=False)
    ]


def events_for(force: str, index: pd.PeriodIndex | None = None) -> list[KnownEvent]:
    """Known events of ``force`` (its own and those of every force, such as COVID-19); with ``index``, only those
    that touch its periods (a gap may lie just after the last period)."""
    out = [e for e in _all() if e.force in (force, "*")]
    if index is None or len(index) == 0:
        return out
    keep = []
    for e in out:
        first = to_period(e.start, index.freq)
        last = to_period(e.end or e.start, index.freq, "end")
        if e.kind == "gap" and first == index[-1] + 1:
            keep.append(e)
        elif first <= index[-1] and last >= index[0] and (e.kind != "level_shift" or first > index[0]):
            keep.append(e)
    return keep


def known_events(force: str | None = None) -> pd.DataFrame:
    """The known breaks as a table: ``force, key, kind, start, end, label, detail, default`` (``force="*"``: every
    force). With ``force``, only those that apply to it."""
    rows = _all() if force is None else events_for(_files.resolve(force))
    cols = ["force", "key", "kind", "start", "end", "label", "detail", "default"]
    return pd.DataFrame([{c: getattr(e, c) for c in cols} for e in rows], columns=cols)


def resolve_known(series: pd.Series, known_events: Any = "default") -> list[KnownEvent]:
    """The known events of ``series`` to declare: ``"default"`` (or True) the ones marked default, ``"all"`` every
    one, ``"none"`` (or False) none, or a collection of keys (exactly those)."""
    carried = list(series.attrs.get("known_events") or ())
    if known_events is True or (isinstance(known_events, str) and known_events == "default"):
        return [e for e in carried if e.default]
    if known_events is False or known_events is None or known_events == "none":
        return []
    if known_events == "all":
        return carried
    if isinstance(known_events, str) or not isinstance(known_events, Iterable):
        raise ParameterError(
            f"`known_events` must be 'default', 'all', 'none' or a list of event keys. Got {known_events!r}."
        )
    keys = list(known_events)
    by_key = {e.key: e for e in carried}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        have = ", ".join(by_key) or "none"
        raise ParameterError(
            f"`known_events` names {', '.join(map(repr, unknown))}, which this series does not carry. Its known "
            f"events: {have} (see forcast.datasets.known_events())."
        )
    return [by_key[k] for k in keys]


def _same(a: Any, b: Any, freq: Any) -> bool:
    if type(a) is not type(b):
        return False
    try:
        if isinstance(a, LevelShift):
            return to_period(a.start, freq) == to_period(b.start, freq)
        if isinstance(a, ExcludedPeriod):
            return to_period(a.start, freq) == to_period(b.start, freq)
    except EventError:
        return False
    return False


def declared_events(series: pd.Series, events: Iterable = (), known_events: Any = "default") -> tuple[tuple, list]:
    """The events to fit with: the caller's ``events`` plus the chosen known events of ``series`` that the caller
    did not declare again and that can be honoured on its periods (a level shift needs periods on both sides).
    Returns ``(events, known)``: the events tuple and the KnownEvents actually used (gaps are listed, not
    modelled)."""
    events = tuple(events)
    freq = series.index.freq
    used, extra = [], []
    for known in resolve_known(series, known_events):
        event = known.as_event()
        if event is None:
            used.append(known)
        elif not any(_same(event, mine, freq) for mine in events) and clip_events([event], series.index):
            used.append(known)
            extra.append(event)
    kept = clip_events(extra, series.index)  # together, as shifts must be estimable side by side
    dropped = {e.label for e in extra} - {e.label for e in kept}
    used = [k for k in used if k.label not in dropped]
    return events + tuple(kept), used


def describe_known(known: Iterable[KnownEvent]) -> str | None:
    """One sentence listing the known events used, for notes, summaries and reports; None when there are none."""
    known = list(known)
    if not known:
        return None
    parts = [f"{e.label} ({e.when}, key {e.key!r})" for e in known]
    return ("Known breaks declared from the embedded data: " + "; ".join(parts) +
            ". Switch any off with known_events=[...] or known_events='none'.")
