"""Reporting: charts, the wording of changes, comparisons with similar forces, and writing outputs safely to a
folder. The FMS chapter itself is :mod:`forcast.fms`."""
