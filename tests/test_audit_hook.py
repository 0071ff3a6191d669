"""During a scan of a fixture estate no socket is opened, no process started, and no file or
folder outside the boundary is opened (``sys.addaudithook``: every ``open`` and listing Python
makes, the C extensions' included when they go through Python's ``open``)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import linter
from linter.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_EVENTS: list[tuple[str, Any]] = []
_ACTIVE = [False]
_WATCHED = ("open", "os.listdir", "os.scandir", "os.walk", "socket.", "subprocess.Popen", "os.system",
            "os.exec", "os.posix_spawn", "os.fork", "urllib.Request", "http.client")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _ACTIVE[0] and event.startswith(_WATCHED):
        _EVENTS.append((event, args[0] if args else None))


sys.addaudithook(_hook)  # cannot be removed: it records only while a test turns it on


@pytest.fixture()
def estate(tmp_path: Path) -> Path:
    repo = tmp_path / "estate"
    shutil.copytree(FIXTURES / "terraform" / "aws-paris", repo / "infra")
    shutil.copytree(FIXTURES / "k8s" / "shared-claim", repo / "k8s")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_s3_bucket" "secret" {\n  bucket = "s"\n}\n')
    (repo / "infra" / "linked.tf").symlink_to(outside / "main.tf")
    (repo / "infra" / "escape.tf").write_text('module "out" {\n  source = "../../outside"\n}\n')
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def _path(arg: Any) -> Path | None:
    if isinstance(arg, int) or arg is None:
        return None  # an open file descriptor: its path was checked when it was opened
    return Path(os.path.realpath(os.fsdecode(arg)))


def test_a_scan_opens_nothing_outside_the_repository_and_no_socket(estate: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(estate)
    allowed = [estate.resolve(), Path(linter.__file__).resolve().parent, Path(sys.prefix).resolve(),
               Path(sys.base_prefix).resolve(), *(Path(p).resolve() for p in sys.path if p)]
    _EVENTS.clear()
    _ACTIVE[0] = True
    try:
        code = main(["scan", "--no-cache", "-f", "json", "-o", os.devnull, "infra", "k8s"])
    finally:
        _ACTIVE[0] = False
    assert code == 1
    kinds = {event for event, _ in _EVENTS}
    assert not [k for k in kinds if k.startswith(("socket.", "subprocess", "os.system", "os.exec", "os.posix_spawn",
                                                  "os.fork", "urllib", "http"))]
    opened = {p for event, arg in _EVENTS if event in ("open", "os.listdir", "os.scandir") and (p := _path(arg))}
    outside = sorted(str(p) for p in opened
                     if p != Path(os.devnull) and not any(p == a or a in p.parents for a in allowed))
    assert outside == []
    assert any(estate.resolve() in p.parents for p in opened)  # the hook did see the scan
