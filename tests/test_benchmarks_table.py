"""``run.py --table`` keeps working: it picks the files its edit cases promise, prints one markdown
table, and fails when a warm report is not the cold one. The full command runs once on a tiny
generated estate (slow: a few dozen scans); the rest runs in process and stays fast."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _generate(out: Path) -> Path:
    """Three roots: two AWS ones sharing modules (one of them alone uses the cluster), a Scaleway one."""
    subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), str(out), "--roots", "3", "--seed", "1"],
                   capture_output=True, text=True, check=True)
    return out


def _digest(top: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(p for p in top.rglob("*") if p.is_file()):
        sha.update(path.relative_to(top).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


@pytest.fixture(scope="module")
def table() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import table as module
    finally:
        sys.path.remove(str(BENCHMARKS))
    yield module


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("estate") / "estate")


def test_roots_and_the_modules_they_call(table: ModuleType, estate: Path) -> None:
    roots, users = table.module_users(estate)
    assert [r.relative_to(estate).as_posix() for r in roots] == [
        "envs/agriculture-casier/dev", "envs/agriculture-casier/prod", "envs/solidarites-agenda/dev"]
    named = {m.relative_to(estate).as_posix(): sorted(r.relative_to(estate).parts[-1] for r in rs)
             for m, rs in users.items()}
    assert named["modules/aws-bucket"] == ["dev", "prod"]
    assert named["modules/aws-cluster"] == ["dev"]
    assert named["modules/scaleway-app"] == ["dev"]
    assert named["modules/aws-database/modules/replica"] == ["dev", "prod"]  # called by modules/aws-database


def test_edits_a_module_used_by_one_root_and_a_plain_manifest(table: ModuleType, estate: Path) -> None:
    module, what = table.module_file(estate)
    assert (module.relative_to(estate).as_posix(), what) == (
        "modules/aws-cluster/main.tf", "`.tf` of a module used by 1 root")
    manifest, what = table.manifest_file(estate)
    assert manifest.relative_to(estate).as_posix() == "k8s/permis-agriculture/configmap.yaml"


def test_without_local_modules_a_root_file_is_edited(table: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.tf").write_text('module "x" {\n  source = "github.com/org/x"\n}\n', encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.tf").write_text("", encoding="utf-8")
    (tmp_path / "a" / "kustomization.yaml").write_text("apiVersion: v1\nkind: Kustomization\n", encoding="utf-8")
    (tmp_path / "a" / "chart.yaml").write_text("apiVersion: v1\nkind: Pod\nname: {{ .x }}\n", encoding="utf-8")
    assert table.module_file(tmp_path) == (tmp_path / "a" / "z.tf", "`.tf` of a root module (no local module)")
    assert table.manifest_file(tmp_path) is None


def test_markdown_rows_and_verdicts(table: ModuleType, tmp_path: Path) -> None:
    run = sys.modules["run"].Run
    cold = [run(2.0, 1.5, 100 * 2**20, 120 * 2**20, 0), run(4.0, 1.7, 102 * 2**20, None, 0)]
    rows = [table.Row("estate", "cold (empty cache)", cold, "", "not installed"),
            table.Row("estate", "one edit: no manifest file to edit", [])]
    text = table.markdown(rows, {"estate": "3 files, 2 resources"})
    assert text.splitlines()[2] == ("| **estate** (3 files, 2 resources) | cold (empty cache) | 3.00 | 1.60 | 101 MiB "
                                    "| 120 MiB |  | not installed | 2.00, 4.00 |")
    assert text.splitlines()[3].startswith("|  | one edit: no manifest file to edit |")
    bench = table.Bench(tmp_path, [])
    bench.same("warm and cold", b"a", b"a")
    assert not bench.failed
    bench.same("warm and cold", b"a", b"b")
    assert bench.failed
    assert bench.verdicts() == "warm and cold: **DIFFERENT** (1 of 2)"


@pytest.mark.slow
def test_one_command_prints_the_table(tmp_path: Path) -> None:
    corpus = _generate(tmp_path / "tiny")
    before = _digest(corpus)
    bin_dir = tmp_path / "bin"  # a stand-in Checkov: the column is filled when one is on PATH
    bin_dir.mkdir()
    (bin_dir / "checkov").write_text('#!/bin/sh\n[ "$1" = --version ] && echo 9.9.9\nexit 1\n', encoding="utf-8")
    (bin_dir / "checkov").chmod(0o755)
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--table", str(corpus), "--repeat", "1", "--small-repeat", "1"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ")[1] for line in done.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "case"
    assert [r.split(" (`")[0] for r in rows[1:]] == [
        "cold (empty cache)", "warm (nothing changed)", "one edit: `.tf` of a module used by 1 root",
        "one edit: a Kubernetes manifest", "`snclint graph --format json`, cold", "`snclint graph --format json`, warm",
        "cold (empty cache)", "warm (nothing changed)", "one edit: pre-commit"]
    assert "**tiny** (" in done.stdout and "**aws-paris (small root)** (7 files" in done.stdout
    assert "Checkov 9.9.9" in done.stdout and "×**" in done.stdout
    assert "DIFFERENT" not in done.stdout and done.stdout.count("byte-identical") == 5
    assert _digest(corpus) == before  # the corpus itself is never written
