"""The Terragrunt frontend as the scan sees it (``linter.frontend_contract``): units are
``terragrunt.hcl`` files (the files they include are read through them); the folders they evaluate
are left to no other frontend."""
from __future__ import annotations

from pathlib import Path

from linter.discovery import boundary_of
from linter.frontend_contract import Claim, Frontend, Loaded, Request
from linter.model import Fragment

UNITS = Claim(kind="terragrunt", names=("terragrunt.hcl",))


def _load(request: Request) -> Loaded:
    from linter.terragrunt.frontend import load_terragrunt

    groups: dict[Path, list[str]] = {}  # each unit within the boundary of the path it came from
    for path in request.of(UNITS.kind):
        groups.setdefault(boundary_of(request.cwd / path, request.boundaries), []).append(path)
    fragments: list[Fragment] = []
    taken: set[str] = set()
    for boundary, paths in groups.items():
        loaded = load_terragrunt(paths, knowledge=request.knowledge, boundary=boundary, cwd=request.cwd,
                                 parse_cache=request.parse_cache)
        fragments.append(loaded.fragment)
        taken |= loaded.folders
    return Loaded(fragments=tuple(fragments), taken=frozenset(taken))


# Terragrunt's copies of the modules it ran: not the project's files
TERRAGRUNT = Frontend(name="terragrunt", claims=(UNITS,), load=_load, parse_cache=True, skips=(".terragrunt-cache",))
