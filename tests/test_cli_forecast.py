"""The `forcast` command line: datasets, forecast, --help/--version, and errors as exit code 2."""

import sys

import pandas as pd
import pytest

import forcast
from forcast import datasets
from forcast.cli import build_parser, main


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"forcast {forcast.__version__}"
    assert main([]) == 0
    out = capsys.readouterr().out
    for sub in ("datasets", "forecast", "backtest", "check", "fms"):
        assert sub in out


def test_datasets_lists_the_43_published_forces_the_derived_series_and_the_known_breaks(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "Recorded crime: 43 forces (published quarters)" in out and "Lancashire" in out
    assert "recorded_crime_derived" in out and "British Transport Police" in out  # the derived 44 stay listed
    for key in ("lancashire_cdi_2018", "lancashire_system_2018", "covid_19", "devon_cornwall_niche_2022"):
        assert key in out


#: The known events Lancashire's published series carries (src/forcast/_data/known_events.csv), as the
#: forecast notes write them.
LANCASHIRE_KNOWN = {
    "lancashire_cdi_2018": "Declared event: shift:2018Q2:recording change (crime data integrity), April 2018",
    "lancashire_system_2018": "Declared event: shift:2019Q1:new recording system (November 2018)",
    "covid_19": "Declared event: exclude:2020Q2:2021Q1:COVID-19 lockdowns (from 23 March 2020)",
}
#: The published 2022/23 total for Lancashire (shared/data/ho_open_data: the sum of its four quarters).
LANCASHIRE_2022_23 = 131_321


def run_forecast(out, *extra, models="naive"):
    """``forcast forecast`` for Lancashire's embedded series (fast: one baseline, 200 paths); its notes."""
    assert main(["forecast", "--force", "Lancashire", "--models", models, "--n-paths", "200",
                 "--calibration", "none", *extra, "--out", str(out)]) == 0
    return (out / "forecast_notes.txt").read_text()


def known_sentence(notes: str) -> str:
    """The notes' one sentence listing the known breaks declared ('' when there is none)."""
    return next((line for line in notes.splitlines() if line.startswith("Known breaks declared")), "")


def test_forecast_embedded_writes_tables_chart_and_notes(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["forecast", "--force", "Lancashire", "--models", "seasonal_naive", "--n-paths", "300",
                 "--calibration", "none", "--out", str(out)])
    assert code == 0
    fy = pd.read_csv(out / "forecast_financial_years.csv")
    assert list(fy.columns) == ["financial_year", "model", "observed_part", "mean", "lower_80", "upper_80",
                                "lower_95", "upper_95"]
    # no --until: the data end in March 2023, so the fourth financial year after 2022/23 is the last one
    assert fy["financial_year"].tolist() == ["2023/24", "2024/25", "2025/26", "2026/27"]
    assert fy["observed_part"].tolist() == [0, 0, 0, 0]
    # the seasonal naive baseline repeats the last year's quarters: its first year is about the 2022/23 total
    assert fy["mean"].iloc[0] == pytest.approx(LANCASHIRE_2022_23, rel=0.02)
    assert (out / "fan_chart.png").stat().st_size > 10_000
    notes = (out / "forecast_notes.txt").read_text()
    assert "Intervals are model-based" in notes and "no calibration was asked for" in notes
    # the known breaks are declared by default, and listed by key in the notes and in the printed summary
    for key, declared in LANCASHIRE_KNOWN.items():
        assert f"key '{key}'" in known_sentence(notes)
        assert declared in notes
    printed = capsys.readouterr().out
    assert "2026/27" in printed and "Known breaks declared from the embedded data" in printed
    assert all(f"key '{key}'" in printed for key in LANCASHIRE_KNOWN)


def test_known_events_can_be_switched_off(tmp_path):
    notes = run_forecast(tmp_path / "out", "--no-known-events")
    assert "Declared event" not in notes and known_sentence(notes) == ""


def test_one_known_event_can_be_switched_off_by_its_key(tmp_path):
    notes = run_forecast(tmp_path / "out", "--known-event-off", "covid_19")
    assert "covid_19" not in notes and "COVID-19" not in notes
    assert LANCASHIRE_KNOWN["lancashire_cdi_2018"] in notes and LANCASHIRE_KNOWN["lancashire_system_2018"] in notes
    assert "key 'lancashire_cdi_2018'" in known_sentence(notes)


def test_an_unknown_known_event_key_is_refused_naming_the_carried_ones(tmp_path, capsys):
    assert main(["forecast", "--force", "Lancashire", "--known-event-off", "gmp_it_2019",
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--known-event-off 'gmp_it_2019': this series carries no such known break" in err
    assert "lancashire_cdi_2018, lancashire_system_2018, covid_19" in err


def test_own_level_shift_on_the_known_date_replaces_the_known_one(tmp_path):
    notes = run_forecast(tmp_path / "out", "--level-shift", "2018-04:our own recording change")
    april_2018 = [line for line in notes.splitlines() if line.startswith(("Declared event: shift:2018-04",
                                                                           "Declared event: shift:2018Q2"))]
    assert april_2018 == ["Declared event: shift:2018-04:our own recording change (LevelShift)."]  # one, not two
    assert "lancashire_cdi_2018" not in notes  # the known one is no longer declared or listed
    assert LANCASHIRE_KNOWN["lancashire_system_2018"] in notes and LANCASHIRE_KNOWN["covid_19"] in notes


@pytest.mark.parametrize("horizon, years, periods", [
    ("4y", ["2023/24", "2024/25", "2025/26", "2026/27"], 16),  # four financial years after 2022/23
    ("8", ["2023/24", "2024/25"], 8),  # eight quarters: April 2023 - March 2025
])
def test_horizon_in_years_or_periods(tmp_path, horizon, years, periods):
    run_forecast(tmp_path, "--horizon", horizon)
    assert pd.read_csv(tmp_path / "forecast_financial_years.csv")["financial_year"].tolist() == years
    table = pd.read_csv(tmp_path / "forecast_periods.csv")
    assert len(table[table["model"] == "naive"]) == periods


def test_until_and_horizon_together_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--force", "Lancashire", "--until", "2026/27", "--horizon", "4y", "--out", str(tmp_path)])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_offence_group_forecasts_that_group(tmp_path, capsys):
    group = datasets.recorded_crime("Lancashire", "Robbery")
    robbery_2022_23 = int(group.loc["2022Q2":"2023Q1"].sum())
    assert robbery_2022_23 == 1_037  # shared/data/ho_open_data, Lancashire robbery, 2022/23
    notes = run_forecast(tmp_path, "--offence-group", "Robbery", models="seasonal_naive")
    fy = pd.read_csv(tmp_path / "forecast_financial_years.csv")
    assert fy["financial_year"].iloc[-1] == "2026/27"
    assert fy["mean"].iloc[0] == pytest.approx(robbery_2022_23, rel=0.1)  # robbery, not all recorded crime
    assert "Forecast of Lancashire recorded_crime (Robbery), quarterly, 2002Q2–2023Q1" in capsys.readouterr().out
    assert "key 'covid_19'" in known_sentence(notes)  # the force's known breaks apply to its groups too


@pytest.mark.parametrize("argv, message", [
    (["--force", "Lancashire", "--offence-group", "Robberies"], "Unknown offence group 'Robberies'. Choose one of"),
    (["--csv", "x.csv", "--offence-group", "Robbery"], "--offence-group goes with --force"),
])
def test_bad_offence_group_use_is_refused(tmp_path, argv, message, capsys):
    assert main(["forecast", *argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_user_file_never_touched_and_bad_input_exits_2(tmp_path, capsys):
    csv = tmp_path / "mine.csv"
    csv.write_text("month,crimes\n2018-01,10\n2018-02,n/a\n")
    before = csv.read_bytes()
    code = main(["forecast", "--csv", str(csv), "--date-column", "month", "--value-column", "crimes",
                 "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("forcast forecast: error:") and "'n/a'" in err
    assert csv.read_bytes() == before


def test_both_or_neither_source_is_refused(capsys):
    assert main(["forecast", "--out", "x"]) == 2
    assert "exactly one of --force NAME" in capsys.readouterr().err


def test_bad_event_text_is_quoted(tmp_path, capsys):
    assert main(["forecast", "--force", "Lancashire", "--level-shift", "2018-04", "--out", str(tmp_path)]) == 2
    assert "--level-shift must look like '2018-04:recording-change'. Got '2018-04'." in capsys.readouterr().err


def test_missing_calibration_file(tmp_path, capsys):
    assert main(["forecast", "--force", "Lancashire", "--calibration", str(tmp_path / "no.json"),
                 "--out", str(tmp_path)]) == 2
    assert "No calibration file" in capsys.readouterr().err


def test_parser_is_buildable_for_docs():
    parser = build_parser()
    assert parser.prog == "forcast"


def test_recording_breaks_are_data():
    from forcast.models.events import LevelShift

    assert forcast.datasets.recording_breaks("lancashire") == [
        LevelShift("2018-04", "recording change (crime data integrity), April 2018"),
        LevelShift("2019-01", "new recording system (November 2018)")]
    known = forcast.datasets.known_events("Lancashire")
    shifts = known[known["kind"] == "level_shift"]
    assert [LevelShift(r.start, r.label) for r in shifts.itertuples()] == forcast.datasets.recording_breaks(
        "Lancashire")
    assert forcast.datasets.recording_breaks("Kent") == []  # COVID-19 is excluded, not a level shift


@pytest.mark.slow
def test_eugene_daily_csv_with_its_missing_day(tmp_path, capsys):
    """Issue acceptance: the daily Eugene stand-in, whose source lacks 2009-06-21, forecast to 2021/22."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "shared" / "data" / "calls" / \
        "eugene_police_calls_for_service_daily.csv"
    if not src.exists():
        pytest.skip("shared/data is not beside the repository")
    args = ["forecast", "--csv", str(src), "--date-column", "period_start", "--value-column", "count",
            "--until", "2021/22", "--n-paths", "500", "--out", str(tmp_path)]
    assert main(args) == 2
    assert "2009-06-21" in capsys.readouterr().err  # the gap is reported and refused by default
    assert main([*args, "--missing", "exclude", "--level-shift", "2013-11-19:public-log-change"]) == 0
    fy = pd.read_csv(tmp_path / "forecast_financial_years.csv")
    assert fy["financial_year"].iloc[-1] == "2021/22" and (fy["lower_95"] <= fy["upper_95"]).all()
    assert (tmp_path / "fan_chart.png").exists()
    assert "2009-06-21" in (tmp_path / "forecast_notes.txt").read_text()


def test_check_uses_the_default_calibration_and_says_so(capsys):
    base = ["check", "--force", "Lancashire", "--origin", "2018-12-31", "--actual", "167436",
            "--models", "seasonal_naive", "--n-paths", "300"]
    assert main(base) == 0
    printed = capsys.readouterr().out
    assert "Intervals are set by past errors" in printed and "95% intervals held" in printed
    # the force's own 2018/19 figure is judged beside the published series' own total (shared/data/ho_open_data)
    assert "The actual used is 167,436 (given by the user" in printed and "gives 166,292" in printed
    assert main([*base, "--calibration", "none"]) == 0
    assert "Intervals are model-based" in capsys.readouterr().out


def test_forecast_shows_a_progress_bar_on_a_terminal_unless_told_not_to(tmp_path, capsys, monkeypatch):
    run_forecast(tmp_path / "log")
    assert "forecast Lancashire" not in capsys.readouterr().err  # stderr captured, as in a log: no bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    run_forecast(tmp_path / "bar")
    assert "forecast Lancashire" in capsys.readouterr().err  # the tqdm bar, on stderr
    run_forecast(tmp_path / "quiet", "--no-progress")
    assert "forecast Lancashire" not in capsys.readouterr().err


def test_forcast_warnings_print_as_one_plain_line(tmp_path, capsys):
    path = tmp_path / "short.csv"
    path.write_text("Month,Crimes\n2020-01-01,5\n2020-02-01,7\n")
    code = main(["forecast", "--csv", str(path), "--models", "ets", "--allow-short-history", "--calibration", "none",
                 "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines()[0].startswith("forcast forecast: warning: The ets model could not be fitted (The ets "
                                          "model needs at least 24 monthly periods (2 years) to fit; the series has "
                                          "2 (2020-01 to 2020-02). Use a longer history, or a simpler model such as "
                                          "'naive'.)")
    assert err.splitlines()[-1] == ("forcast forecast: error: None of the requested models could be fitted, nor the "
                                    "drift baseline: The drift model needs at least 3 monthly periods to fit; the "
                                    "series has 2 (2020-01 to 2020-02). Use a longer history, or a simpler model "
                                    "such as 'naive'.")
    assert "forecast_cmd.py" not in err  # no Python source line under the warning
