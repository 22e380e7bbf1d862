"""A command's output folder, kept so that forcast never loses the user's data.

:class:`OutputRun` is the :class:`~forcast.reporting.outputs.OutputFolder` of one run of a ``forcast`` command. Before
any work it checks the folder (:meth:`OutputRun.check`), and refuses, naming the files, when

* the folder name is empty (``--out ""``);
* the folder holds an input of the run (``--csv``, a ``--measure`` file, a calibration file): its outputs would
  sit among the user's data;
* the folder holds any file forcast did not write there (:class:`~forcast.errors.UnownedFilesError`), so no
  output can ever replace a file of the user's (a subfolder that is itself a forcast output folder, with its own
  manifest, is forcast's: ``--out out`` beside ``--out out/vap`` is fine);
* an output forcast wrote was edited since (its SHA-256 differs from the record), unless ``overwrite=True``
  (``--overwrite``) (:class:`~forcast.errors.EditedOutputError`);
* another forcast run is writing into the folder at the same moment.

The record is the **manifest** ``.forcast-manifest.json`` in the folder: for every file forcast wrote there, its
path (relative, with ``/``), SHA-256, size and the command that wrote it. It is rewritten atomically after each
file, so even an interrupted run leaves a true record. Files a command wrote before but not this time (the tables of a
measure no longer in the chapter, say) are **stale**: they are removed, and :attr:`OutputRun.stale_removed` lists them.

While files are being written the folder holds the marker ``.forcast-run-in-progress.json`` (command, process id,
start time). A run that completes removes it; one that is interrupted leaves it, and the next run, or
:class:`~forcast.reporting.outputs.OutputFolder` from Python, reports that the files may be a mix of two runs. Temporary
files of the atomic writer (``.<name>.forcast-<random>.tmp``) are removed when a run is interrupted (SIGINT and SIGTERM
are turned into exceptions while a run is open) and by the next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import signal
import socket
import time
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from ..errors import EditedOutputError, OutputError, UnownedFilesError
from .outputs import (INTERRUPTED_MARKER, MANIFEST, OutputFolder, PathLike, is_forcast_temp, prepare_out_dir,
                      write_text_atomic)

__all__ = ["MANIFEST", "INTERRUPTED_MARKER", "OutputRun", "read_manifest"]

log = logging.getLogger(__name__)

FORMAT, VERSION = "forcast-manifest", 1
#: Files operating systems drop into folders on their own; never counted as the user's files.
_SYSTEM_CLUTTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_LISTED = 10  # offenders named in a message
_SCAN_LIMIT = 1000  # stop looking after this many unowned files (e.g. --out pointed at a home folder)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _listing(names: list[str], total: int | None = None) -> str:
    total = len(names) if total is None else total
    shown = ", ".join(repr(n) for n in names[:_LISTED])
    return shown + (f" and {total - _LISTED:,} more" if total > _LISTED else "")


def read_manifest(folder: PathLike) -> dict[str, dict[str, Any]]:
    """The files forcast recorded in ``folder`` (``{relative path: {"sha256", "bytes", "command"}}``); empty when
    there is no manifest. A manifest that cannot be read raises :class:`~forcast.errors.OutputError`."""
    path = Path(os.fspath(folder)) / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"] if data.get("format") == FORMAT and data.get("version") == VERSION else None
        if not isinstance(files, dict) or not all(isinstance(v, dict) and "sha256" in v for v in files.values()):
            raise ValueError("not a forcast manifest")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise OutputError(
            f"forcast's record of the files it wrote, {str(path)!r}, cannot be read ({exc}), so forcast cannot tell "
            f"its outputs from your files. Choose another output folder, or, if every file in this one is a forcast "
            f"output you may lose, delete the folder's contents."
        ) from None
    return files


class OutputRun(OutputFolder):
    """The output folder of one run of ``command``; see the module docstring.

    ``planned`` names the files the run will write when they are known in advance; ``inputs`` are the paths the run
    reads (they must lie outside the folder). Use it as a context manager: the folder is checked on entry (nothing
    is created until the first file is written), and on a clean exit stale files are removed and the manifest
    written; on an error or an interruption temporary files are removed and the marker stays.
    """

    def __init__(self, path: PathLike, command: str, *, overwrite: bool = False, inputs: Iterable[PathLike] = (),
                 planned: Iterable[str] = ()) -> None:
        text = os.fspath(path) if path is not None else ""
        if not str(text).strip():
            raise OutputError(f"`--out` must name a folder, e.g. --out out/forecast. Got {str(text)!r}.")
        self.path = Path(text).expanduser()
        self.command = command
        self.overwrite = bool(overwrite)
        self.inputs = [Path(os.fspath(p)).expanduser() for p in inputs if p is not None and str(p).strip()]
        self.planned = [PurePosixPath(p).as_posix() for p in planned]
        self._written: dict[str, Path] = {}
        self._hashes: dict[str, dict[str, Any]] = {}
        self._begun = False
        self._finished = False
        self._old_handler: Any = None
        self.notes: list[str] = []
        self.stale_removed: list[str] = []
        self.manifest: dict[str, dict[str, Any]] = {}
        self.check()

    # --- before any work
    def check(self) -> None:
        """Refuse the folder if a run must not write into it (module docstring); collect :attr:`notes`."""
        folder = self.path
        if folder.exists() and not folder.is_dir():
            prepare_out_dir(folder)  # raises the plain "is an existing file" error
        self._check_inputs()
        if not folder.is_dir():
            return
        self._check_marker()
        self.manifest = read_manifest(folder)
        present = self._scan()
        unowned = [name for name in present if name not in self.manifest]
        if unowned:
            total = len(unowned)
            more = " at least" if total >= _SCAN_LIMIT else ""
            raise UnownedFilesError(
                f"The output folder {str(folder)!r} holds{more} {total:,} file(s) forcast did not write there: "
                f"{_listing(unowned, total)}. forcast writes only into an empty folder or one that holds nothing but "
                f"its own outputs, so it can never replace a file of yours. Choose a new folder (e.g. --out "
                f"{str(folder / 'forcast')!r}), or move those files out. (Outputs of a forcast older than its record "
                f"{MANIFEST!r} count as not written by it: delete them.)"
            )
        at_stake = {k for k, v in self.manifest.items() if v.get("command") == self.command} | set(self.planned)
        edited = [k for k in sorted(at_stake & set(present)) if self._edited(k)]
        if edited and not self.overwrite:
            raise EditedOutputError(
                f"{len(edited)} file(s) forcast wrote in {str(folder)!r} were changed since: {_listing(edited)}. "
                f"This run of `forcast {self.command}` would replace or remove them. Copy your changes elsewhere, "
                f"choose another folder, or give --overwrite (overwrite=True) to replace them anyway."
            )
        if edited:
            self.notes.append(f"--overwrite: replacing or removing {len(edited)} edited output(s): {_listing(edited)}.")

    def _check_inputs(self) -> None:
        root = self.path.resolve()
        inside = [str(p) for p in self.inputs if p.exists() and (p.resolve() == root or root in p.resolve().parents)]
        if inside:
            raise OutputError(
                f"The output folder {str(self.path)!r} holds the input file(s) {_listing(inside)}. Write the outputs "
                f"to a folder that does not hold your data, e.g. a new folder 'forcast-out' beside it."
            )

    def _check_marker(self) -> None:
        marker = self.path / INTERRUPTED_MARKER
        if not marker.is_file():
            return
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        if not isinstance(info, dict):
            info = {}
        pid, host = info.get("pid"), info.get("host")
        if isinstance(pid, int) and host == socket.gethostname() and pid != os.getpid() and _alive(pid):
            raise OutputError(
                f"Another forcast run (`forcast {info.get('command', '?')}`, process {pid}, started "
                f"{info.get('started', '?')}) is writing into {str(self.path)!r}. Wait for it to finish, or choose "
                f"another folder. If no forcast run is going on (the process number was reused), delete "
                f"{str(marker)!r}."
            )
        self.notes.append(interrupted_note(self.path, info))
        removed = remove_temporary_files(self.path)
        if removed:
            self.notes.append(f"Removed {len(removed)} temporary file(s) left by that run: {_listing(removed)}.")

    def _scan(self) -> list[str]:
        """Relative paths of the files in the folder, less forcast's own bookkeeping and temporary files."""
        found: list[str] = []
        unowned = 0
        for dirpath, dirnames, filenames in os.walk(self.path):
            dirnames[:] = _own_folders_pruned(dirpath, dirnames)
            for name in sorted(filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(self.path).as_posix()
                if rel in (MANIFEST, INTERRUPTED_MARKER) or name in _SYSTEM_CLUTTER:
                    continue
                if is_forcast_temp(name):
                    with contextlib.suppress(OSError):
                        full.unlink()
                    continue
                found.append(rel)
                unowned += rel not in self.manifest
                if unowned >= _SCAN_LIMIT:
                    return found
        return found

    def _edited(self, rel: str) -> bool:
        record = self.manifest[rel]
        target = self.path / rel
        if target.is_symlink() or not target.is_file():
            return True
        return target.stat().st_size != record.get("bytes") or _sha256(target) != record["sha256"]

    # --- writing
    def _claim(self, relative: str) -> tuple[str, Path]:
        key, target = super()._claim(relative)
        if not self._begun:
            self._begin()
        if key not in self.manifest and target.exists():
            raise UnownedFilesError(  # appeared after the check: never replace it
                f"{str(target)!r} appeared in the output folder during this run and forcast did not write it; it is "
                f"left alone. Move it out and run again."
            )
        return key, target

    def _begin(self) -> None:
        prepare_out_dir(self.path)
        info = {"command": self.command, "pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        write_text_atomic(self.path / INTERRUPTED_MARKER, json.dumps(info, indent=1) + "\n")
        self._begun = True

    def _record(self, key: str, target: Path) -> Path:
        self._hashes[key] = {"sha256": _sha256(target), "bytes": target.stat().st_size, "command": self.command}
        self._save_manifest({**self.manifest, **self._hashes})  # kept up to date, so an interruption loses no record
        return super()._record(key, target)

    def _save_manifest(self, files: dict[str, dict[str, Any]]) -> None:
        data = {"format": FORMAT, "version": VERSION,
                "note": "The files forcast wrote in this folder, with their SHA-256, so that a re-run never replaces "
                        "your own files or your edits. Written by forcast; do not edit.",
                "files": dict(sorted(files.items()))}
        write_text_atomic(self.path / MANIFEST, json.dumps(data, indent=1) + "\n")

    def finish(self) -> None:
        """Remove this command's stale outputs, write the manifest, remove the marker. Called on a clean exit."""
        if self._finished:
            return
        self._finished = True
        if not self._begun:
            return
        files = {k: v for k, v in self.manifest.items() if k not in self._hashes}
        for rel in sorted(k for k, v in files.items() if v.get("command") == self.command):
            target = self.path / rel
            if target.is_file() and not target.is_symlink():
                if self._edited_now(rel, files[rel]) and not self.overwrite:
                    self.notes.append(f"Kept {rel!r}: no longer an output of `forcast {self.command}`, but edited "
                                      f"since forcast wrote it; delete it yourself if it is not needed.")
                    continue
                with contextlib.suppress(OSError):
                    target.unlink()
                    self.stale_removed.append(rel)
                    _remove_empty_parents(target.parent, self.path)
            del files[rel]
        files = {k: v for k, v in files.items() if (self.path / k).is_file()}  # forget what the user deleted
        files.update(self._hashes)
        self._save_manifest(files)
        with contextlib.suppress(OSError):
            (self.path / INTERRUPTED_MARKER).unlink()
        if self.stale_removed:
            self.notes.append(f"Removed {len(self.stale_removed)} stale output(s) of an earlier `forcast "
                              f"{self.command}` that this run did not write: {_listing(self.stale_removed)}.")

    def _edited_now(self, rel: str, record: dict) -> bool:
        target = self.path / rel
        return target.stat().st_size != record.get("bytes") or _sha256(target) != record["sha256"]

    # --- the run as a context
    def __enter__(self) -> "OutputRun":
        with contextlib.suppress(ValueError):  # only the main thread may set handlers
            self._old_handler = signal.signal(signal.SIGTERM, _terminate)
        return self

    def __exit__(self, kind, exc, tb) -> None:  # noqa: ANN001 - context-manager protocol
        try:
            if kind is None:
                self.finish()
            elif self.path.is_dir():
                remove_temporary_files(self.path)
        finally:
            if self._old_handler is not None:
                with contextlib.suppress(ValueError):
                    signal.signal(signal.SIGTERM, self._old_handler)


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while a run was writing (raised so cleanup runs, like Ctrl-C)."""


def _terminate(signum, frame) -> None:  # noqa: ANN001 - signal handler protocol
    raise Terminated(f"signal {signum}")


def _own_folders_pruned(dirpath: str, dirnames: list[str]) -> list[str]:
    """``dirnames`` (sorted) less the subfolders that are output folders of their own (they hold a manifest, e.g.
    ``out/vap`` beside a chapter in ``out``): their files are forcast's, kept by their own record."""
    return [d for d in sorted(dirnames) if not (Path(dirpath) / d / MANIFEST).is_file()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def interrupted_note(folder: Path, info: dict) -> str:
    """The sentence saying a run into ``folder`` was interrupted (``info``: the marker's content)."""
    what = f"`forcast {info['command']}`" if info.get("command") else "A forcast run"
    when = f", started {info['started']}," if info.get("started") else ""
    return (f"{what}{when} into {str(folder)!r} was interrupted before it finished: its files may be a mix of two "
            f"runs. This run writes them again.")


def remove_temporary_files(folder: Path) -> list[str]:
    """Remove the atomic writer's temporary files under ``folder``; returns their relative paths."""
    removed = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = _own_folders_pruned(dirpath, dirnames)
        for name in filenames:
            if is_forcast_temp(name):
                full = Path(dirpath) / name
                with contextlib.suppress(OSError):
                    full.unlink()
                    removed.append(full.relative_to(folder).as_posix())
    return sorted(removed)
