"""A past multi-year forecast judged: what the method said on 31 March 2019 for the next four financial years.

In its Force Management Statement of 2019 the constabulary published a forecast "to 2023". :func:`judge` takes
what a forecast made the same way on 31 March 2019 said for 2019/20–2022/23 from a backtest (its fold at that
origin: the data up to the origin, and the declared events only as far as they were observable then), widens it
with the chapter's calibration exactly as :func:`forcast.forecast` does, and sets it beside what was recorded.
Nothing is refitted: the numbers equal ``forcast.backtest(series, origins=["2019-03-31"], horizon="4y", ...,
calibration=...)`` for the same seed.

:func:`hindsight_table`, :func:`hindsight_words` and :func:`hindsight_chart` turn the result into the table, the
plain-English paragraphs and the fan chart of the chapter's "how good have past forecasts been" section (also
usable on their own, see ``notebooks/05_forecast_to_2023.ipynb``). The words quote the table's displayed cells
and say what the forecast could and could not know: the recording changes it allowed for, and the events after
the origin (COVID-19) it could not.

>>> bt = forcast.backtest(crime, origins=["2019-03-31"], horizon="4y", seed=2019)   # doctest: +SKIP
>>> h = judge(bt, calibration=forcast.evaluation.calibration.default())                          # doctest: +SKIP
>>> table = hindsight_table(h, "Recorded crime"); print(*hindsight_words(h, table))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..forecasting import fiscal
from ..forecasting.fiscal import fy_totals
from ..evaluation.backtesting import Backtest, Fold, RollingOrigin
from ..models.events import ExcludedPeriod, LevelShift, to_period
from ..models.registry import SIMPLE_MODELS
from ..evaluation.origins import origin_end
from ..data.series import PERIODS_PER_YEAR, meta
from .charts import hindsight_chart
from .document import Figure, Paragraph, Table
from .phrasing import in_text, join_words, magnitude, model_words, number_word, per_period, subject, \
    unit_words
from .formatting import COUNT, FY, PCT, day_words, percent, when

__all__ = ["ORIGIN", "Hindsight", "judge", "hindsight_table", "hindsight_words", "hindsight_chart"]

#: The origin of the judged forecast: the end of 2018/19, the last year known when the 2019 FMS forecast to 2023.
ORIGIN = "2019-03-31"
FORECAST, RECORDED, CHANGE, DIFFERENCE = "Forecast", "Recorded", "Change in recorded (%)", "Difference (%)"


@dataclass
class Hindsight:
    """One origin's forecast of the complete financial years after it, beside what was recorded.

    ``backtest`` holds only that origin, with the intervals as shown (calibrated when ``calibration`` is set);
    ``model`` is the model spoken for; ``declared`` the events declared for the whole series, of which the fold
    applied those observable at the origin.
    """

    backtest: Backtest
    model: str
    declared: tuple = ()
    calibration: Any = None

    @property
    def fold(self) -> Fold:
        return self.backtest.folds[0]

    @property
    def origin(self) -> pd.Timestamp:
        return self.fold.date

    @property
    def applied(self) -> tuple:
        """The declared events the forecast used (as observable at the origin)."""
        return tuple(self.fold.events)

    def declared_periods(self) -> list:
        """The declared level shifts and excluded periods, resolved to periods of the series (what a chart marks)."""
        return _resolved(self.declared, self.backtest.series.index.freq)

    def not_applied(self) -> list:
        """Declared events the forecast did not use (mostly: those after the origin), resolved to periods."""
        used = {e.label for e in self.applied}
        return [e for e in self.declared_periods() if e.label not in used]

    def years(self) -> pd.DataFrame:
        """Per complete financial year after the origin, for :attr:`model`: the backtest's financial-year columns
        (``financial_year, predicted, lower_*, upper_*, actual, error, pct_error, inside_*``) and
        ``actual_change``, the recorded change on the year before in percent (NaN when that year is incomplete)."""
        fy = self.backtest.financial_years()
        own = fy[fy["model"] == self.model].reset_index(drop=True)
        totals = fy_totals(self.backtest.series).set_index("financial_year")["total"]
        before = [fiscal.label(fiscal.parse_financial_year(y) - 1) for y in own["financial_year"]]
        previous = totals.reindex(before).to_numpy(dtype=float)
        own["actual_change"] = 100 * (own["actual"].to_numpy(dtype=float) / previous - 1)
        return own


def _resolved(events: Iterable, freq: Any) -> list:
    out = []
    for e in events:
        if isinstance(e, LevelShift):
            out.append(LevelShift(to_period(e.start, freq), e.label))
        elif isinstance(e, ExcludedPeriod):
            out.append(ExcludedPeriod(to_period(e.start, freq), to_period(e.end, freq, "end"), e.label))
    return out


def judge(bt: Backtest, origin: Any = ORIGIN, model: str | None = None, events: Iterable | None = None,
          calibration: Any = None) -> Hindsight | None:
    """The forecast ``bt`` made at ``origin`` for the complete financial years after it; None when ``bt`` has no
    such origin or no financial year after it is complete in the data.

    ``model`` defaults to the combination (else the first model). ``events``: the events declared for the series
    (default: its known events, as :func:`forcast.backtest` declares them), used to say what the forecast could not
    know. ``calibration`` widens the paths as :func:`forcast.forecast` does (for a backtest run without one).
    """
    end = origin_end(origin)
    folds = [f for f in bt.folds if f.date == end]
    if not folds:
        return None
    fold = folds[0]
    one = Backtest(bt.series, RollingOrigin([end], bt.splitter.horizon, bt.splitter.min_history), bt.levels,
                   [fold], bt.seed, bt.n_paths, bt.calibration)
    if calibration is not None and bt.calibration is None:
        one = one.widened(calibration)
    if model not in fold.paths:
        model = "combination" if "combination" in fold.paths else next(iter(fold.paths))
    if events is None:
        from ..data.known_events import declared_events

        events = declared_events(bt.series, (), "default")[0]
    out = Hindsight(one, model, tuple(events), calibration if calibration is not None else bt.calibration)
    return out if len(out.years()) else None


# ---------------------------------------------------------------------------------------------- table
def hindsight_table(h: Hindsight, name: str, key: str | None = None) -> Table:
    """The chapter's table: financial year, forecast, its top interval, recorded, the recorded change on the year
    before, the difference (recorded minus forecast, in percent of the recorded figure) and inside the interval."""
    years = h.years()
    top = max(h.backtest.levels)
    frame = pd.DataFrame({FY: years["financial_year"], FORECAST: years["predicted"],
                          f"{top:g}% low": years[f"lower_{top:g}"], f"{top:g}% high": years[f"upper_{top:g}"],
                          RECORDED: years["actual"], CHANGE: percent(years["actual_change"]),
                          DIFFERENCE: percent(years["pct_error"]),
                          f"Inside {top:g}%": years[f"inside_{top:g}"].astype(bool)})
    formats = {c: COUNT for c in (FORECAST, f"{top:g}% low", f"{top:g}% high", RECORDED)}
    formats.update({CHANGE: PCT, DIFFERENCE: PCT})
    first, last = frame[FY].iloc[0], frame[FY].iloc[-1]
    caption = (f"Forecast made on {day_words(h.origin)} against {in_text(name)}, {first} to {last}: "
               f"{model_words(h.model)} with the data known then{_interval_words(h.calibration)} "
               f"(difference: recorded minus forecast, in percent of the recorded figure)")
    return Table(frame, caption, formats, key=key)


# ---------------------------------------------------------------------------------------------- words
def hindsight_words(h: Hindsight, table: Table) -> list[str]:
    """Two paragraphs in plain words: how far off each year was, then why, quoting ``table`` as displayed."""
    shown, frame = table.formatted(), table.frame
    return [_how_far(h, shown, frame), _why(h, shown, frame)]


def _direction(shown: pd.DataFrame, i: int) -> str | None:
    """"high" when the forecast was above the recorded figure, "low" below, None when they agree as shown."""
    diff = shown.at[i, DIFFERENCE]
    if magnitude(diff) == "0.0%":
        return None
    return "high" if diff.startswith(("-", "\u2212")) else "low"


def _too(shown: pd.DataFrame, i: int) -> str:
    direction = _direction(shown, i)
    return "about right" if direction is None else f"{magnitude(shown.at[i, DIFFERENCE])} too {direction}"


def _moved(shown: pd.DataFrame, frame: pd.DataFrame, i: int) -> str:
    value = frame.at[i, CHANGE]
    if value == 0:
        return "stayed about level"
    return f"{'rose' if value > 0 else 'fell'} {magnitude(shown.at[i, CHANGE])}"


def _how_far(h: Hindsight, shown: pd.DataFrame, frame: pd.DataFrame) -> str:
    series = h.backtest.series
    top = max(h.backtest.levels)
    low, high = f"{top:g}% low", f"{top:g}% high"
    n = len(frame)
    seen = h.fold.origin.end_time
    same = ("the same models, declared events and interval calibration" if h.calibration is not None
            else "the same models and declared events")
    end = fiscal.parse_financial_year(frame[FY].iloc[-1]).end_time
    parts = [f"To judge a forecast several years ahead, such as a Force Management Statement's forecast to "
             f"{end:%Y}, the method was run as it would have been on {day_words(h.origin)}, using only the data known "
             f"then (to {seen:%B %Y}) and {same} as this chapter's projection, for the {number_word(n)} financial "
             f"year{'s' if n > 1 else ''} {shown.at[0, FY]}{' to ' + shown.at[n - 1, FY] if n > 1 else ''}; "
             f"the forecast is set against what was recorded."]
    parts.append(f"Using {model_words(h.model)}, it forecast {shown.at[0, FORECAST]} {unit_words(series)} for "
                 f"{shown.at[0, FY]} ({top:g}% interval {shown.at[0, low]}–{shown.at[0, high]}); "
                 f"{shown.at[0, RECORDED]} were recorded, so the forecast was {_too(shown, 0)}.")
    if n > 1:
        directions = {_direction(shown, i) for i in range(n)}
        if len(directions) == 1 and None not in directions:
            by = [f"{magnitude(shown.at[i, DIFFERENCE])} in {shown.at[i, FY]}" for i in range(1, n)]
            parts.append(f"It was too {directions.pop()} in every later year too: by {join_words(by)}.")
        else:
            later = [f"{_too(shown, i)} in {shown.at[i, FY]}" for i in range(1, n)]
            parts.append(f"In the later years it was {join_words(later)}.")
    inside = frame[f"Inside {top:g}%"].astype(bool)
    k = int(inside.sum())
    held = ("all " + number_word(n) + " years" if k == n and n > 1 else
            "none of the years" if k == 0 else f"{number_word(k)} of the {number_word(n)} years")
    text = f"The recorded figure was inside the {top:g}% interval in {held}"
    last = n - 1
    if n > 1 and frame.at[last, high] >= 2 * frame.at[last, low]:
        text += (f", but the interval widens quickly: for {shown.at[last, FY]} it ran from {shown.at[last, low]} "
                 f"to {shown.at[last, high]}, so being inside it means only that the outcome was not ruled out")
    parts.append(text + ".")
    return " ".join(parts)


def _year_of(period: pd.Period) -> str:
    return fiscal.label(fiscal.financial_year(period.start_time))


def _fy(label: str) -> pd.Period:
    return fiscal.parse_financial_year(label)


@dataclass
class _Table:
    """The displayed and raw table with the series' words, shared by the sentences of :func:`_why`."""

    h: Hindsight
    shown: pd.DataFrame
    frame: pd.DataFrame

    def __post_init__(self) -> None:
        self.rows = {y: i for i, y in enumerate(self.frame[FY])}
        self.words = subject(self.h.backtest.series)[0]
        self.frequency = meta(self.h.backtest.series)["frequency"]

    def moved(self, year: str) -> str | None:
        """"fell 16.4%" (as shown) for ``year``; None when the year before is not complete."""
        i = self.rows[year]
        return None if np.isnan(self.frame.at[i, CHANGE]) else _moved(self.shown, self.frame, i)

    def too(self, year: str) -> str:
        return _too(self.shown, self.rows[year])


def _why(h: Hindsight, shown: pd.DataFrame, frame: pd.DataFrame) -> str:
    t = _Table(h, shown, frame)
    applied = _resolved(h.applied, h.backtest.series.index.freq)
    last_end = _fy(frame[FY].iloc[-1]).end_time
    later = [e for e in h.not_applied() if e.start > h.fold.origin and e.start.start_time <= last_end]
    parts: list[str] = []
    if h.model not in SIMPLE_MODELS:  # baselines ignore declared events
        parts += [_recent_shift(t, e) for e in applied if isinstance(e, LevelShift)]
    for e in later:
        parts.append(_unknown_excluded(t, e, later) if isinstance(e, ExcludedPeriod) else _unknown_shift(t, e))
    parts.append(_carried_trend(t))
    parts.append(_events_used(h, applied, later, t.frequency))
    return " ".join(p for p in parts if p)


def _recent_shift(t: _Table, e: LevelShift) -> str:
    """A level shift seen for less than a year at the origin: its size rested on few periods."""
    series = t.h.backtest.series
    per = per_period(series)
    after = int((t.h.fold.origin - e.start).n) + 1
    if after >= int(round(PERIODS_PER_YEAR[t.frequency])):
        return ""
    unit = per if after == 1 else f"{per}s"
    text = (f"The forecast allowed for the {e.label} from {when(e.start, t.frequency)} as a level shift, but only "
            f"{number_word(after)} {unit} on the new basis had been recorded when it was made, so the size of the "
            f"change rested on {'that' if after == 1 else 'those'} {unit}")
    first_full = fiscal.label(fiscal.financial_year((e.start - 1).end_time) + 1)
    if first_full in t.rows and t.moved(first_full):
        text += (f". In {first_full}, the first full financial year on the new basis, {t.words} "
                 f"{t.moved(first_full)} on the year before and the forecast was {t.too(first_full)}")
    return text + "."


def _unknown_excluded(t: _Table, e: ExcludedPeriod, later: list) -> str:
    """An excluded period after the origin (COVID-19): what happened in its years and in the years after it."""
    years = [y for y in t.rows if _fy(y).start_time <= e.end.end_time and _fy(y).end_time >= e.start.start_time]
    changes = [f"{t.moved(y)} in {y}" for y in years if t.moved(y)]
    text = f"The forecast could not know of the {e.label}"
    if changes:
        text += (f": {t.words} {join_words(changes)} on the year before, and the forecast for {join_words(years)} "
                 f"was {join_words([t.too(y) for y in years])}")
    text += (f". This chapter's projection treats {e.start.start_time:%B %Y} to {e.end.end_time:%B %Y} as missing, "
             f"not as demand")
    # the years after it, up to the next event the forecast could not know of
    stop = min([_fy(_year_of(o.start)) for o in later if o.start > e.end], default=None)
    after = [y for y in t.rows if _fy(y) > _fy(years[-1]) and (stop is None or _fy(y) < stop)]
    if after:
        change = t.frame.at[t.rows[after[0]], CHANGE]
        if t.frame.at[t.rows[years[-1]], CHANGE] < 0 < change:
            text += (f". {t.words[0].upper()}{t.words[1:]} recovered in {after[0]}, rising "
                     f"{magnitude(t.shown.at[t.rows[after[0]], CHANGE])}")
        else:
            text += f". In {after[0]} {t.words} {t.moved(after[0])}"
        rest = [f"{t.moved(y)} in {y}" for y in after[1:]]
        if rest:
            text += f", then {join_words(rest)}"
        before = fiscal.label(_fy(years[0]) - 1)
        recorded = t.frame.set_index(FY)[RECORDED]
        if before in t.rows and all(recorded[y] < recorded[before] for y in after):
            text += f", staying below {before}"
    return text + "."


def _unknown_shift(t: _Table, e: LevelShift) -> str:
    text = f"The forecast could not know of the {e.label} from {when(e.start, t.frequency)}"
    year = _year_of(e.start)
    if year in t.rows and t.moved(year):
        text += f": {t.words} {t.moved(year)} in {year}"
    return text + "."


def _carried_trend(t: _Table) -> str:
    """The forecast rose every year, as the history before the origin had, while less was recorded."""
    frame, shown, n = t.frame, t.shown, len(t.frame)
    history = fy_totals(t.h.backtest.training(t.h.origin))["total"]
    rising = n > 1 and bool((np.diff(frame[FORECAST].to_numpy(dtype=float)) > 0).all())
    rose_before = len(history) >= 2 and history.iloc[-1] > history.iloc[max(0, len(history) - 5)]
    if not (rising and rose_before and frame.at[n - 1, RECORDED] < frame.at[n - 1, FORECAST]):
        return ""
    return (f"The forecast also rose year by year, to {shown.at[n - 1, FORECAST]} for {shown.at[n - 1, FY]}, carrying "
            f"on the rise of the years before {day_words(t.h.origin)}; {shown.at[n - 1, RECORDED]} were recorded.")


def _named(e: Any, frequency: str) -> str:
    """"the <label>" and, unless the label already says it, when the event starts."""
    start = when(e.start, frequency)
    return f"the {e.label}" + ("" if start in e.label else f" from {start}")


def _events_used(h: Hindsight, applied: list, later: list, frequency: str) -> str:
    day = day_words(h.origin)
    shifts = [_named(e, frequency) for e in applied if isinstance(e, LevelShift)]
    excluded = [f"the {e.label} ({e.start.start_time:%B %Y} to {e.end.end_time:%B %Y})" for e in applied
                if isinstance(e, ExcludedPeriod)]
    used = []
    if shifts:
        used.append(f"{'level shifts' if len(shifts) > 1 else 'a level shift'} for {join_words(shifts)}")
    if excluded:
        used.append(f"{join_words(excluded)} treated as missing")
    if used:
        text = (f"The forecast used the declared events as far as they could be known on {day}: "
                f"{join_words(used)}.")
        if h.model in SIMPLE_MODELS:
            text = (f"The declared events as far as they could be known on {day} were {join_words(used)}; "
                    f"{model_words(h.model)} ignores them, as a baseline does.")
    else:
        text = f"No declared event could be known on {day}, so the forecast used none."
    unused = [e for e in h.not_applied() if e not in later and e.start <= h.fold.origin]
    if later:
        text += f" It did not use {join_words([f'the {e.label}' for e in later])}, which came later."
    if unused:
        text += (f" It did not use {join_words([f'the {e.label}' for e in unused])}: the data up to {day} could "
                 f"not estimate {'it' if len(unused) == 1 else 'them'}.")
    return text


# ---------------------------------------------------------------------------------------------- chapter
def hindsight_blocks(h: Hindsight, table: Table, lead, name: str, key: str) -> list:
    """The blocks of the accuracy section: the two paragraphs (the first through ``lead``), the table, the chart."""
    how_far, why = hindsight_words(h, table)
    chart = hindsight_chart(h)
    return [Paragraph(lead(how_far)), Paragraph(why), table,
            Figure(chart, f"{name}: the forecast made on {day_words(h.origin)} (mean, 80% and 95% intervals per "
                   f"{per_period(h.backtest.series)}) against what was recorded", f"{key}.png")]


def _interval_words(calibration) -> str:
    """How the judged forecast's intervals were made, for the table caption."""
    if calibration is None:
        return ""
    if getattr(calibration, "kind", None) == "conformal":
        return ", intervals set by past errors"
    return ", calibrated intervals"
