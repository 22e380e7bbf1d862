"""Byte-identical output files: one timestamp for everything forcast stamps into a file, and zip archives (such as
``.docx``) rewritten so their entries carry it.

The timestamp is ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) when that
environment variable is set, else the fixed :data:`FIXED_TIMESTAMP` (1 January 1980, the earliest date a zip
entry can hold). So the same chapter built twice, today or next year, gives the same bytes; set
``SOURCE_DATE_EPOCH=$(date +%s)`` for files dated now.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone

from .errors import ParameterError

__all__ = ["FIXED_TIMESTAMP", "build_timestamp", "normalise_zip"]

#: The timestamp used when ``SOURCE_DATE_EPOCH`` is not set (naive, UTC).
FIXED_TIMESTAMP = datetime(1980, 1, 1, 0, 0, 0)
_ZIP_EARLIEST = FIXED_TIMESTAMP
_ZIP_LATEST = datetime(2107, 12, 31, 23, 59, 58)


def build_timestamp() -> datetime:
    """The timestamp to stamp into files: ``SOURCE_DATE_EPOCH`` if set, else :data:`FIXED_TIMESTAMP` (naive UTC,
    whole seconds)."""
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if text is None or not text.strip():
        return FIXED_TIMESTAMP
    try:
        seconds = int(text.strip())
    except ValueError:
        seconds = -1
    if seconds < 0 or seconds > int(_ZIP_LATEST.replace(tzinfo=timezone.utc).timestamp()):
        raise ParameterError(
            f"`SOURCE_DATE_EPOCH` must be a whole number of seconds since 1 January 1970 (up to the year 2107). "
            f"Got {text!r}. Set it with e.g. SOURCE_DATE_EPOCH=$(date +%s), or unset it for the fixed date."
        )
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)


def normalise_zip(data: bytes, when: datetime | None = None) -> bytes:
    """The zip archive ``data`` rewritten with every entry dated ``when`` (default :func:`build_timestamp`), in the
    same order, deflated, with no extra fields or comments: the same content always gives the same bytes."""
    stamp = max(min(when or build_timestamp(), _ZIP_LATEST), _ZIP_EARLIEST)
    date_time = stamp.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # the same on every platform
            target.writestr(info, source.read(entry))
    return out.getvalue()
