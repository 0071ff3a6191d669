"""A parse cache: the IR of a file is a pure function of (loader, loader version, file bytes).

Entries live in the user's cache directory (``$SNCLINT_CACHE_DIR``, else
``$XDG_CACHE_HOME/snclint``, else ``~/.cache/snclint``), never in the scanned repository, as JSON
(``ir_json``: never pickle, a planted file must not run code). The key is the sha256 of the bytes,
the loader and the name suffixes the loader may look at; the directory is named after a
fingerprint of the versions of the package and of the parsers, and of the sources of the loader's
module, of its siblings named alike (``hcl*.py`` for ``hcl.py``: imported lazily, maybe) and of the
``linter`` modules they use (an editable install changes code without changing its version; an
edit elsewhere in the package does not empty the cache).

Why entries are authenticated (HMAC-SHA256 with a per-user key, ``cache_store``) rather than
only content-addressed: the key of an entry is computable by anyone who can read the scanned file,
so content addressing proves which *input* an entry claims to be about, never that its *output*
is what the parser gives — a well-formed planted entry (a tag ``particuliere`` turned
``standard``) would be trusted. A MAC over (format, key, entry) with a secret only the user can
read makes any entry the user's snclint did not write a miss, wherever it came from (a shared
``$SNCLINT_CACHE_DIR``, a restored CI cache, another user). Anything wrong with an entry (missing,
corrupted, forged, foreign, unwritable or unsafe directory) is a miss: the cache can make a scan
faster, never different.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import sys
import time
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable

from linter import __version__, limits
from linter.loaders import cache_store
from linter.loaders.cache_store import Unsafe, hmac_key, open_folder, open_root, read_file, write_file

if TYPE_CHECKING:  # the IR and its codec: imported when a file is parsed, not by a scan kept whole
    from linter.loaders.ir import ConfigFile

Loader = Callable[[str, str], "ConfigFile"]

FORMAT = "snclint-ir-2"
PARSERS = ("python-hcl2", "lark", "tree-sitter", "tree-sitter-hcl")  # their versions key the cache
PRUNE_EVERY = 24 * 3600  # seconds between two walks of the cache
VERSIONS_FORMAT = "snclint-versions-1"
VERSIONS_SECTION = "versions"  # the cache folder of ``_metadata_versions``
KEYING = (*PARSERS, "PyYAML")  # what parses: keys the caches (PyYAML, the compiled knowledge's)
MODULES = {"python-hcl2": "hcl2", "lark": "lark", "tree-sitter": "tree_sitter", "tree-sitter-hcl": "tree_sitter_hcl",
           "PyYAML": "yaml"}  # the module each of ``KEYING`` is imported as
RACY_NS = 2_000_000_000  # as ``loaders.file_digests``: a folder changed this recently may change again unseen
# the names ``prune`` removes (once a day): compiled when first used (``re``'s own cache), not at every start
_KEY = r"^[0-9a-f]{64}\.(json|out)$"  # sealed entries; documents (``KeptFile``)
_VERSION = r"^[0-9a-f]{16}$"
_SHARD = r"^[0-9a-f]{2}$"
_SECTION = r"^[a-z]+$"
_STATES: dict[str, bytes | str] = {}  # per cache root: its HMAC key, or why it is off
_SEAL_BYTES = 64  # an HMAC-SHA256 in hexadecimal, the first line of a sealed entry
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# snclint parse cache: safe to delete at any time.\n"


def cache_dir() -> Path | None:
    """The cache root; None when there is no usable home to put it in."""
    explicit = os.environ.get("SNCLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "snclint"
    try:
        return Path.home() / ".cache" / "snclint"
    except RuntimeError:  # no home directory
        return None


def decode_text(data: bytes) -> str:
    """Bytes as the loaders get them from a file opened in text mode: utf-8 (undecodable bytes
    replaced) with universal newlines."""
    text = data.decode("utf-8", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def load_cached(path: str, data: bytes, loader: Loader, *, directory: Path | None = None) -> ConfigFile:
    """``loader(path, decode_text(data))``, read from the cache when this exact input was parsed
    before, written to it otherwise. ``directory`` defaults to ``cache_dir()``."""
    kept = entry(path, data, loader, directory=directory)
    found = kept.read(path) if kept is not None else None
    return found if found is not None else parse_into(kept, path, data, loader)


def lookup(path: str, data: bytes, loader: Loader, *, directory: Path | None = None) -> ConfigFile | None:
    """The cached IR of this input, None on a miss (nothing is parsed or written)."""
    kept = entry(path, data, loader, directory=directory)
    return kept.read(path) if kept is not None else None


def parse_into(kept: Entry | None, path: str, data: bytes, loader: Loader) -> ConfigFile:
    """``loader(path, decode_text(data))``, written as ``kept`` (an entry just found missing: it is
    not looked up again)."""
    config = loader(path, decode_text(data))
    if kept is not None:
        kept.write(config)
    return config


class Entry:
    """Where one input's IR is kept: the cache root, the version folder and the key, with the
    root's HMAC key. A plain class: this module is imported by every scan, a dataclass costs at import."""

    __slots__ = ("root", "version", "key", "secret")

    def __init__(self, root: Path, version: str, key: str, secret: bytes) -> None:
        self.root, self.version, self.key, self.secret = root, version, key, secret

    def read(self, path: str) -> ConfigFile | None:
        """The kept IR, as ``path``'s; None when missing or not to be trusted."""
        from linter.loaders.ir import ConfigFile

        found = _read(self.root, self.version, self.key, self.secret)
        return ConfigFile(path, found.body, found.errors) if found is not None else None

    def write(self, config: ConfigFile) -> None:
        _write(self.root, self.version, self.key, self.secret, config)


def entry(path: str, data: bytes, loader: Loader, *, directory: Path | None = None) -> Entry | None:
    """Where this input's IR is kept; None when it is not to be cached (the cache off, a loader
    without a stable name, an input over ``limits.CACHE_INPUT_BYTES``)."""
    root = directory or cache_dir()
    loader_id = _loader_id(loader)
    if root is None or loader_id is None or len(data) > limits.CACHE_INPUT_BYTES:
        return None
    secret = _state(root)
    if isinstance(secret, str):
        return None
    key = _key(loader_id, path, data)
    return Entry(root, fingerprint(_function(loader).__module__)[:16], key, secret)


def status(directory: Path | None = None) -> str | None:
    """None when the cache can be used, else a note saying why it is off."""
    root = directory or cache_dir()
    if root is None:
        return "parse cache off: no home directory to keep it in"
    state = _state(root)
    return state if isinstance(state, str) else None


def _has(folder: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return False
    return True


def _state(root: Path) -> bytes | str:
    """The root's HMAC key (the root created and checked first), or the note saying why not."""
    if str(root) not in _STATES:
        try:
            fd = open_root(root, create=True)
            try:
                _STATES[str(root)] = hmac_key(fd)
                if not _has(fd, "CACHEDIR.TAG"):  # once: not a temporary file and a link at each run
                    write_file(fd, "CACHEDIR.TAG", _TAG.encode("ascii"), exclusive=True)
            finally:
                os.close(fd)
        except Unsafe as why:
            _STATES[str(root)] = f"parse cache off: {root} {why}"
    return _STATES[str(root)]


def _function(loader: Any) -> Any:
    return _function(loader.func) if isinstance(loader, functools.partial) else loader


@functools.cache
def fingerprint(module: str) -> str:
    """What the IR a loader of ``module`` gives depends on besides the input: versions, and the
    sources of ``module`` and of the ``linter`` modules it uses, directly or not."""
    from linter import __version__

    digest = hashlib.sha256(f"{FORMAT}|{__version__}{parser_versions()}".encode())
    used = _linter_modules({module, __name__})
    sources = {Path(getattr(sys.modules[name], "__file__", None) or name) for name in used}
    here = Path(__file__).parent  # the IR and its codec, which entries are written in (imported when used)
    sources.update((here / "ir.py", here / "ir_json.py"))
    source = getattr(sys.modules.get(module), "__file__", None)
    if source:  # siblings named alike: hcl_ts*.py beside hcl.py, imported lazily
        sources.update(Path(source).parent.glob(Path(source).stem + "*.py"))
    for path in sorted(sources):
        try:
            digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
        except OSError:
            digest.update(f"\0{path.name}\0?".encode())
    return digest.hexdigest()


@functools.cache
def parser_versions() -> str:
    """The parsers' versions (``installed_versions``: read once per process), and
    which HCL parser is forced (``SNCLINT_HCL_PARSER``): a result of the other one never answers."""
    from linter.loaders import PARSER_ENV

    out = f"|{PARSER_ENV}={os.environ.get(PARSER_ENV, '')}"
    versions = installed_versions()
    for package in PARSERS:
        out += f"|{package}={versions[package]}"
    return out


@functools.cache
def installed_versions(enabled: bool = True) -> dict[str, str]:
    """The versions of the libraries that parse (``KEYING``; "none" for one not installed), which
    key the caches: each one's ``*.dist-info`` folder beside the module it is imported as
    (``installed_beside``), and for those it does not tell, their metadata (``importlib.metadata``,
    read once per install: ``_metadata_versions``). A reinstall changes the version in the folder's
    name, or the metadata. ``enabled``: False with ``--no-cache`` (nothing read from the cache nor
    written to it)."""
    listings: dict[str, list[str]] = {}
    versions = {name: installed_beside(name, MODULES[name], listings) for name in KEYING}
    if None in versions.values():
        read = _metadata_versions(enabled)
        return {name: version or read[name] for name, version in versions.items()}
    return {name: version for name, version in versions.items() if version is not None}


def installed_beside(distribution: str, module: str, listings: dict[str, list[str]] | None = None) -> str | None:
    """The version of ``distribution`` as the one ``*.dist-info`` folder of that name beside
    ``module`` (where it would be imported from; it is not imported) names it
    (``python_hcl2-8.1.4.dist-info``: an installer writes it with the files it installs, a
    reinstall renames it); None when that is not conclusive (the module not found, a namespace
    package, an editable or ``.egg-info`` install, an ``.egg-info`` of that name beside it too, no
    such folder or several). Costs a look-up of the import path and a listing of a folder (kept in ``listings``), where
    ``importlib.metadata`` costs a scan about 30 ms (importing ``email``, ``zipfile``, ``csv``…,
    and searching every folder of the import path per name)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.has_location or not spec.origin:  # not installed, a namespace package
        return None
    folder = os.path.dirname(spec.origin)
    if spec.submodule_search_locations is not None:  # a package: ``origin`` is its ``__init__``
        folder = os.path.dirname(folder)
    listings = {} if listings is None else listings
    if folder not in listings:
        try:
            listings[folder] = os.listdir(folder)
        except OSError:
            listings[folder] = []
    wanted = _normal(distribution)
    # an ``.egg-info`` of that name too (a legacy or distribution-packaged install over it, which
    # leaves the ``.dist-info``) makes it inconclusive: which one installed the module is unknown
    found = [version for name, _, version in
             (entry.partition("-") for entry in listings[folder] if entry.endswith((".dist-info", ".egg-info")))
             if _normal(name.removesuffix(".egg-info")) == wanted]
    if len(found) != 1 or not found[0].endswith(".dist-info"):
        return None
    return found[0].removesuffix(".dist-info") or None


def _normal(name: str) -> str:
    """A distribution's name as installers spell it in folder names (PEP 503, ``-`` for ``_``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata_versions(enabled: bool) -> dict[str, str]:
    """``KEYING``'s versions from their metadata, which they change only when a distribution is
    installed or removed, which adds or removes a ``*.dist-info`` folder in a folder of the import
    path and so changes that folder's times: they are kept in the cache under a key made of every
    import path entry's inode and times, and read again on any change."""
    key = _versions_key() if enabled else None
    stored = read_sealed(VERSIONS_SECTION, key, limits.COMPILED_ENTRY_BYTES) if key is not None else None
    try:
        found = json.loads(stored) if stored is not None else None
    except (ValueError, RecursionError):
        found = None
    if isinstance(found, list) and len(found) == 3 and found[:2] == [VERSIONS_FORMAT, key] \
            and isinstance(found[2], dict) and sorted(found[2]) == sorted(KEYING) \
            and all(isinstance(v, str) for v in found[2].values()):
        return found[2]
    from importlib import metadata

    versions = {}
    for name in KEYING:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "none"
    if key is not None:
        text = json.dumps([VERSIONS_FORMAT, key, versions], ensure_ascii=True).encode("ascii")
        write_sealed(VERSIONS_SECTION, key, text, limits.COMPILED_ENTRY_BYTES)
    return versions


def _versions_key() -> str | None:
    """None when a folder of the import path changed within ``RACY_NS``
    (an install still going on could change it again within its timestamps' granularity). The
    working directory is left out: it is the scanned repository (``python -m``'s first import
    path entry), edited all the time, where no library snclint parses with is installed."""
    digest = hashlib.sha256(f"{VERSIONS_FORMAT}|{__version__}|{sys.version}|{','.join(KEYING)}".encode())
    recent = time.time_ns() - RACY_NS
    here = os.path.realpath(".")
    for entry in sys.path:
        if os.path.realpath(entry or ".") == here:
            continue
        try:
            info = os.stat(entry or ".")
        except OSError:
            state = "-"
        else:
            if max(info.st_mtime_ns, info.st_ctime_ns) > recent:
                return None
            state = f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}:{info.st_ctime_ns}"
        digest.update(f"\0{entry}\0{state}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _linter_modules(start: set[str]) -> set[str]:
    """``start`` and the already imported ``linter`` modules their globals come from."""
    seen: set[str] = set()
    todo = [m for m in start if m in sys.modules]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for value in list(vars(sys.modules[name]).values()):
            used = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
            if isinstance(used, str) and (used == "linter" or used.startswith("linter.")) \
                    and used in sys.modules and used not in seen:
                todo.append(used)
    return seen


def _loader_id(loader: Any) -> str | None:
    """A stable name for a loader (a module-level function, maybe with simple keyword
    arguments); None for anything else (a lambda, a closure): such a loader is not cached."""
    if isinstance(loader, functools.partial):
        inner = _loader_id(loader.func)
        simple = all(isinstance(v, (str, int, bool, type(None))) for v in loader.keywords.values())
        if inner is None or loader.args or not simple:
            return None
        return inner + repr(sorted(loader.keywords.items()))
    module, name = getattr(loader, "__module__", None), getattr(loader, "__qualname__", "")
    if not module or not name or "<" in name:
        return None
    return f"{module}.{name}"


def name_suffixes(path: str) -> str:
    """``.auto.tfvars.json`` for ``envs/prod.auto.tfvars.json``: all a loader may read of a path
    (the rest is only copied into the result), so inputs equal in this and in bytes parse alike."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[name.find("."):] if "." in name else ""


def _key(loader_id: str, path: str, data: bytes) -> str:
    digest = hashlib.sha256(f"{loader_id}\0{name_suffixes(path)}\0".encode())
    digest.update(data)
    return digest.hexdigest()


def _mac(secret: bytes, key: str, text: bytes) -> bytes:
    seal = _seal(secret, key)
    seal.update(text)
    return seal.hexdigest().encode("ascii")


def _seal(secret: bytes, key: str) -> hmac.HMAC:
    """The HMAC of an entry kept as ``key``, before its content: the format and the key come first."""
    return hmac.new(secret, f"{FORMAT}\0{key}\0".encode(), hashlib.sha256)


def _folder(root: Path, parts: tuple[str, ...], *, create: bool) -> int | None:
    """A descriptor of ``root/parts…`` reached without following any link; None if unusable."""
    try:
        fd = open_root(root, create=False)
    except Unsafe:
        return None
    for part in parts:
        try:
            inner = open_folder(fd, part, create=create)
        except OSError:
            os.close(fd)
            return None
        os.close(fd)
        fd = inner
    return fd


def _read(root: Path, version: str, key: str, secret: bytes) -> ConfigFile | None:
    from linter.loaders import ir_json
    from linter.loaders.ir import Body, ConfigFile, ParseError

    folder = _folder(root, ("ir", version, key[:2]), create=False)
    if folder is None:
        return None
    try:
        data = read_file(folder, f"{key}.json", limits.CACHE_ENTRY_BYTES)
    finally:
        os.close(folder)
    mac, newline, text = (data or b"").partition(b"\n")
    if not newline or not hmac.compare_digest(mac, _mac(secret, key, text)):
        return None  # missing, truncated, or not written by this user's snclint
    try:
        fmt, stored_key, body, errors = ir_json.decode(text, tuple[str, str, Body, tuple[ParseError, ...]])
    except ValueError:
        return None
    if fmt != FORMAT or stored_key != key:
        return None
    return ConfigFile("", body, errors)


def _write(root: Path, version: str, key: str, secret: bytes, config: ConfigFile) -> None:
    """Atomically (temp file + rename in the same directory); failures are silent misses."""
    from linter.loaders import ir_json

    try:
        text = ir_json.encode((FORMAT, key, config.body, config.errors)).encode("ascii")
    except (TypeError, ValueError, RecursionError, UnicodeError):
        return
    folder = _folder(root, ("ir", version, key[:2]), create=True)
    if folder is None:
        return
    try:
        write_file(folder, f"{key}.json", _mac(secret, key, text) + b"\n" + text)
    finally:
        os.close(folder)


def read_sealed(section: str, key: str, limit: int) -> bytes | None:
    """The bytes another part of snclint kept as ``section/key`` with ``write_sealed`` (the
    compiled knowledge), None when missing, too large, unsafe or not sealed by this user's key."""
    root = cache_dir()
    secret = _state(root) if root is not None else ""
    if root is None or isinstance(secret, str):
        return None
    folder = _folder(root, (section,), create=False)
    if folder is None:
        return None
    try:
        data = read_file(folder, f"{key}.json", limit)
    finally:
        os.close(folder)
    mac, newline, text = (data or b"").partition(b"\n")
    if not newline or not hmac.compare_digest(mac, _mac(secret, f"{section}/{key}", text)):
        return None
    return text


def write_sealed(section: str, key: str, text: bytes, limit: int) -> None:
    """Keep ``text`` as ``section/key``, sealed as parse cache entries are; failures are silent.
    ``limit``: the one its reader gives ``read_sealed``; a larger entry is not written, since it
    would be refused when read and written again by every scan. The seal is made before the file:
    the entry is written with one call (``cache_store.write_file``), as a parse cache entry is."""
    root = cache_dir()
    secret = _state(root) if root is not None else ""
    if root is None or isinstance(secret, str) or _SEAL_BYTES + 1 + len(text) > limit:
        return
    folder = _folder(root, (section,), create=True)
    if folder is None:
        return
    try:
        write_file(folder, f"{key}.json", _mac(secret, f"{section}/{key}", text) + b"\n" + text)
    finally:
        os.close(folder)


def write_sealed_parts(section: str, key: str, parts: Iterable[bytes], limit: int) -> None:
    """``write_sealed`` of the bytes ``parts`` make, written as they come: a large entry (a scan's
    read log) is never whole in memory. The seal comes first in the file: its place is held while
    the parts are written and sealed, then filled, before the file takes the entry's name. An
    exception from ``parts`` leaves nothing written and is raised again."""
    root = cache_dir()
    secret = _state(root) if root is not None else ""
    if root is None or isinstance(secret, str):
        return
    folder = _folder(root, (section,), create=True)
    if folder is None:
        return
    try:
        made = cache_store.new_file(folder)
        if made is None:
            return
        tmp, handle = made
        seal = _seal(secret, f"{section}/{key}")
        size = _SEAL_BYTES + 1
        placed = False
        try:
            handle.write(b"0" * _SEAL_BYTES + b"\n")
            for part in parts:
                size += len(part)
                if size > limit:
                    break
                seal.update(part)
                handle.write(part)
            else:
                handle.seek(0)
                handle.write(seal.hexdigest().encode("ascii"))
                handle.close()
                placed = cache_store.place(folder, tmp, f"{key}.json")
        except OSError:
            pass
        finally:
            handle.close()
            if not placed:
                cache_store.discard(folder, tmp)
    finally:
        os.close(folder)


def open_kept(section: str, name: str) -> BinaryIO | None:
    """The document ``KeptFile`` kept as ``section/name``, opened for reading (regular, ours,
    reached without links); None when missing or the cache is off. It is not sealed: its reader
    checks its bytes against the digest of a sealed entry."""
    root = cache_dir()
    if root is None or isinstance(_state(root), str) or not re.fullmatch(r"[0-9a-f]{64}\.out", name):
        return None
    folder = _folder(root, (section,), create=False)
    if folder is None:
        return None
    try:
        return cache_store.open_file(folder, name)
    finally:
        os.close(folder)


class KeptFile:
    """A document too large to hold in memory, written to ``section`` as it goes and kept whole as
    ``<sha256 of its bytes>.out``, or not at all (over ``limit`` bytes, the cache off, a failed write)."""

    def __init__(self, section: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.digest = hashlib.sha256()
        self._folder: int | None = None
        self._file: tuple[str, BinaryIO] | None = None
        root = cache_dir()
        if root is not None and not isinstance(_state(root), str):
            self._folder = _folder(root, (section,), create=True)
            self._file = cache_store.new_file(self._folder) if self._folder is not None else None

    def write(self, data: bytes) -> None:
        if self._file is None:
            return
        self.size += len(data)
        self.digest.update(data)
        try:
            if self.size > self.limit:
                raise OSError("over the limit")
            self._file[1].write(data)
        except OSError:
            self.close(keep=False)

    def close(self, *, keep: bool = True) -> str | None:
        """The kept document's name, or None; the temporary file is removed when it is not kept."""
        name = None
        if self._file is not None and self._folder is not None:
            tmp, handle = self._file
            try:
                handle.close()
            except OSError:
                keep = False
            name = f"{self.digest.hexdigest()}.out"
            if not (keep and cache_store.place(self._folder, tmp, name)):
                cache_store.discard(self._folder, tmp)
                name = None
        if self._folder is not None:
            os.close(self._folder)
        self._file = self._folder = None
        return name


def prune(root: Path | None = None, *, max_bytes: int = limits.CACHE_BYTES, force: bool = False) -> int:
    """Keep the cache under ``max_bytes`` by removing the oldest entries (all versions, and the
    sealed sections' too), and leftover temporary files; at most once per ``PRUNE_EVERY`` unless
    ``force``. Only names this module writes are ever removed. Returns how many files were removed."""
    root = root or cache_dir()
    if root is None or isinstance(_state(root), str):
        return 0
    base = root / "ir"
    stamp = base / ".pruned"
    try:
        if not force and time.time() - stamp.stat().st_mtime < PRUNE_EVERY:
            return 0
    except OSError:
        pass
    entries: list[tuple[float, int, str]] = []
    removed = 0
    for path, stat in _cache_files(base) + _sealed_files(root):
        if Path(path).name.startswith(".tmp-"):
            if time.time() - stat.st_mtime > PRUNE_EVERY:
                removed += _unlink(path)
        else:
            entries.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total > max_bytes:
        for _, size, path in sorted(entries):  # oldest first, down to 80 % of the bound
            if total <= max_bytes * 0.8:
                break
            removed += _unlink(path)
            total -= size
    try:
        stamp.touch()
    except OSError:
        pass
    return removed


def _cache_files(base: Path) -> list[tuple[str, os.stat_result]]:
    """Entry and temporary files under ``base/<version>/<shard>/`` (links are never followed)."""
    found: list[tuple[str, os.stat_result]] = []
    try:
        for version in os.scandir(base):
            if not (re.match(_VERSION, version.name) and version.is_dir(follow_symlinks=False)):
                continue
            for shard in os.scandir(version.path):
                if not (re.match(_SHARD, shard.name) and shard.is_dir(follow_symlinks=False)):
                    continue
                for entry in os.scandir(shard.path):
                    if (re.match(_KEY, entry.name) or entry.name.startswith(".tmp-")) \
                            and entry.is_file(follow_symlinks=False):
                        found.append((entry.path, entry.stat(follow_symlinks=False)))
    except OSError:
        pass
    return found


def _sealed_files(root: Path) -> list[tuple[str, os.stat_result]]:
    """Entry and temporary files of the sections ``write_sealed`` keeps (``root/<section>/``): the
    compiled knowledge, kept root modules and scans; one budget for the whole cache."""
    found: list[tuple[str, os.stat_result]] = []
    try:
        for section in os.scandir(root):
            if section.name == "ir" or not re.match(_SECTION, section.name) \
                    or not section.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(section.path):
                if (re.match(_KEY, entry.name) or entry.name.startswith(".tmp-")) \
                        and entry.is_file(follow_symlinks=False):
                    found.append((entry.path, entry.stat(follow_symlinks=False)))
    except OSError:
        pass
    return found


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
        return 1
    except OSError:
        return 0
