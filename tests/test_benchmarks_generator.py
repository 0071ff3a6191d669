"""The benchmark estate generator stays honest: same seed, same bytes; every file it writes parses.

A generator that drifts or writes invalid HCL would make benchmark figures meaningless (a parse
error is cheaper than a resource), so this runs with the ordinary test suite and stays fast.
``run.py --suite`` is run once on a tiny estate (slow: a few scans).
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest
import yaml

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _generate(out: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), str(out), *args],
                          capture_output=True, text=True, check=True)
    return done.stdout


def _digest(top: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(p for p in top.rglob("*") if p.is_file()):
        sha.update(path.relative_to(top).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", "--roots", "3", "--seed", "5")
    _generate(tmp_path / "b", "--roots", "3", "--seed", "5")
    _generate(tmp_path / "c", "--roots", "3", "--seed", "6")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
    assert "root modules: 3;" in first
    assert (tmp_path / "a" / ".snclint.yaml").is_file()


def test_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    done = subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), str(tmp_path), "--roots", "1"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("estate") / "estate"
    _generate(out, "--roots", "24", "--seed", "3")
    return out


def test_every_file_parses(estate: Path) -> None:
    failures = []
    kinds = set()
    for path in sorted(p for p in estate.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        name = path.name
        try:
            if name.endswith((".tf", ".tfvars")):
                hcl2.parses_to_tree(text)
                kinds.add("hcl")
            elif name.endswith(".json"):
                json.loads(text)
                kinds.add("json")
            elif name.endswith(".yaml"):
                list(yaml.load_all(text, Loader=yaml.SafeLoader))
                kinds.add("yaml")
        except Exception as err:  # noqa: BLE001 - report every failing file at once
            failures.append(f"{path.relative_to(estate)}: {type(err).__name__}: {str(err)[:200]}")
    assert failures == []
    assert kinds == {"hcl", "json", "yaml"}


def test_every_shared_module_parses() -> None:
    """All families' modules, whichever the seed happened to use."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from estate.roots import FAMILIES
    finally:
        sys.path.remove(str(BENCHMARKS))
    seen = 0
    for family in FAMILIES:
        for name, files in family.MODULES.items():
            for file_name, text in files.items():
                try:
                    hcl2.parses_to_tree(text)
                except Exception as err:  # noqa: BLE001
                    pytest.fail(f"modules/{name}/{file_name}: {err}")
                seen += 1
    assert seen > 100


@pytest.mark.slow
def test_suite_times_cold_warm_and_one_edit_on_a_copy(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _generate(corpus, "--roots", "2", "--seed", "3")
    before = _digest(corpus)
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), str(corpus), "--suite", "--repeat", "1"],
                          capture_output=True, text=True, check=True, timeout=300)
    cases = [line.split()[0] for line in done.stdout.splitlines() if line.startswith(("cold ", "warm ", "one "))]
    assert cases == ["cold", "warm", "one"]
    assert "edited:      envs/" in done.stdout
    assert _digest(corpus) == before  # the corpus itself is never written
