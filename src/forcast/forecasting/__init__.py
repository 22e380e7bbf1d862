"""Forecasting: fitting the models to a demand series, simulated paths, financial-year totals and intervals, and
many series at once (in parallel, reconciled)."""
