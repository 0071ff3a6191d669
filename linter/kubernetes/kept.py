"""Each manifest file's parsed documents, kept in the cache by the file's bytes: a scan after
editing one manifest parses that one file again, not the whole estate.

What is kept is ``loaders.kubernetes.load_manifests`` of one file, a pure function of its path and
bytes (and of the code): its key needs no knowledge, config nor other file. Everything that
depends on several files, the knowledge or the config (kustomizations, which documents are
objects, placement by Namespace annotations and config paths, the nodes and edges between objects,
operators' back-ups, Kubernetes objects declared in Terraform) is computed again on every scan
from the kept documents, so a report is the one a scan without the cache gives.

The documents are kept in ``PACKS`` sealed entries, a folder's files in the same one (chosen by a
checksum of the folder's path), each file's with the sha256 of the bytes it was read from: 9,000
entries of their own cost 9,000 opens and HMACs (measured on the MoJ estate's 9,027 manifests:
reading 0.34 s, writing 1.6 s of CPU time; one entry per folder, 1,483 of them, 0.07 s and 0.23 s),
while an edit writes again only its file's entry (a 64th of the estate's documents). Entries are
JSON (``loaders.manifest_json``, never pickle) sealed with the cache's HMAC: a planted or damaged
one is a miss. Standard input is never kept (its caller, ``kubernetes.entry``, keeps it out).
"""
from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any, Sequence

from linter import limits, read_log
from linter.discovery import inside
from linter.files import Read, read_hashed
from linter.loaders import cache, manifest_json
from linter.loaders.file_digests import Digests, digest_of
from linter.loaders.kubernetes import ManifestFile, load_manifests
from linter.loaders.value_digest import code_digest, value_digest

FORMAT = "snclint-manifests-3"
SECTION = "manifests"
PACKS = 64

# path -> (sha256 of its bytes, its documents; None when they cannot be kept: parsed each time)
_Pack = dict[str, tuple[str, ManifestFile | None]]


class KeptManifests:
    """``load_manifests`` through the cache, for the files of one scan (paths relative to ``cwd``)."""

    def __init__(self, cwd: Path, boundaries: Sequence[Path]) -> None:
        self._base = value_digest([FORMAT, code_digest(), os.path.realpath(cwd)])
        self._cwd = cwd
        self._digests = Digests(cwd, lambda p: inside(p, boundaries), enabled=True)
        self._packs: dict[int, _Pack] = {}
        self._changed: set[int] = set()
        self._parsed: set[str] = set()  # files this scan parsed: there, not checked again when saving
        self._hashed: dict[str, Read] = {}  # read by ``read``, not yet loaded

    def recall(self, path: str) -> ManifestFile | None:
        """The kept documents of ``path`` when the file holds the bytes they were parsed from, as
        its ``stat`` tells (``loaders.file_digests``): the file is then not even read, and the
        scan's read log counts it as read. None otherwise: the caller reads the file."""
        kept = self._pack(_pack_of(path)).get(path)
        if kept is None or kept[1] is None or self._digests.of(path) != kept[0]:
            return None
        if read_log.active():
            read_log.replayed({os.path.abspath(os.path.join(self._cwd, path)): kept[0]})
        return kept[1]

    def read(self, path: str) -> bytes:
        """The bytes of ``path`` (``NotReadable``), hashed as they are read (``files.read_hashed``):
        ``load`` is given their digest with them, not hashing them again."""
        read = self._hashed[path] = read_hashed(self._cwd / path, limits.MANIFEST_BYTES)
        return read.data

    def load(self, path: str, data: bytes) -> ManifestFile:
        """The documents of ``path``, whose bytes are ``data``: kept ones when the bytes are the same."""
        number = _pack_of(path)
        pack = self._pack(number)
        read = self._hashed.pop(path, None)
        digest = read.digest if read is not None and read.data is data else digest_of(data)
        kept = pack.get(path)
        if kept is not None and kept[0] == digest:
            return kept[1] if kept[1] is not None else load_manifests(path, data)
        loaded = load_manifests(path, data)
        pack[path] = (digest, loaded)
        self._parsed.add(path)
        self._changed.add(number)
        return loaded

    @property
    def parsed(self) -> bool:
        """Whether a file was parsed since the last ``save`` (its documents were not kept)."""
        return bool(self._changed)

    def save(self) -> None:
        """Write the entries where a file was parsed (files gone since an earlier scan are left out)."""
        for number in sorted(self._changed):
            kept: dict[str, Any] = {}
            for path, (digest, loaded) in sorted(self._packs[number].items()):
                if path not in self._parsed and not os.path.lexists(os.path.join(self._cwd, path)):
                    continue
                try:
                    kept[path] = [digest, manifest_json.encode(loaded) if loaded is not None else None]
                except (TypeError, RecursionError):
                    kept[path] = [digest, None]
            key = self._key(number)
            try:
                text = json.dumps([FORMAT, key, kept], separators=(",", ":"), check_circular=False)
            except (ValueError, RecursionError):
                continue
            cache.write_sealed(SECTION, key, text.encode("ascii"), limits.CACHE_ENTRY_BYTES)
        self._changed.clear()
        self._digests.save()

    def _key(self, number: int) -> str:
        return value_digest([self._base, number])

    def _pack(self, number: int) -> _Pack:
        pack = self._packs.get(number)
        if pack is None:
            pack = self._packs[number] = self._read(number)
        return pack

    def _read(self, number: int) -> _Pack:
        key = self._key(number)
        text = cache.read_sealed(SECTION, key, limits.CACHE_ENTRY_BYTES)
        if text is None:
            return {}
        try:
            found = json.loads(text, object_hook=manifest_json.object_hook)
            if not (isinstance(found, list) and len(found) == 3 and found[:2] == [FORMAT, key]
                    and isinstance(found[2], dict)):
                return {}
            return {path: (digest, None if value is None else manifest_json.decode(path, value))
                    for path, (digest, value) in found[2].items() if isinstance(digest, str)}
        except (ValueError, TypeError, RecursionError):  # DecodeError and json's are ValueErrors
            return {}


def _pack_of(path: str) -> int:
    """The entry a file's documents are kept in: its folder's (a checksum, the same in every process)."""
    return zlib.crc32(path.rpartition("/")[0].encode("utf-8", "surrogatepass")) % PACKS
