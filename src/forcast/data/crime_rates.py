"""Recorded crime per 1,000 residents by financial year, for the 43 territorial forces.

The counts are financial-year (April-March) sums of the published Home Office quarters in use (the embedded open
data tables, or an imported release: :func:`forcast.data.crime_series.crime_table`), the same figures as
``datasets.recorded_crime(force, frequency="annual")``. Decisions:

* **Complete years only.** A force's year is summed only when all four quarters are published; otherwise its crimes
  and rate are missing (never a partial sum) and ``attrs["incomplete"]`` names its missing quarters. Devon and
  Cornwall's 2022/23 lacks 2022Q4 and 2023Q1 (October 2022 - March 2023 were never published).
* **Population year: the mid-year inside the financial year**, i.e. mid-Y for the year starting in April Y
  (mid-2022 for 2022/23): 30 June is the ONS estimate nearest the middle of the year, three months after its
  start. Populations are the revised ONS series, mid-2011 to mid-2023, so years from 2011/12 can be rated; a later
  year uses the latest embedded mid-year (the nearest) and says so in ``attrs["population_note"]``.
  ``population_year=`` picks another embedded mid-year (it must be given for years before 2011/12).
* **The default year** is the latest financial year complete for a majority of the 43 forces (2022/23 with the
  embedded data: complete for 42).
* **British Transport Police** is not in the published tables and has no resident population, so it has no row.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from . import _datafiles as _files
from .crime_series import _check_group, crime_table
from ..errors import FinancialYearError, ParameterError, UnknownDatasetError
from ..forecasting.fiscal import label, parse_financial_year

__all__ = ["RATE_COLUMNS", "describe_quarters", "latest_year", "population_mid_year", "rates", "year_counts"]

log = logging.getLogger(__name__)

RATE_COLUMNS = ["force", "financial_year", "crimes", "quarters", "population", "population_year", "rate_per_1000"]
NO_POPULATION = "British Transport Police"


# --- which year, which quarters ----------------------------------------------------------------------------
def _quarterly(offence_group: str | None) -> tuple[pd.DataFrame, str]:
    """Per force and quarter: ``force, period (Q-DEC), year (Y-MAR), count``; only quarters with every group for
    the total (a quarter missing a group is treated as missing, not summed)."""
    table, source, _ = crime_table()
    if offence_group is not None:
        rows = table[table["offence_group"] == offence_group]
        sums = rows.groupby(["force", "period"], as_index=False)["count"].sum()
    else:
        sums = table.groupby(["force", "period"], as_index=False).agg(count=("count", "sum"),
                                                                        groups=("offence_group", "nunique"))
        sums = sums[sums["groups"] == sums["groups"].max()].drop(columns="groups")
    periods = pd.PeriodIndex(sums["period"], freq="Q-DEC")
    sums["period"] = periods
    sums["year"] = periods.asfreq("D", "start").asfreq("Y-MAR")
    return sums, source


def _forces() -> list[str]:
    return [f for f in _files.force_names() if f != NO_POPULATION]


def _complete_counts(quarters: pd.DataFrame) -> pd.Series:
    """Per financial year, how many forces have all four quarters."""
    per = quarters.groupby(["year", "force"]).size()
    return (per == 4).groupby(level="year").sum()


def latest_year(offence_group: str | None = None) -> pd.Period:
    """The latest financial year complete (all four quarters) for a majority of the 43 forces: 2022/23 with the
    embedded data."""
    return _resolve_year(None, _quarterly(_check_group(offence_group))[0])


def _resolve_year(year, quarters: pd.DataFrame) -> pd.Period:
    if year is None:
        complete = _complete_counts(quarters)
        return complete[complete > len(_forces()) / 2].index.max()
    try:
        fy = parse_financial_year(year)
    except FinancialYearError as err:
        raise ParameterError(f"year must be a financial year such as '2022/23' (or None for the latest). "
                             f"{err}") from None
    complete = _complete_counts(quarters)
    if fy not in complete.index or complete[fy] < 2:
        have = complete[complete >= 2].index
        raise UnknownDatasetError(
            f"No recorded crime is in use for {label(fy)}: financial years {label(have.min())}-"
            f"{label(have.max())} are complete for at least two forces. Choose one of those, or import a newer "
            f"Home Office release (`forcast datasets import FILE`)."
        )
    return fy


def describe_quarters(quarters) -> str:
    """``["2022Q4", "2023Q1"]`` -> ``"2022Q4 (October-December 2022) and 2023Q1 (January-March 2023)"``."""
    parts = []
    for q in quarters:
        p = pd.Period(str(q), freq="Q-DEC")
        parts.append(f"{p} ({p.start_time:%B}-{p.end_time:%B %Y})")
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def year_counts(year=None, offence_group: str | None = None) -> pd.DataFrame:
    """Each territorial force's crimes in financial ``year`` (default :func:`latest_year`): columns ``force,
    crimes, quarters``; ``crimes`` is missing (``<NA>``) unless all four quarters are published. ``attrs``:
    ``financial_year`` (a ``Y-MAR`` Period), ``incomplete`` ({force: missing quarters}) and ``source``."""
    group = _check_group(offence_group)
    quarters, source = _quarterly(group)
    fy = _resolve_year(year, quarters)
    inside = quarters[quarters["year"] == fy]
    expected = pd.period_range(fy.asfreq("D", "start").asfreq("Q-DEC"), periods=4, freq="Q-DEC")
    forces = _forces()
    sums = inside.groupby("force")["count"].sum().reindex(forces)
    seen = inside.groupby("force")["period"].agg(set).reindex(forces)
    n = np.array([len(s) if isinstance(s, set) else 0 for s in seen], dtype="int64")
    incomplete = {f: [str(q) for q in expected if not isinstance(s, set) or q not in s]
                  for f, s, k in zip(forces, seen, n) if k < 4}
    crimes = pd.array([int(v) if k == 4 else pd.NA for v, k in zip(sums, n)], dtype="Int64")
    out = pd.DataFrame({"force": forces, "crimes": crimes, "quarters": n})
    out.attrs.update(financial_year=fy, incomplete=incomplete, source=source, offence_group=group)
    return out


# --- populations -------------------------------------------------------------------------------------------
def _population_years() -> list[int]:
    rows = _files.table("population_mid2011_2023.csv")
    return sorted(int(y) for y in rows.loc[rows["area_type"] == "force", "mid_year"].unique())


def population_mid_year(year, chosen: int | None = None) -> tuple[int, str]:
    """The mid-year population used for financial ``year`` and a note (empty unless it is not the rule's year).

    The rule: mid-Y for the year starting in April Y (``"2022/23"`` -> 2022). A year after the last embedded
    mid-year uses the last one (the nearest), with a note; a year before the first is refused unless ``chosen``.
    """
    fy = parse_financial_year(year)
    start = fy.year - 1
    have = _population_years()
    if chosen is not None:
        if isinstance(chosen, bool) or not isinstance(chosen, (int, np.integer)) or int(chosen) not in have:
            raise UnknownDatasetError(f"population_year must be an embedded mid-year, {have[0]}-{have[-1]}, or None "
                                      f"for the mid-year inside the financial year. Got {chosen!r}.")
        note = "" if int(chosen) == start else (f"Rates use mid-{int(chosen)} populations (chosen), not mid-{start}, "
                                                f"the mid-year inside {label(fy)}.")
        return int(chosen), note
    if start in have:
        return start, ""
    if start < have[0]:
        raise UnknownDatasetError(
            f"Populations are embedded for mid-{have[0]} to mid-{have[-1]}, so rates start with {have[0]}/"
            f"{(have[0] + 1) % 100:02d}; {label(fy)} would need mid-{start}. Pass population_year= one of the "
            f"embedded mid-years if an approximate rate is acceptable (and say so)."
        )
    return have[-1], (f"Populations are embedded to mid-{have[-1]}: {label(fy)} uses mid-{have[-1]}, the nearest, "
                      f"instead of mid-{start}.")


def rates(year=None, *, offence_group: str | None = None, population_year: int | None = None) -> pd.DataFrame:
    """Recorded crime per 1,000 residents for the 43 territorial forces in a financial year, one row per force.

    Columns ``force, financial_year, crimes, quarters, population, population_year, rate_per_1000``. ``year`` is a
    label such as ``"2019/20"`` (default: :func:`latest_year`); ``offence_group`` one of
    :data:`forcast.data.datasets.OFFENCE_GROUPS` (default: total recorded crime excluding fraud). ``crimes`` is the sum
    of the four published quarters, missing (``<NA>``, rate NaN) for a force without all four; ``population`` the
    ONS mid-year estimate chosen by :func:`population_mid_year` (mid-2022 for 2022/23).

    ``attrs``: ``financial_year`` (label), ``window``, ``population_year``, ``population_note``, ``incomplete``
    ({force: missing quarters}), ``offence_group``, ``measure``, ``note`` (City of London) and ``source``.
    """
    counts = year_counts(year, offence_group)
    fy = counts.attrs["financial_year"]
    pop_year, pop_note = population_mid_year(fy, population_year)
    pop = _files.table("population_mid2011_2023.csv")
    pop = pop[(pop["area_type"] == "force") & (pop["mid_year"] == pop_year)].set_index("area")["population"]
    population = pop.reindex(counts["force"]).to_numpy(dtype="int64")
    crimes = counts["crimes"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out = pd.DataFrame({
        "force": counts["force"], "financial_year": label(fy), "crimes": counts["crimes"],
        "quarters": counts["quarters"], "population": population, "population_year": pop_year,
        "rate_per_1000": 1000 * crimes / population,
    })[RATE_COLUMNS]
    group = counts.attrs["offence_group"]
    out.attrs.update(
        financial_year=label(fy), window=label(fy), period_end=fy.end_time.strftime("%Y-%m-%d"),
        population_year=pop_year, population_note=pop_note, incomplete=counts.attrs["incomplete"],
        offence_group=group, measure=group or "Recorded crime (excluding fraud)",
        excluded=f"{NO_POPULATION}: not in the published tables and no resident population (it polices the "
                 f"railway network).",
        note="City of London's rate is not comparable with other forces' (about 11,000 residents, many more "
             "workers and visitors).",
        source=f"{counts.attrs['source']} Populations: ONS mid-{pop_year} estimates (revised series).",
    )
    log.debug("rates for %s with mid-%d populations", label(fy), pop_year)
    return out
