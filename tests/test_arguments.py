"""Every argument checked at the boundary (issue 15, item 3): the exact error class and a message that quotes the
bad value, from the API and from the command line, before any model is fitted."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import forcast
from forcast import arguments
from forcast.evaluation.checking import check
from forcast.cli import main
from forcast.errors import DateParseError, FinancialYearError, ParameterError
from forcast.forecasting.horizon import MAX_HORIZON_YEARS

from .conftest import seasonal_series

FAST = dict(models=["naive"], n_paths=100, calibration=None)
SEED_RULE = "`seed` must be a non-negative integer. Got "


@pytest.fixture(scope="module")
def series():
    return seasonal_series()  # 2006Q2-2018Q4: last complete financial year 2017/18


def refused(error, message, call):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error
    assert str(info.value).startswith(message), str(info.value)
    return str(info.value)


# --- seed -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed, shown", [(-1, "-1."), ("abc", "'abc'."), (1.7, "1.7."), (True, "True."),
                                         ("42", "'42'. Give it as a number, not text.")])
@pytest.mark.parametrize("where", ["forecast", "check", "backtest"])
def test_bad_seed_is_refused_everywhere(series, seed, shown, where):
    calls = {"forecast": lambda: forcast.forecast(series, seed=seed, **FAST),
             "check": lambda: check(series, financial_year="2017/18", origin="2017-03-31", seed=seed, **FAST),
             "backtest": lambda: forcast.backtest(series, seed=seed, models=["naive"], n_paths=100)}
    refused(ParameterError, SEED_RULE + shown, calls[where])


def test_seed_none_and_numpy_integers_are_fine():
    import numpy as np

    assert arguments.check_seed(None) is None
    assert arguments.check_seed(np.int64(7)) == 7 and type(arguments.check_seed(np.int64(7))) is int


# --- levels -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("levels, message", [
    ("95", "`levels` must be a list of percentages, e.g. (80, 95) or [95]. Got the text '95'. Write the numbers "
           "themselves: levels=[95]."),
    (95, "`levels` must be a list of percentages, e.g. (80, 95) or [95]. Got the single number 95. Put it in a "
         "list: levels=[95]."),
    ((0,), "`levels` must be percentages from 1 up to (not including) 100, e.g. (80, 95). Got (0,)."),
    ((100,), "`levels` must be percentages from 1 up to (not including) 100, e.g. (80, 95). Got (100,)."),
    ((150,), "`levels` must be percentages from 1 up to (not including) 100, e.g. (80, 95). Got (150,)."),
    ([], "`levels` must be percentages from 1 up to (not including) 100, e.g. (80, 95). Got []."),
    (["95"], "`levels` must be percentages between 0 and 100, e.g. (80, 95). Got ['95']."),
])
def test_bad_levels_are_refused(series, levels, message):
    refused(ParameterError, message, lambda: forcast.forecast(series, levels=levels, **FAST))


# --- n_paths ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_paths", [0, -5, 99, 2.5, "5000"])
def test_too_few_or_not_integer_paths_are_refused(series, n_paths):
    refused(ParameterError, f"`n_paths` must be an integer of at least 100. Got {n_paths!r}.",
            lambda: forcast.forecast(series, models=["naive"], n_paths=n_paths, calibration=None))


def test_huge_n_paths_is_refused_from_a_memory_estimate_before_any_work(series):
    message = refused(ParameterError, "`n_paths` of 1,000,000,000 would need about ",
                      lambda: forcast.forecast(series, models=["naive"], n_paths=10**9, calibration=None))
    assert "above forcast's limit of 2.0 GiB" in message and "Got n_paths=1000000000." in message
    assert "(1 model(s) x 13 periods x 8 bytes" in message  # 2019Q1-2022Q1 reaches 2021/22


# --- until / h --------------------------------------------------------------------------------------------
def test_until_in_the_past_is_refused(series):
    refused(FinancialYearError, "`until` must be a financial year that ends after the last observation (2018Q4). "
            "Got 2010/11", lambda: forcast.forecast(series, until="2010/11", **FAST))


def test_until_eighty_years_away_is_refused_unless_asked(series):
    message = refused(FinancialYearError, f"`until` must end at most {MAX_HORIZON_YEARS} financial years after the "
                      "last complete one in the data (2017/18), so 2027/28 at the latest. Got '2097/98', 80 years "
                      "ahead.", lambda: forcast.forecast(series, until="2097/98", **FAST))
    assert "pass allow_long_horizon=True to forcast.forecast (`forcast forecast --allow-long-horizon`)" in message
    fc = forcast.forecast(series, until="2029/30", allow_long_horizon=True, **FAST)
    assert fc.financial_years()["financial_year"].iloc[-1] == "2029/30"


@pytest.mark.parametrize("h, shown", [("400y", "'400y', 400 years ahead."), (10**6, "1000000, more than")])
def test_far_h_is_refused(series, h, shown):
    refused(FinancialYearError, "`h` must end at most 10 financial years after the last complete one in the data "
            f"(2017/18), so 2027/28 at the latest. Got {shown}", lambda: forcast.forecast(series, h=h, **FAST))


def test_beyond_what_dates_can_hold_is_refused_even_when_asked(series):
    refused(FinancialYearError, "The forecast would end beyond the year 2261, the last date forcast can hold. Got "
            "h='400y'.", lambda: forcast.forecast(series, h="400y", allow_long_horizon=True, **FAST))


# --- events, models, min_after_shift ----------------------------------------------------------------------
@pytest.mark.parametrize("where", ["forecast", "check", "backtest", "chapter"])
def test_events_given_as_a_string_are_refused(series, where):
    from forcast.fms import build_chapter

    calls = {"forecast": lambda: forcast.forecast(series, events="2018-04:change", **FAST),
             "chapter": lambda: build_chapter("Testshire", measures=[series], events="2018-04:change",
                                              backtest=False),
             "check": lambda: check(series, financial_year="2017/18", origin="2017-03-31", events="2018-04:change",
                                    **FAST),
             "backtest": lambda: forcast.backtest(series, events="2018-04:change", models=["naive"], n_paths=100)}
    refused(ParameterError, "`events` must be a list of events such as [forcast.LevelShift('2018-04', 'recording "
            "change')]. Got the string '2018-04:change'. Put it in a list: events=['2018-04:change'].", calls[where])


@pytest.mark.parametrize("where", ["forecast", "check", "backtest", "chapter"])
def test_empty_models_are_refused(series, where):
    from forcast.fms import build_chapter

    calls = {"forecast": lambda: forcast.forecast(series, models=[], n_paths=100, calibration=None),
             "check": lambda: check(series, financial_year="2017/18", origin="2017-03-31", models=[], n_paths=100),
             "backtest": lambda: forcast.backtest(series, models=(), n_paths=100),
             "chapter": lambda: build_chapter("Testshire", measures=[series], models=[], backtest=False)}
    refused(ParameterError, "`models` must name at least one model, e.g. ['ets', 'arima'] (command line: --models "
            "ets,arima). Got ", calls[where])


@pytest.mark.parametrize("value", [-1, 0, 1.5, "2"])
@pytest.mark.parametrize("where", ["check", "backtest"])
def test_min_after_shift_must_be_positive(series, value, where):
    calls = {"check": lambda: check(series, financial_year="2017/18", origin="2017-03-31", min_after_shift=value,
                                    **FAST),
             "backtest": lambda: forcast.backtest(series, min_after_shift=value, models=["naive"], n_paths=100)}
    refused(ParameterError, f"`min_after_shift` must be an integer greater than 0. Got {value!r}.", calls[where])


# --- dates of a call export -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"start": "not a date"}, "`start` must be a date, e.g. '2016-01-01' (year-month-day). Got 'not a date'."),
    ({"end": ""}, "`end` must be a date, e.g. '2016-01-01' (year-month-day). Got ''."),
    ({"start": 5}, "`start` must be a date, e.g. '2016-01-01' (year-month-day). Got 5."),
])
def test_count_calls_refuses_bad_dates(kwargs, message):
    calls = pd.DataFrame({"t": pd.date_range("2018-01-01", periods=200, freq="h")})
    refused(DateParseError, message, lambda: forcast.count_calls(calls, "t", **kwargs))


def test_count_calls_refuses_end_before_start():
    calls = pd.DataFrame({"t": pd.date_range("2018-01-01", periods=200, freq="h")})
    refused(ParameterError, "`end` must not be before `start`. Got start=2018-01-05 and end=2018-01-02",
            lambda: forcast.count_calls(calls, "t", start="2018-01-05", end="2018-01-02"))


# --- totals given to check --------------------------------------------------------------------------------
@pytest.mark.parametrize("given, number", [("168,705", 168705.0), ("168 705", 168705.0), ("1,168,705.5", 1168705.5),
                                           (168705, 168705.0), ("168705", 168705.0)])
def test_totals_accept_thousands_separators(given, number):
    assert arguments.check_total(given, "reported_forecast") == number


def test_check_accepts_a_reported_forecast_with_thousands_separators(series):
    result = check(series, financial_year="2017/18", origin="2017-03-31", reported_forecast="168,705",
                   actual="167,436", baselines=False, **FAST)
    assert result.reported_forecast == 168705.0 and result.actual == 167436.0


@pytest.mark.parametrize("given, message", [
    ("168.705", "`reported_forecast` must be a positive number (a financial-year total). Got '168.705', which reads "
                "as 168.705 but looks like 168,705 written with dots for thousands. Write it as 168705 or 168,705."),
    ("16,87,05", "`reported_forecast` must be a positive number (a financial-year total), e.g. 168705 or "
                 "'168,705'. Got '16,87,05'."),
    (-3, "`reported_forecast` must be a positive number (a financial-year total), e.g. 168705 or '168,705'. Got -3."),
    ("about 168k", "`reported_forecast` must be a positive number (a financial-year total), e.g. 168705 or "
                   "'168,705'. Got 'about 168k'."),
    (True, "`reported_forecast` must be a positive number (a financial-year total), e.g. 168705 or '168,705'. "
           "Got True."),
])
def test_bad_totals_are_refused(series, given, message):
    refused(ParameterError, message, lambda: check(series, financial_year="2017/18", origin="2017-03-31",
                                                   reported_forecast=given, **FAST))


# --- calibration files ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, content, message", [
    ("cal.csv", "horizon,factor\n1,1.2\n", "is not a forcast calibration: it is not valid JSON (it looks like a "
                                           "CSV table)"),
    ("cut.json", '{"format": "forcast-error-quan', "is not a forcast calibration: it is not valid JSON"),
    ("part.json", '{"format": "forcast-error-quantiles", "version": 1}', "is not a complete forcast calibration "
                                                                         "(it lacks 'quantiles')"),
    ("list.json", "[1, 2]", "is not a forcast calibration (format None)."),
    ("cal.xlsx", b"PK\x03\x04\xff\xfe\x00", "is not a forcast calibration: it is not text"),
])
def test_calibration_file_that_is_not_a_calibration(series, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    text = refused(ParameterError, f"The file {str(path)!r} {message}",
                   lambda: forcast.forecast(series, models=["naive"], n_paths=100, calibration=str(path)))
    assert "Give 'default', 'none', or a JSON file written by ErrorQuantiles.to_json()" in text


def test_empty_calibration_file_and_folder(series, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    refused(ParameterError, f"The calibration file {str(empty)!r} is empty. Give 'default', 'none'",
            lambda: forcast.forecast(series, models=["naive"], n_paths=100, calibration=str(empty)))
    refused(ParameterError, f"The calibration must be a JSON file, not a folder. Got {str(tmp_path)!r}.",
            lambda: forcast.forecast(series, models=["naive"], n_paths=100, calibration=str(tmp_path)))


# --- the command line: the same words, before any work ----------------------------------------------------
@pytest.mark.parametrize("argv, message", [
    (["forecast", "--seed", "-1"], "argument --seed: " + SEED_RULE + "-1."),
    (["forecast", "--seed", "abc"], "argument --seed: " + SEED_RULE + "'abc'."),
    (["forecast", "--seed", "1.7"], "argument --seed: " + SEED_RULE + "'1.7'."),
    (["forecast", "--n-paths", "0"], "argument --n-paths: `n_paths` must be an integer of at least 100. Got 0."),
    (["check", "--min-after-shift", "-1"], "argument --min-after-shift: `min_after_shift` must be an integer "
                                           "greater than 0. Got -1."),
    (["check", "--reported-forecast", "168.705"], "argument --reported-forecast: `reported_forecast` must be a "
                                                  "positive number (a financial-year total). Got '168.705'"),
    (["backtest", "--seed", "-3"], "argument --seed: " + SEED_RULE + "-3."),
    (["fms", "--n-paths", "ten"], "argument --n-paths: `n_paths` must be an integer of at least 100. Got 'ten'."),
])
def test_cli_refuses_bad_arguments_while_parsing(tmp_path, capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--force", "Lancashire", "--out", str(tmp_path / "out")])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv, message", [
    (["--until", "2102/03"], "`until` must end at most 10 financial years after the last complete one in the data "
                             "(2022/23), so 2032/33 at the latest. Got '2102/03', 80 years ahead."),
    (["--models", ","], "`models` must name at least one model"),
    (["--calibration", "."], "The calibration must be a JSON file, not a folder. Got '.'."),
])
def test_cli_forecast_refuses_before_writing(tmp_path, capsys, argv, message):
    assert main(["forecast", "--force", "Lancashire", *argv, "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_check_accepts_thousands_separators(capsys):
    assert main(["check", "--force", "Lancashire", "--models", "naive", "--n-paths", "100", "--calibration", "none",
                 "--actual", "167,436", "--reported-forecast", "168,705"]) == 0
    assert re.search(r"The reported forecast 168,705 differs from the actual", capsys.readouterr().out)
