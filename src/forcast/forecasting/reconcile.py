"""Coherent forecasts: make the parts of a total add up to it, sample path by sample path.

A two-level hierarchy — a total (a force's recorded crime, or England and Wales) and its parts (the nine offence
groups, or the 43 forces) — is forecast series by series, so the parts' paths do not add up to the total's. Here
each path is reconciled: at every period the vector ``y = (total, part_1, ..., part_k)`` of base values is mapped
to ``S @ G @ y``, where ``S = [1 ... 1; I_k]`` sums the parts and ``G`` says how the parts are read off the base
values. The reconciled parts sum to the reconciled total exactly, at every period and so in every financial year,
in every path; means and intervals of all levels are then summarised from the reconciled paths by
:mod:`forcast.forecasting.paths` as for any forecast.

Methods (``G``):

* ``"bottom_up"`` — the parts as forecast; the total is their sum.
* ``"top_down"`` — the total as forecast, split by each part's share of the last year of history (the
  proportions of the historical average, Gross and Sohl's method A over four quarters / twelve months).
* ``"ols"`` — the least-squares projection onto the coherent set (``W = I``).
* ``"proportional"`` — the total as forecast, split path by path in the proportions of the parts' own
  forecasts in that path (top-down by forecast proportions, Athanasopoulos, Ahmed and Hyndman 2009;
  ``TopDown(method="forecast_proportions")`` in hierarchicalforecast). The total keeps its own paths, so its
  intervals are exactly those of the total forecast alone.
* ``"mint"`` (default) — MinT, ``G = (S' W^-1 S)^-1 S' W^-1``, with ``W`` the diagonal of the base forecasts'
  variances, estimated at each period from their sample paths (``wls_var`` in hierarchicalforecast). Series with
  wide paths move most. The full MinT covariance needs in-sample one-step errors, which the combination (an
  average of simulated members) does not have, so its diagonal is used.

The parts' paths are simulated independently, so path ``i`` of one group has nothing to do with path ``i`` of
another. Summed as they are, the spread of the total would be far too narrow (offence groups move together).
``coupling="rank"`` (default) first reorders each series' paths so that their ranks in the total over the horizon
match the base total's — an empirical-copula coupling in the spirit of PERMBU (Taieb et al., 2017) that
re-injects the positive dependence between the series; ``coupling="none"`` keeps the paths as drawn. Means do not
depend on the coupling; intervals do.

Why not ``hierarchicalforecast``: its reconcilers take one point forecast per series and horizon (``Y_hat_df``),
plus in-sample fitted values for MinT, and make their own probabilistic samples (``Normality``, ``Bootstrap``,
``PERMBU``) from residuals or from normal intervals. forcast already has sample paths (calibrated by past errors)
and needs them reconciled as they are; with only a two-level hierarchy the projection is a few lines of numpy
over all paths at once, while calling a reconciler once per path (2,000 paths x 16 periods) would be slow and
pull in a large dependency for a 10 x 10 matrix.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ForcastError, ParameterError

METHODS = ("mint", "ols", "bottom_up", "top_down", "proportional")
COUPLINGS = ("rank", "none")
TOTAL = "Total"


class ReconciliationError(ForcastError):
    """A hierarchy could not be reconciled (a part or the total is missing, or their forecast periods differ)."""


@dataclass(frozen=True)
class Hierarchy:
    """Which series add up to which: along the id column ``over``, the series whose value is ``total`` is the
    sum of the others that share the remaining id values.

    ``Hierarchy("offence_group")`` reconciles each force's offence groups with its ``"Total"``;
    ``Hierarchy("force", total="England and Wales")`` the forces with the national series. ``method`` and
    ``coupling`` as in :func:`reconcile_paths`.
    """

    over: str
    total: str = TOTAL
    method: str = "mint"
    coupling: str = "rank"

    def __post_init__(self) -> None:
        if not isinstance(self.over, str) or not self.over:
            raise ParameterError(f"Hierarchy `over` must name an id column, e.g. 'offence_group'. Got {self.over!r}.")
        check_method(self.method)
        check_coupling(self.coupling)


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ParameterError(f"The reconciliation method must be one of {', '.join(map(repr, METHODS))}. "
                             f"Got {method!r}.")
    return method


def check_coupling(coupling: str) -> str:
    if coupling not in COUPLINGS:
        raise ParameterError(f"`coupling` must be one of {', '.join(map(repr, COUPLINGS))}. Got {coupling!r}.")
    return coupling


def couple(total: np.ndarray, parts: list[np.ndarray]) -> list[np.ndarray]:
    """Each part's paths reordered so that its path totals over the horizon rank as the total's do (the path with
    the k-th smallest horizon total of a part goes where the total has its k-th smallest)."""
    slot = np.argsort(np.argsort(total.sum(axis=1), kind="stable"), kind="stable")  # rank of each total path
    out = []
    for part in parts:
        order = np.argsort(part.sum(axis=1), kind="stable")
        out.append(part[order][slot])
    return out


def reconcile_paths(
    total: np.ndarray,
    parts: list[np.ndarray],
    method: str = "mint",
    coupling: str = "rank",
    shares: np.ndarray | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Coherent paths from base paths ``total[n_paths, h]`` and ``parts`` (each ``[n_paths, h]``).

    Returns ``(total, parts)`` reconciled: ``total == sum(parts)`` in every path and period. ``shares`` (one per
    part, summing to 1) are needed by ``"top_down"``. A reconciled part that falls below zero in some path and
    period is set to zero there and the total is re-summed, so the paths stay coherent and non-negative.
    """
    check_method(method)
    check_coupling(coupling)
    total = np.asarray(total, dtype=float)
    parts = [np.asarray(p, dtype=float) for p in parts]
    if not parts or any(p.shape != total.shape for p in parts):
        raise ReconciliationError(
            f"Every part needs paths of the total's shape {total.shape}. Got "
            f"{[p.shape for p in parts] or 'no parts'}.")
    if coupling == "rank":
        parts = couple(total, parts)
    if method == "proportional":
        return _proportional(total, parts)
    base = np.stack([total, *parts])  # [m, n_paths, h]
    bottom = np.einsum("tkm,mnt->knt", _g_matrices(base, method, shares), base)
    bottom = np.maximum(bottom, 0.0)
    return bottom.sum(axis=0), list(bottom)


def _proportional(total: np.ndarray, parts: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The total's paths (floored at zero) split in each path and period in the proportions of the parts there
    (equal shares where every part is zero)."""
    total = np.maximum(total, 0.0)
    bottom = np.maximum(np.stack(parts), 0.0)  # [k, n_paths, h]
    summed = bottom.sum(axis=0)
    share = np.where(summed > 0, bottom / np.where(summed > 0, summed, 1.0), 1.0 / len(parts))
    bottom = share * total
    return bottom.sum(axis=0), list(bottom)


def _g_matrices(base: np.ndarray, method: str, shares: np.ndarray | None) -> np.ndarray:
    """``G`` for every period, ``[h, k, m]``: reconciled parts = G @ (total, parts)."""
    m, _, h = base.shape
    k = m - 1
    if method == "bottom_up":
        g = np.hstack([np.zeros((k, 1)), np.eye(k)])
        return np.broadcast_to(g, (h, k, m))
    if method == "top_down":
        if shares is None or len(shares) != k:
            raise ReconciliationError(f"top_down needs one historical share per part ({k}). Got {shares!r}.")
        shares = np.asarray(shares, dtype=float)
        g = np.hstack([shares[:, None], np.zeros((k, k))])
        return np.broadcast_to(g, (h, k, m))
    s = np.vstack([np.ones((1, k)), np.eye(k)])  # [m, k]
    if method == "ols":
        w_inv = np.broadcast_to(np.eye(m), (h, m, m))
    else:  # mint: W = diag of each series' path variance at each period
        var = base.var(axis=1).T  # [h, m]
        floor = 1e-9 * np.maximum(var.max(axis=1, keepdims=True), 1.0)
        w_inv = np.einsum("tm,mj->tmj", 1.0 / np.maximum(var, floor), np.eye(m))
    st_w = np.einsum("mk,tmj->tkj", s, w_inv)  # S' W^-1, [h, k, m]
    return np.linalg.solve(st_w @ s, st_w)  # (S' W^-1 S)^-1 S' W^-1


def history_shares(part_histories: list[np.ndarray], periods: int) -> np.ndarray:
    """Each part's share of the sum of the parts over the last ``periods`` observations (for ``"top_down"``)."""
    sums = np.array([float(np.sum(np.asarray(p, dtype=float)[-periods:])) for p in part_histories])
    if sums.sum() <= 0:
        raise ReconciliationError(f"top_down needs parts with counts in the last {periods} periods; their sum is "
                                  f"{sums.sum():g}. Use method='mint' or 'bottom_up'.")
    return sums / sums.sum()


# ---------------------------------------------------------------------------------------------- forecasts
def reconcile_group(results: dict, hierarchy: Hierarchy, position: int) -> dict:
    """``{ids: Forecast or Backtest}`` of one group (the total and its parts) with every model's paths
    reconciled by ``hierarchy``; ``position`` is the index of ``hierarchy.over`` in the ids. A backtest is
    reconciled origin by origin (top-down shares from the history up to each origin)."""
    from ..evaluation.backtesting import Backtest

    total_ids = next((ids for ids in results if ids[position] == hierarchy.total), None)
    parts = [ids for ids in results if ids[position] != hierarchy.total]
    if total_ids is None or not parts:
        raise ReconciliationError(f"The group {list(results)!r} needs the {hierarchy.total!r} series and at least "
                                  f"one part.")
    if isinstance(results[total_ids], Backtest):
        return _reconcile_backtests(results, total_ids, parts, hierarchy)
    return _reconcile_forecasts(results, total_ids, parts, hierarchy)


def _reconcile_forecasts(fitted: dict, total_ids: tuple, parts: list, h: Hierarchy) -> dict:
    total = fitted[total_ids]
    others = [fitted[p] for p in parts]
    odd = [ids for ids, o in zip(parts, others) if not o.index.equals(total.index)]
    if odd:
        ends = ", ".join(f"{' / '.join(map(str, ids))} ends {fitted[ids].series.index[-1]}" for ids in odd[:3])
        raise ReconciliationError(
            f"The forecast periods differ within the group: the total's data end {total.series.index[-1]}, but "
            f"{ends}{' (and more)' if len(odd) > 3 else ''}. Every series of a hierarchy must end in the same period; "
            f"cut them to the last period they all have (for the embedded forces: "
            f"recorded_crime_series(national=True)).")
    shares = history_shares([o.series.to_numpy() for o in others], _periods_per_year(total.series))
    new = {ids: dict(f.simulated) for ids, f in fitted.items()}
    for model in [m for m in total.simulated if all(m in o.simulated for o in others)]:
        rec_total, rec_parts = reconcile_paths(total.simulated[model], [o.simulated[model] for o in others],
                                               h.method, h.coupling, shares)
        new[total_ids][model] = rec_total
        for ids, paths in zip(parts, rec_parts):
            new[ids][model] = paths
    note = f"Reconciled with the other series over {h.over} ({h.method}, {h.coupling} coupling)."
    return {ids: dataclasses.replace(f, simulated=new[ids], notes=[*f.notes, note]) for ids, f in fitted.items()}


def _reconcile_backtests(fitted: dict, total_ids: tuple, parts: list, h: Hierarchy) -> dict:
    from ..evaluation.backtesting import Backtest, Fold

    total = fitted[total_ids]
    others = [fitted[p] for p in parts]
    if any([f.origin for f in o.folds] != [f.origin for f in total.folds] for o in others):
        raise ReconciliationError("The backtest origins differ within the group; give the same `origins`.")
    folds = {ids: [] for ids in fitted}
    for j, tf in enumerate(total.folds):
        ofs = [o.folds[j] for o in others]
        train = [o.series.loc[:tf.origin].to_numpy() for o in others]
        shares = history_shares(train, _periods_per_year(total.series))
        paths = {ids: dict(f.folds[j].paths) for ids, f in fitted.items()}
        for model in [m for m in tf.paths if all(m in of.paths for of in ofs)]:
            rt, rp = reconcile_paths(tf.paths[model], [of.paths[model] for of in ofs], h.method, h.coupling, shares)
            paths[total_ids][model] = rt
            for ids, p in zip(parts, rp):
                paths[ids][model] = p
        for ids, f in fitted.items():
            fold = f.folds[j]
            folds[ids].append(Fold(fold.origin, fold.index, paths[ids], fold.events, fold.notes, fold.specifications))
    return {ids: Backtest(f.series, f.splitter, f.levels, folds[ids], f.seed, f.n_paths, f.calibration)
            for ids, f in fitted.items()}


def _periods_per_year(series: pd.Series) -> int:
    last = series.index[-1]
    return max(1, int((series.index.start_time > last.end_time - pd.DateOffset(years=1)).sum()))
