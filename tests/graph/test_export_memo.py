"""``snclint graph`` on an unchanged estate gives back the document it exported before
(``linter.scan_memo.graph_export``), byte for byte what an export without any cache writes, and
exports again whatever the scan depends on changed: a file, the config, the knowledge."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest
from helpers.cached_repo import cached_repo

from linter import scan_memo
from linter.cli import main
from linter.loaders import file_digests

PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'
DB = 'resource "aws_db_instance" "db" {\n  tags = { sensibilite = "particuliere" }\n}\n'
CALLER = PROVIDER + 'module "db" {\n  source = "../../modules/db"\n}\n'
BUCKET = PROVIDER + 'resource "aws_s3_bucket" "b" {\n  tags = { sensibilite = "standard" }\n}\n'
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  labels:\n    sensibilite: standard\n"
PACK = ("kind: modules\nversion: 1\ngroups:\n  - name: socle\n    provider: aws\n    classification: [tags]\n"
        "    modules:\n      forge.example.org/socle/rds-instance: datastore\n")
REMOTE = PROVIDER + ('module "rds" {\n  source = "forge.example.org/socle/rds-instance"\n'
                     '  tags   = { sensibilite = "particuliere" }\n}\n')
FORMATS = ("json", "dot", "graphml", "mermaid")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from cached_repo(tmp_path, monkeypatch, {
        "modules/db/main.tf": DB, "envs/a/main.tf": CALLER, "envs/b/main.tf": BUCKET, "envs/r/main.tf": REMOTE,
        "k8s/app/namespace.yaml": NAMESPACE})


@pytest.fixture()
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per export that scanned (the others gave back a kept document)."""
    runs: list[str] = []
    real = scan_memo._graph
    monkeypatch.setattr(scan_memo, "_graph", lambda *args: runs.append("scan") or real(*args))
    return runs


def export(fmt: str = "json", *args: str, cache: bool = True) -> bytes:
    out = Path("..") / f"graph.{fmt}"
    assert main(["graph", ".", "-f", fmt, "-o", str(out), *args, *([] if cache else ["--no-cache"])]) == 0
    return out.read_bytes()


def test_an_unchanged_estate_is_exported_from_memory_in_every_format(repo: Path, scans: list[str]) -> None:
    for fmt in FORMATS:
        cold = export(fmt, cache=False)
        assert export(fmt) == cold
        assert export(fmt) == cold
        assert export(fmt, "--only-sensitive") == export(fmt, "--only-sensitive", cache=False) != cold
        assert export(fmt, "--only-sensitive") == export(fmt, "--only-sensitive", cache=False)
    assert len(scans) == 4 * 5  # without a cache (3), first export (2): the others were kept


def test_standard_output_gets_the_same_bytes(repo: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    cold = export(cache=False)
    for _ in range(2):
        assert main(["graph", "."]) == 0
        assert capfdbinary.readouterr().out == cold


@pytest.mark.parametrize(("folder", "copied"), [("app", True), ("한", False)])
def test_a_kept_document_is_copied_by_the_kernel_when_its_text_is_its_bytes(
        repo: Path, monkeypatch: pytest.MonkeyPatch, folder: str, copied: bool) -> None:
    """0xED, lead byte of a surrogate's UTF-8 bytes as of some Hangul (한), sends the document through text."""
    (repo / "k8s" / folder).mkdir(exist_ok=True)
    (repo / "k8s" / folder / "other.yaml").write_text(NAMESPACE.replace("app", "other"))
    cold = export(cache=False)
    export()
    sent: list[int] = []
    real = scan_memo.os.sendfile
    monkeypatch.setattr(scan_memo.os, "sendfile", lambda *args: sent.append(1) or real(*args))
    assert export() == cold
    assert bool(sent) is copied


def test_a_document_checked_once_is_known_by_its_stat_until_it_changes(
        repo: Path, scans: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    cold = export(cache=False)
    monkeypatch.setattr(file_digests, "RACY_NS", -10**18)  # every document as old as a stamped one
    export()
    checked: list[str] = []
    real = scan_memo._checked
    monkeypatch.setattr(scan_memo, "_checked", lambda *args: checked.append(args[1]) or real(*args))
    assert export() == export() == export() == cold
    assert len(checked) == 1 and len(scans) == 2  # the first one stamped it
    (document,) = (repo.parent / "cache" / "graphs").glob("*.out")
    planted = document.read_bytes().replace(b"particuliere", b"standard")
    for plant in (lambda: document.write_bytes(planted), lambda: (document.unlink(), document.write_bytes(planted))):
        plant()
        assert export() == cold
    assert len(scans) == 4


EDITS: dict[str, Callable[[Path], object]] = {
    "module file": lambda r: (r / "modules/db/main.tf").write_text(DB.replace("particuliere", "standard")),
    "new file": lambda r: (r / "envs/b/more.tf").write_text('resource "aws_s3_bucket" "more" {}\n'),
    "deleted file": lambda r: (r / "envs/b/main.tf").unlink(),
    "manifest": lambda r: (r / "k8s/app/namespace.yaml").write_text(NAMESPACE.replace("app", "web")),
    "config": lambda r: (r / ".snclint.yaml").write_text(
        "version: 1\nsystems:\n  - {name: dossiers, level: particuliere, members: {paths: ['envs/b/**']}}\n"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_is_exported_again(repo: Path, scans: list[str], edit: str) -> None:
    before = export()
    assert export() == before
    EDITS[edit](repo)
    after = export()
    assert after != before
    assert after == export(cache=False) == export()
    assert len(scans) == 3  # first, after the edit, without a cache


def test_a_knowledge_change_is_exported_again(repo: Path, scans: list[str]) -> None:
    (repo.parent / "pack").mkdir()
    (repo.parent / "pack" / "modules.yaml").write_text(PACK)
    plain = export()
    with_pack = export("json", "--policies", "../pack")
    assert with_pack != plain
    assert with_pack == export("json", "--policies", "../pack", cache=False)
    assert export() == plain and export("json", "--policies", "../pack") == with_pack
    assert len(scans) == 3


def test_a_damaged_or_planted_document_is_not_given_back(repo: Path, scans: list[str]) -> None:
    cold = export(cache=False)
    export()
    (document,) = (repo.parent / "cache" / "graphs").glob("*.out")
    for planted in (document.read_bytes().replace(b"particuliere", b"standard"), b"", document.read_bytes()[:-1]):
        document.write_bytes(planted)
        assert export() == cold
        document.write_bytes(planted)  # the export wrote it again: plant it once more
    assert len(scans) == 2 + 3
