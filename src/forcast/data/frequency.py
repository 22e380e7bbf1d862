"""Dates and frequency: work out which periods a column of dates stands for, and refuse mixed frequencies.

Used by :mod:`forcast.data` when loading. Like :mod:`forcast.data.validation`, every message names the column, the rule,
what was seen (the steps between dates, the first offending rows) and how to fix it; nothing here reads files,
prints or changes its inputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import FrequencyError
from .series import FREQUENCIES, frequency_of
from .validation import PERIOD_WORDS, listing, plural

_ORDER = ("daily", "weekly", "monthly", "quarterly", "annual")  # finest to coarsest
_MIN_DAYS = {"daily": 1, "weekly": 7, "monthly": 28, "quarterly": 89, "annual": 365}
_MAX_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "annual": 366}
_ONE_FREQUENCY = (
    "Use only the part of the data with one frequency, or total the finer figures into the coarser periods first."
)


def _step_text(days: int) -> str:
    months = round(days / 30.44)
    if days >= 28 and abs(days - months * 30.44) <= 3.5:
        return plural(months, "month")
    return plural(days, "day")


def describe_steps(days: np.ndarray) -> str:
    """Steps between dates in days, for people: ``"1 month (24 times), 3 months (12 times)"``."""
    counts = Counter(_step_text(int(d)) for d in days)
    return ", ".join(f"{step} ({plural(n, 'time')})" for step, n in counts.most_common())


def infer_frequency(days: np.ndarray, column: str) -> str | None:
    """The frequency most of the steps (in days) between consecutive distinct dates show; None if no steps.

    Ties go to the finer frequency. Raises :class:`FrequencyError` when no step is a day, a week, a month, a quarter
    or a year.
    """
    if len(days) == 0:
        return None
    kinds = Counter(f for d in days for f in _ORDER if _MIN_DAYS[f] <= d <= _MAX_DAYS[f])
    if not kinds:
        raise FrequencyError(
            f"The dates in {column} are not evenly spaced by a day, a week, a month or a quarter. Steps seen: "
            f"{describe_steps(days)}. forcast needs one row per day, Monday-to-Sunday week, month or quarter."
        )
    best = max(kinds.values())
    return next(f for f in _ORDER if kinds[f] == best)


def check_dates(stamps: pd.DatetimeIndex, frequency: str | None, column: str, labels: Sequence[str],
                months_only: bool = False) -> pd.PeriodIndex:
    """Map dates to the periods that contain them, inferring or checking the frequency; return a PeriodIndex.

    ``months_only`` says every date came from a month label (``2018-04``), so a single date is a month. Raises
    :class:`FrequencyError` when the frequency cannot be inferred, contradicts ``frequency``, is annual without being
    asked for, mixes shorter steps in, or when weekly dates are not all Mondays or all Sundays, or quarterly dates
    fall in the middle month of a quarter.
    """
    uniq = stamps.normalize().unique().sort_values()
    days = np.diff(uniq.to_numpy().astype("datetime64[D]").astype(np.int64))
    inferred = infer_frequency(days, column)
    if frequency is None:
        if inferred is None and not months_only:
            raise FrequencyError(f"Cannot tell the frequency of {column} from one date. Pass frequency=, e.g. "
                                 "'monthly'.")
        frequency = inferred or "monthly"
        if frequency == "annual":
            raise FrequencyError(
                f"The dates in {column} are a year apart. forcast's annual periods are financial years (April to "
                "March): if each row is one financial year, pass frequency='annual'."
            )
    elif inferred is not None and inferred != frequency:
        raise FrequencyError(
            f"frequency={frequency!r} was given, but the dates in {column} are {inferred} (steps seen: "
            f"{describe_steps(days)}). Pass frequency={inferred!r} or leave frequency out to let forcast infer it; "
            f"to get {frequency} figures, add the {inferred} ones up before loading."
        )
    short = np.flatnonzero(days < _MIN_DAYS[frequency])
    if short.size:
        i = int(short[0])
        raise FrequencyError(
            f"The dates in {column} mix frequencies: most steps are {frequency}, but some are shorter than a "
            f"{PERIOD_WORDS[frequency]} (first: {uniq[i].date()} to {uniq[i + 1].date()}). Steps seen: "
            f"{describe_steps(days)}. {_ONE_FREQUENCY}"
        )
    if frequency == "weekly":
        usual = 0 if (stamps.day_of_week == 0).sum() >= (stamps.day_of_week == 6).sum() else 6
        odd = np.flatnonzero(stamps.day_of_week != usual)
        if odd.size:
            shown = [f"{labels[i]}: {stamps[i].date()} ({stamps[i].day_name()})" for i in odd]
            raise FrequencyError(
                f"Weekly dates in {column} must all be Mondays (week starts) or all Sundays (week ends), because "
                f"forcast's weeks run Monday to Sunday. Got {plural(odd.size, 'other date')}: {listing(shown)}. "
                "Weeks that start on another day cannot be re-labelled: count the calls again from the call-level "
                "export with forcast.data.load_calls(..., frequency='weekly')."
            )
    if frequency == "quarterly":
        odd = np.flatnonzero(stamps.month % 3 == 2)
        if odd.size:
            shown = [f"{labels[i]}: {stamps[i].date()}" for i in odd]
            raise FrequencyError(
                f"Quarterly dates in {column} must fall in the first or last month of a calendar quarter (Jan-Mar, "
                f"Apr-Jun, Jul-Sep, Oct-Dec). Got dates in middle months: {listing(shown)}. Label each quarter by "
                "its first day (2018-04-01), its last day (2018-06-30) or as 2018Q2."
            )
    return stamps.to_period(FREQUENCIES[frequency])


def check_steps(index: pd.PeriodIndex, column: str) -> None:
    """Raise :class:`FrequencyError` when long steps are a stretch of coarser data rather than a few gaps.

    Long steps count as a change of frequency when they are at least as many as the one-period steps, or when three
    equal long steps follow each other (e.g. a quarterly stretch inside monthly data). Otherwise they are gaps, for
    :func:`check_regular` to report.
    """
    steps = np.diff(np.unique(index.asi8))
    long = int((steps > 1).sum())
    stretch = any(steps[i] > 1 and steps[i] == steps[i + 1] == steps[i + 2] for i in range(len(steps) - 2))
    if long and (long >= len(steps) - long or stretch):
        word = PERIOD_WORDS[frequency_of(index)]
        seen = ", ".join(f"{plural(int(s), word)} ({plural(n, 'time')})" for s, n in Counter(steps).most_common())
        raise FrequencyError(
            f"The dates in {column} mix frequencies: steps seen are {seen}. forcast needs one row per {word} "
            f"throughout. {_ONE_FREQUENCY}"
        )
