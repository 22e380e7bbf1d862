"""Call demand (999 and 101): loading calls by type, stand-in labelling, and forecasting daily or weekly calls.

Call series are ordinary demand series (:mod:`forcast.data.series`) with ``measure`` ``"calls_999"``, ``"calls_101"``
or similar. Three things set them apart from recorded crime, and this module handles them:

* **Call-level exports.** A control-room export holds one row per call. :func:`load_call_types` counts it into one
  series per call type (999 and 101) with :func:`forcast.data.load_calls`, checked the same way: partial first and
  last periods dropped, and a day with no calls refused as a gap (naming the day) unless
  ``allow_empty_periods=True`` says such a day really had none.
* **Daily and weekly data.** Old years of a long daily history add fitting time and say little about next year
  (and may predate a recording change); holidays move demand on particular days. :func:`forecast_calls` keeps the
  last ``history_years``, adds bank holidays (:class:`forcast.data.holidays.BankHolidays`) as a regressor for daily and
  weekly series, and calls :func:`forcast.forecast`.
* **Stand-ins.** No UK police 999/101 series is published, so :func:`forcast.data.datasets.calls` offers real
  *stand-in* series (US police and EMS calls, NHS England ambulance 999 calls). Every output made from one must
  say so: :func:`stand_in_note` gives the sentence, and :func:`forecast_calls` puts it in the forecast's notes.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

import pandas as pd

from ..errors import ParameterError, UnknownDatasetError
from ..models.events import clip_events
from .holidays import BankHolidays
from .series import check_demand_series, meta, stand_in_note, with_meta

logger = logging.getLogger(__name__)

__all__ = [
    "CALL_TYPES", "forecast_calls", "load_call_types", "stand_in_holidays", "stand_in_note", "trim_history",
]

#: The call types a UK control room reports, and the ``measure`` each gets.
CALL_TYPES: dict[str, str] = {"999": "calls_999", "101": "calls_101"}

#: Holiday calendars matching where each stand-in series comes from (the US series need US holidays).
_STAND_IN_CALENDARS: dict[str, tuple[str, str, str]] = {
    "eugene_daily": ("US holidays (Oregon)", "US", "OR"),
    "cincinnati_weekly": ("US holidays (Ohio)", "US", "OH"),
    "denver_daily": ("US holidays (Colorado)", "US", "CO"),
    "nhs_england_999_monthly": ("bank holidays", "GB", "ENG"),
    "nhs_england_contacts_monthly": ("bank holidays", "GB", "ENG"),
}


# ---------------------------------------------------------------------------------------------- stand-ins
def stand_in_holidays(name: str) -> BankHolidays:
    """The holiday calendar of the place a stand-in call series comes from (``forcast.datasets.calls(name)``)."""
    if name not in _STAND_IN_CALENDARS:
        raise UnknownDatasetError(
            f"No stand-in call series is called {name!r}. Choose one of: {', '.join(_STAND_IN_CALENDARS)}."
        )
    label, country, subdiv = _STAND_IN_CALENDARS[name]
    return BankHolidays(label, country=country, subdiv=subdiv)


# ---------------------------------------------------------------------------------------------- loading
def load_call_types(
    source: Any,
    timestamp_column: Any,
    call_type_column: Any,
    types: Iterable[str] = tuple(CALL_TYPES),
    frequency: str = "daily",
    allow_empty_periods: bool = False,
    force: str | None = None,
    **kwargs: Any,
) -> dict[str, pd.Series]:
    """Count a call-level export into one demand series per call type: ``{"999": series, "101": series}``.

    Each type is counted by :func:`forcast.data.load_calls` (``call_type`` compared as text), so each series gets
    the measure ``"calls_999"`` / ``"calls_101"`` and is checked for gaps on its own: a day with 101 calls but no
    999 calls is a gap in the 999 series. ``kwargs`` go to :func:`~forcast.data.load_calls` (``start``, ``end``).
    """
    from .call_exports import load_calls

    if isinstance(types, str):
        types = (types,)
    types = [str(t).strip() for t in types]
    if not types:
        raise ParameterError(f"`types` must name at least one call type, e.g. ('999', '101'). Got {types!r}.")
    out = {}
    for kind in types:
        out[kind] = load_calls(source, timestamp_column, frequency=frequency, call_type_column=call_type_column,
                               call_type=kind, allow_empty_periods=allow_empty_periods, force=force,
                               measure=CALL_TYPES.get(kind, f"calls_{kind}"), **kwargs)
    return out


# ---------------------------------------------------------------------------------------------- forecasting
def trim_history(series: pd.Series, history_years: float | None) -> pd.Series:
    """The last ``history_years`` years of ``series`` (all of it when None or when it is shorter), metadata kept.

    The cut keeps the periods that start on or after the day ``history_years`` years before the day after the last
    period ends: 4 years of a daily series ending 31 March 2018 start on 1 April 2014.
    """
    if history_years is None:
        return series
    if isinstance(history_years, bool) or not isinstance(history_years, (int, float)) or history_years <= 0:
        raise ParameterError(f"`history_years` must be a number of years above 0, e.g. 4. Got {history_years!r}.")
    end = series.index[-1].end_time.normalize() + pd.Timedelta(days=1)
    whole, frac = divmod(float(history_years), 1.0)
    cut = end - pd.DateOffset(years=int(whole)) - pd.Timedelta(days=round(frac * 365.25))
    trimmed = series[series.index.start_time >= cut]
    if len(trimmed) < len(series):
        logger.info("History trimmed to the last %g years: %s to %s (%d of %d periods).", history_years,
                    trimmed.index[0], trimmed.index[-1], len(trimmed), len(series))
    return with_meta(trimmed.copy(), series)


def forecast_calls(
    series: pd.Series,
    until: str,
    history_years: float | None = None,
    holidays: BankHolidays | str | None = "auto",
    events: Iterable[Any] = (),
    **forecast_kwargs: Any,
):
    """Forecast a call series to financial year ``until``: trimmed history, bank holidays, stand-in note.

    Parameters
    ----------
    series : a demand series of calls (daily, weekly or monthly).
    until : the last financial year to forecast, e.g. ``"2021/22"``.
    history_years : keep only the last this-many years (None keeps all). Four to six years hold enough yearly
        cycles; older years add fitting time, say little about next year, and may hold recording changes.
    holidays : ``"auto"`` (default) adds :class:`~forcast.data.holidays.BankHolidays` for England and Wales to daily
        and weekly series (for a stand-in series from :func:`forcast.data.datasets.calls`, use
        :func:`stand_in_holidays`); a ``BankHolidays`` object is used for any frequency; ``None`` adds none. Nothing
        is added when ``events`` already hold a ``BankHolidays``.
    events : declared events. Those that fall outside the kept history (e.g. a level shift before it) are
        dropped, with a note.
    forecast_kwargs : passed to :func:`forcast.forecast` (``models``, ``levels``, ``n_paths``, ``seed``, ...).

    Returns the :class:`~forcast.Forecast`; its ``notes`` say what was trimmed, dropped and added, and, for a
    stand-in series, that it is not UK police 999/101 data (``Forecast.summary()`` prints the notes).
    """
    from ..forecasting.forecast import forecast

    full = check_demand_series(series, purpose="forecasting calls")
    frequency = meta(full)["frequency"]
    history = trim_history(full, history_years)
    notes = []
    if len(history) < len(full):
        notes.append(f"history trimmed to the last {history_years:g} years ({history.index[0]} to "
                     f"{history.index[-1]}); earlier data not used")
    events = tuple(events)
    kept = clip_events(events, history.index) if events else ()
    dropped = [e for e in events if not clip_events([e], history.index)]
    if dropped:
        notes.append("events outside the kept history dropped: " + ", ".join(
            repr(getattr(e, "label", e)) for e in dropped))
    chosen = _holiday_event(holidays, frequency, kept)
    if chosen is not None:
        kept = (*kept, chosen)
        where = chosen.country + (f"-{chosen.subdiv}" if chosen.subdiv else "")
        notes.append(f"{chosen.label} ({where}) declared as a regressor event: ARIMA estimates its effect, ETS "
                     "ignores regressors")
    fc = forecast(history, until=until, events=kept, **forecast_kwargs)
    fc.notes.extend(notes)  # forecast() has already added the stand-in sentence, when there is one
    return fc


def _holiday_event(holidays: Any, frequency: str, events: tuple) -> BankHolidays | None:
    if holidays is None:
        return None
    if any(isinstance(e, BankHolidays) for e in events):
        logger.info("BankHolidays are already declared; none added.")
        return None
    if isinstance(holidays, BankHolidays):
        return holidays
    if holidays == "auto":
        return BankHolidays() if frequency in ("daily", "weekly") else None
    raise ParameterError(
        f"`holidays` must be 'auto', a forcast.data.holidays.BankHolidays object or None. Got {holidays!r}."
    )
