"""linter.loaders.parallel: the same IR whatever the number of processes, and jobs=1 in-process."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.loaders import cache, parallel
from linter.loaders.hcl import load_hcl
from linter.loaders.ir import ConfigFile
from linter.loaders.parallel import loader_for, parse_all, parse_text
from linter.loaders.tf_json import load_tf_json

REPO = Path(__file__).resolve().parents[2]


def corpus(root: Path, count: int = 90) -> list[str]:
    """Varied files: HCL with templates and heredocs, JSON, tfvars, broken ones, a CRLF one."""
    paths = []
    for i in range(count):
        folder = root / f"m{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 6
        if kind == 4:
            name, text = f"f{i}.tf.json", json.dumps({"resource": {"aws_s3_bucket": {f"b{i}": {
                "bucket": "${var.env}-" + str(i), "tags": {"n": i}}}}})
        elif kind == 5:
            name, text = f"f{i}.tf", f'resource "x" "y{i}" {{\n  a = "open\n'  # broken
        else:
            name, text = f"f{i}.tf", (
                f'resource "aws_db_instance" "d{i}" {{\n  count = {i}\n'
                f'  name  = "%{{ if var.on }}db-${{count.index}}%{{ endif }}"\n'
                f"  user_data = <<-EOT\n    #!/bin/sh\n    echo ${{local.x[{i}]}}\n    EOT\n"
                f'  tags  = merge(var.tags, {{ n = "{i}" }})\n}}\n'
            )
            if kind == 3:
                text = text.replace("\n", "\r\n")
        (folder / name).write_text(text, encoding="utf-8", newline="")
        paths.append(f"m{i % 7}/{name}")
    (root / "terraform.tfvars.json").write_text('{"env": "prod"}')
    return sorted(paths) + ["terraform.tfvars.json"]


def sequential(root: Path, paths: list[str]) -> dict[str, ConfigFile]:
    out = {}
    for path in paths:
        with (root / path).open(encoding="utf-8", errors="replace") as handle:
            out[path] = loader_for(path)(path, handle.read())
    return out


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_parse_all_gives_the_sequential_result(tmp_path: Path) -> None:
    paths = corpus(tmp_path)
    expected = sequential(tmp_path, paths)
    assert parse_all(paths, cache=False, cwd=tmp_path) == expected
    assert sum(1 for c in expected.values() if c.errors) == 15


def test_warm_cache_gives_the_same_result(tmp_path: Path, cache_home: Path) -> None:
    paths = corpus(tmp_path)
    expected = sequential(tmp_path, paths)
    assert parse_all(paths, cache=True, cwd=tmp_path) == expected
    assert len(list(cache_home.glob("ir/*/*/*.json"))) == len(paths)
    assert parse_all(paths, cache=True, cwd=tmp_path) == expected


def test_each_file_is_looked_up_in_the_cache_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A miss is parsed and written without being looked up again; a hit is read once."""
    (tmp_path / "a.tf").write_text("a = 1\n")
    (tmp_path / "b.tf").write_text("b = 2\n")
    reads: list[str] = []
    real = cache._read

    def counting(root: Path, version: str, key: str, secret: bytes) -> ConfigFile | None:
        reads.append(key)
        return real(root, version, key, secret)

    monkeypatch.setattr(cache, "_read", counting)
    cold = parse_all(["a.tf", "b.tf"], cache=True, cwd=tmp_path)
    assert len(reads) == 2 and len(set(reads)) == 2
    assert parse_all(["a.tf", "b.tf"], cache=True, cwd=tmp_path) == cold and len(reads) == 4


def test_unreadable_and_oversized_files_are_left_to_the_reader(tmp_path: Path) -> None:
    (tmp_path / "ok.tf").write_text("a = 1\n")
    (tmp_path / "dir.tf").mkdir()
    (tmp_path / "big.tf").write_bytes(b"#" * (parallel.MAX_FILE_BYTES + 1))
    found = parse_all(["ok.tf", "missing.tf", "dir.tf", "big.tf", "ok.tf"], cache=False, cwd=tmp_path)
    assert found == {"ok.tf": load_hcl("ok.tf", "a = 1\n")}


def test_identical_files_are_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'terraform {\n  required_version = ">= 1.5"\n}\n'
    for name in ("a/versions.tf", "b/versions.tf", "c/other.tf", "d/terraform.tfvars"):
        (tmp_path / name).parent.mkdir()
        (tmp_path / name).write_text(text)
    calls: list[str] = []

    def counting(path: str, source: str) -> ConfigFile:
        calls.append(path)
        return load_hcl(path, source)

    monkeypatch.setattr(parallel, "loader_for", lambda path, tfvars=False: counting)
    found = parse_all(["a/versions.tf", "b/versions.tf", "c/other.tf", "d/terraform.tfvars"], cache=False,
                      cwd=tmp_path)
    assert calls == ["a/versions.tf", "d/terraform.tfvars"]  # same suffix and bytes: once
    assert found == {p: load_hcl(p, text) for p in found} and len(found) == 4


def test_loaders_and_text_entry_point() -> None:
    assert loader_for("a.tf") is load_hcl
    assert loader_for("a.tfvars") is load_hcl
    assert loader_for("a.tf.json") is load_tf_json
    text = '{"region": "eu-west-3"}'
    as_vars = parse_text("vars.json", text, cache=True, tfvars=True)
    assert as_vars == load_tf_json("vars.json", text, tfvars=True)
    assert parse_text("x.tf", "a = 1\nb = \ud800\n", cache=True) == load_hcl("x.tf", "a = 1\nb = \ud800\n")
