"""Parsing the Terraform files of a scan up front, files of the same bytes once, and how many
processes a scan may use (``--jobs``).

Files are parsed in the process that evaluates them: a large scan's worker processes
(``linter.terraform.modules.root_pool``) each parse their own share of the folders, since sending
a file's IR from one process to another costs about a quarter of parsing it. Reading problems are
not reported here: a file that cannot be read or parsed is left out, and the frontend's reader,
which reads every file anyway, reports it.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, Sequence

from linter import limits
from linter.files import NotReadable, read_regular
from linter.loaders.cache import Entry, Loader, decode_text, entry, load_cached, name_suffixes, parse_into, prune
from linter.loaders.hcl import load_hcl
from linter.loaders.ir import ConfigFile

MAX_FILE_BYTES = limits.HCL_BYTES  # the loaders refuse more: the reader reports those itself

Miss = tuple[str, bytes, Entry | None]  # a file the cache does not hold, and its entry


def loader_for(path: str, *, tfvars: bool = False) -> Loader:
    """The loader the frontend uses for ``path`` (``tfvars``: a variables file, so a JSON one
    holds attributes whatever its name)."""
    if path.endswith(".json"):
        from linter.loaders.tf_json import load_tf_json  # on use: it imports python-hcl2 (start-up time)

        return functools.partial(load_tf_json, tfvars=True) if tfvars else load_tf_json
    return load_hcl


def parse_bytes(path: str, data: bytes, *, cache: bool, tfvars: bool = False,
                directory: Path | None = None) -> ConfigFile:
    loader = loader_for(path, tfvars=tfvars)
    if cache:
        return load_cached(path, data, loader, directory=directory)
    return loader(path, decode_text(data))


def parse_text(path: str, text: str, *, cache: bool, tfvars: bool = False) -> ConfigFile:
    """For a caller that already read the file in text mode (utf-8, universal newlines)."""
    if cache:
        try:
            return parse_bytes(path, text.encode("utf-8"), cache=True, tfvars=tfvars)
        except UnicodeEncodeError:  # lone surrogates would not survive the round trip
            pass
    return loader_for(path, tfvars=tfvars)(path, text)


def parse_all(paths: Sequence[str], *, cache: bool, cwd: Path | None = None, directory: Path | None = None,
              read: Callable[[str], bytes | None] | None = None) -> dict[str, ConfigFile]:
    """The IR of each readable file among ``paths`` (relative to ``cwd``), by path. Files with
    the same bytes and name suffixes (copied ``versions.tf``…) are parsed once. ``read``: how a
    path's bytes are read (None when it cannot be), for a caller that keeps them."""
    base = cwd or Path.cwd()
    read_bytes = read or (lambda path: _read(base / path))
    same: dict[tuple[str, bytes], list[str]] = {}
    for path in dict.fromkeys(paths):
        data = read_bytes(path)
        if data is not None and len(data) <= MAX_FILE_BYTES:
            same.setdefault((name_suffixes(path), data), []).append(path)
    parsed: dict[str, ConfigFile] = {}
    misses: list[Miss] = []
    for (_, data), (path, *_) in same.items():
        kept = entry(path, data, loader_for(path), directory=directory) if cache else None
        hit = kept.read(path) if kept is not None else None
        if hit is not None:
            parsed[path] = hit
        else:
            misses.append((path, data, kept))
    parsed.update(parse_chunk(misses))
    if cache and misses:
        prune(directory)
    for (_, _), (first, *copies) in same.items():
        if first in parsed:
            parsed.update((p, ConfigFile(p, parsed[first].body, parsed[first].errors)) for p in copies)
    return parsed


def _read(full: Path) -> bytes | None:
    try:
        return read_regular(full, MAX_FILE_BYTES)
    except NotReadable:
        return None


def parse_chunk(items: Sequence[Miss]) -> list[tuple[str, ConfigFile]]:
    """Each file parsed, and written to its cache entry when it has one. A file whose loader
    raises is left out."""
    out: list[tuple[str, ConfigFile]] = []
    for path, data, kept in items:
        try:
            out.append((path, parse_into(kept, path, data, loader_for(path))))
        except Exception:  # noqa: BLE001 - the reader parses it again and reports the error
            continue
    return out
