"""A small scan starts lean: the shipped knowledge comes from its compiled copy (read and checked
once per version of the files, sealed like the parse cache), and nothing it does not need is
imported (the reference HCL parser, jsonschema, other reporters)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from linter import compiled, shipped_build, shipped_knowledge
from linter.loaders.value_digest import value_digest
from linter.policy_files import SHIPPED, _load, _read_shipped, knowledge_digest, load_knowledge, shipped_document

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "fixtures" / "terraform" / "aws-paris"


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    compiled.use_cache(True)
    return tmp_path / "cache"


class Counting:
    def __init__(self, value: Any = None) -> None:
        self.calls = 0
        self.value = value

    def __call__(self, text: str) -> Any:
        self.calls += 1
        return self.value if self.value is not None else {"length": len(text), "kinds": ["a", "b"]}


def test_read_once_then_from_the_cache(root: Path) -> None:
    read = Counting()
    first = compiled.compiled("classification", read, __name__)
    again = compiled.compiled("classification", read, __name__)
    assert read.calls == 1
    assert again == first
    assert len(list((root / "knowledge").glob("*.json"))) == 1


@pytest.mark.parametrize("kind", SHIPPED)
def test_the_compiled_copy_is_what_reading_the_file_gives(root: Path, kind: str) -> None:
    text = (files("linter.policies") / f"{kind}.yaml").read_text(encoding="utf-8")
    fresh = _read_shipped(kind, text)
    assert compiled.compiled(kind, lambda t: _read_shipped(kind, t), "linter.policy_files") == fresh
    assert compiled.compiled(kind, lambda t: pytest.fail("not from the cache"), "linter.policy_files") == fresh


def test_a_planted_or_damaged_copy_is_a_miss(root: Path) -> None:
    read = Counting()
    compiled.compiled("classification", read, __name__)
    (entry,) = (root / "knowledge").glob("*.json")
    mac, _, text = entry.read_bytes().partition(b"\n")
    lie = text.replace(b'"length"', b'"lenght"')
    for planted in (mac + b"\n" + lie, b"0" * 64 + b"\n" + lie, text, mac + b"\n" + text[:-3], b""):
        entry.write_bytes(planted)
        assert compiled.compiled("classification", read, __name__)["length"] > 0
    assert read.calls == 6


def test_a_changed_reader_module_or_file_is_another_entry(root: Path) -> None:
    read = Counting()
    compiled.compiled("classification", read, __name__)
    compiled.compiled("classification", read, "linter.policy_files")
    compiled.compiled("rules", read, __name__)
    assert read.calls == 3


def test_dates_are_kept_as_dates(root: Path) -> None:
    """A config's YAML dates (``expires: 2027-06-30``) come back as dates; a timestamp is not kept."""
    from datetime import date, datetime

    dated = {"exceptions": [{"expires": date(2027, 6, 30), "reason": "2027-06-30"}], "on": [date(2026, 1, 2)]}
    read = Counting(dated)
    for _ in range(2):
        again = compiled.compiled("classification", read, __name__)
        assert again == dated and type(again["exceptions"][0]["expires"]) is date
        assert again["exceptions"][0]["reason"] == "2027-06-30"
    assert read.calls == 1
    stamped = Counting({"at": datetime(2027, 6, 30, 10, 0)})
    compiled.compiled("rules", stamped, __name__)
    assert compiled.compiled("rules", stamped, __name__) == {"at": datetime(2027, 6, 30, 10, 0)}
    assert stamped.calls == 2


def test_values_json_would_change_are_not_kept(root: Path) -> None:
    read = Counting({1: ("a", "b")})
    assert compiled.compiled("classification", read, __name__) == {1: ("a", "b")}
    assert compiled.compiled("classification", read, __name__) == {1: ("a", "b")}
    assert read.calls == 2


def test_no_cache_reads_and_writes_nothing(root: Path) -> None:
    compiled.use_cache(False)
    try:
        read = Counting()
        compiled.compiled("classification", read, __name__)
        compiled.compiled("classification", read, __name__)
    finally:
        compiled.use_cache(True)
    assert read.calls == 2
    assert not (root / "knowledge").exists()


# ``--jobs 1``: the scan in one process, what its own code needs (on more CPUs a small scan's
# frontends run in a forked process: ``test_an_edited_small_root_overlaps_its_frontends_with_the_imports``)
PROBE = """
import json, sys
from linter.cli import main
try:
    main(["scan", ".", "--fail-on", "never", "--jobs", "1", "-o", sys.argv[1]])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def test_a_small_scan_imports_only_what_it_needs(tmp_path: Path) -> None:
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    report = str(tmp_path / "report.txt")
    runs = [subprocess.run([sys.executable, "-c", PROBE, report], cwd=SMALL, env=env, capture_output=True, text=True,
                           check=True, timeout=60) for _ in range(2)]
    cold, warm = (set(json.loads(run.stdout.splitlines()[-1])) for run in runs)
    for modules in (cold, warm):
        assert not {"hcl2", "lark"} & modules  # the reference HCL parser: only for what tree-sitter declines
        assert not {m for m in modules if m.startswith("linter.reporters.")} - {
            "linter.reporters.common", "linter.reporters.codec", "linter.reporters.text",
            "linter.reporters.json_report", "linter.reporters.gitlab_sast"}
    assert "jsonschema" not in cold | warm  # the shipped knowledge comes compiled in the package
    assert not (tmp_path / "cache" / "knowledge").exists()  # so nothing of it is kept in the cache


PLAIN_ROOT = """
provider "aws" {
  region = "eu-west-3"
}

resource "aws_db_instance" "patients" {
  engine = "postgres"
  tags = {
    sensitivity = "particuliere"
  }
}
"""


def test_a_warm_scan_of_a_plain_terraform_root_reads_no_yaml_and_no_kubernetes_knowledge(tmp_path: Path) -> None:
    """The pre-commit case outside Kubernetes, run again: shipped knowledge compiled, the scan kept
    whole, no config file. Neither YAML parser nor parser of HCL, nor the Kubernetes facts, nor the
    git index reader (no repository here), nor the graph library and the rules are imported."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(PLAIN_ROOT, encoding="utf-8")
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    report = str(tmp_path / "report.txt")
    runs = [subprocess.run([sys.executable, "-c", PROBE, report], cwd=project, env=env, capture_output=True,
                           text=True, check=True, timeout=60) for _ in range(2)]
    warm = set(json.loads(runs[-1].stdout.splitlines()[-1]))
    assert "aws_db_instance.patients" in Path(report).read_text(encoding="utf-8")
    unneeded = {"yaml", "jsonschema", "lark", "hcl2", "tree_sitter", "dulwich", "jsonpatch", "networkx",
                "linter.scan", "linter.graph.build", "linter.rules.engine",
                "linter.kubernetes.data", "linter.kubernetes.terraform_object_reader", "linter.loaders.safe_yaml",
                "linter.loaders.hcl_ts", "linter.loaders.hcl_reference",
                # nor the parse cache's IR and codec, nor the installed libraries' metadata (and ``email``)
                "linter.loaders.ir", "linter.loaders.ir_json", "linter.loaders.hcl", "importlib.metadata", "email",
                # nor RE2 (no pattern compiled), the package data's archive readers, a temporary name's randomness
                "re2", "importlib.resources", "zipfile", "tempfile", "secrets"}
    assert not unneeded & warm


def test_an_edit_beside_kept_yaml_files_loads_no_yaml_parser(tmp_path: Path) -> None:
    """The pre-commit case with a YAML file that is not a manifest (CI config, Helm values) kept
    from the last run: an edited ``.tf`` is parsed again, the YAML file's kept documents (or the
    manifests' whole outcome, once the files are older than the racy window) are read from the
    cache, and PyYAML is not even imported."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(PLAIN_ROOT, encoding="utf-8")
    (project / "values.yaml").write_text("replicas: 2\nimage: {tag: v1}\n", encoding="utf-8")
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    report = str(tmp_path / "report.txt")

    def probe() -> set[str]:
        run = subprocess.run([sys.executable, "-c", PROBE, report], cwd=project, env=env, capture_output=True,
                             text=True, check=True, timeout=60)
        return set(json.loads(run.stdout.splitlines()[-1]))

    assert "yaml" in probe()
    (project / "main.tf").write_text(PLAIN_ROOT + "\n", encoding="utf-8")
    edited = probe()
    assert not {"yaml", "linter.loaders.safe_yaml"} & edited
    # it holds no Kubernetes object: nor is the objects' code (reading, placing, their nodes)
    assert not {"linter.kubernetes.objects", "linter.kubernetes.placement", "linter.kubernetes.nodes",
                "linter.kubernetes.storage"} & edited
    assert "aws_db_instance.patients" in Path(report).read_text(encoding="utf-8")


def test_an_edited_plain_terraform_root_stays_within_its_import_budget(tmp_path: Path) -> None:
    """The pre-commit case itself: a ``.tf`` file edited since the last run. The root is evaluated
    again and the graph built (networkx, the IR, tree-sitter), but nothing for YAML, Kubernetes
    manifests, JSON Schema or the reference HCL parser; and no more modules and dataclasses than
    now (each frozen dataclass costs about half a millisecond to define on Python 3.11)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(PLAIN_ROOT, encoding="utf-8")
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    command = ["scan", ".", "--fail-on", "never", "--jobs", "1", "-o", str(tmp_path / "report.txt")]

    def probe() -> tuple[set[str], int]:
        run = subprocess.run([sys.executable, "-c", COUNTING, "-", *command], cwd=project, env=env,
                             capture_output=True, text=True, check=True, timeout=60)
        modules, dataclasses = json.loads(run.stdout.splitlines()[-1])
        return set(modules), dataclasses

    probe()
    (project / "main.tf").write_text(PLAIN_ROOT + "\n", encoding="utf-8")
    modules, dataclasses = probe()
    assert {"networkx", "linter.loaders.ir", "linter.loaders.hcl_ts"} <= modules  # it did evaluate
    assert not {"yaml", "linter.loaders.safe_yaml", "linter.loaders.kubernetes", "linter.kubernetes.kept",
                "linter.kubernetes.frontend", "linter.kubernetes.data", "jsonschema", "hcl2", "lark"} & modules
    assert len([m for m in modules if m.startswith("linter")]) <= 130
    assert dataclasses <= 104



def test_an_edited_small_root_overlaps_its_frontends_with_the_imports(tmp_path: Path) -> None:
    """On two CPUs, the edited small root's frontends run in a forked process while the scan's own
    imports the graph library and the rules: the scan's process imports none of the frontends' code
    (parser, IR, evaluator, the Kubernetes objects Terraform declares), and the report is the one
    a scan in one process writes."""
    project = tmp_path / "project"
    shutil.copytree(SMALL, project)
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}

    counted: list[int] = []

    def probe(jobs: str, report: Path) -> set[str]:
        command = ["scan", ".", "--fail-on", "never", "--jobs", jobs, "-f", "json", "-o", str(report)]
        run = subprocess.run([sys.executable, "-c", IDLE + COUNTING, "-", *command], cwd=project, env=env,
                             capture_output=True, text=True, check=True, timeout=60)
        modules, dataclasses = json.loads(run.stdout.splitlines()[-1])
        counted[:] = [len([m for m in modules if m.startswith("linter")]), dataclasses]
        return set(modules)

    probe("2", tmp_path / "first.json")
    with (project / "storage.tf").open("a", encoding="utf-8") as edit:
        edit.write("# edited\n")
    modules = probe("2", tmp_path / "forked.json")
    assert counted[0] <= 86 and counted[1] <= 66  # modules and dataclasses (in one process: 140 and 119)
    assert {"networkx", "linter.graph.build", "linter.rules.engine"} <= modules
    assert not {"tree_sitter", "linter.loaders.ir", "linter.loaders.hcl_ts", "linter.terraform.modules.frontend",
                "linter.terraform.language.evaluate", "linter.kubernetes.terraform_object_reader",
                "linter.kubernetes.data"} & modules
    assert "secrets" not in modules  # nor for the random part of the cache's temporary names
    with (project / "storage.tf").open("a", encoding="utf-8") as edit:
        edit.write("# edited again\n")
    assert "tree_sitter" in probe("1", tmp_path / "alone.json")
    forked = (tmp_path / "forked.json").read_bytes()
    assert forked == (tmp_path / "alone.json").read_bytes() and json.loads(forked)["findings"]


# a CPU idle whatever else runs on the machine now (the fork is left out on a busy one)
IDLE = """
import linter.forked
linter.forked.idle_cpus = lambda: 1
"""
COUNTING = """
import dataclasses, json, sys
from linter.cli import main
main(sys.argv[2:])
defined = [value for name in list(sys.modules) for value in list(vars(sys.modules[name]).values())
           if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name]
print(json.dumps([sorted(sys.modules), len(defined)]))
"""


def test_an_unchanged_small_root_and_its_graph_stay_within_their_import_budget(tmp_path: Path) -> None:
    """Counts, not times (a busy machine changes times): each module imported and each dataclass
    defined costs a pre-commit run's start-up (a frozen dataclass about half a millisecond, its
    methods compiled). The kept scan and the kept graph export need the report's model, the
    knowledge and the config, not the graph library, the IR or the frontends."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(PLAIN_ROOT, encoding="utf-8")
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}

    def probe(*args: str) -> tuple[set[str], int]:
        run = subprocess.run([sys.executable, "-c", COUNTING, "-", *args], cwd=project, env=env, capture_output=True,
                             text=True, check=True, timeout=60)
        modules, dataclasses = json.loads(run.stdout.splitlines()[-1])
        return set(modules), dataclasses

    for command in (["scan", ".", "--fail-on", "never", "-o", str(tmp_path / "report.txt")],
                    ["graph", ".", "-o", str(tmp_path / "graph.json")]):
        probe(*command)
        modules, dataclasses = probe(*command)
        assert not {"networkx", "linter.scan", "linter.graph.export", "linter.loaders.ir"} & modules
        assert "linter.frontend_contract" not in modules  # nor the frontends' contract
        assert len([m for m in modules if m.startswith("linter")]) <= 37
        assert dataclasses <= 51


DATED = ("version: 1\nexceptions:\n  - rule: SNC001\n    address: aws_db_instance.patients\n"
         "    reason: archived\n    expires: 2099-06-30\n")


@pytest.mark.parametrize("text", ["version: 1\nfail_on: warning\n", DATED])
def test_a_config_file_is_checked_once_then_read_compiled(tmp_path: Path, text: str) -> None:
    """The same ``.snclint.yaml`` again, a YAML date in it or not: no JSON Schema validator (the
    YAML parser still reads it as a candidate manifest of the scanned folder), the same report; an
    edit that breaks it is refused as on the first run."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(PLAIN_ROOT, encoding="utf-8")
    config = project / ".snclint.yaml"
    config.write_text(text, encoding="utf-8")
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    report = str(tmp_path / "report.txt")

    def probe() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", PROBE, report], cwd=project, env=env, capture_output=True,
                              text=True, timeout=60)

    cold = probe()
    shown = Path(report).read_text(encoding="utf-8")
    (project / "main.tf").write_text(PLAIN_ROOT + "\n", encoding="utf-8")  # not the scan kept whole
    warm = probe()
    assert "jsonschema" in json.loads(cold.stdout.splitlines()[-1])
    assert "jsonschema" not in json.loads(warm.stdout.splitlines()[-1])
    assert Path(report).read_text(encoding="utf-8") == shown
    assert ("1 suppressed" in shown) == (text == DATED)
    config.write_text("version: 1\nfail_on: sometimes\n", encoding="utf-8")
    assert ".snclint.yaml: fail_on:" in probe().stderr


def test_manifests_without_a_kustomization_do_not_load_kustomize(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "namespace.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: patients\n",
                                            encoding="utf-8")
    env = {"SNCLINT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "report.txt")], cwd=project, env=env,
                         capture_output=True, text=True, check=True, timeout=60)
    modules = set(json.loads(run.stdout.splitlines()[-1]))
    assert "linter.kubernetes.frontend" in modules
    assert not {m for m in modules if m.startswith("linter.kubernetes.kustomize") or m == "jsonpatch"}


def test_the_knowledge_digest_comes_from_what_the_knowledge_was_built_from(tmp_path: Path) -> None:
    """Incremental scans key their entries by it: the same inputs give the same digest, in a few
    milliseconds; another pack, another digest; a copy with a field replaced is digested whole."""
    shipped = load_knowledge()
    assert knowledge_digest(shipped) == knowledge_digest(_load.__wrapped__((), (), str(tmp_path)))
    pack = tmp_path / "pack"
    pack.mkdir()
    flows = "kind: flows\nversion: 1\nflows:\n  - {type: acme_a, attribute: source_id, relation: copies_to}\n"
    (pack / "flows.yaml").write_text(flows, encoding="utf-8")
    packed = load_knowledge((pack.as_posix(),))
    assert knowledge_digest(packed) not in (knowledge_digest(shipped), value_digest(packed))
    changed = replace(shipped, default_tag_paths=("elsewhere",))
    assert knowledge_digest(changed) == value_digest(changed) != value_digest(shipped)


def test_the_shipped_knowledge_alone_is_known_by_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Assembled from the compiled copy alone, the knowledge's digest is the package's (whose code
    digest covers that copy): its documents are not written as JSON again at every start. Read
    from the files (a stale copy), they are."""
    import linter.policy_files as policy_files

    dumped: list[int] = []
    real = json.dumps
    monkeypatch.setattr(policy_files.json, "dumps", lambda *a, **k: dumped.append(1) or real(*a, **k))
    alone = _load.__wrapped__((), (), str(tmp_path))
    assert knowledge_digest(alone) == policy_files._shipped_digest() and not dumped
    monkeypatch.setattr(policy_files, "compiled_copy", lambda: False)
    read = _load.__wrapped__((), (), str(tmp_path))
    assert dumped and knowledge_digest(read) not in (knowledge_digest(alone), value_digest(read))


def test_installed_versions_come_from_the_folders_installers_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parsers' and PyYAML's versions key the caches: each one's ``*.dist-info`` folder beside its
    module names it as its metadata does, and the metadata is not read."""
    import importlib.metadata

    from linter.loaders import cache

    expected = {name: importlib.metadata.version(name) for name in cache.KEYING}
    monkeypatch.setattr(importlib.metadata, "version", lambda name: pytest.fail(f"{name}'s metadata read"))
    assert cache.installed_versions.__wrapped__() == expected
    assert cache.installed_versions.__wrapped__(enabled=False) == expected


def test_a_version_is_read_beside_a_module_only_when_that_is_conclusive(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """One folder of the distribution's name, however an installer spelt it, beside the module's
    package or file; anything else (none, two, one beside an ``.egg-info`` of that name, the module
    not installed, a namespace package) is not an answer, and the parser not installed at all is
    "none" as its metadata says."""
    from linter.loaders import cache

    site = tmp_path / "site"
    site.mkdir()
    for name in ("acme_hcl", "acme_two", "acme_egg", "acme_legacy", "spaced/inner"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text("", encoding="utf-8")
    (site / "acme_lone.py").write_text("", encoding="utf-8")
    for folder in ("Acme.HCL-2.0.1.dist-info", "acme_two-1.0.dist-info", "acme_two-1.1.dist-info",
                   "acme_lone-0.3.dist-info", "acme_hcl_extra-9.9.dist-info", "spaced-1.0.dist-info",
                   "acme_egg-1.0.dist-info", "acme_egg-1.1-py3.12.egg-info", "Acme_Legacy.egg-info"):
        (site / folder).mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert cache.installed_beside("acme-hcl", "acme_hcl") == "2.0.1"
    assert cache.installed_beside("acme-lone", "acme_lone") == "0.3"
    assert cache.installed_beside("acme-two", "acme_two") is None  # a leftover beside the install
    assert cache.installed_beside("acme-egg", "acme_egg") is None  # a legacy install over a wheel's
    assert cache.installed_beside("acme-legacy", "acme_legacy") is None  # a legacy install alone
    assert cache.installed_beside("acme-hcl-extra", "acme_hcl_extra") is None  # a folder, not a module
    assert cache.installed_beside("spaced", "spaced") is None  # a namespace package
    assert cache.installed_beside("acme-missing", "acme_missing") is None
    monkeypatch.setattr(cache, "MODULES", {**cache.MODULES, "lark": "acme_missing"})
    monkeypatch.setattr(cache, "_metadata_versions", lambda enabled: dict.fromkeys(cache.KEYING, "none"))
    assert cache.installed_versions.__wrapped__(enabled=False)["lark"] == "none"


def test_installed_versions_are_read_once_per_install(root: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Versions the folders beside the modules do not tell are read from the metadata, again only
    when a folder of the import path changes (a distribution installed or removed)."""
    import importlib.metadata

    from linter.loaders import cache as versions_module

    monkeypatch.setattr(versions_module, "installed_beside", lambda distribution, module, listings: None)
    site = tmp_path / "site"
    site.mkdir()
    os.utime(site, ns=(1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    monkeypatch.setattr(versions_module, "RACY_NS", 0)  # the folders of this test are all new
    read: list[str] = []
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: read.append(name) or real(name))
    versions = versions_module.installed_versions.__wrapped__
    first = versions()
    assert versions() == first and len(read) == len(versions_module.KEYING)
    (site / "another-1.0.dist-info").mkdir()
    assert versions() == first and len(read) == 2 * len(versions_module.KEYING)
    versions(enabled=False)  # --no-cache
    assert len(read) == 3 * len(versions_module.KEYING)


def test_the_compiled_copy_shipped_in_the_package_is_current() -> None:
    """``policies/compiled.json`` is what reading and checking the shipped files gives now."""
    shipped = (files("linter.policies") / shipped_knowledge.FILE).read_bytes()
    assert shipped == shipped_build.build(), \
        "policies/compiled.json is stale: regenerate it with `python -m linter.shipped_build`"


def test_a_stale_shipped_copy_is_not_used(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited checkout (a policy file or schema changed since the copy was built) reads the files."""
    shipped_knowledge._documents.cache_clear()
    assert shipped_knowledge.shipped("rules")[0]
    monkeypatch.setattr(shipped_knowledge, "key", lambda kinds: "0" * 64)
    shipped_knowledge._documents.cache_clear()
    try:
        assert shipped_knowledge.shipped("rules") == (False, None)
        text = (files("linter.policies") / "rules.yaml").read_text(encoding="utf-8")
        assert shipped_document.__wrapped__("rules") == _read_shipped("rules", text)
        assert len(list((root / "knowledge").glob("*.json"))) == 1  # through the cache, as before
    finally:
        monkeypatch.undo()
        shipped_knowledge._documents.cache_clear()
