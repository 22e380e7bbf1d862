"""Exponential smoothing (ETS) with an automatic choice of specification.

The model is statsmodels' :class:`~statsmodels.tsa.exponential_smoothing.ets.ETSModel` (innovations state space).
Only **additive-error** specifications are considered: the trend is none or additive **damped** (by default; an
undamped trend on request, ``damped="auto"`` or ``False``); the season is none or additive. Damped by default
because an undamped trend is carried unchanged to the end of the horizon: four years ahead that extrapolation did
more harm than good on police demand (national backtest, 44 forces, origins 2011–2017: financial-year MAPE one to
four years ahead 7.4/15.0/23.1/30.7% with undamped trends among the candidates, 6.9/13.4/18.4/21.7% with damped
ones only; see ``docs/backtesting.md``), and damped trends are the long-standing robust choice for forecasts
several years ahead (Gardner and McKenzie 1985; Hyndman and Athanasopoulos, *Forecasting: Principles and
Practice*). Multiplicative errors are left out on purpose: for the volumes forcast models (thousands of
crimes or calls per period) they add little, and their simulated paths can be unstable. The specification with the
smallest AICc is chosen (the AICc counts the parameters as R's ``forecast::ets`` does: smoothing parameters, the
initial states less the one seasonal state fixed by the others, and the variance; statsmodels' own ``aicc`` counts
that seasonal state too). Each candidate's likelihood is maximised from statsmodels' default start and from three
more (alpha 0.2, 0.5, 0.8), keeping the best: from one start the optimiser often stopped far short, which made
seasonal specifications lose to trend ones they should have beaten. Bounds are the usual ones (statsmodels'
defaults, as in R and statsforecast): alpha in (0, 1), beta in (0, alpha), gamma in (0, 1 - alpha), phi in
[0.8, 0.98]; a seasonal specification is a candidate only when the cycle is 2..24 periods long and at
least two full cycles are observed.

Candidates are checked by simulation (200 paths, fixed seed, 3 years ahead) and rejected with a
:class:`~forcast.errors.RejectedSpecificationWarning` when their paths explode (a mean path above 10 x the series
maximum, or non-finite values) or fall far below zero (over 5% of values below -5% of the series mean); the next by
AICc is then tried. If none remains, :class:`~forcast.errors.ModelFitError` is raised so the caller can fall back.

Events (ETSModel takes no regressors and no missing values):

* :class:`~forcast.models.events.LevelShift` — the size of the shift is estimated by a local intervention regression
  (OLS on up to 3 years either side of the break: intercept, linear trend, seasonal dummies, step dummy; see
  :func:`forcast.models._selection.local_shift_effects`) and reported with its 95% interval. The history before the
  break is raised by the estimate, so the whole series is on the new recording basis, and ETS is fitted to that.
  The uncertainty of the estimate itself is not carried into the paths (the forecast level is driven by the
  recent, post-break data).
* :class:`~forcast.models.events.ExcludedPeriod` and :class:`~forcast.models.events.Outlier` — inside the series the
  values are replaced by a seasonal-aware interpolation from the kept values. Excluded periods at the *start* are
  dropped; at the *end* they are dropped from the fit and the model simulates through them, so paths still start at the
  period after the last observation (and carry the extra uncertainty of the unobserved stretch).
* Regressor events (the :class:`~forcast.models.events.RegressorEvent` protocol) are ignored, with a note in
  ``describe()["notes"]`` and in the log.

Long cycles: daily series use a weekly season (7); weekly series get no ETS season (52 is too long to estimate
well). For daily and weekly series with at least two years of data, yearly seasonality is removed first with
``fourier`` yearly harmonics (default 3) fitted by OLS with a linear trend, and added back to the paths: a fixed
yearly pattern, not an evolving one.

Paths come from ``ETSResults.simulate(..., anchor="end", rng=rng)`` with Gaussian innovations, and carry
**parameter uncertainty** too: 20 parameter sets are drawn from the estimates' approximate normal distribution
(statsmodels' complex-step Hessian; parameters on a bound stay at their estimate, draws are put back inside the
bounds and kept only inside the 99% likelihood-ratio region), the model is re-run over the data with each, and
each simulates an equal share of the paths; the paths are then shifted together so their mean is the estimated
model's forecast. Mostly this is the uncertainty of the initial trend when beta is near 0, which innovation noise
alone leaves out (national backtest: coverage of the 95% intervals of financial-year totals 0.46 -> 0.54, CRPS
2.5% better, point forecasts unchanged). A seeded Generator gives identical paths.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelFitError, ParameterError
from .events import excluded_mask, level_shifts, regressor_events
from ..data.series import PERIODS_PER_YEAR
from . import _selection as sel
from .base import Model

_TRENDS = {"auto": ("none", "additive"), "none": ("none",), None: ("none",), "additive": ("additive",)}
_SEASONALS = {"auto": ("none", "additive"), "none": ("none",), None: ("none",), "additive": ("additive",)}
_DAMPED = {"auto": (False, True), True: (True,), False: (False,)}


class ETS(Model):
    """Additive-error exponential smoothing with the specification chosen by AICc.

    Parameters
    ----------
    trend : {"auto", "none", "additive"}
        ``"auto"`` tries no trend and an additive trend.
    seasonal : {"auto", "none", "additive"}
        ``"auto"`` tries both when the season can be estimated (cycle 2..24, two full cycles observed).
    damped : {True, "auto", False}
        Whether an additive trend is damped: ``True`` (default), ``False``, or ``"auto"`` to try both by AICc.
    fourier : "auto" or int
        Yearly Fourier harmonics removed before fitting daily/weekly series (``"auto"``: 3 with two or more years
        of data, else 0); 0 turns it off.
    """

    name = "ets"

    def __init__(self, trend: Any = "auto", seasonal: Any = "auto", damped: Any = True,
                 fourier: Any = "auto") -> None:
        self.trend = trend
        self.seasonal = seasonal
        self.damped = damped
        self.fourier = fourier

    # ------------------------------------------------------------------ fit
    def _fit(self, y: pd.Series, events: tuple) -> None:
        self._check_params()
        self._fit_inner(y, events)  # Model.fit runs this with BLAS on one thread

    def _fit_inner(self, y: pd.Series, events: tuple) -> None:
        index, values = y.index, y.to_numpy(dtype=float)
        freq = self.frequency_
        mask = excluded_mask(events, index)
        sel.check_enough_kept(self.name, int((~mask).sum()), self.min_length(freq), freq)
        notes = []
        for event in regressor_events(events):
            notes.append(f"regressor event {event.label!r} ignored: ETS takes no regressors")
            sel.logger.info("ETS ignores regressor event %r (ETS takes no regressors)", event.label)

        # level shifts: estimate, then move the history onto the latest recording basis
        m_dummy = self.season_length_
        shifts = level_shifts(events)
        estimates = sel.local_shift_effects(y, mask, shifts, m_dummy, freq)
        self.event_effects_ = [sel.effect_dict(s, *e) for s, e in zip(shifts, estimates)]
        adjusted = values + sel.shift_adjustment(index, shifts, [e[0] for e in estimates])

        # exclusions: drop them at the ends, fill them inside
        kept = np.flatnonzero(~mask)
        lo, hi = int(kept[0]), int(kept[-1])
        self.trailing_ = len(values) - 1 - hi
        seg_index, seg, seg_mask = index[lo:hi + 1], adjusted[lo:hi + 1], mask[lo:hi + 1]
        if mask.any():
            notes.append(
                f"{int(mask.sum())} excluded/outlier period(s): {lo} dropped at the start, {self.trailing_} "
                f"simulated through at the end, the rest filled by seasonal interpolation"
            )

        # yearly seasonality of daily/weekly data: removed by OLS Fourier terms, added back to the paths
        years = (~seg_mask).sum() / PERIODS_PER_YEAR[freq]
        self.harmonics_ = sel.fourier_harmonics(self.fourier, freq, years)
        self.fourier_coef_ = np.zeros(2 * self.harmonics_)
        if self.harmonics_:
            F = sel.yearly_fourier(seg_index, self.harmonics_).to_numpy()
            t = np.arange(len(seg), dtype=float) / len(seg)
            X = np.column_stack([np.ones(len(seg)), t, F])
            coef = np.linalg.lstsq(X[~seg_mask], seg[~seg_mask], rcond=None)[0]
            self.fourier_coef_ = coef[2:]
            seg = seg - F @ self.fourier_coef_
            notes.append(f"yearly seasonality removed with {self.harmonics_} Fourier harmonics (fixed pattern)")
        self.ets_season_ = self.season_length_ if 1 < self.season_length_ <= sel.MAX_DUMMY_SEASON else 1
        self.fit_values_ = sel.fill_excluded(seg, seg_mask, self.ets_season_)
        self.notes_ = notes
        self._select()

    def _check_params(self) -> None:
        for name, allowed in (("trend", _TRENDS), ("seasonal", _SEASONALS), ("damped", _DAMPED)):
            value = getattr(self, name)
            if not isinstance(value, (str, bool, type(None))) or value not in allowed:
                raise ParameterError(
                    f"ETS `{name}` must be one of {', '.join(repr(k) for k in allowed)}. Got {value!r}."
                )
        if not (self.fourier == "auto" or (isinstance(self.fourier, (int, np.integer))
                                           and not isinstance(self.fourier, bool) and 0 <= self.fourier <= 10)):
            raise ParameterError(f"ETS `fourier` must be 'auto' or an integer 0..10. Got {self.fourier!r}.")

    def _candidates(self) -> list[tuple[str, bool, str]]:
        m, n = self.ets_season_, len(self.fit_values_)
        seasonals = _SEASONALS[self.seasonal]
        if not (m > 1 and n >= 2 * m):
            if self.seasonal == "additive":
                raise ModelFitError(
                    f"ETS seasonal='additive' needs a season of 2..{sel.MAX_DUMMY_SEASON} periods and two full "
                    f"seasons of data. Got season {self.season_length_} and {n} periods. Use seasonal='auto'."
                )
            seasonals = ("none",)
        out = []
        for trend in _TRENDS[self.trend]:
            for damped in (_DAMPED[self.damped] if trend == "additive" else (False,)):
                out.extend((trend, damped, seasonal) for seasonal in seasonals)
        return out

    def _select(self) -> None:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        fits = []
        self.candidates_ = []
        n = len(self.fit_values_)
        for trend, damped, seasonal in self._candidates():
            spec = _spec_name(trend, damped, seasonal)
            row = {"spec": spec, "aicc": None, "status": ""}
            self.candidates_.append(row)
            k = 2 + (trend == "additive") * 2 + damped + (seasonal == "additive") * (1 + self.ets_season_)
            if n <= k + 2:
                row["status"] = f"skipped: {k} parameters need more than {n} observations"
                continue
            try:
                with sel.quiet() as caught:
                    res = _fit_best(ETSModel(
                        self.fit_values_, error="add", trend="add" if trend == "additive" else None,
                        damped_trend=damped, seasonal="add" if seasonal == "additive" else None,
                        seasonal_periods=self.ets_season_ if seasonal == "additive" else None,
                        initialization_method="estimated",
                    ), trend == "additive")
            except Exception as exc:  # statsmodels raises many types on degenerate data
                row["status"] = f"failed: {type(exc).__name__}: {exc}"
                continue
            aicc = _aicc(res, n, seasonal == "additive")
            if not np.isfinite(aicc):
                row["status"] = "failed: AICc is not finite"
                continue
            row.update(aicc=aicc, status="fitted" + sel.warning_note(caught))
            fits.append((aicc, spec, res, row))
        check_h = sel.check_horizon(self.frequency_) + self.trailing_
        for aicc, spec, res, row in sorted(fits, key=lambda f: f[0]):
            with sel.quiet():
                paths = _sim(res, check_h, sel.CHECK_PATHS, np.random.default_rng(sel.CHECK_SEED))
            problem = sel.path_problem(paths, self.fit_values_)
            if problem is None:
                row["status"] = "selected" + row["status"][len("fitted"):]
                self.result_, self.specification_, self.aicc_ = res, spec, aicc
                return
            sel.reject(row, spec, self.series_, problem)
        raise sel.no_specification("ETS", self.series_, self.candidates_, "ARIMA")

    # ------------------------------------------------------------------ simulate / describe
    def _simulate(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        steps = self.trailing_ + horizon
        paths = _sim_uncertain(self.result_, steps, n_paths, rng)[:, self.trailing_:]
        if self.harmonics_:
            future = self.future_index(horizon)
            paths = paths + (sel.yearly_fourier(future, self.harmonics_).to_numpy() @ self.fourier_coef_)
        return paths

    def _describe(self) -> dict[str, Any]:
        params = {str(k): float(v) for k, v in zip(self.result_.param_names, self.result_.params)}
        return {
            "specification": self.specification_,
            "aicc": self.aicc_,
            "candidates": [dict(c) for c in self.candidates_],
            "params": params,
            "event_effects": [dict(e) for e in self.event_effects_],
            "notes": list(self.notes_),
        }


def _spec_name(trend: str, damped: bool, seasonal: str) -> str:
    t = "N" if trend == "none" else ("Ad" if damped else "A")
    return f"ETS(A,{t},{'A' if seasonal == 'additive' else 'N'})"


#: Extra starting values of alpha for the likelihood search (beta starts at 0.05 alpha). statsmodels' single
#: default start often stops far from the optimum (on the national data a quarter of the fits gained > 0.5 in
#: log-likelihood from another start, mostly seasonal ones, which were then wrongly beaten by trend models).
START_ALPHAS = (0.2, 0.5, 0.8)


def _fit_best(model: Any, trend: bool) -> Any:
    """Maximum likelihood from statsmodels' default start and from each alpha in :data:`START_ALPHAS`; the best."""
    best = model.fit(disp=False, maxiter=500)
    for alpha in START_ALPHAS:
        start = np.array(model.start_params, dtype=float)
        start[0] = alpha
        if trend:
            start[1] = 0.05 * alpha
        try:
            res = model.fit(start_params=start, disp=False, maxiter=500)
        except Exception:  # noqa: BLE001 - another start failing leaves the default fit
            continue
        if np.isfinite(res.llf) and res.llf > best.llf + 1e-6:
            best = res
    return best


def _aicc(res: Any, n: int, seasonal: bool) -> float:
    """AICc counting the free parameters: statsmodels counts all ``m`` initial seasonal states, but the last is
    fixed at 0 (the seasonal states sum to zero), so ``m - 1`` are estimated, as in R's ``forecast::ets``."""
    k = res.df_model - int(seasonal)
    return float(-2 * res.llf + 2 * k + 2 * k * (k + 1) / (n - k - 1))


#: Parameter sets drawn per simulation (0: innovation noise only, paths from the estimated parameters).
PARAM_DRAWS = 20
_BOUNDS = {"smoothing_level": (1e-4, 0.9999), "damping_trend": (0.8, 0.98)}


def _param_draws(res: Any, k: int, rng: np.random.Generator) -> tuple[list[np.ndarray], int]:
    """``k`` parameter vectors from the estimates' approximate normal distribution (complex-step Hessian).

    Parameters on (or within 1e-3 of) a bound, or with an unusable variance, stay at their estimate; the rest are
    drawn jointly (the covariance restricted to them, negative eigenvalues set to 0) and put back inside the usual
    bounds (alpha in [1e-4, 0.9999], beta in [1e-4, alpha], gamma in [1e-4, 1 - alpha], phi in [0.8, 0.98]).
    Returns the draws and the number of parameters drawn (``([], 0)`` when nothing can be drawn).
    """
    names, est = list(res.param_names), np.asarray(res.params, dtype=float)
    with sel.quiet():
        cov = np.asarray(res.cov_params(), dtype=float)
    lo = np.array([_BOUNDS.get(n, (1e-4, 0.9999) if n.startswith("smoothing") else (-np.inf, np.inf))[0]
                   for n in names])
    hi = np.array([_BOUNDS.get(n, (1e-4, 0.9999) if n.startswith("smoothing") else (-np.inf, np.inf))[1]
                   for n in names])
    if cov.shape != (len(est), len(est)):
        return [], 0
    var = np.diag(cov)
    free = np.isfinite(var) & (var > 0) & (est > lo + 1e-3) & (est < hi - 1e-3)
    rows = np.flatnonzero(free)  # a parameter on a bound may leave NaN in its column: drop rows with NaN there
    free[rows[~np.all(np.isfinite(cov[np.ix_(rows, rows)]), axis=1)]] = False
    if not free.any():
        return [], 0
    sub = cov[np.ix_(free, free)]
    w, V = np.linalg.eigh((sub + sub.T) / 2)
    root = V * np.sqrt(np.clip(w, 0, None))
    draws = []
    for z in rng.standard_normal((k, int(free.sum()))):
        p = est.copy()
        p[free] += root @ z
        p = np.clip(p, lo, hi)
        alpha = p[names.index("smoothing_level")]
        if "smoothing_trend" in names:
            j = names.index("smoothing_trend")
            p[j] = min(p[j], alpha)
        if "smoothing_seasonal" in names:
            j = names.index("smoothing_seasonal")
            p[j] = min(p[j], max(1 - alpha, 1e-4))
        draws.append(p)
    return draws, int(free.sum())


def _sim_uncertain(res: Any, steps: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Paths that carry parameter uncertainty: :data:`PARAM_DRAWS` parameter sets drawn by :func:`_param_draws`,
    the model re-run over the data with each (so its end state follows the drawn parameters), and an equal share of
    the paths simulated from each. A draw is kept only inside the 99% likelihood-ratio region (log-likelihood on
    the data within ``chi2_99(k) / 2`` of the maximum): the normal approximation is poor near the bounds, and a few
    draws far outside it (e.g. a large beta) made paths explode, which truncation at zero turned into a biased mean.
    Up to 3 x :data:`PARAM_DRAWS` candidates are tried. The paths are then shifted together so their mean is the
    forecast of the estimated model: the draws add spread, not a different point forecast. Falls back to the
    estimated parameters when nothing can be drawn."""
    from scipy import stats

    k = min(PARAM_DRAWS, n_paths)
    candidates, n_free = _param_draws(res, 3 * k, rng) if k else ([], 0)
    accepted = []
    with sel.quiet():
        for p in candidates:
            drawn = res.model.smooth(p)
            if np.isfinite(drawn.llf) and res.llf - drawn.llf <= stats.chi2.ppf(0.99, n_free) / 2:
                accepted.append(drawn)
                if len(accepted) == k:
                    break
    if not accepted:
        return _sim(res, steps, n_paths, rng)
    k = len(accepted)
    counts = np.full(k, n_paths // k)
    counts[: n_paths % k] += 1
    parts, means = [], []
    with sel.quiet():
        for drawn, c in zip(accepted, counts):
            parts.append(_sim(drawn, steps, int(c), rng))
            means.append(np.asarray(drawn.forecast(steps), dtype=float) * c)
        centre = np.asarray(res.forecast(steps), dtype=float) - np.sum(means, axis=0) / n_paths
    paths = np.concatenate(parts, axis=0) + centre[None, :]
    return paths if np.all(np.isfinite(paths)) else _sim(res, steps, n_paths, rng)


def _sim(res: Any, steps: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """``[n_paths, steps]`` Gaussian-innovation paths from the end of the sample."""
    sims = res.simulate(steps, anchor="end", repetitions=n_paths, rng=rng)
    return np.asarray(sims, dtype=float).reshape(steps, n_paths).T


__all__ = ["ETS"]
