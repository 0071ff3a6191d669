"""The whole-scan memo (``linter.scan_memo``) in git repositories: git's own files decide the
boundary, and only the boundary keys a kept scan, so a linked work tree (``.git`` is a file) is
answered from memory like any repository, while a change of what git tracks is still seen."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from linter import compiled, scan_memo
from linter.cli import main

PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'
DB = 'resource "aws_db_instance" "db" {\n  tags = { sensibilite = "particuliere" }\n}\n'
CALLER = PROVIDER + 'module "db" {\n  source = "../../modules/db"\n}\n'

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(where: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


@pytest.fixture()
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A linked work tree of a repository whose root module ``envs/a`` calls ``modules/db``."""
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    main_tree = tmp_path / "main"
    for name, text in {"modules/db/main.tf": DB, "envs/a/main.tf": CALLER, "README.md": "x\n"}.items():
        (main_tree / name).parent.mkdir(parents=True, exist_ok=True)
        (main_tree / name).write_text(text)
    git(main_tree, "init", "-q")
    git(main_tree, "add", "-A")
    git(main_tree, "commit", "-q", "-m", "first")
    git(main_tree, "worktree", "add", "-q", str(tmp_path / "linked"))
    assert (tmp_path / "linked" / ".git").is_file()
    monkeypatch.chdir(tmp_path / "linked")
    yield tmp_path / "linked"
    compiled.use_cache(True)


@pytest.fixture()
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per scan that ran (the others were answered from the memo)."""
    runs: list[str] = []
    real = scan_memo._scan
    monkeypatch.setattr(scan_memo, "_scan", lambda *args: runs.append("scan") or real(*args))
    return runs


def report(*args: str, cache: bool = True) -> bytes:
    out = Path("..") / "report.json"
    assert main(["scan", *args, "-f", "json", "-o", str(out), "--fail-on", "never",
                 *([] if cache else ["--no-cache"])]) == 0
    return out.read_bytes()


def test_a_linked_work_tree_is_answered_from_the_memo(linked: Path, scanned: list[str]) -> None:
    first = report("envs/a")
    assert report("envs/a") == first
    assert len(scanned) == 1
    assert report("envs/a", cache=False) == first
    git(linked, "add", "-A")  # git rewrites its index: the folder is still tracked
    (linked / "notes.md").write_text("y\n")
    git(linked, "add", "notes.md")
    assert report("envs/a") == first
    assert len(scanned) == 2  # the scan without a cache, and none since


def test_a_folder_git_no_longer_tracks_has_another_boundary(linked: Path, scanned: list[str]) -> None:
    """Untracked, ``envs/a`` is its own boundary: the module it calls is outside, so not read."""
    before = report("envs/a")
    git(linked, "rm", "-q", "-r", "--cached", "envs/a")
    after = report("envs/a")
    assert len(scanned) == 2
    assert after != before
    assert after == report("envs/a", cache=False)


def test_the_index_is_read_once_for_the_files_of_many_folders(linked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pre-commit passes files of several folders: each folder's boundary asks the index, which
    is parsed once (about 2 ms per thousand files) however many folders ask."""
    import dulwich.index

    from linter import discovery

    for folder in ("envs/b", "envs/c"):
        (linked / folder).mkdir(parents=True)
        (linked / folder / "main.tf").write_text(PROVIDER)
    git(linked, "add", "-A")
    discovery._index_names.cache_clear()
    parsed: list[object] = []
    real = dulwich.index.read_index
    monkeypatch.setattr(dulwich.index, "read_index", lambda data: parsed.append(data) or real(data))
    files = ("envs/a/main.tf", "envs/b/main.tf", "envs/c/main.tf")
    first = report(*files)
    assert report(*files) == first == report(*files, cache=False)
    assert len(parsed) == 1


def test_each_scanned_path_s_boundary_is_found_once(linked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a miss the memo's key, the repository root and discovery all ask for each scanned
    path's boundary: it is found once; a scan answered from the memo finds it once too."""
    from linter import discovery

    (linked / "envs/b").mkdir(parents=True)
    (linked / "envs/b/main.tf").write_text(PROVIDER)
    git(linked, "add", "-A")
    found: list[Path] = []
    real = discovery._find_boundary
    monkeypatch.setattr(discovery, "_find_boundary", lambda start: found.append(start) or real(start))
    first = report("envs/a", "envs/b")
    assert sorted(p.name for p in found) == ["a", "b"]
    assert report("envs/a", "envs/b") == first
    assert sorted(p.name for p in found) == ["a", "a", "b", "b"]
