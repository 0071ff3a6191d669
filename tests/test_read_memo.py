"""Kept results with their read log (``linter.read_memo``): the entry is written in parts, never
the whole read log as one string, and is the model JSON of the whole, given back while nothing
it read changed."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter import read_log, read_memo
from linter.loaders import cache, model_json
from linter.model import Location


@pytest.fixture()
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> read_log.ReadLog:
    """What a scan of ``tmp_path/repo`` (40 files, one folder) read."""
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    with read_log.recording() as found:
        read_log.bounded([repo])
        for i in range(40):
            (repo / f"f{i}.tf").write_text(f"# {i}\n")
            read_log.file_read(repo / f"f{i}.tf", f"# {i}\n".encode())
        (repo / "modules").mkdir()
        read_log.folder_listed(repo)
        read_log.folder_listed(repo / "modules")
        read_log.place_checked(repo / "f0.tf", True)
        read_log.place_checked(tmp_path / "elsewhere", False)
    return found


def test_the_read_log_is_never_encoded_whole(log: read_log.ReadLog, monkeypatch: pytest.MonkeyPatch) -> None:
    encoded: list[Any] = []
    real = model_json.encode
    monkeypatch.setattr(model_json, "encode", lambda value: encoded.append(value) or real(value))
    written: list[list[bytes]] = []
    write = cache.write_sealed_parts
    monkeypatch.setattr(cache, "write_sealed_parts",
                        lambda section, key, parts, limit: write(section, key, written.append(list(parts)) or
                                                                 written[-1], limit))
    read_memo.keep("scans", "form-1", "a" * 64, log, [Location("f0.tf", 2)])
    whole = [id(log.files), id(log.folders), id(log.places)]
    assert encoded and not any(id(v) in whole or (isinstance(v, list) and any(id(w) in whole for w in v))
                               for v in encoded)
    assert len(written) == 1 and len(written[0]) > 5 and cache.read_sealed("scans", "a" * 64, 1 << 20) is not None


def test_the_entry_is_the_model_json_of_the_whole(log: read_log.ReadLog, tmp_path: Path) -> None:
    value = [Location("f0.tf", 2), (Location("f0.tf", 2),)]
    read_memo.keep("scans", "form-1", "a" * 64, log, value)
    text = cache.read_sealed("scans", "a" * 64, 1 << 20)
    assert text is not None
    assert text.decode("ascii") == model_json.encode(["form-1", "a" * 64, list(log.boundaries), log.files,
                                                      log.folders, log.places, value])
    assert read_memo.recall("scans", "form-1", "a" * 64, tmp_path / "repo", list) == value
    (tmp_path / "repo" / "f3.tf").write_text("# changed\n")
    assert read_memo.recall("scans", "form-1", "a" * 64, tmp_path / "repo", list) is None


def test_nothing_is_kept_after_a_file_that_could_not_be_read(log: read_log.ReadLog, tmp_path: Path) -> None:
    """No ``stat`` ever tells an unread file unchanged (``loaders.file_digests``): such an entry
    would never be given back, so it is not written."""
    with read_log.recording() as unread:
        read_log.replayed(log.files, log.folders, log.places)
        read_log.file_read(tmp_path / "repo" / "link.yaml", None)
    read_memo.keep("scans", "form-1", "a" * 64, unread, [Location("f0.tf", 2)],
                   boundaries=[str(tmp_path / "repo")])
    assert cache.read_sealed("scans", "a" * 64, 1 << 20) is None
    read_memo.keep("scans", "form-1", "a" * 64, log, [Location("f0.tf", 2)])
    assert read_memo.recall("scans", "form-1", "a" * 64, tmp_path / "repo", list) == [Location("f0.tf", 2)]
