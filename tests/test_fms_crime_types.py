"""The chapter's "Demand by crime type" section (``build_chapter(by="offence-group")``, ``forcast fms --by``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forcast import datasets
from forcast.cli import main
from forcast.errors import ParameterError, UnknownForceError
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
    assert frame["Offence group"].iloc[-1] == "All nine groups"
    assert sorted(frame["Offence group"].iloc[:-1]) == sorted(datasets.OFFENCE_GROUPS)
    groups, total = frame.iloc[:-1], frame.iloc[-1]
    assert total["2022/23 recorded"] == datasets.recorded_crime("Kent").loc["2022Q2":"2023Q1"].sum()
    assert groups["2022/23 recorded"].sum() == pytest.approx(total["2022/23 recorded"])
    assert groups["2026/27 projected"].sum() == pytest.approx(total["2026/27 projected"], rel=1e-9)
    fy = chapter_crime_types(chapter)
    reconciled = fy[(fy["offence_group"] == "Total") & (fy["financial_year"] == "2026/27")
                    & (fy["model"] == fy["model"].iloc[0])]["mean"].iloc[0]
    assert total["2026/27 projected"] == pytest.approx(reconciled, rel=1e-9)  # the groups add up to the total
    assert (groups["95% low"] <= groups["2026/27 projected"]).all()
    assert (groups["2026/27 projected"] <= groups["95% high"]).all()
    assert np.isnan(total["95% low"]) and np.isnan(total["95% high"])  # its interval is the projection section's
    np.testing.assert_allclose(frame["Change"], frame["2026/27 projected"] - frame["2022/23 recorded"])
    assert list(groups["Change"].abs()) == sorted(groups["Change"].abs(), reverse=True)  # largest change first
    if "Share of the change (%)" in frame:
        assert groups["Share of the change (%)"].sum() == pytest.approx(100, abs=5)  # rounded shares
        assert "may not add to exactly 100%" in table.note
    recorded = datasets.recorded_crime("Kent", "Theft offences")
    theft = frame.set_index("Offence group").loc["Theft offences", "2022/23 recorded"]
    assert theft == recorded.loc["2022Q2":"2023Q1"].sum()


def chapter_crime_types(chapter) -> pd.DataFrame:
    """The reconciled forecasts behind the section, rebuilt exactly as the chapter made them."""
    from forcast.forecasting.many import forecast_many, recorded_crime_series

    data = recorded_crime_series(["Kent"], by="offence-group")
    return forecast_many(data, ["force", "offence_group"], reconcile="offence_group", until="2026/27",
                         models=FAST["models"], n_paths=FAST["n_paths"], seed=FAST["seed"]).financial_years()


def test_the_words_give_the_chapter_s_total_first_then_the_groups(chapter):
    section = _section(chapter)
    table = next(b for b in section.blocks if isinstance(b, Table)).frame
    first = next(b for b in section.blocks if isinstance(b, Paragraph)).text
    projection = next(s for s in chapter.sections if s.key == "projection")
    shown = next(b for b in projection.blocks if isinstance(b, Table)).frame
    own = shown[shown.iloc[:, 0] == "2026/27"].iloc[0]
    alone = float(next(v for v in own.to_numpy() if isinstance(v, (int, float, np.floating)) and v > 1000))
    assert first.startswith(f"The projection for 2026/27 is {alone:,.0f} recorded crimes")
    summed = table.iloc[-1]["2026/27 projected"]
    assert f"the nine offence groups come to {summed:,.0f}" in first
    material = table.iloc[:-1][table.iloc[:-1]["Change (%)"].abs() >= 2]
    if len(material):
        biggest = material.iloc[0]
        assert f"{biggest['Offence group'].lower()} ({biggest['Change']:+,.0f}, {biggest['Change (%)']:+.1f}%)" in first
    else:
        assert "No type of crime is projected to change by 2% or more" in first
    last = [b for b in section.blocks if isinstance(b, Paragraph)][-1].text
    assert "the nine types add up to the total" in last and "which stays the chapter's figure" in last
    assert "minimum-trace" not in first + last and "path by path" not in first + last


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
    with pytest.raises(ParameterError, match=r"`by` must be None or 'offence-group' \(also spelt 'offence_group'\). Got 'crime type'."):
        build_chapter(force="Kent", by="crime type", **FAST)
    with pytest.raises(UnknownForceError, match=r"`by='offence-group'` needs an embedded force, whose offence groups "
                                                r"are in the embedded data\. Unknown force 'Kentt'.*Did you mean 'Kent'"):
        build_chapter(force="Kentt", measures={"Crime": datasets.recorded_crime("Kent")}, by="offence-group", **FAST)
    with pytest.raises(ParameterError, match=r"needs an embedded force.*Got force=None\."):
        build_chapter(force=None, measures={"Crime": datasets.recorded_crime("Kent")}, by="offence-group", **FAST)
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
    assert table["Offence group"].iloc[-1] == "All nine groups" and len(table) == 10
    assert (tmp_path / "figures" / "crime_types.png").exists()
    assert "## Demand by crime type" in (tmp_path / "chapter.md").read_text(encoding="utf-8")


def test_cli_fms_by_without_the_recorded_crime_is_refused_in_cli_words(tmp_path, capsys):
    code = main(["fms", "--force", "Dorset", "--by", "offence-group", "--no-recorded-crime", "--out",
                 str(tmp_path / "run")])
    assert code == 2
    assert "forcast fms: error: --by offence-group breaks down the force's embedded recorded crime, which " \
        "--no-recorded-crime leaves out. Drop one of the two." in capsys.readouterr().err
    assert not (tmp_path / "run").exists()
