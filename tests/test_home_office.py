"""forcast.data.home_office: the Home Office open data tables read into ``force, offence_group, period, count``.

Handmade sheets check each rule (periods, summing, fraud, forces, groups) and each hostile file. The real 2017/18
sheet, as ODS and XLSX, is imported in tests/test_cli_datasets_import.py (helpers for it live here).
"""

from __future__ import annotations

import logging
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from forcast.errors import (ForcastError, HomeOfficeColumnError, HomeOfficeCountError, HomeOfficeEmptyError,
                            HomeOfficeFileError, HomeOfficeForceError, HomeOfficeMissingQuarterError,
                            HomeOfficeOffenceGroupError, HomeOfficePeriodError)
from forcast.data.home_office import OFFENCE_GROUPS, read_home_office_tables

SHARED_SHEET = Path("/work/shared/data/raw/homeoffice_prc-pfa-mar2013-onwards-tables_2017-18_sheet.csv")
HEADER = ["Financial Year", "Financial Quarter", "Force Name", "Offence Description", "Offence Group",
          "Offence Subgroup", "Offence Code", "Number of Offences"]
FRAUD_BODIES = ["Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK"]
#: Home Office spelling in the sheet -> forcast's spelling (the only force the two spell differently).
SPELLING = {"London, City of": "City of London"}
COVER = pd.DataFrame({"Police recorded crime open data tables": ["Source: Home Office", "Notes: see gov.uk"]})

needs_shared = pytest.mark.skipif(not SHARED_SHEET.exists(), reason="the shared Home Office sheet is not here")


# --- helpers (also used by test_releases.py and test_cli_datasets_import.py) -------------------------------
def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], cover: bool = True) -> Path:
    """Write ``sheets`` (plus a cover sheet of notes first) as .ods (pandas + odfpy) or .xlsx (openpyxl)."""
    sheets = {"Cover": COVER, **sheets} if cover else sheets
    if path.suffix == ".ods":
        with pd.ExcelWriter(path, engine="odf") as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False)
        return path
    book = openpyxl.Workbook(write_only=True)  # streaming: twice as fast as pandas' writer on the full sheet
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        for row in [list(frame.columns), *frame.astype(object).to_numpy().tolist()]:
            sheet.append(row)
    book.save(path)
    return path


def rows(*records, year: str = "2017/18") -> pd.DataFrame:
    """A data sheet from ``(quarter, force, group, count)`` records (description, subgroup and code made up)."""
    return pd.DataFrame([{"Financial Year": year, "Financial Quarter": q, "Force Name": force,
                          "Offence Description": f"{group} (made up)", "Offence Group": group,
                          "Offence Subgroup": group, "Offence Code": "99", "Number of Offences": count}
                         for q, force, group, count in records], columns=HEADER)


def full_year(force: str, group: str = "Robbery", counts=(10, 20, 30, 40), year: str = "2017/18") -> pd.DataFrame:
    return rows(*[(q, force, group, c) for q, c in zip((1, 2, 3, 4), counts)], year=year)


def shared_sheet() -> pd.DataFrame:
    """The real 2017/18 sheet as published (counts are text such as ' 66776 ')."""
    return pd.read_csv(SHARED_SHEET, dtype=str, keep_default_na=False)


def expected_force_totals(sheet: pd.DataFrame) -> pd.Series:
    """Oracle: the sheet summed by force, without fraud bodies, fraud offences and British Transport Police."""
    keep = (~sheet["Force Name"].isin(FRAUD_BODIES + ["British Transport Police"])
            & (sheet["Offence Group"] != "Fraud offences"))
    kept = sheet[keep]
    counts = kept["Number of Offences"].astype(str).str.strip().str.replace(",", "").astype(int)
    return counts.groupby(kept["Force Name"].replace(SPELLING)).sum().sort_index()


def totals(table: pd.DataFrame, by=("force",)) -> pd.Series:
    return table.groupby(list(by))["count"].sum().sort_index()


# --- the tidy frame -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Two forces, a full year each, with negatives, fraud, BTP, text counts with spaces and commas."""
    sheet = pd.concat([
        full_year("Lancashire", "Robbery", (10, 20, 30, 40)),
        rows((1, "Lancashire", "Robbery", -3), (4, "Lancashire", "Robbery", " -5 "),  # adjustments: summed
             (2, "Lancashire", "Theft offences", " 1,234 "), (2, "Lancashire", "Theft offences", "66"),
             (3, "Lancashire", "Miscellaneous crimes", 7),                              # published variant
             (1, "Lancashire", "Fraud offences", 500), (1, "Action Fraud", "Fraud offences", 66776),
             (2, "CIFAS", "Fraud offences", 9000), (3, "UK Finance", "Fraud offences", 800),
             (4, "Financial Fraud Action UK", "Fraud offences", 70),
             (1, "British Transport Police", "Robbery", 999)),
        full_year("London, City of", "Sexual offences", ("1", "2", "3", "4")),
    ], ignore_index=True)
    path = write_workbook(tmp_path_factory.mktemp("small") / "small.xlsx", {"2017-18": sheet})
    return read_home_office_tables(path)


def test_columns_types_and_sorting(small):
    assert list(small.columns) == ["force", "offence_group", "period", "count"]
    assert small["count"].dtype == "int64"
    assert small["period"].map(type).eq(str).all()
    assert small.equals(small.sort_values(["force", "offence_group", "period"], ignore_index=True))


def test_financial_quarters_become_calendar_quarters(small):
    assert sorted(small["period"].unique()) == ["2017Q2", "2017Q3", "2017Q4", "2018Q1"]
    robbery = small[(small["force"] == "Lancashire") & (small["offence_group"] == "Robbery")]
    # quarter 1 (Apr-Jun 2017) = 2017Q2 holds 10 - 3; quarter 4 (Jan-Mar 2018) = 2018Q1 holds 40 - 5
    assert dict(zip(robbery["period"], robbery["count"])) == {"2017Q2": 7, "2017Q3": 20, "2017Q4": 30,
                                                              "2018Q1": 35}


def test_negative_rows_are_summed_and_text_counts_read(small):
    lanc = small[small["force"] == "Lancashire"].set_index(["offence_group", "period"])["count"]
    assert lanc[("Robbery", "2017Q2")] == 10 - 3
    assert lanc[("Theft offences", "2017Q3")] == 1234 + 66
    assert lanc.sum() == 10 + 20 + 30 + 40 - 3 - 5 + 1234 + 66 + 7


def test_fraud_and_british_transport_police_are_excluded(small):
    assert sorted(small["force"].unique()) == ["City of London", "Lancashire"]
    assert "Fraud offences" not in set(small["offence_group"])
    assert small["count"].sum() == (100 - 8 + 1300 + 7) + 10


def test_every_force_quarter_has_the_nine_groups(small):
    assert sorted(small["offence_group"].unique()) == sorted(OFFENCE_GROUPS)
    assert len(small) == 2 * 4 * 9
    misc = small[small["offence_group"] == "Miscellaneous crimes against society"]
    assert misc["count"].sum() == 7 and (misc["count"] >= 0).all()


def test_header_below_title_rows_and_other_year_spellings(tmp_path):
    path = tmp_path / "titled.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Table 1: recorded crime"], [""]]).to_excel(writer, sheet_name="2019-20", index=False,
                                                                    header=False)
        full_year("Kent", counts=(1, 2, 3, 4), year="2019-20").to_excel(writer, sheet_name="2019-20",
                                                                         index=False, startrow=3)
    table = read_home_office_tables(path)
    robbery = table[table["offence_group"] == "Robbery"]
    assert robbery["period"].tolist() == ["2019Q2", "2019Q3", "2019Q4", "2020Q1"]
    assert robbery["count"].tolist() == [1, 2, 3, 4]


def test_british_transport_police_is_logged(tmp_path, caplog):
    path = write_workbook(tmp_path / "btp.xlsx", {"2017-18": pd.concat([
        full_year("Kent"), full_year("British Transport Police")])})
    with caplog.at_level(logging.INFO, logger="forcast.data.home_office"):
        table = read_home_office_tables(path)
    assert table["force"].unique().tolist() == ["Kent"]
    assert "British Transport Police left out" in caplog.text
    assert "skipped sheets without the data columns: Cover" in caplog.text


# --- hostile files ------------------------------------------------------------------------------------
def test_file_not_found(tmp_path):
    with pytest.raises(HomeOfficeFileError, match=r"workbook not found: .*nowhere\.ods"):
        read_home_office_tables(tmp_path / "nowhere.ods")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "tables.xlsx"
    path.write_text("Financial Year,Financial Quarter\n2017/18,1\n")
    with pytest.raises(HomeOfficeFileError, match=r"Cannot read tables\.xlsx as a workbook .*\.ods or \.xlsx"):
        read_home_office_tables(path)


def test_no_data_sheet(tmp_path):
    path = write_workbook(tmp_path / "notes.xlsx", {"Notes": pd.DataFrame({"Note": ["nothing here"]})})
    with pytest.raises(HomeOfficeEmptyError, match=r"notes\.xlsx has no data sheet: .*'Cover', 'Notes'"):
        read_home_office_tables(path)


def test_empty_data_sheet(tmp_path):
    path = write_workbook(tmp_path / "empty.xlsx", {"2017-18": full_year("Kent"), "2018-19": rows()})
    with pytest.raises(HomeOfficeEmptyError, match=r"Sheet '2018-19' has the header row .* but no rows"):
        read_home_office_tables(path)


def test_missing_column_names_sheet_missing_and_present_columns(tmp_path):
    sheet = full_year("Kent").drop(columns=["Offence Group"])
    path = write_workbook(tmp_path / "cols.xlsx", {"2017-18": sheet})
    with pytest.raises(HomeOfficeColumnError,
                       match=r"Sheet '2017-18' lacks the column 'Offence Group' .*Its columns are: 'Financial Year'"):
        read_home_office_tables(path)


def test_text_in_counts_quotes_cells_with_sheet_and_row(tmp_path):
    sheet = full_year("Kent", counts=(10, "n/a", 30, "[x]"))
    sheet = pd.concat([sheet] + [full_year("Surrey", counts=("..",) * 4)], ignore_index=True)
    path = write_workbook(tmp_path / "text.xlsx", {"2017-18": sheet})
    # header is spreadsheet row 1, so the second data row is row 3
    with pytest.raises(HomeOfficeCountError, match=r"6 'Number of Offences' cells are not whole numbers: "
                       r"sheet '2017-18' row 3: 'n/a'; sheet '2017-18' row 5: '\[x\]'; .* and 1 more"):
        read_home_office_tables(path)


def test_unknown_forces_are_all_listed(tmp_path):
    sheet = pd.concat([full_year("Kent"), full_year("Testshire"), full_year("Police Scotland")])
    path = write_workbook(tmp_path / "forces.xlsx", {"2017-18": sheet})
    with pytest.raises(HomeOfficeForceError, match=r"2 force names are not .*: 'Police Scotland', 'Testshire'"):
        read_home_office_tables(path)


def test_unknown_offence_group(tmp_path):
    path = write_workbook(tmp_path / "groups.xlsx", {"2017-18": full_year("Kent", "Cybercrime")})
    with pytest.raises(HomeOfficeOffenceGroupError, match=r"Unknown offence group: 'Cybercrime'"):
        read_home_office_tables(path)


def test_bad_financial_quarter(tmp_path):
    path = write_workbook(tmp_path / "quarter.xlsx", {"2017-18": rows((5, "Kent", "Robbery", 1))})
    with pytest.raises(HomeOfficePeriodError, match=r"1 'Financial Quarter' cell is not 1, 2, 3 or 4: "
                       r"sheet '2017-18' row 2: 5"):
        read_home_office_tables(path)


def test_the_same_year_in_two_sheets_is_refused(tmp_path):
    path = write_workbook(tmp_path / "twice.xlsx", {"2017-18": full_year("Kent"), "2017-18 (r)": full_year("Kent")})
    with pytest.raises(HomeOfficePeriodError, match=r"counted twice: 2017Q2 in '2017-18', '2017-18 \(r\)'; "):
        read_home_office_tables(path)


def test_only_fraud_and_transport_police_rows(tmp_path):
    sheet = pd.concat([full_year("Action Fraud", "Fraud offences"), full_year("British Transport Police")])
    path = write_workbook(tmp_path / "fraud.xlsx", {"2017-18": sheet})
    with pytest.raises(HomeOfficeEmptyError, match=r"fraud\.xlsx has no rows for the 43 territorial forces"):
        read_home_office_tables(path)


@pytest.fixture(scope="module")
def gappy(tmp_path_factory):
    """Devon and Cornwall without quarters 3 and 4 of 2022/23, as in the real release."""
    sheet = pd.concat([full_year("Kent", year="2022/23"), full_year("Devon and Cornwall", year="2022/23").iloc[:2]])
    return write_workbook(tmp_path_factory.mktemp("gappy") / "gappy.ods", {"2022-23": sheet}, cover=False)


def test_missing_quarters_raise_and_name_force_and_quarters(gappy):
    with pytest.raises(HomeOfficeMissingQuarterError,
                       match=r"Devon and Cornwall: 2022Q4 \(2022/23 Q3\), 2023Q1 \(2022/23 Q4\).*"
                             r"allow_missing_quarters=True"):
        read_home_office_tables(gappy)


def test_missing_quarters_allowed_are_absent_and_logged(gappy, caplog):
    with caplog.at_level(logging.WARNING, logger="forcast.data.home_office"):
        table = read_home_office_tables(gappy, allow_missing_quarters=True)
    devon = table[table["force"] == "Devon and Cornwall"]
    assert sorted(devon["period"].unique()) == ["2022Q2", "2022Q3"]
    assert sorted(table.loc[table["force"] == "Kent", "period"].unique()) == ["2022Q2", "2022Q3", "2022Q4",
                                                                              "2023Q1"]
    assert "Devon and Cornwall: 2022Q4" in caplog.text


def test_errors_are_forcast_errors():
    for cls in (HomeOfficeColumnError, HomeOfficeCountError, HomeOfficeEmptyError, HomeOfficeFileError,
                HomeOfficeForceError, HomeOfficeMissingQuarterError, HomeOfficeOffenceGroupError,
                HomeOfficePeriodError):
        assert issubclass(cls, ForcastError) and issubclass(cls, ValueError)
