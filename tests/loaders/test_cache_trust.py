"""The parse cache cannot lie: planted entries are misses, the directory is never followed through a
link nor shared, and concurrent or interrupted writers leave it consistent."""
from __future__ import annotations

import hashlib
import hmac
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linter.loaders import cache
from linter.loaders.cache import load_cached, lookup, status
from linter.loaders.hcl import load_hcl

TF = 'resource "aws_db_instance" "p" {\n  tags = { sensibilite = "particuliere" }\n}\n'


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def entry_of(root: Path) -> Path:
    (entry,) = root.glob("ir/*/*/*.json")
    return entry


def forged(entry: Path, secret: bytes) -> bytes:
    """The entry with its tag value turned ``standard``, sealed with ``secret``."""
    _, _, text = entry.read_bytes().partition(b"\n")
    lie = text.replace(b"particuliere", b"standard")
    mac = hmac.new(secret, f"{cache.FORMAT}\0{entry.stem}\0".encode() + lie, hashlib.sha256).hexdigest()
    return mac.encode() + b"\n" + lie


def test_a_planted_well_formed_lie_is_a_miss(root: Path) -> None:
    truth = load_cached("main.tf", TF.encode(), load_hcl)
    entry = entry_of(root)
    for planted in (forged(entry, b"\0" * 32), entry.read_bytes().partition(b"\n")[2].replace(b"particuliere",
                                                                                              b"standard")):
        entry.write_bytes(planted)
        assert lookup("main.tf", TF.encode(), load_hcl) is None
        assert load_cached("main.tf", TF.encode(), load_hcl) == truth
    assert b"particuliere" in entry.read_bytes()  # rewritten with the truth


def test_an_entry_sealed_for_another_key_or_moved_is_a_miss(root: Path) -> None:
    load_cached("main.tf", TF.encode(), load_hcl)
    entry = entry_of(root)
    other = entry.with_name("0" * 64 + ".json")
    other.write_bytes(entry.read_bytes())
    assert cache._read(root, entry.parent.parent.name, "0" * 64, (root / "hmac.key").read_bytes()) is None


def test_the_key_and_the_directory_are_private(root: Path) -> None:
    load_cached("main.tf", TF.encode(), load_hcl)
    key = root / "hmac.key"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and key.stat().st_size == 32
    assert oct(root.stat().st_mode & 0o777) == "0o700"
    assert oct(entry_of(root).stat().st_mode & 0o777) == "0o600"


def test_a_cache_directory_that_is_a_link_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "etc"
    target.mkdir(mode=0o700)
    (tmp_path / "cache").symlink_to(target)
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert load_cached("main.tf", TF.encode(), load_hcl) == load_hcl("main.tf", TF)
    assert list(target.iterdir()) == []
    assert status() == f"parse cache off: {tmp_path / 'cache'} is a symbolic link"


def test_a_cache_directory_others_can_write_is_not_used(root: Path) -> None:
    root.mkdir()
    root.chmod(0o777)
    assert load_cached("main.tf", TF.encode(), load_hcl) == load_hcl("main.tf", TF)
    assert list(root.iterdir()) == []
    assert status() == f"parse cache off: {root} is writable by other users (mode 777)"


def test_a_readable_cache_directory_is_made_private(root: Path) -> None:
    root.mkdir()
    root.chmod(0o755)
    load_cached("main.tf", TF.encode(), load_hcl)
    assert oct(root.stat().st_mode & 0o777) == "0o700" and status() is None


def test_a_key_others_can_read_turns_the_cache_off(root: Path) -> None:
    root.mkdir(mode=0o700)
    (root / "hmac.key").write_bytes(b"k" * 32)
    (root / "hmac.key").chmod(0o644)
    assert load_cached("main.tf", TF.encode(), load_hcl) == load_hcl("main.tf", TF)
    assert list(root.glob("ir/*/*/*.json")) == []
    assert status() == (f"parse cache off: {root} has a hmac.key that is not a 32-byte file readable by its "
                        "owner only")


def test_a_folder_or_entry_that_is_a_link_is_never_followed(root: Path, tmp_path: Path) -> None:
    load_cached("main.tf", TF.encode(), load_hcl)
    entry = entry_of(root)
    outside = tmp_path / "outside.json"
    outside.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(outside)
    assert lookup("main.tf", TF.encode(), load_hcl) is None
    shard = entry.parent
    for child in shard.iterdir():
        child.unlink()
    shard.rmdir()
    elsewhere = tmp_path / "shard"
    elsewhere.mkdir()
    shard.symlink_to(elsewhere)
    load_cached("main.tf", TF.encode(), load_hcl)
    assert list(elsewhere.iterdir()) == []


def test_a_truncated_entry_and_a_leftover_temporary_file_are_misses(root: Path) -> None:
    truth = load_cached("main.tf", TF.encode(), load_hcl)
    entry = entry_of(root)
    whole = entry.read_bytes()
    (entry.parent / ".tmp-1-deadbeef").write_bytes(whole[: len(whole) // 2])  # a writer killed mid-write
    entry.write_bytes(whole[: len(whole) // 2])  # a torn entry (not something snclint writes, but)
    assert lookup("main.tf", TF.encode(), load_hcl) is None
    assert load_cached("main.tf", TF.encode(), load_hcl) == truth
    assert entry.read_bytes() == whole


WRITER = r'''
import sys
from linter.loaders.cache import load_cached
from linter.loaders.hcl import load_hcl
count, start = int(sys.argv[1]), int(sys.argv[2])
for round in range(int(sys.argv[3])):
    for i in range(count):
        name = "b%d" % i if start == 0 else "b%d_%d" % (round, i)
        text = 'resource "aws_s3_bucket" "%s" {\n  tags = { sensibilite = "particuliere" }\n}\n' % name
        load_cached("main.tf", text.encode(), load_hcl)
    print(round, flush=True)
'''


def _text(i: int) -> str:
    return f'resource "aws_s3_bucket" "b{i}" {{\n  tags = {{ sensibilite = "particuliere" }}\n}}\n'


def _all_consistent(count: int) -> None:
    for i in range(count):
        found = lookup("main.tf", _text(i).encode(), load_hcl)
        assert found is None or found == load_hcl("main.tf", _text(i)), i


def test_concurrent_writers_of_the_same_entries(root: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    runs = [subprocess.Popen([sys.executable, str(script), "40", "0", "3"], stdout=subprocess.DEVNULL,
                             env=os.environ.copy()) for _ in range(3)]
    assert [r.wait(timeout=120) for r in runs] == [0, 0, 0]
    keys = {(root / "hmac.key").read_bytes()}
    assert len(keys) == 1 and len(list(root.glob("ir/*/*/*.json"))) == 40
    _all_consistent(40)
    assert all(lookup("main.tf", _text(i).encode(), load_hcl) is not None for i in range(40))
    assert list(root.glob("ir/*/*/.tmp-*")) == []


def _sealed(root: Path) -> list[bool]:
    """Whether each entry file is whole and carries a valid MAC."""
    secret = (root / "hmac.key").read_bytes()
    out = []
    for entry in root.glob("ir/*/*/*.json"):
        mac, _, text = entry.read_bytes().partition(b"\n")
        out.append(hmac.compare_digest(mac, cache._mac(secret, entry.stem, text)))
    return out


def test_a_writer_killed_at_any_moment_leaves_the_cache_consistent(root: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    for delay in (0.0, 0.05, 0.13):
        run = subprocess.Popen([sys.executable, str(script), "50", "1", "100000"], stdout=subprocess.PIPE,
                               env=os.environ.copy())
        assert run.stdout is not None
        run.stdout.readline()  # a round written: it is writing new entries from now on
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        sealed = _sealed(root)
        assert len(sealed) >= 50 and all(sealed)
    assert status() is None
    assert cache.prune(root, force=True) == 0  # leftover temporary files are only removed once old


def test_a_scan_says_when_the_cache_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from linter.cli import main

    (tmp_path / "cache").symlink_to(tmp_path)
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "main.tf").write_text(TF)
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["scan", "."]) == 1
    assert f"note: parse cache off: {tmp_path / 'cache'} is a symbolic link" in capsys.readouterr().out
