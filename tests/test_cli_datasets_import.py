"""``forcast datasets import FILE``: the real 2017/18 Home Office sheet round-tripped through XLSX and ODS.

Each workbook holds a cover sheet of notes, the real 2017/18 sheet (counts as published, text such as ' 66776 ')
and the same rows relabelled 2018/19 with every count doubled (written as numbers). The XLSX round trip takes
about 15 s; writing the full sheet with odfpy takes about 80 s, so the full ODS comparison is marked slow and a
fast test compares ODS and XLSX on the rows of one force, British Transport Police and the fraud bodies.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from forcast import datasets
from forcast.data import releases
from forcast.cli import main

from .test_home_office import (FRAUD_BODIES, SHARED_SHEET, expected_force_totals, full_year, needs_shared,
                               shared_sheet, totals, write_workbook)


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("FORCAST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FORCAST_RELEASE", raising=False)
    return tmp_path / "data" / "releases"


def two_years(sheet: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The 2017/18 sheet and the same rows as 2018/19 with counts doubled (as numbers, not text)."""
    later = sheet.assign(**{"Financial Year": "2018/19",
                            "Number of Offences": sheet["Number of Offences"].str.strip().astype(int) * 2})
    return {"2017-18": sheet, "2018-19": later}


@pytest.fixture(scope="module")
def sheet():
    if not SHARED_SHEET.exists():
        pytest.skip("the shared Home Office sheet is not here")
    return shared_sheet()


@pytest.fixture(scope="module")
def full_xlsx(sheet, tmp_path_factory):
    return write_workbook(tmp_path_factory.mktemp("xlsx") / "prc-pfa-mar2013-onwards-tables.xlsx", two_years(sheet))


@pytest.fixture(scope="module")
def full_ods(sheet, tmp_path_factory):
    return write_workbook(tmp_path_factory.mktemp("ods") / "prc-pfa-mar2013-onwards-tables.ods", two_years(sheet))


def import_with_cli(path, capsys, *flags) -> tuple[releases.Release, str]:
    assert main(["datasets", "import", str(path), *flags]) == 0
    out = capsys.readouterr().out
    return releases.active_release(), out


def check_full_release(release: releases.Release, sheet: pd.DataFrame) -> None:
    table = release.table()
    year = table["period"].map(lambda p: "2017/18" if "2017Q2" <= p <= "2018Q1" else "2018/19")
    expected = expected_force_totals(sheet)
    assert len(expected) == 43 and "British Transport Police" not in expected
    pd.testing.assert_series_equal(totals(table[year == "2017/18"]), expected, check_names=False)
    pd.testing.assert_series_equal(totals(table[year == "2018/19"]), 2 * expected, check_names=False)
    assert sorted(table["period"].unique()) == ["2017Q2", "2017Q3", "2017Q4", "2018Q1",
                                                "2018Q2", "2018Q3", "2018Q4", "2019Q1"]
    assert table["offence_group"].nunique() == 9 and len(table) == 43 * 9 * 8


@needs_shared
def test_import_real_sheet_from_xlsx(full_xlsx, sheet, capsys, store):
    release, out = import_with_cli(full_xlsx, capsys)
    check_full_release(release, sheet)
    assert f"Imported {release.label}." in out
    assert "(2017/18–2018/19)" in release.label
    assert "forces:          43" in out and "financial years: 2017/18, 2018/19" in out
    assert "2017Q2 to 2019Q1 (8 quarters" in out and f"stored in:       {store / release.id}" in out
    assert f"Recorded crime in use: {release.label} [{release.id}]." in out
    lancashire = release.table().query("force == 'Lancashire' and period < '2018Q2'")
    assert lancashire.groupby("period")["count"].sum().tolist() == [30565, 30804, 31869, 33790]  # embedded anchors


@needs_shared
@pytest.mark.slow
def test_import_real_sheet_from_ods_matches_xlsx(full_ods, full_xlsx, sheet, capsys):
    from_ods, out = import_with_cli(full_ods, capsys)
    check_full_release(from_ods, sheet)
    from_xlsx, _ = import_with_cli(full_xlsx, capsys)
    assert from_ods.id != from_xlsx.id
    pd.testing.assert_frame_equal(from_ods.table(), from_xlsx.table())


@needs_shared
def test_few_forces_ods_and_xlsx_import_identically(sheet, tmp_path, capsys):
    some = sheet[sheet["Force Name"].isin(["Kent", "British Transport Police"] + FRAUD_BODIES)]
    imported = [import_with_cli(write_workbook(tmp_path / f"some{suffix}", two_years(some)), capsys)[0]
                for suffix in (".ods", ".xlsx")]
    pd.testing.assert_frame_equal(imported[0].table(), imported[1].table())
    assert totals(imported[0].table().query("period < '2018Q2'")).to_dict() == expected_force_totals(some).to_dict()


@pytest.fixture(scope="module")
def catalogue():
    return datasets.catalogue()


def test_listing_still_prints_the_catalogue_and_the_data_in_use(tmp_path, capsys, catalogue, monkeypatch):
    monkeypatch.setattr(datasets, "catalogue", catalogue.copy)  # built once: the listing is what is tested here
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "43 forces" in out and "Lancashire" in out
    assert out.rstrip().splitlines()[-1].startswith("Recorded crime in use: the data embedded in forcast")
    assert main(["datasets", "--csv"]) == 0
    assert capsys.readouterr().out == catalogue.to_csv(index=False)  # CSV unchanged: no extra line
    release, _ = import_with_cli(write_workbook(tmp_path / "kent.xlsx", {"2017-18": full_year("Kent")}), capsys)
    assert main(["datasets"]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == f"Recorded crime in use: {release.label} " \
                                                                 f"[{release.id}]."


def test_releases_use_and_remove(tmp_path, capsys, catalogue, monkeypatch):
    monkeypatch.setattr(datasets, "catalogue", catalogue.copy)
    assert main(["datasets", "releases"]) == 0
    assert "No imported releases" in capsys.readouterr().out
    release, _ = import_with_cli(write_workbook(tmp_path / "kent.xlsx", {"2017-18": full_year("Kent")}), capsys)
    assert main(["datasets", "releases", "--csv"]) == 0
    listed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert listed["id"].tolist() == [release.id] and listed["active"].tolist() == [True]
    assert main(["datasets", "use", "embedded"]) == 0
    assert "the data embedded in forcast" in capsys.readouterr().out and releases.active_release() is None
    assert main(["datasets", "use", release.id]) == 0
    assert release.label in capsys.readouterr().out
    monkeypatch.setenv("FORCAST_RELEASE", "embedded")
    assert main(["datasets"]) == 0
    assert "Recorded crime in use (set by FORCAST_RELEASE): the data embedded" in capsys.readouterr().out
    monkeypatch.delenv("FORCAST_RELEASE")
    assert main(["datasets", "remove", release.id]) == 0
    assert f"Removed {release.label}" in capsys.readouterr().out and releases.list_releases().empty


def test_missing_quarters_exit_2_unless_allowed(tmp_path, capsys):
    path = write_workbook(tmp_path / "gappy.xlsx", {"2022-23": pd.concat([
        full_year("Kent", year="2022/23"), full_year("Devon and Cornwall", year="2022/23").iloc[:2]])})
    assert main(["datasets", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("forcast datasets: error: 1 force has no rows")
    assert "Devon and Cornwall: 2022Q4 (2022/23 Q3), 2023Q1 (2022/23 Q4)" in err and "--allow-missing-quarters" in err
    release, out = import_with_cli(path, capsys, "--allow-missing-quarters")
    assert "2022Q2 to 2023Q1 (4 quarters, 6 force quarters)" in out
    assert release.table().query("force == 'Devon and Cornwall'")["period"].unique().tolist() == ["2022Q2",
                                                                                                  "2022Q3"]


@pytest.mark.parametrize("argv, message", [
    (["datasets", "import"], "`forcast datasets import` needs the workbook to import"),
    (["datasets", "use"], "`forcast datasets use` needs a release id"),
    (["datasets", "use", "ho-nothing"], "Release 'ho-nothing' is not a stored release"),
    (["datasets", "releases", "--allow-missing-quarters"], "--allow-missing-quarters goes with"),
    (["datasets", "releases", "extra"], "Unexpected argument 'extra'"),
])
def test_bad_use_exits_2_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_not_a_workbook_and_missing_file_exit_2(tmp_path, capsys):
    text = tmp_path / "tables.csv"
    text.write_text("Financial Year,Financial Quarter\n")
    assert main(["datasets", "import", str(text)]) == 2
    assert "Cannot read tables.csv as a workbook" in capsys.readouterr().err
    assert main(["datasets", "import", str(tmp_path / "absent.ods")]) == 2
    assert "Home Office workbook not found" in capsys.readouterr().err
