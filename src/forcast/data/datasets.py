"""Real, published data embedded in forcast: recorded crime for the 43 territorial forces by offence group,
known breaks, populations, most similar groups and stand-in call series.

Everything here is real data (regenerate with ``data/derive.py``; sources and caveats in ``data/README.md`` and
:func:`sources`). Recorded crime is the Home Office's published quarterly counts, April 2002 - March 2023, total
excluding fraud and nine offence groups, under the Open Government Licence v3.0; an imported newer release is used
in its place where one is active (``forcast datasets import FILE``). The older DERIVED 2006-2018 series (with
British Transport Police) is :func:`recorded_crime_derived`. The call series are NOT UK police 999/101 data: no stored
public source held one, so US police calls for service, US 911 ambulance calls and NHS England ambulance 999 calls stand
in for them.

>>> from forcast import datasets
>>> y = datasets.recorded_crime("Lancashire")            # quarterly demand series, 2002Q2-2023Q1
>>> v = datasets.recorded_crime("Lancashire", "Robbery")  # one offence group
>>> fy = datasets.recorded_crime("Lancashire", frequency="annual")  # financial years 2002/03-2022/23
>>> datasets.population("Lancashire", 2022)
1551393

Every function returns a fresh object: changing it does not change what the next call returns.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from . import _datafiles as _files
from . import known_events as _known
from .crime_series import OFFENCE_GROUPS, recorded_crime, recorded_crime_derived, release_in_use
from ..errors import ParameterError, UnknownDatasetError
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
    "known_events",
    "OFFENCE_GROUPS",
    "read_home_office_tables",
    "recorded_crime_derived",
    "recording_breaks",
    "register_most_similar_group",
    "release_in_use",
    "rolling_totals",
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
def forces(*, derived: bool = False) -> list[str]:
    """The 43 territorial forces of England and Wales, whose published recorded crime is embedded, sorted.

    ``derived=True``: the 44 forces of the derived 2006-2018 series (:func:`recorded_crime_derived`), with British
    Transport Police. Names use Home Office spelling ("Avon and Somerset", "Metropolitan Police", "City of London",
    "Dyfed-Powys"). Other functions also accept these case-insensitively and with suffixes such as "Constabulary"
    or "Police".
    """
    names = list(_files.force_names())
    return names if derived else [n for n in names if n != "British Transport Police"]


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
def recording_breaks(force: str) -> list:
    """The known level shifts (recording-practice changes) of ``force``'s recorded crime, as LevelShift events.

    All known events, including excluded periods and COVID-19, are in :func:`known_events`; forecasts declare them
    by default from ``attrs["known_events"]``.

    >>> recording_breaks("Lancashire")
    [LevelShift(start='2018-04', label='recording change (crime data integrity), April 2018'), \
LevelShift(start='2019-01', label='new recording system (November 2018)')]
    """
    name = _files.resolve(force)
    return [e.as_event() for e in _known.events_for(name) if e.kind == "level_shift"]


def known_events(force: str | None = None) -> pd.DataFrame:
    """Known breaks and anomalies of the embedded recorded crime (declared by default when forecasting):
    ``force, key, kind, start, end, label, detail, default``. See :mod:`forcast.data.known_events`."""
    return _known.known_events(force)


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
@lru_cache(maxsize=1)
def _population_table() -> pd.DataFrame:
    """Mid-2011 to mid-2023 (one revised ONS series) for forces, England, Wales and England and Wales; the English
    regions for mid-2016 to mid-2018 from the ONS PFA tables (the only years embedded for them)."""
    now = _files.table("population_mid2011_2023.csv")
    old = _files.table("population.csv")
    return pd.concat([now, old[old["area_type"] == "region"]], ignore_index=True)


def _population_years() -> list[int]:
    return sorted(int(y) for y in _population_table()["mid_year"].unique())


def _check_year(year: object) -> int:
    years = _population_years()
    try:
        value = int(year)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = None
    if value is None or value not in years or isinstance(year, bool):
        raise UnknownDatasetError(
            f"Population is embedded for mid-years {years[0]}-{years[-1]}. Got {year!r}. For other years use the "
            f"nearest embedded year (say so) or ONS mid-year estimates."
        )
    return value


def population(force: str, year: int) -> int:
    """Resident population of a police force area at mid-``year`` (2011-2023).

    ONS mid-year estimates, the revised Census-2021-based series of July 2024, summed from local authorities to
    force areas. Also accepts "England and Wales", "England" and "Wales" (sums of the forces) and, for mid-2016 to
    mid-2018 only, the English regions (ONS PFA tables, rounded to 100).
    """
    name = _files.resolve(force, areas=True)
    value = _check_year(year)
    if name == "British Transport Police":
        raise UnknownDatasetError(
            "British Transport Police polices the railway network and has no resident population. Use the "
            "population of the area you are comparing with, or passenger numbers."
        )
    pop = _population_table()
    hit = pop.loc[(pop["area"] == name) & (pop["mid_year"] == value), "population"]
    if hit.empty:
        have = sorted(int(y) for y in pop.loc[pop["area"] == name, "mid_year"])
        raise UnknownDatasetError(
            f"No mid-{value} population is embedded for {name!r}; years available for it: "
            f"{', '.join(map(str, have)) or 'none'}."
        )
    return int(hit.iloc[0])


def populations(year: int) -> pd.Series:
    """Mid-``year`` population of each of the 43 territorial force areas (index: force), as integers."""
    value = _check_year(year)
    pop = _population_table()
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
            f"forcast.data.datasets.register_most_similar_group({name!r}, ['Force A', 'Force B', ...]) using the "
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
_CATALOGUE_COLUMNS = ["dataset", "force", "offence_group", "measure", "frequency", "first_period", "last_period",
                      "n_points"]


def _row(dataset: str, series: pd.Series) -> dict:
    from ..forecasting.fiscal import label

    def fmt(period: pd.Period) -> str:
        return label(period) if period.freqstr == "Y-MAR" else str(period)

    attrs = series.attrs
    return {"dataset": dataset, "force": attrs["force"], "offence_group": attrs.get("offence_group"),
            "measure": attrs["measure"], "frequency": attrs["frequency"], "first_period": fmt(series.index[0]),
            "last_period": fmt(series.index[-1]), "n_points": len(series)}


@lru_cache(maxsize=1)
def _fixed_rows() -> tuple[dict, ...]:
    """Catalogue rows that no imported release changes: the derived series and the call stand-ins."""
    rows = [_row("recorded_crime_derived", recorded_crime_derived(f, freq))
            for freq in ("quarterly", "annual") for f in forces(derived=True)]
    rows += [_row(name, calls(name)) for name in CALL_SERIES]
    return tuple(rows)


def catalogue() -> pd.DataFrame:
    """Every embedded demand series: columns ``dataset, force, offence_group, measure, frequency, first_period,
    last_period, n_points``.

    ``dataset="recorded_crime"`` rows load with ``recorded_crime(force, offence_group, frequency=...)`` (an
    empty ``offence_group`` is the total; offence groups are quarterly); ``"recorded_crime_derived"`` rows with
    ``recorded_crime_derived(force, frequency)``; stand-in call rows (``dataset`` is the series name; ``force`` is
    empty, as they are not UK police forces) with ``calls(dataset)``.
    """
    from .crime_series import crime_table

    table, _, _ = crime_table()
    spans = table.groupby(["force", "offence_group"])["period"].agg(["min", "max", "size"]).reset_index()
    rows = []
    for force in sorted(table["force"].unique()):
        rows += [_row("recorded_crime", recorded_crime(force, frequency=f)) for f in _CRIME_FREQUENCIES]
        for r in spans[spans["force"] == force].itertuples(index=False):
            rows.append({"dataset": "recorded_crime", "force": force, "offence_group": r.offence_group,
                         "measure": "recorded_crime", "frequency": "quarterly", "first_period": r.min,
                         "last_period": r.max, "n_points": int(r.size)})
    return pd.DataFrame(rows + [dict(r) for r in _fixed_rows()], columns=_CATALOGUE_COLUMNS)


def read_home_office_tables(path, **options) -> pd.DataFrame:
    """Read a Home Office "Police recorded crime and outcomes open data tables" workbook (ODS or XLSX) into the
    tidy table ``force, offence_group, period, count``; see :func:`forcast.data.home_office.read_home_office_tables`.
    To use a release for every series, import it: ``forcast datasets import FILE`` or
    :func:`forcast.data.releases.import_release`."""
    from .home_office import read_home_office_tables as read

    return read(path, **options)
