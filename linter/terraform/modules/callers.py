"""Which modules call a folder: what pre-commit needs when it passes a child module's file.

A staged ``modules/db/main.tf`` says nothing on its own (its variables come from its callers), so
the folders that call it as a local module source — directly or through other modules — are
scanned too, and the child is evaluated as part of each. Only ``.tf`` files that name the
folder are parsed to find out.
"""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Collection, Iterable, Sequence

from linter import limits
from linter.discovery import display, walk
from linter.files import NotReadable, read_regular
from linter.loaders.hcl import load_hcl
from linter.module_sources import is_local_source
from linter.terraform.language.literals import literal_string
from linter.terraform.modules.file_kinds import SKIPS, is_module_file
from linter.terraform.modules.reader import join

MAX_DEPTH = limits.CALLER_DEPTH


def caller_files(folders: Iterable[str], boundary: Path | Sequence[Path], cwd: Path,
                 skipped: Collection[str] = SKIPS) -> list[str]:
    """The Terraform files (posix, relative to ``cwd``) of every folder inside ``boundary`` that
    calls one of ``folders``, transitively; folders named in ``skipped`` are not walked."""
    every = [f for b in ((boundary,) if isinstance(boundary, Path) else boundary) for f in _all_files(b, cwd, skipped)]
    candidates = [(f, p) for f, p in every if p.endswith(".tf")]
    wanted = set(folders)
    callers: set[str] = set()
    for _ in range(MAX_DEPTH):
        found = {folder for folder, path in candidates if folder not in wanted | callers
                 and _calls(path, folder, wanted | callers, cwd)}
        if not found:
            break
        callers |= found
    return sorted(path for folder, path in every if folder in callers)


def _all_files(boundary: Path, cwd: Path, skipped: Collection[str]) -> list[tuple[str, str]]:
    out = []
    for folder, names in walk(boundary, skipped=skipped):
        for name in names:
            if is_module_file(name):
                path = display(folder / name, cwd)
                out.append((posixpath.dirname(path) or ".", path))
    return out


def _calls(path: str, folder: str, targets: set[str], cwd: Path) -> bool:
    try:
        data = read_regular(cwd / path, limits.HCL_BYTES)
    except NotReadable:
        return False
    # cheap filter before parsing: a caller names the target folder's last component
    if b"module" not in data or not any(posixpath.basename(t).encode() in data for t in targets):
        return False
    config = load_hcl(path, data.decode("utf-8", errors="replace"))
    for block in config.body.blocks_of("module"):
        attr = block.body.attribute("source")
        source = literal_string(attr.expr) if attr else None
        if source and is_local_source(source) and join(folder, source) in targets:
            return True
    return False
