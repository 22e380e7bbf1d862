"""The sections of the demand chapter, one function each, written in plain English for a chief officer.

Every function reads the computed results (:class:`~forcast.fms.chapter.ChapterInputs`) and the tables already
built from them (:mod:`forcast.fms.tables`), and quotes numbers only as those tables *display* them, so each number
in the text is in a table of the chapter. :func:`assemble` puts the sections together in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..forecasting import fiscal
from ..data.series import meta
from .charts import trend_chart
from .crime_types import crime_types_section
from .workload_section import workload_section
from .document import DEFAULT_MARKING, Chapter, Figure, Paragraph, Section, Table
from .formatting import FY, day_words, when
from .method import method_section
from .phrasing import (cell, in_text, join_words, magnitude, model_label, model_words, number_word, per_period,
                       projection_phrase, reader_source, subject, unit_words)
from .tables import (LIKE_FOR_LIKE, THIS_METHOD, MeasureTables, calibration_is_independent, comparison_table,
                     headline_table, measure_tables, shifts_after)

if TYPE_CHECKING:  # pragma: no cover
    from .results import ChapterInputs, MeasureResult

TITLES = {
    "summary": "Summary",
    "current": "Current demand and trend",
    "comparison": "Comparison with similar forces and England and Wales",
    "accuracy": "How good have past forecasts been",
    "method": "Method, assumptions and risks",
}
STAND_IN = ("These figures are stand-in data, not UK police figures: they show how the method works and must not be "
            "read as this force's demand.")


def projection_title(inputs: ChapterInputs) -> str:
    """"Projected demand, next four years" (counted from the financial year of the last observation)."""
    last = max(r.series.index[-1].end_time for r in inputs.measures)
    years = int((fiscal.parse_financial_year(inputs.until) - fiscal.financial_year(last)).n)
    if years < 1:
        return f"Projected demand to {inputs.until}"
    return f"Projected demand, next {number_word(years)} year{'s' if years > 1 else ''}"


def _lead(inputs: ChapterInputs, r: MeasureResult, text: str) -> str:
    """Prefix ``text`` with the measure's name when the chapter covers several measures."""
    return text if len(inputs.measures) == 1 else f"{r.name}: {text[0].lower()}{text[1:]}"


_shifts_after = shifts_after


def _shift_words(event, r: MeasureResult) -> str:
    return f"{event.label} from {when(event.start, meta(r.series)['frequency'])}"


# ---------------------------------------------------------------------------------------------- sections
#: Said in the summary when intervals are calibrated (in words only: the numbers are in the method section).
CALIBRATED_SHORT = ("The intervals are calibrated: widened so that past actuals would have fallen above or below "
                    "them no more often than the stated rates allow (see the method section).")
#: Said in the summary when intervals are set by past errors (the numbers are in the method section).
PAST_ERRORS_SHORT = ("The intervals are set by how far past forecasts made this way missed at the same number of "
                     "years ahead, and are never narrower than the models' own (see the method section).")


def summary_section(inputs: ChapterInputs, tables: dict[str, MeasureTables], headline: Table) -> Section:
    shown = headline.formatted()
    blocks: list = []
    for i, r in enumerate(inputs.measures):
        t = tables[r.key]
        top = max(r.forecast.levels)
        sentence = (f"If the factors behind demand stay broadly the same, we expect about "
                    f"{cell(shown, i, 'Projected (mean)')} {unit_words(r.series)} in "
                    f"{cell(shown, i, 'Projected year')} ({top:g}% interval {cell(shown, i, f'{top:g}% low')}–"
                    f"{cell(shown, i, f'{top:g}% high')})")
        if t.base_total is not None:
            change = headline.frame.at[i, "Change from last complete year"]
            pct = cell(shown, i, "Change from last complete year")
            if magnitude(pct) in ("0.0%",):
                sentence += f", about the same as {t.base_year}"
            else:
                sentence += f", {magnitude(pct)} {'above' if change > 0 else 'below'} {t.base_year}"
        parts = [_lead(inputs, r, sentence + ".")]
        shifts = _shifts_after(r, t.base_year)
        if shifts:
            words, _ = subject(r.series)
            parts.append(f"The comparison with {t.base_year} spans the {_shift_words(shifts[0], r)}, so it is not a "
                         f"like-for-like change in {words} (marked in the table).")
            like = cell(shown, i, LIKE_FOR_LIKE) if LIKE_FOR_LIKE in shown.columns else "–"
            if like != "–":
                parts.append(f"With the models' estimate of the recording change taken out, the change is {like}.")
        accuracy = _coverage_words(r, t, short=True)
        if accuracy:
            parts.append(accuracy)
        if r.calibration is not None:
            parts.append(PAST_ERRORS_SHORT if getattr(r.calibration, "kind", None) == "conformal"
                         else CALIBRATED_SHORT)
        if r.stand_in:
            parts.append(STAND_IN)
        blocks.append(Paragraph(" ".join(parts)))
    blocks.append(headline)
    return Section(TITLES["summary"], blocks, key="summary")


def current_section(inputs: ChapterInputs, tables: dict[str, MeasureTables]) -> Section:
    blocks: list = []
    for r in inputs.measures:
        t = tables[r.key]
        if t.trend is None:
            blocks.append(Paragraph(_lead(inputs, r, "No financial year is complete in the data yet, so there is no "
                                                     "annual trend to show.")))
            continue
        shown, frame = t.trend.formatted(), t.trend.frame
        n = len(shown)
        text = (f"In {shown.at[n - 1, FY]}, the last complete financial year, there were "
                f"{shown.iat[n - 1, 1]} {unit_words(r.series)}")
        if n >= 2:
            pct, value = shown.at[n - 1, "Change (%)"], frame.at[n - 1, "Change (%)"]
            if value == 0:
                text += f", about the same as in {shown.at[n - 2, FY]}"
            else:
                text += f", {'up' if value > 0 else 'down'} {magnitude(pct)} on {shown.at[n - 2, FY]}"
        parts = [_lead(inputs, r, text + ".")]
        changes = frame["Change (%)"].dropna()
        if len(changes) >= 2:
            lo, hi = changes.idxmin(), changes.idxmax()
            parts.append(f"Over the {number_word(n)} years shown, the change on the year before ranged from "
                         f"{shown.at[lo, 'Change (%)']} to {shown.at[hi, 'Change (%)']}.")
        if r.embedded_crime:
            parts.append("Part of the rise since 2014/15 reflects better crime recording after HMIC's 2014 crime "
                         "data integrity inspection, not only more crime.")
        observed = t.projection.frame.iloc[0]
        column = f"{per_period(r.series).capitalize()}s observed"
        if observed[column] > 0:
            shown_p = t.projection.formatted()
            parts.append(f"The first {shown_p.at[0, column]} {per_period(r.series)}s of {shown_p.at[0, FY]} are "
                         f"already recorded; the projection in the next section includes them.")
        if r.stand_in:
            parts.append(STAND_IN)
        blocks += [Paragraph(" ".join(parts)), t.trend]
        figure = trend_chart(shown, frame.iloc[:, 1], f"{inputs.force + ': ' if inputs.force else ''}{r.name}, "
                             f"financial-year totals", f"{unit_words(r.series)} per financial year",
                             reader_source(meta(r.series).get("source")))
        blocks.append(Figure(figure, f"{r.name}: the last {number_word(n)} complete financial years, with the "
                             f"change on the year before", f"{r.key}_trend.png"))
    return Section(TITLES["current"], blocks, key="current")


def projection_section(inputs: ChapterInputs, tables: dict[str, MeasureTables]) -> Section:
    blocks: list = []
    for r in inputs.measures:
        t = tables[r.key]
        main = model_words(r.main_model)
        parts = [_lead(inputs, r, f"The table below gives the projected financial-year totals of {in_text(r.name)} to "
                                  f"{inputs.until}: the mean of the simulated futures and the ranges that hold 80% "
                                  f"and 95% of them, for {main} (the main projection) and each model behind it. "
                                  f"A year already partly recorded adds the recorded "
                                  f"{per_period(r.series)}s to the simulated rest.")]
        shifts = _shifts_after(r, t.base_year)
        last_actual = t.base_total if not shifts else None
        if len(t.main_rows) >= 2 or last_actual is not None:
            parts.append(projection_phrase(t.main_rows, r.series, last_actual))
        if shifts and len(t.main_rows):
            parts.append(f"The change into {t.main_rows['financial_year'].iloc[0]} is left out of that description: "
                         f"it spans the {_shift_words(shifts[0], r)}.")
        parts.append("How the intervals are set is in the method section." if r.calibration is not None else
                     "The intervals are the models' own (not calibrated on past forecast errors).")
        if "seasonal_naive" in r.forecast.model_names and r.main_model == "combination":
            parts.append(_beside_words(r))
        if r.stand_in:
            parts.append(STAND_IN)
        blocks += [Paragraph(" ".join(parts)), t.projection]
        fan = r.forecast.plot()
        fan.axes[0].set_title(f"{inputs.force + ': ' if inputs.force else ''}{r.name}, projection to {inputs.until}")
        blocks.append(Figure(fan, f"{r.name}: history and projection to {inputs.until}; mean of {main} with its "
                             f"80% and 95% intervals, other models' means as lines",
                             f"{r.key}_fan_chart.png"))
        if t.effects is not None:
            blocks += [Paragraph(_effects_words(r, t.effects)), t.effects]
    return Section(projection_title(inputs), blocks, key="projection")


def _beside_words(r: MeasureResult) -> str:
    """Why the seasonal naive is shown beside the projection, with the real-time accuracy of both by horizon when
    the interval method carries it (the national benchmark's figures), horizon by horizon."""
    text = "The seasonal naive forecast (each period as the same period a year before) is shown beside it."
    evaluation = getattr(r.calibration, "evaluation", None) or {}
    own, naive = evaluation.get("mape"), evaluation.get("naive_mape")
    if not own or not naive:
        return text
    horizons = sorted(own, key=int)
    worse = [h for h in horizons if h in naive and own[h] > naive[h]]
    text += (f" Tested in real time on every force's recorded crime, forecasts made this way missed financial-year "
             f"totals by {join_words([f'{own[h]:.1f}%' for h in horizons])} on average one to {number_word(len(horizons))} years "
             f"ahead; carrying the last quarter forward (no change) missed by "
             f"{join_words([f'{naive[h]:.1f}%' for h in horizons if h in naive])}.")
    if worse:
        years = join_words(worse)
        text += (f" At {years} year{'s' if len(worse) > 1 or worse != ['1'] else ''} ahead this projection was no "
                 f"better than no change, so read those years as a range of outcomes rather than a prediction.")
    return text


def _effects_words(r: MeasureResult, effects: Table) -> str:
    shown, frame = effects.formatted(), effects.frame
    per = f"Effect per {per_period(r.series)}"
    sentences = []
    for (event, start), rows in frame.groupby(["Event", "From"], sort=False):
        signs = set((rows[per] > 0).tolist())
        verb = "added" if signs == {True} else ("removed" if signs == {False} else "changed")
        parts = []
        for i in rows.index:
            same = (frame.at[i, "95% low"] > 0) == (frame.at[i, "95% high"] > 0) == (frame.at[i, per] > 0)
            lo, hi = shown.at[i, "95% low"], shown.at[i, "95% high"]
            if same and frame.at[i, per] < 0:  # a fall, in magnitudes: the smaller first
                lo, hi = hi, lo
            interval = f"{magnitude(lo)}–{magnitude(hi)}" if same else f"{lo} to {hi}"
            parts.append(f"{shown.at[i, 'Model']} about {magnitude(shown.at[i, per])} (95% interval {interval})")
        since = "" if str(start) in str(event) else f" from {start}"  # a label that names its month already
        sentences.append(f"The models estimate how many {unit_words(r.series)} a {per_period(r.series)} the {event}"
                         f"{since} {verb}: {join_words(parts)}.")
    sentences.append("The projection assumes the recording basis after each shift continues.")
    return " ".join(sentences)


def comparison_section(inputs: ChapterInputs) -> Section:
    c = inputs.comparison
    if c is None:
        return Section(TITLES["comparison"], [Paragraph(inputs.comparison_note)], key="comparison")
    from ..reporting.plotting import comparison_chart

    table = comparison_table(c)
    blocks: list = [Paragraph(
        f"Recorded crime per 1,000 residents in {c.force} in {c.financial_year} (ONS mid-{c.population_year} "
        f"populations), set beside the {number_word(len(c.group))} forces in its "
        f"most similar group (forces with similar populations and circumstances, as grouped by HMICFRS), the mean of "
        f"all forces and England and Wales. A rate more than one standard deviation from the mean of all forces "
        f"is flagged as significantly different, as the inspectorate does.")]
    blocks.append(Paragraph(" ".join(c.sentences())))
    blocks.append(Paragraph("Notes: " + " ".join(c.notes)))
    end = c.period_end
    later = [(r, e) for r in inputs.measures if r.embedded_crime for e in r.events
             if type(e).__name__ == "LevelShift" and pd.Period(str(e.start)).start_time > end]
    if later:
        r, e = later[0]
        blocks.append(Paragraph(f"These figures predate the {_shift_words(e, r)}, which raised {c.force}'s recorded "
                                f"crime; compare later years with care."))
    others = [r for r in inputs.measures if meta(r.series)["measure"] != "recorded_crime"]
    if others:
        plural = len(others) > 1 or subject(others[0].series)[1]
        blocks.append(Paragraph(f"The comparison covers recorded crime only; {join_words([r.name for r in others])} "
                                f"{'have' if plural else 'has'} no published figures for other forces here."))
    chart = comparison_chart(c)
    blocks += [table, Figure(chart, f"Recorded crime per 1,000 people: {c.force}, its most similar group and England "
                             f"and Wales, with the mean of all forces and one standard deviation either side",
                             "comparison.png")]
    return Section(TITLES["comparison"], blocks, key="comparison")


def _coverage_words(r: MeasureResult, t: MeasureTables, short: bool = False) -> str:
    """How often the main model's top interval held the actual one year (and the most years) ahead."""
    if t.coverage is None:
        return ""
    frame, shown = t.coverage.frame, t.coverage.formatted()
    label = model_label(r.main_model)
    top = max(r.forecast.levels)
    own = frame.index[frame["Model"] == label]
    if not len(own):
        return ""
    first = own[0]
    k, n = shown.at[first, f"Inside {top:g}% interval"], shown.at[first, "Forecasts"]
    if short:
        whose = "the models' own" if r.calibration is not None else "their"  # the backtest is not widened
        return (f"In past years, forecasts made this way for the following financial year held the actual inside "
                f"{whose} {top:g}% interval in {k} of {n} cases.")
    text = (f"One year ahead, the {top:g}% interval of {model_words(r.main_model)} held the actual in {k} of {n} "
            f"past forecasts")
    last = own[-1]
    if last != first:
        text += (f"; {number_word(int(frame.at[last, 'Years ahead']))} years ahead, in "
                 f"{shown.at[last, f'Inside {top:g}% interval']} of {shown.at[last, 'Forecasts']}")
    text += "."
    misses = frame.loc[own, "Forecasts"] * top / 100 - frame.loc[own, f"Inside {top:g}% interval"]
    if (misses > 1).any():
        text += (f" That is fewer than the {top:g}% the interval promises at some horizons: read the model-based "
                 f"intervals as too narrow.")
    return text


def accuracy_section(inputs: ChapterInputs, tables: dict[str, MeasureTables]) -> Section:
    blocks: list = []
    for r in inputs.measures:
        t = tables[r.key]
        if r.backtest is None or t.next_year is None:
            blocks.append(Paragraph(_lead(inputs, r, r.backtest_note or "Past forecasts could not be tested.")))
        else:
            origins = t.next_year.formatted()["Forecast made at"]
            parts = [_lead(inputs, r, f"To test the method on {in_text(r.name)}, it was re-run from the end of each "
                                      f"past financial year, from {origins.iloc[0]} to {origins.iloc[-1]}, using only "
                                      f"the data known at the time, and each forecast was compared with what was "
                                      f"later recorded. Declared events count only from when they could have been "
                                      f"known.")]
            parts.append(_coverage_words(r, t))
            calibrated = [c for c in t.coverage.frame.columns if c.endswith("calibrated")]
            if calibrated:
                parts.append(f"With the intervals set as in this chapter, the share one year ahead is "
                             f"{t.coverage.formatted().at[0, calibrated[0]]}.")
            elif r.calibration is not None and not calibration_is_independent(r):
                parts.append("These are the models' own intervals. The chapter's intervals were set from past "
                             "forecasts that include these years, so testing them here would not be an independent "
                             "test; their real-time record is in the method section.")
            blocks += [Paragraph(" ".join(parts)), t.next_year, t.coverage]
            from ..reporting.plotting import backtest_chart

            chart = backtest_chart(r.backtest, model=r.main_model, legend=False,
                                   title=f"{inputs.force + ': ' if inputs.force else ''}{r.name}, past forecasts "
                                   f"by {model_words(r.main_model).removeprefix('the ')}")
            blocks.append(Figure(chart,
                                 f"{r.name}: past financial-year forecasts (mean and 95% interval, one colour per "
                                 f"origin) against the actual totals", f"{r.key}_backtest.png"))
        for (figures, outcome), table in zip(r.checks, t.checks):
            shown = table.formatted()
            reported = shown.index[shown["Forecast"] == "Reported by the force"][0]
            blocks.append(Paragraph(
                f"{inputs.force} reported a forecast of {shown.at[reported, 'Predicted']} {unit_words(r.series)} for "
                f"{figures.financial_year} and an actual of {shown.at[reported, 'Actual']} ({figures.source}). The "
                f"force's own counts differ slightly from the published Home Office series used here (different "
                f"extraction dates and revisions)."))
            blocks += [Paragraph(_check_words(r, figures, outcome, shown)), table]
        if t.hindsight is not None:
            from .hindsight import hindsight_blocks

            blocks += hindsight_blocks(r.hindsight, t.hindsight, lambda text, r=r: _lead(inputs, r, text), r.name,
                                       t.hindsight.key)
    return Section(TITLES["accuracy"], blocks, key="accuracy")


# ---------------------------------------------------------------------------------------------- chapter
def assemble(inputs: ChapterInputs, title: str | None = None, marking: str | None = DEFAULT_MARKING) -> Chapter:
    """The chapter from the computed results: tables first, then the sections that quote them."""
    tables = {r.key: measure_tables(r) for r in inputs.measures}
    headline = headline_table(inputs, tables)
    sections = [
        summary_section(inputs, tables, headline),
        current_section(inputs, tables),
        projection_section(inputs, tables),
        crime_types_section(inputs),
        workload_section(inputs.measures),
        comparison_section(inputs),
        accuracy_section(inputs, tables),
        method_section(inputs, tables),
    ]
    sections = [s for s in sections if s is not None]
    names = join_words([r.name for r in inputs.measures])
    ends = [(r.name, r.series.index[-1].end_time) for r in inputs.measures]
    data_to = "; ".join(f"{name}: {day_words(end)}" for name, end in ends) if len({e for _, e in ends}) > 1 \
        else day_words(ends[0][1])
    metadata = {"Force": inputs.force, "Measures": names, "Data to": data_to, "Projected to": inputs.until}
    if inputs.force is None:
        del metadata["Force"]
    default = "Force Management Statement: demand" + (f", {inputs.force}" if inputs.force else "")
    return Chapter(title or default, sections,
                   subtitle=f"{names}: current demand and projection to {inputs.until}", metadata=metadata,
                   marking=marking)



def _check_words(r: MeasureResult, figures, outcome, shown: pd.DataFrame) -> str:
    """The check of a published forecast in words, quoting the check table as displayed: the forecast this method
    made with the data known at the check's origin, and the force's own, each against the actual."""
    top = max(outcome.levels)
    ours = shown.index[(shown["Forecast"] == THIS_METHOD) & (shown["Model"] == model_label(outcome.model))]
    i = ours[0] if len(ours) else shown.index[shown["Forecast"] == THIS_METHOD][0]
    reported = shown.index[shown["Forecast"] == "Reported by the force"][0]
    raw = outcome.table()
    seen = int(raw.loc[(raw["forecast"] != "reported")].iloc[0]["observed_part"])
    per_year = {"quarterly": 4, "monthly": 12, "annual": 1}.get(meta(r.series)["frequency"])
    recorded = (f", with {number_word(seen)} of the {number_word(per_year)} {per_period(r.series)}s of "
                f"{figures.financial_year} recorded" if per_year else "")
    inside = shown.at[i, f"Inside {top:g}%"] == "Yes"
    total = getattr(outcome, "series_total", None)
    published = (f" For the same year the published Home Office series gives {total:,.0f}." if total is not None
                 else "")

    def off(row) -> str:
        error = shown.at[row, "Error (%)"]
        if magnitude(error) == "0.0%":
            return "about right"
        high = error.startswith(("-", "\u2212"))
        return f"{magnitude(error)} too {'high' if high else 'low'}"

    return (f"Made the same way on {shown.at[i, 'Made at']}{recorded}, {model_words(outcome.model)} forecast "
            f"{shown.at[i, 'Predicted']} {unit_words(r.series)} for {figures.financial_year} ({top:g}% interval "
            f"{shown.at[i, f'{top:g}% low']}–{shown.at[i, f'{top:g}% high']}): {off(i)} against the force's actual "
            f"of {shown.at[i, 'Actual']}, which was {'inside' if inside else 'outside'} the interval. The force's "
            f"own forecast was {off(reported)}.{published}")
