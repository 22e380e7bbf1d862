"""forcast.data.releases: the store of imported Home Office releases (always in a tmp folder, never the user's)."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest

from forcast.data import releases
from forcast.errors import HomeOfficeMissingQuarterError, ReleaseError

from .test_home_office import full_year, write_workbook


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("FORCAST_DATA_DIR", str(folder))
    monkeypatch.delenv("FORCAST_RELEASE", raising=False)
    return folder / "releases"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """Two releases: 2017/18 for two forces, and the same plus 2018/19 (counts doubled)."""
    folder = tmp_path_factory.mktemp("workbooks")
    year1 = pd.concat([full_year("Kent", "Robbery", (1, 2, 3, 4)), full_year("Lancashire", "Drug offences")])
    year2 = pd.concat([full_year("Kent", "Robbery", (2, 4, 6, 8), year="2018/19"),
                       full_year("Lancashire", "Drug offences", (20, 40, 60, 80), year="2018/19")])
    return {"old": write_workbook(folder / "old.xlsx", {"2017-18": year1}),
            "new": write_workbook(folder / "prc-pfa-mar2013-onwards-tables.ods",
                                  {"2017-18": year1, "2018-19": year2}),
            "gappy": write_workbook(folder / "gappy.xlsx", {"2017-18": pd.concat([
                full_year("Kent"), full_year("Lancashire").iloc[:3]])})}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_folder_comes_from_the_environment(store):
    assert releases.releases_folder() == store
    assert releases.list_releases().empty and releases.active_release() is None
    assert not store.exists()  # looking does not create anything


def test_import_stores_table_and_description(workbooks, store):
    release = releases.import_release(workbooks["new"])
    assert re.fullmatch(r"ho-[0-9a-f]{12}", release.id) and release.sha256 == sha256(workbooks["new"])
    assert release.id == "ho-" + release.sha256[:12]
    assert (release.first_period, release.last_period) == ("2017Q2", "2019Q1")
    assert release.financial_years == ("2017/18", "2018/19") and release.n_forces == 2
    assert sorted(p.name for p in (store / release.id).iterdir()) == ["recorded_crime.csv", "release.json"]
    info = json.loads((store / release.id / "release.json").read_text())
    assert info["sha256"] == release.sha256 and info["source_file"] == "prc-pfa-mar2013-onwards-tables.ods"
    assert info["financial_years"] == ["2017/18", "2018/19"] and info["n_forces"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", info["imported_at"])
    table = release.table()
    assert list(table.columns) == ["force", "offence_group", "period", "count"]
    assert table["count"].dtype == "int64" and table["period"].tolist()[:2] == ["2017Q2", "2017Q3"]
    kent = table[(table["force"] == "Kent") & (table["offence_group"] == "Robbery")]
    assert kent["count"].tolist() == [1, 2, 3, 4, 2, 4, 6, 8]


def test_label_names_date_file_and_years(workbooks):
    release = releases.import_release(workbooks["new"])
    assert release.label == (f"Home Office open data tables, release imported {release.imported_at[:10]} from "
                             "prc-pfa-mar2013-onwards-tables.ods (2017/18–2018/19)")


def test_importing_twice_is_idempotent(workbooks, store):
    first = releases.import_release(workbooks["new"])
    files = {p.name: p.read_bytes() for p in (store / first.id).iterdir()}
    second = releases.import_release(workbooks["new"])
    assert second == first and second.imported_at == first.imported_at
    assert {p.name: p.read_bytes() for p in (store / first.id).iterdir()} == files
    assert len(releases.list_releases()) == 1


def test_atomic_writes_leave_no_temporary_files(workbooks, store):
    releases.import_release(workbooks["old"])
    releases.import_release(workbooks["new"])
    releases.use_release("embedded")
    leftovers = [p for p in store.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_source_file_is_not_changed(workbooks):
    path = workbooks["new"]
    before = (sha256(path), path.stat().st_mtime_ns, path.stat().st_size)
    releases.import_release(path)
    assert (sha256(path), path.stat().st_mtime_ns, path.stat().st_size) == before


def test_table_is_a_fresh_copy(workbooks):
    release = releases.import_release(workbooks["old"])
    table = release.table()
    table["count"] = 0
    assert release.table()["count"].sum() == 1 + 2 + 3 + 4 + 10 + 20 + 30 + 40


def test_list_newest_first_and_active(workbooks):
    old = releases.import_release(workbooks["old"])
    new = releases.import_release(workbooks["new"])
    listing = releases.list_releases()
    assert old.imported_at < new.imported_at and listing["id"].tolist() == [new.id, old.id]
    assert listing.set_index("id")["active"].to_dict() == {new.id: True, old.id: False}
    assert list(listing.columns) == ["id", "name", "imported_at", "first_period", "last_period",
                                     "financial_years", "n_forces", "source_file", "active"]
    assert listing.set_index("id").loc[new.id, "financial_years"] == "2017/18–2018/19"


def test_use_release_and_environment_override(workbooks, monkeypatch):
    old = releases.import_release(workbooks["old"])
    new = releases.import_release(workbooks["new"])
    assert releases.active_release() == new  # the last import is in use
    assert releases.use_release(old.id[:8]) == old and releases.active_release() == old  # a unique start works
    assert releases.use_release(None) is None and releases.active_release() is None
    assert releases.use_release("embedded") is None and not releases.list_releases()["active"].any()
    releases.use_release(new.id)
    monkeypatch.setenv("FORCAST_RELEASE", "embedded")
    assert releases.active_release() is None
    monkeypatch.setenv("FORCAST_RELEASE", old.id)
    assert releases.active_release() == old
    monkeypatch.setenv("FORCAST_RELEASE", "ho-000000000000")
    with pytest.raises(ReleaseError, match=r"FORCAST_RELEASE='ho-000000000000': Release 'ho-000000000000' is "
                                           r"not a stored release"):
        releases.active_release()


def test_reimport_puts_the_release_back_in_use(workbooks):
    old = releases.import_release(workbooks["old"])
    releases.import_release(workbooks["new"])
    assert releases.import_release(workbooks["old"]) == old and releases.active_release() == old


def test_remove_release(workbooks, store):
    old = releases.import_release(workbooks["old"])
    new = releases.import_release(workbooks["new"])
    assert releases.remove_release(new.id) == new
    assert not (store / new.id).exists() and releases.list_releases()["id"].tolist() == [old.id]
    assert releases.active_release() == old  # the choice went with it: the newest left is in use
    with pytest.raises(ReleaseError, match=rf"Release '{new.id}' is not a stored release .*Stored releases: {old.id}"):
        releases.remove_release(new.id)


def test_unfinished_folders_are_ignored(workbooks, store):
    release = releases.import_release(workbooks["old"])
    (store / "ho-halfwritten").mkdir()
    (store / "ho-halfwritten" / "recorded_crime.csv").write_text("force\n")
    assert releases.list_releases()["id"].tolist() == [release.id]


def test_missing_quarters_need_the_flag(workbooks):
    with pytest.raises(HomeOfficeMissingQuarterError, match=r"Lancashire: 2018Q1 \(2017/18 Q4\)"):
        releases.import_release(workbooks["gappy"])
    assert releases.list_releases().empty
    release = releases.import_release(workbooks["gappy"], allow_missing_quarters=True)
    assert release.table().query("force == 'Lancashire'")["period"].unique().tolist() == ["2017Q2", "2017Q3",
                                                                                          "2017Q4"]
