"""Recorded crime as demand series: the published Home Office quarters (default) and the older derived series.

The default series are the Home Office "Police recorded crime and outcomes open data tables": published quarterly
counts for the 43 territorial forces, April 2002 - March 2023, total recorded crime excluding fraud and its nine
offence groups. An analyst can import a newer release (:func:`forcast.data.datasets.read_home_office_tables`,
``forcast datasets import FILE``); the active release's quarters then replace the embedded ones, and its name
travels in ``attrs["source"]`` and ``attrs["release"]``. Known breaks (:mod:`forcast.data.known_events`) travel in
``attrs["known_events"]``.

The derived 2006Q2-2018Q4 series (from ONS rolling 12-month totals, with British Transport Police) stays available
as :func:`recorded_crime_derived`, for reproducing what was known in 2018/19.
"""

from __future__ import annotations

import logging

import pandas as pd

from . import _datafiles as _files
from ..errors import UnknownDatasetError
from .home_office import OFFENCE_GROUPS  # the nine groups, named once (with the reader of their tables)
from .known_events import events_for
from .series import make_series

logger = logging.getLogger(__name__)

__all__ = ["OFFENCE_GROUPS", "recorded_crime", "recorded_crime_derived", "crime_table", "release_in_use"]

_FREQUENCIES = ("quarterly", "annual")
_NOT_PUBLISHED = "British Transport Police"
_BASE_CAVEAT = (
    "Published Home Office quarterly counts. Recording-practice changes (HMIC's 2014 crime data integrity "
    "inspection and after) raise counts from 2014/15."
)


def release_in_use():
    """The imported Home Office release in use (a :class:`forcast.data.releases.Release`), or None for the embedded
    data."""
    from . import releases

    return releases.active_release()


def crime_table() -> tuple[pd.DataFrame, str, object]:
    """The quarterly table in use (``force, offence_group, period, count``), its source text and the release (or
    None): the embedded quarters, overlaid by the active imported release where it has them."""
    embedded = _files.table("recorded_crime_ho_quarterly.csv")
    info = _files.sources_json()["recorded_crime"]
    source = f"{info['publisher']}: {info['title']}. {info['attribution']}"
    release = release_in_use()
    if release is None:
        return embedded, source, None
    imported = release.table()
    key = ["force", "offence_group", "period"]
    kept = embedded.merge(imported[key], on=key, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    table = pd.concat([kept, imported[key + ["count"]]], ignore_index=True).sort_values(key, ignore_index=True)
    source = (f"{release.label}; earlier quarters from the embedded copy. Contains public sector information "
              f"licensed under the Open Government Licence v3.0 (Home Office).")
    return table, source, release


def _check_group(offence_group: str | None) -> str | None:
    if offence_group is None:
        return None
    if offence_group in _FREQUENCIES:
        raise UnknownDatasetError(
            f"{offence_group!r} is a frequency, not an offence group: write "
            f"recorded_crime(force, frequency={offence_group!r}) (the second argument is the offence group)."
        )
    lookup = {g.lower(): g for g in OFFENCE_GROUPS}
    text = str(offence_group).strip().lower()
    if text in ("total", "total recorded crime", "all"):
        return None
    if text not in lookup:
        raise UnknownDatasetError(
            f"Unknown offence group {offence_group!r}. Choose one of: {', '.join(OFFENCE_GROUPS)} (or None for "
            f"total recorded crime excluding fraud)."
        )
    return lookup[text]


def recorded_crime(force: str, offence_group: str | None = None, *, frequency: str = "quarterly") -> pd.Series:
    """Recorded crime for ``force`` as a demand series: total excluding fraud, or one of :data:`OFFENCE_GROUPS`.

    ``frequency="quarterly"`` (default): calendar quarters 2002Q2-2023Q1 (PeriodIndex ``Q-DEC``; 2002Q2 is
    April-June 2002), the published Home Office counts, or an imported release where one is in use.
    ``frequency="annual"``: financial years (PeriodIndex ``Y-MAR``), complete years only.

    Known breaks travel in ``attrs["known_events"]`` and are declared by default when you forecast (see
    :mod:`forcast.data.known_events`). Devon and Cornwall has no figures for October 2022 - March 2023: its series ends
    in 2022Q3. British Transport Police is not in the published tables: use :func:`recorded_crime_derived`.
    """
    name = _files.resolve(force)
    if name == _NOT_PUBLISHED:
        raise UnknownDatasetError(
            "British Transport Police is not in the Home Office open data tables, which cover the 43 territorial "
            "forces. Its derived 2006Q2-2018Q4 series is forcast.datasets.recorded_crime_derived('British "
            "Transport Police')."
        )
    group = _check_group(offence_group)
    if frequency not in _FREQUENCIES:
        raise UnknownDatasetError(
            f"recorded_crime frequency must be 'quarterly' or 'annual'. Got {frequency!r}."
        )
    table, source, release = crime_table()
    rows = table[table["force"] == name]
    if group is not None:
        rows = rows[rows["offence_group"] == group]
    counts = rows.groupby("period")["count"].sum()
    index = pd.PeriodIndex(counts.index, freq="Q-DEC")
    counts = pd.Series(counts.to_numpy(dtype="int64"), index=index).sort_index()
    full = pd.period_range(counts.index[0], counts.index[-1], freq="Q-DEC")
    if len(full) != len(counts):
        missing = [str(p) for p in full.difference(counts.index)]
        raise UnknownDatasetError(
            f"The recorded crime in use for {name} lacks quarters {', '.join(missing)} inside its range; re-import "
            f"the release with every quarter, or run `forcast datasets use embedded`."
        )
    known = events_for(name, counts.index)
    caveat = _BASE_CAVEAT
    if frequency == "annual":
        counts = _financial_years(counts)
        caveat += " Financial-year (April-March) totals of the published quarters; complete years only."
    gaps = [e for e in known if e.kind == "gap"]
    if gaps:
        caveat += " " + " ".join(e.detail for e in gaps)
    what = f"{group} ({name})" if group else f"{name} recorded crime"
    series = make_series(
        counts.to_numpy(), counts.index, name=what, measure="recorded_crime", unit="crimes", force=name,
        source=source, caveat=caveat,
    )
    series.attrs["offence_group"] = group
    series.attrs["release"] = None if release is None else release.label
    series.attrs["known_events"] = tuple(known) if frequency == "quarterly" else ()
    return series


def _financial_years(quarters: pd.Series) -> pd.Series:
    years = pd.PeriodIndex([p.asfreq("D", "start").asfreq("Y-MAR") for p in quarters.index], freq="Y-MAR")
    sums = quarters.groupby(years).agg(["sum", "size"])
    sums = sums[sums["size"] == 4]
    return pd.Series(sums["sum"].to_numpy(dtype="int64"), index=pd.PeriodIndex(sums.index, freq="Y-MAR"))


def recorded_crime_derived(force: str, frequency: str = "quarterly") -> pd.Series:
    """The superseded DERIVED series: total recorded crime excluding fraud, 44 forces (with British Transport
    Police), quarters 2006Q2-2018Q4 reconstructed from ONS rolling 12-month totals, or (``"annual"``) financial
    years 2002/03-2017/18 from those totals.

    Kept for reproducing what was known in 2018/19 (the Lancashire 2018/19 check). 2018Q4 for Lancashire includes a
    Home Office estimate for November-December 2018; recorded crime jumps by about 30% from April 2018.
    """
    name = _files.resolve(force)
    if frequency not in _FREQUENCIES:
        raise UnknownDatasetError(
            f"recorded_crime_derived frequency must be 'quarterly' or 'annual'. Got {frequency!r}."
        )
    key = "recorded_crime_quarterly" if frequency == "quarterly" else "recorded_crime_rolling12m"
    info = _files.sources_json()[key]
    if frequency == "quarterly":
        rows = _files.table("recorded_crime_quarterly.csv")
        rows = rows[rows["force"] == name]
        index = pd.PeriodIndex(rows["period"], freq="Q-DEC")
        base = (
            "DERIVED from ONS rolling 12-month totals (not an official quarterly series; superseded by the "
            "published quarters in forcast.datasets.recorded_crime); only the 2017/18 quarters are published Home "
            "Office figures. Recording-practice changes (HMIC's 2014 crime data integrity inspection and after) "
            "raise counts from 2014/15."
        )
    else:
        rows = _files.table("recorded_crime_rolling12m.csv")
        rows = rows[(rows["force"] == name) & rows["period_end"].str.endswith("-03-31")]
        index = pd.PeriodIndex(pd.to_datetime(rows["period_end"]), freq="Y-MAR")
        base = (
            "Financial-year (April-March) totals: the published rolling 12-month totals for years ending March "
            "(superseded by forcast.datasets.recorded_crime). Recording-practice changes (HMIC's 2014 crime data "
            "integrity inspection and after) raise counts from 2014/15."
        )
    extra = info.get("force_caveats", {}).get(name)
    series = make_series(
        rows["count"].to_numpy(), index, name=f"{name} recorded crime (derived)", measure="recorded_crime",
        unit="crimes", force=name, source=f"{info['publisher']}: {info['title']}. {info['attribution']}",
        caveat=f"{base} {extra}" if extra else base,
    )
    series.attrs["offence_group"] = None
    series.attrs["release"] = None
    series.attrs["known_events"] = tuple(events_for(name, series.index)) if frequency == "quarterly" else ()
    return series
