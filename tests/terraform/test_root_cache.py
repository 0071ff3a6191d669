"""Kept root modules (``linter.terraform.modules.root_cache``): a scan that reuses them reports exactly what a
scan without any cache reports, whatever changed in between, and re-evaluates only what it must."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Callable, Iterator

import pytest
from helpers.cached_repo import cached_repo

from linter.cli import main
from linter.terraform.modules import frontend

PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n'
DB = ('variable "level" {\n  default = "standard"\n}\n\n'
      'resource "aws_db_instance" "db" {\n  tags = { sensibilite = var.level }\n}\n')
CALLER = PROVIDER + ('variable "level" {}\n\nmodule "db" {\n  source = "../../modules/db"\n'
                     '  level  = var.level\n}\n')
BUCKET = PROVIDER + 'resource "aws_s3_bucket" "b" {\n  tags = { sensibilite = "particuliere" }\n}\n'
REMOTE = PROVIDER + ('module "rds" {\n  source = "forge.example.org/socle/rds-instance"\n'
                     '  tags   = { sensibilite = "particuliere" }\n}\n')
PACK = ("kind: modules\nversion: 1\ngroups:\n  - name: socle\n    provider: aws\n    classification: [tags]\n"
        "    modules:\n      forge.example.org/socle/rds-instance: datastore\n")
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  labels:\n    sensibilite: standard\n"
EXCEPTION = ("version: 1\nexceptions:\n  - rule: SNC001\n    address: aws_s3_bucket.b\n"
             "    reason: archive\n    expires: 2099-06-30\n")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Three roots: two call the shared ``modules/db``, one does not; the cache is this test's."""
    yield from cached_repo(tmp_path, monkeypatch, {
        "modules/db/main.tf": DB, "envs/a/main.tf": CALLER, "envs/a/terraform.tfvars": 'level = "particuliere"\n',
        "envs/c/main.tf": CALLER, "envs/c/terraform.tfvars": 'level = "standard"\n', "envs/b/main.tf": BUCKET,
        "envs/r/main.tf": REMOTE, "k8s/app/namespace.yaml": NAMESPACE})


def report(*args: str, cache: bool = True) -> bytes:
    out = Path("..") / "report.json"
    code = main(["scan", *(args or (".",)), "-f", "json", "-o", str(out), "--fail-on", "never",
                 *([] if cache else ["--no-cache"])])
    assert code == 0
    return out.read_bytes()


def same_as_cold(*args: str) -> bytes:
    """The report of a scan with the cache, checked against one without any."""
    warm = report(*args)
    assert warm == report(*args, cache=False)
    return warm


@pytest.fixture()
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The roots each Terraform frontend run evaluates (not reused)."""
    runs: list[list[str]] = []
    real = frontend.evaluate_roots

    def spy(roots: list[str], *args: Callable[..., object]) -> object:
        runs.append(list(roots))
        return real(roots, *args)

    monkeypatch.setattr(frontend, "evaluate_roots", spy)
    return runs


EDITS: dict[str, Callable[[Path], object]] = {
    "nothing": lambda r: None,
    "shared module": lambda r: (r / "modules/db/main.tf").write_text(DB.replace("sensibilite", "data_sensitivity")),
    "tfvars": lambda r: (r / "envs/c/terraform.tfvars").write_text('level = "particuliere"\n'),
    "renamed tfvars": lambda r: (r / "envs/a/terraform.tfvars").rename(r / "envs/a/prod.tfvars"),
    "renamed module file": lambda r: (r / "modules/db/main.tf").rename(r / "modules/db/db.tf"),
    "deleted": lambda r: (r / "envs/a/terraform.tfvars").unlink(),
    "new file in a module": lambda r: (r / "modules/db/more.tf").write_text(
        'resource "aws_s3_bucket" "more" {\n  tags = { sensibilite = var.level }\n}\n'),
    "config": lambda r: (r / ".snclint.yaml").write_text(EXCEPTION),
    "manifest": lambda r: (r / "k8s/app/namespace.yaml").write_text(NAMESPACE + "  broken: [\n"),
    "new manifest": lambda r: (r / "k8s/app/more.yaml").write_text(NAMESPACE.replace("app", "more")),
    "git index": lambda r: (r / ".git" / "index").write_bytes(b"not an index"),
    "broken file": lambda r: (r / "modules/db/main.tf").write_text(DB + "resource {\n"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_warm_scan_reports_what_a_cold_one_does(repo: Path, edit: str) -> None:
    before = same_as_cold()
    assert report() == before  # all reused
    EDITS[edit](repo)
    after = same_as_cold()
    assert (after == before) == (edit in ("nothing", "git index"))
    assert report() == after


def test_a_module_folder_outside_the_scanned_path_is_listed_again(repo: Path) -> None:
    """``envs`` alone: ``modules/db`` is read from disk, not from discovery; a new file there counts."""
    before = same_as_cold("envs")
    (repo / "modules/db/more.tf").write_text('resource "aws_s3_bucket" "more" {}\n')
    assert same_as_cold("envs") != before


def test_a_knowledge_change_is_a_miss(repo: Path) -> None:
    (repo.parent / "pack").mkdir()
    (repo.parent / "pack" / "modules.yaml").write_text(PACK)
    plain = same_as_cold()
    with_pack = same_as_cold(".", "--policies", "../pack")
    assert plain != with_pack and b"neither on disk nor known" not in with_pack
    assert report() == plain


def test_only_the_roots_that_read_an_edited_file_are_evaluated(repo: Path, evaluated: list[list[str]]) -> None:
    report()
    report()
    (repo / "envs/b/main.tf").write_text(BUCKET.replace("particuliere", "standard"))
    report()
    (repo / "modules/db/main.tf").write_text(DB + "\n# a comment\n")
    report()
    assert evaluated == [["envs/a", "envs/b", "envs/c", "envs/r"], ["envs/b"], ["envs/a", "envs/c"]]  # the second
    # scan is the whole scan's memo: no frontend runs


def test_a_planted_or_damaged_entry_is_ignored(repo: Path, evaluated: list[list[str]]) -> None:
    truth = report()
    entries = sorted((repo.parent / "cache" / "roots").glob("*.json"))
    assert len(entries) == 4
    entries += (repo.parent / "cache" / "scans").glob("*.json")
    for entry in entries:
        mac, _, text = entry.read_bytes().partition(b"\n")
        lie = text.replace(b"particuliere", b"standard")
        forged = hmac.new(b"\0" * 32, lie, hashlib.sha256).hexdigest().encode()
        entry.write_bytes(forged + b"\n" + lie if entry == entries[0] else mac + b"\n" + lie[:-5])
    assert report() == truth
    assert evaluated[-1] == ["envs/a", "envs/b", "envs/c", "envs/r"]


def test_a_kept_scan_has_this_runs_timestamps(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                              evaluated: list[list[str]]) -> None:
    """Timestamps are the only part of a report that depends on the run."""
    from linter import scan, scan_memo

    for clock, module in (("2026-12-07T10:00:00", scan), ("2026-12-07T10:00:00", scan_memo)):
        monkeypatch.setattr(module, "now", lambda clock=clock: clock)
    first = report(".", "--report", "junit:../first.xml")
    monkeypatch.setattr(scan_memo, "now", lambda: "2026-12-08T11:00:00")
    assert report(".", "--report", "junit:../second.xml") == first
    assert len(evaluated) == 1  # the second is the kept scan
    junit = (repo.parent / "first.xml").read_text(), (repo.parent / "second.xml").read_text()
    assert "2026-12-07T10:00:00" in junit[0] and junit[1] == junit[0].replace("2026-12-07T10:00:00",
                                                                              "2026-12-08T11:00:00")


def test_a_file_terragrunt_looked_for_and_did_not_find_counts_when_it_appears(repo: Path) -> None:
    """``find_in_parent_folders`` looks in folders the scan of ``live/app`` never walks: a nearer
    ``root.hcl`` written there is the one Terragrunt takes next time."""
    (repo / "root.hcl").write_text('inputs = {\n  level = "standard"\n}\n')
    (repo / "live/app").mkdir(parents=True)
    (repo / "live/app/terragrunt.hcl").write_text(
        'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n'
        'terraform {\n  source = "../../modules/db"\n}\n')
    (repo / "modules/db/main.tf").write_text(PROVIDER + DB)
    before = same_as_cold("live/app")
    (repo / "live/root.hcl").write_text('inputs = {\n  level = "particuliere"\n}\n')
    assert same_as_cold("live/app") != before


def test_forcing_the_reference_hcl_parser_is_a_miss(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``SNCLINT_HCL_PARSER=hcl2`` is there to tell a parser's difference from a bug: neither a
    kept scan nor a kept parse of the other parser may answer for it."""
    from linter.loaders import cache, hcl
    from linter.loaders.value_digest import code_digest

    def keys_again() -> None:
        for cached in (cache.parser_versions, cache.fingerprint, code_digest):
            cached.cache_clear()

    report()
    parsed: list[str] = []
    real = hcl.load_hcl2
    monkeypatch.setattr(hcl, "load_hcl2", lambda path, text: parsed.append(path) or real(path, text))
    monkeypatch.setenv(hcl.PARSER_ENV, "hcl2")
    keys_again()
    try:
        report()
    finally:
        monkeypatch.delenv(hcl.PARSER_ENV)
        keys_again()
    assert "envs/b/main.tf" in parsed


def test_a_file_discovery_left_for_its_size_counts_when_it_shrinks(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery leaves a file over the size limit unread: its name alone does not say it came under."""
    from linter import discovery

    monkeypatch.setattr(discovery, "MAX_FILE_BYTES", 200)
    (repo / "k8s/app/more.yaml").write_text(NAMESPACE.replace("app", "more") + "#" * 300 + "\n")
    before = same_as_cold()
    (repo / "k8s/app/more.yaml").write_text(NAMESPACE.replace("app", "more"))
    assert same_as_cold() != before


def test_a_module_folder_changed_since_a_worker_listed_it_is_not_trusted(tmp_path: Path) -> None:
    """A worker's reads are told to the scan's log after every root is evaluated: a module file
    written in between must not be taken as what the kept scan saw."""
    from linter import read_log
    from linter.terraform.modules.reader import Reader
    from linter.terraform.modules.root_cache import Reads, RootCache

    (tmp_path / "modules/db").mkdir(parents=True)
    (tmp_path / "modules/db/main.tf").write_text(DB)
    units = RootCache(Reader(tmp_path, tmp_path, {}), None, enabled=False)
    seen = Reads(folders={"modules/db": ("modules/db/main.tf",)})
    (tmp_path / "modules/db/more.tf").write_text(DB)  # after the worker listed the folder
    with read_log.recording() as log:
        units.log(seen)
    assert log.folders[str(tmp_path / "modules/db")] == read_log.UNREAD  # no listing equals it
