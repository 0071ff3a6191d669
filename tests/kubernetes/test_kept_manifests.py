"""Kept Kubernetes manifests (``linter.kubernetes.kept``): a scan after a Terraform edit reuses the
manifests frontend's fragments without parsing a manifest, and reports exactly what a scan without
any cache reports; any change to what the frontend read, or to its config, makes it run again."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Callable, Iterator

import pytest

from linter import compiled
from linter.cli import main
from linter.kubernetes import entry

TF = ('provider "aws" {\n  region = "eu-west-3"\n}\n\n'
      'resource "aws_s3_bucket" "b" {\n  tags = { sensibilite = "standard" }\n}\n')
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  labels:\n    sensibilite: standard\n"
DB = ("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: app\n"
      "  labels:\n    sensibilite: particuliere\nspec:\n  template:\n    spec:\n      containers:\n"
      "        - name: pg\n          image: postgres:16\n")
CONFIG = ("version: 1\nkubernetes:\n  clusters:\n    prod:\n      hosting: {provider: outscale, offer: iaas, "
          "region: cloudgouv-eu-west-1}\n  default: prod\n")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    for name, text in {"infra/main.tf": TF, "k8s/namespace.yaml": NAMESPACE, "k8s/db.yaml": DB}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    yield root
    compiled.use_cache(True)  # ``--no-cache`` turns it off for the rest of the process


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many manifests each run of the manifests frontend parsed (not kept)."""
    runs: list[int] = []
    real = entry._read

    def spy(request: entry.Request) -> tuple[entry.Fragment, ...]:
        runs.append(len(request.of(entry.MANIFESTS.kind)))
        return real(request)

    monkeypatch.setattr(entry, "_read", spy)
    return runs


def report(cache: bool = True) -> bytes:
    out = Path("..") / "report.json"
    code = main(["scan", ".", "-f", "json", "-o", str(out), "--fail-on", "never", *([] if cache else ["--no-cache"])])
    assert code == 0
    return out.read_bytes()


def warm_is_cold(parsed: list[int]) -> bool:
    """A scan with the cache reports what one without it does; whether the warm one parsed manifests."""
    before = len(parsed)
    warm = report()
    ran = len(parsed) > before
    assert warm == report(cache=False)
    return ran


def test_a_terraform_edit_reuses_the_manifests(repo: Path, parsed: list[int]) -> None:
    assert warm_is_cold(parsed)
    (repo / "infra/main.tf").write_text(TF.replace('"standard"', '"particuliere"'))
    assert not warm_is_cold(parsed)
    assert b"particuliere" in report()


EDITS: dict[str, Callable[[Path], object]] = {
    "manifest edited": lambda r: (r / "k8s/db.yaml").write_text(DB.replace("particuliere", "standard")),
    "manifest added": lambda r: (r / "k8s/cache.yaml").write_text(DB.replace("name: db", "name: cache")),
    "manifest deleted": lambda r: (r / "k8s/db.yaml").unlink(),
    "config": lambda r: (r / ".snclint.yaml").write_text(CONFIG),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_change_it_read_parses_again(repo: Path, parsed: list[int], edit: str) -> None:
    assert warm_is_cold(parsed)
    assert not warm_is_cold(parsed)  # nothing changed: kept
    EDITS[edit](repo)
    assert warm_is_cold(parsed)


def test_a_forged_entry_is_ignored(repo: Path, parsed: list[int]) -> None:
    truth = report(cache=False)
    report()
    (entry_file,) = (repo.parent / "cache" / "manifests").glob("*.json")
    _, _, text = entry_file.read_bytes().partition(b"\n")
    lie = text.replace(b"particuliere", b"standard")
    entry_file.write_bytes(hmac.new(b"\0" * 32, lie, hashlib.sha256).hexdigest().encode() + b"\n" + lie)
    (repo / "infra/main.tf").write_text(TF + "\n")  # the whole scan is not the one kept
    before = len(parsed)
    assert report() == report(cache=False) != truth.replace(b"particuliere", b"standard")
    assert len(parsed) > before


def test_a_kustomization_looked_for_and_not_found_counts_when_it_appears(repo: Path) -> None:
    """The overlay alone is scanned: ``base`` is never walked, so only the look for its
    kustomization file can tell that one was written there since."""
    overlay = repo / "k8s/overlays/prod"
    overlay.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text("resources:\n  - namespace.yaml\n  - ../../base\n")
    (overlay / "namespace.yaml").write_text(NAMESPACE)
    (repo / "k8s/base").mkdir()
    (repo / "k8s/base/db.yaml").write_text(DB)
    (repo / ".snclint.yaml").write_text(CONFIG)

    def scanned(cache: bool = True) -> bytes:
        out = Path("..") / "report.json"
        assert main(["scan", "k8s/overlays/prod", "-f", "json", "-o", str(out), "--fail-on", "never",
                     *([] if cache else ["--no-cache"])]) == 0
        return out.read_bytes()

    before = scanned()
    assert before == scanned(cache=False)
    (repo / "k8s/base/kustomization.yaml").write_text("resources:\n  - db.yaml\n")
    after = scanned()
    assert after == scanned(cache=False) != before
