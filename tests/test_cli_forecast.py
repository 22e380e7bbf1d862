"""The `forcast` command line: datasets, forecast, --help/--version, and errors as exit code 2."""

import pandas as pd
import pytest

import forcast
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


def test_datasets_lists_44_forces(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "44 forces" in out and "Lancashire" in out


def test_forecast_embedded_writes_tables_chart_and_notes(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["forecast", "--force", "Lancashire", "--models", "seasonal_naive", "--n-paths", "300",
                 "--calibration", "none", "--out", str(out)])
    assert code == 0
    fy = pd.read_csv(out / "forecast_financial_years.csv")
    assert list(fy.columns) == ["financial_year", "model", "observed_part", "mean", "lower_80", "upper_80",
                                "lower_95", "upper_95"]
    assert fy["financial_year"].tolist() == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    assert (out / "fan_chart.png").stat().st_size > 10_000
    notes = (out / "forecast_notes.txt").read_text()
    assert "not calibrated" in notes
    assert "recording change (crime data integrity)" in notes  # the known break is declared by default
    assert "2018/19" in capsys.readouterr().out


def test_known_events_can_be_switched_off(tmp_path):
    out = tmp_path / "out"
    assert main(["forecast", "--force", "Lancashire", "--models", "naive", "--n-paths", "200",
                 "--calibration", "none", "--no-known-events", "--out", str(out)]) == 0
    assert "Declared event" not in (out / "forecast_notes.txt").read_text()


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
    assert "must be 'default', 'none' or a calibration JSON file" in capsys.readouterr().err


def test_parser_is_buildable_for_docs():
    parser = build_parser()
    assert parser.prog == "forcast"


def test_backtest_and_check_are_callable_modules():
    import forcast.backtest as bt

    assert callable(forcast.backtest) and callable(forcast.check)
    assert bt.Backtest is forcast.backtest.Backtest


def test_recording_breaks_are_data():
    from forcast.events import LevelShift

    assert forcast.datasets.recording_breaks("lancashire") == [
        LevelShift("2018-04", "recording change (crime data integrity)")]
    assert forcast.datasets.recording_breaks("Kent") == []


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
    assert "Intervals are calibrated: widened above the forecast by factors" in capsys.readouterr().out
    assert main([*base, "--calibration", "none"]) == 0
    assert "Intervals are model-based (not calibrated)" in capsys.readouterr().out
