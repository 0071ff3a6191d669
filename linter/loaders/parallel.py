"""Parsing the Terraform files of a scan up front: cache hits in this process, misses in worker
processes when there are many of them (``--jobs``).

Parsing is most of a cold scan's time and each file is independent, so it spreads over cores;
the IR comes back pickled, which is fine between our own processes (the cache itself never
pickles). Reading problems are not reported here: a file that cannot be read or parsed is left
out, and the frontend's reader, which reads every file anyway, reports it.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from linter import limits
from linter.files import NotReadable, read_regular
from linter.loaders.cache import Loader, decode_text, load_cached, lookup, name_suffixes, prune
from linter.loaders.hcl import load_hcl
from linter.loaders.ir import ConfigFile

if TYPE_CHECKING:
    from concurrent.futures import Executor

PARALLEL_MIN_FILES = 64  # below this, starting workers costs more than it saves
# Sending a file's IR back costs about a quarter of parsing it (pickling in the worker, unpickling
# here: on 2 cores, 12,469 files took 6.3 s of CPU time parsed here, 7.9 s in two workers plus
# 1.6 s here to receive them), so two workers save little wall time for much CPU time, and lose
# both on a busy machine: files are parsed in workers from three on.
MIN_PARSE_WORKERS = 3
MAX_FILE_BYTES = limits.HCL_BYTES  # the loaders refuse more: the reader reports those itself

Item = tuple[str, bytes]


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


def effective_jobs(jobs: int) -> int:
    """``--jobs``: 0 or less means one per usable CPU."""
    if jobs > 0:
        return jobs
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def parse_all(paths: Sequence[str], *, jobs: int, cache: bool, cwd: Path | None = None,
              directory: Path | None = None) -> dict[str, ConfigFile]:
    """The IR of each readable file among ``paths`` (relative to ``cwd``), by path. ``jobs=1``
    parses in this process; otherwise more than ``PARALLEL_MIN_FILES`` misses go to workers
    (``MIN_PARSE_WORKERS`` of them at least).
    Files with the same bytes and name suffixes (copied ``versions.tf``…) are parsed once."""
    base = cwd or Path.cwd()
    same: dict[tuple[str, bytes], list[str]] = {}
    for path in dict.fromkeys(paths):
        data = _read(base / path)
        if data is not None:
            same.setdefault((name_suffixes(path), data), []).append(path)
    parsed: dict[str, ConfigFile] = {}
    misses: list[Item] = []
    for (_, data), (path, *_) in same.items():
        hit = lookup(path, data, loader_for(path), directory=directory) if cache else None
        if hit is not None:
            parsed[path] = hit
        else:
            misses.append((path, data))
    workers = min(effective_jobs(jobs), len(misses) // 8 or 1)
    if workers >= MIN_PARSE_WORKERS and len(misses) > PARALLEL_MIN_FILES:
        parsed.update(_in_workers(misses, workers, cache, directory))
    else:
        parsed.update(parse_chunk(misses, cache, directory))
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


def parse_chunk(items: Sequence[Item], cache: bool, directory: Path | None) -> list[tuple[str, ConfigFile]]:
    """Runs in a worker (or in this process): a file whose loader raises is left out."""
    out: list[tuple[str, ConfigFile]] = []
    for path, data in items:
        try:
            out.append((path, parse_bytes(path, data, cache=cache, directory=directory)))
        except Exception:  # noqa: BLE001 - the reader parses it again and reports the error
            continue
    return out


def _in_workers(items: list[Item], workers: int, cache: bool,
                directory: Path | None) -> list[tuple[str, ConfigFile]]:
    """Chunks of a few files each (large enough to amortise the transfer, small enough to
    balance); a chunk whose worker fails (a broken pool, a result too deep to pickle) is parsed
    here instead, so the outcome never depends on the pool."""
    size = max(4, min(64, len(items) // (workers * 4)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    out: list[tuple[str, ConfigFile]] = []
    done: set[int] = set()
    try:
        with _pool(workers) as pool:
            futures = [pool.submit(parse_chunk, chunk, cache, directory) for chunk in chunks]
            for index, future in enumerate(futures):
                try:
                    out.extend(future.result())
                    done.add(index)
                except Exception:  # noqa: BLE001 - parsed in-process below
                    continue
    except (OSError, RuntimeError, ValueError):  # no processes on this platform or sandbox
        pass
    for index, chunk in enumerate(chunks):
        if index not in done:
            out.extend(parse_chunk(chunk, cache, directory))
    return out


def _pool(workers: int) -> Executor:
    """Forked workers start in milliseconds with everything imported; elsewhere the default.
    Imported here: a small scan (the pre-commit case) never pays for it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)
