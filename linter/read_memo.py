"""A result kept with everything that made it: valid while every file it read has the same digest,
every folder it listed the same entries and every place it checked the same side of the boundary.

The whole-scan memo (``linter.scan_memo``) runs under a ``read_log.recording()``, keeps the result
with the log under a key that names everything else it depends on (code, knowledge, config,
options), and on the next run gives it back when a ``stat`` of each file (``loaders.file_digests``)
and a listing of each folder say nothing changed. Entries are model JSON (``loaders.model_json``, never pickle), sealed
with the cache's HMAC and pruned within its one budget: a planted or damaged entry is a miss.

A kept result given back inside an outer recording tells it what it read, as reading it again would
have.
"""
from __future__ import annotations

import os
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Sequence, TypeVar

from linter import limits, read_log
from linter.discovery import inside
from linter.loaders import cache, file_digests, model_json
from linter.loaders.file_digests import Digests

T = TypeVar("T")
_END = object()  # after an entry's last item


def recall(section: str, form: str, key: str, root: Path, kind: type[T]) -> T | None:
    """The ``kind`` value kept as ``section/key`` when nothing it read changed; ``root``: the
    repository root, whose file digests are memoised by path below it. The value, after the read
    log in the entry, is decoded only then: a scan after an edit does not decode a stale result."""
    text = cache.read_sealed(section, key, limits.CACHE_ENTRY_BYTES)
    if text is None:
        return None
    items = model_json.decode_items(text)
    try:
        head = list(islice(items, 6))
    except model_json.DecodeError:
        return None
    if not (len(head) == 6 and head[:2] == [form, key]):
        return None
    _, _, boundaries, files, folders, places = head
    if not (isinstance(boundaries, list) and isinstance(files, dict) and isinstance(folders, dict)
            and isinstance(places, dict)):
        return None
    where = tuple(Path(b) for b in boundaries)
    digests = Digests(root, lambda p: inside(p, where), enabled=True)
    below = f"{root}{os.sep}"
    unchanged = (all(digests.of(p.removeprefix(below)) == digest for p, digest in files.items())
                 and all(read_log.listing_digest(folder) == listed for folder, listed in folders.items())
                 and all(inside(Path(path), where) == side for path, side in places.items()))
    digests.save()
    if not unchanged:
        return None
    try:
        value, end = next(items, _END), next(items, _END)
    except model_json.DecodeError:
        return None
    if end is not _END or not isinstance(value, kind):
        return None
    read_log.replayed(files, folders, places)
    return value


def keep(section: str, form: str, key: str, log: read_log.ReadLog, value: object,
         boundaries: Sequence[str] = (), *, aside: bool = False) -> None:
    """Keep ``value`` with what ``log`` saw it read; ``boundaries``: those its places were checked
    against, when the log was not there to see discovery find them. The entry is the model JSON
    of ``[form, key, boundaries, files, folders, places, value]``, written in parts: neither the read
    log (6 MiB of text for a 21,000-file estate) nor the value is ever one string, nor copied into
    a sealed one.
    ``aside``: encoded and written by a forked child while this process goes on
    (``linter.forked.aside``); the digests of the files read are memoised here either way (the
    scan saves that memo)."""
    file_digests.learn(log.files, log.started, log.stats)
    if read_log.UNREAD in log.files.values():
        return  # a file it could not read: no ``stat`` tells it unchanged, the entry would never be given back
    where = list(log.boundaries) or [os.path.realpath(b) for b in boundaries]
    if aside:
        from linter import forked

        forked.aside(lambda: _write(section, form, key, where, log, value))
    else:
        _write(section, form, key, where, log, value)


def _write(section: str, form: str, key: str, where: list[str], log: read_log.ReadLog, value: object) -> None:
    try:
        head = model_json.encode([form, key, where])
        cache.write_sealed_parts(section, key, _ascii(_entry(head, log, value)), limits.CACHE_ENTRY_BYTES)
    except (TypeError, ValueError, RecursionError):
        return  # a value the format cannot give back identically, or a read log that is not paths to
        # digests and sides: nothing is written, and it is made again next time


def _entry(head: str, log: read_log.ReadLog, value: object) -> Iterator[str]:
    """The text of ``model_json.encode([form, key, where, files, folders, places, value])`` (``head``:
    of its first three), in pieces (``model_json.encode_parts`` for the value: a frontend's whole
    outcome is never one string either). The read log holds no model instance: the value's text is
    the same encoded alone as after it."""
    yield head[:-1]
    for entries in (log.files, log.folders, log.places):
        yield ","
        yield from model_json.encode_entries(entries)
    yield ","
    yield from model_json.encode_parts(value)
    yield "]"


def _ascii(pieces: Iterable[str]) -> Iterator[bytes]:
    for piece in pieces:
        yield piece.encode("ascii")
