"""The chapter's "Demand by crime type" section (``build_chapter(by="offence-group")``, ``forcast fms --by``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast import datasets
from forcast.cli import main
from forcast.errors import ParameterError
from forcast.fms import build_chapter
from forcast.fms.blocks import Figure, Paragraph, Table

FAST = dict(backtest=False, models=["seasonal_naive", "drift"], n_paths=200, seed=3)


@pytest.fixture(scope="module")
def chapter():
    return build_chapter(force="Kent", by="offence-group", **FAST)


def _section(chapter):
    return next(s for s in chapter.sections if s.key == "crime_types")


def test_the_section_follows_the_projection(chapter):
    keys = [s.key for s in chapter.sections]
    assert keys.index("crime_types") == keys.index("projection") + 1
    assert _section(chapter).title == "Demand by crime type"


def test_the_groups_add_up_to_the_total_recorded_and_projected(chapter):
    table = next(b for b in _section(chapter).blocks if isinstance(b, Table))
    frame = table.frame
    assert frame["Offence group"].iloc[-1] == "Total"
    assert sorted(frame["Offence group"].iloc[:-1]) == sorted(datasets.OFFENCE_GROUPS)
    groups, total = frame.iloc[:-1], frame.iloc[-1]
    assert groups["2022/23 recorded"].sum() == pytest.approx(total["2022/23 recorded"])
    assert groups["2026/27 projected"].sum() == pytest.approx(total["2026/27 projected"], rel=1e-9)
    assert (frame["95% low"] <= frame["2026/27 projected"]).all()
    assert (frame["2026/27 projected"] <= frame["95% high"]).all()
    np.testing.assert_allclose(frame["Change"], frame["2026/27 projected"] - frame["2022/23 recorded"])
    assert list(groups["Change"].abs()) == sorted(groups["Change"].abs(), reverse=True)  # largest change first
    if "Share of the change (%)" in frame:
        assert groups["Share of the change (%)"].sum() == pytest.approx(100)
    recorded = datasets.recorded_crime("Kent", "Theft offences")
    theft = frame.set_index("Offence group").loc["Theft offences", "2022/23 recorded"]
    assert theft == recorded.loc["2022Q2":"2023Q1"].sum()


def test_the_words_name_the_groups_that_drive_the_change(chapter):
    section = _section(chapter)
    table = next(b for b in section.blocks if isinstance(b, Table)).frame
    first = next(b for b in section.blocks if isinstance(b, Paragraph)).text
    biggest = table.iloc[0]
    assert f"{biggest['Offence group'].lower()} ({biggest['Change']:+,.0f}" in first
    total = table.iloc[-1]
    assert f"{abs(total['Change']):,.0f}" in first
    last = [b for b in section.blocks if isinstance(b, Paragraph)][-1].text
    assert "the groups add up to the total" in last and "forecast on its own, as in the projection above" in last


def test_the_chart_has_alt_text_naming_the_largest_changes(chapter):
    figure = next(b for b in _section(chapter).blocks if isinstance(b, Figure))
    assert figure.filename == "crime_types.png"
    assert figure.alt_text.startswith("Bar chart of the projected change in recorded crime from 2022/23 to 2026/27")
    table = next(b for b in _section(chapter).blocks if isinstance(b, Table)).frame
    assert table["Offence group"].iloc[0] in figure.alt_text


def test_without_by_there_is_no_such_section():
    chapter = build_chapter(force="Kent", **FAST)
    assert "crime_types" not in [s.key for s in chapter.sections]


def test_by_is_checked():
    with pytest.raises(ParameterError, match=r"`by` must be None or 'offence-group'. Got 'crime type'."):
        build_chapter(force="Kent", by="crime type", **FAST)
    with pytest.raises(ParameterError, match=r"`by='offence-group'` needs an embedded force .* Got "
                                             r"force='Northshire'"):
        build_chapter(force="Northshire", measures={"Crime": datasets.recorded_crime("Kent")}, by="offence-group",
                      **FAST)
    calls = datasets.recorded_crime("Kent").rename("Calls")
    calls.attrs = {**calls.attrs, "measure": "calls_999", "source": "own export"}
    with pytest.raises(ParameterError, match=r"breaks down Kent's embedded recorded crime, which this chapter does "
                                             r"not include"):
        build_chapter(force="Kent", measures={"999 calls": calls}, by="offence-group", **FAST)


def test_cli_fms_by_offence_group_writes_the_table_and_chart(tmp_path, capsys):
    code = main(["fms", "--force", "Dorset", "--by", "offence-group", "--models", "seasonal_naive,drift",
                 "--n-paths", "200", "--no-backtest", "--formats", "md", "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    table = pd.read_csv(tmp_path / "tables" / "crime_types.csv")
    assert table["Offence group"].iloc[-1] == "Total" and len(table) == 10
    assert (tmp_path / "figures" / "crime_types.png").exists()
    assert "## Demand by crime type" in (tmp_path / "chapter.md").read_text(encoding="utf-8")
