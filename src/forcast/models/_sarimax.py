"""SARIMAX building blocks for :class:`forcast.models.arima.ARIMA`: one candidate's fit, the final GLS filter with
the regression coefficients (and constant or drift) as states, and vectorised simulation from the state-space
form. Kept apart from the order search in ``arima.py``; see that module's docstring for the method."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _selection as sel

#: L-BFGS iterations per candidate fit.
MAX_ITER = 50
#: Longer series (daily data) are searched, and their ARMA parameters refined, on the last this many periods.
MAX_SEARCH_OBS = 800

#: Carry the constant (d + D = 0) or drift (d + D = 1) as a regression state in the final filter, so paths draw it
#: from its estimated distribution (its uncertainty widens the intervals) instead of fixing it at the estimate.
DRIFT_IN_STATE = True


def _drift_kind(o: tuple, d: int, D: int) -> str | None:
    """``"constant"``/``"drift"`` when candidate ``o`` has one and it is carried as a state, else None."""
    if not (o[4] and DRIFT_IN_STATE):
        return None
    return "constant" if d + D == 0 else "drift"


def _with_drift(X: np.ndarray, kind: str | None, start: int) -> np.ndarray:
    """Regressors plus the drift column for positions ``start, start + 1, ...`` (ones for a constant)."""
    if kind is None:
        return X
    column = np.ones(len(X)) if kind == "constant" else np.arange(start, start + len(X), dtype=float)
    return np.column_stack([X, column])


def _trend(o: tuple) -> str:
    """SARIMAX's ``trend`` for candidate ``(p, q, P, Q, c)``: ``"c"`` (constant, or drift once differenced) or
    ``"n"``."""
    return "c" if o[4] else "n"


def _spec(o: tuple, d: int, D: int, m: int) -> str:
    p, q, P, Q, c = o
    text = f"ARIMA({p},{d},{q})" + (f"({P},{D},{Q})[{m}]" if m and (P or D or Q) else "")
    if c:
        text += " with drift" if d + D == 1 else " with constant"
    return text


def _best(fits: dict) -> tuple | None:
    ok = [o for o, f in fits.items() if f["result"] is not None]
    return min(ok, key=lambda o: fits[o]["aicc"]) if ok else None


def _sarimax(endog: np.ndarray, o: tuple, d: int, D: int, m: int, **kwargs: Any) -> Any:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    p, q, P, Q, _ = o
    seasonal = (P, D, Q, m) if m and (P or D or Q) else (0, 0, 0, 0)
    return SARIMAX(endog, order=(p, d, q), seasonal_order=seasonal, trend=_trend(o), **kwargs)


def _fit_arma(z: np.ndarray, o: tuple, d: int, D: int, m: int, start: Any = None) -> dict:
    """Fit one order on the regression-adjusted series; return {result, aicc, status}."""
    try:
        with sel.quiet() as caught:
            model = _sarimax(z, o, d, D, m, concentrate_scale=True)
            if len(model.start_params):
                res = model.fit(start_params=start, method="lbfgs", maxiter=MAX_ITER, disp=False, cov_type="none",
                                factr=1e10)
            else:  # e.g. ARIMA(0,1,0) without drift: nothing to estimate (the variance is concentrated out)
                res = model.filter(np.zeros(0), cov_type="none")
        aicc = float(res.aicc)
    except Exception as exc:  # statsmodels raises many types on degenerate data
        return {"result": None, "aicc": None, "status": f"failed: {type(exc).__name__}: {exc}"}
    if not np.isfinite(aicc):
        return {"result": None, "aicc": None, "status": "failed: AICc is not finite"}
    note = sel.warning_note(caught)
    if not (getattr(res, "mle_retvals", None) or {}).get("converged", True) and "ConvergenceWarning" not in note:
        note += "; not converged"
    return {"result": res, "aicc": aicc, "status": "fitted" + note}


def _finalise(res: Any, y_nan: np.ndarray, X: np.ndarray, o: tuple, d: int, D: int,
              m: int) -> tuple[Any, np.ndarray, np.ndarray]:
    """Full-sample results for simulation, with GLS regression coefficients and their covariance.

    The search fits concentrate the innovation variance out of the likelihood; here it is put back as the last
    parameter (``sigma2``) so the filtered state covariances are in the data's (standardised) units. The
    coefficients start from statsmodels' approximate diffuse prior N(0, 10^6): on the standardised scale that is
    uninformative (statsmodels' exact diffuse filter proved numerically unstable with a step regressor that stays
    zero for thousands of periods).
    """
    kind = _drift_kind(o, d, D)
    X_all = _with_drift(X, kind, 0)
    no_drift = o[:4] + (0,) if kind else o
    with sel.quiet():
        if not X_all.shape[1]:
            final = _sarimax(y_nan, o, d, D, m).filter(np.r_[res.params, res.scale])
            return final, np.zeros(0), np.zeros((0, 0))
        k = X_all.shape[1]
        for refine in (True, False):
            model = _sarimax(y_nan, no_drift, d, D, m, exog=X_all, mle_regression=False)
            final = model.filter(np.r_[res.params[1:] if kind else res.params, res.scale])
            beta = np.asarray(final.filtered_state[-k:, -1], dtype=float)
            cov = np.asarray(final.filtered_state_cov[-k:, -k:, -1], dtype=float)
            if refine and not X.shape[1]:
                break
            if refine:
                z = (y_nan - X @ beta[:X.shape[1]])[-MAX_SEARCH_OBS:]
                again = _fit_arma(z, o, d, D, m, start=res.params)
                res = again["result"] if again["result"] is not None else res
    return final, beta, cov


def _ols_differenced(y: np.ndarray, X: np.ndarray, d: int, D: int, m: int, const: bool) -> np.ndarray:
    """Regression coefficients by OLS on the differenced series (start values; robust to the unit roots)."""
    def diff(a: np.ndarray) -> np.ndarray:
        for _ in range(D):
            a = a[m:] - a[:-m]
        for _ in range(d):
            a = a[1:] - a[:-1]
        return a

    dy, dX = diff(y), diff(X)
    if const:
        dX = np.column_stack([np.ones(len(dy)), dX])
    ok = np.isfinite(dy)
    beta = np.linalg.lstsq(dX[ok], dy[ok], rcond=None)[0]
    return beta[1:] if const else beta


def _psd_sqrt(S: np.ndarray) -> np.ndarray:
    w, V = np.linalg.eigh((S + S.T) / 2)
    return V * np.sqrt(np.clip(w, 0, None))


def _simulate_state_space(res: Any, X_future: np.ndarray, steps: int, n_paths: int,
                          rng: np.random.Generator) -> np.ndarray:
    """``[n_paths, steps]`` paths from the end of a filtered SARIMAX, vectorised over paths.

    The state after the sample is drawn from N(predicted state, its covariance); then ``y_t = Z_t x_t + d + e_t``,
    ``x_{t+1} = T x_t + c + R eta_t``. With regression coefficients in the state (GLS fit), ``Z_t`` carries the
    future regressors in its last columns.
    """
    fr = res.filter_results
    T, R = fr.transition[:, :, -1], fr.selection[:, :, -1]
    c = np.asarray(fr.state_intercept)[:, -1]
    Z = np.array(fr.design[0, :, -1], dtype=float)
    obs_d = float(np.asarray(fr.obs_intercept)[0, -1])
    h_sd = float(np.sqrt(max(fr.obs_cov[0, 0, -1], 0.0)))
    k_exog = X_future.shape[1] if res.model.state_regression else 0
    if res.model.k_exog and not k_exog:  # regression in the likelihood: future intercepts from coefficients
        raise AssertionError("ARIMA expects regressors in the state vector")  # pragma: no cover
    x = res.predicted_state[:, -1][:, None] + _psd_sqrt(res.predicted_state_cov[:, :, -1]) @ rng.standard_normal(
        (T.shape[0], n_paths))
    Lq = R @ _psd_sqrt(fr.state_cov[:, :, -1])
    out = np.empty((steps, n_paths))
    for t in range(steps):
        if k_exog:
            Z[-k_exog:] = X_future[t]
        out[t] = Z @ x + obs_d
        if h_sd:
            out[t] += h_sd * rng.standard_normal(n_paths)
        x = T @ x + c[:, None] + Lq @ rng.standard_normal((Lq.shape[1], n_paths))
    return out.T
