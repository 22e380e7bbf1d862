"""How to treat COVID-19 in recorded crime: "excluded period" against "no treatment", by backtest on 43 forces.

    python benchmarks/covid_treatment.py                 # all 43 forces, both cores
    python benchmarks/covid_treatment.py --forces 4      # a quick look

The published Home Office quarters (``forcast.datasets.recorded_crime``) for every territorial force, forecast
from each origin below to the end of 2022/23 with forcast's default models (ETS, ARIMA and their combination) and
every other known break declared as by default. Two treatments of the pandemic, same seed, same everything else:

* ``excluded``: the known event ``covid_19`` (April 2020 - March 2021, the lockdown year 2020/21) is treated as
  missing, not as demand;
* ``none``: the pandemic quarters are modelled like any others.

Origins: 31 December 2020, 31 March 2021, 30 September 2021 and 31 March 2022, the forecasts made when an analyst
had to decide. Scored on financial-year totals of 2021/22 and 2022/23 (a forecast made part-way through a year
combines the observed quarters with the forecast rest): MAPE, 95% coverage and the 95% interval (Winkler) score
divided by the actual. The treatment that scores better is the default in ``data/derive_ho.py`` (OFF_BY_DEFAULT),
and the method statement says which.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402

import pandas as pd  # noqa: E402

from forcast import datasets  # noqa: E402
from forcast.evaluation.backtesting import backtest  # noqa: E402
from forcast.evaluation.metrics import winkler  # noqa: E402

ORIGINS = ["2020-12-31", "2021-03-31", "2021-09-30", "2022-03-31"]
TARGETS = ("2021/22", "2022/23")


def run_force(force: str, n_paths: int, seed: int) -> pd.DataFrame:
    warnings.simplefilter("ignore")
    series = datasets.recorded_crime(force)
    keys = [e.key for e in series.attrs["known_events"] if e.default and e.kind != "gap"]
    frames = []
    for treatment, chosen in (("excluded", sorted(set(keys) | {"covid_19"})),
                              ("none", [k for k in keys if k != "covid_19"])):
        bt = backtest(series, origins=ORIGINS, horizon="2y", models=("ets", "arima"), n_paths=n_paths, seed=seed,
                      baselines=False, known_events=chosen)
        fy = bt.financial_years()
        fy = fy[fy["financial_year"].isin(TARGETS)].assign(force=force, treatment=treatment)
        frames.append(fy)
    return pd.concat(frames, ignore_index=True)


def score(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(
        ape=(rows["predicted"] - rows["actual"]).abs() / rows["actual"] * 100,
        winkler=winkler(rows["actual"], rows["lower_95"], rows["upper_95"], 95) / rows["actual"] * 100,
        width=(rows["upper_95"] - rows["lower_95"]) / rows["actual"] * 100,
    )
    return rows.groupby(["model", "treatment"]).agg(
        n=("ape", "size"), mape=("ape", "mean"), median_ape=("ape", "median"), coverage_95=("inside_95", "mean"),
        width_95=("width", "mean"), winkler_95=("winkler", "mean"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--forces", type=int, help="only the first N forces (default: all 43)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--n-paths", type=int, default=1000)
    p.add_argument("--seed", type=int, default=2019)
    args = p.parse_args(argv)
    forces = datasets.forces()[: args.forces] if args.forces else datasets.forces()
    print(f"COVID-19 treatment: {len(forces)} forces, published quarters to 2023Q1, origins {', '.join(ORIGINS)}; "
          f"targets {', '.join(TARGETS)}; {args.n_paths} paths, seed {args.seed}.")
    wall = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        rows = pd.concat(pool.map(run_force, forces, [args.n_paths] * len(forces), [args.seed] * len(forces)),
                         ignore_index=True)
    print(f"Wall time {time.perf_counter() - wall:,.0f} s.\n")
    pd.set_option("display.width", 200)
    print("All origins and targets (MAPE, widths and Winkler score in % of the actual):")
    print(score(rows).to_string(float_format=lambda v: f"{v:.3f}" if v < 1 else f"{v:.1f}"))
    for origin, part in rows.groupby("origin"):
        print(f"\nOrigin {origin:%d %B %Y}:")
        print(score(part).to_string(float_format=lambda v: f"{v:.3f}" if v < 1 else f"{v:.1f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
