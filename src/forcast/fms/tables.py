"""The chapter's tables: every number the chapter states is in one of these, built from the computed results.

Each function returns a :class:`~forcast.fms.document.Table` (or None when there is nothing to show) with
readable column names; the raw numbers stay in the frame (saved as ``tables/<key>.csv``) and the display formats
are given once, here. :mod:`forcast.fms.sections` quotes the tables' *displayed* cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..forecasting import fiscal
from ..data.series import meta
from ..reporting.wording import year_on_year
from .document import Table
from .formatting import COUNT, FY, PCT, percent, when
from .phrasing import model_label, model_words, number_word, per_period, unit_words

if TYPE_CHECKING:  # pragma: no cover
    from .results import ChapterInputs, MeasureResult

SHARE = "{:.0f}%"
MODEL = "Model"
KIND_LABELS = {"force": "Force", "msg_member": "Most similar group", "msg": "Most similar group (total)",
               "england_and_wales": "England and Wales", "all_forces_mean": "Mean of forces",
               "sd": "Standard deviation of forces"}


def level_columns(levels) -> list[tuple[str, str, str]]:
    """``[("lower_80", "upper_80", "80%"), ...]`` for the interval levels of a forecast."""
    return [(f"lower_{lv:g}", f"upper_{lv:g}", f"{lv:g}%") for lv in levels]


@dataclass
class MeasureTables:
    """The tables of one measure, and the base year the projection is compared with."""

    trend: Table | None
    projection: Table
    main_rows: pd.DataFrame  # the main model's rows of the projection frame (raw numbers)
    base_year: str | None
    base_total: float | None
    effects: Table | None = None
    next_year: Table | None = None
    coverage: Table | None = None
    checks: list[Table] = field(default_factory=list)
    models: Table | None = None
    hindsight: Table | None = None  # the forecast made on 31 March 2019 against what was recorded


def measure_tables(r: MeasureResult) -> MeasureTables:
    trend = trend_table(r)
    fy = r.forecast.financial_years()
    first = fy["financial_year"].iloc[0]
    before = fiscal.label(fiscal.parse_financial_year(first) - 1)
    base_year = base_total = None
    if r.trend is not None and len(r.trend) and r.trend["financial_year"].iloc[-1] == before:
        base_year, base_total = before, float(r.trend["total"].iloc[-1])
    projection, main_rows = projection_table(r, fy, base_total)
    out = MeasureTables(trend, projection, main_rows, base_year, base_total, effects=effects_table(r),
                        models=models_table(r))
    if r.backtest is not None:
        out.next_year, out.coverage = backtest_tables(r)
    out.checks = [check_table(r, i, outcome) for i, (_, outcome) in enumerate(r.checks, start=1)]
    if r.hindsight is not None:
        from .hindsight import hindsight_table

        out.hindsight = hindsight_table(r.hindsight, r.name, f"{r.key}_forecast_{r.hindsight.origin:%Y_%m}")
    return out


def trend_table(r: MeasureResult) -> Table | None:
    if r.trend is None or r.trend.empty:
        return None
    total = r.name if r.name not in (FY, "Change on year before", "Change (%)") else "Total"
    frame = pd.DataFrame({FY: r.trend["financial_year"], total: r.trend["total"],
                          "Change on year before": r.trend["change"], "Change (%)": percent(r.trend["pct_change"])})
    return Table(frame, f"{r.name}: the last {number_word(len(frame))} complete financial years; {r.trend_source}",
                 {total: COUNT, "Change on year before": "{:+,.0f}", "Change (%)": PCT}, key=f"{r.key}_trend")


def projection_table(r: MeasureResult, fy: pd.DataFrame, base_total: float | None) -> tuple[Table, pd.DataFrame]:
    fc = r.forecast
    observed = f"{per_period(r.series).capitalize()}s observed"
    rows = []
    for model in fc.model_names:
        own = fy[fy["model"] == model].reset_index(drop=True)
        change = year_on_year(own, "mean", base_total)["pct_change"].to_numpy()
        frame = pd.DataFrame({FY: own["financial_year"], MODEL: model_label(model), observed: own["observed_part"],
                              "Projected (mean)": own["mean"]})
        for lo, hi, name in level_columns(fc.levels):
            frame[f"{name} low"], frame[f"{name} high"] = own[lo].to_numpy(), own[hi].to_numpy()
        frame["Change on year before"] = percent(change)
        rows.append(frame)
    frame = pd.concat(rows, ignore_index=True)
    formats = {c: COUNT for c in frame.columns if c == "Projected (mean)" or c.endswith(("low", "high"))}
    formats["Change on year before"] = PCT
    table = Table(frame, f"{r.name}: projected financial-year totals to {fy['financial_year'].iloc[-1]}, by model "
                  f"(mean of the simulated paths, with 80% and 95% intervals)", formats, key=f"{r.key}_projection")
    main = fy[fy["model"] == r.main_model].reset_index(drop=True)
    return table, main


def effects_table(r: MeasureResult) -> Table | None:
    effects = r.forecast.event_effects()
    if effects.empty:
        return None
    frequency = meta(r.series)["frequency"]
    per = f"Effect per {per_period(r.series)}"
    frame = pd.DataFrame({MODEL: effects["model"].map(model_label), "Event": effects["event"],
                          "From": [when(s, frequency) for s in effects["start"]], per: effects["effect"],
                          "95% low": effects["lower_95"], "95% high": effects["upper_95"]})
    return Table(frame, f"{r.name}: estimated size of the declared level shifts ({unit_words(r.series)} per "
                 f"{per_period(r.series)})", {per: "{:+,.0f}", "95% low": "{:+,.0f}", "95% high": "{:+,.0f}"},
                 key=f"{r.key}_level_shifts")


def backtest_tables(r: MeasureResult) -> tuple[Table | None, Table | None]:
    from ..evaluation.metrics import evaluate

    bt = r.backtest
    fy = bt.financial_years()
    main = r.main_model if r.main_model in set(fy["model"]) else (fy["model"].iloc[0] if len(fy) else None)
    if main is None:
        return None, None
    own = fy[(fy["model"] == main) & (fy["horizon_year"] == 1)].reset_index(drop=True)
    top = max(bt.levels)
    next_year = pd.DataFrame({
        "Forecast made at": [f"{pd.Timestamp(o):%d %b %Y}" for o in own["origin"]],
        FY: own["financial_year"], "Predicted": own["predicted"],
        f"{top:g}% low": own[f"lower_{top:g}"], f"{top:g}% high": own[f"upper_{top:g}"],
        "Actual": own["actual"], "Error": own["error"], "Error (%)": percent(own["pct_error"]),
        **{f"Inside {lv:g}%": own[f"inside_{lv:g}"].astype(bool) for lv in bt.levels}})
    counts = {c: COUNT for c in ("Predicted", f"{top:g}% low", f"{top:g}% high", "Actual")}
    next_table = Table(next_year, f"{r.name}: forecasts made at the end of each past financial year for the "
                       f"following year by {model_words(main)}, against what was recorded",
                       {**counts, "Error": "{:+,.0f}", "Error (%)": PCT}, key=f"{r.key}_backtest_next_year")
    scores = evaluate(bt)
    inside = fy.groupby(["model", "horizon_year"], sort=False)[[f"inside_{lv:g}" for lv in bt.levels]].sum()
    cov = pd.DataFrame({MODEL: scores["model"].map(model_label), "Years ahead": scores["horizon_year"],
                        "Forecasts": scores["n"]})
    keys = list(zip(scores["model"], scores["horizon_year"]))
    for lv in bt.levels:
        cov[f"Inside {lv:g}% interval"] = [int(inside.loc[k, f"inside_{lv:g}"]) for k in keys]
    for lv in bt.levels:
        cov[f"Share inside {lv:g}%"] = 100 * scores[f"coverage_{lv:g}"].to_numpy()
    if r.calibration is not None and calibration_is_independent(r):
        calibrated = evaluate(bt.widened(r.calibration))
        cov[f"Share inside {top:g}%, calibrated"] = 100 * calibrated[f"coverage_{top:g}"].to_numpy()
    cov["Average error (%)"] = scores["mape"].to_numpy()
    formats = {c: SHARE for c in cov.columns if c.startswith("Share")}
    formats["Average error (%)"] = "{:.1f}%"
    coverage = Table(cov, f"{r.name}: how often past actuals fell inside the intervals, by model and years ahead "
                     f"(average error: mean absolute percentage error)", formats, key=f"{r.key}_backtest_coverage")
    return next_table, coverage


def calibration_is_independent(r: MeasureResult) -> bool:
    """True when the measure's intervals were calibrated on other series than its own, so testing the calibrated
    intervals on its past forecasts is an independent test (a calibration learned on this force is not)."""
    learned_on = {str(s) for s in getattr(r.calibration, "series", ())}
    own = {str(n) for n in (meta(r.series)["force"], r.series.name) if n}
    return r.calibration is not None and not (learned_on & own)


#: What the chapter calls its own forecasts in the check table (beside the force's published one).
THIS_METHOD = "This method"


def check_table(r: MeasureResult, number: int, outcome: Any) -> Table:
    t = outcome.table()
    levels = outcome.levels
    frame = pd.DataFrame({
        "Forecast": np.where(t["forecast"] == "reported", "Reported by the force", THIS_METHOD),
        MODEL: [("–" if m == "reported" else model_label(m)) for m in t["model"]],
        "Made at": [None if f == "reported" else f"{pd.Timestamp(o):%d %b %Y}" for f, o in zip(t["forecast"],
                                                                                                t["origin"])],
        FY: t["financial_year"],
        "Predicted": t["predicted"].astype(float)})
    for lo, hi, name in level_columns(levels):
        frame[f"{name} low"], frame[f"{name} high"] = t[lo].astype(float), t[hi].astype(float)
    frame["Actual"] = t["actual"].astype(float)
    frame["Error"], frame["Error (%)"] = t["error"].astype(float), percent(t["pct_error"])
    top = max(levels)
    frame[f"Inside {top:g}%"] = t[f"inside_{top:g}"].astype(object).where(t[f"inside_{top:g}"].notna(), None)
    formats = {c: COUNT for c in frame.columns if c in ("Predicted", "Actual") or c.endswith(("low", "high"))}
    formats.update({"Error": "{:+,.0f}", "Error (%)": PCT})
    key = f"{r.key}_check" if number == 1 else f"{r.key}_check_{number}"
    return Table(frame, f"{r.name}: the {outcome.financial_year} forecast checked against the actual", formats,
                 key=key)


def models_table(r: MeasureResult) -> Table:
    models = r.forecast.models
    frame = pd.DataFrame({MODEL: models["model"].map(model_label), "Chosen specification": models["specification"],
                          "AICc": models["aicc"].astype(float)})
    return Table(frame, f"{r.name}: the models fitted and the specification each chose (lower AICc: better fit "
                 f"for its complexity)", {"AICc": "{:,.1f}"}, key=f"{r.key}_models")


CHANGE, LIKE_FOR_LIKE, NOT_LIKE_FOR_LIKE = "Change from last complete year", "Like-for-like change", "\u2020"


def shifts_after(r: MeasureResult, year: str | None) -> list:
    """Declared level shifts that start after the end of financial year ``year`` (recording changes between it and
    the projection)."""
    if year is None:
        return []
    end = fiscal.parse_financial_year(year).end_time
    return [e for e in r.events if type(e).__name__ == "LevelShift" and pd.Period(str(e.start)).start_time > end]


def like_for_like(r: MeasureResult, t: MeasureTables, projected: float) -> float:
    """The change from the last complete year with the declared level shifts after it taken out: the base year moved
    onto the new recording basis by the estimated effect of each shift (the main model's estimate, else the mean of
    the models that estimate it). NaN when no model estimates one of the shifts."""
    effects = r.forecast.event_effects()
    per_year = {"quarterly": 4, "monthly": 12, "annual": 1, "weekly": 52.18, "daily": 365.25}[
        meta(r.series)["frequency"]]
    base = t.base_total
    for shift in shifts_after(r, t.base_year):
        rows = effects[effects["event"] == shift.label] if len(effects) else effects
        own = rows[rows["model"] == r.main_model] if len(rows) else rows
        chosen = own if len(own) else rows
        if not len(chosen):
            return float("nan")
        base += float(chosen["effect"].mean()) * per_year
    return 100 * (projected / base - 1) if base else float("nan")


def headline_table(inputs: ChapterInputs, tables: dict[str, MeasureTables]) -> Table:
    """The summary's table. A change from the last complete year across a declared recording change is marked in
    the table itself, with the like-for-like change beside it where the models estimate the change's size."""
    rows, marks, spans = [], {}, []
    for i, r in enumerate(inputs.measures):
        t = tables[r.key]
        last = t.main_rows.iloc[-1]
        top = max(r.forecast.levels)
        change = np.nan if t.base_total is None else 100 * (last["mean"] / t.base_total - 1)
        shifts = shifts_after(r, t.base_year)
        rows.append({"Measure": r.name, "Last complete year": t.base_year or "–",
                     "Total in last complete year": t.base_total, "Projected year": last["financial_year"],
                     "Projected (mean)": last["mean"], f"{top:g}% low": last[f"lower_{top:g}"],
                     f"{top:g}% high": last[f"upper_{top:g}"], CHANGE: change,
                     LIKE_FOR_LIKE: like_for_like(r, t, float(last["mean"])) if shifts and not np.isnan(change)
                     else np.nan})
        if shifts and not np.isnan(change):
            marks[(i, CHANGE)] = NOT_LIKE_FOR_LIKE
            frequency = meta(r.series)["frequency"]
            spans += [f"{e.label} from {when(e.start, frequency)}" for e in shifts]
    frame = pd.DataFrame(rows)
    frame[CHANGE] = percent(frame[CHANGE])
    frame[LIKE_FOR_LIKE] = percent(frame[LIKE_FOR_LIKE])
    if not marks:
        frame = frame.drop(columns=LIKE_FOR_LIKE)
    formats = {c: COUNT for c in frame.columns if c.startswith(("Total", "Projected (")) or c.endswith(("low", "high"))}
    formats.update({c: PCT for c in (CHANGE, LIKE_FOR_LIKE) if c in frame.columns})
    note = None
    if marks:
        note = (f"{NOT_LIKE_FOR_LIKE} Not like for like: the change spans a declared recording change "
                f"({'; '.join(dict.fromkeys(spans))}). {LIKE_FOR_LIKE}: the last complete year moved onto the new "
                f"recording basis by the models' estimate of its size (the level shifts in the projection section); "
                f"– where no model estimates it.")
    return Table(frame, f"Headline: projected demand in {inputs.until} against the last complete financial year",
                 formats, key="headline", marks=marks, note=note)


def comparison_table(comparison: Any) -> Table:
    t = comparison.table()
    frame = pd.DataFrame({"Area": t["area"], "Kind": t["kind"].map(KIND_LABELS),
                          "Crimes": t["crimes"].astype("Float64").astype(float),
                          "Population": t["population"].astype("Float64").astype(float),
                          "Crimes per 1,000": t["rate_per_1000"].astype(float),
                          "Difference from mean (SD)": t["difference_from_mean_sd"].astype(float),
                          "Flag": t["flag"].astype(object).where(t["flag"].notna(), None)})
    sd = {"Area": f"One standard deviation of the {comparison.n_forces} forces' rates", "Kind": KIND_LABELS["sd"],
          "Crimes": np.nan, "Population": np.nan, "Crimes per 1,000": comparison.sd,
          "Difference from mean (SD)": np.nan, "Flag": None}
    frame = pd.concat([frame, pd.DataFrame([sd])], ignore_index=True)
    info = t.attrs
    return Table(frame, f"{info['measure']} per 1,000 residents (ONS mid-{info['population_year']}), "
                 f"{info['financial_year']}: {info['force']}, its most similar group and England and Wales",
                 {"Crimes": COUNT, "Population": COUNT, "Crimes per 1,000": "{:.1f}",
                  "Difference from mean (SD)": "{:+.2f}"}, key="comparison")


def settings_table(inputs: ChapterInputs) -> Table:
    rows = []
    for r in inputs.measures:
        fc = r.forecast
        rows.append({"Measure": r.name, "Frequency": meta(r.series)["frequency"], "Periods used": len(r.series),
                     "First period": str(r.series.index[0]), "Last period": str(r.series.index[-1]),
                     "Paths per model": fc.n_paths,
                     "Backtest paths per model": inputs.backtest_paths if r.backtest is not None else None,
                     "Seed": "none" if inputs.seed is None else str(inputs.seed),
                     "Intervals": r.forecast.interval_basis})
    return Table(pd.DataFrame(rows), "How each projection was made", key="settings")


def events_table(inputs: ChapterInputs) -> Table | None:
    basis = {"known": "known break in the published series (declared by default)",
             "given": "declared by the analyst"}
    rows = []
    for r in inputs.measures:
        frequency = meta(r.series)["frequency"]
        for e in r.events:
            start = getattr(e, "start", getattr(e, "period", None))
            end = getattr(e, "end", None)
            rows.append({"Measure": r.name, "Event": getattr(e, "label", type(e).__name__),
                         "Kind": {"LevelShift": "level shift", "ExcludedPeriod": "excluded period",
                                  "Outlier": "outlier"}.get(type(e).__name__, type(e).__name__),
                         "From": when(start, frequency) if start is not None else "–",
                         "To": when(end, frequency, "end") if end is not None else "–",
                         "Why declared": basis.get(r.events_basis, r.events_basis)})
    if not rows:
        return None
    return Table(pd.DataFrame(rows), "Declared events: what is known about the history that the numbers alone do "
                 "not say", key="events")
