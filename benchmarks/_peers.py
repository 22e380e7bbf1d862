"""The peers of the national benchmark, each a forcast :class:`~forcast.models.base.Model` so that it runs through
the same backtest as forcast's models and its financial-year intervals come from sample paths.

* ``m4_comb`` — the M4 "Comb" benchmark (SES, Holt and damped Holt on seasonally adjusted data, statsmodels);
* ``sf_autoets``, ``sf_autoarima``, ``sf_autotheta`` — statsforecast's automatic models (the ``bench`` extra);
* ``seasonal_naive``, ``naive`` — forcast's own baselines (:mod:`forcast.models.registry`).

Peers ignore declared events (known recording breaks), as the published peers would.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from forcast.forecasting import fiscal
from forcast.models.base import Model
from forcast.models.registry import make_model

#: How a statsforecast peer's paths were made (in its ``specification``, so every backtest fold records it).
SIMULATED, GAUSSIAN = "paths: simulate()", "paths: predict() mean + Gaussian noise from its 80/95% intervals"
Z95 = 1.959963984540054


class Comb(Model):
    """M4 "Comb": seasonally adjust (classical multiplicative decomposition when the M4 90% autocorrelation test
    finds seasonality), average SES, Holt and damped Holt, re-seasonalise. Paths: the three methods simulated
    with the same random draws, averaged."""

    name = "m4_comb"

    def _fit(self, y, events):
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
        from statsmodels.tsa.seasonal import seasonal_decompose
        from statsmodels.tsa.stattools import acf

        x = y.to_numpy(dtype=float)
        m = self.season_length_
        self.season_ = np.ones(len(x))
        if m > 1 and len(x) >= 3 * m:
            r = acf(x, nlags=m, fft=False)
            if abs(r[m]) > 1.645 * np.sqrt((1 + 2 * np.sum(r[1:m] ** 2)) / len(x)):
                self.season_ = seasonal_decompose(x, model="multiplicative", period=m).seasonal
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.fits_ = [ExponentialSmoothing(x / self.season_, trend=t, damped_trend=d,
                                               initialization_method="estimated").fit()
                          for t, d in ((None, False), ("add", False), ("add", True))]

    def _simulate(self, horizon, n_paths, rng):
        seed = int(rng.integers(2**31 - 1))
        m, n = max(self.season_length_, 1), len(self.season_)
        future = np.array([self.season_[n - m + j % m] for j in range(horizon)])
        paths = [np.asarray(fit.simulate(horizon, repetitions=n_paths, error="add",
                                         rng=np.random.default_rng(seed))).T for fit in self.fits_]
        return np.mean(paths, axis=0) * future[None, :]

    def _describe(self):
        return {"specification": "M4 Comb (SES, Holt, damped Holt; seasonally adjusted)"}


class _StatsForecast(Model):
    """A statsforecast model behind forcast's contract. Paths are its own point forecast (``predict``) plus the
    spread of its simulated paths around their mean: statsforecast 2.1's AutoETS.simulate leaves the trend out
    of its paths (its predict() falls while the simulated mean stays flat), so the peer is judged on its real
    forecasts. A model without a working ``simulate`` gets independent Gaussian noise per period with the
    standard deviation its 95% ``predict`` interval implies (recorded in the specification)."""

    factory = None

    def _fit(self, y, events):
        self.model_ = type(self).factory(season_length=self.season_length_).fit(y.to_numpy(dtype=float))
        self.paths_from_ = SIMULATED

    def _simulate(self, horizon, n_paths, rng):
        seed = int(rng.integers(2**31 - 1))
        try:
            sims = np.asarray(self.model_.simulate(h=horizon, n_paths=n_paths, seed=seed), dtype=float)
            if sims.shape != (n_paths, horizon) or not np.isfinite(sims).all():
                raise ValueError(f"simulate() gave shape {sims.shape} or non-finite values")
        except (AttributeError, NotImplementedError, ValueError, TypeError):
            self.paths_from_ = GAUSSIAN
            pred = self.model_.predict(h=horizon, level=[95])
            sd = (np.asarray(pred["hi-95"]) - np.asarray(pred["lo-95"])) / (2 * Z95)
            return np.asarray(pred["mean"])[None, :] + rng.standard_normal((n_paths, horizon)) * sd[None, :]
        mean = np.asarray(self.model_.predict(h=horizon)["mean"], dtype=float)
        return mean[None, :] + (sims - sims.mean(axis=0, keepdims=True))

    def _describe(self):
        return {"specification": f"statsforecast {type(self).factory.__name__}; {self.paths_from_}"}


try:
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
except ImportError:  # the optional ``bench`` extra
    AutoETS = AutoARIMA = AutoTheta = None


class SFAutoETS(_StatsForecast):
    name, factory = "sf_autoets", AutoETS


class SFAutoARIMA(_StatsForecast):
    name, factory = "sf_autoarima", AutoARIMA


class SFAutoTheta(_StatsForecast):
    name, factory = "sf_autotheta", AutoTheta


def statsforecast_peers() -> list[type]:
    """The statsforecast peer classes, or [] when statsforecast is not installed."""
    return [c for c in (SFAutoETS, SFAutoARIMA, SFAutoTheta) if c.factory is not None]


def peers() -> dict:
    """Every peer available here: name -> a function making a new, unfitted model."""
    out = {"m4_comb": Comb}
    out.update({cls.name: cls for cls in statsforecast_peers()})
    out.update({name: (lambda name=name: make_model(name)) for name in ("seasonal_naive", "naive")})
    return out


def summed_bounds(bt, peer: type, levels=(80, 95)) -> pd.DataFrame:
    """Financial-year intervals the way the issue's table built them for a peer without paths: each bound the
    sum of the quarterly ``predict(level=...)`` bounds (refitted at each origin of ``bt``), the point forecast the
    sum of the quarterly means. Columns as :meth:`forcast.evaluation.backtesting.Backtest.financial_years`, no CRPS."""
    fy = bt.financial_years()
    fy = fy[fy["model"] == peer.name]
    rows = []
    for fold in bt.folds:
        train = bt.training(fold.date).to_numpy(dtype=float)
        fit = type(peer).factory(season_length=peer.season_length_).fit(train)
        pred = fit.predict(h=len(fold.index), level=list(levels))
        labels = [fiscal.label(fiscal.financial_year(p)) for p in fold.index]
        frame = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in pred.items()}).groupby(labels).sum()
        these = fy[fy["origin"] == fold.date].set_index("financial_year")
        for label, row in these.iterrows():
            out = row.to_dict() | {"financial_year": label, "model": f"{peer.name} (summed bounds)",
                                   "predicted": frame.loc[label, "mean"]}
            for lv in levels:
                out[f"lower_{lv}"], out[f"upper_{lv}"] = frame.loc[label, f"lo-{lv}"], frame.loc[label, f"hi-{lv}"]
            rows.append(out)
    return pd.DataFrame(rows)
