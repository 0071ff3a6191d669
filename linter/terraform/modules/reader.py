"""Reading Terraform files for the frontend: parsing once, never past the boundary (docs/architecture.md#boundary).

Module sources are followed on disk (``./x``, ``../x`` and modules already downloaded under
``.terraform/modules``), so this is the one place that opens files after discovery: every path is
resolved (links included) and refused when it leaves the repository being scanned, every parse
error becomes a Problem, and every file read is recorded for the report.
"""
from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Protocol, Sequence, TypeVar

from linter import limits, read_log
from linter.discovery import inside
from linter.errors import unexpected
from linter.files import NotReadable, Read, read_hashed
from linter.loaders.cache import name_suffixes
from linter.loaders.file_digests import MISSING
from linter.loaders.ir import ConfigFile
from linter.loaders.parallel import parse_all, parse_text
from linter.model import Location, Problem, ProblemKind
from linter.read_log import Stat, stat_of

MAX_FILE_BYTES = limits.TERRAFORM_FILE_BYTES
MODULE_SUFFIXES = (".tf", ".tf.json")
MANIFEST = ".terraform/modules/modules.json"
UNREAD = "!"  # the digest of a file that could not be read: no digest of the file equals it
_T = TypeVar("_T")


def join(folder: str, relative: str) -> str:
    """A posix path relative to the working directory, as the rest of the report writes paths."""
    joined = posixpath.normpath(posixpath.join(folder, relative.replace("\\", "/")))
    return joined


class Tracker(Protocol):
    """Told every read of one root module's evaluation, the ones answered from memory included."""

    def file(self, path: str, digest: str, *, read: bool, info: Stat | None = None) -> None:
        """``info``: the ``fstat`` of the read ``digest`` is of, when the file was read then."""

    def folder(self, folder: str, names: tuple[str, ...]) -> None: ...

    def place(self, path: str, inside: bool) -> None: ...

    def problem(self, problem: Problem) -> None: ...


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    key: str  # "db", "db.inner"
    source: str
    dir: str  # relative to the working directory


class Reader:
    """Reads and parses files once each; knows the boundary and the files given by discovery."""

    def __init__(self, cwd: Path, boundary: Path | Sequence[Path], given: Mapping[str, tuple[str, ...]], *,
                 cache: bool = False) -> None:
        self.cwd = cwd
        self.boundaries = tuple(Path(os.path.realpath(b)) for b in
                                ((boundary,) if isinstance(boundary, Path) else boundary))
        self.boundary = self.boundaries[0]  # the repository (Terragrunt's get_repo_root)
        self.given = given  # folder → module files discovery found there
        self.problems: list[Problem] = []
        self._reported: set[Problem] = set()
        self.files: dict[str, None] = {}
        self._parsed: dict[str, ConfigFile | None] = {}
        self._folders: dict[str, tuple[ConfigFile, ...] | None] = {}
        self._manifests: dict[str, dict[str, ManifestEntry]] = {}
        self.cache = cache  # the parse cache (linter.loaders.cache)
        # folders whose module files are parsed without the parse cache all the same: those no
        # earlier scan kept, when root modules are kept (docs/architecture.md#parallel-work)
        self.uncached: frozenset[str] = frozenset()
        self._preparsed: dict[str, ConfigFile] = {}
        self._preread: dict[str, Read] = {}  # read to be preparsed: ``read_text`` reads them no more
        # a module file parsed and still held, by what its IR depends on (name suffixes, digest of
        # the bytes, whether through the parse cache): a file of the same bytes read later (a copied
        # ``versions.tf`` in a worker's next chunk of folders, in a module folder read to evaluate a
        # root) takes its IR instead of being parsed again; ``forget`` drops what it drops
        self._twins: dict[tuple[str, str, bool], str] = {}
        self._twin_keys: dict[str, tuple[str, str, bool]] = {}
        # what each read gave, told again to the trackers when it is answered from memory
        self.trackers: list[Tracker] = []  # the root modules being evaluated (linter.terraform.modules.root_cache)
        self._digests: dict[str, str] = {}
        self._raised: dict[str, list[Problem]] = {}  # by parsed path, and by "\0manifest:<root>"
        self._collecting: list[list[Problem]] = []
        self._names: dict[str, tuple[str, ...]] = {}

    def preparse(self, paths: Sequence[str]) -> None:
        """Parse these module files up front, files of the same bytes once (those of a file parsed
        before and still held: not at all), each read (and hashed) just after checking it is
        inside; each is reported through ``parse`` when the module tree reaches it, from the bytes
        read here."""
        through: dict[bool, list[str]] = {True: [], False: []}  # through the parse cache or not
        for path in dict.fromkeys(paths):
            if path in self._parsed or self._preread_of(path) is None:  # parsed ones would stay twice
                continue
            twin = self._twin(path, self._preread[path].digest)
            if twin is not None:
                self._preparsed[path] = twin
            else:
                through[self._cached(path, tfvars=False)].append(path)
        for cache, group in through.items():
            parsed = parse_all(group, cache=cache, cwd=self.cwd, read=lambda p: self._preread[p].data)
            self._preparsed.update(parsed)
            for path in parsed:
                self._held(path, self._preread[path].digest)

    def _twin_key(self, path: str, digest: str) -> tuple[str, str, bool]:
        return name_suffixes(path), digest, self._cached(path, tfvars=False)

    def _twin(self, path: str, digest: str) -> ConfigFile | None:
        """The IR of a module file of the same name suffixes and bytes still held, as ``path``'s."""
        source = self._twins.get(self._twin_key(path, digest))
        held = None if source is None else self._preparsed.get(source) or self._parsed.get(source)
        return None if held is None else ConfigFile(path, held.body, held.errors)

    def _held(self, path: str, digest: str) -> None:
        """``path``'s IR as a module file is held (preparsed, or parsed): a twin may take it."""
        key = self._twin_key(path, digest)
        self._twins[key] = path
        self._twin_keys[path] = key

    def _preread_of(self, path: str) -> bytes | None:
        """The bytes of a file to preparse, kept with their digest for ``read_text``: each file is
        read and hashed once, and the bytes parsed are the bytes hashed. None when it is outside
        the boundary or cannot be read: ``read_text`` checks or reads it again and reports why."""
        full = self.cwd / path
        if not inside(full, self.boundaries):  # checked at the read, as ``read_text`` does
            return None
        try:
            read = read_hashed(full, MAX_FILE_BYTES)
        except NotReadable:
            return None
        self._preread[path] = read
        return read.data

    def _cached(self, path: str, *, tfvars: bool) -> bool:
        """Whether ``path`` is parsed through the parse cache."""
        return self.cache and (tfvars or (posixpath.dirname(path) or ".") not in self.uncached)

    def forget(self, folder: str) -> None:
        """Drop the parsed files of a folder no other module uses once its root module is evaluated:
        the syntax trees of the whole estate are then never all in memory at the end of a scan.
        Reading the folder again parses it again (the parse cache makes that cheap)."""
        for path in self._names.get(folder, ()):
            self._parsed.pop(path, None)
            self._preparsed.pop(path, None)
            self._preread.pop(path, None)
            key = self._twin_keys.pop(path, None)
            if key is not None and self._twins.get(key) == path:
                del self._twins[key]
        self._folders.pop(folder, None)

    def problem(self, path: str, line: int, message: str, kind: ProblemKind = ProblemKind.UNREADABLE) -> None:
        problem = Problem(location=Location(path, line), message=message, kind=kind)
        for tracker in self.trackers:
            tracker.problem(problem)
        for raised in self._collecting:
            raised.append(problem)
        if problem not in self._reported:  # a set: many duplicates stay linear
            self._reported.add(problem)
            self.problems.append(problem)

    def inside(self, path: str) -> bool:
        """True when ``path`` (links resolved) is within the boundary, and not in ``.git``."""
        found = inside(self.cwd / path, self.boundaries)
        read_log.place_checked(self.cwd / path, found)
        for tracker in self.trackers:
            tracker.place(path, found)
        return found

    def parse(self, path: str, *, tfvars: bool = False, checked: bool = True) -> ConfigFile | None:
        """The parsed file, None when it could not be read at all (reported). ``checked=False``
        is for the files the user names on the command line (``--var-file``)."""
        if path not in self._parsed:
            self._parsed[path] = self._collected(path, lambda: self._parse(path, tfvars, checked))
        elif self.trackers:
            self._replay(path, path)
        return self._parsed[path]

    def _collected(self, name: str, read: Callable[[], _T]) -> _T:
        """``read()``, keeping the problems it raises under ``name`` to tell trackers again."""
        raised: list[Problem] = []
        self._collecting.append(raised)
        try:
            return read()
        finally:
            self._collecting.pop()
            self._raised[name] = raised

    def _replay(self, path: str, name: str) -> None:
        """Tell the trackers what reading ``path`` gave the first time: its digest and problems."""
        digest = self._digests.get(path)
        for tracker in self.trackers:
            if digest is not None:
                tracker.file(path, digest, read=digest not in (UNREAD, MISSING))
            for problem in self._raised.get(name, ()):
                tracker.problem(problem)

    def _parse(self, path: str, tfvars: bool, checked: bool) -> ConfigFile | None:
        read = self._read(path, checked=checked)
        if read is None:
            return None
        try:
            config = None
            if not tfvars:
                config = self._preparsed.pop(path, None) or self._twin(path, read.digest)
            if config is None:  # decoded only now: a preparsed file's text is of no use
                config = parse_text(path, _text(read.data), cache=self._cached(path, tfvars=tfvars), tfvars=tfvars)
            if not tfvars:
                self._held(path, read.digest)
        except Exception as error:  # noqa: BLE001 - the last resort: one file, one SNC000
            self.problem(path, 1, unexpected(error))
            return None
        for parse_error in config.errors:
            self.problem(path, parse_error.line or 1, parse_error.message)
        return config

    def read_text(self, path: str, *, checked: bool = True) -> str | None:
        """The file's text, read once, just after checking it is inside: by ``preparse`` (which
        checked it: not checked again, the bytes are read already) or here."""
        read = self._read(path, checked=checked)
        return None if read is None else _text(read.data)

    def _read(self, path: str, *, checked: bool = True) -> Read | None:
        """``read_text``'s read, its digest noted, its problems reported."""
        read = self._preread.pop(path, None)
        if read is None:
            full = self.cwd / path
            if checked and not inside(full, self.boundaries):
                read_log.place_checked(full, False)
                self._noted(path, UNREAD, read=False)
                self.problem(path, 1, "leaves the scanned repository (a link or a path outside it): not read")
                return None
            try:
                read = read_hashed(full, MAX_FILE_BYTES)
            except NotReadable as why:
                self._noted(path, UNREAD, read=False)
                self.problem(path, 1, str(why))
                return None
        self.files[path] = None
        self._noted(path, read.digest, read=True, info=stat_of(read.info))
        return read

    def module(self, folder: str) -> tuple[ConfigFile, ...] | None:
        """The module files of ``folder`` (the given ones, else those on disk), parsed; None when
        the folder holds no Terraform file."""
        if folder not in self._folders:
            names = self._names[folder] = self.names(folder)
            for tracker in self.trackers:
                tracker.folder(folder, names)
            configs = tuple(c for c in (self.parse(p) for p in names) if c is not None)
            self._folders[folder] = configs if names else None
        elif self.trackers:
            names = self._names[folder]
            for tracker in self.trackers:
                tracker.folder(folder, names)
            for path in names:
                self.parse(path)  # answered from memory: its digest and problems told again
        return self._folders[folder]

    def names(self, folder: str) -> tuple[str, ...]:
        """The module files of ``folder``: those discovery gave, else those listed on disk."""
        names = self.given.get(folder)
        return names if names is not None else self._listing(folder)

    def _noted(self, path: str, digest: str, *, read: bool, info: Stat | None = None) -> None:
        self._digests[path] = digest
        for tracker in self.trackers:
            tracker.file(path, digest, read=read, info=info)

    def _listing(self, folder: str) -> tuple[str, ...]:
        read_log.folder_listed(self.cwd / folder)
        try:
            entries = sorted(os.listdir(self.cwd / folder))
        except OSError:
            return ()
        return tuple(join(folder, name) for name in entries
                     if name.endswith(MODULE_SUFFIXES) and not (self.cwd / folder / name).is_dir())

    def manifest(self, root: str) -> dict[str, ManifestEntry]:
        """``<root>/.terraform/modules/modules.json``: downloaded modules by key; empty when absent."""
        path = join(root, MANIFEST)
        if root in self._manifests:
            if self.trackers:
                self._replay(path, f"\0manifest:{root}")
            return self._manifests[root]
        self._manifests[root] = self._collected(f"\0manifest:{root}", lambda: self._read_manifest(path, root))
        return self._manifests[root]

    def _read_manifest(self, path: str, root: str) -> dict[str, ManifestEntry]:
        if not (self.cwd / path).is_file():
            self._noted(path, MISSING if not os.path.lexists(self.cwd / path) else UNREAD, read=False)
            return {}
        text = self.read_text(path)
        return self._manifest_entries(path, root, text) if text is not None else {}

    def _manifest_entries(self, path: str, root: str, text: str) -> dict[str, ManifestEntry]:
        try:
            data = json.loads(text)
        except ValueError as error:
            self.problem(path, getattr(error, "lineno", 1), f"not valid JSON: {error}")
            return {}
        modules = data.get("Modules") if isinstance(data, dict) else None
        entries: dict[str, ManifestEntry] = {}
        for item in modules if isinstance(modules, list) else ():
            if not isinstance(item, dict):
                continue
            key, source, folder = item.get("Key"), item.get("Source"), item.get("Dir")
            if isinstance(key, str) and key and isinstance(folder, str) and isinstance(source, str):
                entries[key] = ManifestEntry(key=key, source=source, dir=join(root, folder))
        return entries


def _text(data: bytes) -> str:
    """As text mode would read it: utf-8 (undecodable bytes replaced), universal newlines."""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
