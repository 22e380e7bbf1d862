"""The FMS demand chapter: forcast.fms.build_chapter (structure, one source of truth for numbers, outputs, escaping)."""

from __future__ import annotations

import base64
import re

import matplotlib

matplotlib.use("Agg")

import docx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast import datasets  # noqa: E402
from forcast.errors import ParameterError  # noqa: E402
from forcast.models.events import LevelShift  # noqa: E402
from forcast.fms import REPORTED_FIGURES, Chapter, Paragraph, build_chapter  # noqa: E402
from forcast.fms.document import Table  # noqa: E402
from forcast.fms.phrasing import projection_phrase  # noqa: E402
from forcast.data.series import make_series  # noqa: E402

from .conftest import seasonal_series  # noqa: E402

BASELINES = ("seasonal_naive", "drift")
TITLES = [
    "Summary",
    "Current demand and trend",
    "Projected demand, next four years",
    "Comparison with similar forces and England and Wales",
    "How good have past forecasts been",
    "Method, assumptions and risks",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EVIL = "<script>alert(1)</script>"
NUMBER = re.compile(r"\d{4}/\d{2}|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
FLAGS = {"significantly higher", "significantly lower", "not significantly different"}


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def synthetic() -> Chapter:
    """A synthetic series to December 2018, projected four years on, to 2022/23."""
    return build_chapter("Testshire", measures={"Recorded crime": seasonal_series()}, until="2022/23",
                         models=BASELINES, n_paths=400, seed=1)


@pytest.fixture(scope="module")
def lancashire_fast() -> Chapter:
    """Lancashire's embedded recorded crime (published quarters to March 2023) with the fast baselines and the
    default until (2026/27): comparison, known breaks and check."""
    return build_chapter("Lancashire", models=BASELINES, n_paths=300, seed=1)


@pytest.fixture(scope="module")
def lancashire_2018() -> Chapter:
    """What could be written in 2018/19: the derived series to December 2018 with the April 2018 recording change
    declared, projected to 2022/23 (no backtest, to stay fast)."""
    return build_chapter("Lancashire", measures={"Recorded crime": datasets.recorded_crime_derived("Lancashire")},
                         until="2022/23", events=[LevelShift("2018-04", "recording change (crime data integrity)")],
                         models=BASELINES, n_paths=300, seed=1, backtest=False)


@pytest.fixture(scope="module")
def lancashire_written(lancashire_fast, tmp_path_factory):
    out = tmp_path_factory.mktemp("fms")
    return out, lancashire_fast.write(out)


def section(chapter: Chapter, key: str):
    return next(s for s in chapter.sections if s.key == key)


def paragraphs(sec) -> list[str]:
    return [b.text for b in sec.blocks if isinstance(b, Paragraph)]


def table_numbers(chapter: Chapter) -> set[str]:
    """Every number shown in any table of the chapter (cells and column headers), as displayed."""
    found: set[str] = set()
    for table in chapter.tables():
        shown = table.formatted()
        for text in [*map(str, shown.columns), *shown.to_numpy().ravel().tolist()]:
            found.update(NUMBER.findall(str(text)))
    return found


# ---------------------------------------------------------------------------------------------- structure
def test_sections_come_in_order(synthetic, lancashire_fast):
    assert [s.title for s in synthetic.sections] == TITLES
    assert [s.title for s in lancashire_fast.sections] == TITLES
    assert lancashire_fast.metadata["Data to"] == "31 March 2023"
    assert lancashire_fast.metadata["Projected to"] == "2026/27"


@pytest.mark.parametrize("fixture", ["synthetic", "lancashire_fast"])
def test_every_number_in_the_summary_is_in_a_table(fixture, request):
    chapter = request.getfixturevalue(fixture)
    summary = " ".join(paragraphs(section(chapter, "summary")))
    numbers = NUMBER.findall(summary)
    assert len(numbers) >= 6  # mean, both bounds, the two years, the percentage (and more)
    missing = [n for n in numbers if n not in table_numbers(chapter)]
    assert missing == [], f"numbers in the summary but in no table: {missing}\n{summary}"


def test_summary_sentence_reads_its_numbers_from_the_projection_and_trend_tables(lancashire_fast):
    summary = paragraphs(section(lancashire_fast, "summary"))[0]
    # data to March 2023: the projection runs to 2026/27 and is set against 2022/23, the last complete year
    match = re.search(r"we expect about ([\d,]+) recorded crimes in 2026/27 \(95% interval ([\d,]+)–([\d,]+)\), "
                      r"([\d.]+)% (above|below) 2022/23\.", summary)
    assert match, summary
    mean, low, high, pct, direction = match.groups()
    tables = lancashire_fast.tables_by_key()
    projection = tables["recorded_crime_projection"]
    rows = projection.formatted()
    main = rows[(rows["Financial year"] == "2026/27")].iloc[0]  # the main model is listed first
    assert (main["Projected (mean)"], main["95% low"], main["95% high"]) == (mean, low, high)
    trend = tables["recorded_crime_trend"].frame
    assert trend["Financial year"].tolist() == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    # the published totals (shared/data/ho_open_data: the sums of Lancashire's quarters)
    assert trend["Recorded crime"].tolist() == [166_292, 142_253, 118_910, 137_188, 131_321]
    expected = 100 * (projection.frame.loc[main.name, "Projected (mean)"] / trend["Recorded crime"].iloc[-1] - 1)
    assert float(pct) == pytest.approx(abs(expected), abs=0.051)
    assert direction == ("above" if expected > 0 else "below")


def test_summary_discloses_that_the_comparison_spans_the_recording_change(lancashire_2018, lancashire_fast):
    # 2017/18 against 2022/23 spans the April 2018 recording change
    summary = paragraphs(section(lancashire_2018, "summary"))[0]
    assert re.search(r"recorded crimes in 2022/23 .* (above|below) 2017/18", summary), summary
    assert "spans the recording change (crime data integrity) from April 2018" in summary
    assert "not a like-for-like change" in summary
    projection = " ".join(paragraphs(section(lancashire_2018, "projection")))
    assert "it spans the recording change (crime data integrity) from April 2018" in projection
    # 2022/23 against 2026/27 spans neither known recording change: nothing to disclose
    for key in ("summary", "projection"):
        text = " ".join(paragraphs(section(lancashire_fast, key)))
        assert "spans the" not in text and "not a like-for-like change" not in text


# ---------------------------------------------------------------------------------------------- outputs
def test_write_produces_every_format_table_and_figure(lancashire_written, lancashire_fast):
    out, written = lancashire_written
    for fmt in ("md", "html", "docx"):
        assert written[fmt] == out / f"chapter.{fmt}" and written[fmt].stat().st_size > 0
    for key in lancashire_fast.tables_by_key():
        assert (out / "tables" / f"{key}.csv").exists()
    for figure in lancashire_fast.figures():
        assert (out / "figures" / figure.filename).read_bytes().startswith(PNG_MAGIC)


def test_docx_opens_and_holds_the_projection_table(lancashire_written, lancashire_fast):
    out, _ = lancashire_written
    document = docx.Document(str(out / "chapter.docx"))
    expected = lancashire_fast.tables_by_key()["recorded_crime_projection"].formatted()
    found = [t for t in document.tables if [c.text for c in t.rows[0].cells] == list(expected.columns)]
    assert len(found) == 1
    grid = [[c.text for c in row.cells] for row in found[0].rows]
    assert grid[1:] == expected.to_numpy().tolist()
    assert any(row[0] == "2026/27" for row in grid[1:])
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == TITLES


def test_html_embeds_the_fan_chart_and_the_comparison_chart_as_data_uris(lancashire_written):
    out, _ = lancashire_written
    page = (out / "chapter.html").read_text(encoding="utf-8")
    images = dict(re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"', page))
    alts = {alt: data for data, alt in images.items()}
    fan = [a for a in alts if "history and projection to 2026/27" in a]
    comparison = [a for a in alts if "Recorded crime per 1,000 people: Lancashire" in a]
    assert len(fan) == 1 and len(comparison) == 1
    for alt in fan + comparison:
        assert base64.b64decode(alts[alt]).startswith(PNG_MAGIC)
    assert 'src="figures/' not in page and "http" not in page.split("<body>")[1]


def test_names_with_markup_are_never_live_in_html_or_markdown(tmp_path):
    chapter = build_chapter(f"Force {EVIL}", measures={f"{EVIL} calls": seasonal_series(measure="calls_999")},
                            models=BASELINES, n_paths=200, backtest=False, title=f"Demand {EVIL}")
    written = chapter.write(tmp_path)
    page = written["html"].read_text(encoding="utf-8")
    markdown = written["md"].read_text(encoding="utf-8")
    for text in (page, markdown):
        assert "<script" not in text.lower()
        assert "&lt;script&gt;" in text
    assert docx.Document(str(written["docx"])).paragraphs[0].text == f"Demand {EVIL}"  # plain text in Word


# ---------------------------------------------------------------------------------------------- content
def test_lancashire_comparison_lists_the_force_and_its_seven_similar_forces(lancashire_fast):
    table = lancashire_fast.tables_by_key()["comparison"]
    shown = table.formatted().set_index("Area")
    group = datasets.most_similar_group("Lancashire")
    assert len(group) == 7
    for area in ["Lancashire", *group]:
        assert re.fullmatch(r"\d+\.\d", shown.at[area, "Crimes per 1,000"])
        assert shown.at[area, "Flag"] in FLAGS
    assert shown.at["Lancashire", "Kind"] == "Force"
    text = " ".join(paragraphs(section(lancashire_fast, "comparison")))
    assert f"{shown.at['Lancashire', 'Crimes per 1,000']} crimes per 1,000 people" in text
    assert any(isinstance(b, type(lancashire_fast.figures()[0])) and b.filename == "comparison.png"
               for b in section(lancashire_fast, "comparison").blocks)


def test_other_measures_are_not_compared(synthetic):
    (text,) = paragraphs(section(synthetic, "comparison"))
    assert "not compared with other forces" in text
    assert synthetic.tables_by_key().get("comparison") is None


def test_known_recording_break_is_declared_for_embedded_data_and_disclosed(lancashire_fast):
    carried = datasets.recorded_crime("Lancashire").attrs["known_events"]
    assert [e.key for e in carried] == ["lancashire_cdi_2018", "lancashire_system_2018", "covid_19"]
    events = lancashire_fast.tables_by_key()["events"].frame
    assert events[["Event", "Kind", "From", "To"]].values.tolist() == [
        ["recording change (crime data integrity), April 2018", "level shift", "April 2018", "–"],
        ["new recording system (November 2018)", "level shift", "January 2019", "–"],
        ["COVID-19 lockdowns (from 23 March 2020)", "excluded period", "April 2020", "March 2021"],  # 2020Q2-2021Q1
    ]
    assert events["Event"].tolist() == [e.label for e in carried]  # the labels are the data's
    assert set(events["Why declared"]) == {"known break in the published series (declared by default)"}
    method = " ".join(paragraphs(section(lancashire_fast, "method")))
    assert ("For the published recorded crime of Lancashire, the breaks known from the published sources are "
            "declared: level shifts for the recording change (crime data integrity), April 2018 and the "
            "new recording system (November 2018) from January 2019, where the published series jumps because "
            "recording changed, not only demand; and the COVID-19 lockdowns (from 23 March 2020), April 2020 to "
            "March 2021, treated as missing rather than as demand.") in method


def test_projection_is_set_beside_the_seasonal_naive_with_the_benchmark_horizon_by_horizon():
    from forcast.forecasting.intervals import default_method

    evaluation = default_method().evaluation
    chapter = build_chapter("Lancashire", n_paths=300, backtest=False)
    assert "Seasonal naive" in set(chapter.tables_by_key()["recorded_crime_projection"].frame["Model"])
    text = " ".join(paragraphs(section(chapter, "projection")))
    assert "The seasonal naive forecast (each period as the same period a year before) is shown beside it." in text
    assert f"missed financial-year totals by {evaluation['mape']['1']:.1f}%" in text
    worse = [h for h in sorted(evaluation["mape"]) if evaluation["mape"][h] > evaluation["naive_mape"][h]]
    if worse:
        assert f"At {', '.join(worse[:-1])}{' and ' if len(worse) > 1 else ''}{worse[-1]} year" in text


def test_one_known_break_can_be_switched_off():
    chapter = build_chapter("Lancashire", models=BASELINES, n_paths=200, backtest=False,
                            known_events=["lancashire_cdi_2018", "lancashire_system_2018"])
    events = chapter.tables_by_key()["events"].frame
    assert events["Event"].tolist() == ["recording change (crime data integrity), April 2018",
                                        "new recording system (November 2018)"]


def test_events_override_the_known_break_and_user_series_get_none():
    none = build_chapter("Lancashire", events=[], models=BASELINES, n_paths=200, backtest=False)
    assert "events" not in none.tables_by_key()
    own = datasets.recorded_crime("Lancashire").copy()
    own.attrs["source"] = "the force's own extract"  # not the embedded series: no default break
    mine = build_chapter("Lancashire", measures=[own], models=BASELINES, n_paths=200, backtest=False)
    assert "events" not in mine.tables_by_key()
    given = build_chapter("Lancashire", measures=[own], events=[LevelShift("2018-04", "new system")],
                          models=BASELINES, n_paths=200, backtest=False)
    assert given.tables_by_key()["events"].frame["Why declared"].tolist() == ["declared by the analyst"]
    calls = datasets.calls("nhs_england_999_monthly")
    per_measure = build_chapter(None, measures={"Recorded crime": own, "999 calls": calls},
                                events={"999 calls": [LevelShift("2020-04", "covid")]}, models=BASELINES,
                                n_paths=200, backtest=False)
    events = per_measure.tables_by_key()["events"].frame
    assert events[["Measure", "Event"]].values.tolist() == [["999 calls (stand-in)", "covid"]]
    assert per_measure.title == "Force Management Statement: demand"


def test_reported_forecast_is_checked_against_the_force_figures(lancashire_fast):
    figures = REPORTED_FIGURES["Lancashire"][0]
    assert (figures.financial_year, figures.forecast, figures.actual) == ("2018/19", 168_705, 167_436)
    check = lancashire_fast.tables_by_key()["recorded_crime_check"].formatted()
    reported = check[check["Forecast"] == "Reported by the force"].iloc[0]
    assert (reported["Predicted"], reported["Actual"], reported["Error"]) == ("168,705", "167,436", "-1,269")
    cells = check.to_numpy().ravel().tolist()
    assert not [c for c in cells if c in ("<NA>", "NaN", "nan", "None", "")]  # blanks show as a dash
    assert reported["Model"] == reported["Made at"] == reported["Inside 95%"] == "–"
    text = " ".join(paragraphs(section(lancashire_fast, "accuracy")))
    assert "Lancashire reported a forecast of 168,705 recorded crimes for 2018/19" in text
    assert "gives 166,292" in text  # the published series' own 2018/19 total, set beside the force's figure


def test_backtest_tables_and_coverage_sentence(synthetic):
    tables = synthetic.tables_by_key()
    next_year = tables["recorded_crime_backtest_next_year"].frame
    assert next_year["Forecast made at"].iloc[0] == "31 Mar 2009" and len(next_year) == 9
    coverage = tables["recorded_crime_backtest_coverage"].frame
    first = coverage.iloc[0]
    text = " ".join(paragraphs(section(synthetic, "accuracy")))
    assert (f"One year ahead, the 95% interval of the seasonal naive model held the actual in "
            f"{first['Inside 95% interval']} of {first['Forecasts']} past forecasts") in text


def test_without_backtest_the_section_says_so():
    chapter = build_chapter("Testshire", measures=[seasonal_series()], models=BASELINES, n_paths=200,
                            backtest=False)
    assert paragraphs(section(chapter, "accuracy")) == [
        "Past forecasts were not tested for this chapter (the backtest was switched off)."]
    # no until: data to December 2018, so the fourth financial year after 2017/18 (the last complete one), three
    # years on from 2018/19
    assert chapter.metadata["Projected to"] == "2021/22"
    assert section(chapter, "projection").title == "Projected demand, next three years"


@pytest.fixture(scope="module")
def calibration():
    from forcast.evaluation.backtesting import backtest
    from forcast.evaluation.calibration import Calibration

    bt = backtest(seasonal_series(seed=5), models=BASELINES, n_paths=200, seed=2)
    return Calibration.from_backtest(bt, min_points=1)


def test_default_calibration_is_used_and_disclosed(monkeypatch, calibration):
    import forcast.forecasting.intervals

    monkeypatch.setattr(forcast.forecasting.intervals, "default_method", lambda: calibration)
    chapter = build_chapter("Testshire", measures=[seasonal_series()], models=BASELINES, n_paths=300, seed=1)
    assert chapter.tables_by_key()["settings"].frame["Intervals"].tolist() == ["calibrated"]
    assert calibration.note in paragraphs(section(chapter, "method"))
    # learned on Testshire's own backtests: testing the calibrated intervals on its past years is not independent,
    # so no calibrated column, and the section says why
    coverage = chapter.tables_by_key()["recorded_crime_backtest_coverage"].frame
    assert not [c for c in coverage.columns if "calibrated" in c]
    assert "would not be an independent test" in " ".join(paragraphs(section(chapter, "accuracy")))
    elsewhere = build_chapter("Otherland", measures=[seasonal_series(force="Otherland")], models=BASELINES,
                              n_paths=300, seed=1)
    coverage = elsewhere.tables_by_key()["recorded_crime_backtest_coverage"].frame
    assert "Share inside 95%, calibrated" in coverage.columns  # learned on Testshire: an independent test here
    assert "With the intervals set as in this chapter" in " ".join(paragraphs(section(elsewhere, "accuracy")))
    plain = build_chapter("Testshire", measures=[seasonal_series()], models=BASELINES, n_paths=300, seed=1,
                          calibration=None, backtest=False)
    width = {name: ch.tables_by_key()["headline"].frame.eval("`95% high` - `95% low`").iloc[0]
             for name, ch in (("calibrated", chapter), ("plain", plain))}
    assert width["calibrated"] >= width["plain"]
    assert "Intervals are model-based" in " ".join(paragraphs(section(plain, "method")))


def test_stand_in_series_say_so_wherever_they_are_shown():
    calls = datasets.calls("nhs_england_999_monthly")
    chapter = build_chapter("Lancashire", measures=[calls], models=BASELINES, n_paths=200, backtest=False)
    assert [r for r in chapter.tables_by_key()["headline"].frame["Measure"]] == ["999 calls (stand-in)"]
    for key in ("summary", "current", "projection"):
        assert "stand-in data, not UK police figures" in " ".join(paragraphs(section(chapter, key)))
    assert all("stand-in" in t.caption for t in chapter.tables() if t.key.startswith("999"))


def test_progress_is_reported_before_each_step_and_at_the_end():
    calls = []
    build_chapter("Testshire", measures=[seasonal_series()], models=BASELINES, n_paths=200, backtest=False,
                  progress=lambda done, total, what: calls.append((done, total, what)))
    assert [c[0] for c in calls] == list(range(len(calls)))
    assert calls[-1] == (calls[-1][1], calls[-1][1], "done")
    assert calls[0][2] == "Recorded crime: trend"


@pytest.mark.parametrize("kwargs, message", [
    ({"measures": []}, "at least one demand series"),
    ({"measures": {"calls": [1, 2, 3]}}, "Each measure must be a demand series"),
    ({"force": "Testshire"}, "No embedded recorded crime for 'Testshire'"),
    ({"calibration": "mine"}, "`calibration` must be 'default', None or a Calibration"),
    ({"n_paths": 10}, "`n_paths` must be an integer of at least 100"),
    ({"events": {"Recorded crimes": []}}, "`events` names 1 measure(s) the chapter does not have: ['Recorded crimes']"),
])
def test_bad_arguments_are_refused_before_any_work(kwargs, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        build_chapter(**{"force": "Lancashire", "models": BASELINES, "backtest": False, **kwargs})


# ---------------------------------------------------------------------------------------------- phrasing
def _fy(values, first=2019):
    years = [f"{y - 1}/{y % 100:02d}" for y in range(first, first + len(values))]
    return pd.DataFrame({"financial_year": years, "mean": values})


def _series(measure):
    return make_series([1, 2, 3, 4], pd.period_range("2017Q1", periods=4, freq="Q"), name="x", measure=measure)


@pytest.mark.parametrize("values, last_actual, measure, expected", [
    ([100, 104, 100.9, 97.9, 95.0], None, "recorded_crime",
     "Projected recorded crime rises about 4% in 2019/20, then falls about 3% a year to 2022/23."),
    ([100, 104, 100.9, 97.9, 95.0], None, "calls_999",
     "Projected 999 calls rise about 4% in 2019/20, then fall about 3% a year to 2022/23."),
    ([97, 94.09, 91.27, 88.53], 100, "recorded_crime",
     "Projected recorded crime falls about 3% a year to 2021/22."),
    ([100, 100.2, 99.9], None, "calls_101", "Projected 101 calls stay about level to 2020/21."),
])
def test_projection_phrase_on_hand_made_numbers(values, last_actual, measure, expected):
    assert projection_phrase(_fy(values), _series(measure), last_actual) == expected


def test_projection_paragraph_uses_the_phrase_of_its_own_table(synthetic):
    frame = synthetic.tables_by_key()["recorded_crime_projection"].frame
    main = frame[frame["Model"] == frame["Model"].iloc[0]]
    fy = pd.DataFrame({"financial_year": main["Financial year"], "mean": main["Projected (mean)"]})
    base = synthetic.tables_by_key()["recorded_crime_trend"].frame["Recorded crime"].iloc[-1]
    assert projection_phrase(fy, seasonal_series(), base) in paragraphs(section(synthetic, "projection"))[0]


# ---------------------------------------------------------------------------------------------- end to end
@pytest.mark.slow
def test_lancashire_chapter_end_to_end(tmp_path):
    chapter = build_chapter("Lancashire")
    written = chapter.write(tmp_path)
    assert [s.title for s in chapter.sections] == TITLES
    summary = " ".join(paragraphs(section(chapter, "summary")))
    assert all(n in table_numbers(chapter) for n in NUMBER.findall(summary)), summary
    models = chapter.tables_by_key()["recorded_crime_models"].frame["Model"].tolist()
    assert models[:3] == ["Combination", "Exponential smoothing (ETS)", "ARIMA"]
    effects = chapter.tables_by_key()["recorded_crime_level_shifts"].frame
    assert set(effects["Model"]) == {"Exponential smoothing (ETS)", "ARIMA"}
    # recording rose by about 9,400 a quarter from April 2018 (33,838 to 43,284) and fell back with the new system
    # from January 2019 (41,444 to 36,937): up, then down, in both models
    size = effects.set_index(["Model", "From"])["Effect per quarter"]
    for model in ("Exponential smoothing (ETS)", "ARIMA"):
        assert 0 < size[(model, "April 2018")] < 15_000 and size[(model, "January 2019")] < 0
    assert "recorded_crime_check" in chapter.tables_by_key()
    assert docx.Document(str(written["docx"])).tables


def test_workload_section_for_a_call_measure():
    from forcast import datasets

    calls = datasets.calls("nhs_england_999_monthly")
    chapter = build_chapter(force=None, measures={"999 calls": calls}, backtest=False, n_paths=300,
                            models=("seasonal_naive", "drift"), calibration=None,
                            workload={"999 calls": {"handling_seconds_per_call": 240,
                                                    "productive_hours_per_fte": 1500}})
    section = next(s for s in chapter.sections if s.key == "workload")
    tables = [b for b in section.blocks if isinstance(b, Table)]
    wide, assumptions = tables
    row = wide.frame.iloc[-1]
    # FTE = calls x handling time / productive hours, path by path; with an exact handling time the mean follows
    assert row["Staff (FTE)"] == pytest.approx(row["Calls"] * 240 / 3600 / 1500, rel=1e-9)
    assert set(assumptions.frame["Status"]) >= {"assumption"}
    text = section.blocks[0].text
    assert f"{row['Staff (FTE)']:,.1f}" in text and "stand-in" in chapter.to_markdown().lower()


def test_workload_names_must_be_measures():
    from forcast import datasets
    from forcast.errors import ParameterError

    with pytest.raises(ParameterError, match=r"`workload` names a measure the chapter does not have: '101 calls'"):
        build_chapter(force=None, measures={"999 calls": datasets.calls("nhs_england_999_monthly")},
                      backtest=False, workload={"101 calls": {"handling_seconds_per_call": 1,
                                                              "productive_hours_per_fte": 1}})
