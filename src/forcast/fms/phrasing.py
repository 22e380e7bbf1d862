"""Plain-English pieces of the FMS chapter: names of measures and units, number words, and the year-on-year phrase.

Everything here is pure (same input, same words) and reads numbers only as they are *shown* in a chapter table
(:meth:`forcast.fms.document.Table.formatted`), so a number in the text is always a number in a table. The
year-on-year rule itself lives in :mod:`forcast.reporting.wording` (one rule for the whole library);
:func:`projection_phrase` only puts a subject in front of it and decides where the description starts.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

import pandas as pd

from ..data.series import meta
from ..reporting.wording import describe_change, plural_verbs

__all__ = [
    "MODEL_LABELS",
    "cell",
    "display_name",
    "in_text",
    "is_stand_in",
    "join_words",
    "magnitude",
    "model_label",
    "model_words",
    "number_word",
    "per_period",
    "projection_phrase",
    "reader_note",
    "reader_source",
    "slug",
    "subject",
    "unit_words",
]

#: How models are named in the chapter's tables.
MODEL_LABELS = {
    "combination": "Combination",
    "ets": "Exponential smoothing (ETS)",
    "arima": "ARIMA",
    "naive": "Naive",
    "seasonal_naive": "Seasonal naive",
    "drift": "Drift",
    "no_change": "No change",
    "same_as_last_year": "Same as last year",
}
_MEASURE_NAMES = {"recorded_crime": "Recorded crime", "calls_999": "999 calls", "calls_101": "101 calls",
                  "calls_for_service": "Calls for service", "calls_911": "911 calls"}
_UNIT_WORDS = {"recorded_crime": "recorded crimes", "calls_999": "999 calls", "calls_101": "101 calls",
               "calls_for_service": "calls for service", "calls_911": "911 calls"}
_PER = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "annual": "year"}
_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_STAND_IN = "stand-in"


#: A local file path or file name in a source text (URLs are not: they are public).
_FILE_RE = re.compile(r"(?:^|\s)(?:~|\.{1,2})?[/\\]\S|\b[A-Za-z]:\\|\.(?:csv|xlsx?|xlsm|ods|parquet|txt)\b", re.I)
#: What the chapter says of a series the force supplied from its own file (never the file's path).
OWN_EXTRACT = "supplied by the force (the analyst's own extract)"


def reader_source(source: Any) -> str:
    """A series' source as the chapter may print it: the published source as given; a local file, a DataFrame or
    nothing as :data:`OWN_EXTRACT` (a path on the analyst's machine means nothing to a reader and may say too
    much)."""
    text = str(source or "").strip()
    if not text or text in ("DataFrame", "Series") or _FILE_RE.search(text):
        return OWN_EXTRACT
    return text


_REPO_PATH_RE = re.compile(r"(?:,\s*)?`{0,2}\b(?:benchmarks|scripts|src|tests|notebooks|docs)/[\w./-]*\w`{0,2}")
_MEASURE_WORDS = {"calls 999": "999 calls", "calls 101": "101 calls", "calls 911": "911 calls"}


def reader_note(text: str) -> str:
    """A note from the library (interval method, model fall-backs) as the chapter prints it: without references to
    files of forcast's repository (a benchmark script means nothing to an inspector) and with measure keys in
    words ("monthly calls_999" -> "monthly 999 calls")."""
    text = _REPO_PATH_RE.sub("", str(text))
    text = re.sub(r"\s*\((?:see|in)?\s*\)", "", text)
    for key, words in _MEASURE_NAMES.items():
        text = re.sub(rf"\b{key}\b", words[0].lower() + words[1:] if key == "recorded_crime" else words, text)
    for old, new in _MEASURE_WORDS.items():
        text = re.sub(rf"\b{old}\b", new, text)
    return re.sub(r"\s{2,}", " ", text).replace(" ,", ",").replace(" .", ".").strip()


def model_words(name: str) -> str:
    """A model as named in a sentence: "the combination of models", "the ETS model", "the seasonal naive model"."""
    if name == "combination":
        return "the combination of models"
    if name == "ets":
        return "the exponential smoothing (ETS) model"
    label = model_label(name)
    return f"the {label if label.isupper() else label[0].lower() + label[1:]} model"


def model_label(name: str) -> str:
    """A model's name in tables and charts: ``"combination"`` -> ``"Combination"``, ``"ets"`` ->
    ``"Exponential smoothing (ETS)"``; other names capitalised, with spaces for underscores."""
    if name in MODEL_LABELS:
        return MODEL_LABELS[name]
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else str(name)


def is_stand_in(series: pd.Series) -> bool:
    """True for the embedded stand-in call series (US police calls, NHS ambulance 999 calls), never UK police data."""
    caveat = str(meta(series).get("caveat") or "")
    return caveat.lower().startswith(_STAND_IN) or _STAND_IN in str(series.name or "").lower()


def display_name(series: pd.Series) -> str:
    """The name a measure is shown under when the caller gave none: from its ``measure`` (or its name).

    Stand-in series always carry "(stand-in)", so every caption and table that shows them says so.
    """
    m = meta(series)
    name = _MEASURE_NAMES.get(m["measure"]) or str(series.name or m["measure"]).strip() or "Demand"
    return with_stand_in(name, series)


def with_stand_in(name: str, series: pd.Series) -> str:
    """``name`` with " (stand-in)" added for stand-in series that do not say so already."""
    if is_stand_in(series) and _STAND_IN not in name.lower():
        return f"{name} (stand-in)"
    return name


def in_text(name: str) -> str:
    """A measure's name inside a sentence: "Recorded crime" -> "recorded crime"; other names as given."""
    return name[0].lower() + name[1:] if name.split(" (")[0] in _MEASURE_NAMES.values() else name


def unit_words(series: pd.Series) -> str:
    """What one count is, for sentences: "recorded crimes", "999 calls", the series' unit, or "counts"."""
    m = meta(series)
    unit = str(m["unit"] or "count")
    return _UNIT_WORDS.get(m["measure"], "counts" if unit == "count" else unit)


def subject(series: pd.Series) -> tuple[str, bool]:
    """The subject of a sentence about the measure and whether it is plural: ("recorded crime", False)."""
    m = meta(series)
    if m["measure"] == "recorded_crime":
        return "recorded crime", False
    return unit_words(series), True


def per_period(series: pd.Series) -> str:
    """"quarter", "month", "week", "day" or "year"."""
    return _PER[meta(series)["frequency"]]


def number_word(n: int) -> str:
    """0-10 in words ("four"), larger numbers as digits."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def join_words(items: Sequence[str]) -> str:
    """["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def slug(text: str) -> str:
    """A file-safe key from ``text`` (letters, digits and ``_``), never empty: "999 calls" -> "999_calls"."""
    out = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return out or "measure"


def cell(shown: pd.DataFrame, row: Any, column: str) -> str:
    """One cell of a table as displayed (``Table.formatted()``), so the text quotes exactly what the table shows."""
    return str(shown.at[row, column])


def magnitude(text: str) -> str:
    """A displayed signed number without its sign: "+23.4%" -> "23.4%", "-1,269" -> "1,269"."""
    return text.lstrip("+-\u2212")


def projection_phrase(fy: pd.DataFrame, series: pd.Series, last_actual: float | None = None) -> str:
    """One sentence on the year-on-year path of a one-model financial-year table (``financial_year``, ``mean``).

    ``last_actual`` is the total of the last complete observed financial year; give it to describe the change
    into the first projected year too (leave it out when, e.g., a recording change lies between the two).

    >>> fy = pd.DataFrame({"financial_year": ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"],
    ...                    "mean": [100, 104, 100.9, 97.9, 95.0]})
    >>> projection_phrase(fy, recorded)          # doctest: +SKIP
    'Projected recorded crime rises about 4% in 2019/20, then falls about 3% a year to 2022/23.'
    """
    words, plural = subject(series)
    phrase = describe_change(fy[["financial_year", "mean"]], last_actual=last_actual)
    if plural:
        phrase = plural_verbs(phrase)
    return f"Projected {words} {phrase}."
