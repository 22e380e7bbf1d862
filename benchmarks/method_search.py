"""Which point forecast and which intervals, judged in real time on the national backtests (issue 13).

    python benchmarks/method_search.py --cache .bench-cache      # after benchmarks/accuracy.py --cache .bench-cache

Reads the scored financial-year rows that ``benchmarks/accuracy.py`` cached for every force (each model's
``predicted`` and ``actual`` per origin and target year) and compares, at every origin from March 2008 to March
2019, candidate forecasts built only from what was known at that origin:

* **members alone**: each model's own forecast;
* **weighted**: a combination of forcast's members (``ets``, ``arima``) and no-change forms (``naive``,
  ``seasonal_naive``) whose weights, one set per horizon year, minimise the mean absolute log error of the
  financial-year forecasts made before the origin whose years had ended by it, pooled over all forces (a grid
  over the simplex in steps of 0.1);

each with **conformal intervals**: the forecast times the 2.5% / 97.5% (10% / 90%) quantiles of the same kind of
past relative errors ``actual / predicted`` at that horizon, learned the same way (real time, pooled), and with
**symmetric conformal** intervals: the same from the errors and their mirror images (``e`` and ``-e`` pooled), so
that the side that missed in the past also guards the side that may miss next. Scores as in
the benchmark: MAPE, bias, coverage, mean 95% width, Winkler 95 and CRPS (from the quantile grid), in % of the
actual, by horizon year; also without the COVID target years.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd

GRID = np.linspace(0.005, 0.995, 199)
MEMBERS = ("ets", "arima", "naive", "seasonal_naive")
FIRST_ORIGIN = "2008-03-31"
COVID_YEARS = ("2020/21", "2021/22")
MIN_ROWS = 40


def load(cache: Path) -> pd.DataFrame:
    frames = []
    for file in sorted(cache.glob("*.pkl")):
        run = pickle.loads(file.read_bytes())["run"]
        frames.append(run.rows.assign(force=run.force))
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["observed_part"] == 0]
    rows["end"] = rows["financial_year"].map(lambda y: pd.Timestamp(f"{int(y[:4]) + 1}-03-31"))
    return rows


def wide(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per force, origin and target year: the actual and each model's forecast."""
    key = ["force", "origin", "financial_year", "horizon_year", "end"]
    table = rows.pivot_table(index=key, columns="model", values="predicted").reset_index()
    actual = rows.drop_duplicates(key).set_index(key)["actual"]
    return table.join(actual, on=key)


def simplex(k: int, step: float = 0.1):
    n = int(round(1 / step))
    for combo in itertools.product(range(n + 1), repeat=k):
        if sum(combo) == n:
            yield np.array(combo, dtype=float) / n


def learn_weights(past: pd.DataFrame, members: tuple) -> np.ndarray:
    preds = past[list(members)].to_numpy(dtype=float)
    actual = past["actual"].to_numpy(dtype=float)
    best, best_w = np.inf, None
    for w in simplex(len(members)):
        loss = np.mean(np.abs(np.log(actual / np.maximum(preds @ w, 1.0))))
        if loss < best:
            best, best_w = loss, w
    return best_w


def crps_from_quantiles(pred: np.ndarray, actual: np.ndarray, q: np.ndarray) -> np.ndarray:
    """CRPS of the distribution pred * exp(q(u)) (quantiles at GRID) by the average quantile (pinball) loss."""
    values = pred[:, None] * np.exp(q[None, :])
    diff = actual[:, None] - values
    loss = np.where(diff >= 0, GRID * diff, (GRID - 1) * diff)
    return 2 * loss.mean(axis=1)


def candidate(table: pd.DataFrame, name: str, how, symmetric: bool = False, growth: float | None = None,
              every_horizon: bool = False) -> pd.DataFrame:
    """Real-time forecasts and conformal intervals of candidate ``how(past, horizon) -> weights over MEMBERS``."""
    out = []
    origins = sorted(o for o in table["origin"].unique() if o >= pd.Timestamp(FIRST_ORIGIN))
    for origin in origins:
        now = table[table["origin"] == origin]
        known = table[(table["origin"] < origin) & (table["end"] <= origin)]
        for h, rows in now.groupby("horizon_year"):
            past = known[known["horizon_year"] == h].dropna(subset=list(MEMBERS))
            if len(past) < MIN_ROWS:
                past = known[known["horizon_year"] <= h].dropna(subset=list(MEMBERS))
            if len(past) < MIN_ROWS:
                continue
            w = how(past, h)
            if growth is not None:  # every horizon up to h (or every one), errors scaled to h by (h / h_i) ** growth
                past = known[(known["horizon_year"] <= h) | every_horizon].dropna(subset=list(MEMBERS))
            pp = past[list(MEMBERS)].to_numpy(dtype=float) @ w
            e = np.log(past["actual"].to_numpy() / pp)
            if growth is not None:
                e = e * (h / past["horizon_year"].to_numpy(dtype=float)) ** growth
            q = np.quantile(np.r_[e, -e] if symmetric else e, GRID)
            q = q - np.log(np.mean(np.exp(q)))  # keep the forecast as the mean
            pred = rows[list(MEMBERS)].to_numpy(dtype=float) @ w
            actual = rows["actual"].to_numpy(dtype=float)
            frame = rows[["force", "origin", "financial_year", "horizon_year"]].copy()
            frame["model"] = name
            frame["predicted"], frame["actual"] = pred, actual
            for level in (80, 95):
                a = (1 - level / 100) / 2
                frame[f"lower_{level}"] = pred * np.exp(np.interp(a, GRID, q))
                frame[f"upper_{level}"] = pred * np.exp(np.interp(1 - a, GRID, q))
            frame["crps"] = crps_from_quantiles(pred, actual, q)
            frame["weights"] = "/".join(f"{x:.1f}" for x in w)
            out.append(frame)
    return pd.concat(out, ignore_index=True)


def score(rows: pd.DataFrame) -> pd.DataFrame:
    a = rows["actual"]
    lo, hi = rows["lower_95"], rows["upper_95"]
    wink = (hi - lo) + 40 * np.clip(lo - a, 0, None) + 40 * np.clip(a - hi, 0, None)
    rows = rows.assign(
        ape=100 * (rows["predicted"] - a).abs() / a, bias=100 * (rows["predicted"] - a) / a,
        cov80=100 * ((rows["lower_80"] <= a) & (a <= rows["upper_80"])), cov95=100 * ((lo <= a) & (a <= hi)),
        width95=100 * (hi - lo) / a, winkler95=100 * wink / a, crps_pct=100 * rows["crps"] / a)
    return rows.groupby(["model", "horizon_year"]).agg(
        n=("ape", "size"), MAPE=("ape", "mean"), bias=("bias", "mean"), cov80=("cov80", "mean"),
        cov95=("cov95", "mean"), width95=("width95", "mean"), winkler95=("winkler95", "mean"),
        CRPS=("crps_pct", "mean"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cache", required=True, type=Path)
    args = p.parse_args(argv)
    table = wide(load(args.cache))
    one = {m: (lambda past, h, m=m: np.array([float(x == m) for x in MEMBERS])) for m in MEMBERS}
    cands = {f"{m} [conformal]": f for m, f in one.items()}
    cands["combination 50/50 [conformal]"] = lambda past, h: np.array([0.5, 0.5, 0, 0])
    cands["weighted ets/arima [conformal]"] = lambda past, h: np.r_[learn_weights(past, ("ets", "arima")), 0, 0]
    cands["weighted all four [conformal]"] = lambda past, h: learn_weights(past, MEMBERS)
    cands["equal four [conformal]"] = lambda past, h: np.full(4, 0.25)
    cands["ets/arima/naive thirds [conformal]"] = lambda past, h: np.array([1, 1, 1, 0]) / 3
    cands["ets/arima/seasonal naive thirds [conformal]"] = lambda past, h: np.array([1, 1, 0, 1]) / 3
    cands["weighted ets/arima/seasonal naive [conformal]"] = lambda past, h: np.insert(
        learn_weights(past, ("ets", "arima", "seasonal_naive")), 2, 0.0)
    rows = pd.concat([candidate(table, name, how) for name, how in cands.items()]
                     + [candidate(table, name.replace("[conformal]", "[symmetric conformal]"), how, True)
                        for name, how in cands.items()]
                     + [candidate(table, name.replace("[conformal]", f"[symmetric, all horizons ^{g}]"), how, True, g)
                        for name, how in cands.items() for g in (0.5, 1.0)]
                     + [candidate(table, name.replace("[conformal]", "[symmetric, every horizon scaled ^1]"), how,
                                  True, 1.0, True) for name, how in cands.items()], ignore_index=True)
    pd.set_option("display.width", 220)
    fmt = {"float_format": lambda v: f"{v:.1f}"}
    print(f"Real-time candidates, origins {FIRST_ORIGIN[:4]}-2019, {table['force'].nunique()} forces:")
    print(score(rows).to_string(**fmt))
    print("\nWithout the COVID target years:")
    print(score(rows[~rows["financial_year"].isin(COVID_YEARS)]).to_string(**fmt))
    last = rows[rows["origin"] == rows["origin"].max()].drop_duplicates(["model", "horizon_year"])
    print("\nWeights learned at the last origin (ets/arima/naive/seasonal naive):")
    print(last.pivot(index="model", columns="horizon_year", values="weights").to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
