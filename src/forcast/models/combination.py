"""The combination of models (by default ETS and ARIMA), itself a model: a **mixture of sample paths**.

Why a mixture and not an average. The forecast must carry *both* models' uncertainty: the noise each model expects
and the disagreement between them (model uncertainty). Two ways to combine paths:

(a) **mixture** — each combined path is a whole path from member *k*, taken with probability ``w_k``. Its
    distribution is ``sum_k w_k F_k``: its variance is the weighted mean of the members' variances **plus** the
    weighted spread of their means, so when ETS and ARIMA disagree the intervals widen to cover both.
(b) **averaging** — path ``i`` is ``sum_k w_k path_{k,i}`` with independent draws. The mean is the same as (a),
    but the variance is ``sum_k w_k^2 var_k`` (for two equal members, half the average variance): the intervals
    are *narrower* than either member's and ignore the disagreement — the opposite of what is wanted.

So forcast uses (a). Equal weights by default; ``weights`` (e.g. from backtest accuracy) may be given. The paths are
allocated to members in proportion to the weights (largest-remainder rounding of ``w_k * n_paths`` — a stratified
draw with less Monte Carlo noise than drawing a member per path), each member simulates its share, and the rows are
shuffled so any subset of paths is still a fair sample. Whole paths are kept, so a path's periods stay consistent
with each other and totals over a financial year are right.

**Weights by years ahead.** ``weights`` may also be one row of weights per horizon year (1 = the financial year of
the first forecast period; later years take the last row), because which member forecasts best changes with the
horizon. Then every member simulates all the paths, and within each financial year path ``i`` is member ``k``'s
path ``i`` for a share ``w_k`` of the paths; the paths are ranked once by a random permutation and the shares are
cut from that ranking year by year, so a path changes member only where the shares move, at a year boundary.

Members are given as Model instances or names (``"ets"``, ``"arima"``, ``"naive"``, ``"seasonal_naive"``,
``"drift"``; see :mod:`forcast.models.members`); instances are copied, not changed, by ``fit``. A member
that fails to fit (any error other than a bad parameter) is left out with a
:class:`~forcast.errors.ModelFallbackWarning` naming it and the reason, and the weights of the rest are
renormalised; if every member fails, :class:`~forcast.errors.ModelFitError` is raised.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ModelFallbackWarning, ModelFitError, ParameterError
from .base import Model
from .members import make_member


class Combination(Model):
    """Mixture of the members' sample paths (see the module docstring for why not an average).

    Parameters
    ----------
    members : sequence of Model instances or model names, optional
        Default: ``["ets", "arima"]``.
    weights : sequence of non-negative numbers, or one such row per horizon year, optional
        One per member (normalised to sum to 1). Default: equal weights.
    """

    name = "combination"

    def __init__(self, members: Sequence[Any] | None = None, weights: Sequence[float] | None = None) -> None:
        self.members = members
        self.weights = weights

    @classmethod
    def from_fitted(cls, members: Sequence[Model], weights: Sequence[float] | None = None) -> "Combination":
        """A fitted combination of members already fitted to the same series (nothing is refitted)."""
        members = list(members)
        if not members or not all(isinstance(m, Model) and getattr(m, "fitted_", False) for m in members):
            raise ParameterError(
                f"Combination.from_fitted needs one or more fitted forcast models. Got "
                f"{[type(m).__name__ for m in members]}. Fit them first, or use Combination(...).fit(series)."
            )
        first = members[0].series_
        if not all(m.series_.index.equals(first.index) for m in members):
            raise ParameterError("Combination.from_fitted needs members fitted to the same series; they differ.")
        combo = cls(members=members, weights=weights)
        combo.series_, combo.frequency_ = first, members[0].frequency_
        combo.season_length_, combo.events_ = members[0].season_length_, members[0].events_
        combo.members_, combo.weights_ = members, _normalise(combo._weights(len(members)))
        combo.failures_ = []
        combo.fitted_ = True
        return combo

    # ------------------------------------------------------------------ fit
    def _fit(self, y: pd.Series, events: tuple) -> None:
        members = self._members()
        weights = self._weights(len(members))
        fitted, kept, failures = [], [], []
        for member, weight in zip(members, weights.T if weights.ndim == 2 else weights):
            try:
                member.fit(y, events)
            except ParameterError:
                raise  # a misconfigured member is the caller's mistake, not a fitting failure
            except Exception as exc:  # any statsmodels / numerical failure: fall back to the other members
                reason = f"{type(exc).__name__}: {exc}"
                failures.append({"member": member.name, "reason": reason})
                warnings.warn(
                    f"The {member.name} member of the combination could not be fitted ({reason}); the combination "
                    f"continues with the other members.", ModelFallbackWarning, stacklevel=4,
                )
                continue
            fitted.append(member)
            kept.append(np.atleast_1d(weight))
        if not fitted:
            reasons = "; ".join(f"{f['member']}: {f['reason']}" for f in failures)
            raise ModelFitError(
                f"No member of the combination could be fitted ({reasons}). Use a baseline such as 'drift'."
            )
        table = np.column_stack(kept)  # rows: horizon years (one row for constant weights); columns: members
        if (table.sum(axis=1) == 0).any():
            raise ModelFitError(
                "Every member that fitted has weight 0, so the combination is empty. Give them positive weights."
            )
        table = table / table.sum(axis=1, keepdims=True)
        self.members_, self.failures_ = fitted, failures
        self.weights_ = table[0] if np.asarray(weights).ndim == 1 else table

    def _members(self) -> list[Model]:
        given = ["ets", "arima"] if self.members is None else self.members
        if isinstance(given, (str, Model)) or not len(given):
            raise ParameterError(
                f"Combination `members` must be a non-empty list of models or model names, e.g. ['ets', "
                f"'arima']. Got {given!r}."
            )
        return [_fresh(m) for m in given]

    def _weights(self, n: int) -> np.ndarray:
        if self.weights is None:
            return np.full(n, 1.0 / n)
        try:
            w = np.asarray(self.weights, dtype=float)
        except (TypeError, ValueError):
            w = np.array([np.nan])
        rows = w if w.ndim == 2 else w[None, :]
        if rows.ndim != 2 or rows.shape[1] != n or not np.all(np.isfinite(rows)) or (rows < 0).any() \
                or (rows.sum(axis=1) <= 0).any():
            raise ParameterError(
                f"Combination `weights` must be {n} non-negative numbers (one per member; or one such row per horizon "
                f"year) with a positive sum. Got {self.weights!r}."
            )
        return w

    # ------------------------------------------------------------------ simulate / describe
    def _simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        if np.ndim(self.weights_) == 2:
            return self._simulate_by_year(horizon, n_paths, rng)
        counts = _allocate(self.weights_, n_paths)
        parts = [m.simulate(horizon, int(c), rng) for m, c in zip(self.members_, counts) if c > 0]
        paths = np.concatenate(parts, axis=0)
        return paths[rng.permutation(n_paths)]

    def _simulate_by_year(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        from ..forecasting.horizon import horizon_years

        table = np.asarray(self.weights_)
        years = horizon_years(self.future_index(horizon))
        sims = [m.simulate(horizon, n_paths, rng) if table[:, k].any() else None
                for k, m in enumerate(self.members_)]
        order = rng.permutation(n_paths)
        out = np.empty((n_paths, horizon))
        for year in np.unique(years):
            w = table[min(int(year), len(table)) - 1]
            bounds = np.concatenate([[0], np.cumsum(_allocate(w, n_paths))])
            cols = years == year
            for k, sim in enumerate(sims):
                rows = order[bounds[k]:bounds[k + 1]]
                if len(rows):
                    out[np.ix_(rows, cols)] = sim[np.ix_(rows, cols)]
        return out

    def _describe(self) -> dict[str, Any]:
        descriptions = [m.describe() for m in self.members_]
        specs = [str(d.get("specification") or d["model"]) for d in descriptions]
        names = specs[0] if len(specs) == 1 else f"{', '.join(specs[:-1])} and {specs[-1]}"
        table = np.atleast_2d(self.weights_)
        weights = "; ".join("/".join(f"{w:.2g}" for w in row) for row in table)
        if len(table) > 1:
            weights += " (by years ahead)"
        effects = [{**e, "model": d["model"]} for d in descriptions for e in d.get("event_effects", [])]
        return {
            "specification": f"mixture of {names}, weights {weights}",
            "aicc": None,
            "members": descriptions,
            "weights": np.asarray(self.weights_, dtype=float).tolist(),
            "failed_members": [dict(f) for f in self.failures_],
            "event_effects": effects,
        }


def _fresh(member: Any) -> Model:
    """An unfitted copy of a member given as a Model instance or a name."""
    if isinstance(member, Model):
        return type(member)(**member.get_params(deep=False))
    if isinstance(member, str):
        return make_member(member)
    raise ParameterError(
        f"Combination members must be forcast Model instances or model names such as 'ets'. Got "
        f"{type(member).__name__}: {member!r}."
    )


def _normalise(weights: Sequence[float]) -> np.ndarray:
    """Weights summing to 1 (each row, for weights by horizon year)."""
    w = np.asarray(weights, dtype=float)
    return w / w.sum(axis=-1, keepdims=True)


def _allocate(weights: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` paths in proportion to ``weights`` (largest remainder; ties to the earlier member)."""
    exact = weights * n
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


__all__ = ["Combination"]
