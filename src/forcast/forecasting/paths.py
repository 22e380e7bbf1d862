"""Sample paths -> summaries: the one place where forcast makes means, intervals and totals.

Every model returns simulated **sample paths**, an array ``paths[n_paths, horizon]``. This module alone turns
paths into numbers people read:

* per-period mean and central prediction intervals (:func:`summarise`, :func:`period_table`);
* totals over any grouping of periods — financial years, calendar years, rolling 12 months — where each path is
  totalled first and the interval is taken over the path totals (:func:`group_totals`). This is what makes an
  interval on a financial-year total correct: adding up per-period bounds would assume every period is at its
  extreme at once and gives intervals that are far too wide.

An interval at level ``L`` (a percentage, e.g. 80 or 95) runs from the ``(100 - L) / 2`` to the
``(100 + L) / 2`` percentile of the simulated values, so higher levels always contain lower ones.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError

DEFAULT_LEVELS: tuple[int, ...] = (80, 95)


def check_levels(levels: Iterable) -> tuple[int | float, ...]:
    """Validate interval levels given as percentages and return them sorted, e.g. ``(80, 95)``
    (:func:`forcast.arguments.check_levels`)."""
    from ..arguments import check_levels as check

    return check(levels)


def interval_columns(levels: Sequence) -> list[str]:
    """Column names for the intervals: ``lower_80, upper_80, lower_95, upper_95``."""
    cols = []
    for level in check_levels(levels):
        cols += [f"lower_{level:g}", f"upper_{level:g}"]
    return cols


def summary_columns(levels: Sequence) -> list[str]:
    """``mean`` followed by :func:`interval_columns`."""
    return ["mean", *interval_columns(levels)]


def summarise(paths: np.ndarray, levels: Sequence = DEFAULT_LEVELS) -> pd.DataFrame:
    """Mean and central intervals of each column of ``paths`` (``[n_paths, k]`` -> ``k`` rows)."""
    paths = np.asarray(paths, dtype=float)
    if paths.ndim != 2 or paths.shape[0] < 2:
        raise ParameterError(f"paths must be a 2-D array [n_paths >= 2, k]. Got shape {paths.shape}.")
    levels = check_levels(levels)
    probs = []
    for level in levels:
        tail = (100 - level) / 200
        probs += [tail, 1 - tail]
    quantiles = np.quantile(paths, probs, axis=0)
    data = {"mean": paths.mean(axis=0)}
    for name, row in zip(interval_columns(levels), quantiles):
        data[name] = row
    return pd.DataFrame(data)


def widen(paths: np.ndarray, lower: np.ndarray | float, upper: np.ndarray | float | None = None) -> np.ndarray:
    """Widen paths for calibration: scale each value's **relative** deviation from the per-period mean by a factor
    (a scalar or one per column), ``lower`` for values below the mean and ``upper`` (default: ``lower``) for values
    above it, keeping the mean exactly.

    The widening is done on the log scale — ``log(value / mean)`` is multiplied by the factor — and the result is
    rescaled so each column keeps its mean. Demand errors are proportional (a force twice the size has errors
    about twice as large), widened values stay positive (no interval reaches below zero and no truncation at zero
    biases the mean), and for deviations of a few percent it equals plain widening of the deviation. Quantiles
    move by the factor on the log scale: a bound ``b`` of a period with mean ``m`` becomes about
    ``m * (b / m) ** factor``; :func:`forcast.evaluation.calibration.ratios` learns factors on that same scale. With
    different factors below and above, each value keeps its rank within its period (the scaling is monotone), so
    quantiles below the mean move by ``lower`` and those above by ``upper``, before the rescaling that keeps the
    mean shifts them all by the same small proportion.
    """
    paths = np.asarray(paths, dtype=float)
    below = np.broadcast_to(np.asarray(lower, dtype=float), paths.shape[1:])
    above = below if upper is None else np.broadcast_to(np.asarray(upper, dtype=float), paths.shape[1:])
    centre = paths.mean(axis=0, keepdims=True)
    if np.all(below == 1.0) and np.all(above == 1.0):
        return paths.copy()
    safe_centre = np.where(centre > 0, centre, 1.0)
    tiny = 1e-12 * np.maximum(safe_centre, 1.0)
    logdev = np.log(np.maximum(paths, tiny) / safe_centre)
    out = safe_centre * np.exp(logdev * np.where(logdev > 0, above, below))
    scale = np.divide(centre, out.mean(axis=0, keepdims=True), out=np.ones_like(centre),
                      where=out.mean(axis=0, keepdims=True) > 0)
    out = out * scale
    return np.where(centre > 0, out, paths)


def period_table(
    index: pd.PeriodIndex, model: str, paths: np.ndarray, levels: Sequence = DEFAULT_LEVELS
) -> pd.DataFrame:
    """Tidy per-period forecast: ``date, model, mean, lower_80, upper_80, lower_95, upper_95``."""
    if paths.shape[1] != len(index):
        raise ParameterError(f"paths have {paths.shape[1]} periods but the index has {len(index)}.")
    out = summarise(paths, levels)
    out.insert(0, "model", model)
    out.insert(0, "date", index)
    return out


def group_totals(
    paths: np.ndarray,
    weights: pd.DataFrame,
    observed: pd.Series | None = None,
) -> tuple[pd.Index, np.ndarray]:
    """Per-path totals for each group: ``observed`` part (constant) plus the simulated part.

    ``weights`` is a frame like :func:`forcast.forecasting.fiscal.group_weights` for the **forecast** periods (rows) and
    groups (columns). ``observed`` is the demand series already seen; its periods add their observed values to
    the groups they fall in. Returns the groups and an array ``[n_paths, n_groups]``.
    """
    totals = np.asarray(paths, dtype=float) @ weights.to_numpy()
    if observed is not None and len(observed) and weights.shape[1]:  # no group (a horizon inside one year): none
        from .fiscal import _grouping_of, group_weights

        obs_w = group_weights(observed.index, _grouping_of(weights.columns[0]))
        obs_w = obs_w.reindex(columns=weights.columns, fill_value=0.0)
        totals = totals + observed.to_numpy(dtype=float) @ obs_w.to_numpy()
    return weights.columns, totals
