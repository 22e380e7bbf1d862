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
        raise ParameterError(f"`by` must be None or 'offence-group'. Got {by!r}.")
    if not embedded_force:
        raise ParameterError(f"`by='offence-group'` needs an embedded force (its offence groups are in the embedded "
                             f"data). Got force={force!r}; see forcast.datasets.forces().")
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
    frame = pd.DataFrame({
        "Offence group": groups + ["Total"],
        f"{ct.last_year} recorded": [ct.recorded[g] for g in groups + ["Total"]],
        f"{inputs.until} projected": rows.loc[groups + ["Total"], "mean"].to_numpy(),
        "95% low": rows.loc[groups + ["Total"], "lower_95"].to_numpy(),
        "95% high": rows.loc[groups + ["Total"], "upper_95"].to_numpy(),
    })
    frame["Change"] = frame[f"{inputs.until} projected"] - frame[f"{ct.last_year} recorded"]
    frame["Change (%)"] = 100 * frame["Change"] / frame[f"{ct.last_year} recorded"]
    total_change = float(frame["Change"].iloc[-1])
    total_last = float(frame[f"{ct.last_year} recorded"].iloc[-1])
    shares = abs(total_change) >= 0.01 * total_last
    if shares:
        frame["Share of the change (%)"] = 100 * frame["Change"] / total_change
    body = frame.iloc[:-1].sort_values("Change", key=np.abs, ascending=False)
    frame = pd.concat([body, frame.iloc[-1:]], ignore_index=True)
    fmt = {c: "{:,.0f}" for c in frame.columns[1:6]} | {"Change": "{:+,.0f}", "Change (%)": "{:+.1f}%"}
    if shares:
        frame["Share of the change (%)"] = frame["Share of the change (%)"].round() + 0.0  # no "-0%"
        fmt["Share of the change (%)"] = "{:.0f}%"
    blocks = [Paragraph(_drivers(body, ct, inputs.until, total_change, total_last, shares)),
              Table(frame, f"{ct.force}: recorded crime by offence group, {ct.last_year} recorded and {inputs.until} "
                    f"projected ({model_label(model)}; groups reconciled with the total)", number_format=fmt,
                    key="crime_types"),
              _chart(body, ct, inputs.until),
              Paragraph(_reconciled_words(ct, inputs, model))]
    return Section(TITLE, blocks, key="crime_types")


def _drivers(body: pd.DataFrame, ct: CrimeTypes, until: str, total_change: float, total_last: float,
             shares: bool) -> str:
    """Which groups drive the change in the total, in words."""
    direction = "rise" if total_change > 0 else "fall"

    def item(row) -> str:
        change = float(row["Change"])
        if not shares:
            return f"{row['Offence group'].lower()} ({change:+,.0f})"
        if change * total_change < 0:
            return f"{row['Offence group'].lower()} ({change:+,.0f}, against the {direction})"
        share = float(row["Share of the change (%)"])
        return (f"{row['Offence group'].lower()} ({change:+,.0f}, {share:.0f}% of the {direction})" if share >= 1
                else f"{row['Offence group'].lower()} ({change:+,.0f})")

    if not shares:
        lead = (f"Recorded crime is projected to stay close to its {ct.last_year} level by {until} ({total_change:+,.0f}, "
                f"{100 * total_change / total_last:+.1f}%), but not every type of crime moves alike.")
    else:
        lead = (f"Recorded crime is projected to {direction} by {abs(total_change):,.0f} "
                f"({100 * total_change / total_last:+.1f}%) from {ct.last_year} to {until}.")
    moves = [("rises", body[body["Change"] >= 0.5].head(2)), ("falls", body[body["Change"] <= -0.5].head(2))]
    if total_change < 0:
        moves.reverse()  # the groups that drive the change first
    parts = [f"the largest {word} {'are ' if not i else ''}in {join_words([item(r) for _, r in rows.iterrows()])}"
             for i, (word, rows) in enumerate((w, r) for w, r in moves if len(r))]
    return lead + (f" By type, {'; '.join(parts)}." if parts else "")


def _reconciled_words(ct: CrimeTypes, inputs: Any, model: str) -> str:
    """How the groups were made to add up, and the total beside the projection of the total on its own."""
    alone = next(r for r in inputs.measures if r.embedded_crime).forecast
    words = (f"Each group is forecast as the total is, and the nine forecasts are then reconciled with the total "
             f"({'minimum-trace' if ct.method == 'mint' else ct.method} reconciliation), path by path, so that in every "
             f"simulated path the groups add up to the total.")
    if alone is None:
        return words
    own = alone.financial_years()
    own = own[(own["model"] == model) & (own["financial_year"] == inputs.until)]
    fy = ct.financial_years
    rec = fy[(fy["model"] == model) & (fy["financial_year"] == inputs.until) & (fy["offence_group"] == "Total")]
    if not len(own) or not len(rec):
        return words
    a, b = float(own["mean"].iloc[0]), float(rec["mean"].iloc[0])
    return words + (f" Reconciled, the total for {inputs.until} is {b:,.0f}; forecast on its own, as in the "
                    f"projection above, it is {a:,.0f} ({100 * (b / a - 1):+.1f}%). The difference is what making the "
                    f"types add up costs; the projection above stays the chapter's figure for the total.")


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
