"""File digests from a memo of ``stat``: a file changed since is hashed again, a fresh one never memoised."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from linter.loaders.file_digests import MISSING, RACY_NS, UNREADABLE, Digests, digest_of


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    return tmp_path / "repo"


def digests(tree: Path) -> Digests:
    return Digests(tree, lambda p: tree in Path(os.path.realpath(p)).parents, enabled=True)


def old(path: Path, text: str, seconds: int = 3600) -> None:
    path.write_text(text)
    mtime = os.stat(path).st_mtime_ns - seconds * 10**9
    os.utime(path, ns=(mtime, mtime))


def test_the_memo_answers_for_unchanged_files_only(tree: Path) -> None:
    old(tree / "a.tf", "one")
    first = digests(tree)
    assert first.of("a.tf") == digest_of(b"one")
    assert first.of("gone.tf") == MISSING
    first.save()
    (tree / "a.tf").write_text("two")  # new mtime: hashed again
    assert digests(tree).of("a.tf") == digest_of(b"two")


def test_a_memoised_answer_is_not_read_again(tree: Path) -> None:
    old(tree / "a.tf", "one")
    first = digests(tree)
    first.of("a.tf")
    first.save()
    info = os.stat(tree / "a.tf")
    with open(tree / "a.tf", "r+") as handle:  # same size, same times: only the memo can tell
        handle.write("owt")
    os.utime(tree / "a.tf", ns=(info.st_atime_ns, info.st_mtime_ns))
    assert digests(tree).of("a.tf") == digest_of(b"one")


def test_a_file_too_recent_is_hashed_every_time(tree: Path) -> None:
    old(tree / "a.tf", "one", seconds=RACY_NS // 10**9 - 1)  # within the racy window
    first = digests(tree)
    first.of("a.tf")
    first.save()
    info = os.stat(tree / "a.tf")
    (tree / "a.tf").write_text("owt")
    os.utime(tree / "a.tf", ns=(info.st_atime_ns, info.st_mtime_ns))
    assert digests(tree).of("a.tf") == digest_of(b"owt")


def test_what_is_not_a_readable_file_inside(tree: Path) -> None:
    (tree / "folder.tf").mkdir()
    outside = tree.parent / "outside.tf"
    outside.write_text("secret")
    (tree / "link.tf").symlink_to(outside)
    found = digests(tree)
    assert found.of("folder.tf") == UNREADABLE
    assert found.of("link.tf") == UNREADABLE  # never read past the boundary
