"""Compare a force's recorded crime with its most similar group, England and Wales and previous years.

HMICFRS criticised an FMS whose "performance assessment had no comparisons with previous years, other similar
forces or against national measures". This module supplies all three from the embedded published data::

    c = comparison.compare("Lancashire", "2017/18")
    c.table(); c.sentences(); c.plot()          # force, MSG members, MSG, England and Wales, all-forces mean
    comparison.trend("Lancashire", years=5)     # previous years

Decisions:

* **Populations follow ONS**: by default the mid-year ONS used for that window in its Police Force Area tables --
  **mid-2016** for the year ending March 2018 (not mid-2017, the mid-year inside the window), mid-2017 for years
  ending June to December 2018 -- so rates reproduce ONS table P3. ``population_year=`` picks another.
* **British Transport Police** has no resident population, so it has no rate; but ONS's England and Wales total is
  the 43 forces plus BTP, so the England and Wales rate counts its crimes.
* **City of London** (about 7,000 residents, about 800 crimes per 1,000) is left out of the mean and standard
  deviation by default: ONS publishes no rate for it, and with it the SD of the rates is about 114 instead of about
  18, so no force would ever be flagged.
* **Significance** (the inspectorate's rule): more than one SD from the unweighted mean of the forces' rates. The SD
  is the sample one (``ddof=1``, Excel's ``STDEV.S``); the population SD is about 1% smaller, so only a force
  within about 1% of the boundary could change flag.
* **The MSG rate excludes the force itself** (like the inspectorate's "MSG average"): members' crimes summed over
  their populations summed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _datafiles as _files
from . import datasets
from .errors import FinancialYearError, ParameterError, UnknownDatasetError
from .fiscal import label, parse_financial_year

__all__ = ["Comparison", "change_phrase", "compare", "inspectorate_flag", "mean_and_sd", "ons_population_year",
           "rates", "trend", "trend_sentence", "window_end"]

log = logging.getLogger(__name__)

NO_POPULATION = "British Transport Police"
EXCLUDED_FROM_MEAN = ("City of London",)
HIGHER, LOWER, SIMILAR = "significantly higher", "significantly lower", "not significantly different"
TABLE_COLUMNS = ["area", "kind", "crimes", "population", "rate_per_1000", "difference_from_mean_sd", "flag"]
RULE = "more than one standard deviation from the mean of all forces"


# --- windows and populations ---------------------------------------------------------------------------
def _window_ends() -> list[str]:
    return sorted(_files.table("recorded_crime_rolling12m.csv")["period_end"].unique())


def window_end(period_end) -> pd.Timestamp:
    """The last day of a rolling 12-month window: an ISO date, a Timestamp, ``"2017/18"`` or a ``Y-MAR`` Period.

    A financial year means the window ending on its 31 March. The window must be one embedded in
    :func:`forcast.datasets.rolling_totals` (years ending March 2003-2007, then every quarter to December 2018).
    """
    ends = _window_ends()
    try:
        if isinstance(period_end, pd.Period) or (isinstance(period_end, str) and "/" in period_end):
            end = parse_financial_year(period_end).end_time.normalize()
        else:
            end = pd.Timestamp(period_end)
    except (ValueError, TypeError, FinancialYearError) as err:
        raise ParameterError(
            f"period_end must be a date such as '2018-03-31' or a financial year such as '2017/18'. "
            f"Got {period_end!r}."
        ) from err
    if end.strftime("%Y-%m-%d") not in ends:
        raise UnknownDatasetError(
            f"No rolling 12-month total is embedded for the year ending {end:%Y-%m-%d}. Windows end on "
            f"31 March 2003-2007, then on the last day of every quarter from {ends[5]} to {ends[-1]}."
        )
    return end


def ons_population_year(period_end) -> int:
    """The mid-year population ONS used for the crime rates of the window ending ``period_end``.

    Read off ONS's Police Force Area tables of 2018: the year ending March 2018 used mid-2016, the years ending
    June, September and December 2018 used mid-2017 -- the latest estimate ready when each edition was compiled
    (mid-year estimates appear at the end of June, after the March tables are compiled). So a window ending in
    January-May of year Y gets mid-(Y-2) and one ending June-December gets mid-(Y-1). Earlier editions are assumed
    to follow the same rule.
    """
    end = window_end(period_end)
    return end.year - 2 if end.month <= 5 else end.year - 1


def _describe_window(end: pd.Timestamp) -> str:
    text = f"the year ending {end:%B %Y}"
    return f"{text} ({label(pd.Period(end, freq='Y-MAR'))})" if end.month == 3 else text


def _counts(end: pd.Timestamp) -> pd.Series:
    rows = _files.table("recorded_crime_rolling12m.csv")
    rows = rows[rows["period_end"] == end.strftime("%Y-%m-%d")]
    return pd.Series(rows["count"].to_numpy(dtype="int64"), index=pd.Index(rows["force"], name="force"))


def _populations(year: int, end: pd.Timestamp, chosen: bool) -> pd.Series:
    try:
        pop = datasets.populations(year)
    except UnknownDatasetError as err:
        why = "" if chosen else f" ONS used mid-{year} for {_describe_window(end)}, and it is not embedded."
        raise UnknownDatasetError(f"{err}{why} Pass population_year= one of the embedded mid-years.") from None
    territorial = [f for f in datasets.forces() if f != NO_POPULATION]
    missing = sorted(set(territorial) - set(pop.index))
    if missing:
        raise UnknownDatasetError(
            f"Rates need the mid-{year} population of all 43 territorial forces; {len(missing)} missing: "
            f"{', '.join(missing)}. The source has no mid-2018 Greater Manchester figure and its 2018 England "
            f"and Wales total leaves it out. Use population_year=2017 (ONS's choice for windows ending June to "
            f"December 2018) or 2020."
        )
    return pop.loc[territorial]


def _population_year(period_end, population_year) -> int:
    if population_year is None:
        return ons_population_year(period_end)
    if isinstance(population_year, bool) or not isinstance(population_year, (int, np.integer)):
        raise ParameterError(f"population_year must be a whole year such as 2017, or None. Got {population_year!r}.")
    return int(population_year)


def rates(period_end="2018-03-31", population_year: int | None = None) -> pd.DataFrame:
    """Recorded crime (excl. fraud) per 1,000 residents for the 43 territorial forces, one row per force.

    Columns ``force, crimes, population, population_year, rate_per_1000``. ``crimes`` is the published rolling
    12-month total for the window ending ``period_end`` (e.g. ``"2018-03-31"`` or ``"2017/18"``); ``population``
    the ONS mid-year estimate (rounded to 100). By default the mid-year is the one ONS used (see
    :func:`ons_population_year`: mid-2016 for the year ending March 2018), so the rates match ONS table P3 to
    rounding wherever the crime counts have not been revised since. Mid-2018 lacks Greater Manchester, so
    ``population_year=2018`` raises :class:`~forcast.errors.UnknownDatasetError`.

    British Transport Police is not included: it polices the railway and has no resident population. City of
    London is included, but its rate (about 800 per 1,000: few residents, many workers) is not comparable and ONS
    publishes none. Both notes, the window and the sources are in ``attrs``.
    """
    end = window_end(period_end)
    year = _population_year(end, population_year)
    pop = _populations(year, end, chosen=population_year is not None)
    crimes = _counts(end).loc[pop.index]
    out = pd.DataFrame({
        "force": pop.index.to_list(),
        "crimes": crimes.to_numpy(),
        "population": pop.to_numpy(),
        "population_year": year,
        "rate_per_1000": 1000 * crimes.to_numpy() / pop.to_numpy(),
    })
    out.attrs.update(
        period_end=end.strftime("%Y-%m-%d"),
        window=_describe_window(end),
        population_year=year,
        excluded=f"{NO_POPULATION}: no resident population (it polices the railway network).",
        note="City of London's rate is not comparable with other forces' (about 7,000 residents); ONS publishes "
             "none.",
        source=f"{datasets.attribution('recorded_crime_rolling12m')} Populations: ONS mid-year estimates.",
    )
    log.debug("rates for %s with mid-%d populations", out.attrs["window"], year)
    return out


def _england_and_wales(end: pd.Timestamp, year: int) -> tuple[int, int]:
    """ONS's England and Wales total: the 43 territorial forces plus British Transport Police."""
    crimes = int(_counts(end).sum())
    return crimes, datasets.population("England and Wales", year)


# --- the inspectorate's rule -----------------------------------------------------------------------------
def mean_and_sd(values: Iterable[float]) -> tuple[float, float]:
    """Unweighted mean and sample standard deviation (``ddof=1``) of forces' rates."""
    arr = np.asarray(list(values), dtype=float)
    if arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ParameterError(f"mean_and_sd needs at least two finite rates. Got {arr.tolist()!r}.")
    return float(arr.mean()), float(arr.std(ddof=1))


def inspectorate_flag(z: float) -> str:
    """HMICFRS's rule: more than one standard deviation above (below) the mean is significantly higher (lower).

    Exactly one standard deviation away is not significantly different.
    """
    if z > 1:
        return HIGHER
    if z < -1:
        return LOWER
    return SIMILAR


# --- comparison with similar forces and England and Wales --------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """A force's rate against its most similar group, England and Wales and the mean of all forces.

    Build it with :func:`compare`. ``rates`` holds every territorial force (see :func:`rates`); ``mean`` and ``sd``
    are over those not in ``excluded_from_mean``.
    """

    force: str
    group: tuple[str, ...]
    period_end: pd.Timestamp
    rates: pd.DataFrame
    excluded_from_mean: tuple[str, ...]
    england_and_wales: tuple[int, int]

    @property
    def mean(self) -> float:
        """Unweighted mean of the forces' rates per 1,000 (forces in ``excluded_from_mean`` left out)."""
        return mean_and_sd(self._reference())[0]

    @property
    def sd(self) -> float:
        """Sample standard deviation (``ddof=1``) of the same rates."""
        return mean_and_sd(self._reference())[1]

    @property
    def n_forces(self) -> int:
        """How many forces' rates the mean and standard deviation are taken over."""
        return len(self._reference())

    @property
    def population_year(self) -> int:
        return int(self.rates.attrs["population_year"])

    @property
    def msg_label(self) -> str:
        return f"Most similar group (excluding {self.force})"

    def _reference(self) -> pd.Series:
        keep = ~self.rates["force"].isin(self.excluded_from_mean)
        return self.rates.loc[keep, "rate_per_1000"]

    def table(self) -> pd.DataFrame:
        """One row per area: ``area, kind, crimes, population, rate_per_1000, difference_from_mean_sd, flag``.

        ``kind`` is ``force``, ``msg_member`` (in group order), ``msg`` (members' crimes summed over their
        populations summed, the force itself excluded), ``england_and_wales`` (ONS's definition: 43 forces plus
        British Transport Police over the England and Wales population) or ``all_forces_mean`` (the unweighted mean
        rate; no crimes, population or flag). ``difference_from_mean_sd`` is (rate - mean) / sd.
        """
        by_force = self.rates.set_index("force")
        rows = [(name, kind, int(by_force.at[name, "crimes"]), int(by_force.at[name, "population"]))
                for name, kind in [(self.force, "force"), *((m, "msg_member") for m in self.group)]]
        members = by_force.loc[list(self.group)]
        rows.append((self.msg_label, "msg", int(members["crimes"].sum()), int(members["population"].sum())))
        rows.append(("England and Wales", "england_and_wales", *self.england_and_wales))
        out = pd.DataFrame(rows, columns=["area", "kind", "crimes", "population"])
        out["rate_per_1000"] = 1000 * out["crimes"] / out["population"]
        mean, sd = self.mean, self.sd
        mean_row = pd.DataFrame({"area": [f"Mean of {self.n_forces} forces"], "kind": ["all_forces_mean"],
                                 "rate_per_1000": [mean]})
        out = pd.concat([out, mean_row], ignore_index=True)
        out["crimes"] = out["crimes"].astype("Int64")
        out["population"] = out["population"].astype("Int64")
        out["difference_from_mean_sd"] = (out["rate_per_1000"] - mean) / sd
        out["flag"] = pd.array([inspectorate_flag(z) for z in out["difference_from_mean_sd"]], dtype="string")
        out.loc[out["kind"] == "all_forces_mean", "flag"] = pd.NA
        out.attrs.update(
            force=self.force,
            window=_describe_window(self.period_end),
            period_end=self.period_end.strftime("%Y-%m-%d"),
            population_year=self.population_year,
            mean=mean,
            sd=sd,
            n_forces=self.n_forces,
            excluded_from_mean=list(self.excluded_from_mean),
            rule=f"Significantly different: {RULE} (unweighted mean, sample standard deviation).",
            msg_includes_force=False,
            source=self.rates.attrs["source"],
        )
        return out[TABLE_COLUMNS]

    def sentences(self) -> list[str]:
        """Plain-English sentences quoting the numbers in :meth:`table` (rates to 1 decimal place)."""
        t = self.table()
        row = t.iloc[0]
        msg = t.loc[t["kind"] == "msg"].iloc[0]
        ew = t.loc[t["kind"] == "england_and_wales"].iloc[0]
        window = _describe_window(self.period_end)
        first = (
            f"{self.force} recorded {row['rate_per_1000']:.1f} crimes per 1,000 people in {window}, compared with "
            f"{msg['rate_per_1000']:.1f} across its most similar group ({len(self.group)} forces, not counting "
            f"{self.force} itself) and {ew['rate_per_1000']:.1f} in England and Wales."
        )
        basis = (
            f"Rates are 12-month totals of recorded crime (excluding fraud) over mid-{self.population_year} "
            f"population estimates: for {self.force}, {row['crimes']:,} crimes and {row['population']:,} people."
        )
        z = float(row["difference_from_mean_sd"])
        left_out = f" (leaving out {_join(list(self.excluded_from_mean))})" if self.excluded_from_mean else ""
        second = (
            f"The unweighted mean of {self.n_forces} forces' rates{left_out} is {self.mean:.1f}, with a standard "
            f"deviation of {self.sd:.1f}; {self.force} is {abs(z):.2f} standard deviations "
            f"{'above' if z >= 0 else 'below'} it. By the inspectorate's rule ({RULE}) this is {row['flag']}."
        )
        members = t[t["kind"] == "msg_member"]
        parts = []
        for flag in (HIGHER, LOWER):
            hit = members[members["flag"] == flag]
            if len(hit):
                names = _join([f"{a} ({r:.1f})" for a, r in zip(hit["area"], hit["rate_per_1000"])])
                parts.append(f"{names} {'is' if len(hit) == 1 else 'are'} {flag}")
        rest = int((members["flag"] == SIMILAR).sum())
        if rest:
            parts.append(f"{rest} {'is' if rest == 1 else 'are'} not significantly different")
        third = f"Of the {len(members)} forces in its most similar group, {_join(parts)}."
        return [first, basis, second, third]

    def plot(self, ax=None):
        """Bar chart of the rates, mean and +/-1 SD: :func:`forcast.plotting.comparison_chart`."""
        from .plotting import comparison_chart

        return comparison_chart(self, ax=ax)


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _resolve_group(force: str, group) -> tuple[str, ...]:
    if group is None:
        return tuple(datasets.most_similar_group(force))
    if isinstance(group, str):
        raise ParameterError(f"group must be a list of force names. Got the single string {group!r}; write "
                             f"[{group!r}].")
    members = [_files.resolve(m) for m in group]
    if not members:
        raise ParameterError(f"group must name at least one force to compare {force!r} with. Got none.")
    bad = sorted({m for m in members if members.count(m) > 1 or m in (force, NO_POPULATION)})
    if bad:
        raise ParameterError(
            f"group must name each force once, not {force!r} itself and not {NO_POPULATION!r} (no resident "
            f"population). Offending: {', '.join(bad)}."
        )
    return tuple(members)


def compare(force: str, period_end="2018-03-31", group: Iterable[str] | None = None, *,
            population_year: int | None = None,
            excluded_from_mean: Iterable[str] = EXCLUDED_FROM_MEAN) -> Comparison:
    """Compare ``force``'s recorded crime rate with its most similar group, England and Wales and all forces.

    ``group`` defaults to :func:`forcast.datasets.most_similar_group`. ``period_end`` and ``population_year`` are
    as in :func:`rates`. The mean and standard deviation are over all territorial forces except
    ``excluded_from_mean`` (default City of London, whose rate ONS does not publish; pass ``()`` to use all 43).
    """
    name = _files.resolve(force)
    if name == NO_POPULATION:
        raise ParameterError(
            f"{NO_POPULATION} has no resident population, so it has no rate per 1,000 people to compare. Compare "
            f"its counts with forcast.datasets.rolling_totals({NO_POPULATION!r}) instead."
        )
    members = _resolve_group(name, group)
    excluded = tuple(_files.resolve(f) for f in excluded_from_mean)
    table = rates(period_end, population_year)
    end = pd.Timestamp(table.attrs["period_end"])
    return Comparison(force=name, group=members, period_end=end, rates=table, excluded_from_mean=excluded,
                      england_and_wales=_england_and_wales(end, table.attrs["population_year"]))


# --- comparison with previous years --------------------------------------------------------------------------
def trend(force: str, years: int = 5) -> pd.DataFrame:
    """The last ``years`` financial years of recorded crime for ``force``, with the change on the year before.

    Columns ``financial_year, crimes, change, pct_change``; ``pct_change`` is in per cent (18.0 means +18.0%).
    From :func:`forcast.datasets.recorded_crime` with ``"annual"`` (2002/03-2017/18); the first financial year
    available has no change. The series' caveat is in ``attrs``.
    """
    series = datasets.recorded_crime(force, frequency="annual")
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= len(series):
        raise ParameterError(
            f"years must be a whole number from 1 to {len(series)} (financial years "
            f"{label(series.index[0])}-{label(series.index[-1])} are embedded). Got {years!r}."
        )
    values = series.astype("Int64")
    change = values.diff()
    out = pd.DataFrame({
        "financial_year": [label(p) for p in series.index],
        "crimes": values.array,
        "change": change.array,
        "pct_change": (100 * change / values.shift(1)).astype("Float64").array,
    }).tail(int(years)).reset_index(drop=True)
    out.attrs.update(force=series.attrs["force"], caveat=series.attrs["caveat"], source=series.attrs["source"])
    return out


def change_phrase(current: float, previous: float, previous_label: str) -> str:
    """The change from ``previous`` to ``current`` in the constabulary's style: ``"up 18.0% on 2016/17"``."""
    if not previous:
        raise ParameterError(f"previous must be a non-zero count to give a percentage change. Got {previous!r}.")
    if current == previous:
        return f"unchanged on {previous_label}"
    pct = 100 * (current - previous) / previous
    return f"{'up' if pct > 0 else 'down'} {abs(pct):.1f}% on {previous_label}"


def trend_sentence(table: pd.DataFrame) -> str:
    """One sentence from a :func:`trend` table: the latest year against the year before and the first one shown.

    e.g. "Lancashire recorded 127,028 crimes in 2017/18, up 18.0% on 2016/17 and up 39.3% on 2013/14."
    """
    if len(table) < 2:
        raise ParameterError(f"trend_sentence needs a trend table of at least two years. Got {len(table)}.")
    last, before, first = table.iloc[-1], table.iloc[-2], table.iloc[0]
    text = (f"{table.attrs.get('force') or 'The force'} recorded {int(last['crimes']):,} crimes in "
            f"{last['financial_year']}, {change_phrase(last['crimes'], before['crimes'], before['financial_year'])}")
    if len(table) > 2:
        text += f" and {change_phrase(last['crimes'], first['crimes'], first['financial_year'])}"
    return text + "."
