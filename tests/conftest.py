"""Shared test set-up: headless matplotlib, a hypothesis profile, and seeded demand series."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("forcast", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("forcast")


def seasonal_series(n: int = 51, freq: str = "Q-DEC", start: str = "2006Q2", level: float = 30000.0,
                    season=(0.0, 1500.0, 800.0, -2300.0), trend: float = 60.0, noise: float = 600.0,
                    seed: int = 0, measure: str = "recorded_crime", force: str | None = "Testshire"):
    """A seeded synthetic demand series: level + trend + seasonal pattern + Gaussian noise."""
    from forcast.series import make_series

    rng = np.random.default_rng(seed)
    index = pd.period_range(start, periods=n, freq=freq)
    m = len(season)
    values = level + trend * np.arange(n) + np.array([season[p.ordinal % m] for p in index]) \
        + rng.normal(0, noise, n)
    return make_series(np.round(values), index, name="test series", measure=measure, force=force,
                       source="synthetic (seeded)")


@pytest.fixture(scope="module")
def quarterly():
    return seasonal_series()
