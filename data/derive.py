"""Derive forcast's embedded datasets (``src/forcast/_data``) from the shared real-data folder.

Run from the repository root::

    .venv/bin/python data/derive.py                 # reads ../shared/data
    .venv/bin/python data/derive.py --shared DIR    # reads DIR instead

The script reads the tidy CSVs described in ``<shared>/PROVENANCE.md`` and ``<shared>/calls/PROVENANCE.md`` and
writes compact tidy CSVs plus one ``sources.json`` (titles, publishers, licences, coverage and caveats, stated once
instead of on every row). No raw third-party file is copied. Output is deterministic (rows sorted, integers
written without decimals, JSON keys sorted) and each file is written atomically (temporary file, then rename), so
an interrupted run never leaves a half-written file. The script checks the published figures it relies on
(e.g. Lancashire 2018 quarters 43,238 / 44,087 / 41,704) and stops with a message if the inputs disagree.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import derive_ho  # noqa: E402  (the current Home Office series, known events and population)
from derive_ho import DeriveError, check  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
OUT = REPO / "src" / "forcast" / "_data"

OGL = "Open Government Licence v3.0"
OGL_HO_ONS = "Contains public sector information licensed under the Open Government Licence v3.0 (Home Office / ONS)."
OGL_ONS = "Contains public sector information licensed under the Open Government Licence v3.0 (ONS)."
OGL_NHS = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(NHS England, Ambulance Quality Indicators)."
)
TOTAL = "Total recorded crime (excluding fraud)"
FRAUD_BODIES = {"Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK"}
LATEST_VINTAGE = "ONS release to year ending Dec 2018"
VINTAGE_CODE = "YE Dec 2018"
REGION_RENAMES = {"West Midlands": "West Midlands (region)"}  # the region shares its name with the force
NATIONAL_NAMES = {"ENGLAND AND WALES": "England and Wales", "ENGLAND": "England", "WALES": "Wales"}
LANCASHIRE_MSG = [
    "South Wales", "South Yorkshire", "Northumbria", "Nottinghamshire", "Humberside", "Kent", "West Yorkshire",
]

# Offence-group hierarchy of ONS table P1 (child -> parent); a group's count includes its children's.
OFFENCE_PARENTS = {
    TOTAL: "",
    "Violence against the person": TOTAL,
    "Homicide": "Violence against the person",
    "Death or serious injury - unlawful driving": "Violence against the person",
    "Violence with injury": "Violence against the person",
    "Violence without injury": "Violence against the person",
    "Stalking and harassment": "Violence against the person",
    "Sexual offences": TOTAL,
    "Robbery": TOTAL,
    "Theft offences": TOTAL,
    "Burglary": "Theft offences",
    "Residential burglary": "Burglary",
    "Non-residential burglary": "Burglary",
    "Vehicle offences": "Theft offences",
    "Theft from the person": "Theft offences",
    "Bicycle theft": "Theft offences",
    "Shoplifting": "Theft offences",
    "Other theft offences": "Theft offences",
    "Criminal damage and arson": TOTAL,
    "Drug offences": TOTAL,
    "Possession of weapons offences": TOTAL,
    "Public order offences": TOTAL,
    "Miscellaneous crimes": TOTAL,
}

# Stand-in call series: output key -> (shared file, pandas period frequency).
CALL_FILES = {
    "eugene_daily": ("eugene_police_calls_for_service_daily.csv", "D"),
    "cincinnati_weekly": ("cincinnati_police_calls_for_service_weekly.csv", "W-SUN"),
    "nhs_england_999_monthly": ("nhs_england_ambulance_999_calls_answered_monthly.csv", "M"),
    "nhs_england_contacts_monthly": ("nhs_england_ambulance_999_contacts_monthly.csv", "M"),
    "denver_daily": ("denver_health_paramedics_911_calls_daily.csv", "D"),
}


def area_type(code: object) -> str:
    code = "" if pd.isna(code) else str(code)
    if code.startswith("K04"):
        return "england_and_wales"
    if code.startswith(("E92", "W92")):
        return "country"
    if code.startswith("E12"):
        return "region"
    return "force"  # E23 / W15 police force areas; British Transport Police has no area code


def tidy_area_name(name: str, kind: str) -> str:
    if name in NATIONAL_NAMES:
        return NATIONAL_NAMES[name]
    if kind == "region":
        return REGION_RENAMES.get(name, name)
    return name


def as_int(values: pd.Series, what: str) -> pd.Series:
    check(values.notna().all(), f"{what}: missing counts")
    check(bool((values == values.round()).all()), f"{what}: non-integer counts")
    return values.round().astype("int64")


# --- recorded crime -------------------------------------------------------------------------------
def quarterly(shared: Path) -> pd.DataFrame:
    q = pd.read_csv(shared / "prc_pfa_force_totals_quarterly_derived_2006_2018.csv")
    check(set(q["series"]) == {"total_recorded_crime_excl_fraud"}, "quarterly: unexpected series")
    q["period"] = pd.PeriodIndex(pd.to_datetime(q["period_start"]), freq="Q-DEC").astype(str)
    q["method"] = q["method"].map({"anchor": "anchor", "derived_from_rolling_12m_differences": "derived"})
    check(q["method"].notna().all(), "quarterly: unknown method")
    out = q[["force", "period", "count", "method"]].copy()
    out["count"] = as_int(out["count"], "quarterly")
    check((out["count"] >= 0).all(), "quarterly: negative counts")
    out = out.sort_values(["force", "period"]).reset_index(drop=True)
    lanc = out[out["force"] == "Lancashire"].set_index("period")["count"]
    for period, value in {"2018Q2": 43238, "2018Q3": 44087, "2018Q4": 41704}.items():
        check(lanc[period] == value, f"Lancashire {period}: expected {value}, got {lanc[period]}")
    check(abs(lanc["2018Q1"] - 33800) < 100, f"Lancashire 2018Q1 should be about 33,800; got {lanc['2018Q1']}")
    check(out["force"].nunique() == 44 and (out.groupby("force").size() == 51).all(), "quarterly: not 44 x 51")
    return out


def rolling(shared: Path) -> pd.DataFrame:
    r = pd.read_csv(shared / "prc_pfa_force_totals_rolling12m_2003_2018.csv")
    check(LATEST_VINTAGE in set(r["vintage"]), f"rolling: vintage {LATEST_VINTAGE!r} not found")
    # The ONS release to year ending December 2018 (published April 2019) is later than the PFA-table editions
    # for years ending March, June and September 2018, and equal in date to the December 2018 edition (with which
    # it agrees exactly). So it is the latest vintage for every window it covers; other vintages fill any gap.
    r["rank"] = (r["vintage"] == LATEST_VINTAGE).astype(int)
    r = r.sort_values(["force", "period_end", "rank"]).drop_duplicates(["force", "period_end"], keep="last")
    check(bool((r["rank"] == 1).all()), "rolling: some windows only exist in an older vintage")
    out = r[["force", "period_end", "count"]].copy()
    out["count"] = as_int(out["count"], "rolling")
    out["vintage"] = VINTAGE_CODE
    out = out.sort_values(["force", "period_end"]).reset_index(drop=True)
    lanc = out[out["force"] == "Lancashire"].set_index("period_end")["count"]
    check(lanc["2018-03-31"] == 127028, "Lancashire year ending March 2018 should be 127,028")
    return out


def anchor_offsets(q: pd.DataFrame, r: pd.DataFrame) -> dict[str, int]:
    """Four-quarter sums of the derived series minus the published rolling totals (constant per force)."""
    offsets = {}
    for force, g in q.groupby("force"):
        s = g.set_index(pd.PeriodIndex(g["period"], freq="Q-DEC"))["count"].rolling(4).sum().dropna()
        rr = r[r["force"] == force]
        rr = rr.set_index(pd.PeriodIndex(pd.to_datetime(rr["period_end"]), freq="Q-DEC"))["count"]
        diff = (s - rr.reindex(s.index)).dropna()
        check(diff.nunique() == 1, f"{force}: four-quarter sums differ from rolling totals by varying amounts")
        if diff.iloc[0] != 0:
            offsets[force] = int(diff.iloc[0])
    return offsets


def by_offence_group(shared: Path) -> pd.DataFrame:
    o = pd.read_csv(shared / "ons_pfa_tables_2018_by_offence_group.csv")
    check(set(o["offence_group"]) == set(OFFENCE_PARENTS), "offence groups: unexpected group names")
    o["area_type"] = o["area_code"].map(area_type)
    o["area"] = [tidy_area_name(n, t) for n, t in zip(o["area_name"], o["area_type"])]
    o["frequency"] = "rolling_12_months"
    ons = o[["area", "area_type", "offence_group", "frequency", "period_end", "count"]].copy()

    h = pd.read_csv(shared / "prc_pfa_by_offence_quarterly_2017_18.csv")
    h = h[~h["force"].isin(FRAUD_BODIES) & (h["offence_group"] != "Fraud offences")]
    check(h["force"].nunique() == 44, "2017/18 quarterly: expected 44 forces after removing fraud bodies")
    g = h.groupby(["force", "offence_group", "period_end"], as_index=False)["count"].sum()
    t = h.groupby(["force", "period_end"], as_index=False)["count"].sum().assign(offence_group=TOTAL)
    ho = pd.concat([g, t], ignore_index=True).rename(columns={"force": "area"})
    check(set(ho["offence_group"]) <= set(OFFENCE_PARENTS), "2017/18 quarterly: unknown offence group")
    ho = ho.assign(area_type="force", frequency="quarterly")[ons.columns]

    out = pd.concat([ons, ho], ignore_index=True)
    out["count"] = as_int(out["count"], "offence groups")
    order = {name: i for i, name in enumerate(OFFENCE_PARENTS)}
    out["_o"] = out["offence_group"].map(order)
    out = out.sort_values(["area_type", "area", "frequency", "period_end", "_o"]).drop(columns="_o")
    check(not out.duplicated(["area", "offence_group", "frequency", "period_end"]).any(), "offence groups: dups")
    return out.reset_index(drop=True)


def offence_groups() -> pd.DataFrame:
    return pd.DataFrame({"offence_group": list(OFFENCE_PARENTS), "parent": list(OFFENCE_PARENTS.values())})


# --- population ------------------------------------------------------------------------------------
def population(shared: Path, forces: list[str]) -> pd.DataFrame:
    p = pd.read_csv(shared / "pfa_population.csv")
    p["area_type"] = p["area_code"].map(area_type)
    p["area"] = [tidy_area_name(n, t) for n, t in zip(p["area_name"], p["area_type"])]
    p = p.dropna(subset=["population"])
    # Mid-2018: ONS took these aggregates from the year-ending-September-2019 tables, which left out Greater
    # Manchester (its force population is missing too), so they are not true totals. Drop them rather than ship
    # figures that look complete and are not.
    gm_short = (p["mid_year"] == 2018) & p["area"].isin(["England and Wales", "England", "North West"])
    p = p[~gm_short]
    # Mid-2020: only the 43 forces are in the source; add England, Wales and England and Wales as their sums.
    f20 = p[(p["mid_year"] == 2020) & (p["area_type"] == "force")]
    check(len(f20) == 43, "mid-2020: expected 43 forces")
    sums = [
        ("K04000001", "England and Wales", "england_and_wales", f20["population"].sum()),
        ("E92000001", "England", "country", f20.loc[f20["area_code"].str.startswith("E"), "population"].sum()),
        ("W92000004", "Wales", "country", f20.loc[f20["area_code"].str.startswith("W"), "population"].sum()),
    ]
    extra = pd.DataFrame(sums, columns=["area_code", "area", "area_type", "population"]).assign(mid_year=2020)
    check(extra.loc[0, "population"] == 59719724, "mid-2020 England and Wales should total 59,719,724")
    out = pd.concat([p, extra], ignore_index=True)[["area_code", "area", "area_type", "mid_year", "population"]]
    out["population"] = as_int(out["population"], "population")
    out = out.sort_values(["area_type", "area", "mid_year"]).reset_index(drop=True)
    check(set(out.loc[out["area_type"] == "force", "area"]) <= set(forces), "population: unknown force names")
    lanc = out[out["area"] == "Lancashire"].set_index("mid_year")["population"]
    check(lanc[2018] == 1498300 and lanc[2020] == 1515487, "Lancashire population check failed")
    return out


# --- calls -----------------------------------------------------------------------------------------
def call_series(shared: Path, key: str) -> pd.DataFrame:
    filename, freq = CALL_FILES[key]
    c = pd.read_csv(shared / "calls" / filename)
    check(c["series"].nunique() == 1, f"{filename}: more than one series")
    out = c[["period_start", "count"]].copy()
    out["count"] = as_int(out["count"], filename)
    out = out.sort_values("period_start").reset_index(drop=True)
    check(not out["period_start"].duplicated().any(), f"{filename}: repeated periods")
    return out


def call_gaps(df: pd.DataFrame, freq: str) -> list[str]:
    idx = pd.PeriodIndex(pd.to_datetime(df["period_start"]), freq=freq)
    full = pd.period_range(idx.min(), idx.max(), freq=freq)
    return [str(p) for p in full.difference(idx)]


# --- sources ---------------------------------------------------------------------------------------
def span(values: pd.Series) -> str:
    return f"{values.min()} to {values.max()}"


def sources(q, r, og, pop, calls, offsets) -> dict:
    crime_caveats = [
        "Total recorded crime excludes fraud (recorded nationally by Action Fraud, CIFAS and UK Finance since "
        "2013/14).",
        "Changes in recording practice affect the whole series: HMIC's 2014 crime data integrity inspection and the "
        "improvements that followed caused large rises in violence and public order offences from 2014/15.",
        "Police recorded crime is not designated National Statistics.",
        "Lancashire changed recording systems in November 2018; the year ending December 2018 (and so the "
        "October-December 2018 quarter) includes a Home Office estimate for November-December 2018.",
        "Lancashire's recorded crime jumps by about 30% from April 2018 (about 33,800 in January-March 2018, "
        "43,238 in April-June 2018): a recording change, not only a change in demand.",
        "Avon and Somerset figures from the year ending March 2016 include about 2% of crimes added after an "
        "administrative error was corrected.",
    ]
    force_caveats_q = {
        "Lancashire": "Lancashire changed recording systems in November 2018: 2018Q4 includes a Home Office estimate "
        "for November-December 2018. Recorded crime jumps by about 30% from April 2018 (recording change); treat "
        "2018Q2 onwards as a level shift.",
        "Avon and Somerset": "Avon and Somerset figures from 2015/16 include about 2% of crimes added after an "
        "administrative error was corrected.",
    }
    for force, d in sorted(offsets.items()):
        text = (
            f"The 2017/18 anchor quarters come from an earlier Home Office vintage than the rolling totals, so every "
            f"four consecutive quarters sum to the published rolling 12-month total {'plus' if d > 0 else 'minus'} "
            f"{abs(d):,d}."
        )
        force_caveats_q[force] = (force_caveats_q.get(force, "") + " " + text).strip()
    force_caveats_a = {
        "Lancashire": "Lancashire's recorded crime jumps by about 30% from April 2018 (recording change); 2018/19 is "
        "not complete in this data.",
        "Avon and Somerset": force_caveats_q["Avon and Somerset"],
    }
    ho_ons = {
        "publisher": "Office for National Statistics (ONS); data are Home Office police recorded crime",
        "licence": OGL,
        "attribution": OGL_HO_ONS,
    }
    call_meta = {
        "eugene_daily": {
            "title": "Eugene (Oregon, USA) Police calls for service, daily",
            "publisher": "Eugene Police Department (Oregon, USA), public dispatch log",
            "source": "Kaggle 'Police call data for Eugene and Springfield, OR' "
            "(warrenhendricks/police-call-data-for-eugene-and-springfield-or); daily counts from GitHub "
            "jackkim1994/Time-Series, Eugene_Police_Calls.csv, commit 53272c5",
            "licence": "None stated; the dispatch log is a public record. Treated as public data, attribution "
            "requested.",
            "attribution": "Eugene Police Department (Oregon, USA) calls for service, via Kaggle "
            "warrenhendricks/police-call-data-for-eugene-and-springfield-or and GitHub jackkim1994/Time-Series. "
            "No licence stated.",
            "caveats": [
                "Stand-in: Eugene (Oregon, USA) police calls for service — not UK police 999/101 data.",
                "2009-06-21 is missing in the source; the embedded file keeps the gap (no value is invented "
                "there).",
                "Level shift in November-December 2013 (daily means fall from about 300-330 to 175-245); "
                "attributed by the repository authors to a move from UCR to Oregon NIBRS (unverified). Do not model "
                "across it without a break term.",
                "Steady decline 2014-2018 that may partly reflect filtering of the public log.",
                "Outage days: 2010-07-01 (94 calls), 2011-03-30 (3), 2018-02-25 (85).",
                "Scraped and second-hand; labelled Eugene by its authors (the Kaggle scrape also covers "
                "Springfield, OR).",
            ],
        },
        "cincinnati_weekly": {
            "title": "Cincinnati (Ohio, USA) Police calls for service, weekly",
            "publisher": "City of Cincinnati, PDI Police Calls for Service (open data portal dataset gexm-h6bt)",
            "source": "Weekly totals by M. Ashby (GitHub mpjashby/covid19-calls method); file from GitHub "
            "maczokni/n8_cov, docs/imgs/cin_calls.Rds, commit c13ae4f",
            "licence": "None stated in the repository; Cincinnati open data is published for public use.",
            "attribution": "City of Cincinnati PDI Police Calls for Service, weekly counts by M. Ashby "
            "(GitHub maczokni/n8_cov).",
            "caveats": [
                "Stand-in: Cincinnati (Ohio, USA) police calls for service — not UK police 999/101 data.",
                "Weeks are ISO weeks, Monday to Sunday; only complete weeks are kept.",
                "Counts are all CAD incidents, including officer-initiated activity, not only 911 calls.",
                "The COVID-19 drop from March 2020 is in the data.",
            ],
        },
        "nhs_england_999_monthly": {
            "title": "England ambulance services, 999 calls answered (AmbSYS A1), monthly",
            "publisher": "NHS England, Ambulance Quality Indicators (Ambulance Systems Indicators, AmbSYS)",
            "source": "AmbSYS time-series CSV published February 2021 (data to January 2021), via GitHub "
            "bairdj/ambstat, app/AmbSYS.csv, commit 1d0d870",
            "licence": OGL,
            "attribution": OGL_NHS,
            "caveats": [
                "Stand-in: England ambulance 999 calls answered (NHS England AmbSYS A1) — not UK police 999/101 "
                "data.",
                "Starts December 2017 because only some trusts reported August-November 2017; December 2017 to "
                "March 2018 exclude the Isle of Wight (about 0.3% of volume).",
                "Single vintage; NHS England revises past months in later publications.",
                "COVID-19: spike in March 2020, drop April-June 2020. Short series (38 months).",
            ],
        },
        "nhs_england_contacts_monthly": {
            "title": "England ambulance services, contacts (AmbSYS A0), monthly",
            "publisher": "NHS England, Ambulance Quality Indicators (Ambulance Systems Indicators, AmbSYS)",
            "source": "AmbSYS time-series CSV published February 2021 (data to January 2021), via GitHub "
            "bairdj/ambstat, app/AmbSYS.csv, commit 1d0d870",
            "licence": OGL,
            "attribution": OGL_NHS,
            "caveats": [
                "Stand-in: England ambulance contacts (NHS England AmbSYS A0) — not UK police 999/101 data.",
                "A0 'contacts' is broader than 999 calls answered (about 1.3-1.5 times A1); its exact definition "
                "changed over time and was not verified — check the AmbSYS specification before use.",
                "Same coverage and vintage caveats as the A1 series (starts December 2017; single vintage; "
                "COVID-19 effects).",
            ],
        },
        "denver_daily": {
            "title": "Denver Health Paramedic Division 911 ambulance calls, daily",
            "publisher": "Denver Health Paramedic Division (Colorado, USA), CAD data warehouse extract",
            "source": "Extract supplied to a university project; GitHub ChrisELarson/DenverEMS, call_data.Rdata, "
            "commit c830b78; hourly counts summed to local calendar days (absent hours = 0 calls)",
            "licence": "None stated; an agency extract released through a public repository. Cite Denver Health "
            "Paramedic Division and the repository.",
            "attribution": "Denver Health Paramedic Division 911 call data, via GitHub ChrisELarson/DenverEMS. "
            "No licence stated.",
            "caveats": [
                "Stand-in: Denver (Colorado, USA) 911 ambulance (EMS) calls — not UK police 999/101 data.",
                "Not an official open-data publication; a few days show CAD back-entry artefacts.",
                "Daylight-saving days have 23 or 25 local hours.",
            ],
        },
    }
    out = {
        "recorded_crime_quarterly": {
            "title": "Total recorded crime excluding fraud, by police force, quarterly (DERIVED)",
            **ho_ons,
            "source": "DERIVED, not an official series. Anchor: Home Office 'Police recorded crime and outcomes open "
            "data tables' 2017/18 quarters (GitHub Sparrow0hawk/crime_sim_toolkit, commit e091168). Other quarters "
            "reconstructed from ONS 'Recorded crime data at Police Force Area level' rolling 12-month totals "
            "(GitHub 12345678910aditi/Crime_Project, rec-crime-pfa.csv, commit d11098b) using "
            "Q(t) - Q(t-4) = R(t) - R(t-1).",
            "coverage": f"44 forces (43 territorial + British Transport Police), quarters {span(q['period'])}.",
            "caveats": ["Derived from rolling 12-month totals: label it as derived. Column method = 'anchor' for "
                        "the official 2017/18 quarters, 'derived' otherwise.",
                        "Any revision between releases lands in the single quarter it affects.", *crime_caveats],
            "force_caveats": force_caveats_q,
        },
        "recorded_crime_rolling12m": {
            "title": "Total recorded crime excluding fraud, by police force, rolling 12-month totals",
            **ho_ons,
            "source": "ONS 'Recorded crime data at Police Force Area level' (Home Office PRC), summed over offences "
            "excluding fraud (GitHub 12345678910aditi/Crime_Project, rec-crime-pfa.csv, commit d11098b); one "
            "source date typo (30-12-2017) corrected to 2017-12-31.",
            "coverage": f"44 forces; windows ending {span(r['period_end'])}: years ending March 2003-2007, then "
            "every quarter from the year ending June 2007.",
            "vintage": f"'{VINTAGE_CODE}' = the ONS release to the year ending December 2018 (April 2019). Where "
            "the ONS PFA tables editions for years ending March, June and September 2018 cover the same window, "
            "this later release is kept (it includes later revisions, e.g. Avon and Somerset year ending March "
            "2018 is 2,616 higher after the administrative-error correction); for the year ending December 2018 "
            "the two agree exactly.",
            "caveats": ["Consecutive windows overlap by nine months.", *crime_caveats],
            "force_caveats": force_caveats_a,
        },
        "recorded_crime_by_offence_group": {
            "title": "Recorded crime by offence group: ONS PFA tables (2018) and Home Office 2017/18 quarters",
            **ho_ons,
            "source": "Rolling 12-month rows: ONS 'Crime in England and Wales: Police Force Area data tables', "
            "table P1, editions for years ending March 2018 (v2), June 2018 (corrected), September 2018 (corrected) "
            "and December 2018 (GitHub RG-1427/Data-Analytics, commit ec5f0b1). Quarterly rows: Home Office "
            "'Police recorded crime and outcomes open data tables' 2017/18, summed from offence codes to offence "
            "groups, fraud bodies excluded (GitHub Sparrow0hawk/crime_sim_toolkit, commit e091168).",
            "coverage": "Rolling 12-month rows: 43 forces, British Transport Police, the nine English regions, "
            "England, Wales and England and Wales (area_type says which), windows ending 2018-03-31 to 2018-12-31. "
            "Quarterly rows: 44 forces, 2017/18 quarters, offence-group level plus the total.",
            "caveats": [
                "Offence groups nest (see offence_groups.csv: parent); do not add a group to its parent.",
                "Each ONS edition is a separate vintage; later Home Office revisions are not reflected.",
                "The West Midlands region is named 'West Midlands (region)' to tell it from the force.",
                "Quarterly rows are at offence-group level only; ONS sub-groups (e.g. Homicide) are in the rolling "
                "rows only.",
                *crime_caveats,
            ],
        },
        "population": {
            "title": "Resident population by police force area, mid-2016, mid-2017, mid-2018 and mid-2020",
            "publisher": "Office for National Statistics (ONS)",
            "licence": OGL,
            "attribution": OGL_ONS,
            "source": "Mid-2016 to mid-2018: ONS PFA data tables, table P3 (rounded to 100), the denominators ONS "
            "used for its rates. Mid-2020: ONS SAPE23DT8a ward population estimates (experimental, 2021 LA "
            "boundaries) summed to PFA, via GitHub tom-draper/uk-data-atlas.",
            "coverage": "Mid-years 2016, 2017, 2018, 2020: 43 forces; regions, England, Wales and England and Wales "
            "for 2016-2018; England, Wales and England and Wales for 2020 (sums of the forces).",
            "caveats": [
                "No other years are embedded; interpolate or use ONS mid-year estimates.",
                "Mid-2018 has no Greater Manchester figure, and the source's mid-2018 North West, England and England "
                "and Wales figures leave Greater Manchester out, so those three are not embedded.",
                "Mid-2020 England, Wales and England and Wales are sums of the force figures (the source holds "
                "forces only); mid-2020 regions are not embedded.",
                "Mid-2020 figures are unrounded and experimental; earlier years are rounded to 100.",
                "British Transport Police polices the railways and has no resident population.",
            ],
        },
        "most_similar_groups": {
            "title": "Most similar groups (MSG) of forces",
            "publisher": "HMICFRS / Lancashire Constabulary",
            "licence": OGL,
            "attribution": "Lancashire's most similar group as quoted in the HMICFRS PEEL 2018/19 report and the "
            "Lancashire PCC's quarterly report of November 2019.",
            "source": "HMICFRS PEEL 2018/19 report and Lancashire PCC quarterly report, November 2019.",
            "coverage": "Lancashire only; add others with forcast.datasets.register_most_similar_group.",
            "caveats": ["MSGs are revised from time to time; check the current HMICFRS/Home Office grouping."],
        },
    }
    for key, meta in call_meta.items():
        df = calls[key]
        meta["coverage"] = f"{len(df)} values, periods starting {span(df['period_start'])}."
        meta["frequency"] = {"D": "daily", "W-SUN": "weekly", "M": "monthly"}[CALL_FILES[key][1]]
        out[key] = meta
    return out


# --- writing ---------------------------------------------------------------------------------------
def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def csv_text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def derive(shared: Path, out: Path) -> dict[str, int]:
    """Read ``shared`` and write every embedded file into ``out``; return file sizes in bytes."""
    check(shared.is_dir(), f"shared data folder {shared} not found; pass --shared DIR")
    q = quarterly(shared)
    r = rolling(shared)
    forces = sorted(q["force"].unique())
    check(sorted(r["force"].unique()) == forces, "rolling and quarterly files name different forces")
    offsets = anchor_offsets(q, r)
    og = by_offence_group(shared)
    check(set(og.loc[og["area_type"] == "force", "area"]) == set(forces), "offence groups: force names differ")
    pop = population(shared, forces)
    msg = pd.DataFrame({"force": "Lancashire", "msg_member": LANCASHIRE_MSG})
    check(set(msg["msg_member"]) <= set(forces), "MSG members must be force names")
    ho = derive_ho.ho_quarterly(shared)
    check(set(ho["force"]) == set(forces) - {"British Transport Police"}, "published tables: force names differ")
    pop_now = derive_ho.population_revised(shared, sorted(ho["force"].unique()))
    calls = {key: call_series(shared, key) for key in CALL_FILES}
    check(call_gaps(calls["eugene_daily"], "D") == ["2009-06-21"], "Eugene: expected exactly one missing day")
    for key in CALL_FILES:
        if key != "eugene_daily":
            check(not call_gaps(calls[key], CALL_FILES[key][1]), f"{key}: unexpected gaps")

    files = {
        "recorded_crime_ho_quarterly.csv": csv_text(ho),
        "known_events.csv": csv_text(derive_ho.known_events(forces)),
        "population_mid2011_2023.csv": csv_text(pop_now),
        "recorded_crime_quarterly.csv": csv_text(q),
        "recorded_crime_rolling12m.csv": csv_text(r),
        "recorded_crime_by_offence_group.csv": csv_text(og),
        "offence_groups.csv": csv_text(offence_groups()),
        "population.csv": csv_text(pop),
        "most_similar_groups.csv": csv_text(msg),
        **{f"calls_{key}.csv": csv_text(df) for key, df in calls.items()},
        "sources.json": json.dumps({**sources(q, r, og, pop, calls, offsets),
                                    **derive_ho.sources_entries(ho, pop_now)}, indent=1, sort_keys=True,
                                   ensure_ascii=False) + "\n",
    }
    for name, text in files.items():
        write_atomic(out / name, text)
    return {name: len(text.encode("utf-8")) for name, text in files.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        sizes = derive(args.shared, args.out)
    except DeriveError as exc:
        print(f"derive.py: {exc}", file=sys.stderr)
        return 1
    for name, size in sizes.items():
        print(f"{size:>9,d}  {name}")
    print(f"{sum(sizes.values()):>9,d}  total bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
