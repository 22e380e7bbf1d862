"""Checks of the arguments users pass to the public functions, in one place.

Each ``check_*`` takes the value as given and returns it in the form the library uses, or raises a forcast error
whose message names the argument, states the rule, quotes what was got and says how to fix it::

    `seed` must be a non-negative integer. Got -1. ...

The public functions (:func:`forcast.forecast`, :func:`forcast.check`, :func:`forcast.backtest`,
:func:`forcast.count_calls`, the FMS chapter) call these at their boundary; internal code trusts its inputs.
:func:`for_argparse` turns a check into an ``argparse`` type, so the command line refuses bad values with the same
words before any work starts.
"""

from __future__ import annotations

import argparse
import numbers
import re
from typing import Any, Callable

import numpy as np
import pandas as pd

from .errors import DateParseError, ForcastError, ParameterError

__all__ = [
    "MAX_PATH_BYTES",
    "MIN_PATHS",
    "check_date",
    "check_events",
    "check_levels",
    "check_min_after_shift",
    "check_models",
    "check_n_paths",
    "check_path_memory",
    "check_seed",
    "check_total",
    "for_argparse",
]

#: Fewest sample paths per model: fewer give intervals that move from one seed to the next.
MIN_PATHS = 100
#: Most memory the sample paths of one forecast may take (8 bytes a value): 2 GiB.
MAX_PATH_BYTES = 2 * 1024**3


def _is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_seed(seed: Any, name: str = "seed") -> int | None:
    """``seed`` as an int (None stays None: fresh randomness)."""
    if seed is None:
        return None
    if not _is_integer(seed) or seed < 0:
        hint = " Give it as a number, not text." if isinstance(seed, str) and seed.strip().isdigit() else ""
        raise ParameterError(
            f"`{name}` must be a non-negative integer. Got {seed!r}.{hint} Use a whole number such as 2019 (the "
            f"same seed gives the same numbers), or None for fresh randomness."
        )
    return int(seed)


def check_n_paths(n_paths: Any, name: str = "n_paths") -> int:
    """``n_paths`` as an int of at least :data:`MIN_PATHS`."""
    if not _is_integer(n_paths) or n_paths < MIN_PATHS:
        raise ParameterError(
            f"`{name}` must be an integer of at least {MIN_PATHS}. Got {n_paths!r}. The default, 5,000, gives "
            f"stable intervals."
        )
    return int(n_paths)


def check_path_memory(n_paths: int, horizon: int, n_models: int, limit: int = MAX_PATH_BYTES) -> None:
    """Refuse before any work a forecast whose sample paths alone (``n_models`` arrays of ``n_paths`` by ``horizon``
    values of 8 bytes) would take more than ``limit`` bytes."""
    need = 8 * int(n_paths) * int(horizon) * max(int(n_models), 1)
    if need > limit:
        raise ParameterError(
            f"`n_paths` of {int(n_paths):,} would need about {_size(need)} for the sample paths alone ({n_models} "
            f"model(s) x {horizon:,} periods x 8 bytes a path), above forcast's limit of {_size(limit)}. Got "
            f"n_paths={int(n_paths)!r}. Use fewer paths (5,000 give stable intervals), fewer models or a shorter "
            f"horizon."
        )


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} TiB"  # pragma: no cover - the loop always returns


def check_levels(levels: Any) -> tuple[int | float, ...]:
    """Interval levels given as percentages, returned sorted and without repeats, e.g. ``(80, 95)``."""
    if isinstance(levels, (str, bytes)):
        raise ParameterError(
            f"`levels` must be a list of percentages, e.g. (80, 95) or [95]. Got the text {levels!r}. Write the "
            f"numbers themselves: levels=[95]."
        )
    if isinstance(levels, (numbers.Number, np.number)):
        raise ParameterError(
            f"`levels` must be a list of percentages, e.g. (80, 95) or [95]. Got the single number {levels!r}. "
            f"Put it in a list: levels=[{levels!r}]."
        )
    try:
        values = list(levels)
        if any(isinstance(v, (str, bytes, bool, np.bool_)) for v in values):
            raise TypeError
        out = tuple(sorted({float(level) for level in values}))
    except (TypeError, ValueError):
        raise ParameterError(
            f"`levels` must be percentages between 0 and 100, e.g. (80, 95). Got {levels!r}."
        ) from None
    if not out or any(not 1 <= level < 100 for level in out):
        hint = " Levels are percentages: write 95, not 0.95." if any(0 < v < 1 for v in out) else ""
        raise ParameterError(
            f"`levels` must be percentages from 1 up to (not including) 100, e.g. (80, 95). "
            f"Got {levels!r}.{hint}"
        )
    return tuple(int(level) if float(level).is_integer() else level for level in out)


def check_models(models: Any) -> tuple:
    """``models`` as a non-empty tuple (one name or model becomes a tuple of one)."""
    from .models.base import Model

    if isinstance(models, (str, Model)):
        return (models,)
    try:
        out = tuple(models)
    except TypeError:
        raise ParameterError(
            f"`models` must be a list of model names, e.g. ['ets', 'arima']. Got {models!r}."
        ) from None
    if not out:
        raise ParameterError(
            f"`models` must name at least one model, e.g. ['ets', 'arima'] (command line: --models ets,arima). "
            f"Got {models!r}."
        )
    return out


def check_events(events: Any) -> tuple:
    """``events`` as a tuple; a lone string (or one event) is refused, since it is not a list of events."""
    if events is None:
        return ()
    if isinstance(events, (str, bytes)):
        raise ParameterError(
            f"`events` must be a list of events such as [forcast.LevelShift('2018-04', 'recording change')]. "
            f"Got the string {events!r}. Put it in a list: events=[{events!r}]."
        )
    try:
        return tuple(events)
    except TypeError:
        raise ParameterError(
            f"`events` must be a list of events such as [forcast.LevelShift('2018-04', 'recording change')]. "
            f"Got {events!r}. Put it in a list: events=[...]."
        ) from None


def check_min_after_shift(value: Any) -> int:
    """``min_after_shift`` as an int of at least 1."""
    if not _is_integer(value) or value < 1:
        raise ParameterError(
            f"`min_after_shift` must be an integer greater than 0. Got {value!r}. It is the number of periods on "
            f"the new basis that must be observed before a level shift is applied; the default is 1."
        )
    return int(value)


def check_date(value: Any, name: str) -> pd.Timestamp | None:
    """``value`` (a date, or text such as ``'2016-01-01'``) as a Timestamp; None stays None."""
    if value is None:
        return None
    bad = isinstance(value, (bool, np.bool_, numbers.Number))
    stamp = None
    if not bad:
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            bad = True
    if bad or stamp is None or pd.isna(stamp):
        raise DateParseError(
            f"`{name}` must be a date, e.g. '2016-01-01' (year-month-day). Got {value!r}."
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp


_GROUPED = re.compile(r"[+]?\d{1,3}(,\d{3})+(\.\d+)?\Z")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
_DOTTED = re.compile(r"\d{1,3}(\.\d{3})+\Z")


def check_total(value: Any, name: str) -> float | None:
    """A positive total (e.g. a financial year's recorded crimes) as a float; None stays None.

    Text is accepted with comma thousands separators (``'168,705'``) or spaces/underscores between digit groups
    (``'168 705'``); a dot between groups of three (``'168.705'``) is refused as ambiguous.
    """
    if value is None:
        return None
    number: float | None = None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", " ")
        if _DOTTED.match(text):
            raise ParameterError(
                f"`{name}` must be a positive number (a financial-year total). Got {value!r}, which reads as "
                f"{float(text):g} but looks like {text.replace('.', ',')} written with dots for thousands. Write "
                f"it as {text.replace('.', '')} or {text.replace('.', ',')}."
            )
        compact = re.sub(r"(?<=\d)[ _](?=\d{3}\b)", "", text)
        if _GROUPED.match(compact):
            number = float(compact.replace(",", ""))
        elif _PLAIN.match(compact):
            number = float(compact)
    elif isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (bool, np.bool_)):
        number = float(value)
    if number is None or not np.isfinite(number) or number <= 0:
        raise ParameterError(
            f"`{name}` must be a positive number (a financial-year total), e.g. 168705 or '168,705'. Got {value!r}."
        )
    return number


def for_argparse(check: Callable[..., Any], convert: Callable[[str], Any] | None = None,
                 **options: Any) -> Callable[[str], Any]:
    """An ``argparse`` ``type=`` that runs ``check`` on the option's text (converted by ``convert`` first, e.g.
    :func:`int`); the error message is the check's own."""

    def parse(text: str) -> Any:
        value: Any = text
        if convert is not None:
            try:
                value = convert(text)
            except (TypeError, ValueError):
                value = text
        try:
            return check(value, **options)
        except ForcastError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = getattr(check, "__name__", "value").replace("check_", "")
    return parse


def as_int_if_whole(text: str) -> Any:
    """``int(text)`` when the text is a whole number, else the text (so the check quotes what was typed)."""
    stripped = text.strip()
    return int(stripped) if re.fullmatch(r"[+-]?\d+", stripped) else text
