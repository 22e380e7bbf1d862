"""Derive the current embedded recorded crime, known breaks and population (called by ``data/derive.py``).

Inputs, all in ``<shared>`` (documented in their own ``PROVENANCE.md``):

* ``ho_open_data/prc_pfa_quarterly_by_offence_group_2002_2023.csv`` -- Home Office "Police recorded crime and
  outcomes open data tables", published quarterly counts by force and offence group, April 2002 - March 2023;
* ``ho_open_data/prc_pfa_quarterly_totals_excl_fraud_2002_2023.csv`` -- the same totals (used as a check only);
* ``population/pfa_population_mid2011_2023_revised.csv`` -- ONS mid-year estimates summed to police force areas.

Outputs: ``recorded_crime_ho_quarterly.csv`` (``force, offence_group, period, count``: nine offence groups,
fraud excluded; totals are their sums), ``known_events.csv`` (the recording breaks and anomalies declared by
default) and ``population_mid2011_2023.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forcast.crime_series import OFFENCE_GROUPS  # the nine groups, named once (the package reads what this writes)

#: Known breaks and anomalies of the published series, declared by default (``shared/data/ho_open_data/
#: PROVENANCE.md``). ``kind``: level_shift (recording practice moves the level from ``start``), excluded
#: (``start``..``end`` treated as missing, not as demand) or gap (no data published; the series stops before it).
#: ``force`` "*" means every force.
KNOWN_EVENTS = [
    ("Lancashire", "lancashire_cdi_2018", "level_shift", "2018-04", "",
     "recording change (crime data integrity), April 2018",
     "Recorded crime jumps by about 30% from April 2018 (33,838 in January-March 2018, 43,284 in April-June "
     "2018) after crime-data-integrity work: recording practice, not demand."),
    ("Lancashire", "lancashire_system_2018", "level_shift", "2019-01", "",
     "new recording system (November 2018)",
     "A new recording system from November 2018; the series falls back from January 2019 (41,444 in "
     "October-December 2018, 36,937 in January-March 2019)."),
    ("Greater Manchester", "gmp_it_2019", "excluded", "2019-07", "2019-12",
     "IT system failure (iOPS), July-December 2019",
     "The iOPS system failure left July-September 2019 at 47,536 against about 79,000 in the quarters either "
     "side: an undercount, not demand. ONS left the force out of the years ending September and December 2019."),
    ("Devon and Cornwall", "devon_cornwall_niche_2022", "gap", "2022-10", "2023-03",
     "no data October 2022 - March 2023 (new Niche records system)",
     "No figures were published for October 2022 - March 2023 (new records system, November 2022), so 2022/23 "
     "is incomplete: the series ends in September 2022. The months are missing, never zero."),
    ("Lincolnshire", "lincolnshire_2017q1", "excluded", "2017-01", "2017-03",
     "suspect count, January-March 2017",
     "About 30% below the quarters either side in every offence group: suspect, treated as missing."),
    ("*", "covid_19", "excluded", "2020-04", "2021-03",
     "COVID-19 lockdowns (from 23 March 2020)",
     "Lockdowns from 23 March 2020 cut recorded crime sharply in 2020/21, most in theft and robbery; the "
     "financial year 2020/21 is treated as missing, not as demand."),
]
#: Known events listed but not declared unless asked (chosen by backtest: benchmarks/covid_treatment.py).
OFF_BY_DEFAULT: set[str] = set()
KNOWN_EVENT_COLUMNS = ["force", "key", "kind", "start", "end", "label", "detail", "default"]


class DeriveError(RuntimeError):
    """The shared inputs are missing or disagree with the figures this script checks."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise DeriveError(message)


def ho_quarterly(shared: Path) -> pd.DataFrame:
    """Quarterly counts by force and offence group (fraud excluded), checked against the published totals."""
    g = pd.read_csv(shared / "ho_open_data" / "prc_pfa_quarterly_by_offence_group_2002_2023.csv")
    t = pd.read_csv(shared / "ho_open_data" / "prc_pfa_quarterly_totals_excl_fraud_2002_2023.csv")
    g = g[g["offence_group"] != "Fraud offences"]
    check(set(g["offence_group"]) == set(OFFENCE_GROUPS), f"unexpected offence groups: {set(g['offence_group'])}")
    check(set(g["frequency"]) == {"quarterly"}, "offence groups: not all quarterly")
    g = g.assign(period=pd.PeriodIndex(pd.to_datetime(g["period_start"]), freq="Q-DEC").astype(str))
    out = g[["force", "offence_group", "period", "count"]].copy()
    out["count"] = out["count"].astype("int64")
    check(not out.duplicated(["force", "offence_group", "period"]).any(), "offence groups: repeated rows")
    check(out["force"].nunique() == 43, f"expected 43 forces, got {out['force'].nunique()}")
    # Every force has every group in every quarter it has at all (so the groups sum to a total everywhere).
    n_groups = out.groupby(["force", "period"])["offence_group"].nunique()
    check(bool((n_groups == len(OFFENCE_GROUPS)).all()), "some force-quarters lack an offence group")
    sums = out.groupby(["force", "period"])["count"].sum()
    t = t.assign(period=pd.PeriodIndex(pd.to_datetime(t["period_start"]), freq="Q-DEC").astype(str))
    published = t.set_index(["force", "period"])["count"]
    check(sums.sort_index().equals(published.sort_index().astype("int64")),
          "offence groups do not sum to the published totals")
    lanc = sums.loc["Lancashire"]
    fy = {"2018/19": ["2018Q2", "2018Q3", "2018Q4", "2019Q1"], "2022/23": ["2022Q2", "2022Q3", "2022Q4", "2023Q1"]}
    for year, expected in {"2018/19": 166292, "2022/23": 131321}.items():
        got = int(lanc[fy[year]].sum())
        check(got == expected, f"Lancashire {year}: expected {expected:,}, got {got:,}")
    periods = sorted(out["period"].unique())
    check(periods[0] == "2002Q2" and periods[-1] == "2023Q1", f"coverage {periods[0]}..{periods[-1]}")
    dc = sums.loc["Devon and Cornwall"]
    check(dc.index.max() == "2022Q3", "Devon and Cornwall: expected to end in 2022Q3 (gap Oct 2022 - Mar 2023)")
    full = {f: len(s) for f, s in sums.groupby(level=0)}
    check(all(n == 84 for f, n in full.items() if f != "Devon and Cornwall"), "forces without 84 quarters")
    order = {name: i for i, name in enumerate(OFFENCE_GROUPS)}
    out = out.assign(_o=out["offence_group"].map(order)).sort_values(["force", "_o", "period"])
    return out.drop(columns="_o").reset_index(drop=True)


def known_events(forces: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(KNOWN_EVENTS, columns=KNOWN_EVENT_COLUMNS[:-1])
    out["default"] = [key not in OFF_BY_DEFAULT for key in out["key"]]
    check(set(out["force"]) - {"*"} <= set(forces), "known events name unknown forces")
    check(not out["key"].duplicated().any(), "known events: repeated keys")
    return out


def population_revised(shared: Path, forces: list[str]) -> pd.DataFrame:
    """Mid-2011 to mid-2023 population of the 43 force areas (one consistent ONS series), plus England, Wales and
    England and Wales as their sums."""
    p = pd.read_csv(shared / "population" / "pfa_population_mid2011_2023_revised.csv")
    check(set(p["force"]) == set(forces), "population: force names differ from recorded crime")
    p = p.rename(columns={"year": "mid_year", "pfa_code": "area_code", "force": "area"})
    p["area_type"] = "force"
    rows = [p]
    for name, code, kind, prefix in [("England and Wales", "K04000001", "england_and_wales", ""),
                                     ("England", "E92000001", "country", "E"), ("Wales", "W92000004", "country", "W")]:
        part = p[p["area_code"].str.startswith(prefix)]
        s = part.groupby("mid_year", as_index=False)["population"].sum()
        rows.append(s.assign(area=name, area_code=code, area_type=kind))
    out = pd.concat(rows, ignore_index=True)[["area_code", "area", "area_type", "mid_year", "population"]]
    out["population"] = out["population"].astype("int64")
    ew = out[out["area"] == "England and Wales"].set_index("mid_year")["population"]
    check(int(ew[2023]) == 60854727, f"mid-2023 England and Wales should be 60,854,727; got {ew[2023]:,}")
    return out.sort_values(["area_type", "area", "mid_year"]).reset_index(drop=True)


def sources_entries(q: pd.DataFrame, pop: pd.DataFrame) -> dict:
    """The ``sources.json`` entries for the files above."""
    ogl = "Open Government Licence v3.0"
    return {
        "recorded_crime": {
            "title": "Police recorded crime by force and offence group, quarterly, April 2002 - March 2023",
            "publisher": "Home Office",
            "licence": ogl,
            "attribution": "Contains public sector information licensed under the Open Government Licence v3.0 "
            "(Home Office).",
            "source": "Home Office 'Police recorded crime and outcomes open data tables' (PFA tables 2002/03-"
            "2011/12 and prc-pfa-mar2013-onwards-tables, a 2024 release), summed by force, offence group and "
            "quarter; obtained from GitHub dm2-hill/Predicting-Future-Crime-Trends-Dissertation, file 'combined_df "
            "FINAL 2023 Q4 added.xlsx', commit 7befad5.",
            "coverage": f"43 territorial forces, quarters {q['period'].min()} to {q['period'].max()} (financial "
            "years 2002/03 to 2022/23), nine offence groups; totals exclude fraud.",
            "caveats": [
                "Published quarterly counts (not derived). Total recorded crime excludes fraud, recorded "
                "nationally by Action Fraud, CIFAS and UK Finance since 2013/14.",
                "The source dropped rows with zero or negative counts (a few negative adjustments), so totals are "
                "very slightly high: median +0.03% against the ONS rolling totals for 2003-2014.",
                "Changes in recording practice affect the whole series: HMIC's 2014 crime data integrity "
                "inspection raised violence and public order counts from 2014/15; counting rules for stalking, "
                "harassment and coercive control changed in 2023.",
                "Known breaks and anomalies are declared by default (forcast.datasets.known_events()).",
                "British Transport Police is not in these tables; its derived 2006-2018 series is "
                "forcast.datasets.recorded_crime_derived('British Transport Police').",
                "Police recorded crime is not designated National Statistics.",
            ],
        },
        "population_mid2011_2023": {
            "title": "Resident population by police force area, mid-2011 to mid-2023",
            "publisher": "Office for National Statistics (ONS)",
            "licence": ogl,
            "attribution": "Source: Office for National Statistics, mid-year population estimates. Contains public "
            "sector information licensed under the Open Government Licence v3.0.",
            "source": "ONS mid-year population estimates (mid-2023 release, 15 July 2024, Census-2021-based "
            "revised series) for local authority districts, summed to police force areas with ONS lookups; via "
            "GitHub jamesLSI/ecom185, data/LAD23_Mid_Year_pop_2011_to_2023.xlsx, commit 37d6841.",
            "coverage": f"43 forces and England, Wales, England and Wales (sums of the forces), mid-years "
            f"{pop['mid_year'].min()} to {pop['mid_year'].max()}.",
            "caveats": [
                "One consistent revised series: do not mix with first-published estimates in one trend.",
                "City of London's population is about 8,000-13,000 and moves between vintages: its rate is "
                "fragile.",
                "British Transport Police polices the railways and has no resident population.",
            ],
        },
    }
