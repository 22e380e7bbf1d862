"""Scoring for the national benchmark: interval methods applied in real time, and the score tables.

An **interval method** is one function ``method(runs, origin) -> rows``: ``runs`` are every force's
:class:`ForceRun` (``run.bt`` the forcast backtest with all its sample paths, ``run.rows`` the scored
financial-year rows of every model with its own intervals), ``origin`` a Timestamp; it returns the
financial-year rows forecast from that origin, in the columns of
:func:`forcast.evaluation.metrics.score_financial_years` (``crps`` may be NaN), with a ``method`` column and a boolean
``fallback`` column (True where the method could not be applied and the model's own intervals were kept). A method may
use only what was known at ``origin``.
Add one to :data:`INTERVAL_METHODS` and it is scored and printed beside the others.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forcast.forecasting import fiscal
from forcast.evaluation.backtesting import Backtest
from forcast.evaluation.calibration import Calibration
from forcast.evaluation.metrics import score_financial_years, winkler

COVID_YEARS = ("2020/21", "2021/22")
#: Below this many ended target years a real-time calibration is not learned (model intervals are used).
MIN_ENDED_YEARS = 2
#: what forcast.forecast gives by default: the combination with symmetric error quantiles (each horizon's own and
#: the shorter horizons' of later origins, scaled by h/i), never narrower than the combination's own intervals
DEFAULT = ("combination", "symmetric conformal growth 1 later origins, model floor")
DEFAULT_LABEL = "forcast default"
COLUMNS = {"n": "n", "mape": "MAPE", "mdape": "MdAPE", "bias": "bias", "coverage_80": "cov80",
           "coverage_95": "cov95", "width_95": "width95", "winkler_95": "winkler95", "crps": "CRPS"}


@dataclass
class ForceRun:
    """One force's backtests: forcast's (every path kept, for the interval methods) and every model's scored
    financial-year rows with the model's own intervals (peers keep only these: path totals went into ``crps``)."""

    force: str
    bt: Backtest
    rows: pd.DataFrame
    times: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)


def subset(bt: Backtest, model: str, keep) -> Backtest:
    """``bt`` with only the folds ``keep(fold)`` accepts and only ``model``'s paths."""
    from forcast.evaluation.backtesting import Fold

    folds = [Fold(f.origin, f.index, {model: f.paths[model]}, f.events, f.notes, f.specifications)
             for f in bt.folds if keep(f) and model in f.paths]
    return Backtest(bt.series, bt.splitter, bt.levels, folds, bt.seed, bt.n_paths, bt.calibration)


def ended_years(runs: list[ForceRun], origin: pd.Timestamp) -> list[str]:
    """Target financial years (of any origin) that had ended by ``origin``."""
    years = pd.unique(pd.concat([r.rows["financial_year"] for r in runs]))
    return sorted(y for y in years if fiscal.parse_financial_year(y).end_time.normalize() <= origin)


@contextmanager
def memoised_fiscal():
    """Memoise :func:`forcast.forecasting.fiscal.group_weights` and ``group_coverage`` (pure functions of a regular
    index) while the interval methods run. Every widened backtest re-derives them for every fold, which took about 80% of
    the methods' time; the results are identical. (A library fix: let ``Backtest.widened`` keep the index-derived
    parts of its financial-year blocks.)"""
    from forcast.forecasting import fiscal

    originals = fiscal.group_weights, fiscal.group_coverage

    def memo(fn):
        store = {}

        def wrapper(index, grouping="financial_year"):
            if len(index) == 0:
                return fn(index, grouping)
            key = (index[0], len(index), index.freqstr, grouping)
            if key not in store:
                store[key] = fn(index, grouping)
            out = store[key].copy()
            return out.set_axis(index, axis=0) if fn is originals[0] else out

        return wrapper

    fiscal.group_weights, fiscal.group_coverage = memo(originals[0]), memo(originals[1])
    try:
        yield
    finally:
        fiscal.group_weights, fiscal.group_coverage = originals


# ---------------------------------------------------------------------------------------------- methods
def model_intervals(runs: list[ForceRun], origin: pd.Timestamp) -> pd.DataFrame:
    """Every model's own intervals (from its sample paths)."""
    rows = pd.concat([r.rows[r.rows["origin"] == origin] for r in runs], ignore_index=True)
    return rows.assign(method="model", fallback=False)


def calibrated(runs: list[ForceRun], origin: pd.Timestamp, model: str = "combination") -> pd.DataFrame:
    """The combination widened by :meth:`Calibration.from_backtests` (the shipped approach) learned in real time:
    only from the financial years that had ended by ``origin``, pooled over all forces."""
    at = [subset(r.bt, model, lambda f: f.date == origin) for r in runs]
    fallback = len(ended_years(runs, origin)) < MIN_ENDED_YEARS
    if not fallback:
        cal = Calibration.from_backtests([subset(r.bt, model, lambda f: f.date < origin) for r in runs],
                                         known_by=origin)
        at = [b.widened(cal) for b in at]
    rows = pd.concat([score_financial_years(b) for b in at if b.folds], ignore_index=True)
    return rows.assign(method="calibrated", fallback=fallback)


def conformal(runs: list[ForceRun], origin: pd.Timestamp, model: str = "combination",
              symmetric: bool = False, growth: float | None = None, model_floor: bool = False,
              later_origins_only: bool = False) -> pd.DataFrame:
    """The combination's paths mapped onto :class:`forcast.evaluation.conformal.ErrorQuantiles` learned in real time:
    the relative financial-year errors of forecasts made before ``origin`` whose years had ended by it, pooled over
    all forces (``symmetric``: each error and its mirror image)."""
    from forcast.evaluation.conformal import ErrorQuantiles
    from forcast.errors import ParameterError

    label = (("symmetric " if symmetric else "") + "conformal" + (f" growth {growth:g}" if growth else "")
             + (" later origins" if later_origins_only else "") + (", model floor" if model_floor else ""))
    at = [subset(r.bt, model, lambda f: f.date == origin) for r in runs]
    fallback = len(ended_years(runs, origin)) < MIN_ENDED_YEARS
    if not fallback:
        try:
            eq = ErrorQuantiles.from_backtests([subset(r.bt, model, lambda f: f.date < origin) for r in runs],
                                               known_by=origin, symmetric=symmetric, growth=growth,
                                               model_floor=model_floor, later_origins_only=later_origins_only)
            at = [b.widened(eq) for b in at]
        except ParameterError:
            fallback = True
    rows = pd.concat([score_financial_years(b) for b in at if b.folds], ignore_index=True)
    return rows.assign(method=label, fallback=fallback)


def symmetric_conformal(runs: list[ForceRun], origin: pd.Timestamp) -> pd.DataFrame:
    return conformal(runs, origin, symmetric=True)


def growth_conformal(runs: list[ForceRun], origin: pd.Timestamp) -> pd.DataFrame:
    return conformal(runs, origin, symmetric=True, growth=1.0)


def floored_conformal(runs: list[ForceRun], origin: pd.Timestamp) -> pd.DataFrame:
    return conformal(runs, origin, symmetric=True, growth=1.0, model_floor=True)


def gap_conformal(runs: list[ForceRun], origin: pd.Timestamp) -> pd.DataFrame:
    return conformal(runs, origin, symmetric=True, growth=1.0, model_floor=True, later_origins_only=True)


INTERVAL_METHODS = {"model": model_intervals, "calibrated": calibrated, "conformal": conformal,
                    "symmetric conformal": symmetric_conformal, "symmetric conformal growth 1": growth_conformal,
                    "symmetric conformal growth 1, model floor": floored_conformal,
                    "symmetric conformal growth 1 later origins, model floor": gap_conformal}


_RUNS: list = []  # the runs, for forked workers (inherited, not pickled)


def _apply(method, origin: pd.Timestamp) -> pd.DataFrame:
    with memoised_fiscal():
        return method(_RUNS, origin)


def apply_methods(runs: list[ForceRun], origins, methods: dict = INTERVAL_METHODS, workers: int = 1) -> pd.DataFrame:
    """Every method at every origin, one row per force, origin, target year and model, with a ``label``.
    ``workers > 1``: the (method, origin) tasks run in forked processes that inherit ``runs``."""
    global _RUNS
    tasks = [(method, pd.Timestamp(o)) for method in methods.values() for o in reversed(origins)]
    _RUNS = runs
    try:
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                frames = list(pool.map(_apply, *zip(*tasks)))
        else:
            frames = [_apply(method, origin) for method, origin in tasks]
    finally:
        _RUNS = []
    rows = pd.concat(frames, ignore_index=True)
    rows["label"] = np.where(rows["method"] == "model", rows["model"], rows["model"] + " [" + rows["method"] + "]")
    rows.loc[(rows["model"] == DEFAULT[0]) & (rows["method"] == DEFAULT[1]), "label"] = DEFAULT_LABEL
    return rows


# ---------------------------------------------------------------------------------------------- scores
def add_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Scores per row, in percent of the actual: ``ape``, ``bias`` (+: forecast above the actual), ``width_95``,
    ``winkler_95``, ``crps``; ``coverage_80`` / ``coverage_95`` (1 inside, 0 outside)."""
    a, p = rows["actual"].to_numpy(float), rows["predicted"].to_numpy(float)
    out = rows[[c for c in rows.columns if c not in ("ape", "bias")]].copy()
    out["ape"] = 100 * np.abs(a - p) / a
    out["bias"] = 100 * (p - a) / a
    for lv in (80, 95):
        out[f"coverage_{lv}"] = ((rows[f"lower_{lv}"] <= a) & (a <= rows[f"upper_{lv}"])).astype(float)
    out["width_95"] = 100 * (rows["upper_95"] - rows["lower_95"]) / a
    out["winkler_95"] = 100 * winkler(a, rows["lower_95"], rows["upper_95"], 95) / a
    out["crps_pct"] = 100 * rows["crps"].to_numpy(float) / a
    return out


def summary(scored: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Mean scores (and the median APE) by label and horizon year, labels in ``order``."""
    g = scored.groupby(["label", "horizon_year"])
    table = pd.DataFrame({"n": g.size(), "mape": g["ape"].mean(), "mdape": g["ape"].median(),
                          "bias": g["bias"].mean(), "coverage_80": 100 * g["coverage_80"].mean(),
                          "coverage_95": 100 * g["coverage_95"].mean(), "width_95": g["width_95"].mean(),
                          "winkler_95": g["winkler_95"].mean(), "crps": g["crps_pct"].mean()})
    labels = [lab for lab in order if lab in table.index.get_level_values(0)]
    labels += sorted(set(table.index.get_level_values(0)) - set(labels))
    return table.reindex(labels, level=0).rename(columns=COLUMNS)


def targets(table: pd.DataFrame, peers: list[str], label: str = DEFAULT_LABEL) -> tuple[pd.DataFrame, list[str]]:
    """Per horizon: ``label`` against the best peer on MAPE and on the interval score, and its coverage, each with
    pass/fail against the targets; and the verdict lines (MAPE and interval score no worse than the best peer's
    at every horizon and better at three of four; 95% coverage 90-98%, 80% coverage 75-85%)."""
    peers = [p for p in peers if p in table.index.get_level_values(0)]
    rows, better = [], {"MAPE": 0, "winkler95": 0}
    for h in sorted(table.loc[label].index):
        own, theirs = table.loc[label].loc[h], table.xs(h, level="horizon_year").loc[peers]
        row = {"h": h}
        for col in better:
            best = theirs[col].idxmin()
            row |= {f"{col}": own[col], f"best peer {col}": f"{theirs.loc[best, col]:.2f} {best}",
                    f"{col} ok": "pass" if own[col] <= theirs.loc[best, col] else "FAIL"}
            better[col] += own[col] < theirs.loc[best, col]
        row |= {"cov80": own["cov80"], "cov80 ok": "pass" if 75 <= own["cov80"] <= 85 else "FAIL",
                "cov95": own["cov95"], "cov95 ok": "pass" if 90 <= own["cov95"] <= 98 else "FAIL"}
        rows.append(row)
    out = pd.DataFrame(rows).set_index("h")
    n = len(out)
    verdict = [f"{col}: better than the best peer at {better[col]} of {n} horizons, no worse at "
               f"{(out[f'{col} ok'] == 'pass').sum()} -> "
               f"{'PASS' if better[col] >= 3 and (out[f'{col} ok'] == 'pass').all() else 'FAIL'}" for col in better]
    verdict += [f"coverage {lv}%: inside the target band at {(out[f'cov{lv} ok'] == 'pass').sum()} of {n} "
                f"horizons -> {'PASS' if (out[f'cov{lv} ok'] == 'pass').all() else 'FAIL'}" for lv in (80, 95)]
    return out, verdict
