"""Loading edge cases (issue 15): each refused with its own error class and a message that quotes the bad value and
points at the real problem, in the API and through the command line."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

import forcast
from forcast.cli import main
from forcast.data import load_calls, load_series
from forcast.errors import (ColumnError, ConstantSeriesError, CountTooLargeError, EmptyDataError,
                            NonIntegerCountError, NotCallLevelError, SeriesTooShortError, UnreadableSourceError)
from forcast.data.series import make_series

from .conftest import raises

MONTHS = pd.period_range("2016-01", periods=24, freq="M")


def monthly_csv(tmp_path, counts, header="Month,Crimes", name="data.csv"):
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(f"{p},{c}\n" for p, c in zip(MONTHS, counts)), encoding="utf-8")
    return path


# --- counts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["9007199254740993", "1e300", "100000000000000000000", "1.5e16"])
def test_counts_too_large_to_hold_exactly_are_refused(tmp_path, cell):
    path = monthly_csv(tmp_path, [5] * 23 + [cell])
    raises(CountTooLargeError, lambda: load_series(path),
           f"column 'Crimes' has 1 larger value: row 25: '{cell}'", "at most 2**53 (9,007,199,254,740,992)")


def test_huge_numbers_in_a_frame_or_series_never_wrap_negative():
    values = [1.0] * 23 + [1e300]
    raises(CountTooLargeError, lambda: load_series(pd.DataFrame({"m": MONTHS.astype(str), "n": values})),
           "index 23: 1e+300")
    huge = pd.Series([3] * 23 + [10**400], index=MONTHS, dtype=object)
    raises(CountTooLargeError, lambda: load_series(huge), "2017-12: 1000")
    ok = load_series(pd.Series([2**53] * 24, index=MONTHS))
    assert (ok == 2**53).all() and (ok > 0).all()


def test_european_thousands(tmp_path):
    raises(NonIntegerCountError, lambda: load_series(monthly_csv(tmp_path, ["10.038"] * 24)),
           "row 2: '10.038'", "European style: '10.038' for 10,038", "save the file again with no thousands separator")
    spaced = load_series(monthly_csv(tmp_path, ["10 038"] * 12 + ["9\u00a0871"] * 12))
    assert spaced.tolist() == [10038] * 12 + [9871] * 12


# --- columns -----------------------------------------------------------------------------------------
def test_the_same_column_for_dates_and_counts(tmp_path):
    raises(ColumnError, lambda: load_series(monthly_csv(tmp_path, range(24)), date_column="Month",
                                            value_column="Month"),
           "date_column and value_column both name 'Month'", "The columns are: 'Month', 'Crimes'")


def test_duplicate_column_names(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("Month,Crimes,Crimes\n" + "".join(f"{p},{i},{i}\n" for i, p in enumerate(MONTHS)))
    for kwargs in ({}, {"date_column": "Month", "value_column": "Crimes"}):
        raises(ColumnError, lambda: load_series(path, **kwargs),
               "The header names 2 columns 'Crimes' (columns B and C)", "Rename them")


def workbook(path, sheets):
    """Write ``sheets`` ({title: list of rows}) as an .xlsx; a row may be None for a blank row."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row or [])
    book.save(path)
    return path


def data_rows():
    return [["Month", "Crimes"], *[[str(p), 100 + i] for i, p in enumerate(MONTHS)]]


def test_a_merged_title_row_above_the_header(tmp_path):
    path = workbook(tmp_path / "title.xlsx", {"Crime": [["Monthly recorded crime, Testshire"], None, *data_rows()]})
    book = openpyxl.load_workbook(path)
    book["Crime"].merge_cells("A1:B1")
    book.save(path)
    for kwargs in ({}, {"date_column": "Month", "value_column": "Crimes"}):
        raises(ColumnError, lambda: load_series(path, **kwargs),
               "The column names ('Monthly recorded crime, Testshire', 'Unnamed: 1') look like a title",
               "the header seems to be on row 3; pass header=3 (--header 3")
    s = load_series(path, header=3)
    assert s.tolist() == list(range(100, 124)) and s.name == "Crimes"


def test_a_title_line_above_a_csv_header(tmp_path):
    path = tmp_path / "title.csv"
    path.write_text("Monthly recorded crime\n\nMonth,Crimes\n" + "".join(f"{p},{i}\n" for i, p in enumerate(MONTHS)))
    raises(UnreadableSourceError, lambda: load_series(path), "row 1 (the header) has 1 cell but most rows below have 2",
           "the header seems to be on row 3; pass header=3")
    assert len(load_series(path, header=3)) == 24


def test_data_on_another_sheet_lists_the_sheets(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {"Notes": [["Read me: the figures are on the next sheet"]],
                                              "Data": data_rows()})
    raises(EmptyDataError, lambda: load_series(path),
           "This is the first sheet, 'Notes'; the workbook's sheets are 'Notes', 'Data'",
           "pass sheet_name='Data' (--sheet 'Data'")
    assert len(load_series(path, sheet_name="Data")) == 24
    raises(UnreadableSourceError, lambda: load_series(path, sheet_name="Figures"),
           "sheet_name='Figures' is not a sheet of book.xlsx. Its sheets are: 'Notes', 'Data'")


# --- the file itself ---------------------------------------------------------------------------------
def test_ragged_rows_give_the_real_line(tmp_path):
    path = tmp_path / "ragged.csv"
    rows = [f"{p},{i}" for i, p in enumerate(MONTHS)]
    rows[10] = "2016-11,1,234"  # an unquoted thousands separator, after a blank line
    path.write_text("Month,Crimes\n\n" + "\n".join(rows) + "\n")
    raises(UnreadableSourceError, lambda: load_series(path),
           "line 13 has 3 cells but the header (row 1) has 2: '2016-11,1,234'", "put that cell in quotes")


def test_an_unclosed_quote_gives_its_line(tmp_path):
    path = tmp_path / "quote.csv"
    rows = [f"{p},{i}" for i, p in enumerate(MONTHS)]
    rows[5] = '"2016-06,5'
    path.write_text("Month,Crimes\n" + "\n".join(rows) + "\n")
    raises(UnreadableSourceError, lambda: load_series(path),
           "line 7 opens a quote (\") that is never closed", "'\"2016-06,5'")


def test_a_period_count_file_given_as_call_level_data(tmp_path):
    raises(NotCallLevelError, lambda: load_calls(monthly_csv(tmp_path, range(24)), "Month"),
           "Column 'Month' has one row per date (24 rows from 2016-01-01 to 2017-12-01",
           "column 'Crimes' holds numbers", "forcast.load_series(source, date_column='Month', value_column='Crimes')")


# --- series forcast cannot forecast --------------------------------------------------------------------
@pytest.mark.parametrize("value, says", [(0, "every count is 0: there is no demand to forecast"),
                                         (5, "every count is 5: a series that never changes")])
def test_constant_series_are_refused_before_any_model(tmp_path, value, says):
    series = load_series(monthly_csv(tmp_path, [value] * 24))
    text = raises(ConstantSeriesError, lambda: forcast.forecast(series, n_paths=100),
                  f"The series 'Crimes' is constant: all 24 months (2016-01 to 2017-12) are {value}", says)
    assert "LinAlg" not in text and "Schur" not in text


def test_constant_series_through_the_cli(tmp_path, capsys):
    path = monthly_csv(tmp_path, [0] * 24)
    assert main(["forecast", "--csv", str(path), "--n-paths", "100", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "is constant: all 24 months (2016-01 to 2017-12) are 0" in err and "LinAlg" not in err


def test_three_points_refuse_a_multi_year_forecast_unless_asked():
    series = make_series([100, 120, 110], pd.period_range("2016Q1", periods=3, freq="Q"), name="n", measure="x")
    raises(SeriesTooShortError, lambda: forcast.forecast(series, models=["naive"], n_paths=100),
           "A forecast 14 quarters ahead (more than a year) needs at least two years of data (8 quarters)",
           "Got 3 quarters (2016Q1 to 2016Q3)", "allow_short_history=True (--allow-short-history)")
    fc = forcast.forecast(series, models=["naive"], n_paths=100, allow_short_history=True)
    assert len(fc.financial_years()) > 0
    assert len(forcast.forecast(series, models=["naive"], n_paths=100, h=2).table()) == 2  # a year ahead is fine


# --- the command line gets the options the messages name ----------------------------------------------------
def test_cli_sheet_dayfirst_non_integer_and_annual(tmp_path, capsys):
    book = workbook(tmp_path / "book.xlsx", {"Notes": [["see Data"]], "Data": data_rows()})
    base = ["forecast", "--models", "naive", "--n-paths", "100", "--calibration", "none"]
    assert main([*base, "--csv", str(book), "--out", str(tmp_path / "a")]) == 2
    assert "pass sheet_name='Data' (--sheet 'Data'" in capsys.readouterr().err
    assert main([*base, "--csv", str(book), "--sheet", "Data", "--out", str(tmp_path / "b")]) == 0

    us = tmp_path / "us.csv"
    us.write_text("Month,Crimes\n" + "".join(f"{d:%m/%d/%Y},{i}\n" for i, d in
                                             enumerate(pd.date_range("2016-11-01", periods=26, freq="MS"))))
    assert main([*base, "--csv", str(us), "--out", str(tmp_path / "c")]) == 2
    assert "--dayfirst or --monthfirst" in capsys.readouterr().err
    assert main([*base, "--csv", str(us), "--monthfirst", "--out", str(tmp_path / "d")]) == 0
    periods = pd.read_csv(tmp_path / "d" / "forecast_periods.csv")
    assert str(periods["date"].iloc[0]).startswith("2019-01")  # data November 2016 to December 2018, month first

    fractional = monthly_csv(tmp_path, [10.5 + i for i in range(24)], name="fractional.csv")
    assert main([*base, "--csv", str(fractional), "--out", str(tmp_path / "e")]) == 2
    assert "'10.5'" in capsys.readouterr().err
    assert main([*base, "--csv", str(fractional), "--non-integer", "round", "--out", str(tmp_path / "f")]) == 0

    years = tmp_path / "years.csv"
    years.write_text("Year,Crimes\n" + "".join(f"{y}/{(y + 1) % 100:02d},{1000 + y}\n" for y in range(2010, 2020)))
    assert main([*base, "--csv", str(years), "--out", str(tmp_path / "g")]) == 2
    assert "pass frequency='annual'" in capsys.readouterr().err
    assert main([*base, "--csv", str(years), "--frequency", "annual", "--out", str(tmp_path / "h")]) == 0


def test_cli_header_and_short_history(tmp_path, capsys):
    path = tmp_path / "title.csv"
    path.write_text("Crimes by quarter\n\nQuarter,Crimes\n2016Q1,100\n2016Q2,120\n2016Q3,110\n")
    base = ["forecast", "--models", "naive", "--n-paths", "100", "--calibration", "none", "--csv", str(path)]
    assert main([*base, "--out", str(tmp_path / "a")]) == 2
    assert "pass header=3 (--header 3" in capsys.readouterr().err
    assert main([*base, "--header", "3", "--out", str(tmp_path / "b")]) == 2
    assert "(--allow-short-history)" in capsys.readouterr().err
    assert main([*base, "--header", "3", "--allow-short-history", "--out", str(tmp_path / "c")]) == 0


def test_fms_reads_measure_files_with_the_same_options(tmp_path):
    from forcast.cli import build_parser
    from forcast.cli.fms_cmd import measures_from_args

    path = tmp_path / "calls.csv"
    months = [p for p in MONTHS if str(p) != "2016-06"]
    path.write_text("Month,Calls\n" + "".join(f"{p.start_time:%d/%m/%Y},{1000 + i}\n" for i, p in enumerate(months)))
    args = build_parser().parse_args(["fms", "--no-recorded-crime", "--measure", "999 calls", str(path),
                                      "--missing", "exclude", "--dayfirst", "--out", str(tmp_path / "out")])
    series = measures_from_args(args)["999 calls"]
    assert series.attrs["missing_periods"] == ["2016-06"] and len(series) == 24


def test_repeated_labels_in_a_dataframe():
    data = pd.DataFrame([[str(p), i, i] for i, p in enumerate(MONTHS)], columns=["Month", "Crimes", "Crimes"])
    for kwargs in ({}, {"date_column": "Month", "value_column": "Crimes"}):
        raises(ColumnError, lambda: load_series(data, **kwargs),
               "The header names 2 columns 'Crimes' (columns B and C)")
