"""Exception and warning classes raised by forcast.

Every error forcast raises on bad input is a subclass of :class:`ForcastError`, which is itself a
:class:`ValueError`, so ``except ValueError`` keeps working in users' notebooks. Messages follow one form:
what was wrong, the rule, what was got, and how to fix it.
"""

from __future__ import annotations


class ForcastError(ValueError):
    """Base class of every error forcast raises on bad input or misuse."""


# --- loading and validating data -----------------------------------------------------------------
class SourceNotFoundError(ForcastError):
    """The file a user named does not exist."""


class UnreadableSourceError(ForcastError):
    """The file exists but cannot be read as CSV or Excel."""


class ColumnError(ForcastError):
    """A required column is missing or misnamed."""


class EmptyDataError(ForcastError):
    """The source holds no rows of data."""


class NonNumericCountError(ForcastError):
    """A count cell holds something that is not a number."""


class NegativeCountError(ForcastError):
    """A count is below zero."""


class NonIntegerCountError(ForcastError):
    """A count has a fractional part (raised when ``non_integer="error"``)."""


class MissingValueError(ForcastError):
    """A count or a date is missing (NaN or empty)."""


class DuplicatePeriodError(ForcastError):
    """The same period appears more than once."""


class MissingPeriodError(ForcastError):
    """Periods are missing from an otherwise regular series."""


class FrequencyError(ForcastError):
    """The frequency is mixed, irregular, unknown or not what was asked for."""


class TimezoneError(ForcastError):
    """Timestamps carry a time zone where naive local times are required."""


class SeriesTooShortError(ForcastError):
    """The series is too short for the requested use."""


class ConstantSeriesError(ForcastError):
    """Every count of the series is the same (all zero, say): there is nothing for a model to learn."""


class DateParseError(ForcastError):
    """A date or period cell cannot be read as a date."""


class AmbiguousDateError(DateParseError):
    """Numeric dates read only month first, or both ways with different results: ``dayfirst=`` must say which."""


class CountTooLargeError(NonNumericCountError):
    """A count is too large to hold exactly (above 2**53), e.g. ``1e300``: a typo or a cell that is not a count."""


class NotCallLevelError(ForcastError):
    """Data given as a call-level export (one row per call) hold counts per period instead."""


# --- embedded data ---------------------------------------------------------------------------------
class UnknownForceError(ForcastError):
    """A force name is not among the embedded forces."""


class UnknownDatasetError(ForcastError):
    """A dataset, measure or year is not embedded."""


# --- models and forecasting ------------------------------------------------------------------------
class NotFittedError(ForcastError):
    """A model was asked for a forecast before ``fit`` was called."""


class UnknownModelError(ForcastError):
    """A model name is not one forcast knows."""


class EventError(ForcastError):
    """A declared event (level shift, excluded period, outlier) is malformed or outside the series."""


class ModelFitError(ForcastError):
    """No candidate specification of a model could be fitted to the series."""


class ParameterError(ForcastError):
    """An argument has a value outside its allowed range."""


class FinancialYearError(ForcastError):
    """A financial-year label or horizon cannot be understood."""


# --- outputs -------------------------------------------------------------------------------------
class OutputError(ForcastError):
    """An output folder or file cannot be written as asked."""


class UnownedFilesError(OutputError):
    """The output folder holds files forcast did not write there (the user's own), so a run refuses to write."""


class EditedOutputError(OutputError):
    """Outputs forcast wrote were changed since; a run refuses to replace them unless asked to overwrite."""


# --- warnings ------------------------------------------------------------------------------------
class ForcastWarning(UserWarning):
    """Base class of the warnings forcast emits."""


class NonIntegerCountWarning(ForcastWarning):
    """Counts had fractional parts and were kept as given (``non_integer="warn"``)."""


class ModelFallbackWarning(ForcastWarning):
    """A model failed to fit and another model or a baseline took its place."""


class RejectedSpecificationWarning(ForcastWarning):
    """A candidate specification was rejected (failed fit, exploding or strongly negative paths)."""


class CalibrationWarning(ForcastWarning):
    """Intervals were calibrated, or calibration was asked for but could not be done."""


class ForcastDeprecationWarning(ForcastWarning, DeprecationWarning):
    """A forcast feature is deprecated."""


class InterruptedRunWarning(ForcastWarning):
    """An earlier run into an output folder was interrupted: its files may be a mix of two runs."""


# --- Home Office releases imported by the user ---------------------------------------------------
class HomeOfficeTableError(ForcastError):
    """A Home Office 'police recorded crime open data tables' workbook cannot be imported as it is."""


class HomeOfficeFileError(HomeOfficeTableError, UnreadableSourceError):
    """The Home Office workbook does not exist, or is not an ODS or Excel workbook."""


class HomeOfficeColumnError(HomeOfficeTableError, ColumnError):
    """A sheet of the Home Office workbook lacks columns of the open data tables."""


class HomeOfficeEmptyError(HomeOfficeTableError, EmptyDataError):
    """The Home Office workbook has no data sheet, or a data sheet with a header and no rows."""


class HomeOfficeCountError(HomeOfficeTableError, NonNumericCountError):
    """A 'Number of Offences' cell of the Home Office workbook is not a whole number."""


class HomeOfficePeriodError(HomeOfficeTableError, DateParseError):
    """A 'Financial Year' or 'Financial Quarter' cell of the Home Office workbook cannot be read."""


class HomeOfficeForceError(HomeOfficeTableError, UnknownForceError):
    """The Home Office workbook names forces that are not among the 43 territorial forces."""


class HomeOfficeOffenceGroupError(HomeOfficeTableError):
    """The Home Office workbook has an offence group that is not one of the nine (fraud excluded)."""


class HomeOfficeMissingQuarterError(HomeOfficeTableError, MissingPeriodError):
    """Forces in the Home Office workbook lack quarters that other forces have."""


class ReleaseError(ForcastError):
    """An imported release is unknown, or the store of imported releases cannot be used as asked."""
