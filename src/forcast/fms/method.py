"""The "Method, assumptions and risks" section: models, paths and intervals, calibration, declared events, data
sources with their licences, caveats, and what would make the projection wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..data import datasets
from ..data.series import meta
from .document import BulletList, Paragraph, Section
from .phrasing import OWN_EXTRACT, join_words, model_label, number_word, per_period, reader_note, reader_source
from .formatting import when
from .tables import events_table, settings_table

if TYPE_CHECKING:  # pragma: no cover
    from .results import ChapterInputs
    from .tables import MeasureTables

TITLE = "Method, assumptions and risks"
MODELS_TEXT = {
    "ets": "exponential smoothing (ETS), which follows the level, trend and seasonal pattern of the recent past, "
           "with any trend damped so that it levels off over the projection",
    "arima": "ARIMA, which models how each period depends on the periods before it, without a fixed drift",
    "naive": "the naive baseline (the last value carried forward)",
    "seasonal_naive": "the seasonal naive baseline (the same period a year before)",
    "drift": "the drift baseline (a straight line through the first and last values)",
}
RISKS = [
    "A change in recording practice or counting rules (such as the crime data integrity improvements from 2014/15, "
    "or a new recording system) moves recorded demand without any change in what actually happens.",
    "New legislation, new offences or changed national priorities change what is recorded.",
    "Shocks the history does not contain: a pandemic, a major incident, a sharp change in the economy.",
    "Changes in how the public contacts the police (online reporting; demand moving between 999, 101 and other "
    "channels).",
    "Population growth or change in the area unlike the past.",
    "Revisions to the published figures: recent data are often revised.",
]


def _version() -> str:
    """"version 0.4.0" of the installed package (or "" when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"version {version('forcast')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return ""


def _model_paragraph(inputs: ChapterInputs) -> str:
    names = []
    for r in inputs.measures:
        names += [n for n in r.forecast.model_names if n not in names]
    members = [n for n in names if n != "combination"]
    described = [MODELS_TEXT.get(n, model_label(n)) for n in members]
    listed = described[0] if len(described) == 1 else "; ".join(described[:-1]) + "; and " + described[-1]
    text = (f"Each measure is projected with {number_word(len(members))} statistical "
            f"model{'s' if len(members) > 1 else ''}: {listed}. ")
    chosen = [model_label(n) for n in names if n in ("ets", "arima")]
    if chosen:
        neither = "Neither carries" if len(chosen) > 1 else "It does not carry"
        text += (f"{join_words(chosen)} {'each choose their' if len(chosen) > 1 else 'chooses its'} own form by "
                 f"AICc, a measure of fit that penalises complexity. {neither} a past trend unchanged to the end of "
                 f"the projection: when past forecasts of recorded crime in every force were tested, a straight-line "
                 f"trend four years ahead was the largest source of error. ")
    if "combination" in names:
        weights = [r.forecast.describe("combination").get("weights") for r in inputs.measures
                   if "combination" in r.forecast.model_names]
        equal = all(w is None or len(set(round(x, 9) for x in w)) <= 1 for w in weights)
        shares = "in equal shares" if equal else "in the shares given in its specification below"
        sizes = {len(r.forecast.describe("combination").get("members", [])) for r in inputs.measures
                 if "combination" in r.forecast.model_names}
        if max(sizes, default=2) > 2:
            text += (f"The main projection is the combination of ETS, ARIMA and the two simplest forms of the ARIMA "
                     f"family, no change (the last quarter carried forward) and same as last year: each of its "
                     f"simulated futures is a whole path from one of the four, taken {shares}. When past forecasts "
                     f"of every force's recorded crime were tested, the no-change forms were as accurate as the "
                     f"fitted models one year ahead and more accurate two to four years ahead, because recorded "
                     f"crime turned and fitted trends carried on the wrong way. ")
        else:
            text += (f"The main projection is the combination of ETS and ARIMA: each of its simulated futures is a "
                     f"whole path from one of the two models, taken {shares}. Pooling two different models is "
                     f"usually more accurate than either alone, and the combined intervals carry both models' "
                     f"uncertainty and the disagreement between them. ")
    else:
        main = {r.main_model for r in inputs.measures}
        text += f"The main projection is the {join_words([model_label(m) for m in main])} model. "
    return text + "The tables below list the specification each model chose."


def _events_paragraphs(inputs: ChapterInputs) -> list:
    table = events_table(inputs)
    if table is None:
        return [Paragraph("No events were declared: the models treat each history as one consistent series.")]
    parts = ["Declared events are facts about the history that the numbers alone do not show. A level shift is a "
             "change of recording practice from a given date: the whole history is modelled on the new basis and the "
             "size of the shift is estimated (see the projection section)."]
    for r in inputs.measures:
        if r.events_basis == "known":
            parts.append(_known_words(r))
    return [Paragraph(" ".join(parts)), table]


def _known_words(r) -> str:
    """What the known breaks of the embedded recorded crime are and how each is declared: the level shifts are
    changes in recording; an excluded period (COVID-19) is treated as missing, not as a change in recording."""
    frequency = meta(r.series)["frequency"]

    def named(e) -> str:
        start = when(e.start, frequency)
        return f"the {e.label}" + ("" if start in e.label else f" from {start}")

    shifts = [named(e) for e in r.events if type(e).__name__ == "LevelShift"]
    missing = [f"the {e.label}, {when(e.start, frequency)} to {when(e.end, frequency, 'end')}"
               for e in r.events if type(e).__name__ == "ExcludedPeriod"]
    said = []
    if shifts:
        said.append(f"level shift{'s' if len(shifts) > 1 else ''} for {join_words(shifts)}, where the published "
                    f"series jumps because recording changed, not only demand")
    if missing:
        said.append(f"{join_words(missing)}, treated as missing rather than as demand")
    return (f"For the published recorded crime of {meta(r.series)['force']}, the breaks known from the published "
            f"sources are declared: {'; and '.join(said)}.")


def _sources(inputs: ChapterInputs) -> list[str]:
    items = []
    for r in inputs.measures:
        source = reader_source(meta(r.series).get("source"))
        items.append(f"{r.name}: {source}{'.' if source == OWN_EXTRACT else ''}")
    if inputs.comparison is not None:
        items.append(f"Comparison with other forces: {inputs.comparison.rates.attrs['source']}")
        items.append(f"Most similar groups: {datasets.attribution('most_similar_groups')}")
    return items


def _caveats(inputs: ChapterInputs, tables: dict[str, MeasureTables]) -> list[str]:
    items = []
    for r in inputs.measures:
        caveat = meta(r.series).get("caveat")
        if caveat and r.embedded_crime:  # its caveat (better recording from 2014/15) is stated with the trend
            items.append(f"{r.name}: published Home Office counts; better recording from 2014/15 raised them (see "
                         f"Current demand and trend).")
        elif caveat:
            items.append(f"{r.name}: {caveat}")
        if r.stand_in:
            items.append(f"{r.name} are stand-in data, not UK police figures: no public UK police 999 or 101 series "
                         f"was available, so this series only shows how the method works.")
        for note in map(reader_note, [*r.forecast.notes, *r.warnings]):
            if note != r.calibration_note:
                items.append(f"{r.name}: {note}")
    return items


def _risks(inputs: ChapterInputs) -> list[str]:
    items = list(RISKS)
    for r in inputs.measures:
        for e in r.events:
            if type(e).__name__ == "LevelShift":
                items.append(f"{r.name}: the size of the {e.label} is estimated from the {per_period(r.series)}s "
                             f"either side of it; if the new recording basis settles at another level, the "
                             f"projection moves with it.")
        if len(r.series) < 5 * {"quarterly": 4, "monthly": 12, "annual": 1}.get(meta(r.series)["frequency"], 52):
            items.append(f"{r.name}: the history is short, so the models have little to learn the trend and the "
                         f"seasonal pattern from.")
    items.append("The intervals show the uncertainty the models can see in the history; they do not cover the "
                 "risks above.")
    return items


def method_section(inputs: ChapterInputs, tables: dict[str, MeasureTables]) -> Section:
    blocks: list = [Paragraph(_model_paragraph(inputs))]
    blocks += [tables[r.key].models for r in inputs.measures if tables[r.key].models is not None]
    blocks.append(Paragraph(
        "Each model simulates thousands of possible futures (sample paths; the number per model is in the table "
        "below). Means and intervals of financial-year totals are taken from the simulated totals: the 80% interval "
        "holds the middle 80% of them and the 95% interval the middle 95%. A year already partly recorded adds the "
        "recorded periods to each simulated remainder. Intervals are never made by adding up quarterly bounds."))
    blocks.append(Paragraph(f"The projections were made with forcast {_version()}, open-source software; the "
                            f"settings below reproduce them."))
    blocks.append(settings_table(inputs))
    notes = list(dict.fromkeys(r.calibration_note for r in inputs.measures))
    if len(notes) == 1:
        blocks.append(Paragraph(notes[0]))
    else:
        blocks.append(BulletList([f"{r.name}: {r.calibration_note}" for r in inputs.measures]))
    blocks += _events_paragraphs(inputs)
    blocks += [Paragraph("Data sources and licences:"), BulletList(_sources(inputs))]
    caveats = _caveats(inputs, tables)
    if caveats:
        blocks += [Paragraph("Caveats about the data:"), BulletList(caveats)]
    blocks += [Paragraph("What would make the projection wrong:"), BulletList(_risks(inputs))]
    return Section(TITLE, blocks, key="method")
