"""What each root module contributes to a scan, kept across scans while nothing it read changed.

Evaluating a root module is most of a scan, and on a large estate almost every root is the same as
last time. So each root's outcome (its nodes, the problems and notes its evaluation raised, the
files it read) is kept in the cache with a record of everything the evaluation read, taken by a
tracker at the reader (``reader.Reader``), reads answered from memory included: each file and the
digest of its bytes, each module folder and the file names it held, each module source checked
against the boundary. A later scan reuses the outcome when every recorded file has the same digest
(``file_digests``: a ``stat`` when unchanged), every folder lists the same names and every place
is on the same side of the boundary; one changed file re-evaluates only the roots that read it.

The slot of a root is keyed by what is not a file: the tool's code, the knowledge, the config, the
options that change evaluation (``--var``, the content of ``--var-file``s), the root's own var
files, and the repository's place. Folders' facts (which local modules each one calls, the
problems parsing it raised) are kept the same way, by the digests of their files, so that finding
the roots does not parse an unchanged estate either.

Entries are model JSON (``model_json``: never pickle) sealed with the cache's HMAC
(``cache.write_sealed``): a planted, damaged or foreign entry is a miss, and a miss evaluates.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from linter import gc_pacing, limits, read_log
from linter.discovery import inside
from linter.loaders import cache, model_json
from linter.loaders.file_digests import Digests
from linter.loaders.value_digest import code_digest
from linter.model import Node, Problem
from linter.read_log import Stat
from linter.terraform.modules.reader import Reader

FORMAT = "snclint-root-1"
SECTION = "roots"
FOLDERS = "folders"


@dataclass(slots=True)
class Reads:
    """Everything one evaluation read, in the order it was read (``reader.Tracker``)."""

    files: dict[str, str] = field(default_factory=dict)  # path -> digest of the bytes read
    folders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # module folder -> its file names
    places: dict[str, bool] = field(default_factory=dict)  # module source folder -> inside the boundary
    problems: dict[Problem, None] = field(default_factory=dict)
    read: dict[str, None] = field(default_factory=dict)  # the files read whole (for the report)
    # path -> the ``fstat`` of the read its digest is of, when this scan read it (never kept:
    # what ``read_log`` gives ``file_digests.learn``, so that it need not ask the ``stat`` again)
    stats: dict[str, Stat] = field(default_factory=dict)

    def file(self, path: str, digest: str, *, read: bool, info: Stat | None = None) -> None:
        if path not in self.files:
            self.files[path] = digest
            if info is not None:
                self.stats[path] = info
        if read:
            self.read[path] = None

    def folder(self, folder: str, names: tuple[str, ...]) -> None:
        self.folders.setdefault(folder, names)

    def place(self, path: str, inside: bool) -> None:
        self.places.setdefault(path, inside)

    def problem(self, problem: Problem) -> None:
        self.problems[problem] = None

    def logged(self) -> Reads:
        """What ``RootCache.log`` tells the scan's read log (an outcome carries its problems and
        the files read whole itself)."""
        return Reads(files=self.files, folders=self.folders, places=self.places, stats=self.stats)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A root module's or a folder's part of the Terraform fragment."""

    nodes: tuple[Node, ...]
    problems: tuple[Problem, ...]
    files: tuple[str, ...]
    calls: tuple[str, ...] = ()  # a folder's local module folders
    reads: Reads | None = None  # what a root's evaluation read (told to the scan's read log)


def tracked(reader: Reader, evaluate: Callable[[], Any]) -> tuple[Any, Reads]:
    """``evaluate()`` with every read it makes through ``reader`` recorded."""
    reads = Reads()
    reader.trackers.append(reads)
    try:
        return evaluate(), reads
    finally:
        reader.trackers.remove(reads)


class RootCache:
    """The kept outcomes of one scan's root modules and folders; ``enabled=False`` keeps nothing."""

    def __init__(self, reader: Reader, salt: str | None, *, enabled: bool) -> None:
        self.reader = reader
        self.enabled = enabled and salt is not None
        self.salt = salt or ""
        self.digests = Digests(reader.cwd, lambda p: inside(p, reader.boundaries), enabled=self.enabled)
        self._names: dict[str, tuple[str, ...]] = {}
        self._places: dict[str, bool] = {}
        self._folders_key = _hash(FORMAT, FOLDERS, self.salt)
        self._folders: dict[str, list[Any]] = self._load_folders() if self.enabled else {}
        self._folders_changed = False

    # --- root modules --------------------------------------------------------------------------

    def root_key(self, root: str, *parts: Any) -> str:
        """The slot of ``root`` given what its evaluation depends on besides files (``parts``)."""
        return _hash(FORMAT, SECTION, self.salt, root, json.dumps(parts, sort_keys=True, default=str))

    def root(self, key: str) -> Outcome | None:
        """The kept outcome of this slot, when everything it read is unchanged."""
        if not self.enabled:
            return None
        text = cache.read_sealed(SECTION, key, limits.CACHE_ENTRY_BYTES)
        try:
            found = model_json.decode(text) if text is not None else None
        except model_json.DecodeError:
            return None
        if not (isinstance(found, list) and len(found) == 8 and found[:2] == [FORMAT, key]):
            return None
        _, _, files, folders, places, *outcome = found
        if not (isinstance(files, dict) and isinstance(folders, dict) and isinstance(places, dict)
                and self._unchanged(files, folders, places)):
            return None
        nodes, problems, read = outcome
        if not all(isinstance(n, Node) for n in nodes) or not all(isinstance(p, Problem) for p in problems):
            return None
        gc_pacing.settled()
        return Outcome(nodes=nodes, problems=problems, files=read,
                       reads=Reads(files=files, folders=folders, places=places))

    def keep_root(self, key: str, outcome: Outcome, reads: Reads) -> None:
        if not self.enabled:
            return
        try:
            text = model_json.encode([FORMAT, key, reads.files, reads.folders, reads.places,
                                      outcome.nodes, outcome.problems, outcome.files])
        except (TypeError, ValueError, RecursionError):
            return  # a value the format cannot give back identically: evaluated again next time
        cache.write_sealed(SECTION, key, text.encode("ascii"), limits.CACHE_ENTRY_BYTES)

    def _unchanged(self, files: dict[str, Any], folders: dict[str, Any], places: dict[str, Any]) -> bool:
        return (all(self.digests.of(path) == digest for path, digest in files.items())
                and all(self._listed(folder) == tuple(names) for folder, names in folders.items())
                and all(self._inside(path) == where for path, where in places.items()))

    def _listed(self, folder: str) -> tuple[str, ...]:
        if folder not in self._names:
            self._names[folder] = self.reader.names(folder)
        return self._names[folder]

    def _inside(self, path: str) -> bool:
        if path not in self._places:
            self._places[path] = inside(self.reader.cwd / path, self.reader.boundaries)
        return self._places[path]

    def log(self, reads: Reads | None) -> None:
        """Tell the scan's read log what an outcome rests on (it may come from the cache or from
        a worker process: neither read anything here)."""
        if reads is None or not read_log.active():
            return
        cwd = self.reader.cwd
        read_log.replayed({os.path.join(cwd, p): d for p, d in reads.files.items()},
                          stats={os.path.join(cwd, p): s for p, s in reads.stats.items()})
        for folder, names in reads.folders.items():
            read_log.folder_listed(cwd / folder)
            if self._listed(folder) != tuple(names):  # changed since a worker listed it: never trusted
                read_log.folder_changed(cwd / folder)
        for path, where in reads.places.items():
            read_log.place_checked(cwd / path, where)

    # --- folders -------------------------------------------------------------------------------

    def knows(self, folder: str) -> bool:
        """Whether an earlier scan kept facts of this folder (they may be out of date)."""
        return folder in self._folders

    def folder(self, folder: str, compute: Callable[[str], tuple[Outcome, Reads]]) -> Outcome:
        """A module folder's facts (its local calls, the problems and files parsing it gave), kept
        by the digests of its files."""
        names = self._listed(folder)
        kept = self._folders.get(folder)
        if kept is not None and kept[0] == self._fingerprint(folder, names, self.digests.of):
            self.log(Reads(files={p: self.digests.of(p) for p in names}))
            return Outcome(nodes=(), problems=kept[2], files=kept[3], calls=kept[1])
        outcome, reads = compute(folder)
        if self.enabled:
            fingerprint = self._fingerprint(folder, names, lambda p: reads.files.get(p, ""))
            self._folders[folder] = [fingerprint, outcome.calls, outcome.problems, outcome.files]
            self._folders_changed = True
        return outcome

    @staticmethod
    def _fingerprint(folder: str, names: Sequence[str], digest: Callable[[str], str]) -> str:
        return _hash(folder, *names, *(digest(p) for p in names))

    def _load_folders(self) -> dict[str, list[Any]]:
        text = cache.read_sealed(FOLDERS, self._folders_key, limits.CACHE_ENTRY_BYTES)
        try:
            found = model_json.decode(text) if text is not None else None
        except model_json.DecodeError:
            return {}
        if not (isinstance(found, list) and len(found) == 3 and found[:2] == [FORMAT, self._folders_key]
                and isinstance(found[2], dict)):
            return {}
        return {k: v for k, v in found[2].items() if isinstance(v, list) and len(v) == 4 and isinstance(v[0], str)
                and all(isinstance(x, tuple) for x in v[1:]) and all(isinstance(p, Problem) for p in v[2])}

    def save(self) -> None:
        """Keep the folders' facts and the file digests learnt for the next scan."""
        if not self.enabled:
            return
        self.digests.save()
        if self._folders_changed:
            try:
                text = model_json.encode([FORMAT, self._folders_key, self._folders])
            except (TypeError, ValueError, RecursionError):
                return
            cache.write_sealed(FOLDERS, self._folders_key, text.encode("ascii"), limits.CACHE_ENTRY_BYTES)


def salt_of(*parts: str) -> str:
    """What every entry of a scan depends on besides its files: the code, and ``parts``."""
    return _hash(FORMAT, code_digest(), *parts)


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()
