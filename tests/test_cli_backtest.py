"""``forcast backtest`` and ``forcast check`` from the command line: files written, statement printed, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from forcast import datasets
from forcast.cli import main

from .conftest import seasonal_series


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    s = seasonal_series()
    path = tmp_path_factory.mktemp("data") / "crime.csv"
    pd.DataFrame({"quarter": s.index.start_time.strftime("%Y-%m-%d"), "count": s.to_numpy()}).to_csv(
        path, index=False)
    return path


def test_backtest_writes_its_files(tmp_path, csv_file, capsys):
    out = tmp_path / "bt"
    code = main(["backtest", "--csv", str(csv_file), "--frequency", "quarterly", "--models", "naive",
                 "--n-paths", "200", "--origins", "2013-03-31,2015-03-31", "--out", str(out)])
    assert code == 0
    for name in ("backtest_periods.csv", "backtest_financial_years.csv", "backtest_metrics.csv",
                 "backtest_chart.png"):
        assert (out / name).stat().st_size > 0
    fy = pd.read_csv(out / "backtest_financial_years.csv")
    assert list(fy.columns[:5]) == ["series", "origin", "financial_year", "horizon_year", "model"]
    assert set(fy["origin"]) == {"2013-03-31", "2015-03-31"}
    metrics = pd.read_csv(out / "backtest_metrics.csv")
    assert set(metrics["basis"]) == {"financial_year", "period"}
    assert {"naive", "seasonal_naive", "drift"} == set(metrics["model"])
    printed = capsys.readouterr().out
    assert "coverage_95" in printed and "Wrote backtest_periods.csv" in printed


def test_backtest_rejects_a_bad_horizon(tmp_path, csv_file, capsys):
    code = main(["backtest", "--csv", str(csv_file), "--frequency", "quarterly", "--horizon", "0",
                 "--out", str(tmp_path / "x")])
    assert code == 2
    assert "`horizon` must be an integer greater than 0 or a string like '4y'. Got 0." in capsys.readouterr().err


def test_check_prints_the_statement_and_table(capsys):
    code = main(["check", "--force", "Lancashire", "--financial-year", "2018/19", "--origin", "2018-09-30",
                 "--actual", "167436", "--reported-forecast", "168705", "--models", "naive", "--n-paths", "200",
                 "--level-shift", "2018-04:recording-change"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "At origin 30 Sep 2018 (2 of 4 quarters of 2018/19 observed)" in printed
    # the force's own figure, beside the published series' total (shared/data/ho_open_data: 166,292)
    assert "The actual used is 167,436 (given by the user" in printed and "gives 166,292" in printed
    assert "The reported forecast 168,705 differs from the actual by −1,269 (−0.8%: 1,269 too high)" in printed
    assert "reported" in printed.split("\n\n")[1]
    # the analyst's shift at April 2018 replaces the known one; the known breaks after the origin are listed
    assert "The recording-change from 2018Q2 is modelled as a level shift" in printed
    assert "crime data integrity" not in printed
    assert "Level shift 'new recording system (November 2018)' at 2019Q1 not applied: it starts after the origin" \
        in printed
    assert "'COVID-19 lockdowns (from 23 March 2020)' (2020Q2–2021Q1) not applied: after the origin" in printed


def test_check_declares_the_known_breaks_unless_switched_off(capsys):
    base = ["check", "--force", "Lancashire", "--financial-year", "2018/19", "--origin", "2018-09-30",
            "--models", "naive", "--n-paths", "200"]
    assert main(base) == 0
    printed = capsys.readouterr().out
    assert "The recording change (crime data integrity), April 2018 from 2018Q2 is modelled as a level shift" \
        in printed
    assert "The actual used is 166,292 (the total of the series" in printed  # published 2018/19
    assert main([*base, "--no-known-events"]) == 0
    printed = capsys.readouterr().out
    assert "level shift" not in printed and "COVID-19" not in printed


def test_backtest_refuses_a_known_event_key_the_series_lacks(tmp_path, capsys):
    code = main(["backtest", "--force", "Lancashire", "--models", "naive", "--n-paths", "200", "--origins",
                 "2019-03-31", "--known-event-off", "covid-19", "--out", str(tmp_path)])
    assert code == 2
    assert ("--known-event-off 'covid-19': this series carries no such known break. Its known breaks: "
            "lancashire_cdi_2018, lancashire_system_2018, covid_19.") in capsys.readouterr().err


def test_backtest_lists_the_known_breaks_it_declared(tmp_path, capsys):
    code = main(["backtest", "--force", "Lancashire", "--models", "naive", "--n-paths", "200", "--origins",
                 "2019-03-31", "--known-event-off", "covid_19", "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "Known breaks declared from the embedded data: recording change (crime data integrity)" in out
    assert "key 'lancashire_system_2018'" in out and "covid_19" not in out.split("Known breaks")[1]


def test_check_writes_files_when_asked(tmp_path, capsys):
    code = main(["check", "--force", "Lancashire", "--financial-year", "2017/18", "--origin", "2017-03-31",
                 "--models", "naive", "--n-paths", "200", "--out", str(tmp_path)])
    assert code == 0
    table = pd.read_csv(tmp_path / "check.csv")
    assert set(table["actual_source"]) == {"series"}
    assert (tmp_path / "check.txt").read_text().startswith("At origin 31 Mar 2017")


@pytest.mark.slow
def test_backtest_all_forces_end_to_end(tmp_path):
    code = main(["backtest", "--all-forces", "--models", "naive", "--n-paths", "200", "--origins",
                 "2015-03-31", "--out", str(tmp_path)])
    assert code == 0
    fy = pd.read_csv(tmp_path / "backtest_financial_years.csv")
    # the 43 territorial forces of the published quarters (British Transport Police is only in the derived series)
    assert fy["series"].nunique() == 43 == len(datasets.forces())
    assert not fy["series"].str.contains("British Transport Police").any()
