"""Kept manifests (``linter.kubernetes.kept``): each manifest file's documents are kept by its
bytes, so a scan after a change parses only the files whose bytes changed, and reports exactly
what a scan without any cache reports, whatever the change (what depends on several files, the
config or Terraform is computed again)."""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import pytest
from helpers.k8s_repo import edit as _edit
from helpers.k8s_repo import repo_of, report
from helpers.read_spy import spy_reads

from linter import compiled, limits
from linter.cli import main
from linter.kubernetes import kept, kept_whole
from linter.loaders import cache, file_digests, manifest_json
from linter.loaders import kubernetes as loaders_kubernetes
from linter.loaders.kubernetes import load_manifests
from linter.loaders.yaml_values import YamlMap


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The manifests parsed through the kept manifests (not found kept), in order."""
    paths: list[str] = []

    def spy(path: str, data: bytes) -> object:
        paths.append(path)
        return load_manifests(path, data)

    monkeypatch.setattr(kept, "load_manifests", spy)
    return paths


@pytest.fixture(autouse=True)
def _knowledge_cache() -> Iterator[None]:
    yield
    compiled.use_cache(True)  # ``--no-cache`` turns it off for the rest of the process


def parsed_by_warm_scan(parsed: list[str]) -> list[str]:
    """The files a scan with the cache parsed; its report is the one of a scan without it."""
    before = len(parsed)
    warm = report()
    assert warm == report(cache_on=False)
    return sorted(parsed[before:])


def _move(old: str, new: str) -> Callable[[Path], object]:
    def move(root: Path) -> None:
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        (root / old).rename(root / new)
    return move


EXTRA = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: dossiers\ndata:\n  a: b\n"
# (fixture, change, the files a scan with the cache parses again after it)
CHANGES: dict[str, tuple[str, Callable[[Path], object], list[str]]] = {
    # the Namespace's label classifies the back-ups of other files, which are not parsed again
    "a Namespace label": ("operator-backups", _edit("namespaces.yaml", "particuliere", "standard"),
                          ["namespaces.yaml"]),
    "a manifest added": ("operator-backups", lambda r: (r / "extra.yaml").write_text(EXTRA), ["extra.yaml"]),
    "a manifest deleted": ("operator-backups", lambda r: (r / "cnpg.yaml").unlink(), []),
    "a manifest moved to a new folder": ("operator-backups", _move("cnpg.yaml", "db/cnpg.yaml"), ["db/cnpg.yaml"]),
    "a manifest renamed": ("namespace-annotations", _move("dossiers.yaml", "zz-dossiers.yaml"),
                           ["zz-dossiers.yaml"]),
    # the placement of the objects of other files changes with it
    "a Namespace deleted": ("namespace-annotations", lambda r: (r / "namespaces.yaml").unlink(), []),
    # (the config file is a YAML file too: read as one, it holds no object)
    "the config": ("namespace-annotations", _edit(".snclint.yaml", "default: secnumcloud", "default: gke"),
                   [".snclint.yaml"]),
    "a kustomization": ("kustomize", _edit("overlays/production/kustomization.yaml", "namespace: courrier",
                                           "namespace: lettres"), []),
    "a kustomization's resource": ("kustomize", _edit("base/pvc.yaml", "name: courrier-documents", "name: pieces"),
                                   []),
    "a JSON manifest": ("json-list", _edit("export.json", '"registre"', '"greffe"'), ["export.json"]),
    "Terraform declaring Kubernetes objects": ("terraform-objects",
                                               _edit("infra/main.tf", '"particuliere"', '"standard"'), []),
    "the Namespace Terraform objects are in": ("terraform-objects", _edit("apps/namespaces.yaml", "name:", "name: x-"),
                                               ["apps/namespaces.yaml"]),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_parses_only_the_files_it_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   parsed: list[str], change: str) -> None:
    fixture, apply, again = CHANGES[change]
    root = repo_of(tmp_path, monkeypatch, fixture)
    first = parsed_by_warm_scan(parsed)
    assert first  # a first scan parses every manifest
    before = report()
    assert parsed_by_warm_scan(parsed) == []
    apply(root)
    assert parsed_by_warm_scan(parsed) == again
    assert report() != before
    assert parsed_by_warm_scan(parsed) == []  # and kept again


def test_an_unchanged_manifest_is_not_even_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                parsed: list[str]) -> None:
    """Its ``stat`` tells its bytes did not change (``loaders.file_digests``)."""
    monkeypatch.setattr(file_digests, "RACY_NS", -3600 * 10**9)  # no test can age a file: every one is old
    root = repo_of(tmp_path, monkeypatch, "operator-backups")
    parsed_by_warm_scan(parsed)
    reads = spy_reads(monkeypatch, kept)
    (root / "main.tf").write_text("# the whole scan is not the one kept\n")
    (root / "cnpg.yaml").write_text((root / "cnpg.yaml").read_text() + "# edited\n")
    warm = report()
    assert reads == ["cnpg.yaml"] and parsed[-1] == "cnpg.yaml"
    assert warm == report(cache_on=False)


def test_a_forged_or_damaged_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             parsed: list[str]) -> None:
    root = repo_of(tmp_path, monkeypatch, "operator-backups")
    truth = report(cache_on=False)
    report()
    whole = tmp_path / "cache" / kept_whole.SECTION  # the outcome kept whole would spare reading the packs
    (entry,) = (tmp_path / "cache" / kept.SECTION).glob("*.json")
    _, _, text = entry.read_bytes().partition(b"\n")
    lie = text.replace(b"particuliere", b"standard")
    assert lie != text
    entry.write_bytes(hmac.new(b"\0" * 32, lie, hashlib.sha256).hexdigest().encode() + b"\n" + lie)
    (root / "main.tf").write_text("# the whole scan is not the one kept\n")
    shutil.rmtree(whole)
    before = len(parsed)
    assert report() == report(cache_on=False) != truth.replace(b"particuliere", b"standard")
    folder = len(list(root.glob("*.yaml")))
    assert len(parsed) - before == folder  # every file of the folder parsed again
    # sealed with the right key but not what the kept manifests write: a miss too
    key = entry.stem
    for damaged in ([kept.FORMAT, key, {"cnpg.yaml": [hashlib.sha256((root / "cnpg.yaml").read_bytes()).hexdigest(),
                                                      [[["not a mapping", 1, []]], [], None]]}],
                    [kept.FORMAT, key, {"cnpg.yaml": "x"}], {"not": "a list"}):
        cache.write_sealed(kept.SECTION, key, json.dumps(damaged).encode(), limits.CACHE_ENTRY_BYTES)
        (root / "main.tf").write_text(f"# {damaged!r}\n")
        shutil.rmtree(whole, ignore_errors=True)
        before = len(parsed)
        assert report() == report(cache_on=False)
        assert len(parsed) - before == folder


def test_standard_input_is_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frontend keeps standard input out of the kept manifests: it is parsed on every scan."""
    repo_of(tmp_path, monkeypatch, "operator-backups")
    asked: list[str] = []
    load = kept.KeptManifests.load

    def spy(self: kept.KeptManifests, path: str, data: bytes) -> object:
        asked.append(path)
        return load(self, path, data)

    def parse(path: str, data: bytes) -> object:
        parsed.append(path)
        return load_manifests(path, data)

    parsed: list[str] = []
    monkeypatch.setattr(kept.KeptManifests, "load", spy)
    monkeypatch.setattr(loaders_kubernetes, "load_manifests", parse)
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(EXTRA.encode())))
        assert main(["scan", ".", "-", "-f", "json", "-o", "../report.json", "--fail-on", "never"]) == 0
    assert asked and "-" not in asked
    assert parsed == ["-", "-"]
    packs = [json.loads(p.read_bytes().partition(b"\n")[2]) for p in (tmp_path / "cache" / kept.SECTION).glob("*.json")]
    assert packs and not any("-" in pack[2] for pack in packs)


def test_documents_come_back_as_they_were_composed() -> None:
    text = ("# snclint:ignore SNC001 reason=\"test\"\napiVersion: v1\nkind: List\nitems:\n"
            "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n"
            "    data: {n: 1, f: 1.5, b: true, z: null}\n")
    for path, data in (("a.yaml", text), ("b.json", json.dumps({"apiVersion": "v1", "kind": "Secret",
                                                               "metadata": {"name": "s"}})),
                       ("c.yaml", "apiVersion: v1\nkind: [\n"), ("d.yaml", "\0binary")):
        loaded = load_manifests(path, data.encode())
        again = manifest_json.decode(path, json.loads(json.dumps(manifest_json.encode(loaded)),
                                                      object_hook=manifest_json.object_hook))
        assert again == loaded
        for before, after in zip(loaded.documents, again.documents, strict=True):
            assert type(after.obj) is type(before.obj)
            assert getattr(after.obj, "line", None) == getattr(before.obj, "line", None)
    (item,) = load_manifests("a.yaml", text.encode()).documents
    assert isinstance(item.obj, YamlMap) and item.obj.line == 5 and item.comments == ((1, text.splitlines()[0]),)


@pytest.mark.parametrize("value", [{1: "a"}, {"\0x": "a"}, date(2026, 12, 7), b"bytes"])
def test_what_json_would_not_give_back_is_refused(value: object) -> None:
    loaded = load_manifests("a.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    loaded.documents[0].obj["data"] = value  # type: ignore[index]
    with pytest.raises(TypeError):
        manifest_json.encode(loaded)


def test_a_file_that_cannot_be_kept_is_parsed_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       parsed: list[str]) -> None:
    root = repo_of(tmp_path, monkeypatch, "operator-backups")
    (root / "dated.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n"
                                     "data:\n  day: 2026-12-07\n")
    parsed_by_warm_scan(parsed)
    (root / "main.tf").write_text("# the whole scan is not the one kept\n")
    shutil.rmtree(tmp_path / "cache" / kept_whole.SECTION)  # the outcome kept whole would spare reading the packs
    assert parsed_by_warm_scan(parsed) == ["dated.yaml"]


def test_a_manifest_read_is_hashed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``load`` is given the digest of the read its bytes came from; other bytes are hashed."""
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "a.yaml").write_text("kind: Namespace\nmetadata:\n  name: a\n")
    manifests = kept.KeptManifests(tmp_path, [tmp_path])
    data = manifests.read("a.yaml")
    hashed: list[bytes] = []
    monkeypatch.setattr(kept, "digest_of", lambda b: hashed.append(b) or hashlib.sha256(b).hexdigest())
    assert manifests.load("a.yaml", data) == load_manifests("a.yaml", data) and hashed == []
    other = b"kind: Namespace\nmetadata:\n  name: b\n"
    assert manifests.load("a.yaml", other) == load_manifests("a.yaml", other) and hashed == [other]
