"""Helpers shared by the ETS and ARIMA models: event handling, seasonal terms, path sanity checks.

Private to :mod:`forcast.models`; each function does one thing and trusts its (already validated) inputs.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from typing import Any, Iterator

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ModelFitError, RejectedSpecificationWarning, SeriesTooShortError
from .events import LevelShift
from ..data.series import PERIODS_PER_YEAR, describe_series

logger = logging.getLogger("forcast.models")

#: Seasonal dummies are used up to this season length; longer cycles (weekly data: 52) use Fourier terms.
MAX_DUMMY_SEASON = 24
#: Paths are checked for explosion / strong negativity over this many years ahead, with this many paths.
CHECK_YEARS = 3
CHECK_PATHS = 200
CHECK_SEED = 20240401  # fixed: the check never consumes the caller's random numbers


@contextlib.contextmanager
def quiet() -> Iterator[list]:
    """Silence (and collect) warnings raised inside statsmodels calls; the caller records them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            yield caught


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run BLAS/LAPACK on one thread: the state-space matrices are tiny, and on a busy machine OpenBLAS's
    thread hand-offs made each SARIMAX likelihood 10-20 x slower (measured). No-op without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def reject(row: dict, spec: str, series: pd.Series, problem: str) -> None:
    """Mark candidate ``row`` rejected and warn (:class:`RejectedSpecificationWarning`) that the next is tried."""
    row["status"] = f"rejected: {problem}"
    warnings.warn(f"{spec} was rejected for {describe_series(series)}: {problem}. The next specification by AICc "
                  f"is tried.", RejectedSpecificationWarning, stacklevel=5)


def no_specification(family: str, series: pd.Series, candidates: list[dict], instead: str) -> ModelFitError:
    """The error when every candidate of ``family`` failed or was rejected, listing each one's status."""
    tried = "; ".join(f"{c['spec']}: {c['status']}" for c in candidates)
    return ModelFitError(f"No {family} specification could be fitted to {describe_series(series)} ({tried}). Use "
                         f"{instead} or a baseline such as 'seasonal_naive'.")


def warning_note(caught: list) -> str:
    """``"; warnings: ConvergenceWarning"`` for a candidate's status, or ``""``.

    statsmodels' notes that it replaced non-stationary *starting* values by zeros are left out (harmless).
    """
    names = sorted({w.category.__name__ for w in caught if "starting" not in str(w.message)})
    return f"; warnings: {', '.join(names)}" if names else ""


def check_enough_kept(model: str, kept: int, minimum: int, frequency: str) -> None:
    """Raise SeriesTooShortError when exclusions leave fewer than ``minimum`` observations."""
    if kept < minimum:
        raise SeriesTooShortError(
            f"The {model} model needs at least {minimum} {frequency} observations that are not excluded or "
            f"outliers. Got {kept}. Shorten the excluded periods, or use a simpler model such as 'naive'."
        )


def check_horizon(frequency: str) -> int:
    """Number of steps over which candidate paths are checked (:data:`CHECK_YEARS` years, at least 8)."""
    return max(8, int(round(CHECK_YEARS * PERIODS_PER_YEAR[frequency])))


def path_problem(paths: np.ndarray, values: np.ndarray) -> str | None:
    """Why simulated ``paths`` [n, h] are not credible for a count series with history ``values``, or None.

    Rejected when a value is not finite, when the mean path at any step exceeds 10 x the largest observation
    (explosion), or when more than 5% of all path values lie below -5% of the series mean (far below zero).
    """
    if not np.all(np.isfinite(paths)):
        return "simulated paths contain non-finite values"
    top = float(np.max(np.abs(values)))
    mean_path = paths.mean(axis=0)
    worst = float(np.max(np.abs(mean_path)))
    if worst > 10 * top:
        return f"paths explode (mean path reaches {worst:,.0f}, over 10 x the series maximum {top:,.0f})"
    frac = float(np.mean(paths < -0.05 * float(np.mean(values))))
    if frac > 0.05:
        return f"{frac:.0%} of simulated values fall below -5% of the series mean"
    return None


def effect_dict(event: LevelShift, effect: float, lower: float, upper: float) -> dict[str, Any]:
    """One row of ``describe()["event_effects"]``."""
    return {
        "event": event.label,
        "kind": "level_shift",
        "start": str(event.start),
        "effect": float(effect),
        "lower_95": float(lower),
        "upper_95": float(upper),
        "unit": "per period",
    }


# ---------------------------------------------------------------------------------------------- seasonal terms
def seasonal_dummies(n: int, m: int, offset: int = 0) -> np.ndarray:
    """``m - 1`` dummy columns for season positions 1..m-1 (position 0 is the base), rows ``offset..offset+n``."""
    pos = (np.arange(n) + offset) % m
    return (pos[:, None] == np.arange(1, m)[None, :]).astype(float)


def yearly_fourier(index: pd.PeriodIndex, harmonics: int) -> pd.DataFrame:
    """Sine/cosine pairs with a period of 365.25 days, evaluated at each period's first day."""
    days = np.asarray((index.start_time - pd.Timestamp("2000-01-01")).days, dtype=float)
    cols = {}
    for k in range(1, harmonics + 1):
        angle = 2 * np.pi * k * days / 365.25
        cols[f"fourier_sin{k}"] = np.sin(angle)
        cols[f"fourier_cos{k}"] = np.cos(angle)
    return pd.DataFrame(cols, index=index)


def fourier_harmonics(setting: Any, frequency: str, n_years: float) -> int:
    """Resolve a ``fourier`` setting: "auto" is 3 yearly harmonics for daily/weekly data with >= 2 years."""
    if setting == "auto":
        return 3 if frequency in ("daily", "weekly") and n_years >= 2 else 0
    return int(setting)


def _seasonal_design(index: pd.PeriodIndex, m: int, frequency: str) -> np.ndarray:
    parts = []
    if 1 < m <= MAX_DUMMY_SEASON:
        parts.append(seasonal_dummies(len(index), m, offset=int(index[0].ordinal)))
    if frequency in ("daily", "weekly"):
        parts.append(yearly_fourier(index, 3).to_numpy())
    return np.hstack(parts) if parts else np.empty((len(index), 0))


# ---------------------------------------------------------------------------------------------- level shifts
def local_shift_effects(
    y: pd.Series, mask: np.ndarray, shifts: list[LevelShift], m: int, frequency: str
) -> list[tuple[float, float, float]]:
    """Estimate each level shift with a local intervention regression; return (effect, lower_95, upper_95).

    For each shift, OLS on the kept observations within 3 years either side of its start, with an intercept, a
    linear trend, seasonal dummies (season <= 24; yearly Fourier terms for daily/weekly data), a step dummy for
    this shift and step dummies for any other shift inside the window. The interval is the OLS estimate +/- the
    t quantile x its standard error.
    """
    index = y.index
    values = y.to_numpy(dtype=float)
    half = int(round(CHECK_YEARS * PERIODS_PER_YEAR[frequency]))
    pos = np.arange(len(index))
    out = []
    for shift in shifts:
        at = int(np.searchsorted(index, shift.start))
        rows = (pos >= at - half) & (pos < at + half) & ~mask
        if not (rows[:at].any() and rows[at:].any()):  # exclusions empty one side: use all kept data
            rows = ~mask
        window = index[rows]
        steps = [
            (window >= other.start).astype(float)
            for other in [shift] + [s for s in shifts if s is not shift]
            if other is shift or window[0] < other.start <= window[-1]
        ]
        t = pos[rows].astype(float)
        X = np.column_stack([np.ones(len(t)), (t - at) / max(half, 1), _seasonal_design(window, m, frequency),
                             *steps])
        X = _drop_collinear(X, keep_last=len(steps))
        coef, _, rank, _ = np.linalg.lstsq(X, values[rows], rcond=None)
        j = X.shape[1] - len(steps)  # the first step column is this shift
        df = len(t) - X.shape[1]
        if df > 0:
            resid = values[rows] - X @ coef
            sigma2 = float(resid @ resid) / df
            cov = sigma2 * np.linalg.pinv(X.T @ X)
            half_width = float(stats.t.ppf(0.975, df) * np.sqrt(max(cov[j, j], 0.0)))
        else:
            half_width = float("nan")
        effect = float(coef[j])
        out.append((effect, effect - half_width, effect + half_width))
    return out


def _drop_collinear(X: np.ndarray, keep_last: int) -> np.ndarray:
    """Drop seasonal/trend columns that are all-zero or duplicate (short windows); never the step columns."""
    keep = [j for j in range(X.shape[1] - keep_last) if j == 0 or np.ptp(X[:, j]) > 0]
    keep += list(range(X.shape[1] - keep_last, X.shape[1]))
    return X[:, keep]


def shift_adjustment(index: pd.PeriodIndex, shifts: list[LevelShift], effects: list[float]) -> np.ndarray:
    """Amount to add to each period so the whole history is on the latest recording basis."""
    adj = np.zeros(len(index))
    for shift, effect in zip(shifts, effects):
        adj += np.where(index < shift.start, effect, 0.0)
    return adj


# ---------------------------------------------------------------------------------------------- missing values
def fill_excluded(values: np.ndarray, mask: np.ndarray, m: int) -> np.ndarray:
    """Replace masked values by a seasonal-aware interpolation from the kept values.

    The seasonal profile (median of the kept, detrended values at each season position; trend = centred moving
    average of a linearly interpolated copy) is removed, the deseasonalised series is interpolated linearly across
    the gaps (carried flat beyond the ends), and the profile is added back. With no usable season, plain linear
    interpolation.
    """
    x = np.where(mask, np.nan, values.astype(float))
    if not mask.any():
        return x
    season = np.zeros(len(x))
    if 1 < m and (~mask).sum() >= 2 * m:
        rough = pd.Series(x).interpolate(limit_direction="both")
        trend = rough.rolling(m, center=True, min_periods=1).mean().to_numpy()
        detrended = x - trend
        pos = np.arange(len(x)) % m
        profile = np.array([np.nanmedian(detrended[pos == k]) if np.any(~mask[pos == k]) else 0.0
                            for k in range(m)])
        season = (profile - profile.mean())[pos]
    filled = pd.Series(x - season).interpolate(limit_direction="both").to_numpy()
    return filled + season


def seasonal_strength(x: np.ndarray, m: int) -> float:
    """Hyndman's seasonal strength, max(0, 1 - var(remainder) / var(seasonal + remainder)), from an STL fit."""
    from statsmodels.tsa.seasonal import STL

    with quiet():
        fit = STL(x, period=m, robust=True).fit()
    remainder = np.asarray(fit.resid)
    detrended = remainder + np.asarray(fit.seasonal)
    var = np.var(detrended)
    return float(max(0.0, 1.0 - np.var(remainder) / var)) if var > 0 else 0.0
