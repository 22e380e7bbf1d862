"""``forcast fms``: the command line for the FMS demand chapter."""

from __future__ import annotations

import re
import sys

import matplotlib

matplotlib.use("Agg")

import docx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from forcast import datasets  # noqa: E402
from forcast.cli import build_parser, main  # noqa: E402

FAST = ["--models", "seasonal_naive,drift", "--n-paths", "200", "--no-backtest", "--no-progress"]


@pytest.fixture(scope="module")
def calls_csv(tmp_path_factory):
    """A user's monthly call file: two columns, dates and counts."""
    series = datasets.calls("nhs_england_999_monthly")
    path = tmp_path_factory.mktemp("data") / "calls999.csv"
    frame = series.rename("calls").to_frame()
    frame.index = frame.index.to_timestamp()
    frame.index.name = "month"
    frame.to_csv(path)
    return path


def assert_comparison_is_for_2022_23(out):
    """The comparison table of the chapter in ``out`` is for 2022/23: its caption says so, and each force's crimes
    and population are its 2022/23 quarters summed and its ONS mid-2022 population (computed here, apart from
    forcast.comparison)."""
    assert re.search(r"\*\*Table \d+:\*\* Recorded crime \(excluding fraud\) per 1,000 residents \(ONS mid-2022\), "
                     r"2022/23: Lancashire", (out / "chapter.md").read_text(encoding="utf-8"))
    table = pd.read_csv(out / "tables" / "comparison.csv").set_index("Area")
    forces = ["Lancashire", *datasets.most_similar_group("Lancashire")]
    for force in forces:
        crimes = int(datasets.recorded_crime(force).loc["2022Q2":"2023Q1"].sum())  # April 2022 - March 2023
        assert table.at[force, "Crimes"] == crimes, force
        assert table.at[force, "Population"] == datasets.population(force, 2022), force
        assert table.at[force, "Crimes per 1,000"] == pytest.approx(1000 * crimes / datasets.population(force, 2022))
    assert table.at["Lancashire", "Crimes"] == 131_321  # shared/data/ho_open_data: Lancashire 2022/23


def test_fms_is_a_subcommand_with_help():
    parser = build_parser()
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["fms", "--help"])
    assert exit_info.value.code == 0


def test_fms_help_documents_the_measure_option(capsys):
    with pytest.raises(SystemExit):
        main(["fms", "--help"])
    text = capsys.readouterr().out
    assert "--measure" in text and "NAME FILE [DATE_COLUMN VALUE_COLUMN]" in text
    assert "--no-backtest" in text and "--seed" in text and "--until" in text


def test_fms_writes_the_chapter_and_prints_where_and_the_summary(tmp_path, calls_csv, capsys):
    out = tmp_path / "fms"
    code = main(["fms", "--force", "Lancashire", "--out", str(out), *FAST,
                 "--measure", "999 calls", str(calls_csv), "month", "calls"])
    printed = capsys.readouterr().out
    assert code == 0
    assert f"to {out}" in printed and "chapter.md, chapter.html, chapter.docx" in printed
    # no --until: the recorded crime ends in March 2023, so both measures are projected to 2026/27
    assert re.search(r"Recorded crime: if the factors behind demand stay broadly the same, we expect about "
                     r"[\d,]+ recorded crimes in 2026/27 \(95% interval [\d,]+–[\d,]+\), [\d.]+% (above|below) "
                     r"2022/23", printed)
    assert re.search(r"999 calls: if the factors .* we expect about [\d,]+ 999 calls in 2026/27", printed)
    headline = pd.read_csv(out / "tables" / "headline.csv")
    assert headline["Projected year"].tolist() == ["2026/27", "2026/27"]
    assert headline["Last complete year"].tolist() == ["2022/23", "2019/20"]  # the 999 calls end in January 2021
    assert_comparison_is_for_2022_23(out)
    for name in ("chapter.md", "chapter.html", "chapter.docx", "tables/headline.csv",
                 "tables/999_calls_projection.csv", "figures/comparison.png", "figures/999_calls_fan_chart.png"):
        assert (out / name).exists(), name
    headings = [p.text for p in docx.Document(str(out / "chapter.docx")).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Summary" and len(headings) == 6


def test_fms_measure_without_columns_and_without_recorded_crime(tmp_path, calls_csv, capsys):
    code = main(["fms", "--force", "My Force", "--no-recorded-crime", "--out", str(tmp_path), *FAST,
                 "--formats", "md", "--measure", "999 calls", str(calls_csv)])
    assert code == 0
    assert (tmp_path / "chapter.md").exists() and not (tmp_path / "chapter.html").exists()
    assert "999 calls" in (tmp_path / "chapter.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, message", [
    (["--measure", "999 calls"], "--measure takes NAME FILE, or NAME FILE DATE_COLUMN VALUE_COLUMN"),
    (["--no-recorded-crime"], "Nothing to write about"),
    (["--formats", "pdf"], "--formats must list one or more of md, html, docx"),
])
def test_fms_bad_options_exit_2_with_a_message(tmp_path, argv, message, capsys):
    code = main(["fms", "--force", "Lancashire", "--out", str(tmp_path), *FAST, *argv])
    assert code == 2
    assert message in capsys.readouterr().err


def test_fms_marking_and_template(tmp_path, calls_csv, capsys):
    template = tmp_path / "force.dotx"
    force = docx.Document()
    force.styles["Normal"].font.name = "Georgia"
    force.save(str(tmp_path / "force.docx"))
    import zipfile

    with zipfile.ZipFile(tmp_path / "force.docx") as source, zipfile.ZipFile(template, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(item, data)
    out = tmp_path / "fms"
    code = main(["fms", "--force", "My Force", "--no-recorded-crime", "--out", str(out), *FAST,
                 "--measure", "999 calls", str(calls_csv), "--marking", "OFFICIAL-SENSITIVE", "--template",
                 str(template)])
    assert code == 0, capsys.readouterr().err
    doc = docx.Document(str(out / "chapter.docx"))
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert doc.styles["Normal"].font.name == "Georgia"
    assert (out / "chapter.md").read_text(encoding="utf-8").startswith("**OFFICIAL-SENSITIVE**")
    # refused before any work: a template that is not there, or one without the Word document
    for argv, message in ((["--template", str(tmp_path / "missing.dotx")], "does not exist"),
                          (["--template", str(template), "--formats", "md"], "--template shapes the Word document")):
        code = main(["fms", "--force", "Lancashire", "--out", str(tmp_path / "no"), *FAST, *argv])
        assert code == 2 and message in capsys.readouterr().err


def test_fms_unknown_force_suggests_no_recorded_crime(tmp_path, capsys):
    code = main(["fms", "--force", "Lancashir", "--out", str(tmp_path), *FAST])
    assert code == 2
    err = capsys.readouterr().err
    assert "Did you mean 'Lancashire'" in err and "--no-recorded-crime" in err


def test_fms_no_known_events_declares_none(tmp_path):
    assert main(["fms", "--force", "Lancashire", "--out", str(tmp_path), *FAST, "--formats", "md",
                 "--no-known-events"]) == 0
    text = (tmp_path / "chapter.md").read_text(encoding="utf-8")
    assert "No events were declared" in text and "COVID-19" not in text
    assert not (tmp_path / "tables" / "events.csv").exists()


@pytest.mark.slow
def test_fms_lancashire_full_run(tmp_path, capsys, monkeypatch):
    """Acceptance: `forcast fms --force Lancashire --out DIR`, no --until, projects to 2026/27 (the fourth financial
    year after 2022/23, the last complete one) and compares the forces on 2022/23."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # as on a terminal, where the progress bar shows
    code = main(["fms", "--force", "Lancashire", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0
    assert re.search(r"we expect about [\d,]+ recorded crimes in 2026/27 .*(above|below) 2022/23", captured.out)
    projection = pd.read_csv(tmp_path / "tables" / "recorded_crime_projection.csv")
    assert projection["Financial year"].drop_duplicates().tolist() == ["2023/24", "2024/25", "2025/26", "2026/27"]
    assert pd.read_csv(tmp_path / "tables" / "headline.csv")["Projected year"].tolist() == ["2026/27"]
    assert_comparison_is_for_2022_23(tmp_path)
    events = pd.read_csv(tmp_path / "tables" / "events.csv")
    assert events["Event"].tolist() == datasets.known_events("Lancashire")["label"].tolist()  # all three, by default
    assert "FMS chapter" in captured.err  # the progress bar
    assert (tmp_path / "tables" / "recorded_crime_check.csv").exists()
    assert (tmp_path / "figures" / "recorded_crime_backtest.png").exists()


def test_fms_takes_calibration_as_forecast_and_check_do_and_still_reads_the_old_spelling(tmp_path, calls_csv,
                                                                                          capsys):
    base = ["fms", "--force", "My Force", "--no-recorded-crime", *FAST, "--formats", "md",
            "--measure", "999 calls", str(calls_csv)]
    assert main([*base, "--calibration", "none", "--out", str(tmp_path / "new")]) == 0
    assert "deprecated" not in capsys.readouterr().err
    assert main([*base, "--no-calibration", "--out", str(tmp_path / "old")]) == 0
    assert ("forcast fms: note: --no-calibration is deprecated; write --calibration none (as forecast and check do)."
            in capsys.readouterr().err)
    assert (tmp_path / "new" / "chapter.md").read_text(encoding="utf-8") == \
        (tmp_path / "old" / "chapter.md").read_text(encoding="utf-8")
    missing = tmp_path / "no.json"
    for argv, message in ((["--calibration", str(missing)], "No calibration file"),
                          (["--no-calibration", "--calibration", str(missing)],
                           f"--no-calibration and --calibration {str(missing)!r} contradict each other")):
        assert main([*base, *argv, "--out", str(tmp_path / "bad")]) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()  # refused before any work


def test_one_spelling_per_option_across_commands():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    shown = {name: {s for a in sub._actions if a.help != "==SUPPRESS==" for s in a.option_strings}
             for name, sub in commands.items()}
    assert all("--no-calibration" not in options for options in shown.values())  # the old spelling is hidden
    assert all("--calibration" in shown[name] for name in ("forecast", "check", "fms"))
    assert all("--no-progress" in shown[name] for name in ("forecast", "backtest", "check", "fms"))  # every bar
