"""Tests for forcast.datasets against the real published figures (see data/README.md for the sources).

Expected numbers come from the publications quoted in shared/data/PROVENANCE.md (e.g. Lancashire 2018 quarters
43,238 / 44,087 / 41,704; mid-2018 population 1,498,300), not from earlier runs of this code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from forcast import datasets
from forcast.errors import ForcastError, ParameterError, UnknownDatasetError, UnknownForceError

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
DATA_DIR = REPO / "src" / "forcast" / "_data"
CALL_NAMES = ["eugene_daily", "cincinnati_weekly", "nhs_england_999_monthly", "nhs_england_contacts_monthly",
              "denver_daily"]
LANCASHIRE_MSG = ["South Wales", "South Yorkshire", "Northumbria", "Nottinghamshire", "Humberside", "Kent",
                  "West Yorkshire"]


# --- forces and names ----------------------------------------------------------------------------------
def test_forces_are_the_44_home_office_names_sorted():
    names = datasets.forces()
    assert len(names) == 44
    assert names == sorted(names)
    for name in ["Avon and Somerset", "Metropolitan Police", "City of London", "Dyfed-Powys", "Lancashire",
                 "British Transport Police"]:
        assert name in names
    assert not {"Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK"} & set(names)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("lancashire", "Lancashire"),
        ("LANCASHIRE", "Lancashire"),
        ("Lancashire Constabulary", "Lancashire"),
        ("Metropolitan Police Service", "Metropolitan Police"),
        ("dyfed powys police", "Dyfed-Powys"),
        ("Avon & Somerset", "Avon and Somerset"),
        ("BTP", "British Transport Police"),
    ],
)
def test_force_names_are_matched_case_insensitively_and_with_common_variants(given, expected):
    assert datasets.recorded_crime(given).attrs["force"] == expected


def test_unknown_force_raises_with_suggestion_and_hint():
    with pytest.raises(UnknownForceError) as info:
        datasets.recorded_crime("Lancashir")
    message = str(info.value)
    assert message.startswith("Unknown force 'Lancashir': it is not one of the 44 embedded forces.")
    assert "Did you mean 'Lancashire'" in message
    assert "Call forcast.datasets.forces()" in message
    assert isinstance(info.value, ForcastError) and isinstance(info.value, ValueError)


def test_unknown_force_without_close_match_still_points_to_forces():
    with pytest.raises(UnknownForceError, match=r"Call forcast\.datasets\.forces\(\)") as info:
        datasets.population("Police Scotland", 2018)
    assert "Did you mean" not in str(info.value)


# --- recorded crime --------------------------------------------------------------------------------------
def test_lancashire_quarterly_matches_published_figures():
    y = datasets.recorded_crime("Lancashire")
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "Q-DEC"
    assert (str(y.index[0]), str(y.index[-1]), len(y)) == ("2006Q2", "2018Q4", 51)
    assert y[pd.Period("2018Q2")] == 43238
    assert y[pd.Period("2018Q3")] == 44087
    assert y[pd.Period("2018Q4")] == 41704
    assert abs(y[pd.Period("2018Q1")] - 33800) < 100
    # the published 2017/18 Home Office quarters (anchor)
    assert y.loc["2017Q2":"2018Q1"].tolist() == [30565, 30804, 31869, 33790]
    assert y.dtype == "int64" and (y >= 0).all()
    assert y.name == "Lancashire recorded crime"


def test_recorded_crime_metadata_carries_source_and_caveats():
    attrs = datasets.recorded_crime("Lancashire").attrs
    assert attrs["measure"] == "recorded_crime" and attrs["unit"] == "crimes"
    assert attrs["force"] == "Lancashire" and attrs["frequency"] == "quarterly"
    assert "Open Government Licence v3.0 (Home Office / ONS)" in attrs["source"]
    caveat = attrs["caveat"]
    assert "Derived from ONS rolling 12-month totals" in caveat
    assert "estimate for November-December 2018" in caveat
    assert "April 2018" in caveat
    assert "estimate" not in datasets.recorded_crime("Kent").attrs["caveat"]


def test_anchor_offset_is_disclosed_for_forces_whose_vintages_differ():
    assert "rolling 12-month total plus 1,833." in datasets.recorded_crime("Leicestershire").attrs["caveat"]
    assert "total minus 194." in datasets.recorded_crime("British Transport Police").attrs["caveat"]
    assert "anchor" not in datasets.recorded_crime("Lancashire").attrs["caveat"]


def test_annual_is_financial_years_from_march_windows():
    fy = datasets.recorded_crime("Lancashire", "annual")
    assert fy.index.freqstr == "Y-MAR" and fy.attrs["frequency"] == "annual"
    assert (fy.index[0], fy.index[-1], len(fy)) == (pd.Period("2003", "Y-MAR"), pd.Period("2018", "Y-MAR"), 16)
    assert fy[pd.Period("2018", "Y-MAR")] == 127028  # 2017/18
    assert pd.Period("2019", "Y-MAR") not in fy.index  # 2018/19 is not complete in the data
    assert "2018/19 is not complete" in fy.attrs["caveat"]


def test_lancashire_annual_totals_equal_the_sum_of_their_four_quarters():
    q = datasets.recorded_crime("Lancashire")
    fy = datasets.recorded_crime("Lancashire", "annual")
    by_fy = q.groupby(q.index.asfreq("M", how="start").asfreq("Y-MAR")).agg(["sum", "size"])
    complete = by_fy[by_fy["size"] == 4]["sum"]
    assert len(complete) == 12  # 2006/07 .. 2017/18
    assert (complete == fy.reindex(complete.index)).all()


def test_unknown_frequency_is_refused():
    with pytest.raises(UnknownDatasetError, match=r"must be 'quarterly' or 'annual'\. Got 'monthly'"):
        datasets.recorded_crime("Lancashire", "monthly")


def test_rolling_totals_keep_the_latest_vintage():
    r = datasets.rolling_totals("Avon and Somerset")
    assert list(r.columns) == ["period_end", "count", "vintage"]
    assert not r["period_end"].duplicated().any() and len(r) == 52
    # 140,071 in the ONS release to Dec 2018; the earlier March 2018 edition had 137,455 (pre-correction)
    assert r.set_index("period_end").loc["2018-03-31", "count"] == 140071
    lanc = datasets.rolling_totals("Lancashire").set_index("period_end")["count"]
    assert lanc["2018-12-31"] == 162819 and lanc["2003-03-31"] == 127232


# --- offence groups --------------------------------------------------------------------------------------
def test_offence_groups_for_lancashire():
    df = datasets.recorded_crime_by_offence_group("Lancashire")
    assert list(df.columns) == ["offence_group", "parent", "frequency", "period_start", "period_end", "count"]
    total = "Total recorded crime (excluding fraud)"
    rolling = df[df["frequency"] == "rolling_12_months"]
    assert sorted(rolling["period_end"].unique()) == ["2018-03-31", "2018-06-30", "2018-09-30", "2018-12-31"]
    dec = rolling[rolling["period_end"] == "2018-12-31"].set_index("offence_group")
    assert dec.loc[total, "count"] == 162819 and dec.loc[total, "period_start"] == "2018-01-01"
    # the nine top-level groups add up to the total; sub-groups add up to their parent
    assert dec.loc[dec["parent"] == total, "count"].sum() == dec.loc[total, "count"]
    assert dec.loc[dec["parent"] == "Burglary", "count"].sum() == dec.loc["Burglary", "count"]
    quarterly = df[df["frequency"] == "quarterly"]
    totals = quarterly[quarterly["offence_group"] == total].sort_values("period_end")
    assert totals["count"].tolist() == [30565, 30804, 31869, 33790]
    assert totals["period_start"].tolist() == ["2017-04-01", "2017-07-01", "2017-10-01", "2018-01-01"]
    assert "Fraud offences" not in set(df["offence_group"])


def test_offence_groups_for_england_and_wales_and_regions():
    ew = datasets.recorded_crime_by_offence_group("England and Wales")
    assert set(ew["frequency"]) == {"rolling_12_months"} and len(ew) == 23 * 4
    region = datasets.recorded_crime_by_offence_group("West Midlands (region)")
    force = datasets.recorded_crime_by_offence_group("West Midlands")
    assert region["count"].max() > force["count"].max()


# --- population ------------------------------------------------------------------------------------------
def test_population_real_figures():
    assert datasets.population("Lancashire", 2016) == 1483900
    assert datasets.population("Lancashire", 2017) == 1490500
    assert datasets.population("Lancashire", 2018) == 1498300
    assert datasets.population("Lancashire", 2020) == 1515487
    assert datasets.population("England and Wales", 2020) == 59719724
    assert datasets.population("england and wales", 2016) == 58381200


def test_populations_for_all_forces():
    pops = datasets.populations(2020)
    assert len(pops) == 43 and pops.sum() == 59719724 and pops["Lancashire"] == 1515487
    assert "Greater Manchester" not in datasets.populations(2018).index  # absent from the mid-2018 source


def test_unknown_population_year_lists_available_years():
    with pytest.raises(UnknownDatasetError, match=r"mid-years 2016, 2017, 2018, 2020\. Got 2019\."):
        datasets.population("Lancashire", 2019)
    with pytest.raises(UnknownDatasetError, match="mid-years 2016, 2017, 2018, 2020"):
        datasets.populations(2015)


def test_population_gaps_are_explained():
    with pytest.raises(UnknownDatasetError, match="leave it out"):
        datasets.population("England and Wales", 2018)
    with pytest.raises(UnknownDatasetError, match="no resident population"):
        datasets.population("British Transport Police", 2018)


# --- most similar groups ---------------------------------------------------------------------------------
def test_lancashire_most_similar_group():
    assert datasets.most_similar_group("Lancashire") == LANCASHIRE_MSG


def test_missing_most_similar_group_says_how_to_supply_one():
    with pytest.raises(UnknownDatasetError, match=r"register_most_similar_group\('Kent'"):
        datasets.most_similar_group("Kent")


def test_register_most_similar_group(monkeypatch):
    monkeypatch.setattr(datasets, "_MSG_REGISTRY", {})
    datasets.register_most_similar_group("kent", ["Essex", "hampshire constabulary"])
    assert datasets.most_similar_group("Kent") == ["Essex", "Hampshire"]
    with pytest.raises(UnknownForceError):
        datasets.register_most_similar_group("Kent", ["Esex-shire"])
    with pytest.raises(ParameterError, match="must not include 'Kent' itself"):
        datasets.register_most_similar_group("Kent", ["Kent", "Essex"])
    with pytest.raises(ParameterError, match="Repeated: Essex"):
        datasets.register_most_similar_group("Kent", ["Essex", "essex"])
    with pytest.raises(ParameterError, match="single string"):
        datasets.register_most_similar_group("Kent", "Essex")


# --- calls -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, freq, frequency",
    [("eugene_daily", "D", "daily"), ("cincinnati_weekly", "W-SUN", "weekly"),
     ("nhs_england_999_monthly", "M", "monthly"), ("nhs_england_contacts_monthly", "M", "monthly"),
     ("denver_daily", "D", "daily")],
)
def test_call_series_are_complete_stand_ins(name, freq, frequency):
    s = datasets.calls(name)
    assert s.index.freqstr == freq and s.attrs["frequency"] == frequency
    assert s.attrs["caveat"].startswith("Stand-in:") and s.attrs["force"] is None
    assert s.name.endswith("(stand-in)")
    assert "not UK police 999/101 data" in s.attrs["caveat"]
    assert s.index.is_monotonic_increasing and not s.index.has_duplicates
    assert len(s) == len(pd.period_range(s.index[0], s.index[-1], freq=freq))
    assert s.notna().all() and (s >= 0).all() and s.dtype == "int64"


def test_call_series_values_and_coverage():
    nhs = datasets.calls("nhs_england_999_monthly")
    assert (str(nhs.index[0]), str(nhs.index[-1]), len(nhs)) == ("2017-12", "2021-01", 38)
    assert nhs.iloc[0] == 822396 and nhs.attrs["measure"] == "calls_999"
    cin = datasets.calls("cincinnati_weekly")
    assert cin.index[0].start_time == pd.Timestamp("2016-01-04") and len(cin) == 257  # ISO week, Monday start
    assert len(datasets.calls("denver_daily")) == 2647


def test_eugene_missing_day_is_filled_and_disclosed():
    s = datasets.calls("eugene_daily")
    assert s[pd.Period("2009-06-21", "D")] == 220  # mean of 227 (2009-06-14) and 213 (2009-06-28)
    assert (s[pd.Period("2009-06-14", "D")], s[pd.Period("2009-06-28", "D")]) == (227, 213)
    assert "2009-06-21 is missing in the source and was filled with 220" in s.attrs["caveat"]
    assert len(s) == 3477  # 3,476 observed days + the filled one
    raw = pd.read_csv(DATA_DIR / "calls_eugene_daily.csv")
    assert "2009-06-21" not in set(raw["period_start"])  # the embedded file keeps the gap


def test_unknown_call_series():
    with pytest.raises(UnknownDatasetError, match="Choose one of: eugene_daily, cincinnati_weekly"):
        datasets.calls("lancashire_999")


# --- catalogue, sources ----------------------------------------------------------------------------------
def test_catalogue_lists_every_embedded_series():
    cat = datasets.catalogue()
    assert list(cat.columns) == ["dataset", "force", "measure", "frequency", "first_period", "last_period",
                                 "n_points"]
    crime = cat[cat["dataset"] == "recorded_crime"]
    assert (crime["frequency"] == "quarterly").sum() == 44 and (crime["frequency"] == "annual").sum() == 44
    assert set(cat["dataset"]) - {"recorded_crime"} == set(CALL_NAMES)
    assert cat.loc[cat["dataset"] != "recorded_crime", "force"].isna().all()  # stand-ins are not UK forces
    assert cat["force"].dropna().nunique() == 44
    lanc = crime[(crime["force"] == "Lancashire") & (crime["frequency"] == "annual")].iloc[0]
    assert (lanc["first_period"], lanc["last_period"], lanc["n_points"]) == ("2002/03", "2017/18", 16)
    lq = crime[(crime["force"] == "Lancashire") & (crime["frequency"] == "quarterly")].iloc[0]
    assert (lq["first_period"], lq["last_period"], lq["n_points"]) == ("2006Q2", "2018Q4", 51)


def test_sources_and_attribution():
    info = datasets.sources()
    for key in ["recorded_crime_quarterly", "recorded_crime_rolling12m", "recorded_crime_by_offence_group",
                "population", "most_similar_groups", *CALL_NAMES]:
        assert {"title", "publisher", "source", "licence", "coverage", "caveats", "attribution"} <= set(info[key])
    assert datasets.attribution("recorded_crime_quarterly") == (
        "Contains public sector information licensed under the Open Government Licence v3.0 (Home Office / ONS)."
    )
    assert "NHS England" in datasets.attribution("nhs_england_999_monthly")
    assert "No licence stated" in datasets.attribution("eugene_daily")
    with pytest.raises(UnknownDatasetError, match="No embedded dataset is called 'crime'"):
        datasets.attribution("crime")


# --- returned objects are copies -------------------------------------------------------------------------
def test_returned_objects_are_copies():
    y = datasets.recorded_crime("Lancashire")
    y.iloc[-1] = 0
    y.attrs["caveat"] = "changed"
    assert datasets.recorded_crime("Lancashire").iloc[-1] == 41704
    assert datasets.recorded_crime("Lancashire").attrs["caveat"] != "changed"
    for make, column in [(lambda: datasets.rolling_totals("Lancashire"), "count"), (datasets.catalogue, "n_points"),
                         (lambda: datasets.recorded_crime_by_offence_group("Lancashire"), "count")]:
        df = make()
        df.loc[df.index[0], column] = -1
        assert make()[column].iloc[0] != -1
        del df[column]
        assert column in make().columns
    names = datasets.forces()
    names.clear()
    assert len(datasets.forces()) == 44
    msg = datasets.most_similar_group("Lancashire")
    msg.append("Lancashire")
    assert datasets.most_similar_group("Lancashire") == LANCASHIRE_MSG
    info = datasets.sources()
    info["population"]["caveats"].clear()
    assert datasets.sources()["population"]["caveats"]
    pops = datasets.populations(2018)
    pops["Lancashire"] = 0
    assert datasets.population("Lancashire", 2018) == 1498300


# --- the embedded files ----------------------------------------------------------------------------------
def test_embedded_data_is_small_and_holds_no_raw_copies():
    files = sorted(p.name for p in DATA_DIR.iterdir() if not p.name.startswith("."))
    assert sum((DATA_DIR / f).stat().st_size for f in files) < 1_500_000
    assert all(f.endswith((".csv", ".json")) for f in files)
    assert not any("raw" in f or f.endswith(".xlsx") for f in files)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared data folder not available")
def test_derive_reproduces_the_embedded_files(tmp_path):
    spec = importlib.util.spec_from_file_location("derive", REPO / "data" / "derive.py")
    derive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(derive)
    sizes = derive.derive(SHARED, tmp_path)
    for name in sizes:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
