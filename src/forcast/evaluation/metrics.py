"""Accuracy and calibration metrics: pure functions over arrays and over the backtest frames.

Point accuracy
    ``mae``, ``mape`` (percent of the actual), ``mase`` and ``rmsse``. The scaled errors divide by the in-sample
    error of the **seasonal naive** forecast on each origin's own training data, so a value below 1 means "better,
    out of sample, than last year's figure was in sample":

    * per period: ``scale = mean |y_t - y_(t-m)|`` over the training data (``m`` = season length, 4 for quarters);
    * per financial year: the same on 12-month totals, ``scale = mean |Y_t - Y_(t-p)|`` where ``Y_t`` is the total
      of the ``p`` periods (one year) ending at ``t`` — the in-sample error of "next year = this year".

    ``rmsse`` pools squared scaled errors: ``sqrt(mean(e**2 / scale**2))``.
Intervals
    ``coverage`` (share of actuals inside), and the interval (Winkler) score at level ``L`` (``alpha = 1 - L/100``):
    ``(u - l) + (2/alpha)(l - y)`` if ``y < l``, ``+ (2/alpha)(y - u)`` if ``y > u`` — narrow is rewarded, misses
    are punished in proportion to how far out they fall.
Whole distribution
    ``crps_sample``: the continuous ranked probability score from sample paths, with the standard estimator
    ``E|X - y| - 1/2 E|X - X'|`` over all pairs of the ``n`` samples (as in properscoring and scoringRules),
    computed in ``O(n log n)`` from the sorted samples: ``E|X - X'| = 2/n**2 * sum_i (2i - n - 1) x_(i)``.
    In the units of the series; ``scaled_crps`` divides by the same scale as MASE so forces can be pooled.

:func:`score_financial_years` and :func:`score_periods` give one row per forecast with every score;
:func:`summarise_scores` averages them by model and horizon year; :func:`evaluate` and :func:`evaluate_periods` do
both for a :class:`~forcast.evaluation.backtesting.Backtest`. To pool several backtests (e.g. all forces), concatenate
their score frames and summarise once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from ..data.series import PERIODS_PER_YEAR, SEASON_LENGTH, meta

if TYPE_CHECKING:  # pragma: no cover
    from .backtesting import Backtest


# ---------------------------------------------------------------------------------------------- arrays
def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def mae(actual, predicted) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(_arr(actual) - _arr(predicted))))


def mape(actual, predicted) -> float:
    """Mean absolute percentage error, in percent of the actual."""
    a = _arr(actual)
    return float(100 * np.mean(np.abs(a - _arr(predicted)) / np.abs(a)))


def mase(actual, predicted, scale) -> float:
    """Mean absolute scaled error: ``mean(|y - f| / scale)`` (``scale`` per forecast or one number)."""
    return float(np.mean(np.abs(_arr(actual) - _arr(predicted)) / _arr(scale)))


def rmsse(actual, predicted, scale) -> float:
    """Root mean squared scaled error: ``sqrt(mean((y - f)**2 / scale**2))``."""
    return float(np.sqrt(np.mean((_arr(actual) - _arr(predicted)) ** 2 / _arr(scale) ** 2)))


def coverage(actual, lower, upper) -> float:
    """Share (0–1) of actuals inside their interval, bounds included."""
    a = _arr(actual)
    return float(np.mean((_arr(lower) <= a) & (a <= _arr(upper))))


def winkler(actual, lower, upper, level: float) -> np.ndarray:
    """Interval (Winkler) score of each forecast at ``level`` percent; lower is better."""
    a, lo, hi = _arr(actual), _arr(lower), _arr(upper)
    alpha = 1 - level / 100
    return (hi - lo) + (2 / alpha) * np.clip(lo - a, 0, None) + (2 / alpha) * np.clip(a - hi, 0, None)


def crps_sample(samples, actual) -> np.ndarray:
    """CRPS of each column of ``samples`` (``[n, k]``, or ``[n]`` for one forecast) against ``actual`` (``[k]``)."""
    x = np.sort(_arr(samples), axis=0)
    squeeze = x.ndim == 1
    if squeeze:
        x = x[:, None]
    y = _arr(actual).reshape(1, -1)
    n = x.shape[0]
    spread = (2 * np.arange(1, n + 1) - n - 1) @ x / n**2  # = E|X - X'| / 2
    out = np.mean(np.abs(x - y), axis=0) - spread
    return out[0] if squeeze else out


def seasonal_scale(train, season: int) -> float:
    """``mean |y_t - y_(t-season)|`` over ``train`` (NaN if too short or zero)."""
    y = _arr(train)
    if y.size <= season:
        return float("nan")
    scale = float(np.mean(np.abs(y[season:] - y[:-season])))
    return scale if scale > 0 else float("nan")


def annual_scale(train, periods_per_year: int) -> float:
    """In-sample seasonal-naive error of 12-month totals: ``mean |Y_t - Y_(t-p)|``, ``Y`` = sums of ``p`` periods."""
    y = _arr(train)
    p = int(periods_per_year)
    if y.size < p:
        return float("nan")
    totals = np.convolve(y, np.ones(p), mode="valid")
    return seasonal_scale(totals, p)


def _periods_per_year(frequency: str) -> int:
    return int(round(PERIODS_PER_YEAR[frequency]))


# ---------------------------------------------------------------------------------------------- frames
def _scales(bt: "Backtest") -> pd.DataFrame:
    freq = meta(bt.series)["frequency"]
    rows = []
    for origin in bt.origins:
        train = bt.training(origin)
        rows.append({"origin": origin, "scale_period": seasonal_scale(train, SEASON_LENGTH[freq]),
                     "scale_year": annual_scale(train, _periods_per_year(freq))})
    return pd.DataFrame(rows)


def _add_scores(out: pd.DataFrame, levels: Sequence, point: str) -> pd.DataFrame:
    e = out["actual"] - out[point]
    out["abs_error"] = e.abs()
    out["ape"] = 100 * e.abs() / out["actual"].abs()
    out["scaled_error"] = e.abs() / out["scale"]
    out["squared_scaled_error"] = e**2 / out["scale"] ** 2
    out["scaled_crps"] = out["crps"] / out["scale"]
    for level in levels:
        lo, hi = out[f"lower_{level:g}"], out[f"upper_{level:g}"]
        out[f"inside_{level:g}"] = (lo <= out["actual"]) & (out["actual"] <= hi)
        out[f"winkler_{level:g}"] = winkler(out["actual"], lo, hi, level)
    return out


def score_financial_years(bt: "Backtest") -> pd.DataFrame:
    """:meth:`Backtest.financial_years` plus ``series``, ``scale`` and one column per score, one row per forecast."""
    fy = bt.financial_years()
    crps = []
    for origin in bt.origins:
        for model in bt.models:
            rows = fy[(fy["origin"] == origin) & (fy["model"] == model)]
            if len(rows):
                totals = bt.path_totals(origin, model)[list(rows["financial_year"])]
                crps.append(pd.Series(crps_sample(totals.to_numpy(), rows["actual"].to_numpy()), index=rows.index))
    fy["crps"] = pd.concat(crps) if crps else pd.Series(dtype=float)
    fy = fy.merge(_scales(bt)[["origin", "scale_year"]].rename(columns={"scale_year": "scale"}), on="origin")
    fy.insert(0, "series", series_id(bt))
    return _add_scores(fy, bt.levels, "predicted")


def score_periods(bt: "Backtest") -> pd.DataFrame:
    """:meth:`Backtest.table` plus ``series``, ``horizon``, ``horizon_year``, ``scale`` and the scores per period."""
    from ..forecasting.horizon import horizon_years

    table = bt.table()
    extra = []
    for fold in bt.folds:
        n = len(bt.paths(fold.date, next(iter(fold.paths))).columns)
        years = horizon_years(fold.index)[:n]
        for model in fold.paths:
            samples = bt.paths(fold.date, model).to_numpy()
            actual = table.loc[(table["origin"] == fold.date) & (table["model"] == model), "actual"].to_numpy()
            extra.append(pd.DataFrame({"origin": fold.date, "model": model, "date": fold.index[:n],
                                       "horizon": np.arange(1, n + 1), "horizon_year": years,
                                       "crps": crps_sample(samples, actual)}))
    table = table.merge(pd.concat(extra, ignore_index=True), on=["origin", "model", "date"])
    table = table.merge(_scales(bt)[["origin", "scale_period"]].rename(columns={"scale_period": "scale"}),
                        on="origin")
    table.insert(0, "series", series_id(bt))
    return _add_scores(table, bt.levels, "mean")


def summarise_scores(scores: pd.DataFrame, by: Sequence[str] = ("model", "horizon_year")) -> pd.DataFrame:
    """Average per-forecast scores by ``by``: ``n, mae, mape, mase, rmsse, coverage_*, winkler_*, crps, ...``."""
    levels = sorted(int(c.split("_")[1]) for c in scores.columns if c.startswith("winkler_"))
    agg = {"n": ("abs_error", "size"), "mae": ("abs_error", "mean"), "mape": ("ape", "mean"),
           "mase": ("scaled_error", "mean"), "rmsse": ("squared_scaled_error", "mean")}
    for level in levels:
        agg[f"coverage_{level}"] = (f"inside_{level}", "mean")
    for level in levels:
        agg[f"winkler_{level}"] = (f"winkler_{level}", "mean")
    agg.update(crps=("crps", "mean"), scaled_crps=("scaled_crps", "mean"))
    scores = scores.assign(**{f"inside_{lv}": scores[f"inside_{lv}"].astype(float) for lv in levels})
    out = scores.groupby(list(by), sort=False).agg(**agg).reset_index()
    out["rmsse"] = np.sqrt(out["rmsse"])
    return out


def evaluate(bt: "Backtest", by: Sequence[str] = ("model", "horizon_year")) -> pd.DataFrame:
    """Financial-year accuracy of a backtest by model and horizon year (see the module docstring)."""
    return summarise_scores(score_financial_years(bt), by)


def evaluate_periods(bt: "Backtest", by: Sequence[str] = ("model", "horizon_year")) -> pd.DataFrame:
    """Per-period accuracy of a backtest by model and horizon year (MASE/RMSSE on the seasonal-naive scale)."""
    return summarise_scores(score_periods(bt), by)


def series_id(bt: "Backtest") -> str:
    """The name a backtest's rows carry in the ``series`` column: the force, else the series name."""
    m = meta(bt.series)
    return str(m["force"] or bt.series.name or "series")
