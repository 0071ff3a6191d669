"""The manifests frontend's fragments kept whole (``linter.kubernetes.kept_whole``): a scan after
editing a Terraform file gives them back without placing the objects again, once the first scan
or one that parsed no manifest kept them; any change to what they were made from is a miss, and every report
is the one of a scan without the cache."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from helpers import k8s_repo
from helpers.k8s_repo import edit as _edit
from helpers.k8s_repo import report

from linter import compiled, limits
from linter.kubernetes import frontend, kept_whole
from linter.loaders import cache, model_json


@pytest.fixture(autouse=True)
def _knowledge_cache() -> Iterator[None]:
    yield
    compiled.use_cache(True)  # ``--no-cache`` turns it off for the rest of the process


@pytest.fixture()
def placed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per run of the Kubernetes frontend's placing and linking, in this process (the
    tests' frontends are never forked: ``conftest``)."""
    runs: list[int] = []
    real = frontend.load_kubernetes

    def spy(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(frontend, "load_kubernetes", spy)
    return runs


def repo_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str) -> Path:
    root = k8s_repo.repo_of(tmp_path, monkeypatch, fixture)
    (root / "infra").mkdir(exist_ok=True)
    return root


def edit_terraform(root: Path, number: int) -> None:
    with (root / "infra" / "edited.tf").open("a", encoding="utf-8") as handle:
        handle.write(f'locals {{\n  edit_{number} = "{number}"\n}}\n')


def placing_runs(placed: list[int], jobs: int = 0) -> tuple[int, bytes]:
    """How many times the scan with the cache placed objects, and its report (the one of a scan
    without the cache). ``jobs``: its ``--jobs``."""
    before = len(placed)
    warm = report(jobs=jobs)
    runs = len(placed) - before
    assert warm == report(cache_on=False)
    return runs, warm


EXTRA = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: courrier\ndata:\n  a: b\n"
# (fixture, a change of what the Kubernetes objects are made from)
CHANGES: dict[str, tuple[str, Callable[[Path], object]]] = {
    "a manifest": ("namespace-annotations", _edit("dossiers.yaml", "name:", "name: x-")),
    "a manifest added": ("namespace-annotations", lambda r: (r / "extra.yaml").write_text(EXTRA)),
    "a manifest deleted": ("namespace-annotations", lambda r: (r / "namespaces.yaml").unlink()),
    "the config": ("namespace-annotations", _edit(".snclint.yaml", "default: secnumcloud", "default: gke")),
    "a kustomization": ("kustomize", _edit("overlays/production/kustomization.yaml", "namespace: courrier",
                                           "namespace: lettres")),
    "a kustomization's resource": ("kustomize", _edit("base/pvc.yaml", "name: courrier-documents", "name: pieces")),
}


@pytest.mark.parametrize("change", CHANGES)
def test_kept_after_a_terraform_edit_and_missed_after_a_change_of_theirs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, placed: list[int], change: str) -> None:
    fixture, apply = CHANGES[change]
    root = repo_of(tmp_path, monkeypatch, fixture)
    edit_terraform(root, 0)
    assert placing_runs(placed)[0] == 1  # the first scan parses every manifest, and keeps the outcome whole
    edit_terraform(root, 1)
    runs, before = placing_runs(placed)
    assert runs == 0
    apply(root)
    runs, after = placing_runs(placed)
    assert runs == 1 and after != before


@pytest.fixture()
def writers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets the id of each process writing a kept Kubernetes outcome, one a line."""
    log = tmp_path / "writers"
    real = cache.write_sealed_parts

    def spy(section: str, *args: Any, **kwargs: Any) -> None:
        if section == kept_whole.SECTION:
            with log.open("a", encoding="ascii") as out:
                out.write(f"{os.getpid()}\n")
        real(section, *args, **kwargs)

    monkeypatch.setattr(cache, "write_sealed_parts", spy)
    return log


@pytest.mark.parametrize("jobs", [2, 1])
def test_after_a_manifest_edit_the_next_terraform_edit_places_them_and_keeps_them_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, placed: list[int], writers: Path, jobs: int) -> None:
    """A scan that parsed some manifests and took the others from earlier scans (a manifest edit)
    keeps nothing whole; the next scan after a Terraform edit places the objects and keeps them
    from a forked child while it goes on (``--jobs 1``: itself), and the one after it gets them back."""
    root = repo_of(tmp_path, monkeypatch, "namespace-annotations")
    report(jobs=jobs)
    assert writers.read_text() == f"{os.getpid()}\n"  # a first scan keeps them itself
    _edit("dossiers.yaml", "name:", "name: x-")(root)
    assert placing_runs(placed, jobs=jobs)[0] == 1
    assert len(writers.read_text().split()) == 1
    edit_terraform(root, 0)
    assert placing_runs(placed, jobs=jobs)[0] == 1
    _, aside = writers.read_text().split()
    assert (aside != str(os.getpid())) is (jobs > 1)
    edit_terraform(root, 1)
    assert placing_runs(placed, jobs=jobs)[0] == 0


def _dies() -> None:
    os._exit(9)


def _raises() -> None:
    raise RuntimeError("no room")


# (where, what): made to fail in the child that keeps the outcome aside
FAILURES: dict[str, tuple[object, str, Callable[[], object]]] = {
    "the child raises": (cache, "write_sealed_parts", _raises),
    "the child dies while it writes the entry": (model_json, "encode_entries", _dies),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_child_changes_nothing_but_the_next_scan_places_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, placed: list[int], failure: str) -> None:
    target, name, fail = FAILURES[failure]
    real, scanning = getattr(target, name), os.getpid()

    def failing(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != scanning:
            fail()
        return real(*args, **kwargs)

    root = repo_of(tmp_path, monkeypatch, "namespace-annotations")
    report()
    (first,) = (tmp_path / "cache" / kept_whole.SECTION).glob("*.json")
    kept = first.read_bytes()
    _edit("dossiers.yaml", "name:", "name: x-")(root)
    assert placing_runs(placed, jobs=2)[0] == 1
    edit_terraform(root, 0)
    with monkeypatch.context() as patched:
        patched.setattr(target, name, failing)
        assert placing_runs(placed, jobs=2)[0] == 1  # the report of a scan without the cache, exit code 0
    assert first.read_bytes() == kept  # the first scan's entry, now stale, neither replaced nor half-written
    edit_terraform(root, 1)
    assert placing_runs(placed, jobs=2)[0] == 1


def test_a_forged_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, placed: list[int]) -> None:
    root = repo_of(tmp_path, monkeypatch, "namespace-annotations")
    for number in range(2):
        edit_terraform(root, number)
        report()
    (entry,) = (tmp_path / "cache" / kept_whole.SECTION).glob("*.json")
    _, _, text = entry.read_bytes().partition(b"\n")
    entry.write_bytes(b"0" * 64 + b"\n" + text.replace(b"dossiers", b"forged"))
    edit_terraform(root, 2)
    runs, _ = placing_runs(placed)
    assert runs == 1
    # sealed with the right key but not fragments: a miss too
    cache.write_sealed(kept_whole.SECTION, entry.stem, b'["snclint-kubernetes-1"]', limits.CACHE_ENTRY_BYTES)
    edit_terraform(root, 3)
    assert placing_runs(placed)[0] == 1
