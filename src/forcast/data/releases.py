"""The store of Home Office releases the user has imported, so analysts can refresh recorded crime themselves.

:func:`import_release` reads a Home Office open data tables workbook with
:func:`~forcast.data.home_office.read_home_office_tables` and keeps the tidy table in the user's data folder::

    <user data folder>/releases/<release id>/recorded_crime.csv   force, offence_group, period, count
    <user data folder>/releases/<release id>/release.json         where it came from and what it covers

The user data folder is ``platformdirs.user_data_dir("forcast")``, or the folder named by the environment
variable ``FORCAST_DATA_DIR``. The release id comes from the SHA-256 of the source file, so importing the same file
twice gives the same release. The release in use (:func:`active_release`) is the one last imported or chosen with
:func:`use_release`; the environment variable ``FORCAST_RELEASE`` overrides both (``embedded`` or a release id).

>>> from forcast.data import releases
>>> release = releases.import_release("prc-pfa-mar2013-onwards-tables.ods")  # doctest: +SKIP
>>> release.label  # doctest: +SKIP
'Home Office open data tables, release imported 2026-12-01 from prc-pfa-mar2013-onwards-tables.ods (2013/14–2022/23)'
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import ReleaseError
from ..forecasting.fiscal import financial_year_label
from .home_office import TIDY_COLUMNS, read_home_office_tables

__all__ = ["Release", "active_release", "import_release", "list_releases", "releases_folder", "remove_release",
           "use_release"]

DATA_DIR_VARIABLE = "FORCAST_DATA_DIR"
RELEASE_VARIABLE = "FORCAST_RELEASE"
EMBEDDED = "embedded"
TABLE_FILE = "recorded_crime.csv"
INFO_FILE = "release.json"
_CHOICE_FILE = "in_use.json"
_ID_PREFIX = "ho-"
_LIST_COLUMNS = ["id", "name", "imported_at", "first_period", "last_period", "financial_years", "n_forces",
                 "source_file", "active"]


@dataclass(frozen=True)
class Release:
    """One imported Home Office release: where it came from, what it covers, and its tidy table."""

    id: str
    name: str
    source_file: str
    sha256: str
    imported_at: str
    first_period: str
    last_period: str
    financial_years: tuple[str, ...] = ()
    n_forces: int = 0
    folder: Path = field(default=Path("."), compare=False, repr=False)

    @property
    def label(self) -> str:
        """The line that names this release in outputs (date imported, source file, financial years)."""
        return (f"Home Office open data tables, release imported {self.imported_at[:10]} from {self.source_file} "
                f"({_year_span(self.financial_years)})")

    def table(self) -> pd.DataFrame:
        """The tidy table ``force, offence_group, period, count`` (a fresh copy: change it freely)."""
        return _read_table(str(self.folder / TABLE_FILE), self.sha256).copy()


def releases_folder() -> Path:
    """The folder holding imported releases: ``$FORCAST_DATA_DIR/releases`` or the user data folder's."""
    base = os.environ.get(DATA_DIR_VARIABLE)
    if not base:
        import platformdirs

        base = platformdirs.user_data_dir("forcast")
    return Path(base).expanduser() / "releases"


def import_release(path, *, allow_missing_quarters: bool = False) -> Release:
    """Import a Home Office open data tables workbook into the store and put it in use; returns the release.

    The source file is only read. Importing a file already imported returns the stored release unchanged (the id
    is the SHA-256 of the file). See :func:`~forcast.data.home_office.read_home_office_tables` for what is read and for
    ``allow_missing_quarters``.
    """
    path = Path(path)
    table = read_home_office_tables(path, allow_missing_quarters=allow_missing_quarters)
    digest = _sha256(path)
    release_id = _ID_PREFIX + digest[:12]
    existing = _load(releases_folder() / release_id)
    if existing is not None and existing.sha256 == digest:
        _write_choice(release_id)
        return existing
    periods = sorted(table["period"].unique())
    years = tuple(sorted({financial_year_label(pd.Period(p, "Q-DEC").start_time) for p in periods}))
    folder = releases_folder() / release_id
    release = Release(id=release_id, name=f"Home Office open data tables {_year_span(years)}",
                      source_file=path.name, sha256=digest,
                      imported_at=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
                      first_period=periods[0], last_period=periods[-1], financial_years=years,
                      n_forces=int(table["force"].nunique()), folder=folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / TABLE_FILE, table.to_csv(index=False))
    info = {k: v for k, v in asdict(release).items() if k != "folder"}
    info["financial_years"] = list(years)
    _write_atomic(folder / INFO_FILE, json.dumps(info, indent=2, ensure_ascii=False) + "\n")  # last: marks it done
    _write_choice(release_id)
    return release


def list_releases() -> pd.DataFrame:
    """One row per stored release, newest import first, with an ``active`` column (the release in use)."""
    stored = _stored()
    active = _active_id(stored)
    rows = [{**{k: getattr(r, k) for k in _LIST_COLUMNS[:-1]}, "financial_years": _year_span(r.financial_years),
             "active": r.id == active} for r in stored]
    return pd.DataFrame(rows, columns=_LIST_COLUMNS)


def active_release() -> Release | None:
    """The release in use, or None for the embedded data.

    ``FORCAST_RELEASE=embedded`` gives None and ``FORCAST_RELEASE=<id>`` that release; otherwise the choice made
    with :func:`use_release` (or the last import), else the most recently imported release.
    """
    stored = _stored()
    active = _active_id(stored)
    return next((r for r in stored if r.id == active), None)


def use_release(release: str | None) -> Release | None:
    """Put a stored release in use (an id, or a unique start of one); None or ``"embedded"`` for the embedded data."""
    if release is None or release == EMBEDDED:
        _write_choice(EMBEDDED)
        return None
    chosen = _find(release, _stored())
    _write_choice(chosen.id)
    return chosen


def remove_release(release: str) -> Release:
    """Delete a stored release (an id, or a unique start of one); returns what was removed."""
    chosen = _find(release, _stored())
    shutil.rmtree(chosen.folder)
    if _read_choice() == chosen.id:
        (releases_folder() / _CHOICE_FILE).unlink(missing_ok=True)
    return chosen


# --- the store -----------------------------------------------------------------------------------------
def _stored() -> list[Release]:
    folder = releases_folder()
    found = [_load(d) for d in folder.iterdir() if d.is_dir()] if folder.is_dir() else []
    return sorted((r for r in found if r is not None), key=lambda r: (r.imported_at, r.id), reverse=True)


def _load(folder: Path) -> Release | None:
    try:
        info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
        named = {k: str(info[k]) for k in ("id", "name", "source_file", "sha256", "imported_at", "first_period",
                                           "last_period")}
        return Release(**named, financial_years=tuple(info.get("financial_years", ())),
                       n_forces=int(info.get("n_forces", 0)), folder=folder)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # an unfinished or foreign folder is not a release


def _active_id(stored: list[Release]) -> str | None:
    wanted = os.environ.get(RELEASE_VARIABLE, "").strip()
    if wanted:
        if wanted == EMBEDDED:
            return None
        try:
            return _find(wanted, stored).id
        except ReleaseError as exc:
            raise ReleaseError(f"The environment variable {RELEASE_VARIABLE}={wanted!r}: {exc} Or unset it.") from exc
    choice = _read_choice()
    if choice == EMBEDDED:
        return None
    if choice in {r.id for r in stored}:
        return choice
    return stored[0].id if stored else None


def _find(release: str, stored: list[Release]) -> Release:
    matches = [r for r in stored if r.id == release] or [r for r in stored if r.id.startswith(str(release))]
    if len(matches) == 1:
        return matches[0]
    ids = ", ".join(r.id for r in stored) or "none (import one with `forcast datasets import FILE`)"
    what = "matches several releases" if matches else "is not a stored release"
    raise ReleaseError(f"Release {release!r} {what} in {releases_folder()}. Stored releases: {ids}; "
                       f"or use {EMBEDDED!r} for the data embedded in forcast.")


def _read_choice() -> str | None:
    try:
        return json.loads((releases_folder() / _CHOICE_FILE).read_text(encoding="utf-8")).get("release")
    except (OSError, ValueError, AttributeError):
        return None


def _write_choice(release_id: str) -> None:
    folder = releases_folder()
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / _CHOICE_FILE, json.dumps({"release": release_id}) + "\n")


def _write_atomic(target: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``target``, then rename it over ``target`` (never half-written)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; the store holds published data
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _read_table(path: str, sha256: str) -> pd.DataFrame:
    """The stored table (cached per file and release: callers copy it)."""
    try:
        table = pd.read_csv(path, dtype={"force": str, "offence_group": str, "period": str, "count": "int64"})
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"Cannot read the stored table {path} ({exc}). Import the release again with "
                           "`forcast datasets import FILE`.") from exc
    return table[list(TIDY_COLUMNS)]


def _year_span(years: tuple[str, ...]) -> str:
    return "–".join(dict.fromkeys([years[0], years[-1]])) if years else "no financial years"
