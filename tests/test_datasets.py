"""Tests for forcast.datasets against the real published figures (see data/README.md for the sources).

Expected numbers come from the publications quoted in shared/data/PROVENANCE.md and ho_open_data/PROVENANCE.md (e.g.
Lancashire 2018/19 166,292 and 2022/23 131,321 from the published quarters; the derived 2018 quarters 43,238 /
44,087 / 41,704) or are computed in the test from the shared files, not from earlier runs of this code.
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
def test_forces_are_the_43_territorial_home_office_names_sorted():
    names = datasets.forces()
    assert len(names) == 43
    assert names == sorted(names)
    for name in ["Avon and Somerset", "Metropolitan Police", "City of London", "Dyfed-Powys", "Lancashire"]:
        assert name in names
    assert "British Transport Police" not in names
    assert datasets.forces(derived=True) == sorted([*names, "British Transport Police"])
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
        ("GMP", "Greater Manchester"),
    ],
)
def test_force_names_are_matched_case_insensitively_and_with_common_variants(given, expected):
    assert datasets.recorded_crime(given).attrs["force"] == expected


def test_unknown_force_raises_with_suggestion_and_hint():
    with pytest.raises(UnknownForceError) as info:
        datasets.recorded_crime("Lancashir")
    message = str(info.value)
    assert message.startswith("Unknown force 'Lancashir': it is not one of the 43 territorial forces of England "
                              "and Wales, nor British Transport Police.")
    assert "Did you mean 'Lancashire'" in message
    assert "Call forcast.datasets.forces()" in message
    assert isinstance(info.value, ForcastError) and isinstance(info.value, ValueError)


def test_unknown_force_without_close_match_still_points_to_forces():
    with pytest.raises(UnknownForceError, match=r"Call forcast\.datasets\.forces\(\)") as info:
        datasets.population("Police Scotland", 2018)
    assert "Did you mean" not in str(info.value)


# --- recorded crime: the published quarters --------------------------------------------------------------
def _shared_totals() -> pd.DataFrame:
    return pd.read_csv(SHARED / "ho_open_data" / "prc_pfa_quarterly_totals_excl_fraud_2002_2023.csv")


def test_lancashire_quarterly_is_the_published_series_to_march_2023():
    y = datasets.recorded_crime("Lancashire")
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "Q-DEC"
    assert (str(y.index[0]), str(y.index[-1]), len(y)) == ("2002Q2", "2023Q1", 84)
    fy = y.groupby(y.index.asfreq("M", how="start").asfreq("Y-MAR")).sum()
    assert fy[pd.Period("2023", "Y-MAR")] == 131321  # 2022/23, the published quarters summed
    assert fy[pd.Period("2019", "Y-MAR")] == 166292  # 2018/19
    assert y.dtype == "int64" and (y >= 0).all()
    assert y.name == "Lancashire recorded crime"


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared data folder not available")
def test_every_force_equals_the_shared_published_totals():
    shared = _shared_totals()
    for force, rows in shared.groupby("force"):
        y = datasets.recorded_crime(force)
        expected = pd.Series(rows["count"].to_numpy(),
                             index=pd.PeriodIndex(pd.to_datetime(rows["period_start"]), freq="Q-DEC"))
        assert y.to_numpy().tolist() == expected.sort_index().to_numpy().tolist(), force


def test_offence_groups_are_quarterly_and_sum_to_the_total_in_every_quarter():
    assert len(datasets.OFFENCE_GROUPS) == 9 and "Fraud offences" not in datasets.OFFENCE_GROUPS
    for force in ["Lancashire", "Devon and Cornwall", "City of London"]:
        total = datasets.recorded_crime(force)
        groups = [datasets.recorded_crime(force, g) for g in datasets.OFFENCE_GROUPS]
        for g in groups:
            assert g.index.equals(total.index) and g.attrs["frequency"] == "quarterly"
        assert (sum(groups) == total).all()
    v = datasets.recorded_crime("Lancashire", offence_group="Violence against the person")
    assert v.attrs["offence_group"] == "Violence against the person"
    assert v.name == "Violence against the person (Lancashire)"
    assert datasets.recorded_crime("Lancashire", "robbery").attrs["offence_group"] == "Robbery"


def test_unknown_offence_group_and_a_frequency_in_its_place_are_refused_with_the_fix():
    with pytest.raises(UnknownDatasetError, match=r"Unknown offence group 'Burglary'\. Choose one of: Violence"):
        datasets.recorded_crime("Lancashire", "Burglary")
    with pytest.raises(UnknownDatasetError, match=r"'annual' is a frequency.*frequency='annual'"):
        datasets.recorded_crime("Lancashire", "annual")


def test_british_transport_police_is_not_published_and_the_message_says_where_it_is():
    with pytest.raises(UnknownDatasetError, match=r"not in the Home Office open data tables.*recorded_crime_derived"):
        datasets.recorded_crime("British Transport Police")
    btp = datasets.recorded_crime_derived("BTP")
    assert btp.attrs["force"] == "British Transport Police" and str(btp.index[-1]) == "2018Q4"


def test_devon_and_cornwall_ends_before_its_unpublished_quarters_and_says_so():
    y = datasets.recorded_crime("Devon and Cornwall")
    assert str(y.index[-1]) == "2022Q3"
    assert "missing, never zero" in y.attrs["caveat"]
    keys = [e.key for e in y.attrs["known_events"]]
    assert "devon_cornwall_niche_2022" in keys
    fy = datasets.recorded_crime("Devon and Cornwall", frequency="annual")
    assert fy.index[-1] == pd.Period("2022", "Y-MAR")  # 2022/23 is incomplete, so not a financial year here


def test_recorded_crime_metadata_carries_source_and_caveats():
    attrs = datasets.recorded_crime("Lancashire").attrs
    assert attrs["measure"] == "recorded_crime" and attrs["unit"] == "crimes"
    assert attrs["force"] == "Lancashire" and attrs["frequency"] == "quarterly"
    assert "Open Government Licence v3.0 (Home Office)" in attrs["source"]
    assert "Published Home Office quarterly counts" in attrs["caveat"]
    assert attrs["release"] is None  # the embedded copy


def test_annual_is_complete_financial_years_of_the_published_quarters():
    fy = datasets.recorded_crime("Lancashire", frequency="annual")
    assert fy.index.freqstr == "Y-MAR" and fy.attrs["frequency"] == "annual"
    assert (fy.index[0], fy.index[-1], len(fy)) == (pd.Period("2003", "Y-MAR"), pd.Period("2023", "Y-MAR"), 21)
    assert fy[pd.Period("2019", "Y-MAR")] == 166292 and fy[pd.Period("2023", "Y-MAR")] == 131321
    q = datasets.recorded_crime("Lancashire")
    assert fy.sum() == q.sum()


def test_unknown_frequency_is_refused():
    with pytest.raises(UnknownDatasetError, match=r"must be 'quarterly' or 'annual'\. Got 'monthly'"):
        datasets.recorded_crime("Lancashire", frequency="monthly")


# --- known events ----------------------------------------------------------------------------------------
def test_known_events_are_data_and_travel_with_the_series():
    table = datasets.known_events()
    assert list(table.columns) == ["force", "key", "kind", "start", "end", "label", "detail", "default"]
    by_key = table.set_index("key")
    assert by_key.loc["lancashire_cdi_2018", "start"] == "2018-04"
    assert by_key.loc["lancashire_system_2018", "start"] == "2019-01"
    assert (by_key.loc["gmp_it_2019", "start"], by_key.loc["gmp_it_2019", "end"]) == ("2019-07", "2019-12")
    assert (by_key.loc["lincolnshire_2017q1", "kind"], by_key.loc["devon_cornwall_niche_2022", "kind"]) == (
        "excluded", "gap")
    assert by_key.loc["covid_19", "force"] == "*"
    lanc = datasets.recorded_crime("Lancashire").attrs["known_events"]
    assert [e.key for e in lanc] == ["lancashire_cdi_2018", "lancashire_system_2018", "covid_19"]
    assert [e.key for e in datasets.recorded_crime("Kent").attrs["known_events"]] == ["covid_19"]
    assert list(datasets.known_events("Greater Manchester")["key"]) == ["gmp_it_2019", "covid_19"]
    # the level shifts, as events to declare
    assert [str(e.start) for e in datasets.recording_breaks("Lancashire")] == ["2018-04", "2019-01"]


def test_derived_series_is_kept_under_its_own_name():
    y = datasets.recorded_crime_derived("Lancashire")
    assert (str(y.index[0]), str(y.index[-1]), len(y)) == ("2006Q2", "2018Q4", 51)
    assert y[pd.Period("2018Q2")] == 43238
    assert y[pd.Period("2018Q3")] == 44087
    assert y[pd.Period("2018Q4")] == 41704
    assert abs(y[pd.Period("2018Q1")] - 33800) < 100
    # the published 2017/18 Home Office quarters (anchor)
    assert y.loc["2017Q2":"2018Q1"].tolist() == [30565, 30804, 31869, 33790]
    caveat = y.attrs["caveat"]
    assert "DERIVED from ONS rolling 12-month totals" in caveat and "superseded" in caveat
    assert "estimate for November-December 2018" in caveat
    assert "estimate" not in datasets.recorded_crime_derived("Kent").attrs["caveat"]
    assert [e.key for e in y.attrs["known_events"]] == ["lancashire_cdi_2018"]


def test_anchor_offset_is_disclosed_for_forces_whose_vintages_differ():
    derived = datasets.recorded_crime_derived
    assert "rolling 12-month total plus 1,833." in derived("Leicestershire").attrs["caveat"]
    assert "total minus 194." in derived("British Transport Police").attrs["caveat"]
    assert "anchor" not in derived("Lancashire").attrs["caveat"]


def test_derived_annual_is_financial_years_from_march_windows():
    fy = datasets.recorded_crime_derived("Lancashire", "annual")
    assert fy.index.freqstr == "Y-MAR" and fy.attrs["frequency"] == "annual"
    assert (fy.index[0], fy.index[-1], len(fy)) == (pd.Period("2003", "Y-MAR"), pd.Period("2018", "Y-MAR"), 16)
    assert fy[pd.Period("2018", "Y-MAR")] == 127028  # 2017/18


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
def _shared_population() -> pd.DataFrame:
    return pd.read_csv(SHARED / "population" / "pfa_population_mid2011_2023_revised.csv")


def test_population_real_figures():
    assert datasets.population("Lancashire", 2022) == 1551393
    assert datasets.population("England and Wales", 2023) == 60854727  # ONS mid-2023, the forces' sum
    assert datasets.population("england and wales", 2011) == datasets.populations(2011).sum()
    assert datasets.population("North West", 2017) > 7_000_000  # regions: mid-2016 to mid-2018 only


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared data folder not available")
def test_populations_for_all_forces_are_the_shared_revised_series():
    shared = _shared_population()
    for year in (2011, 2018, 2022, 2023):
        pops = datasets.populations(year)
        expected = shared[shared["year"] == year].set_index("force")["population"].sort_index()
        assert len(pops) == 43 and pops.to_dict() == expected.to_dict()


def test_unknown_population_year_says_which_years_are_embedded():
    with pytest.raises(UnknownDatasetError, match=r"mid-years 2011-2023\. Got 2024\."):
        datasets.population("Lancashire", 2024)
    with pytest.raises(UnknownDatasetError, match="mid-years 2011-2023"):
        datasets.populations(2010)


def test_population_gaps_are_explained():
    with pytest.raises(UnknownDatasetError, match=r"years available for it: 2016, 2017\."):
        datasets.population("North West", 2022)
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
    assert list(cat.columns) == ["dataset", "force", "offence_group", "measure", "frequency", "first_period",
                                 "last_period", "n_points"]
    crime = cat[cat["dataset"] == "recorded_crime"]
    totals = crime[crime["offence_group"].isna()]
    assert (totals["frequency"] == "quarterly").sum() == 43 and (totals["frequency"] == "annual").sum() == 43
    assert len(crime[crime["offence_group"].notna()]) == 43 * 9
    derived = cat[cat["dataset"] == "recorded_crime_derived"]
    assert len(derived) == 88 and "British Transport Police" in set(derived["force"])
    assert set(cat["dataset"]) - {"recorded_crime", "recorded_crime_derived"} == set(CALL_NAMES)
    stand_ins = cat["dataset"].isin(CALL_NAMES)
    assert cat.loc[stand_ins, "force"].isna().all()  # stand-ins are not UK forces
    lanc = totals[(totals["force"] == "Lancashire") & (totals["frequency"] == "annual")].iloc[0]
    assert (lanc["first_period"], lanc["last_period"], lanc["n_points"]) == ("2002/03", "2022/23", 21)
    lq = totals[(totals["force"] == "Lancashire") & (totals["frequency"] == "quarterly")].iloc[0]
    assert (lq["first_period"], lq["last_period"], lq["n_points"]) == ("2002Q2", "2023Q1", 84)
    dc = crime[(crime["force"] == "Devon and Cornwall") & (crime["offence_group"] == "Robbery")].iloc[0]
    assert dc["last_period"] == "2022Q3"


def test_sources_and_attribution():
    info = datasets.sources()
    for key in ["recorded_crime", "population_mid2011_2023", "recorded_crime_quarterly", "recorded_crime_rolling12m",
                "recorded_crime_by_offence_group", "population", "most_similar_groups", *CALL_NAMES]:
        assert {"title", "publisher", "source", "licence", "coverage", "caveats", "attribution"} <= set(info[key])
    assert "OGL" not in datasets.attribution("recorded_crime") and "(Home Office)." in datasets.attribution(
        "recorded_crime")
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
    assert datasets.recorded_crime("Lancashire").iloc[-1] == 30728
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
    assert len(datasets.forces()) == 43
    msg = datasets.most_similar_group("Lancashire")
    msg.append("Lancashire")
    assert datasets.most_similar_group("Lancashire") == LANCASHIRE_MSG
    info = datasets.sources()
    info["population"]["caveats"].clear()
    assert datasets.sources()["population"]["caveats"]
    pops = datasets.populations(2022)
    pops["Lancashire"] = 0
    assert datasets.population("Lancashire", 2022) == 1551393
    y = datasets.recorded_crime("Lancashire")
    y.attrs["known_events"] = ()
    assert datasets.recorded_crime("Lancashire").attrs["known_events"]


# --- the embedded files ----------------------------------------------------------------------------------
def test_embedded_data_is_small_and_holds_no_raw_copies():
    files = sorted(p.name for p in DATA_DIR.iterdir() if not p.name.startswith("."))
    # the published quarters by force and offence group are about 1.5 MB of the 2.3 MB
    assert sum((DATA_DIR / f).stat().st_size for f in files) < 3_000_000
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
