"""The national benchmark (issue 13): forcast and its peers side by side, all 43 forces, origins every 31 March
2006–2019, four financial years ahead (targets up to 2022/23), models fitted on all data from 2002Q2 up to each
origin, known breaks declared as far as observable at each origin.

    python benchmarks/accuracy.py --cache .bench-cache --out out/accuracy     # all forces, both cores
    python benchmarks/accuracy.py --forces 3 --n-paths 200                    # a quick look
    python benchmarks/accuracy.py --cache .bench-cache                        # again: re-scores, no refitting
    python benchmarks/accuracy.py --write-calibration   # also write src/forcast/_data/calibration.json

Models: forcast's ``ets``, ``arima`` and their ``combination`` (one backtest), and in the same run the peers
(``benchmarks/_peers.py``), each through the same backtest so that every financial-year interval comes from
sample paths: statsforecast AutoETS, AutoARIMA and AutoTheta (the ``bench`` extra), the M4 Comb, seasonal naive
and naive. A statsforecast peer whose ``simulate`` fails gets Gaussian paths from its ``predict`` intervals, and
is then also scored with financial-year bounds that are sums of its quarterly bounds (printed "(summed bounds)").

"forcast default" is what ``forcast.forecast`` gives by default, learned in real time: the combination (ETS, ARIMA
and their no-change forms) with intervals set at each origin by ``ErrorQuantiles.from_backtests(...,
known_by=origin, symmetric=True, growth=1, later_origins_only=True, model_floor=True)``, learned only from the
financial-year errors of years that had ended by that origin, pooled over all forces, and never narrower than the
combination's own intervals. The older widening factors (``calibrated``) and plain conformal intervals
are scored beside it. Interval methods are pluggable
(``benchmarks/_scoring.py``: ``INTERVAL_METHODS``); an origin with fewer than two ended target years keeps
the model's intervals and is flagged.

Printed per model and years ahead: FY MAPE, median APE, bias (mean signed % error, + = forecast too high),
coverage of the 80% and 95% intervals, mean 95% width, 95% interval (Winkler) score and CRPS (of the path totals),
these three in % of the actual; then the same without the COVID target years 2020/21-2021/22; then the targets
(forcast default against the best peer); and the time per model.

``--cache DIR`` keeps each force's backtests (forcast's with every path, the peers' scored rows) in
``DIR/<force>.pkl``, keyed by the paths, seed, origins and peers; delete the folder after changing a model.
Parallelism: one process per core (``--workers``), by force; BLAS threads pinned to 1 per process.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import GAUSSIAN, peers, summed_bounds  # noqa: E402
from _scoring import (COVID_YEARS, DEFAULT, DEFAULT_LABEL, INTERVAL_METHODS, ForceRun, add_scores,  # noqa: E402
                      apply_methods, memoised_fiscal, summary, targets)

from forcast import datasets  # noqa: E402
from forcast.evaluation.backtesting import backtest  # noqa: E402
from forcast.evaluation.calibration import Calibration, coverage_by_horizon  # noqa: E402
from forcast.evaluation.metrics import score_financial_years  # noqa: E402

ORIGINS = [f"{y}-03-31" for y in range(2006, 2020)]
HORIZON = "4y"
FORCAST_MODELS = ("ets", "arima")
FORCAST_LABEL = "forcast (ets, arima, combination)"
PEERS = ("sf_autoets", "sf_autoarima", "sf_autotheta", "m4_comb", "seasonal_naive", "naive")
ORDER = [DEFAULT_LABEL, "combination", "ets", "arima", *PEERS]
CALIBRATION_FILE = Path(__file__).resolve().parents[1] / "src" / "forcast" / "_data" / "calibration.json"
ERRORS_FILE = CALIBRATION_FILE.with_name("error_quantiles.json")
#: The shipped interval method: symmetric error quantiles, each horizon from its own errors and the shorter
#: horizons' errors of later origins scaled by h/i, never narrower than the model's own (chosen on this benchmark
#: in real time: see docs/backtesting.md).
SHIPPED = {"symmetric": True, "growth": 1.0, "later_origins_only": True, "model_floor": True}


# ---------------------------------------------------------------------------------------------- one force
def run_force(force: str, n_paths: int, seed: int, peer_names: tuple, cache: str | None,
              refit_forcast: bool = False) -> ForceRun:
    """forcast's backtest and each peer's for one force (read from ``cache`` when it holds the same run;
    ``refit_forcast``: refit forcast's models only and keep the cached peers, after a change to forcast)."""
    key = {"n_paths": n_paths, "seed": seed, "origins": ORIGINS, "horizon": HORIZON, "peers": list(peer_names)}
    file = Path(cache) / f"{force.replace(' ', '_')}.pkl" if cache else None
    stored = pickle.loads(file.read_bytes()) if file is not None and file.exists() else None
    if stored is not None and stored["key"] == key and not refit_forcast:
        return stored["run"]
    warnings.simplefilter("ignore")
    series = datasets.recorded_crime(force)
    common = {"origins": ORIGINS, "horizon": HORIZON, "baselines": False, "n_paths": n_paths, "seed": seed}
    start = time.perf_counter()
    bt = backtest(series, models=FORCAST_MODELS, **common)
    times, notes = {FORCAST_LABEL: time.perf_counter() - start}, {}
    frames = [score_financial_years(bt)]
    if stored is not None and stored["key"] == key:  # refit_forcast: the peers as cached
        old = stored["run"]
        frames.append(old.rows[old.rows["model"].isin(list(peer_names)) | old.rows["model"].str.endswith(
            "(summed bounds)")])
        run = ForceRun(force, bt, pd.concat(frames, ignore_index=True),
                       {**{k: v for k, v in old.times.items() if k != FORCAST_LABEL}, **times}, old.notes)
        file.write_bytes(pickle.dumps({"key": key, "run": run}))
        return run
    make = peers()
    for name in peer_names:
        model = make[name]()
        start = time.perf_counter()
        peer = backtest(series, models=[model], **common)
        times[name] = time.perf_counter() - start
        frames.append(score_financial_years(peer))
        notes[name] = sorted({str(f.specifications.get(name)) for f in peer.folds} | {
            f"model {m} instead" for f in peer.folds for m in f.paths if m != name})
        if any(GAUSSIAN in n for n in notes[name]):
            frames.append(summed_bounds(peer, model))
    run = ForceRun(force, bt, pd.concat(frames, ignore_index=True), times, notes)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(pickle.dumps({"key": key, "run": run}))
    return run


# ---------------------------------------------------------------------------------------------- report
def _fmt(v) -> str:
    return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.2f}" if abs(v) < 100 else f"{v:.1f}"


def print_scores(title: str, scored: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    table = summary(scored, order)
    print(f"\n{title}")
    print(table.to_string(float_format=_fmt))
    return table


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--forces", type=int, help="only the first N forces (default: all 43)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--n-paths", type=int, default=1000)
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--out", help="write the scored rows and the tables (CSV) into this folder")
    p.add_argument("--cache", help="keep each force's backtests here and reuse them on the next run")
    p.add_argument("--methods", help="only these interval methods, separated by ';' (default: all of "
                                     "_scoring.INTERVAL_METHODS; the default method is always scored)")
    p.add_argument("--write-error-quantiles", action="store_true",
                   help=f"write the pooled error quantiles (the default intervals) to "
                   f"{ERRORS_FILE.relative_to(ERRORS_FILE.parents[3])}")
    p.add_argument("--refit-forcast", action="store_true",
                   help="with --cache: refit forcast's models (after changing them) and reuse the cached peers")
    p.add_argument("--write-calibration", action="store_true",
                   help=f"write the pooled calibration to {CALIBRATION_FILE.relative_to(CALIBRATION_FILE.parents[3])}")
    args = p.parse_args(argv)

    forces = datasets.forces()[: args.forces] if args.forces else datasets.forces()
    available = peers()
    peer_names = tuple(n for n in PEERS if n in available)
    if len(peer_names) < len(PEERS):
        print(f"Peers not available (pip install 'forcast[bench]'): {', '.join(set(PEERS) - set(peer_names))}.")
    print(f"National backtest: {len(forces)} forces, origins 31 March {ORIGINS[0][:4]}-{ORIGINS[-1][:4]}, "
          f"{HORIZON[0]} financial years ahead, {args.n_paths} paths, seed {args.seed}, {args.workers} processes.")
    from tqdm import tqdm

    wall = time.perf_counter()
    n = len(forces)
    with ProcessPoolExecutor(args.workers) as pool:
        jobs = pool.map(run_force, forces, [args.n_paths] * n, [args.seed] * n, [peer_names] * n, [args.cache] * n,
                        [args.refit_forcast] * n)
        runs = list(tqdm(jobs, total=n, unit="force", file=sys.stderr))
    wall = time.perf_counter() - wall

    start = time.perf_counter()
    methods = INTERVAL_METHODS
    if args.methods:
        wanted = {m.strip() for m in args.methods.split(";") if m.strip()} | {"model", DEFAULT[1]}
        unknown = wanted - set(INTERVAL_METHODS)
        if unknown:
            p.error(f"unknown interval method(s) {sorted(unknown)}; known: {'; '.join(INTERVAL_METHODS)}")
        methods = {k: v for k, v in INTERVAL_METHODS.items() if k in wanted}
    rows = apply_methods(runs, ORIGINS, methods, args.workers)
    scored = add_scores(rows)
    scoring_time = time.perf_counter() - start
    pd.set_option("display.width", 250)
    pd.set_option("display.max_rows", 500)

    how = pd.DataFrame({k: "; ".join(sorted({s for r in runs for s in r.notes.get(k, [])})) for k in peer_names},
                       index=["how"]).T
    print("\nHow each peer's paths were made:")
    print(how.to_string(header=False))
    flagged = sorted({f"{o:%Y}" for o in rows.loc[rows["fallback"], "origin"]})
    if flagged:
        print(f"Flagged: origins {', '.join(flagged)} had fewer than two ended target years; their "
              f"{DEFAULT_LABEL} rows keep the model's intervals.")
    kept = scored.groupby("label").size()
    print(f"Rows per model: {kept.min()}-{kept.max()} (financial years without a complete actual are dropped).")

    per_h = "Financial-year totals by model and years ahead (h); MAPE, MdAPE, bias, width95, winkler95, CRPS in % of"
    all_years = print_scores(f"{per_h} the actual; cov in % of actuals inside. All target years 2006/07-2022/23:",
                             scored, ORDER)
    no_covid = print_scores(f"The same without the COVID target years {', '.join(COVID_YEARS)}:",
                            scored[~scored["financial_year"].isin(COVID_YEARS)], ORDER)
    peer_labels = [lab for lab in all_years.index.get_level_values(0).unique()
                   if lab.split(" ")[0] in peer_names]
    target, verdict = targets(all_years, peer_labels)
    print(f"\nTargets ({DEFAULT_LABEL} against the best peer at each horizon, all target years):")
    print(target.to_string(float_format=lambda v: f"{v:.2f}"))
    print("\n".join(verdict))
    print("Without the COVID target years:\n" + "\n".join(targets(no_covid, peer_labels)[1]))

    times = pd.DataFrame([r.times for r in runs], index=[r.force for r in runs])
    print("\nTime per model (s of one process; as first run for forces read from the cache):")
    print(pd.DataFrame({"total": times.sum(), "per force": times.mean()}).to_string(float_format=lambda v: f"{v:,.1f}"))
    print("Per force (s): " + ", ".join(f"{f} {t:.0f}" for f, t in times.sum(axis=1).items()))
    print(f"Wall time: {wall:,.0f} s for the backtests with {args.workers} processes; "
          f"{scoring_time:,.0f} s for the interval methods and scores.")

    if args.write_calibration:
        with memoised_fiscal():
            cal = Calibration.from_backtests([r.bt for r in runs])
            inside = pd.concat([r.bt.widened(cal).financial_years() for r in runs])
        cal.to_json(CALIBRATION_FILE)
        print(f"\nWrote {CALIBRATION_FILE}: {cal.note}")
        print(cal.table().to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print("Its coverage on its own learning data (all origins; not an independent test):")
        print(coverage_by_horizon(inside[inside["model"] == "combination"]).to_string(index=False))
    if args.write_error_quantiles:
        from forcast.evaluation.conformal import ErrorQuantiles

        shipped = ("combination", "ets", "arima", "seasonal_naive")  # seasonal naive: shown beside the projection
        rows = pd.concat([r.rows[r.rows["model"].isin(shipped)] for r in runs], ignore_index=True)
        eq = ErrorQuantiles.from_frame(rows, **SHIPPED, series=tuple(r.force for r in runs),
                                       origins=tuple(ORIGINS), frequency="quarterly", measure="recorded_crime")
        held = scored[scored["label"] == DEFAULT_LABEL].groupby("horizon_year")
        eq.evaluation = {
            "basis": f"{len(runs)} forces, forecasts made each March {ORIGINS[0][:4]}-{ORIGINS[-1][:4]}, errors "
                     f"learned only from years ended by each forecast",
            "coverage_80": {str(h): round(float(v), 4) for h, v in held["coverage_80"].mean().items()},
            "coverage_95": {str(h): round(float(v), 4) for h, v in held["coverage_95"].mean().items()},
            "mape": {str(h): round(float(v), 2) for h, v in held["ape"].mean().items()},
            "naive_mape": {str(h): round(float(v), 2) for h, v in
                           scored[scored["label"] == "naive"].groupby("horizon_year")["ape"].mean().items()}}
        eq.to_json(ERRORS_FILE)
        print(f"\nWrote {ERRORS_FILE}: {eq.note}")
        print(eq.table().to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        scored.to_csv(out / "accuracy_rows.csv", index=False)
        all_years.to_csv(out / "accuracy_by_horizon.csv")
        no_covid.to_csv(out / "accuracy_by_horizon_without_covid.csv")
        target.to_csv(out / "accuracy_targets.csv")
        times.to_csv(out / "accuracy_times.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
