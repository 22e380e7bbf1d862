"""Tests for forcast.comparison: rates per 1,000, the inspectorate's +/-1 SD rule, MSG and England and Wales rows.

Golden numbers come from ONS's own published rates (Police Force Area tables 2018, table P3, copied below from
shared/data/ons_pfa_tables_2018_rates.csv), never from an earlier run of this code. ONS divides by unrounded
populations and the embedded ones are rounded to 100, so a rate may differ by up to rate * 50 / population.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from forcast import comparison, datasets
from forcast.comparison import HIGHER, LOWER, SIMILAR
from forcast.errors import ParameterError, UnknownDatasetError

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LANCASHIRE_MSG = ["South Wales", "South Yorkshire", "Northumbria", "Nottinghamshire", "Humberside", "Kent",
                  "West Yorkshire"]
#: ONS published rates per 1,000 (table P3) and the mid-year population ONS used: (period_end, rate, mid-year).
ONS_LANCASHIRE = [
    ("2018-03-31", 85.60628575549092, 2016),
    ("2018-06-30", 93.72779683555217, 2017),
    ("2018-09-30", 102.63958934503054, 2017),
    ("2018-12-31", 109.23805951974408, 2017),
]
ONS_OTHERS = [
    ("2018-03-31", "South Wales", 79.58937381404174),
    ("2018-03-31", "West Yorkshire", 115.69372882648338),
    ("2018-12-31", "Greater Manchester", 119.68562229727821),
    ("2018-12-31", "North Wales", 83.56360335725077),
]
#: ONS's England and Wales row for the year ending December 2018 (P1 count, P3 rate): 43 forces + BTP.
ONS_EW_DEC_2018 = (5153064, 87.71979788097951)


def within_rounding(rate: float, published: float, population: int) -> bool:
    return abs(rate - published) <= published * 50 / population + 1e-9


@pytest.fixture(scope="module")
def lancashire():
    return comparison.compare("Lancashire", "2018-03-31")


@pytest.fixture(scope="module")
def lancashire_table(lancashire):
    return lancashire.table()


# --- rates reproduce ONS ----------------------------------------------------------------------------------
@pytest.mark.parametrize("period_end, published, year", ONS_LANCASHIRE)
def test_lancashire_rate_matches_ons_published_rate(period_end, published, year):
    row = comparison.rates(period_end).set_index("force").loc["Lancashire"]
    assert row["population_year"] == year
    assert within_rounding(row["rate_per_1000"], published, row["population"])
    assert round(row["rate_per_1000"], 1) == round(published, 1)


@pytest.mark.parametrize("period_end, force, published", ONS_OTHERS)
def test_other_forces_match_ons_published_rates(period_end, force, published):
    row = comparison.rates(period_end).set_index("force").loc[force]
    assert within_rounding(row["rate_per_1000"], published, row["population"])


def test_ons_population_year_rule():
    assert comparison.ons_population_year("2018-03-31") == 2016
    assert comparison.ons_population_year("2017/18") == 2016
    assert [comparison.ons_population_year(e) for e in ("2018-06-30", "2018-09-30", "2018-12-31")] == [2017] * 3
    assert comparison.ons_population_year("2017-12-31") == 2016


@pytest.mark.skipif(not (SHARED / "ons_pfa_tables_2018_rates.csv").exists(), reason="shared data folder absent")
def test_every_unrevised_force_matches_the_ons_rates_file():
    is_force = r"^(E23|W15)"  # force area codes; regions share names with forces (West Midlands)
    published = pd.read_csv(SHARED / "ons_pfa_tables_2018_rates.csv").dropna(subset=["rate_per_1000_total_excl_fraud"])
    published = published[published["area_code"].str.match(is_force)]
    counts = pd.read_csv(SHARED / "ons_pfa_tables_2018_by_offence_group.csv")
    counts = counts[(counts["offence_group"] == "Total recorded crime (excluding fraud)")
                    & counts["area_code"].str.match(is_force)]
    for period_end, ons in published.groupby("period_end"):
        ours = comparison.rates(period_end).set_index("force")
        assert set(ons["population_mid_year"]) == {ours["population_year"].iloc[0]}
        edition = counts[counts["period_end"] == period_end].set_index("area_name")["count"]
        checked = 0
        assert len(ons) == 42  # every territorial force but City of London, whose rate ONS does not publish
        for _, row in ons.iterrows():
            force = row["area_name"]
            if ours.at[force, "crimes"] != edition[force]:
                continue  # revised since that edition (e.g. Avon and Somerset): not the same numerator
            assert within_rounding(ours.at[force, "rate_per_1000"], row["rate_per_1000_total_excl_fraud"],
                                   ours.at[force, "population"]), (period_end, force)
            checked += 1
        assert checked >= 25, period_end  # 28, 26, 34 and 42 of 42 unrevised


def test_rates_frame_has_43_territorial_forces_and_no_btp():
    table = comparison.rates("2018-03-31")
    assert list(table.columns) == ["force", "crimes", "population", "population_year", "rate_per_1000"]
    assert len(table) == 43
    assert "British Transport Police" not in set(table["force"])
    assert "British Transport Police" in table.attrs["excluded"]
    assert (table["rate_per_1000"] == 1000 * table["crimes"] / table["population"]).all()


def test_population_year_can_be_chosen():
    table = comparison.rates("2018-03-31", population_year=2017).set_index("force")
    assert table.at["Lancashire", "population"] == 1490500
    assert table.at["Lancashire", "rate_per_1000"] == pytest.approx(1000 * 127028 / 1490500)


def test_mid_2018_population_is_refused_with_greater_manchester_named():
    with pytest.raises(UnknownDatasetError, match="Greater Manchester"):
        comparison.rates("2018-12-31", population_year=2018)


def test_ons_year_not_embedded_is_refused_with_advice():
    with pytest.raises(UnknownDatasetError, match="ONS used mid-2015.*population_year"):
        comparison.rates("2016/17")


@pytest.mark.parametrize("bad", ["2018-02-28", "2001/02"])
def test_unknown_window_is_refused(bad):
    with pytest.raises(UnknownDatasetError, match="No rolling 12-month total"):
        comparison.rates(bad)


def test_unreadable_period_end_is_refused():
    with pytest.raises(ParameterError, match="period_end must be a date"):
        comparison.rates("March 2018 please")


# --- the inspectorate's rule ---------------------------------------------------------------------------
def test_mean_and_sd_are_unweighted_mean_and_sample_sd():
    assert comparison.mean_and_sd([1.0, 3.0, 5.0]) == (3.0, 2.0)
    assert comparison.mean_and_sd([0.0, 3.0, 3.0, 6.0])[1] == pytest.approx(math.sqrt(6.0))


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


# --- Lancashire's comparison ----------------------------------------------------------------------------
def test_lancashire_table_lists_force_members_msg_ew_and_mean(lancashire_table):
    t = lancashire_table
    assert list(t.columns) == ["area", "kind", "crimes", "population", "rate_per_1000", "difference_from_mean_sd",
                               "flag"]
    assert t["kind"].tolist() == ["force"] + ["msg_member"] * 7 + ["msg", "england_and_wales", "all_forces_mean"]
    assert t["area"].iloc[0] == "Lancashire"
    assert t["area"].iloc[1:8].tolist() == LANCASHIRE_MSG
    assert t["flag"].iloc[:10].isin([HIGHER, LOWER, SIMILAR]).all()
    assert pd.isna(t["flag"].iloc[10])
    assert t["rate_per_1000"].notna().all()


def test_lancashire_z_and_flags_follow_the_rule(lancashire, lancashire_table):
    others = comparison.rates("2018-03-31")
    others = others[others["force"] != "City of London"]["rate_per_1000"]
    assert lancashire.mean == pytest.approx(others.mean())
    assert lancashire.sd == pytest.approx(others.std(ddof=1))
    assert lancashire.n_forces == 42
    t = lancashire_table
    z = (t["rate_per_1000"] - lancashire.mean) / lancashire.sd
    assert t["difference_from_mean_sd"].to_numpy() == pytest.approx(z.to_numpy())
    for zi, flag in zip(z.iloc[:10], t["flag"].iloc[:10]):
        assert flag == comparison.inspectorate_flag(zi)
    # West Yorkshire's published rate is 115.7 per 1,000 -- more than one SD above a mean near 77
    assert t.set_index("area").at["West Yorkshire", "flag"] == HIGHER


def test_msg_rate_is_sum_over_sum_excluding_the_force(lancashire_table):
    t = lancashire_table
    members = t[t["kind"] == "msg_member"]
    msg = t[t["kind"] == "msg"].iloc[0]
    assert msg["crimes"] == members["crimes"].sum()
    assert msg["population"] == members["population"].sum()
    assert msg["rate_per_1000"] == pytest.approx(1000 * members["crimes"].sum() / members["population"].sum())
    assert msg["rate_per_1000"] != pytest.approx(members["rate_per_1000"].mean())  # not a mean of rates
    assert "excluding Lancashire" in msg["area"]
    assert lancashire_table.attrs["msg_includes_force"] is False


def test_england_and_wales_matches_ons_definition():
    t = comparison.compare("Lancashire", "2018-12-31").table()
    ew = t[t["kind"] == "england_and_wales"].iloc[0]
    crimes, published = ONS_EW_DEC_2018
    assert ew["crimes"] == crimes  # 43 territorial forces plus British Transport Police
    assert ew["population"] == 58744600
    assert within_rounding(ew["rate_per_1000"], published, ew["population"])
    btp = int(datasets.rolling_totals("British Transport Police").set_index("period_end").at["2018-12-31", "count"])
    assert comparison.rates("2018-12-31")["crimes"].sum() + btp == crimes


def test_sentences_quote_the_table(lancashire, lancashire_table):
    text = " ".join(lancashire.sentences())
    t = lancashire_table.set_index("kind")
    for kind in ("force", "msg", "england_and_wales"):
        assert f"{t.at[kind, 'rate_per_1000']:.1f}" in text
    assert f"{t.at['force', 'crimes']:,}" in text and f"{t.at['force', 'population']:,}" in text
    assert f"{abs(t.at['force', 'difference_from_mean_sd']):.2f} standard deviations" in text
    assert f"this is {t.at['force', 'flag']}." in text
    assert f"{lancashire.mean:.1f}" in text and f"{lancashire.sd:.1f}" in text
    assert "year ending March 2018" in text and "City of London" in text
    members = lancashire_table[lancashire_table["flag"] == HIGHER]
    for area, rate in zip(members["area"], members["rate_per_1000"]):
        if area in LANCASHIRE_MSG:
            assert f"{area} ({rate:.1f})" in text


def test_all_43_forces_can_be_used_for_the_mean():
    c = comparison.compare("Lancashire", "2017/18", excluded_from_mean=())
    assert c.n_forces == 43
    assert c.sd > 100  # City of London's rate (about 815) swamps the spread -- why it is left out by default


def test_custom_group_and_bad_groups():
    c = comparison.compare("Lancashire", "2018-03-31", group=["Merseyside", "greater manchester police"])
    assert c.table()["area"].iloc[1:3].tolist() == ["Merseyside", "Greater Manchester"]
    with pytest.raises(ParameterError, match="Offending: Lancashire"):
        comparison.compare("Lancashire", group=["Lancashire", "Kent"])
    with pytest.raises(ParameterError, match="single string"):
        comparison.compare("Lancashire", group="Kent")
    with pytest.raises(ParameterError, match="no resident population"):
        comparison.compare("British Transport Police", group=["Kent"])


# --- previous years --------------------------------------------------------------------------------------
def test_trend_lists_last_years_with_changes():
    t = comparison.trend("Lancashire", years=5)
    assert list(t.columns) == ["financial_year", "crimes", "change", "pct_change"]
    assert t["financial_year"].tolist() == ["2013/14", "2014/15", "2015/16", "2016/17", "2017/18"]
    last = t.iloc[-1]
    assert (last["crimes"], last["change"]) == (127028, 127028 - 107610)  # ONS rolling totals, years ending March
    assert last["pct_change"] == pytest.approx(100 * 19418 / 107610)
    assert comparison.trend_sentence(t).startswith(
        "Lancashire recorded 127,028 crimes in 2017/18, up 18.0% on 2016/17 and up "
    )


def test_trend_first_available_year_has_no_change_and_bad_years_refused():
    t = comparison.trend("Lancashire", years=16)
    assert t["financial_year"].iloc[0] == "2002/03" and pd.isna(t["change"].iloc[0])
    for bad in (0, 17, 2.5, True):
        with pytest.raises(ParameterError, match="years must be a whole number from 1 to 16"):
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

    from forcast.plotting import comparison_chart

    fig = Figure()
    ax = fig.add_subplot()
    assert comparison_chart(lancashire, ax=ax) is fig
    assert len(ax.patches) >= 10  # force, 7 members, MSG, England and Wales (+ the shaded SD band)
    xs = sorted(line.get_xdata()[0] for line in ax.get_lines() if len(line.get_xdata()))
    mean, sd = lancashire.mean, lancashire.sd
    assert xs == pytest.approx([mean - sd, mean, mean + sd])
    assert lancashire.plot() is not None
