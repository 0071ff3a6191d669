"""Every file and folder a scan reads, told by the few places that read them, for the whole-scan memo.

A scan's report is a function of its options, its knowledge and config, and what it read: the
files it opened (``files.read_regular``), the folders it listed (discovery's walk, the Terraform
reader's module folders) and the module sources it checked against the boundary. While a
``recording()`` is open those places tell it what they read, so that the memo
(``linter.scan_memo``) can later tell, with a ``stat`` of each file and a listing of each folder,
that nothing a scan depends on changed. Nothing is recorded (and nothing costs) outside a recording.
"""
from __future__ import annotations

import hashlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Mapping, Sequence

Stat = tuple[int, int, int, int, int]
MISSING = "-"  # as ``loaders.file_digests``: a file that is not there
UNREAD = "!"  # a file that was there but not read: no digest equals it


@dataclass(slots=True)
class ReadLog:
    files: dict[str, str] = field(default_factory=dict)  # absolute path -> sha256 of its bytes, or a mark
    folders: dict[str, str] = field(default_factory=dict)  # absolute path -> digest of its listing
    places: dict[str, bool] = field(default_factory=dict)  # absolute path -> inside the boundary
    # absolute path -> (device, inode, size, mtime_ns, ctime_ns) of the read its digest is of, as
    # ``fstat`` gave it then: what ``loaders.file_digests.learn`` memoises the digest with
    stats: dict[str, Stat] = field(default_factory=dict)
    boundaries: dict[str, None] = field(default_factory=dict)  # the scan's, as discovery found them
    started: int = field(default_factory=time.time_ns)  # before anything recorded was read


_LOGS: list[ReadLog] = []


@contextmanager
def recording() -> Iterator[ReadLog]:
    log = ReadLog()
    _LOGS.append(log)
    try:
        yield log
    finally:
        _LOGS.remove(log)


def active() -> bool:
    return bool(_LOGS)


def file_read(path: str | os.PathLike[str], data: bytes | None, *, missing: bool = False,
              digest: str | None = None, info: os.stat_result | None = None) -> None:
    """``path`` was read (``data``), or could not be (None; ``missing`` when it is not there).
    ``digest``: the sha256 of ``data`` when the reader took it (not taken again); ``info``: the
    ``fstat`` of the descriptor ``data`` was read from."""
    if _LOGS:
        if digest is None:
            digest = hashlib.sha256(data).hexdigest() if data is not None else MISSING if missing else UNREAD
        full = os.path.abspath(path)
        for log in _LOGS:
            if full not in log.files:
                log.files[full] = digest
                if info is not None:
                    log.stats[full] = stat_of(info)


def recorded() -> list[ReadLog]:
    """The open logs, innermost last: what a forked part of the scan read (``linter.forked``)."""
    return list(_LOGS)


def take_over(logs: Sequence[ReadLog]) -> None:
    """What a forked part of the scan read (``recorded()`` there, its copies of the logs open here
    when it was forked, holding all they held then): each open log as its copy ends."""
    for log, copy in zip(_LOGS, logs, strict=True):
        log.files.update(copy.files)
        log.folders.update(copy.folders)
        log.places.update(copy.places)
        log.stats.update(copy.stats)
        log.boundaries.update(copy.boundaries)


def stat_of(info: os.stat_result) -> Stat:
    """What of a ``stat`` tells a file unchanged (as ``loaders.file_digests`` memoises it)."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def replayed(files: Mapping[str, str], folders: Mapping[str, str] | None = None,
             places: Mapping[str, bool] | None = None, stats: Mapping[str, Stat] | None = None) -> None:
    """What a kept result read, found unchanged (a kept root module's files, kept manifests' files
    and folders), by absolute path: as if it had been read again. ``stats``: the ``fstat`` of
    the reads some of those digests are of, when they were read by this scan (a worker process)."""
    for log in _LOGS:
        for path, digest in files.items():
            if path not in log.files:
                log.files[path] = digest
                if stats is not None and path in stats:
                    log.stats[path] = stats[path]
        for folder, listed in (folders or {}).items():
            log.folders.setdefault(folder, listed)
        for place, side in (places or {}).items():
            log.places.setdefault(place, side)


def folder_listed(path: str | os.PathLike[str], entries: Sequence[tuple[str, bool, bool]] | None = None) -> None:
    """``path``'s entries were looked at: its listing now is recorded. ``entries``: a listing the
    caller just took ((name, is a folder, is a link), sorted), not taken again."""
    if _LOGS:
        full = os.path.abspath(path)
        if any(full not in log.folders for log in _LOGS):
            listed = listing_digest(full) if entries is None else _listing(full, entries)
            for log in _LOGS:
                log.folders.setdefault(full, listed)


def folder_changed(path: str | os.PathLike[str]) -> None:
    """``path``'s entries changed while the scan ran: no listing will equal what it is recorded as."""
    full = os.path.abspath(path)
    for log in _LOGS:
        log.folders[full] = UNREAD


def place_checked(path: str | os.PathLike[str], inside: bool) -> None:
    if _LOGS:
        full = os.path.abspath(path)
        for log in _LOGS:
            log.places.setdefault(full, inside)


def bounded(boundaries: Sequence[str | os.PathLike[str]]) -> None:
    """Discovery found these boundaries (what the places were checked against)."""
    for log in _LOGS:
        log.boundaries.update(dict.fromkeys(os.path.realpath(b) for b in boundaries))


def listing_digest(folder: str) -> str:
    """The digest of a folder's entries: names, which are folders, and where links point."""
    try:
        with os.scandir(folder) as entries:
            found = sorted((e.name, e.is_dir(follow_symlinks=False), e.is_symlink()) for e in entries)
    except OSError as error:
        return f"{UNREAD}{error.errno}"
    return _listing(folder, found)


def _listing(folder: str, found: Sequence[tuple[str, bool, bool]]) -> str:
    """Each entry's name (``/`` after a folder's), NUL, where a link points, NUL: encoded at once
    (as ``os.fsencode`` encodes each part), a walk lists every folder of the estate."""
    text = "".join(f"{name}{'/' if is_dir else ''}\0{_link(os.path.join(folder, name)) if is_link else ''}\0"
                   for name, is_dir, is_link in found)
    return hashlib.sha256(os.fsencode(text)).hexdigest()


def _link(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"
