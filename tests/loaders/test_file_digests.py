"""File digests from a memo of ``stat``: a file changed since is hashed again, a fresh one never memoised."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from linter import read_log
from linter.files import read_hashed
from linter.loaders import file_digests
from linter.loaders.file_digests import MISSING, RACY_NS, UNREADABLE, Digests, digest_of


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    return tmp_path / "repo"


def digests(tree: Path, later: int = 3600) -> Digests:
    """A scan starting ``later`` seconds from now: no test can age a file's change time, so the
    scan is moved instead."""
    found = Digests(tree, lambda p: tree in Path(os.path.realpath(p)).parents, enabled=True)
    found._started += later * 10**9
    return found


def test_the_memo_answers_for_unchanged_files_only(tree: Path) -> None:
    (tree / "a.tf").write_text("one")
    first = digests(tree)
    assert first.of("a.tf") == digest_of(b"one")
    assert first.of("gone.tf") == MISSING
    first.save()
    (tree / "a.tf").write_text("two")  # new mtime: hashed again
    assert digests(tree).of("a.tf") == digest_of(b"two")


def test_a_memoised_answer_is_not_read_again(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "a.tf").write_text("one")
    first = digests(tree)
    first.of("a.tf")
    first.save()

    def unread(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("an unchanged file is not read again")

    monkeypatch.setattr(file_digests, "read_hashed", unread)
    assert digests(tree).of("a.tf") == digest_of(b"one")


def test_a_same_size_edit_with_its_modification_time_put_back_is_seen(tree: Path) -> None:
    (tree / "a.tf").write_text("one")
    first = digests(tree)
    first.of("a.tf")
    first.save()
    info = os.stat(tree / "a.tf")
    time.sleep(0.01)  # the change time moves on, as it does for any write
    with open(tree / "a.tf", "r+") as handle:  # same size, modification time put back (cp -p, touch -d)
        handle.write("owt")
    os.utime(tree / "a.tf", ns=(info.st_atime_ns, info.st_mtime_ns))
    assert digests(tree).of("a.tf") == digest_of(b"owt")


def test_a_file_too_recent_is_hashed_every_time(tree: Path) -> None:
    (tree / "a.tf").write_text("one")
    first = digests(tree, later=RACY_NS // 10**9 - 1)  # within the racy window
    first.of("a.tf")
    assert "a.tf" not in first._memo
    first.save()
    (tree / "a.tf").write_text("owt")
    assert digests(tree, later=0).of("a.tf") == digest_of(b"owt")


def test_what_is_not_a_readable_file_inside(tree: Path) -> None:
    (tree / "folder.tf").mkdir()
    outside = tree.parent / "outside.tf"
    outside.write_text("secret")
    (tree / "link.tf").symlink_to(outside)
    found = digests(tree)
    assert found.of("folder.tf") == UNREADABLE
    assert found.of("link.tf") == UNREADABLE  # never read past the boundary


def test_every_digests_of_a_repository_shares_one_memo_written_once(tree: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "a.tf").write_text("one")
    writes: list[str] = []
    write = file_digests.cache.write_sealed
    monkeypatch.setattr(file_digests.cache, "write_sealed", lambda *a: (writes.append(a[0]), write(*a)))
    first, second = digests(tree), digests(tree)
    first.of("a.tf")
    first.save()
    second.save()  # nothing new since: not written again
    assert writes == ["stats"] and second._memo is first._memo


def test_what_a_scan_read_is_learnt_without_hashing_again(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cold scan read every file: the next one finds their digests by ``stat`` alone."""
    (tree / "a.tf").write_text("one")
    (tree / "new.tf").write_text("two")
    found = digests(tree)  # makes the repository's memo known to the process
    file_digests.learn({str(tree / "a.tf"): digest_of(b"one"), str(tree / "gone.tf"): MISSING,
                        str(tree.parent / "outside.tf"): digest_of(b"x")}, time.time_ns() + 3600 * 10**9)
    file_digests.learn({str(tree / "new.tf"): digest_of(b"two")}, time.time_ns())  # too recent to keep
    assert set(found._memo) == {"a.tf"}

    def unread(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a learnt file is not read again")

    monkeypatch.setattr(file_digests, "read_hashed", unread)
    file_digests._SHARED.clear()  # as the next process: from the cache
    assert digests(tree).of("a.tf") == digest_of(b"one")


def test_within_one_scan_each_file_is_asked_once(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "a.tf").write_text("one")
    (tree / "b.tf").write_text("two")
    first = digests(tree)
    first.of("a.tf")
    first.of("b.tf")
    first.save()  # both memoised
    asked: list[str] = []
    real = os.stat

    def counted(path: str, *args: object, **kwargs: object) -> os.stat_result:
        asked.append(os.path.basename(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(file_digests.os, "stat", counted)
    with file_digests.one_scan():
        assert [digests(tree).of(n) for n in ("a.tf", "b.tf", "gone.tf")] == \
            [digest_of(b"one"), digest_of(b"two"), MISSING]
        (tree / "b.tf").write_text("owt")  # within the scan: its first answer stands
        assert [digests(tree).of(n) for n in ("a.tf", "b.tf", "gone.tf")] == \
            [digest_of(b"one"), digest_of(b"two"), MISSING]
    assert sorted(asked) == ["a.tf", "b.tf", "gone.tf"]
    assert digests(tree).of("b.tf") == digest_of(b"owt")  # the next scan asks again


def test_a_file_hashed_within_one_scan_is_hashed_again_for_another_boundary(tree: Path) -> None:
    outside = tree.parent / "outside.tf"
    outside.write_text("secret")
    (tree / "link.tf").symlink_to(outside)
    (tree / "new.tf").write_text("fresh")
    with file_digests.one_scan():
        wide = Digests(tree, lambda p: True, enabled=True)
        assert wide.of("link.tf") == digest_of(b"secret")
        assert wide.of("new.tf") == digest_of(b"fresh")
        assert digests(tree).of("link.tf") == UNREADABLE  # not the wider one's answer
        assert digests(tree).of("new.tf") == digest_of(b"fresh")


def test_what_a_scan_read_is_learnt_with_the_stat_of_its_read(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``fstat`` taken when the file was read serves: no ``stat`` asked again at the end."""
    (tree / "a.tf").write_text("one")
    (tree / "b.tf").write_text("two")
    found = digests(tree)
    with read_log.recording() as log:
        read_hashed(tree / "a.tf", 100)
        read_hashed(tree / "b.tf", 100)
    info = os.stat(tree / "a.tf")

    def no_stat(*args: object, **kwargs: object) -> os.stat_result:
        raise AssertionError("not asked again")

    monkeypatch.setattr(file_digests.os, "stat", no_stat)
    file_digests.learn({p: d for p, d in log.files.items() if p.endswith("a.tf")}, time.time_ns() + 3600 * 10**9,
                       log.stats)
    file_digests.learn(log.files, time.time_ns(), log.stats)  # b.tf too recent to keep
    monkeypatch.undo()
    assert found._memo == {"a.tf": [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                    digest_of(b"one")]}
