"""Writing output files safely: atomic writes and the owned-files rule.

Every file forcast writes goes through this module, so no reader ever sees a half-written file:

* **Atomic writes.** The bytes go to a temporary file in the same folder (``.<name>.<random>.tmp``), are flushed
  and ``fsync``-ed, and the temporary file then replaces the target with :func:`os.replace`, which is atomic on
  POSIX and Windows. If anything fails the temporary file is removed and the previous version of the target, if
  there was one, is left exactly as it was.
* **The owned-files rule.** A run overwrites only the files it writes itself. forcast never empties, deletes or
  renames anything else in an output folder, so a user's ``notes.txt`` next to ``chapter.md`` survives every
  re-run. :class:`OutputFolder` applies the rule to a whole run: every path it writes must lie inside the folder,
  and no path may be written twice in one run (two outputs claiming the same file is a bug, not an overwrite).
  The command line goes further (:class:`forcast.reporting.out_folder.OutputRun`): it refuses a folder that holds files
  forcast did not write, or outputs edited since, and keeps a manifest of what it wrote.

* **Spreadsheet safety.** Text cells (and column names) of every CSV that start with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return are written with a leading ``'`` (:func:`spreadsheet_safe`), so Excel shows them as text
  instead of running them as formulas. Numbers stay numbers, and so does text that is a plain number (``-3.5``).

Failures to write are raised as :class:`~forcast.errors.OutputError` with the original :class:`OSError` chained.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Union

from ..errors import OutputError

if TYPE_CHECKING:  # pragma: no cover - imported for type hints only
    import pandas as pd
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "OutputFolder",
    "prepare_out_dir",
    "save_figure_atomic",
    "spreadsheet_safe",
    "write_bytes_atomic",
    "write_csv_atomic",
    "write_text_atomic",
]

log = logging.getLogger(__name__)

PathLike = Union[str, "os.PathLike[str]"]

#: Resolution, in dots per inch, of figures saved without an explicit ``dpi``.
DEFAULT_DPI = 150
#: forcast's record of the files it wrote in an output folder (see :mod:`forcast.reporting.out_folder`).
MANIFEST = ".forcast-manifest.json"
#: Present in an output folder while a run writes into it; left behind by an interrupted run.
INTERRUPTED_MARKER = ".forcast-run-in-progress.json"
#: In the name of every temporary file of the atomic writer: ``.<name>.forcast-<random>.tmp``.
TEMP_TAG = "forcast-"
_TEMP_NAME = re.compile(r"\..+\.forcast-[A-Za-z0-9_]+\.tmp\Z|\.forcast-probe-[A-Za-z0-9_]+\.tmp\Z")


def is_forcast_temp(name: str) -> bool:
    """True for the name of a temporary file forcast's writers make (and may have left behind if killed)."""
    return bool(_TEMP_NAME.match(name))


# --- folders ---------------------------------------------------------------------------------------------
def prepare_out_dir(path: PathLike) -> Path:
    """Create the output folder ``path`` if needed and check that forcast can write files into it.

    Returns the folder as a :class:`~pathlib.Path`. Nothing already in the folder is touched.

    Raises :class:`~forcast.errors.OutputError` if ``path`` is an existing file, cannot be created (for instance
    because part of it is a file), or is not writable.
    """
    folder = _ensure_folder(Path(os.fspath(path)).expanduser())
    _check_writable(folder)
    return folder


def _ensure_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parents) unless it exists; refuse if it is a file."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"The output folder must be a folder, but {str(folder)!r} is an existing file. "
            "Choose another folder name, or move or rename the file."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot create the output folder {str(folder)!r}: {exc.strerror or exc}. "
            "Check that every part of the path is a folder you may write to, or choose another folder."
        ) from exc
    return folder


def _check_writable(folder: Path) -> None:
    """Probe ``folder`` by creating and removing a temporary file (``os.access`` is unreliable as root)."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".forcast-probe-", suffix=".tmp")
    except OSError as exc:
        raise OutputError(
            f"The output folder {str(folder)!r} is not writable: {exc.strerror or exc}. "
            "Change its permissions, or choose another folder you may write to."
        ) from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


# --- atomic writes ---------------------------------------------------------------------------------------
def write_bytes_atomic(path: PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; create the parent folder if needed. Returns the path written."""
    target = Path(os.fspath(path)).expanduser()
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise OutputError(
            f"`data` must be bytes. Got {type(data).__name__}. Encode text first, or use write_text_atomic."
        )
    if target.is_dir():
        raise OutputError(
            f"Cannot write the file {str(target)!r}: a folder of that name already exists. "
            "Move or rename that folder, or choose another output folder."
        )
    _ensure_folder(target.parent)
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{TEMP_TAG}", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(target))
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise OutputError(_failure_message(target, exc)) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _fsync_folder(target.parent)
    log.debug("wrote %s (%d bytes)", target, len(data))
    return target


def write_text_atomic(path: PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically, encoded with ``encoding``; newlines are written as given."""
    if not isinstance(text, str):
        raise OutputError(f"`text` must be a str. Got {type(text).__name__}. Use write_bytes_atomic for bytes.")
    return write_bytes_atomic(path, text.encode(encoding))


def save_figure_atomic(fig: MplFigure, path: PathLike, dpi: int = DEFAULT_DPI, **savefig_kwargs: Any) -> Path:
    """Save the matplotlib figure ``fig`` to ``path`` atomically; the format follows the file suffix.

    The figure is rendered in memory first, so a failure while drawing leaves any previous file untouched.
    Extra keyword arguments go to :meth:`matplotlib.figure.Figure.savefig`.
    """
    target = Path(os.fspath(path)).expanduser()
    fmt = savefig_kwargs.pop("format", None) or (target.suffix.lstrip(".").lower() or "png")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, **savefig_kwargs)
    return write_bytes_atomic(target, buffer.getvalue())


def write_csv_atomic(frame: pd.DataFrame, path: PathLike, **to_csv_kwargs: Any) -> Path:
    """Write ``frame`` as CSV to ``path`` atomically; keyword arguments go to :meth:`pandas.DataFrame.to_csv`.

    Lines end with ``"\\n"`` unless ``lineterminator`` is given; the encoding is ``utf-8`` unless ``encoding``
    is given.
    """
    encoding = to_csv_kwargs.pop("encoding", None) or "utf-8"
    to_csv_kwargs.setdefault("lineterminator", "\n")
    text = spreadsheet_safe(frame).to_csv(None, **to_csv_kwargs)
    return write_bytes_atomic(path, text.encode(encoding))


#: What a spreadsheet reads as the start of a formula (OWASP's list: ``= + - @``, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?\Z")


def escape_formula(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text that a spreadsheet would run as a formula; anything else
    (numbers, dates, missing values, text that is a plain number such as ``-3.5``) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels pass through :func:`escape_formula`;
    number columns are left exactly as they are."""
    import pandas as pd

    out = frame.copy()
    for position, dtype in enumerate(out.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) or \
                isinstance(dtype, pd.CategoricalDtype):
            out.isetitem(position, out.iloc[:, position].astype(object).map(escape_formula))
    out.columns = out.columns.map(escape_formula) if not isinstance(out.columns, pd.MultiIndex) else out.columns
    if pd.api.types.is_object_dtype(out.index.dtype) and not isinstance(out.index, pd.MultiIndex):
        out.index = out.index.map(escape_formula)
    return out


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    """The process umask, read once (setting it back immediately; there is no read-only call on POSIX)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """Permissions for a new version of ``target``: keep the old file's, else what ``open`` would give."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable on POSIX; harmless to skip where folders cannot be opened (Windows)."""
    if os.name != "posix":  # pragma: no cover - platform branch
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - unusual file systems
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def _failure_message(target: Path, exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "Check that you may write to that folder and that the file is not open in another program (e.g. Word)."
    elif exc.errno == errno.ENOSPC:
        fix = "Free some disk space, or choose an output folder on another disk."
    else:
        fix = "Check the output folder, or choose another one."
    return f"Could not write {str(target)!r}: {reason}. The previous version of the file, if any, is unchanged. {fix}"


# --- a run's output folder -------------------------------------------------------------------------------
class OutputFolder:
    """One run's output folder, written under the owned-files rule.

    Paths are given relative to the folder with forward slashes (``"tables/fy.csv"``); each must stay inside
    the folder and may be written only once per ``OutputFolder``. :attr:`written` lists what this run wrote.

    >>> out = OutputFolder(tmp)                              # doctest: +SKIP
    >>> out.write_text("chapter.md", "# Demand")            # doctest: +SKIP
    """

    def __init__(self, path: PathLike) -> None:
        self.path = prepare_out_dir(path)
        self._written: dict[str, Path] = {}
        if (self.path / INTERRUPTED_MARKER).is_file():
            import warnings

            from ..errors import InterruptedRunWarning

            warnings.warn(f"A forcast run into {str(self.path)!r} was interrupted before it finished (it left "
                          f"{INTERRUPTED_MARKER!r}): its files may be a mix of two runs. Write them all again.",
                          InterruptedRunWarning, stacklevel=2)

    @property
    def written(self) -> Mapping[str, Path]:
        """The files written so far, keyed by their path relative to the folder, in the order written."""
        return dict(self._written)

    def path_for(self, relative: str) -> Path:
        """The absolute path of ``relative`` inside the folder; rejects paths that would leave it."""
        if not isinstance(relative, str) or not relative.strip():
            raise OutputError(f"An output file name must be a non-empty relative path. Got {relative!r}.")
        pure = PurePosixPath(relative.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
            raise OutputError(
                f"Output file names must stay inside the output folder. Got {relative!r}. "
                "Use a plain relative name such as 'tables/forecast.csv'."
            )
        return self.path.joinpath(*pure.parts)

    def _claim(self, relative: str) -> tuple[str, Path]:
        target = self.path_for(relative)
        key = target.relative_to(self.path).as_posix()
        if key in self._written:
            raise OutputError(
                f"Two outputs of this run both write {key!r}. Give them different names (e.g. different table keys "
                "or figure file names)."
            )
        return key, target

    def _record(self, key: str, target: Path) -> Path:
        self._written[key] = target
        return target

    def write_bytes(self, relative: str, data: bytes) -> Path:
        """Write ``data`` to ``relative`` inside the folder, atomically."""
        key, target = self._claim(relative)
        return self._record(key, write_bytes_atomic(target, data))

    def write_text(self, relative: str, text: str, encoding: str = "utf-8") -> Path:
        """Write ``text`` to ``relative`` inside the folder, atomically."""
        key, target = self._claim(relative)
        return self._record(key, write_text_atomic(target, text, encoding=encoding))

    def save_figure(self, relative: str, fig: MplFigure, dpi: int = DEFAULT_DPI, **savefig_kwargs: Any) -> Path:
        """Save ``fig`` to ``relative`` inside the folder, atomically."""
        key, target = self._claim(relative)
        return self._record(key, save_figure_atomic(fig, target, dpi=dpi, **savefig_kwargs))

    def write_csv(self, relative: str, frame: pd.DataFrame, **to_csv_kwargs: Any) -> Path:
        """Write ``frame`` as CSV to ``relative`` inside the folder, atomically."""
        key, target = self._claim(relative)
        return self._record(key, write_csv_atomic(frame, target, **to_csv_kwargs))
