"""A whole scan's result, kept with everything the scan read: scanning an unchanged estate again is a
``stat`` of each file it read, a listing of each folder it walked and one cache entry.

Kept root modules (``terraform.modules.root_cache``) spare the evaluation, but building the graph,
the Kubernetes frontend and the rules still take seconds on a large estate. When the same scan
(same options, config, knowledge and code) ran before, and nothing it read changed since, its
result is the same: the memo gives it back with this run's timestamps. What a scan read is told by
the reading places themselves (``linter.read_log``): every file opened with the digest of its
bytes, every folder walked or listed with the digest of its entries, every module source checked
against the boundary. A scan reading standard input, or without the cache, is never kept.

Keeping and checking are ``linter.read_memo``'s (model JSON sealed with the cache's HMAC: a planted
or damaged entry is a miss, and a miss scans).
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from linter import read_log, read_memo
from linter.config import Config
from linter.discovery import scan_boundaries
from linter.knowledge import Knowledge
from linter.loaders.value_digest import code_digest, value_digest
from linter.model import ScanResult
from linter.policy_files import knowledge_digest
from linter.scan_options import ScanOptions, anchored, now

FORMAT = "snclint-scan-1"
SECTION = "scans"


def scan_result(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path | None = None) -> ScanResult:
    """``run_scan(…).result``, from the memo when nothing the same scan read before has changed."""
    cwd = cwd or Path.cwd()
    if not options.cache or options.stdin is not None:
        return _scan(options, config, knowledge, cwd)
    started = now()
    given, root = anchored(options, cwd)
    key = _key(given, root, config, knowledge, cwd)
    if key is not None:
        if options.progress is not None:
            options.progress("checking what changed since the same scan")
        kept = read_memo.recall(SECTION, FORMAT, key, root, ScanResult)
        if kept is not None:
            return replace(kept, started_at=started, finished_at=now())
    with read_log.recording() as log:
        result = _scan(options, config, knowledge, cwd)
    if key is not None:
        read_memo.keep(SECTION, FORMAT, key, log, result)
    return result


def _scan(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path) -> ScanResult:
    from linter.scan import run_scan  # on a miss only: a kept scan loads neither graph nor rules

    return run_scan(options, config, knowledge, cwd).result


def _key(given: ScanOptions, root: Path, config: Config, knowledge: Knowledge, cwd: Path) -> str | None:
    """What the result depends on besides the files it read (``given``: the options anchored at the
    repository ``root``); None when one of them cannot be told."""
    try:
        return value_digest([FORMAT, code_digest(), str(root), os.path.realpath(cwd),
                             [str(b) for b in scan_boundaries(given.paths, root)], given.paths, given.var_files,
                             sorted(given.variables.items()), given.select, given.ignore, given.strict,
                             given.today, value_digest(config), knowledge_digest(knowledge)])
    except TypeError:
        return None
