"""Evaluation: how forecasts did. Forecast origins, backtests, accuracy metrics, calibrated intervals and the
error quantiles learned from backtests, and the check of one published forecast against what happened."""
