"""A part of the scan run in a forked process (``linter.forked``): its value and what it read come
back as if it had run here; anything that goes wrong there gives None, and the caller does it here."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from linter import forked, read_log

pytestmark = pytest.mark.skipif(not forked.available(), reason="no fork on this platform")


def test_the_value_and_the_reads_come_back(tmp_path: Path) -> None:
    file = tmp_path / "main.tf"
    file.write_bytes(b"x")
    done: list[int] = []
    with read_log.recording() as outer:
        read_log.file_read(tmp_path / "before.tf", b"b")
        with read_log.recording() as inner:
            def work() -> dict[str, int]:
                read_log.file_read(file, b"x", info=os.stat(file))
                read_log.folder_listed(tmp_path)
                read_log.place_checked(tmp_path / "module", True)
                read_log.bounded([tmp_path])
                return {"pid": os.getpid()}

            value = forked.overlapped(work, lambda: done.append(os.getpid()))
    assert value is not None and value["pid"] != os.getpid() and done == [os.getpid()]
    for log in (outer, inner):
        assert str(file) in log.files and str(file) in log.stats
        assert str(tmp_path) in log.folders and log.places == {str(tmp_path / "module"): True}
        assert list(log.boundaries) == [os.path.realpath(tmp_path)]
    assert list(outer.files) == [str(tmp_path / "before.tf"), str(file)]  # in the order read


def test_an_error_in_the_work_gives_none_and_reads_nothing() -> None:
    def work() -> None:
        read_log.file_read("/nowhere/main.tf", b"x")
        raise ValueError("broken")

    with read_log.recording() as log:
        assert forked.overlapped(work, lambda: None) is None
    assert not log.files


def test_a_value_that_cannot_be_pickled_gives_none() -> None:
    assert forked.overlapped(lambda: (lambda: 1), lambda: None) is None


def test_a_child_that_dies_gives_none() -> None:
    assert forked.overlapped(lambda: os._exit(3), lambda: None) is None


def test_an_error_meanwhile_is_raised_and_the_child_is_ended() -> None:
    def meanwhile() -> None:
        raise KeyError("meanwhile")

    with pytest.raises(KeyError):
        forked.overlapped(lambda: __import__("time").sleep(30), meanwhile)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


def test_effective_jobs() -> None:
    assert forked.effective_jobs(3) == 3 and forked.effective_jobs(0) >= 1


def test_idle_cpus_are_those_no_task_runs_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process runs: on one CPU none is idle; unreadable, one is taken to be."""
    monkeypatch.setattr(forked, "effective_jobs", lambda jobs: 1)
    assert forked.idle_cpus() == 0
    monkeypatch.setattr(forked, "effective_jobs", lambda jobs: 1000)
    assert 0 < forked.idle_cpus() < 1000
    monkeypatch.setattr("builtins.open", lambda *a, **k: (_ for _ in ()).throw(OSError("no /proc")))
    assert forked.idle_cpus() == 1


@pytest.fixture()
def given(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each value a scan's forked frontends gave (None: the scan ran them itself), the fork asked for."""
    import linter.scan

    monkeypatch.setattr(linter.scan, "_overlaps", lambda request: True)
    values: list[object] = []
    overlapped = forked.overlapped

    def told(*args: Any) -> object:
        values.append(overlapped(*args))
        return values[-1]

    monkeypatch.setattr(forked, "overlapped", told)
    return values


def test_an_error_of_the_forked_frontends_is_the_scans_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str],
                                                           given: list[object]) -> None:
    """The frontends fail in the child (a ``--var-file`` that is not there): the scan's process runs
    them itself and says so as without the fork, one line and exit code 2."""
    from linter.cli import main

    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["scan", ".", "--var-file", "missing.tfvars"]) == 2
    assert given == [None]
    assert capsys.readouterr().err.strip() == "snclint: error: --var-file missing.tfvars: no such file"


def test_a_process_running_other_threads_is_not_forked() -> None:
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not forked.available()
    finally:
        release.set()
        other.join()
    assert forked.available()


def test_what_the_forked_frontends_read_keys_the_whole_scan_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 given: list[object]) -> None:
    """The child's reads are the scan's: the memo kept after a forked scan is given back while the
    files are unchanged, and an edit is seen (an entry that did not list them would give the stale
    report back)."""
    import json

    from linter.cli import main

    sensitive = ('provider "aws" {\n  region = "eu-west-3"\n}\n\nresource "aws_db_instance" "patients" {\n'
                 '  engine = "postgres"\n  tags = {\n    sensitivity = "particuliere"\n  }\n}\n')
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(sensitive, encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))

    def rules() -> list[str]:
        main(["scan", ".", "--fail-on", "never", "-f", "json", "-o", str(tmp_path / "report.json")])
        report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
        return sorted(finding["rule_id"] for finding in report["findings"])

    assert "SNC001" in rules() and len(given) == 1 and given[0] is not None
    assert "SNC001" in rules() and len(given) == 1  # unchanged: given back by the memo, nothing forked
    (project / "main.tf").write_text(sensitive.replace("particuliere", "publique"), encoding="utf-8")
    assert "SNC001" not in rules() and len(given) == 2 and given[1] is not None
