"""Tests for forcast.comparison and forcast.data.crime_rates: financial-year rates per 1,000, the inspectorate's +/-1 SD
rule, incomplete years, the MSG and England and Wales rows, and previous years.

Golden numbers come from the shared copies of the published sources, read here with plain pandas and never from
an earlier run of this code: the Home Office quarterly totals (prc_pfa_quarterly_totals_excl_fraud_2002_2023.csv,
by offence group in prc_pfa_quarterly_by_offence_group_2002_2023.csv) and the ONS revised mid-year populations
(pfa_population_mid2011_2023_revised.csv). Lancashire's 2022/23 total, 131,321, is the sum of its four published
quarters (35,851 + 34,024 + 30,718 + 30,728).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from forcast import comparison
from forcast.data import crime_rates
from forcast.reporting.comparison import HIGHER, INCOMPLETE, LOWER, SIMILAR, TABLE_COLUMNS
from forcast.errors import ParameterError, UnknownDatasetError

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CRIME_CSV = SHARED / "ho_open_data" / "prc_pfa_quarterly_totals_excl_fraud_2002_2023.csv"
GROUPS_CSV = SHARED / "ho_open_data" / "prc_pfa_quarterly_by_offence_group_2002_2023.csv"
POP_CSV = SHARED / "population" / "pfa_population_mid2011_2023_revised.csv"
LANCASHIRE_MSG = ["South Wales", "South Yorkshire", "Northumbria", "Nottinghamshire", "Humberside", "Kent",
                  "West Yorkshire"]
KINDS = ["force"] + ["msg_member"] * 7 + ["msg", "england_and_wales", "all_forces_mean"]


# --- the independent oracle ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def oracle():
    """Per force and financial year: crimes (sum of four quarters) or None, and the population per mid-year."""
    if not (CRIME_CSV.exists() and POP_CSV.exists()):
        pytest.skip("shared data folder absent")
    crime = pd.read_csv(CRIME_CSV)
    pop = pd.read_csv(POP_CSV).set_index(["force", "year"])["population"]
    return crime, pop


def oracle_rates(oracle, year: str, mid_year: int) -> pd.DataFrame:
    crime, pop = oracle
    rows = crime[crime["financial_year"] == year].groupby("force")["count"].agg(["sum", "size"])
    rows["population"] = [pop[(f, mid_year)] for f in rows.index]
    rows["rate"] = 1000 * rows["sum"] / rows["population"]
    rows.loc[rows["size"] < 4, "rate"] = math.nan
    return rows


@pytest.fixture(scope="module")
def lancashire():
    return comparison.compare("Lancashire")


@pytest.fixture(scope="module")
def lancashire_table(lancashire):
    return lancashire.table()


# --- rates from the published quarters ---------------------------------------------------------------------
def test_lancashire_2022_23_rate_computed_by_hand(oracle):
    crime, pop = oracle
    quarters = crime[(crime["force"] == "Lancashire") & (crime["financial_year"] == "2022/23")]["count"]
    assert len(quarters) == 4 and quarters.sum() == 131321
    row = comparison.rates("2022/23").set_index("force").loc["Lancashire"]
    assert (row["crimes"], row["quarters"], row["population_year"]) == (131321, 4, 2022)
    assert row["population"] == pop[("Lancashire", 2022)] == 1551393
    assert row["rate_per_1000"] == pytest.approx(1000 * 131321 / 1551393)  # 84.65


@pytest.mark.parametrize("year, mid_year", [("2022/23", 2022), ("2019/20", 2019), ("2011/12", 2011)])
def test_every_force_matches_the_published_quarters_and_populations(oracle, year, mid_year):
    expected = oracle_rates(oracle, year, mid_year)
    ours = comparison.rates(year).set_index("force")
    assert list(comparison.rates(year).columns) == crime_rates.RATE_COLUMNS
    assert sorted(ours.index) == sorted(expected.index) and len(ours) == 43
    assert "British Transport Police" not in ours.index
    assert (ours["population_year"] == mid_year).all()
    for force, row in expected.iterrows():
        assert ours.at[force, "population"] == row["population"], force
        if row["size"] == 4:
            assert ours.at[force, "crimes"] == row["sum"], force
            assert ours.at[force, "rate_per_1000"] == pytest.approx(row["rate"]), force
        else:
            assert pd.isna(ours.at[force, "crimes"]) and math.isnan(ours.at[force, "rate_per_1000"]), force


def test_incomplete_year_has_no_partial_sum():
    table = comparison.rates("2022/23").set_index("force")
    assert pd.isna(table.at["Devon and Cornwall", "crimes"])
    assert table.at["Devon and Cornwall", "quarters"] == 2
    assert math.isnan(table.at["Devon and Cornwall", "rate_per_1000"])
    assert table.attrs["incomplete"] == {"Devon and Cornwall": ["2022Q4", "2023Q1"]}
    assert comparison.rates("2021/22").attrs["incomplete"] == {}


def test_default_year_is_the_latest_complete_one(lancashire):
    assert lancashire.financial_year == "2022/23"
    assert lancashire.population_year == 2022
    assert lancashire.period_end == pd.Timestamp("2023-03-31")
    assert crime_rates.latest_year() == pd.Period("2023", freq="Y-MAR")


def test_population_year_rule_and_nearest_beyond_the_embedded_years():
    assert crime_rates.population_mid_year("2022/23") == (2022, "")
    assert crime_rates.population_mid_year("2011/12") == (2011, "")
    year, note = crime_rates.population_mid_year("2025/26")
    assert year == 2023
    assert note == "Populations are embedded to mid-2023: 2025/26 uses mid-2023, the nearest, instead of mid-2025."
    with pytest.raises(UnknownDatasetError, match="rates start with 2011/12; 2010/11 would need mid-2010"):
        crime_rates.population_mid_year("2010/11")
    with pytest.raises(UnknownDatasetError, match="population_year must be an embedded mid-year, 2011-2023"):
        crime_rates.population_mid_year("2022/23", 2030)


def test_population_year_can_be_chosen(oracle):
    _, pop = oracle
    c = comparison.compare("Lancashire", "2022/23", population_year=2021)
    row = c.rates.set_index("force").loc["Lancashire"]
    assert row["population"] == pop[("Lancashire", 2021)]
    assert row["rate_per_1000"] == pytest.approx(1000 * 131321 / pop[("Lancashire", 2021)])
    assert c.notes[0] == "Rates use mid-2021 populations (chosen), not mid-2022, the mid-year inside 2022/23."
    assert "(ONS mid-2021)" in _caption(c)
    early = comparison.rates("2005/06", population_year=2011)
    assert early.attrs["financial_year"] == "2005/06" and early.attrs["population_year"] == 2011


def _caption(c) -> str:
    from forcast.fms.tables import comparison_table

    return comparison_table(c).caption


def test_past_year_can_be_compared(oracle):
    c = comparison.compare("Lancashire", "2019/20")
    expected = oracle_rates(oracle, "2019/20", 2019)
    t = c.table().set_index("area")
    assert t.at["Lancashire", "crimes"] == expected.at["Lancashire", "sum"]
    assert c.incomplete == {}
    assert t.index[9] == "England and Wales"
    assert t.at["England and Wales", "crimes"] == expected["sum"].sum()
    assert t.at["England and Wales", "population"] == expected["population"].sum()
    assert c.notes[-1] == ("England and Wales is the sum of the 43 territorial forces (British Transport Police is "
                           "not in the published tables).")


@pytest.mark.parametrize("bad, error, text", [
    ("2024/25", UnknownDatasetError, "No recorded crime is in use for 2024/25: financial years 2002/03-2022/23"),
    ("2023", ParameterError, "A bare year is ambiguous"),
    ("March 2018 please", ParameterError, "year must be a financial year such as '2022/23'"),
])
def test_unknown_or_unreadable_year_is_refused(bad, error, text):
    with pytest.raises(error, match=text):
        comparison.compare("Lancashire", bad)


# --- the inspectorate's rule ---------------------------------------------------------------------------
def test_mean_and_sd_are_unweighted_mean_and_sample_sd():
    assert comparison.mean_and_sd([1.0, 3.0, 5.0]) == (3.0, 2.0)
    assert comparison.mean_and_sd([0.0, 3.0, 3.0, 6.0])[1] == pytest.approx(math.sqrt(6.0))
    with pytest.raises(ParameterError, match="at least two finite rates"):
        comparison.mean_and_sd([1.0, float("nan")])


def test_flag_rule_on_hand_made_rates():
    rates = [1.0, 3.0, 5.0, 7.0, 9.0]  # mean 5, sample sd sqrt(10) = 3.162...
    mean, sd = comparison.mean_and_sd(rates)
    flags = [comparison.inspectorate_flag((r - mean) / sd) for r in rates]
    assert flags == [LOWER, SIMILAR, SIMILAR, SIMILAR, HIGHER]
    # exactly one standard deviation away is NOT "more than one standard deviation"
    assert comparison.inspectorate_flag(1.0) == SIMILAR
    assert comparison.inspectorate_flag(-1.0) == SIMILAR
    assert comparison.inspectorate_flag(1.0000001) == HIGHER
    assert comparison.inspectorate_flag(-1.0000001) == LOWER
    assert comparison.inspectorate_flag(float("nan")) == INCOMPLETE


def test_lancashire_mean_sd_and_flags_follow_the_rule(oracle, lancashire, lancashire_table):
    expected = oracle_rates(oracle, "2022/23", 2022)
    reference = expected.drop(index=["City of London", "Devon and Cornwall"])["rate"]
    assert reference.notna().all() and len(reference) == 41
    assert lancashire.n_forces == 41
    assert lancashire.mean == pytest.approx(reference.mean())
    assert lancashire.sd == pytest.approx(reference.std(ddof=1))
    t = lancashire_table.set_index("area")
    for area in ["Lancashire", *LANCASHIRE_MSG]:
        z = (expected.at[area, "rate"] - reference.mean()) / reference.std(ddof=1)
        assert t.at[area, "difference_from_mean_sd"] == pytest.approx(z)
        assert t.at[area, "flag"] == (HIGHER if z > 1 else LOWER if z < -1 else SIMILAR)
    # West Yorkshire 132.3 and South Yorkshire 115.4 are above mean + SD (87.6 + 20.6); Lancashire 84.6 is not
    assert t.at["West Yorkshire", "flag"] == t.at["South Yorkshire", "flag"] == HIGHER
    assert t.at["Lancashire", "flag"] == SIMILAR


# --- incomplete years --------------------------------------------------------------------------------------
def test_devon_and_cornwall_is_left_out_of_the_2022_23_mean_with_a_note(oracle, lancashire):
    expected = oracle_rates(oracle, "2022/23", 2022)
    assert lancashire.left_out == ("City of London", "Devon and Cornwall")
    assert lancashire.incomplete == {"Devon and Cornwall": ["2022Q4", "2023Q1"]}
    with_all_complete = expected.drop(index="City of London")["rate"].dropna()
    assert lancashire.mean == pytest.approx(with_all_complete.mean())  # NaN never summed into the mean
    notes = " ".join(lancashire.notes)
    assert ("Devon and Cornwall is left out of the mean and standard deviation and the England and Wales total: "
            "its 2022/23 lacks 2022Q4 (October-December 2022) and 2023Q1 (January-March 2023)") in notes
    assert "England and Wales 2022/23 excludes Devon and Cornwall, whose year is incomplete" in notes
    assert "City of London is left out of the mean and standard deviation" in notes
    assert lancashire.notes[0] == ("Rates per 1,000 residents use ONS mid-2022 population estimates (the mid-year "
                                   "inside 2022/23).")
    assert lancashire.table().attrs["notes"] == lancashire.notes


def test_england_and_wales_2022_23_is_the_complete_forces_over_their_population(oracle, lancashire_table):
    expected = oracle_rates(oracle, "2022/23", 2022).drop(index="Devon and Cornwall")
    ew = lancashire_table[lancashire_table["kind"] == "england_and_wales"].iloc[0]
    assert ew["area"] == "England and Wales (excluding Devon and Cornwall)"
    assert ew["crimes"] == expected["sum"].sum()
    assert ew["population"] == expected["population"].sum()
    assert ew["rate_per_1000"] == pytest.approx(1000 * expected["sum"].sum() / expected["population"].sum())


def test_incomplete_force_compared_has_no_rate_and_says_so():
    c = comparison.compare("Devon and Cornwall", "2022/23", group=["Avon and Somerset", "Dorset"])
    t = c.table()
    assert list(t.columns) == TABLE_COLUMNS
    assert t["kind"].tolist() == ["force", "msg_member", "msg_member", "msg", "england_and_wales",
                                  "all_forces_mean"]
    row = t.iloc[0]
    assert pd.isna(row["crimes"]) and math.isnan(row["rate_per_1000"]) and row["flag"] == INCOMPLETE
    assert row["population"] > 0
    text = " ".join(c.sentences())
    assert text.startswith("Devon and Cornwall's 2022/23 is incomplete: 2022Q4 (October-December 2022) and "
                           "2023Q1 (January-March 2023) are not published, so it has no rate for 2022/23")
    assert "standard deviations above" not in text and "standard deviations below" not in text
    assert c.notes[1].startswith("Devon and Cornwall, the force compared, is left out of the mean")
    assert comparison.compare("Devon and Cornwall", "2021/22", group=["Dorset"]).table()["flag"].iloc[0] in (
        HIGHER, LOWER, SIMILAR)


def test_incomplete_msg_member_is_left_out_of_the_group_total():
    c = comparison.compare("Lancashire", group=["Avon and Somerset", "Devon and Cornwall", "Dorset"])
    t = c.table().set_index("kind")
    members = c.table()[c.table()["kind"] == "msg_member"].set_index("area")
    assert members.at["Devon and Cornwall", "flag"] == INCOMPLETE
    complete = members.drop(index="Devon and Cornwall")
    assert t.at["msg", "crimes"] == complete["crimes"].sum()
    assert t.at["msg", "population"] == complete["population"].sum()
    assert t.at["msg", "area"] == "Most similar group (excluding Lancashire; Devon and Cornwall incomplete)"
    assert "the most similar group's total" in c.notes[1]
    assert "Devon and Cornwall has no rate (year incomplete)" in c.sentences()[3]


def test_any_force_missing_a_quarter_is_left_out_with_its_quarters_named(monkeypatch):
    from forcast.data import crime_series

    full, source, release = crime_series.crime_table()
    cut = full[~((full["force"] == "Kent") & (full["period"] == "2022Q2"))]
    monkeypatch.setattr(crime_rates, "crime_table", lambda: (cut, source, release))
    c = comparison.compare("Lancashire", "2022/23")
    assert c.incomplete == {"Devon and Cornwall": ["2022Q4", "2023Q1"], "Kent": ["2022Q2"]}
    assert c.n_forces == 40
    assert any(n.startswith("Kent is left out of the mean and standard deviation, the most similar group's total "
                            "and the England and Wales total: its 2022/23 lacks 2022Q2 (April-June 2022)")
               for n in c.notes)
    t = c.table().set_index("area")
    assert t.at["Kent", "flag"] == INCOMPLETE
    assert "England and Wales (excluding Devon and Cornwall and Kent)" in t.index


# --- Lancashire's table and sentences --------------------------------------------------------------------
def test_lancashire_table_lists_force_members_msg_ew_and_mean(lancashire_table):
    t = lancashire_table
    assert list(t.columns) == TABLE_COLUMNS
    assert t["kind"].tolist() == KINDS
    assert t["area"].iloc[0] == "Lancashire" and t["crimes"].iloc[0] == 131321
    assert t["area"].iloc[1:8].tolist() == LANCASHIRE_MSG
    assert t["flag"].iloc[:10].isin([HIGHER, LOWER, SIMILAR]).all()
    assert pd.isna(t["flag"].iloc[10]) and t["area"].iloc[10] == "Mean of 41 forces"
    assert t["rate_per_1000"].notna().all()


def test_msg_rate_is_sum_over_sum_excluding_the_force(lancashire_table):
    t = lancashire_table
    members = t[t["kind"] == "msg_member"]
    msg = t[t["kind"] == "msg"].iloc[0]
    assert msg["crimes"] == members["crimes"].sum()
    assert msg["population"] == members["population"].sum()
    assert msg["rate_per_1000"] == pytest.approx(1000 * members["crimes"].sum() / members["population"].sum())
    assert msg["rate_per_1000"] != pytest.approx(members["rate_per_1000"].mean())  # not a mean of rates
    assert msg["area"] == "Most similar group (excluding Lancashire)"
    assert lancashire_table.attrs["msg_includes_force"] is False


def test_sentences_quote_the_table(lancashire, lancashire_table):
    text = " ".join(lancashire.sentences())
    t = lancashire_table.set_index("kind")
    assert text.startswith("Lancashire recorded 84.6 crimes per 1,000 people in 2022/23")
    for kind in ("force", "msg", "england_and_wales"):
        assert f"{t.at[kind, 'rate_per_1000']:.1f}" in text
    assert "in England and Wales (without Devon and Cornwall)" in text
    assert "over ONS mid-2022 population estimates: for Lancashire, 131,321 crimes and 1,551,393 people." in text
    assert f"{abs(t.at['force', 'difference_from_mean_sd']):.2f} standard deviations below" in text
    assert f"this is {t.at['force', 'flag']}." in text
    assert f"{lancashire.mean:.1f}" in text and f"{lancashire.sd:.1f}" in text
    assert "leaving out City of London and Devon and Cornwall" in text
    assert "South Yorkshire (115.4) and West Yorkshire (132.3) are significantly higher" in text


def test_all_forces_with_a_rate_can_be_used_for_the_mean():
    c = comparison.compare("Lancashire", excluded_from_mean=())
    assert c.n_forces == 42  # all but Devon and Cornwall, whose year is incomplete
    assert c.sd > 80  # City of London's rate (about 665) swamps the spread -- why it is left out by default


def test_custom_group_and_bad_groups():
    c = comparison.compare("Lancashire", group=["Merseyside", "greater manchester police"])
    assert c.table()["area"].iloc[1:3].tolist() == ["Merseyside", "Greater Manchester"]
    with pytest.raises(ParameterError, match="Offending: Lancashire"):
        comparison.compare("Lancashire", group=["Lancashire", "Kent"])
    with pytest.raises(ParameterError, match="single string"):
        comparison.compare("Lancashire", group="Kent")
    with pytest.raises(ParameterError, match="no resident population"):
        comparison.compare("British Transport Police", group=["Kent"])


# --- offence groups ------------------------------------------------------------------------------------
def test_offence_group_comparison_matches_the_published_group_quarters(oracle):
    if not GROUPS_CSV.exists():
        pytest.skip("shared data folder absent")
    crime = pd.read_csv(GROUPS_CSV)
    rows = crime[(crime["offence_group"] == "Robbery") & (crime["financial_year"] == "2022/23")]
    sums = rows.groupby("force")["count"].agg(["sum", "size"])
    c = comparison.compare("Lancashire", "2022/23", offence_group="robbery")
    t = c.table().set_index("area")
    assert t.at["Lancashire", "crimes"] == sums.at["Lancashire", "sum"]
    assert c.rates.attrs["measure"] == "Robbery"
    assert "crimes (robbery) per 1,000 people in 2022/23" in c.sentences()[0]
    _, pop = oracle
    ref = sums[sums["size"] == 4].drop(index="City of London")
    ref_rates = 1000 * ref["sum"] / [pop[(f, 2022)] for f in ref.index]
    assert c.mean == pytest.approx(ref_rates.mean()) and c.sd == pytest.approx(ref_rates.std(ddof=1))


# --- previous years --------------------------------------------------------------------------------------
def test_trend_lists_the_last_five_years_from_the_published_quarters(oracle):
    crime, _ = oracle
    lanc = crime[crime["force"] == "Lancashire"].groupby("financial_year")["count"].sum()
    t = comparison.trend("Lancashire", years=5)
    assert list(t.columns) == ["financial_year", "crimes", "change", "pct_change"]
    assert t["financial_year"].tolist() == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    assert t["crimes"].tolist() == [lanc[y] for y in t["financial_year"]]
    last = t.iloc[-1]
    assert (last["crimes"], last["change"]) == (131321, 131321 - lanc["2021/22"])
    assert last["pct_change"] == pytest.approx(100 * (131321 - lanc["2021/22"]) / lanc["2021/22"])
    assert t.attrs["note"] == ""
    assert comparison.trend_sentence(t) == (
        f"Lancashire recorded 131,321 crimes in 2022/23, "
        f"{comparison.change_phrase(131321, lanc['2021/22'], '2021/22')} and "
        f"{comparison.change_phrase(131321, lanc['2018/19'], '2018/19')}."
    )


def test_trend_can_end_at_an_earlier_year_and_notes_an_incomplete_latest_year():
    t = comparison.trend("Lancashire", years=3, year="2019/20")
    assert t["financial_year"].tolist() == ["2017/18", "2018/19", "2019/20"]
    devon = comparison.trend("Devon and Cornwall")
    assert devon["financial_year"].iloc[-1] == "2021/22"
    assert devon.attrs["note"] == ("Devon and Cornwall's 2022/23 is incomplete, lacking 2022Q4 (October-December "
                                   "2022) and 2023Q1 (January-March 2023), so the table ends with 2021/22.")
    with pytest.raises(UnknownDatasetError, match="Devon and Cornwall has no complete 2022/23"):
        comparison.trend("Devon and Cornwall", year="2022/23")


def test_trend_first_available_year_has_no_change_and_bad_years_refused():
    t = comparison.trend("Lancashire", years=21)
    assert t["financial_year"].iloc[0] == "2002/03" and pd.isna(t["change"].iloc[0])
    for bad in (0, 22, 2.5, True):
        with pytest.raises(ParameterError, match="years must be a whole number from 1 to 21"):
            comparison.trend("Lancashire", years=bad)


def test_change_phrase():
    assert comparison.change_phrase(127028, 107610, "2016/17") == "up 18.0% on 2016/17"
    assert comparison.change_phrase(90, 100, "2016/17") == "down 10.0% on 2016/17"
    assert comparison.change_phrase(100, 100, "2016/17") == "unchanged on 2016/17"
    with pytest.raises(ParameterError):
        comparison.change_phrase(5, 0, "2016/17")


# --- chart -----------------------------------------------------------------------------------------------
def test_comparison_chart_draws_bars_and_sd_lines(lancashire):
    from matplotlib.figure import Figure

    from forcast.reporting.plotting import comparison_chart

    fig = Figure()
    ax = fig.add_subplot()
    assert comparison_chart(lancashire, ax=ax) is fig
    assert len(ax.patches) >= 10  # force, 7 members, MSG, England and Wales (+ the shaded SD band)
    xs = sorted(line.get_xdata()[0] for line in ax.get_lines() if len(line.get_xdata()))
    mean, sd = lancashire.mean, lancashire.sd
    assert xs == pytest.approx([mean - sd, mean, mean + sd])
    assert "2022/23" in ax.get_title() and "mid-2022" in ax.get_xlabel()
    assert lancashire.plot() is not None
