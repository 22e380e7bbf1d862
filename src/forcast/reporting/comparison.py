"""Compare a force's recorded crime with its most similar group, England and Wales and previous years.

HMICFRS criticised an FMS whose "performance assessment had no comparisons with previous years, other similar
forces or against national measures". This module supplies all three from the published Home Office quarters::

    c = comparison.compare("Lancashire")             # the latest complete financial year (2022/23)
    c = comparison.compare("Lancashire", "2019/20")  # any financial year from 2011/12
    c.table(); c.sentences(); c.notes; c.plot()     # force, MSG members, MSG, England and Wales, all-forces mean
    comparison.trend("Lancashire", years=5)          # previous years: 2018/19-2022/23

Decisions:

* **Counts** are financial-year sums of the published quarters (:mod:`forcast.data.crime_rates`, the same figures as
  ``datasets.recorded_crime(force, frequency="annual")``); ``offence_group=`` compares one offence group. The
  rolling 12-month totals to 2018 (``datasets.rolling_totals``) are no longer compared.
* **Populations: the mid-year inside the financial year** -- mid-Y for the year starting in April Y (mid-2022 for
  2022/23); a year after the last embedded mid-year (mid-2023) uses the nearest, with a note. The table title,
  the sentences and :attr:`Comparison.notes` state the year. ``population_year=`` picks another.
* **Incomplete years**: a force without all four quarters of the year has no rate and is left out of the mean and
  standard deviation, the most similar group's total and England and Wales, with a note naming it and its missing
  quarters -- never a partial sum. Devon and Cornwall's 2022/23 lacks 2022Q4 and 2023Q1 (never published).
* **England and Wales** is the sum of the 43 territorial forces (British Transport Police is not in the published
  tables) over their populations; when forces are left out, of the others over theirs, and its row says so.
* **City of London** (about 11,000 residents, 665 crimes per 1,000 in 2022/23) is left out of the mean and
  standard deviation by default: with it the SD of the 2022/23 rates is about 91 instead of about 21, so no force
  would ever be flagged.
* **Significance** (the inspectorate's rule): more than one SD from the unweighted mean of the forces' rates. The SD
  is the sample one (``ddof=1``, Excel's ``STDEV.S``); the population SD is about 1% smaller, so only a force
  within about 1% of the boundary could change flag.
* **The MSG rate excludes the force itself** (like the inspectorate's "MSG average"): members' crimes summed over
  their populations summed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data import _datafiles as _files
from ..data import crime_rates, datasets
from ..data.crime_rates import NO_POPULATION, describe_quarters, rates
from ..errors import FinancialYearError, ParameterError, UnknownDatasetError
from ..forecasting.fiscal import label, parse_financial_year

__all__ = ["Comparison", "change_phrase", "compare", "inspectorate_flag", "mean_and_sd", "rates", "trend",
           "trend_sentence"]

EXCLUDED_FROM_MEAN = ("City of London",)
HIGHER, LOWER, SIMILAR = "significantly higher", "significantly lower", "not significantly different"
INCOMPLETE = "no rate: year incomplete"
TABLE_COLUMNS = ["area", "kind", "crimes", "population", "rate_per_1000", "difference_from_mean_sd", "flag"]
RULE = "more than one standard deviation from the mean of all forces"


# --- the inspectorate's rule -----------------------------------------------------------------------------
def mean_and_sd(values: Iterable[float]) -> tuple[float, float]:
    """Unweighted mean and sample standard deviation (``ddof=1``) of forces' rates."""
    arr = np.asarray(list(values), dtype=float)
    if arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ParameterError(f"mean_and_sd needs at least two finite rates. Got {arr.tolist()!r}.")
    return float(arr.mean()), float(arr.std(ddof=1))


def inspectorate_flag(z: float) -> str:
    """HMICFRS's rule: more than one standard deviation above (below) the mean is significantly higher (lower).

    Exactly one standard deviation away is not significantly different; a missing ``z`` (no rate) is
    :data:`INCOMPLETE`.
    """
    if z is None or pd.isna(z):
        return INCOMPLETE
    if z > 1:
        return HIGHER
    if z < -1:
        return LOWER
    return SIMILAR


# --- comparison with similar forces and England and Wales --------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """A force's rate in one financial year against its most similar group, England and Wales and the mean of all
    forces.

    Build it with :func:`compare`. ``rates`` holds every territorial force (see :func:`rates`); ``mean`` and ``sd``
    are over those not in :attr:`left_out` (``excluded_from_mean`` and the forces whose year is incomplete).
    """

    force: str
    group: tuple[str, ...]
    rates: pd.DataFrame
    excluded_from_mean: tuple[str, ...]

    @property
    def financial_year(self) -> str:
        """The financial year compared, e.g. ``"2022/23"``."""
        return str(self.rates.attrs["financial_year"])

    @property
    def period_end(self) -> pd.Timestamp:
        """The last day of the financial year (31 March)."""
        return pd.Timestamp(self.rates.attrs["period_end"])

    @property
    def population_year(self) -> int:
        return int(self.rates.attrs["population_year"])

    @property
    def incomplete(self) -> dict[str, list[str]]:
        """Forces without all four quarters of the year, with their missing quarters (e.g. ``"2022Q4"``)."""
        return dict(self.rates.attrs["incomplete"])

    @property
    def left_out(self) -> tuple[str, ...]:
        """Forces left out of the mean and standard deviation: ``excluded_from_mean``, then incomplete ones."""
        return (*self.excluded_from_mean, *(f for f in self.incomplete if f not in self.excluded_from_mean))

    @property
    def mean(self) -> float:
        """Unweighted mean of the forces' rates per 1,000 (forces in :attr:`left_out` left out)."""
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
    def england_and_wales(self) -> tuple[int, int]:
        """Crimes and population of England and Wales: the forces with a complete year, summed."""
        complete = self.rates[self.rates["crimes"].notna()]
        return int(complete["crimes"].sum()), int(complete["population"].sum())

    @property
    def msg_label(self) -> str:
        missing = [m for m in self.group if m in self.incomplete]
        return f"Most similar group (excluding {self.force}{f'; {_join(missing)} incomplete' if missing else ''})"

    @property
    def ew_label(self) -> str:
        return f"England and Wales (excluding {_join(self.incomplete)})" if self.incomplete else "England and Wales"

    @property
    def notes(self) -> list[str]:
        """The caveats, one sentence each: population year, forces left out and why, what England and Wales is."""
        info, fy, year = self.rates.attrs, self.financial_year, self.population_year
        out = [info["population_note"] or (f"Rates per 1,000 residents use ONS mid-{year} population estimates "
                                           f"(the mid-year inside {fy}).")]
        by_force = self.rates.set_index("force")
        for name, quarters in self.incomplete.items():
            where = ["the mean and standard deviation", *(["the most similar group's total"] if name in self.group
                                                           else []), "the England and Wales total"]
            subject = f"{name}, the force compared," if name == self.force else name
            out.append(f"{subject} is left out of {_join(where)}: its {fy} lacks {describe_quarters(quarters)}, "
                       f"which are not published, so it has no rate for {fy}.")
        for name in self.excluded_from_mean:
            if name == "City of London":
                row = by_force.loc[name]
                rate = "no rate" if pd.isna(row["rate_per_1000"]) else f"{row['rate_per_1000']:.0f} per 1,000"
                out.append(f"City of London is left out of the mean and standard deviation: with about "
                           f"{round(int(row['population']), -3):,} residents and many more workers and visitors, "
                           f"its rate ({rate}) is not comparable with other forces'.")
            else:
                out.append(f"{name} is left out of the mean and standard deviation (as asked).")
        crimes, population = self.england_and_wales
        if self.incomplete:
            n = int(self.rates["crimes"].notna().sum())
            out.append(f"England and Wales {fy} excludes {_join(self.incomplete)}, whose year is incomplete: "
                       f"the crimes of the other {n} forces over their mid-{year} population ({population:,}).")
        else:
            out.append("England and Wales is the sum of the 43 territorial forces (British Transport Police is not "
                       "in the published tables).")
        return out

    def _reference(self) -> pd.Series:
        keep = ~self.rates["force"].isin(self.left_out)
        return self.rates.loc[keep, "rate_per_1000"]

    def table(self) -> pd.DataFrame:
        """One row per area: ``area, kind, crimes, population, rate_per_1000, difference_from_mean_sd, flag``.

        ``kind`` is ``force``, ``msg_member`` (in group order), ``msg`` (members' crimes summed over their
        populations summed, the force itself and incomplete members excluded), ``england_and_wales`` (the forces
        with a complete year over their population) or ``all_forces_mean`` (the unweighted mean rate; no crimes,
        population or flag). ``difference_from_mean_sd`` is (rate - mean) / sd. A force whose year is incomplete has
        no crimes, rate or difference, and the flag :data:`INCOMPLETE`. The notes are in ``attrs["notes"]``.
        """
        by_force = self.rates.set_index("force")
        rows = [(name, kind, by_force.at[name, "crimes"], int(by_force.at[name, "population"]))
                for name, kind in [(self.force, "force"), *((m, "msg_member") for m in self.group)]]
        members = by_force.loc[list(self.group)]
        members = members[members["crimes"].notna()]
        msg = (int(members["crimes"].sum()), int(members["population"].sum())) if len(members) else (pd.NA, pd.NA)
        rows.append((self.msg_label, "msg", *msg))
        rows.append((self.ew_label, "england_and_wales", *self.england_and_wales))
        out = pd.DataFrame(rows, columns=["area", "kind", "crimes", "population"])
        out = out.astype({"crimes": "Int64", "population": "Int64"})
        out["rate_per_1000"] = 1000 * out["crimes"].astype(float) / out["population"].astype(float)
        mean, sd = self.mean, self.sd
        mean_row = pd.DataFrame({"area": [f"Mean of {self.n_forces} forces"], "kind": ["all_forces_mean"],
                                 "crimes": pd.array([pd.NA], dtype="Int64"),
                                 "population": pd.array([pd.NA], dtype="Int64"), "rate_per_1000": [mean]})
        out = pd.concat([out, mean_row], ignore_index=True)
        out["difference_from_mean_sd"] = (out["rate_per_1000"] - mean) / sd
        out["flag"] = pd.array([inspectorate_flag(z) for z in out["difference_from_mean_sd"]], dtype="string")
        out.loc[out["kind"] == "all_forces_mean", "flag"] = pd.NA
        info = self.rates.attrs
        out.attrs.update(
            force=self.force, financial_year=self.financial_year, window=self.financial_year,
            period_end=info["period_end"], population_year=self.population_year, mean=mean, sd=sd,
            n_forces=self.n_forces, excluded_from_mean=list(self.left_out), incomplete=self.incomplete,
            notes=self.notes, measure=info["measure"], offence_group=info["offence_group"],
            rule=f"Significantly different: {RULE} (unweighted mean, sample standard deviation).",
            msg_includes_force=False, source=info["source"],
        )
        return out[TABLE_COLUMNS]

    def sentences(self) -> list[str]:
        """Plain-English sentences quoting the numbers in :meth:`table` (rates to 1 decimal place, 2 when the mean is
        below 10); the caveats are in :attr:`notes`."""
        t = self.table()
        row = t.iloc[0]
        msg = t.loc[t["kind"] == "msg"].iloc[0]
        ew = t.loc[t["kind"] == "england_and_wales"].iloc[0]
        fy, group = self.financial_year, self.rates.attrs["offence_group"]
        d = 1 if self.mean >= 10 else 2  # offence groups with low rates need two decimals
        per = "crimes per 1,000 people" if group is None else f"crimes ({group.lower()}) per 1,000 people"
        ew_text = f"{_rate(ew, d)} in England and Wales" + (f" (without {_join(self.incomplete)})"
                                                            if self.incomplete else "")
        msg_text = f"{_rate(msg, d)} across its most similar group ({len(self.group)} forces, not counting " \
                   f"{self.force} itself)"
        complete = row["flag"] != INCOMPLETE
        if complete:
            first = f"{self.force} recorded {row['rate_per_1000']:.{d}f} {per} in {fy}, compared with {msg_text} " \
                    f"and {ew_text}."
        else:
            first = (f"{self.force}'s {fy} is incomplete: {describe_quarters(self.incomplete[self.force])} are not "
                     f"published, so it has no rate for {fy} and is not flagged. The rate was {msg_text} and "
                     f"{ew_text}.")
        measure = "recorded crime (excluding fraud)" if group is None else f"recorded {group.lower()}"
        basis = (f"Rates are {fy} totals of the published quarters of {measure} over ONS mid-{self.population_year} "
                 f"population estimates")
        basis += f": for {self.force}, {row['crimes']:,} crimes and {row['population']:,} people." if complete \
            else "."
        left_out = f" (leaving out {_join(list(self.left_out))}; see the notes)" if self.left_out else ""
        second = (f"The unweighted mean of {self.n_forces} forces' rates{left_out} is {self.mean:.{d}f}, with a "
                  f"standard deviation of {self.sd:.{d}f}")
        if complete:
            z = float(row["difference_from_mean_sd"])
            second += (f"; {self.force} is {abs(z):.2f} standard deviations {'above' if z >= 0 else 'below'} it. "
                       f"By the inspectorate's rule ({RULE}) this is {row['flag']}.")
        else:
            second += "."
        members = t[t["kind"] == "msg_member"]
        parts = []
        for flag in (HIGHER, LOWER):
            hit = members[members["flag"] == flag]
            if len(hit):
                names = _join([f"{a} ({r:.{d}f})" for a, r in zip(hit["area"], hit["rate_per_1000"])])
                parts.append(f"{names} {'is' if len(hit) == 1 else 'are'} {flag}")
        rest = int((members["flag"] == SIMILAR).sum())
        if rest:
            parts.append(f"{rest} {'is' if rest == 1 else 'are'} not significantly different")
        gone = members[members["flag"] == INCOMPLETE]["area"].tolist()
        if gone:
            parts.append(f"{_join(gone)} {'has' if len(gone) == 1 else 'have'} no rate (year incomplete)")
        third = f"Of the {len(members)} forces in its most similar group, {_join(parts)}."
        return [first, basis, second, third]

    def plot(self, ax=None):
        """Bar chart of the rates, mean and +/-1 SD: :func:`forcast.reporting.plotting.comparison_chart`."""
        from .plotting import comparison_chart

        return comparison_chart(self, ax=ax)


def _rate(row, digits: int) -> str:
    return "no rate" if pd.isna(row["rate_per_1000"]) else f"{row['rate_per_1000']:.{digits}f}"


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
            f"group must name each force once, not {force!r} itself and not {NO_POPULATION!r} (not in the "
            f"published tables; no resident population). Offending: {', '.join(bad)}."
        )
    return tuple(members)


def compare(force: str, year=None, group: Iterable[str] | None = None, *, offence_group: str | None = None,
            population_year: int | None = None,
            excluded_from_mean: Iterable[str] = EXCLUDED_FROM_MEAN) -> Comparison:
    """Compare ``force``'s recorded crime rate in financial ``year`` with its most similar group, England and Wales
    and all forces.

    ``year`` is a label such as ``"2019/20"`` (2011/12 onwards), default the latest complete financial year
    (2022/23 with the embedded data). ``group`` defaults to :func:`forcast.data.datasets.most_similar_group`.
    ``offence_group`` and ``population_year`` are as in :func:`rates`. The mean and standard deviation are over all
    territorial forces except ``excluded_from_mean`` (default City of London; pass ``()`` to keep it) and forces
    whose year is incomplete.
    """
    name = _files.resolve(force)
    if name == NO_POPULATION:
        raise ParameterError(
            f"{NO_POPULATION} is not in the published Home Office tables and has no resident population, so it "
            f"has no rate per 1,000 people to compare. See forcast.datasets.recorded_crime_derived("
            f"{NO_POPULATION!r}) for its older derived counts."
        )
    members = _resolve_group(name, group)
    excluded = tuple(_files.resolve(f) for f in excluded_from_mean)
    table = rates(year, offence_group=offence_group, population_year=population_year)
    return Comparison(force=name, group=members, rates=table, excluded_from_mean=excluded)


# --- comparison with previous years --------------------------------------------------------------------------
def trend(force: str, years: int = 5, *, year=None, offence_group: str | None = None) -> pd.DataFrame:
    """The last ``years`` complete financial years of recorded crime for ``force``, with the change on the year
    before.

    Columns ``financial_year, crimes, change, pct_change``; ``pct_change`` is in per cent (18.0 means +18.0%).
    From :func:`forcast.data.datasets.recorded_crime` with ``"annual"`` (sums of the published quarters, complete years
    only): by default the years up to the latest (2018/19-2022/23 for Lancashire); ``year=`` ends the table at an
    earlier one. The first financial year available has no change. The series' caveat is in ``attrs``, and
    ``attrs["note"]`` says when the force's latest year is incomplete and not shown (Devon and Cornwall 2022/23).
    """
    series = datasets.recorded_crime(force, offence_group, frequency="annual")
    name = series.attrs["force"]
    note = ""
    if year is not None:
        try:
            end = parse_financial_year(year)
        except FinancialYearError as err:
            raise ParameterError(f"year must be a financial year such as '2019/20', or None. {err}") from None
        if end not in series.index:
            raise UnknownDatasetError(
                f"{name} has no complete {label(end)}: its complete financial years are "
                f"{label(series.index[0])}-{label(series.index[-1])}."
            )
        series = series[series.index <= end]
    else:
        latest = crime_rates.latest_year(offence_group)
        if series.index[-1] < latest:
            missing = crime_rates.year_counts(latest, offence_group).attrs["incomplete"].get(name, [])
            gap = f", lacking {describe_quarters(missing)}," if missing else ""
            note = f"{name}'s {label(latest)} is incomplete{gap} so the table ends with {label(series.index[-1])}."
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= len(series):
        raise ParameterError(
            f"years must be a whole number from 1 to {len(series)} (financial years "
            f"{label(series.index[0])}-{label(series.index[-1])} are available). Got {years!r}."
        )
    values = series.astype("Int64")
    change = values.diff()
    out = pd.DataFrame({
        "financial_year": [label(p) for p in series.index],
        "crimes": values.array,
        "change": change.array,
        "pct_change": (100 * change / values.shift(1)).astype("Float64").array,
    }).tail(int(years)).reset_index(drop=True)
    out.attrs.update(force=name, caveat=series.attrs["caveat"], source=series.attrs["source"],
                     offence_group=series.attrs["offence_group"], note=note)
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

    e.g. "Lancashire recorded 131,321 crimes in 2022/23, down 4.3% on 2021/22 and down 21.0% on 2018/19."
    """
    if len(table) < 2:
        raise ParameterError(f"trend_sentence needs a trend table of at least two years. Got {len(table)}.")
    last, before, first = table.iloc[-1], table.iloc[-2], table.iloc[0]
    text = (f"{table.attrs.get('force') or 'The force'} recorded {int(last['crimes']):,} crimes in "
            f"{last['financial_year']}, {change_phrase(last['crimes'], before['crimes'], before['financial_year'])}")
    if len(table) > 2:
        text += f" and {change_phrase(last['crimes'], first['crimes'], first['financial_year'])}"
    return text + "."
