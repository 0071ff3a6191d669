"""linter.loaders.parallel: the same IR whatever the number of processes, and jobs=1 in-process."""
from __future__ import annotations

import json
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from linter.loaders import parallel
from linter.loaders.hcl import load_hcl
from linter.loaders.ir import ConfigFile
from linter.loaders.parallel import effective_jobs, loader_for, parse_all, parse_text
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


class Spy:
    """Stands for ``parallel._pool``: counts pools, optionally breaks every submitted chunk."""

    def __init__(self, broken: bool = False) -> None:
        self.pools = 0
        self.broken = broken

    def __call__(self, workers: int) -> Any:
        self.pools += 1
        if not self.broken:
            return REAL_POOL(workers)
        return BrokenExecutor()


class BrokenExecutor:
    def __enter__(self) -> BrokenExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, *args: object) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future


REAL_POOL = parallel._pool


def test_workers_give_the_sequential_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = corpus(tmp_path)
    spy = Spy()
    monkeypatch.setattr(parallel, "_pool", spy)
    assert parse_all(paths, jobs=parallel.MIN_PARSE_WORKERS, cache=False, cwd=tmp_path) == sequential(tmp_path, paths)
    assert spy.pools == 1
    broken = sum(1 for c in sequential(tmp_path, paths).values() if c.errors)
    assert broken == 15


def test_jobs_1_and_few_files_stay_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = corpus(tmp_path)
    spy = Spy()
    monkeypatch.setattr(parallel, "_pool", spy)
    expected = sequential(tmp_path, paths)
    assert parse_all(paths, jobs=1, cache=False, cwd=tmp_path) == expected
    few = paths[:parallel.PARALLEL_MIN_FILES]
    assert parse_all(few, jobs=4, cache=False, cwd=tmp_path) == {p: expected[p] for p in few}
    assert parse_all(paths, jobs=2, cache=False, cwd=tmp_path) == expected  # two workers would not pay
    assert spy.pools == 0


def test_a_broken_pool_falls_back_to_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = corpus(tmp_path)
    monkeypatch.setattr(parallel, "_pool", Spy(broken=True))
    assert parse_all(paths, jobs=parallel.MIN_PARSE_WORKERS, cache=False, cwd=tmp_path) == sequential(tmp_path, paths)


def test_warm_cache_needs_no_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_home: Path) -> None:
    paths = corpus(tmp_path)
    expected = sequential(tmp_path, paths)
    assert parse_all(paths, jobs=parallel.MIN_PARSE_WORKERS, cache=True, cwd=tmp_path) == expected
    assert len(list(cache_home.glob("ir/*/*/*.json"))) == len(paths)
    spy = Spy()
    monkeypatch.setattr(parallel, "_pool", spy)
    assert parse_all(paths, jobs=2, cache=True, cwd=tmp_path) == expected
    assert spy.pools == 0


def test_unreadable_and_oversized_files_are_left_to_the_reader(tmp_path: Path) -> None:
    (tmp_path / "ok.tf").write_text("a = 1\n")
    (tmp_path / "dir.tf").mkdir()
    (tmp_path / "big.tf").write_bytes(b"#" * (parallel.MAX_FILE_BYTES + 1))
    found = parse_all(["ok.tf", "missing.tf", "dir.tf", "big.tf", "ok.tf"], jobs=1, cache=False, cwd=tmp_path)
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
    found = parse_all(["a/versions.tf", "b/versions.tf", "c/other.tf", "d/terraform.tfvars"], jobs=1,
                      cache=False, cwd=tmp_path)
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
    assert effective_jobs(3) == 3 and effective_jobs(0) >= 1


def test_frontend_with_jobs_and_cache_gives_the_same_fragment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Terraform frontend over the fixtures, workers forced on, cold then warm cache."""
    from linter.discovery import discover
    from linter.frontends import claims, skipped
    from linter.policy_files import load_knowledge
    from linter.terraform.modules.frontend import load_terraform

    if not (REPO / "fixtures" / "terraform").is_dir():
        pytest.skip("no Terraform fixtures")
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 0)
    inputs = discover(("fixtures/terraform",), REPO, claims(), skipped())
    knowledge = load_knowledge()

    def load(**options: Any) -> Any:
        return load_terraform(inputs.files["terraform"], knowledge=knowledge, boundary=inputs.boundaries, **options)

    plain = load()
    assert len(plain.nodes) > 20
    assert load(jobs=2, parse_cache=True) == plain
    assert load(jobs=2, parse_cache=True) == plain  # warm
    assert load(jobs=1, parse_cache=True) == plain
