"""Demand by crime type in the FMS chapter: the force's nine offence groups, projected and reconciled with its total.

With ``build_chapter(..., by="offence-group")`` (``forcast fms --by offence-group``) the force's recorded crime
is forecast with its nine offence groups by :func:`forcast.forecast_many`, and the groups are reconciled with the
total path by path (MinT, :mod:`forcast.forecasting.reconcile`), so in every simulated path the groups add up to the total.
The section shows each group's last complete year and its projection for the final year, which groups drive the
change in the total, and a chart of the changes with their 95% intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter

from ..errors import ParameterError
from ..forecasting.fiscal import fy_totals
from .blocks import Figure, Paragraph, Section, Table
from .phrasing import join_words, model_label

TITLE = "Demand by crime type"
BY_CHOICES = ("offence-group", "offence_group")
RISE, FALL = "#b2182b", "#1f5fa8"
ALL_GROUPS = "All nine groups"
#: A group's change (in % of its last complete year) below which the words do not name it as rising or falling.
MATERIAL_PCT = 2.0


@dataclass
class CrimeTypes:
    """The reconciled offence-group forecasts of one force (``financial_years``: the :class:`ManyForecast` table)
    and each group's recorded total in the last complete financial year."""

    force: str
    measure: str  # the chapter's name for the force's recorded crime
    financial_years: pd.DataFrame
    failures: pd.DataFrame
    last_year: str
    recorded: dict  # offence group (and "Total") -> recorded total in last_year
    method: str


def check_by(by: Any, force: str | None, embedded_force: bool, measures: Sequence) -> str | None:
    """Validate ``by=``: None, or ``"offence-group"`` for an embedded force whose recorded crime is in the chapter."""
    if by is None:
        return None
    if by not in BY_CHOICES:
        raise ParameterError(f"`by` must be None or 'offence-group' (also spelt 'offence_group'). Got {by!r}.")
    if not embedded_force:
        from ..data._datafiles import resolve
        from ..errors import UnknownForceError

        if force is None:
            raise ParameterError("`by='offence-group'` needs an embedded force, whose offence groups are in the "
                                 "embedded data, e.g. force='Lancashire'. Got force=None.")
        try:
            resolve(force)
        except UnknownForceError as exc:  # its message suggests the near spelling ("Did you mean 'Kent'?")
            raise UnknownForceError(f"`by='offence-group'` needs an embedded force, whose offence groups are in the "
                                    f"embedded data. {exc}") from None
    if not any(r.embedded_crime for r in measures):
        raise ParameterError(f"`by='offence-group'` breaks down {force}'s embedded recorded crime, which this chapter "
                             f"does not include. Leave `measures` out (or include the embedded recorded crime).")
    return "offence-group"


def add_crime_types(inputs: Any, models: Sequence, n_paths: int, seed: int | None) -> None:
    """Forecast the force's total and nine groups, reconciled (stored on ``inputs.crime_types``)."""
    from ..forecasting.many import forecast_many, recorded_crime_series
    from ..forecasting.reconcile import Hierarchy

    measure = next(r for r in inputs.measures if r.embedded_crime)
    data = recorded_crime_series([inputs.force], by="offence-group")
    hierarchy = Hierarchy("offence_group")
    many = forecast_many(data, ["force", "offence_group"], reconcile=hierarchy, until=inputs.until,
                         models=list(models), n_paths=n_paths, seed=seed, n_jobs=1)
    totals = {group: fy_totals(series) for (_, group), series in data.items()}
    last_year = str(totals["Total"]["financial_year"].iloc[-1])
    recorded = {g: float(t.set_index("financial_year")["total"].get(last_year, np.nan)) for g, t in totals.items()}
    inputs.crime_types = CrimeTypes(inputs.force, measure.name, many.financial_years(), many.failures, last_year,
                                    recorded, hierarchy.method)


def crime_types_section(inputs: Any) -> Section | None:
    """The section, or None when the chapter was not asked for it."""
    ct = getattr(inputs, "crime_types", None)
    if ct is None:
        return None
    if len(ct.failures):
        failed = join_words([f"{g} ({m})" for g, m in zip(ct.failures["offence_group"], ct.failures["message"])])
        return Section(TITLE, [Paragraph(f"The offence groups could not be projected, so recorded crime is not broken "
                                         f"down by type here: {failed}")], key="crime_types")
    fy = ct.financial_years
    model = str(fy["model"].iloc[0])
    rows = fy[(fy["model"] == model) & (fy["financial_year"] == inputs.until)].set_index("offence_group")
    groups = [g for g in rows.index if g != "Total"]
    last, proj = f"{ct.last_year} recorded", f"{inputs.until} projected"
    frame = pd.DataFrame({
        "Offence group": groups,
        last: [ct.recorded[g] for g in groups],
        proj: rows.loc[groups, "mean"].to_numpy(),
        "95% low": rows.loc[groups, "lower_95"].to_numpy(),
        "95% high": rows.loc[groups, "upper_95"].to_numpy(),
    })
    frame["Change"] = frame[proj] - frame[last]
    frame["Change (%)"] = 100 * frame["Change"] / frame[last]
    body = frame.sort_values("Change", key=np.abs, ascending=False, ignore_index=True)
    total = {"Offence group": ALL_GROUPS, last: body[last].sum(), proj: body[proj].sum(), "95% low": np.nan,
             "95% high": np.nan, "Change": body["Change"].sum()}
    total["Change (%)"] = 100 * total["Change"] / total[last]
    shares = abs(total["Change"]) >= 0.01 * total[last]
    frame = pd.concat([body, pd.DataFrame([total])], ignore_index=True)
    fmt = {c: "{:,.0f}" for c in (last, proj, "95% low", "95% high")} | {"Change": "{:+,.0f}",
                                                                         "Change (%)": "{:+.1f}%"}
    note = ("The row for all nine groups has no interval of its own; the interval for the total is in the "
            "projection section.")
    if shares:
        frame["Share of the change (%)"] = (100 * frame["Change"] / total["Change"]).round() + 0.0  # no "-0%"
        fmt["Share of the change (%)"] = "{:.0f}%"
        note = (f"Shares are of the nine groups' change together, rounded, so they may not add to exactly 100%; a "
                f"negative share is a group moving against the total. {note}")
    alone = _alone(inputs, model)
    blocks = [Paragraph(_drivers(body, ct, inputs.until, total, alone)),
              Table(frame, f"{ct.force}: recorded crime by offence group, {ct.last_year} recorded and {inputs.until} "
                    f"projected ({model_label(model)}; the groups made to add up)", number_format=fmt,
                    key="crime_types", note=note),
              _chart(body, ct, inputs.until),
              Paragraph(_how_words(total[proj], alone))]
    return Section(TITLE, blocks, key="crime_types")


def _alone(inputs: Any, model: str) -> float | None:
    """The chapter's own projection of the total for the final year (the total forecast on its own)."""
    fc = next(r for r in inputs.measures if r.embedded_crime).forecast
    if fc is None:
        return None
    own = fc.financial_years()
    own = own[(own["model"] == model) & (own["financial_year"] == inputs.until)]
    return float(own["mean"].iloc[0]) if len(own) else None


def _drivers(body: pd.DataFrame, ct: CrimeTypes, until: str, total: dict, alone: float | None) -> str:
    """The chapter's figure for the total first, then the groups' sum, then the groups that move materially."""
    base = ct.recorded["Total"]
    summed = float(total[f"{until} projected"])
    lead = ""
    if alone is not None:
        pct = 100 * (alone / base - 1)
        lead = (f"The projection for {until} is {alone:,.0f} recorded crimes, {abs(pct):.1f}% "
                f"{'below' if pct < 0 else 'above'} {ct.last_year}, as in the projection section. ")
    lead += (f"Forecast type by type and made to add up, the nine offence groups come to {summed:,.0f} "
             f"({100 * (summed / base - 1):+.1f}%).")
    material = body[body["Change (%)"].abs() >= MATERIAL_PCT]
    if material.empty:
        return (lead + f" No type of crime is projected to change by {MATERIAL_PCT:g}% or more from {ct.last_year}; "
                       f"the differences between the types are well within their ranges.")
    falling = float(total["Change"]) < 0

    def items(rows: pd.DataFrame) -> str:
        return join_words([f"{r['Offence group'].lower()} ({r['Change']:+,.0f}, {r['Change (%)']:+.1f}%)"
                           for _, r in rows.iterrows()])

    moves = [("fall", material[material["Change"] < 0].head(2)), ("rise", material[material["Change"] > 0].head(2))]
    if not falling:
        moves.reverse()
    words = []
    for i, (word, rows) in enumerate((w, r) for w, r in moves if len(r)):
        plural = f"{word}s are" if len(rows) > 1 else f"{word} is"
        against = i > 0 and (word == "rise") == falling
        words.append(f"the largest {plural} in {items(rows)}" + (f", against the {'fall' if falling else 'rise'} "
                                                                  f"in the total" if against else ""))
    text = lead + " " + "; ".join(words)[0].upper() + "; ".join(words)[1:] + "."
    return text + (" The ranges for single types are wide: one type of crime moves more from year to year than the "
                   "total, and some have changed sharply with recording practice, so their forecasts are less sure.")


def _how_words(summed: float, alone: float | None) -> str:
    """How the groups were made to add up, in plain words."""
    words = ("How the types are made to add up: each type is forecast on its own, in the same way as the total, and "
             "the ten forecasts are then adjusted together so that in every simulated future the nine types add up to "
             "the total; each moves according to how uncertain its own forecast is.")
    if alone is None:
        return words
    return words + (f" That is why the nine types together ({summed:,.0f}) differ a little from the total forecast "
                    f"on its own ({alone:,.0f}), which stays the chapter's figure.")


def _chart(body: pd.DataFrame, ct: CrimeTypes, until: str) -> Figure:
    """Horizontal bars: each group's change from the last complete year to ``until``, with its 95% interval."""
    fig = MplFigure(figsize=(8, 4.2), layout="constrained")
    ax = fig.add_subplot()
    shown = body.iloc[::-1]  # largest change at the top
    y = np.arange(len(shown))
    change = shown["Change"].to_numpy(dtype=float)
    last = shown[f"{ct.last_year} recorded"].to_numpy(dtype=float)
    low, high = shown["95% low"].to_numpy(dtype=float) - last, shown["95% high"].to_numpy(dtype=float) - last
    ax.barh(y, change, color=[RISE if c > 0 else FALL for c in change], height=0.6)
    ax.errorbar(change, y, xerr=[change - low, high - change], fmt="none", ecolor="black", elinewidth=1, capsize=3,
                label="95% interval")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, list(shown["Offence group"]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+,.0f}" if v else "0"))
    ax.set_xlabel(f"Change in recorded crimes, {ct.last_year} to {until}")
    ax.set_title(f"{ct.force}: projected change, {ct.last_year} to {until}", fontsize=11, loc="left")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    top = shown.iloc[::-1].head(3)
    alt = (f"Bar chart of the projected change in recorded crime from {ct.last_year} to {until} for each of the "
           f"nine offence groups, with 95% intervals. Largest changes: "
           f"{join_words([f'{g} {c:+,.0f}' for g, c in zip(top['Offence group'], top['Change'])])}.")
    return Figure(fig, f"{ct.force}: projected change in recorded crime by offence group, {ct.last_year} to {until}, "
                  f"with 95% intervals", "crime_types.png", alt_text=alt)
