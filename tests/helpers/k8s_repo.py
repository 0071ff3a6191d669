"""A copy of a Kubernetes fixture as a repository with a cache of its own, and its JSON report with
the cache or without: what the tests of kept manifests compare."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest

from linter.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "k8s"


def repo_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str) -> Path:
    """``fixtures/k8s/<fixture>`` copied into ``tmp_path/repo``, a git work tree, with the cache in
    ``tmp_path/cache``, and worked from."""
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / fixture, root, ignore=shutil.ignore_patterns("expected.yaml"))
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def report(cache_on: bool = True, jobs: int = 0) -> bytes:
    """The JSON report of a scan of the working directory (``jobs``: its ``--jobs``)."""
    out = Path("..") / "report.json"
    code = main(["scan", ".", "-f", "json", "-o", str(out), "--fail-on", "never", "--jobs", str(jobs),
                 *([] if cache_on else ["--no-cache"])])
    assert code == 0
    return out.read_bytes()


def edit(path: str, old: str, new: str) -> Callable[[Path], object]:
    """What replaces the first ``old`` in the repository's ``path`` with ``new`` (``old`` is there)."""
    def replace(root: Path) -> None:
        text = (root / path).read_text()
        assert old in text
        (root / path).write_text(text.replace(old, new, 1))
    return replace
