"""Prose an inspector reads: the rendered chapter (Markdown, HTML, Word and the charts' own words) names the tool
at most once, shows no local path and no internal identifier, states each caveat once, marks a change across a
recording break in the table itself, and gives the data's end per measure."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import docx  # noqa: E402
import pytest  # noqa: E402

from forcast import datasets, load_series  # noqa: E402
from forcast.models.events import LevelShift  # noqa: E402
from forcast.fms import Chapter, Paragraph, build_chapter  # noqa: E402

from .conftest import seasonal_series  # noqa: E402

#: Internal names that must never reach a reader: measure and model keys, and the lower-case bare model keys.
INTERNAL = re.compile(r"\b(?:calls_999|calls_101|recorded_crime|seasonal_naive|same_as_last_year|no_change|"
                      r"known_events|lancashire_\w+|covid_19)\b|\b(?:ets|arima)\b|\w+_\w+\.py\b")
BRACKETED_KEY = re.compile(r"\((?:ets|arima|combination|naive|drift)\)")


class _Text(HTMLParser):
    """Visible text of a page, and every alt text, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k == "alt" and v]

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def docx_text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in (*section.header.paragraphs, *section.footer.paragraphs)]
    parts += [d.get("descr", "") for d in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    return "\n".join(parts)


def figure_text(chapter: Chapter) -> str:
    """Every word drawn in the charts: titles, axis labels, tick labels, legend entries, annotations."""
    parts = []
    for figure in chapter.figures():
        for text in figure.figure.findobj(matplotlib.text.Text):
            parts.append(text.get_text())
    return "\n".join(parts)


@pytest.fixture(scope="module")
def calls_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analyst_private_folder")
    series = datasets.calls("nhs_england_999_monthly")
    frame = series.rename("calls").to_frame()
    frame.index = frame.index.to_timestamp()
    frame.index.name = "month"
    path = folder / "calls999.csv"
    frame.to_csv(path)
    return path


def two_measures(calls_file, **kwargs) -> Chapter:
    """Lancashire's recorded crime and the force's own 999 calls file."""
    calls = load_series(calls_file, date_column="month", value_column="calls", measure="calls_999", unit="calls",
                        name="999 calls", force="Lancashire")
    return build_chapter("Lancashire", measures={"Recorded crime": datasets.recorded_crime("Lancashire"),
                                                 "999 calls": calls}, seed=1, **kwargs)


def rendered(chapter: Chapter) -> dict[str, str]:
    return {"md": chapter.to_markdown(), "html": html_text(chapter.to_html()),
            "docx": docx_text(chapter.to_docx_bytes()), "charts": figure_text(chapter)}


@pytest.fixture(scope="module")
def chapter(calls_file):
    """The default models (ETS, ARIMA, their combination and the seasonal naive), no backtest; with the
    demand-by-crime-type section, so its words are scanned too."""
    return two_measures(calls_file, n_paths=200, backtest=False, by="offence-group")


@pytest.fixture(scope="module")
def texts(chapter):
    return rendered(chapter)


def assert_reads_clean(text: str, fmt: str, calls_file) -> None:
    if fmt == "md":
        text = text.replace("\\", "")  # Markdown escapes: calls\_999 reads calls_999
    assert len(re.findall(r"forcast", text, re.I)) <= (0 if fmt == "charts" else 1), fmt
    for path in (str(calls_file), str(calls_file.parent), calls_file.name, "analyst_private_folder", "/tmp"):
        assert path not in text, (fmt, path)
    assert INTERNAL.findall(text) == [], fmt
    assert BRACKETED_KEY.findall(text) == [], fmt
    assert "((" not in text and "))" not in text, fmt
    assert "given by the user" not in text and "<NA>" not in text and "NaN" not in text


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "charts"])
def test_no_tool_name_no_local_path_no_internal_name(texts, calls_file, fmt):
    assert_reads_clean(texts[fmt], fmt, calls_file)


@pytest.mark.slow
def test_whole_chapter_with_backtest_and_published_check_reads_clean(calls_file):
    """With the backtest, the published forecast's check and the March 2019 forecast judged."""
    whole = two_measures(calls_file, n_paths=300)
    assert {"recorded_crime_check", "recorded_crime_forecast_2019_03"} <= set(whole.tables_by_key())
    for fmt, text in rendered(whole).items():
        assert_reads_clean(text, fmt, calls_file)


def test_the_one_mention_of_the_tool_is_in_the_method_section(chapter):
    mentions = [(s.key, b.text) for s in chapter.sections for b in s.blocks
                if isinstance(b, Paragraph) and "forcast" in b.text.lower()]
    assert len(mentions) == 1 and mentions[0][0] == "method"
    assert re.search(r"made with forcast version \S+", mentions[0][1])


def test_legend_labels_are_capitalised_names(chapter):
    fan = next(f for f in chapter.figures() if f.filename == "recorded_crime_fan_chart.png").figure
    labels = [t.get_text() for t in fan.axes[0].get_legend().get_texts()]
    assert "Combination (mean)" in labels and "Exponential smoothing (mean)" in labels and "ARIMA (mean)" in labels
    assert all(label[0].isupper() or label[0].isdigit() for label in labels), labels


def test_the_interval_method_is_explained_once_and_referred_to_elsewhere(chapter, texts):
    note = chapter.sections[0]  # summary
    full = "the spread of financial-year totals is how far"
    assert texts["md"].count(full) == 1
    method = next(s for s in chapter.sections if s.key == "method")
    assert any(full in " ".join([getattr(b, "text", ""), *getattr(b, "items", ())]) for b in method.blocks)
    projection = " ".join(getattr(b, "text", "") for b in next(s for s in chapter.sections
                                                             if s.key == "projection").blocks)
    assert "How the intervals are set is in the method section." in projection
    assert "see the method section" in " ".join(getattr(b, "text", "") for b in note.blocks)


def test_data_to_is_given_per_measure(chapter):
    calls_end = chapter.tables_by_key()["settings"].frame.set_index("Measure").at["999 calls", "Last period"]
    assert calls_end != "2023Q1"  # the two measures end at different times, so each is given its own end
    assert re.fullmatch(r"Recorded crime: 31 March 2023; 999 calls: \d+ \w+ \d{4}", chapter.metadata["Data to"])
    crime = datasets.recorded_crime_derived("Lancashire")  # to December 2018
    calls = seasonal_series(n=48, freq="M", start="2014-04", level=20_000, measure="calls_999")  # to March 2018
    two = build_chapter("Lancashire", measures={"Recorded crime": crime, "999 calls": calls}, until="2021/22",
                        models=("seasonal_naive",), n_paths=200, seed=1, backtest=False)
    assert two.metadata["Data to"] == "Recorded crime: 31 December 2018; 999 calls: 31 March 2018"


@pytest.fixture(scope="module")
def across_the_break():
    """Data to December 2018, so the last complete year (2017/18) is before the April 2018 recording change."""
    return build_chapter("Lancashire", measures={"Recorded crime": datasets.recorded_crime_derived("Lancashire")},
                         until="2022/23", events=[LevelShift("2018-04", "recording change (crime data integrity)")],
                         models=("ets",), n_paths=200, seed=1, backtest=False)


def test_a_change_across_a_recording_break_is_marked_in_the_table_with_a_like_for_like_figure(across_the_break):
    headline = across_the_break.tables_by_key()["headline"]
    shown = headline.formatted()
    change = shown.at[0, "Change from last complete year"]
    assert change.endswith("\u2020")
    assert headline.note.startswith("\u2020 Not like for like: the change spans a declared recording change "
                                    "(recording change (crime data integrity) from April 2018)")
    # like for like: 2017/18 moved onto the new basis by the ETS estimate of the shift (per quarter, four quarters)
    effects = across_the_break.tables_by_key()["recorded_crime_level_shifts"].frame
    effect = float(effects["Effect per quarter"].iloc[0])
    frame = headline.frame
    expected = 100 * (frame.at[0, "Projected (mean)"] / (frame.at[0, "Total in last complete year"] + 4 * effect) - 1)
    assert frame.at[0, "Like-for-like change"] == pytest.approx(round(expected, 1))
    assert abs(frame.at[0, "Like-for-like change"]) < abs(frame.at[0, "Change from last complete year"])
    summary = across_the_break.sections[0].blocks[0].text
    assert f"the change is {shown.at[0, 'Like-for-like change']}" in summary
    for fmt in (across_the_break.to_markdown(), across_the_break.to_html()):
        assert change in fmt and "Not like for like" in fmt
    no_break = build_chapter("Lancashire", models=("seasonal_naive",), n_paths=200, seed=1, backtest=False)
    assert "Like-for-like change" not in no_break.tables_by_key()["headline"].frame.columns
    assert not no_break.tables_by_key()["headline"].formatted().iloc[0, -1].endswith("\u2020")


def test_chapter_repr_is_short(chapter):
    text = repr(chapter)
    assert text.startswith("Chapter('Force Management Statement: demand, Lancashire', ") and len(text) < 200
    assert len(repr(chapter.sections[0])) < 120 and len(repr(chapter.tables()[0])) < 200


@pytest.mark.parametrize("note, expected", [
    ("In backtests of call series (monthly totals, benchmarks/calls_intervals.py, 1000 paths) intervals held 95%.",
     "In backtests of call series (monthly totals, 1000 paths) intervals held 95%."),
    ("Learned on quarterly recorded_crime, not monthly calls 999 (see ``benchmarks/calls_intervals.py``).",
     "Learned on quarterly recorded crime, not monthly 999 calls."),
    ("Intervals are set by past errors (43 forces, 2006-2019).", "Intervals are set by past errors (43 forces, 2006-2019)."),
])
def test_library_notes_lose_repository_paths_and_measure_keys(note, expected):
    from forcast.fms.phrasing import reader_note

    assert reader_note(note) == expected


def test_every_interval_in_the_words_runs_from_low_to_high(texts):
    """A fall (a level shift that removed crimes) is given in magnitudes too: '3,988–14,005', never '14,005–3,988'."""
    found = re.findall(r"95% interval (-?[\d,]+(?:\.\d+)?)–(-?[\d,]+(?:\.\d+)?)", texts["md"])
    assert len(found) >= 3
    for low, high in found:
        assert float(low.replace(",", "")) <= float(high.replace(",", "")), (low, high)


def test_a_label_that_names_its_month_is_not_followed_by_the_month_again(texts):
    assert "April 2018 from April 2018" not in texts["md"]
