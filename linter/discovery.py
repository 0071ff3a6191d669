"""Which files a scan reads, and the boundary it never reads past (docs/architecture.md#boundary).

The boundary is the git work tree that tracks the scanned paths (its index lists them), else the
scanned paths themselves: an enclosing repository that does not track them (a home directory kept
in git) does not widen it. Directories are walked without following links, iteratively and at most
``limits.DIRECTORY_DEPTH`` deep; a link whose target leaves the boundary or enters ``.git`` is
reported, not followed; FIFOs, devices, link loops and names that are not UTF-8 are reported and
never opened. Which files are read, and by which frontend, the frontends' claims say
(``linter.frontend_contract.Claim``): discovery knows no file name. When pre-commit passes file
names, each file brings the files of its folder that its frontend claims by the same name pattern:
a change to ``variables.tf`` can create a finding in an unchanged ``main.tf``.
"""
from __future__ import annotations

import bisect
import functools
import io
import os
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Iterable, Iterator, Mapping, Sequence

from linter import limits, read_log
from linter.errors import UsageError
from linter.files import NotReadable, check_regular, read_regular
from linter.model import Location, Problem
from linter.per_scan import scope

if TYPE_CHECKING:  # the frontends' contract: a kept scan anchors its paths without loading it
    from linter.frontend_contract import Claim

MAX_FILE_BYTES = limits.DISCOVERED_FILE_BYTES
# never walked, whatever the frontends (each adds the folders of its tools' state: ``Frontend.skips``)
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__", ".snclint-cache"})
SNIFFED_BYTES = 4096  # a claim's sniff sees the first bytes of a file


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    """The files each claim took (display paths), the problems met, the scanned paths' boundaries."""

    files: Mapping[str, tuple[str, ...]]  # claim kind -> display paths, sorted
    problems: tuple[Problem, ...]
    boundaries: tuple[Path, ...]  # every scanned path's (none inside another)
    file_names: bool = False  # file names were given (pre-commit): their callers matter too

    def of(self, kind: str) -> tuple[str, ...]:
        return tuple(self.files.get(kind, ()))


def by_name(name: str, claims: Sequence[Claim]) -> Claim | None:
    """The claim a file's name alone gives it: the most specific one without a sniff (one with a
    sniff only narrows it), else the most specific one with a sniff; None when none claims it."""
    ranked = [(claim.sniff is None, claim.specificity(name), -index, claim) for index, claim in enumerate(claims)]
    fitting = [r for r in ranked if r[1]]
    return max(fitting, key=lambda r: r[:3])[3] if fitting else None


def claim_of(path: Path | str, claims: Sequence[Claim], fitting: tuple[Claim, ...] | None = None) -> Claim | None:
    """The most specific claim on ``path``; at equal specificity a claim whose sniff says yes on
    the file's first bytes (read once, only when a sniff is asked) comes before one without.
    ``fitting``: ``ranked(name, claims)``, when the caller has it."""
    head: bytes | None = None
    for claim in ranked(os.path.basename(path), claims) if fitting is None else fitting:
        if claim.sniff is None:
            return claim
        head = _head(path) if head is None else head
        if claim.sniff(head):
            return claim
    return None


def ranked(name: str, claims: Sequence[Claim]) -> tuple[Claim, ...]:
    """The claims fitting a file name, in the order ``claim_of`` tries them: most specific first,
    at equal specificity one with a sniff first, then in their order."""
    fits = sorted(((claim.specificity(name), claim.sniff is not None, -index, claim)
                   for index, claim in enumerate(claims)), key=lambda r: r[:3], reverse=True)
    return tuple(claim for fit, _, _, claim in fits if fit)


class _Ranks(dict[str, tuple["Claim", ...]]):
    """``ranked`` of one walk's claims, once per file name (an estate has many a ``main.tf``)."""

    def __init__(self, claims: Sequence[Claim]) -> None:
        super().__init__()
        self.claims = claims

    def __missing__(self, name: str) -> tuple[Claim, ...]:
        found = self[name] = ranked(name, self.claims)
        return found


def _head(path: Path | str) -> bytes:
    """The first bytes of a file (nothing for one that cannot be opened: it is reported later)."""
    try:
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            return handle.read(SNIFFED_BYTES)
    except OSError:
        return b""


_FOUND: ContextVar[dict[str, Path] | None] = ContextVar("boundaries found", default=None)


def one_scan() -> AbstractContextManager[None]:
    """Within: each scanned path's boundary is found once, however many places ask (the
    whole-scan memo's key, the repository root, discovery's boundaries and each path's own), as
    if they had all asked at the same moment."""
    return scope(_FOUND)


def find_boundary(path: Path) -> Path:
    """The git work tree holding ``path`` when it tracks it, else the scanned path itself (its
    folder for a file)."""
    start = os.path.realpath(path)
    found = _FOUND.get()
    if found is None:
        return _find_boundary(Path(start))
    if start not in found:
        found[start] = _find_boundary(Path(start))
    return found[start]


def _find_boundary(start: Path) -> Path:
    """``find_boundary`` of a path whose links are resolved: a walk up its folders, and git's index."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            if candidate == folder or _tracks(candidate, folder):
                return candidate
            return folder
    return folder


def repository_root(paths: Sequence[Path]) -> Path:
    """Where report paths start (docs/architecture.md#report-paths): the git work tree holding the
    first scanned path, else the folder the scanned paths share, so that ``cd infra && snclint
    scan .`` and ``snclint scan infra`` name files alike."""
    if not paths:
        return Path.cwd().resolve()
    boundary = find_boundary(paths[0])
    if (boundary / ".git").exists():
        return boundary
    folders = [str(p if p.is_dir() else p.parent) for p in (q.resolve() for q in paths)]
    return Path(os.path.commonpath(folders))


def _tracks(work_tree: Path, folder: Path) -> bool:
    """True when the index of ``work_tree`` lists a file at or below ``folder``, or when there is
    no index at all (a repository where nothing was ever staged: nothing says it is not the
    project's). Only the index is read (never a hook, a config or an object): git itself is not
    run, as a hostile repository's configuration could make it run commands."""
    git_dir = _git_dir(work_tree)
    if git_dir is None:
        return False
    index = git_dir / "index"
    try:
        stat = os.lstat(index)
    except OSError:
        return True
    prefix = folder.relative_to(work_tree).as_posix().encode("utf-8", "surrogateescape") + b"/"
    return _index_lists(str(index), (stat.st_ino, stat.st_size, stat.st_mtime_ns), prefix)


def _index_lists(index: str, version: tuple[int, int, int], prefix: bytes) -> bool:
    """True when the index file lists a name starting with ``prefix``."""
    names = _index_names(index, version)
    at = bisect.bisect_left(names, prefix)
    return at < len(names) and names[at].startswith(prefix)


@functools.lru_cache(maxsize=4)
def _index_names(index: str, version: tuple[int, int, int]) -> tuple[bytes, ...]:
    """The names the index file lists, sorted. Asked for several folders per scan (the repository
    root, each path's boundary, each folder of the files pre-commit passes), it reads the index
    once: parsing it costs about 2 ms per thousand files. ``version`` (inode, size, time) keys the
    answer to the file as it is."""
    from dulwich.index import read_index

    try:
        data = read_regular(Path(index), limits.GIT_INDEX_BYTES, told=False)
        return tuple(sorted(entry.name for entry in read_index(io.BytesIO(data))))
    except Exception:  # noqa: BLE001 - an unreadable or corrupt index tracks nothing
        return ()


def _git_dir(work_tree: Path) -> Path | None:
    """``.git`` itself, or where a ``.git`` file (a linked work tree, a submodule) points."""
    dot_git = work_tree / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = read_regular(dot_git, 4096, told=False).decode("utf-8", "replace")
    except NotReadable:
        return None
    if not text.startswith("gitdir:"):
        return None
    target = Path(text[len("gitdir:"):].strip())
    return target if target.is_absolute() else work_tree / target


def inside(path: Path, boundaries: Sequence[Path]) -> bool:
    """True when ``path`` (links resolved) is within one of ``boundaries`` and not in its ``.git``."""
    real = os.path.normcase(os.path.realpath(path))  # strings: no Path built per call (hot)
    for boundary in boundaries:
        base = os.path.normcase(str(boundary))
        if real == base:
            return True
        prefix = base if base.endswith(os.sep) else base + os.sep
        if real.startswith(prefix):
            return ".git" not in real[len(prefix):].split(os.sep)
    return False


def boundary_of(path: Path, boundaries: Sequence[Path]) -> Path:
    """The boundary of the scanned path ``path`` came from: the one holding it, its own name's link
    not followed (a link into another scanned path's tree stays confined to its own); the first when
    none holds it (standard input)."""
    full = Path(os.path.abspath(path))
    here = Path(os.path.realpath(full.parent)) / full.name
    return next((b for b in boundaries if b == here or b in here.parents), boundaries[0])


def display(path: Path, cwd: Path) -> str:
    """Posix path relative to the working directory when below it, else as given."""
    try:
        return path.relative_to(cwd).as_posix() or "."
    except ValueError:
        return os.path.relpath(path, cwd).replace(os.sep, "/")


def printable_name(name: str) -> str:
    """A file name that is not valid UTF-8, with its undecodable bytes as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def scan_boundaries(paths: Sequence[str], cwd: Path) -> tuple[Path, ...]:
    """The boundaries of a scan of ``paths`` (``-`` excluded), none inside another. They depend on
    git's files (``.git``, the index), which are not told to the read log: the whole-scan memo keys
    its entries by these instead, so that a ``git add`` does not make every kept scan stale."""
    found = [find_boundary(p) for p in _given(paths, cwd) if os.path.lexists(p)] or [Path(os.path.realpath(cwd))]
    return tuple(b for b in dict.fromkeys(found) if not any(o in b.parents for o in found))


def _given(paths: Sequence[str], cwd: Path) -> list[Path]:
    """The scanned paths (``-`` excluded), relative ones taken from ``cwd``."""
    return [Path(p) if Path(p).is_absolute() else cwd / p for p in paths if p != "-"]


def discover(paths: Sequence[str], cwd: Path, claims: Sequence[Claim], skipped: Collection[str] = ()) -> Inputs:
    """Sort the given paths (``-`` excluded) into the files each claim takes; folders named in
    ``skipped`` are not walked."""
    real = _given(paths, cwd)
    boundaries = scan_boundaries(paths, cwd)
    read_log.bounded(boundaries)
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for path in real:
        if not os.path.lexists(path):
            raise UsageError(f"{display(path, cwd)}: no such file or directory")
        own = find_boundary(path)  # each path confined to its own boundary (or the one holding it)
        confined = (next(b for b in boundaries if b == own or b in own.parents),)
        if path.is_dir():
            _walk(path, confined, cwd, found, problems, claims, skipped)
        else:
            # a file name (pre-commit): take its whole folder, its module or manifest set
            claim = by_name(path.name, claims)
            if claim is None:
                continue
            if claim.named_only:  # a var file: it feeds a root module, which its frontend finds
                found[display(path, cwd)] = claim.kind
                continue
            for sibling in folder_files(path.parent, confined, cwd, problems, claims):
                if by_name(sibling.name, claims) is claim:
                    _add(sibling, cwd, found, claims)
    files: dict[str, list[str]] = {}
    for shown, kind in sorted(found.items()):
        files.setdefault(kind, []).append(shown)
    return Inputs(files={kind: tuple(shown) for kind, shown in files.items()}, problems=tuple(problems),
                  boundaries=boundaries, file_names=any(p.is_file() for p in real))


def _add(path: Path, cwd: Path, found: dict[str, str], claims: Sequence[Claim]) -> None:
    claim = claim_of(path, claims)
    if claim is None or claim.named_only:  # a walk leaves them: they are read only when named
        return
    found[display(path, cwd)] = claim.kind


def walk(root: Path, problems: list[Problem] | None = None, cwd: Path | None = None,
         skipped: Collection[str] = ()) -> Iterator[tuple[Path, list[str]]]:
    """Each folder below ``root`` (itself included) with its sorted entry names that are not
    folders, top-down, iteratively: no recursion, links to folders not followed, skipped folders
    (``.git``, caches, those named in ``skipped`` such as ``.terraform``) left out, folders deeper
    than ``limits.DIRECTORY_DEPTH`` and names that are not UTF-8 reported into ``problems``."""
    for folder, names, _ in _listings(root, problems, cwd, skipped):
        yield folder, names


def _listings(root: Path, problems: list[Problem] | None, cwd: Path | None,
              skipped: Collection[str] = ()) -> Iterator[tuple[Path, list[str], set[str]]]:
    """``walk``, with the names among each folder's that are symbolic links (as its listing said:
    no ``lstat`` per file)."""
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        base = str(folder)
        try:
            with os.scandir(base) as entries:
                listed = sorted((e.name, e.is_dir(follow_symlinks=False), e.is_symlink()) for e in entries)
        except OSError:
            read_log.folder_listed(folder)
            continue
        read_log.folder_listed(folder, listed)
        names: list[str] = []
        links: set[str] = set()
        below: list[Path] = []
        for name, is_dir, is_link in listed:
            if not _decodable(name):
                if problems is not None:
                    _note(problems, folder / printable_name(name), cwd,
                          "name is not valid UTF-8: not read")
                continue
            if not is_dir:
                names.append(name)
                if is_link:
                    links.add(name)
            elif (name not in SKIPPED_DIRS and name not in skipped
                  and not os.path.isfile(os.path.join(base, name, "CACHEDIR.TAG"))):
                below.append(folder / name)
            elif name not in SKIPPED_DIRS and name not in skipped:
                read_log.folder_listed(folder / name)  # left out for its tag: unless the tag goes
        yield folder, names, links
        if below and depth + 1 > limits.DIRECTORY_DEPTH:
            if problems is not None:
                _note(problems, folder, cwd, f"folders nested deeper than {limits.DIRECTORY_DEPTH} "
                                             "levels below the scanned path: not read")
            continue
        stack.extend((b, depth + 1) for b in reversed(below))


def _decodable(name: str) -> bool:
    if name.isascii():  # most names: no encoding to try
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _note(problems: list[Problem], path: Path, cwd: Path | None, message: str) -> None:
    shown = display(path, cwd) if cwd is not None else path.as_posix()
    problem = Problem(location=Location(shown, 1), message=message)
    if problem not in problems:
        problems.append(problem)


def _walk(root: Path, boundaries: Sequence[Path], cwd: Path, found: dict[str, str],
          problems: list[Problem], claims: Sequence[Claim], skipped: Collection[str]) -> None:
    ranks = _Ranks(claims)
    for folder, names, links in _listings(root, problems, cwd, skipped):
        shown = display(folder, cwd)  # a file's is its folder's and its name: no path parsed per file
        # links to folders are listed among names (not followed): a link leaving is reported
        for name, full in _checked(folder, names, boundaries, cwd, problems, ranks, links):
            claim = claim_of(full, claims, ranks[name])
            if claim is not None and not claim.named_only:  # a walk leaves those: read only when named
                found[name if shown == "." else f"{shown}/{name}"] = claim.kind


def folder_files(folder: Path, boundaries: Sequence[Path], cwd: Path, problems: list[Problem],
                 claims: Sequence[Claim]) -> Iterable[Path]:
    """The files of one folder (not below) that one of ``claims`` takes by name and that may be
    read: regular, within the boundaries, under the size limit (the others reported)."""
    for listed, names, links in _listings(folder, problems, cwd):
        return (Path(full) for _, full in _checked(listed, names, boundaries, cwd, problems, _Ranks(claims), links))
    return []


def _checked(folder: Path, names: Iterable[str], boundaries: Sequence[Path], cwd: Path,
             problems: list[Problem], ranks: _Ranks, links: Collection[str]) -> Iterator[tuple[str, str]]:
    """(name, path) of each file that a claim takes by name and that may be read; ``links``: the
    names that are symbolic links."""
    base = os.path.join(str(folder), "")  # ``os.path.join(folder, name)`` is ``base + name``
    for name in names:
        full = base + name
        link = name in links
        if not ranks[name]:
            if link and os.path.isdir(full):
                _refused(Path(full), boundaries, cwd, problems)  # a folder link leaving is reported
            continue
        if link and _refused(Path(full), boundaries, cwd, problems):
            continue
        try:
            size = check_regular(full)
        except NotReadable as why:
            if os.path.isdir(full):
                continue  # a link to a folder inside the boundary: its own path is walked
            read_log.file_read(full, None, missing=not os.path.lexists(full))  # left: as a failed read
            _note(problems, Path(full), cwd, str(why))
            continue
        if size > MAX_FILE_BYTES:
            read_log.file_read(full, None)  # left unread: no kept scan stands for it
            _note(problems, Path(full), cwd, f"file of {size} bytes is over the {MAX_FILE_BYTES}-byte limit: not read")
            continue
        yield name, full


def _refused(path: Path, boundaries: Sequence[Path], cwd: Path, problems: list[Problem]) -> bool:
    """True for a link that points outside the boundary or into ``.git`` (reported once)."""
    if inside(path, boundaries):
        return False
    real = Path(os.path.realpath(path))
    into_git = any(b in real.parents and ".git" in real.relative_to(b).parts for b in boundaries)
    _note(problems, path, cwd, "symbolic link into .git: not followed" if into_git
          else "symbolic link leaves the scanned repository: not followed")
    return True
