"""What a scanned file holds now, told cheaply: its sha256, from a memo of its ``stat`` when it is unchanged.

The incremental caches are keyed by the content of everything an evaluation read; hashing every
file on every scan would read the whole estate again. So the digest of a file is kept with its
``(device, inode, size, mtime_ns, ctime_ns)`` in a memo (one sealed cache entry per scanned folder):
when ``stat`` gives the same five, the memo's digest is used; otherwise the file is read and hashed.
The change time counts as git's index counts it: a same-size edit whose modification time is put
back (``cp -p``, ``touch -d``, an archive extracted) still changes it, and no user can set it.

As git does with its index, a file whose times are not safely older than the scan is never
memoised ("racy"): it could be changed again within the file system's timestamp granularity without
its ``stat`` changing. Only files modified and changed ``RACY_NS`` before the scan started are
kept, so a later change always shows in ``mtime_ns`` or ``ctime_ns`` (or size, or inode). A file
outside the boundary is never read (its digest says so), a file that is not there is ``MISSING``,
and anything that is not a readable regular file gets a digest no read can record
(``UNREADABLE``): what depends on it is evaluated again.

A scan asks in several places (its whole-scan memo, the kept root modules, the kept manifests):
they share one memo per repository and cache in the process, read once and written when it
learnt something. Within one scan (``one_scan``) each file is asked of the file system once: the
later places are given the answer the first one got, as if they had all asked at the same moment
(an answer that hashed the file, which depends on the asker's boundary, is not shared). A scan that
read a file whole tells the memo its digest (``learn``): the next scan does not hash the estate again.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from linter import __version__, limits
from linter.files import NotReadable, read_hashed
from linter.loaders import cache
from linter.per_scan import scope
from linter.read_log import stat_of

FORMAT = "snclint-stats-2"
SECTION = "stats"
RACY_NS = 2_000_000_000  # coarser than any file system's timestamps (FAT: 2 s)
MISSING = "-"
UNREADABLE = "?"  # never equal to a recorded digest: evaluated again
_Memo = dict[str, list[object]]  # path -> [device, inode, size, mtime_ns, ctime_ns, digest]


def digest_of(data: bytes) -> str:
    """The digest of bytes a reader read: what ``Digests.of`` gives for that file."""
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class _Shared:
    """One repository's memo, as every ``Digests`` of it in this process sees it."""

    key: str
    below: str  # the repository's absolute path and a separator: what a learnt path starts with
    memo: _Memo
    changed: bool = False


_SHARED: dict[tuple[str, str], _Shared] = {}  # (cache root, key) -> the memo
_SCAN: ContextVar[dict[str, str] | None] = ContextVar("snclint_scan_digests", default=None)  # absolute path -> digest


def one_scan() -> AbstractContextManager[None]:
    """Within: each file's digest is told once, whichever ``Digests`` asks (the whole-scan memo's
    check, the kept root modules, the kept manifests), not once per place that asks."""
    return scope(_SCAN)


class Digests:
    """Digests of files below ``cwd`` (paths relative to it), memoised across scans."""

    def __init__(self, cwd: Path, inside: Callable[[Path], bool], *, enabled: bool) -> None:
        """``inside``: whether a path (links resolved) is within the scanned repository."""
        self.cwd = cwd
        self._root = os.fspath(cwd)  # joined to each path asked: no Path converted per call
        self.inside = inside
        self.enabled = enabled
        self._started = time.time_ns()
        self._shared = _shared(cwd) if enabled else None
        self._memo: _Memo = self._shared.memo if self._shared is not None else {}
        self._known: dict[str, str] = {}  # this scan's answers

    def of(self, path: str) -> str:
        """The sha256 of the file's bytes, ``MISSING`` or ``UNREADABLE``."""
        found = self._known.get(path)
        if found is None:
            full = os.path.join(self._root, path)
            scan = _SCAN.get()
            found = scan.get(full) if scan is not None else None
            if found is None:
                found = self._digest(path, full, scan)
            self._known[path] = found
        return found

    def _digest(self, path: str, full: str, scan: dict[str, str] | None) -> str:
        """``scan``: where this scan's other places find the answers that do not depend on this
        instance's boundary (a missing file, one unchanged since the memo)."""
        try:
            info = os.stat(full)
        except FileNotFoundError:
            if scan is not None:
                scan[full] = MISSING
            return MISSING
        except OSError:
            return UNREADABLE
        if not stat.S_ISREG(info.st_mode):
            return UNREADABLE
        now = list(stat_of(info))
        memo = self._memo.get(path)
        if memo is not None and memo[:5] == now and isinstance(memo[5], str):
            if scan is not None:
                scan[full] = memo[5]
            return memo[5]
        if not self.inside(Path(full)):
            return UNREADABLE
        try:
            digest = read_hashed(full, limits.CACHE_HASHED_BYTES).digest  # hashed once, for the read log too
        except NotReadable:
            return UNREADABLE
        _remember(self._shared, path, now, digest, self._started)
        return digest

    def save(self) -> None:
        """Keep the memo for the next scan (only when something was learnt)."""
        if self._shared is not None:
            _save(self._shared)


def learn(files: Mapping[str, str], started: int, stats: Mapping[str, tuple[int, ...]] | None = None) -> None:
    """What a scan that started at ``started`` (``time.time_ns``) read whole: absolute path ->
    the digest of the bytes it read. Each file below a repository whose memo this process holds is
    memoised with its ``stat``, when it is older than the racy window before the scan started:
    it has not changed since, so the bytes read are the bytes it holds. ``stats``: the ``fstat`` of
    the descriptor each digest's bytes were read from (``read_log``), used as that ``stat``; a file
    without one is asked its ``stat`` now."""
    for shared in _SHARED.values():
        for full, digest in files.items():
            if not full.startswith(shared.below) or len(digest) != 64:  # a mark: missing, unread
                continue
            path = full[len(shared.below):]
            memo = shared.memo.get(path)
            if memo is not None and memo[5] == digest:
                continue
            read = stats.get(full) if stats is not None else None
            now = list(read) if read is not None else _stat_now(full)
            if now is not None and now[2] <= limits.CACHE_HASHED_BYTES:
                _remember(shared, path, now, digest, started)
        _save(shared)


def _stat_now(full: str) -> list[int] | None:
    """A regular file's ``(device, inode, size, mtime_ns, ctime_ns)``, None for anything else."""
    try:
        info = os.stat(full)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return list(stat_of(info))


def _remember(shared: _Shared | None, path: str, now: list[int], digest: str, started: int) -> None:
    if shared is None:
        return
    if max(now[3], now[4]) < started - RACY_NS:  # a recent one: its entry, if
        shared.memo[path] = [*now, digest]                               # any, can never match again
        shared.changed = True


def _shared(cwd: Path) -> _Shared:
    key = hashlib.sha256(f"{FORMAT}|{__version__}|{os.path.realpath(cwd)}".encode()).hexdigest()
    slot = (str(cache.cache_dir()), key)
    found = _SHARED.get(slot)
    if found is None:
        found = _SHARED[slot] = _Shared(key=key, below=os.path.join(os.path.abspath(cwd), ""), memo=_load(key))
    return found


def _save(shared: _Shared) -> None:
    if shared.changed:
        text = json.dumps([FORMAT, shared.key, shared.memo], separators=(",", ":"))
        cache.write_sealed(SECTION, shared.key, text.encode("ascii"), limits.CACHE_ENTRY_BYTES)
        shared.changed = False


def _load(key: str) -> _Memo:
    text = cache.read_sealed(SECTION, key, limits.CACHE_ENTRY_BYTES)
    try:
        found = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return {}
    if not (isinstance(found, list) and len(found) == 3 and found[:2] == [FORMAT, key]
            and isinstance(found[2], dict)):
        return {}
    return {k: v for k, v in found[2].items() if isinstance(v, list) and len(v) == 6}
