"""A repository on disk with a cache of its own, as a user's second scan finds it."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping

import pytest

from linter import compiled


def cached_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: Mapping[str, str]) -> Iterator[Path]:
    """Writes ``files`` (name → exact text) into ``tmp_path/repo``, a git work tree, with the cache in
    ``tmp_path/cache``, and works from there; for a fixture to ``yield from``."""
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    yield root
    compiled.use_cache(True)  # ``--no-cache`` turns it off for the rest of the process
