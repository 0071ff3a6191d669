"""A scan's options and what every scan does first, apart from the scan itself: a scan kept whole
(``linter.scan_memo``) is given back with none of the graph, the rules or their libraries loaded."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from linter.discovery import display, repository_root


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanOptions:
    """What a scan is asked to do, apart from the config and the knowledge it is given."""

    paths: tuple[str, ...] = (".",)
    stdin: bytes | None = None
    var_files: tuple[str, ...] = ()
    variables: Mapping[str, str] = field(default_factory=dict)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    today: date = field(default_factory=date.today)
    jobs: int = 1  # parsing processes: 1 in this process, 0 one per CPU (many files only)
    cache: bool = False  # the parse cache in the user's cache directory (the CLI turns it on)
    progress: Callable[[str], None] | None = None  # told each stage as it starts (a terminal's stderr)


def anchored(options: ScanOptions, cwd: Path) -> tuple[ScanOptions, Path]:
    """The options with every path absolute or relative to the repository root, and that root:
    report paths are then the same whatever the working directory (docs/architecture.md#report-paths)."""
    given = [_absolute(cwd, p) for p in options.paths if p != "-"]
    root = repository_root(given)
    paths = tuple("-" if p == "-" else display(_absolute(cwd, p), root) for p in options.paths)
    var_files = tuple(display(_absolute(cwd, p), root) for p in options.var_files)
    return replace(options, paths=paths, var_files=var_files), root


def _absolute(cwd: Path, path: str) -> Path:
    """Absolute, with links resolved in the folders above but not in the path's own name (a
    link given on the command line is still checked against the boundary)."""
    full = Path(os.path.abspath(cwd / path))
    return Path(os.path.realpath(full.parent)) / full.name if full.name else Path(os.path.realpath(full))


def now() -> str:
    """The report's timestamps: UTC, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
