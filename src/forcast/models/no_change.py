"""The no-change forms of the ARIMA family, as members of the combination: the random walk and "same as last year".

=====================  =====================================================================================
``no_change``          ARIMA(0,1,0): the last value carried forward (a random walk), the no-change form that
                       ETS(A,N,N) reaches with its smoothing weight at 1
``same_as_last_year``  ARIMA(0,0,0)(0,1,0): each period as the same period a year before (a seasonal random walk)
=====================  =====================================================================================

Unlike the ``naive`` and ``seasonal_naive`` baselines, these honour declared events as the ARIMA family does: a
level shift is estimated as a regressor and excluded periods are skipped by the Kalman filter, so "same as last
year" after a COVID-19 year excluded means the year before it. On the national backtest (43 forces, origins
2008-2019, financial-year totals one to four years ahead) no-change forecasts were as accurate as ETS and ARIMA at
one year ahead and more accurate at two to four; the combination averages all four (``docs/method.md``).
"""

from __future__ import annotations

from .arima import ARIMA


class NoChange(ARIMA):
    """ARIMA(0,1,0): the random walk, honouring declared events."""

    name = "no_change"

    def __init__(self) -> None:
        super().__init__(max_p=0, max_q=0, max_P=0, max_Q=0, d=1, D=0, fourier=0, drift=False)


class SameAsLastYear(ARIMA):
    """ARIMA(0,0,0)(0,1,0): the seasonal random walk ("same as last year"), honouring declared events."""

    name = "same_as_last_year"

    def __init__(self) -> None:
        super().__init__(max_p=0, max_q=0, max_P=0, max_Q=0, d=0, D=1, fourier=0, drift=False)


__all__ = ["NoChange", "SameAsLastYear"]
