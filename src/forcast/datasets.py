"""Real, published data embedded in forcast: recorded crime for the 44 forces, populations, most similar groups
and stand-in call series.

Everything here is real data (regenerate with ``data/derive.py``; sources and caveats in ``data/README.md`` and
:func:`sources`). Recorded crime is Home Office police recorded crime via ONS, total excluding fraud, under the Open
Government Licence v3.0. The quarterly series is DERIVED from rolling 12-month totals (only 2017/18 quarters are
published as such). The call series are NOT UK police 999/101 data: no stored public source held one, so US police
calls for service, US 911 ambulance calls and NHS England ambulance 999 calls stand in for them.

>>> from forcast import datasets
>>> y = datasets.recorded_crime("Lancashire")          # quarterly demand series, 2006Q2-2018Q4
>>> fy = datasets.recorded_crime("Lancashire", "annual")  # financial years 2002/03-2017/18
>>> datasets.population("Lancashire", 2018)
1498300

Every function returns a fresh object: changing it does not change what the next call returns.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from . import _datafiles as _files
from .errors import ParameterError, UnknownDatasetError
from .series import make_series

__all__ = [
    "attribution",
    "calls",
    "catalogue",
    "forces",
    "most_similar_group",
    "population",
    "populations",
    "recorded_crime",
    "recorded_crime_by_offence_group",
    "recording_breaks",
    "register_most_similar_group",
    "rolling_totals",
    "RECORDING_BREAKS",
    "sources",
]

#: Stand-in call series: name -> (pandas frequency, measure, unit). None describes a police force, so their
#: ``force`` is None; the place is in the series name.
CALL_SERIES: dict[str, tuple[str, str, str]] = {
    "eugene_daily": ("D", "calls_for_service", "calls"),
    "cincinnati_weekly": ("W-SUN", "calls_for_service", "calls"),
    "nhs_england_999_monthly": ("M", "calls_999", "calls"),
    "nhs_england_contacts_monthly": ("M", "contacts_999", "contacts"),
    "denver_daily": ("D", "calls_911", "calls"),
}
_CRIME_FREQUENCIES = ("quarterly", "annual")
_MSG_REGISTRY: dict[str, list[str]] = {}


# --- forces and sources ------------------------------------------------------------------------------
def forces() -> list[str]:
    """The 44 forces with embedded recorded crime (43 territorial forces + British Transport Police), sorted.

    Names use Home Office spelling ("Avon and Somerset", "Metropolitan Police", "City of London", "Dyfed-Powys").
    Other functions also accept these case-insensitively and with suffixes such as "Constabulary" or "Police".
    """
    return list(_files.force_names())


def sources() -> dict:
    """Title, publisher, source, licence, coverage and caveats of every embedded dataset, keyed by dataset."""
    return copy.deepcopy(_files.sources_json())


def attribution(key: str) -> str:
    """The attribution line to print under a table or chart built from dataset ``key`` (see :func:`sources`)."""
    info = _files.sources_json()
    if key not in info:
        raise UnknownDatasetError(
            f"No embedded dataset is called {key!r}. Choose one of: {', '.join(sorted(info))}."
        )
    return info[key]["attribution"]


def _source_text(key: str) -> str:
    info = _files.sources_json()[key]
    return f"{info['publisher']}: {info['title']}. {info['attribution']}"


# --- recorded crime ------------------------------------------------------------------------------------
def recorded_crime(force: str, frequency: str = "quarterly") -> pd.Series:
    """Total recorded crime excluding fraud for ``force`` as a demand series.

    ``frequency="quarterly"`` (default): calendar quarters 2006Q2-2018Q4 (PeriodIndex ``Q-DEC``). DERIVED from
    ONS rolling 12-month totals, anchored on the Home Office 2017/18 quarterly figures; see ``attrs["caveat"]``.

    ``frequency="annual"``: financial years 2002/03-2017/18 (PeriodIndex ``Y-MAR``), the published rolling
    12-month totals for years ending March. 2018/19 is not complete in the embedded data.

    For Lancashire, 2018Q4 includes a Home Office estimate for November-December 2018 (recording-system change),
    and recorded crime jumps by about 30% from April 2018 (a recording change): model it as a level shift.
    """
    name = _files.resolve(force)
    if frequency not in _CRIME_FREQUENCIES:
        raise UnknownDatasetError(
            f"recorded_crime frequency must be 'quarterly' or 'annual'. Got {frequency!r}. Other frequencies are "
            f"not embedded; for rolling 12-month totals use forcast.datasets.rolling_totals({name!r})."
        )
    key = "recorded_crime_quarterly" if frequency == "quarterly" else "recorded_crime_rolling12m"
    info = _files.sources_json()[key]
    if frequency == "quarterly":
        rows = _files.table("recorded_crime_quarterly.csv")
        rows = rows[rows["force"] == name]
        index = pd.PeriodIndex(rows["period"], freq="Q-DEC")
        base = (
            "Derived from ONS rolling 12-month totals (not an official quarterly series); only the 2017/18 "
            "quarters are published Home Office figures. Recording-practice changes (HMIC's 2014 crime data "
            "integrity inspection and after) raise counts from 2014/15."
        )
    else:
        rows = rolling_totals(name)
        rows = rows[rows["period_end"].str.endswith("-03-31")]
        index = pd.PeriodIndex(pd.to_datetime(rows["period_end"]), freq="Y-MAR")
        base = (
            "Financial-year (April-March) totals: the published rolling 12-month totals for years ending March. "
            "2018/19 is not complete in the embedded data. Recording-practice changes (HMIC's 2014 crime data "
            "integrity inspection and after) raise counts from 2014/15."
        )
    extra = info.get("force_caveats", {}).get(name)
    return make_series(
        rows["count"].to_numpy(),
        index,
        name=f"{name} recorded crime",
        measure="recorded_crime",
        unit="crimes",
        force=name,
        source=_source_text(key),
        caveat=f"{base} {extra}" if extra else base,
    )


#: Recording-practice breaks in the embedded recorded crime, by force: ``(first month on the new basis, label)``.
#: Source: shared/data/PROVENANCE.md and data/README.md: Lancashire's recorded crime "jumps by about 30% from April
#: 2018 (about 33,800 in January-March 2018, 43,238 in April-June 2018)" -- a recording change, not only a change
#: in demand.
RECORDING_BREAKS: dict[str, tuple[tuple[str, str], ...]] = {
    "Lancashire": (("2018-04", "recording change (crime data integrity)"),),
}


def recording_breaks(force: str) -> list:
    """Known recording-practice breaks in ``force``'s embedded recorded crime, as LevelShift events to declare.

    >>> recording_breaks("Lancashire")
    [LevelShift(start='2018-04', label='recording change (crime data integrity)')]
    """
    from .events import LevelShift

    name = _files.resolve(force)
    return [LevelShift(start, label) for start, label in RECORDING_BREAKS.get(name, ())]


def rolling_totals(force: str) -> pd.DataFrame:
    """Published rolling 12-month totals of recorded crime (excl. fraud): columns ``period_end, count, vintage``.

    Windows end in March 2003-2007, then every quarter from June 2007 to December 2018 (latest vintage kept: the
    ONS release to the year ending December 2018).
    """
    name = _files.resolve(force)
    rows = _files.table("recorded_crime_rolling12m.csv")
    return rows.loc[rows["force"] == name, ["period_end", "count", "vintage"]].reset_index(drop=True).copy()


def recorded_crime_by_offence_group(force: str) -> pd.DataFrame:
    """Recorded crime by offence group for a force (or "England and Wales", "England", "Wales", a region).

    Long table with columns ``offence_group, parent, frequency, period_start, period_end, count``:

    * ``frequency="rolling_12_months"``: ONS PFA tables, years ending March, June, September and December 2018,
      every offence group and sub-group;
    * ``frequency="quarterly"``: Home Office 2017/18 quarters at offence-group level (forces only).

    Groups nest: ``parent`` names the group a row is part of (empty for the total), so never add a row to its
    parent. Areas other than forces have rolling 12-month rows only.
    """
    name = _files.resolve(force, areas=True)
    rows = _files.table("recorded_crime_by_offence_group.csv")
    rows = rows.loc[rows["area"] == name, ["offence_group", "frequency", "period_end", "count"]]
    parents = _files.table("offence_groups.csv").fillna({"parent": ""})
    out = rows.merge(parents, on="offence_group", how="left")
    end = pd.to_datetime(out["period_end"])
    months = np.where(out["frequency"] == "quarterly", 3, 12)
    start = [e + pd.Timedelta(days=1) - pd.DateOffset(months=int(m)) for e, m in zip(end, months)]
    out["period_start"] = pd.DatetimeIndex(start).strftime("%Y-%m-%d")
    cols = ["offence_group", "parent", "frequency", "period_start", "period_end", "count"]
    return out[cols].reset_index(drop=True).copy()


# --- population ----------------------------------------------------------------------------------------
def _population_years() -> list[int]:
    return sorted(int(y) for y in _files.table("population.csv")["mid_year"].unique())


def _check_year(year: object) -> int:
    years = _population_years()
    try:
        value = int(year)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = None
    if value is None or value not in years or isinstance(year, bool):
        raise UnknownDatasetError(
            f"Population is embedded for mid-years {', '.join(map(str, years))}. Got {year!r}. For other years "
            f"interpolate between these or use ONS mid-year estimates."
        )
    return value


def population(force: str, year: int) -> int:
    """Resident population of a police force area at mid-``year`` (2016, 2017, 2018 or 2020).

    Also accepts "England and Wales", "England", "Wales" and (2016-2018) the English regions. Mid-2016 to 2018 are
    the ONS figures behind its crime rates (rounded to 100); mid-2020 are ONS ward estimates summed to forces.
    """
    name = _files.resolve(force, areas=True)
    value = _check_year(year)
    if name == "British Transport Police":
        raise UnknownDatasetError(
            "British Transport Police polices the railway network and has no resident population. Use the "
            "population of the area you are comparing with, or passenger numbers."
        )
    pop = _files.table("population.csv")
    hit = pop.loc[(pop["area"] == name) & (pop["mid_year"] == value), "population"]
    if hit.empty:
        have = sorted(int(y) for y in pop.loc[pop["area"] == name, "mid_year"])
        why = ""
        if value == 2018 and name in ("Greater Manchester", "England and Wales", "England", "North West"):
            why = " The source has no mid-2018 Greater Manchester figure, and its totals for 2018 leave it out."
        raise UnknownDatasetError(
            f"No mid-{value} population is embedded for {name!r}; years available for it: "
            f"{', '.join(map(str, have)) or 'none'}.{why}"
        )
    return int(hit.iloc[0])


def populations(year: int) -> pd.Series:
    """Mid-``year`` population of every territorial force area (index: force), as integers.

    Mid-2018 has no Greater Manchester figure in the source, so that year lists 42 forces.
    """
    value = _check_year(year)
    pop = _files.table("population.csv")
    rows = pop[(pop["area_type"] == "force") & (pop["mid_year"] == value)].sort_values("area")
    out = pd.Series(rows["population"].to_numpy(dtype="int64"), index=pd.Index(rows["area"], name="force"))
    return out.rename(f"population mid-{value}")


# --- most similar groups -------------------------------------------------------------------------------
def most_similar_group(force: str) -> list[str]:
    """The forces in ``force``'s most similar group (MSG); Lancashire's is embedded, others can be registered."""
    name = _files.resolve(force)
    if name in _MSG_REGISTRY:
        return list(_MSG_REGISTRY[name])
    rows = _files.table("most_similar_groups.csv")
    members = rows.loc[rows["force"] == name, "msg_member"].tolist()
    if not members:
        embedded = sorted(rows["force"].unique())
        raise UnknownDatasetError(
            f"No most similar group is embedded for {name!r} (embedded: {', '.join(embedded)}). Supply one with "
            f"forcast.datasets.register_most_similar_group({name!r}, ['Force A', 'Force B', ...]) using the "
            f"HMICFRS/Home Office grouping for the force."
        )
    return members


def register_most_similar_group(force: str, members: Iterable[str]) -> None:
    """Set ``force``'s most similar group for this Python session (replaces any embedded or earlier one).

    ``members`` are force names (see :func:`forces`); the force itself and repeats are not allowed.
    """
    name = _files.resolve(force)
    if isinstance(members, str):
        raise ParameterError(
            f"members must be a list of force names. Got the single string {members!r}; write [{members!r}]."
        )
    resolved = [_files.resolve(m) for m in members]
    if not resolved:
        raise ParameterError(f"members must name at least one force. Got an empty list for {name!r}.")
    repeated = sorted({m for m in resolved if resolved.count(m) > 1})
    if repeated:
        raise ParameterError(f"members must name each force once. Repeated: {', '.join(repeated)}.")
    if name in resolved:
        raise ParameterError(f"members must not include {name!r} itself; list the forces it is compared with.")
    _MSG_REGISTRY[name] = resolved


# --- stand-in call series ------------------------------------------------------------------------------
def calls(name: str) -> pd.Series:
    """A stand-in call series as a demand series. These are NOT UK police 999/101 data.

    ``name`` is one of ``"eugene_daily"`` (Eugene, Oregon, police calls for service, 2008-09-23 to 2018-03-31),
    ``"cincinnati_weekly"`` (Cincinnati, Ohio, police calls for service, ISO weeks 2016-2020),
    ``"nhs_england_999_monthly"`` (England ambulance 999 calls answered, AmbSYS A1, Dec 2017 - Jan 2021),
    ``"nhs_england_contacts_monthly"`` (AmbSYS A0 contacts, same months) and ``"denver_daily"`` (Denver 911
    ambulance calls, 2011-2018).

    A missing day in a daily series is filled with the mean of the same weekday one week before and one week
    after, rounded to a whole number, and the fill is stated in ``attrs["caveat"]``. The only such day is Eugene's
    2009-06-21 (absent from the source), filled with 220 = mean of 227 (2009-06-14) and 213 (2009-06-28).
    """
    if name not in CALL_SERIES:
        raise UnknownDatasetError(
            f"No embedded call series is called {name!r}. Choose one of: {', '.join(CALL_SERIES)}."
        )
    freq, measure, unit = CALL_SERIES[name]
    rows = _files.table(f"calls_{name}.csv")
    values = pd.Series(
        rows["count"].to_numpy(dtype=float), index=pd.PeriodIndex(pd.to_datetime(rows["period_start"]), freq=freq)
    )
    full = pd.period_range(values.index.min(), values.index.max(), freq=freq)
    values = values.reindex(full)
    info = _files.sources_json()[name]
    notes = list(info["caveats"])
    for period in values.index[values.isna()]:
        before, after = values.get(period - 7), values.get(period + 7)
        fill = float(np.rint((before + after) / 2))
        values[period] = fill
        notes.append(
            f"{period} is missing in the source and was filled with {int(fill)}, the mean of the same weekday one "
            f"week before ({period - 7}: {int(before)}) and after ({period + 7}: {int(after)}); not an observed "
            f"count."
        )
    return make_series(
        values.to_numpy(),
        values.index,
        name=f"{info['title']} (stand-in)",
        measure=measure,
        unit=unit,
        force=None,
        source=f"{info['publisher']}. {info['attribution']}",
        caveat=" ".join(notes),
    )


# --- catalogue -----------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    from .fiscal import label

    def fmt(period: pd.Period) -> str:
        return label(period) if period.freqstr == "Y-MAR" else str(period)

    rows = []
    for dataset, series in [
        *(("recorded_crime", recorded_crime(f, freq)) for freq in _CRIME_FREQUENCIES for f in forces()),
        *((name, calls(name)) for name in CALL_SERIES),
    ]:
        attrs = series.attrs
        rows.append(
            {
                "dataset": dataset,
                "force": attrs["force"],
                "measure": attrs["measure"],
                "frequency": attrs["frequency"],
                "first_period": fmt(series.index[0]),
                "last_period": fmt(series.index[-1]),
                "n_points": len(series),
            }
        )
    return pd.DataFrame(rows)


def catalogue() -> pd.DataFrame:
    """Every embedded demand series: columns ``dataset, force, measure, frequency, first_period, last_period,
    n_points``.

    Recorded crime rows (``dataset="recorded_crime"``) load with ``recorded_crime(force, frequency)``; stand-in call
    rows (``dataset`` is the series name; ``force`` is empty, as they are not UK police forces) load with
    ``calls(dataset)``.
    """
    return _catalogue().copy()
