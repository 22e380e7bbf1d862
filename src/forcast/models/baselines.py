"""Simple baselines behind the same contract: naive, seasonal naive and drift.

They are reported beside ETS, ARIMA and their combination in every backtest so that "better than naive" is
visible. All three simulate Gaussian random-walk paths, so their intervals come from paths like every other
model's. Baselines are deliberately simple: they **ignore declared events** (a level shift, excluded periods and
outliers), which is part of what they are a baseline for.

=================  ===========================================================================================
``naive``          the last value carried forward; errors accumulate as a random walk
``seasonal_naive`` the value one season earlier (last year's same quarter / month / weekday); errors accumulate
                   once per season
``drift``          a straight line through the first and last values, extended (random walk with drift); the
                   uncertainty of the drift itself is simulated too, which gives the textbook
                   ``sigma * sqrt(h * (1 + h / (T - 1)))`` spread
=================  ===========================================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .base import SIMPLE_MIN_LENGTHS, Model


def _sigma(diffs: np.ndarray) -> float:
    diffs = diffs[np.isfinite(diffs)]
    if diffs.size < 2:
        return 0.0
    return float(np.sqrt(np.mean((diffs - diffs.mean()) ** 2))) if diffs.size else 0.0


class Naive(Model):
    """Last value carried forward, with random-walk paths."""

    name = "naive"

    def _fit(self, y: pd.Series, events: tuple) -> None:
        values = y.to_numpy(dtype=float)
        self.last_ = values[-1]
        self.sigma_ = float(np.sqrt(np.mean(np.diff(values) ** 2)))

    def _simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        steps = rng.normal(0.0, self.sigma_, size=(n_paths, horizon))
        return self.last_ + np.cumsum(steps, axis=1)

    def _describe(self) -> dict[str, Any]:
        return {"specification": "naive (random walk)", "sigma": self.sigma_}

    @classmethod
    def min_length(cls, frequency: str) -> int:
        return SIMPLE_MIN_LENGTHS["naive"](frequency)


class SeasonalNaive(Model):
    """Last season's value for the same season position, with seasonal random-walk paths."""

    name = "seasonal_naive"

    def _fit(self, y: pd.Series, events: tuple) -> None:
        m = self.season_length_
        values = y.to_numpy(dtype=float)
        self.last_season_ = values[-m:]
        self.sigma_ = float(np.sqrt(np.mean((values[m:] - values[:-m]) ** 2)))

    def _simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        m = self.season_length_
        cycles = -(-horizon // m)
        steps = rng.normal(0.0, self.sigma_, size=(n_paths, cycles, m)).cumsum(axis=1)
        paths = self.last_season_[None, None, :] + steps
        return paths.reshape(n_paths, cycles * m)[:, :horizon]

    def _describe(self) -> dict[str, Any]:
        return {"specification": f"seasonal naive (season {self.season_length_})", "sigma": self.sigma_}

    @classmethod
    def min_length(cls, frequency: str) -> int:
        return SIMPLE_MIN_LENGTHS["seasonal_naive"](frequency)


class Drift(Model):
    """Random walk with drift: the line through the first and last observations, extended."""

    name = "drift"

    def _fit(self, y: pd.Series, events: tuple) -> None:
        values = y.to_numpy(dtype=float)
        diffs = np.diff(values)
        self.last_ = values[-1]
        self.drift_ = float(diffs.mean())
        self.sigma_ = _sigma(diffs)
        self.n_diffs_ = diffs.size

    def _simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        drift = self.drift_ + rng.normal(0.0, self.sigma_ / np.sqrt(self.n_diffs_), size=(n_paths, 1))
        steps = rng.normal(0.0, self.sigma_, size=(n_paths, horizon))
        h = np.arange(1, horizon + 1)[None, :]
        return self.last_ + drift * h + np.cumsum(steps, axis=1)

    def _describe(self) -> dict[str, Any]:
        return {"specification": f"drift ({self.drift_:+,.1f} per period)", "sigma": self.sigma_}

    @classmethod
    def min_length(cls, frequency: str) -> int:
        return SIMPLE_MIN_LENGTHS["drift"](frequency)
