"""Pack patterns run by RE2: linear time, and the constructs that need backtracking are refused."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from linter.policy_build import flows_problems, recognition_problems
from linter.policy_regex import compiled, refused


def test_a_catastrophic_pattern_runs_in_linear_time() -> None:
    started = time.perf_counter()
    assert compiled("^(a+)+$").search("a" * 100_000 + "!") is None
    assert time.perf_counter() - started < 0.5


def test_named_groups_and_case_insensitivity_work_as_with_re() -> None:
    hit = compiled(r"^oos\.(?P<region>[a-z0-9-]+)\.outscale\.com$").search("OOS.eu-west-2.outscale.com")
    assert hit is not None and hit.group("region") == "eu-west-2"


def test_backtracking_constructs_are_refused_where_the_pack_says() -> None:
    assert refused("(a)\\1") is not None and refused("(?=a)") is not None and refused("^a+$") is None
    data = {"terraform": {"providers": [{"matchers": [{"attribute": "region", "pattern": "^(?!x)"}]}]}}
    assert [p.split(":")[0] for p in recognition_problems(data)] == ["terraform.providers[0].matchers[0].pattern"]


def test_a_flow_gated_on_a_pattern_needs_one_that_re2_runs() -> None:
    flow = {"type": "t", "attribute": "a", "relation": "replicates_to", "value": "other-region",
            "when": {"pattern": "(a)\\1"}}
    assert [p.split(":")[0] for p in flows_problems({"flows": [flow]})] == ["flows[0].when.pattern"]


def _repository(tmp_path: Path, groups: str) -> Path:
    """A repository whose own config adds a Kubernetes pack, and a manifest whose API group meets it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "kubernetes.yaml").write_text(
        f"kind: kubernetes\nversion: 1\ncluster_scoped_groups: [{groups}]\n", encoding="utf-8")
    (tmp_path / ".snclint.yaml").write_text("version: 1\npolicies: [packs]\n", encoding="utf-8")
    (tmp_path / "thing.yaml").write_text(
        f"apiVersion: {'a' * 40}!/v1\nkind: Thing\nmetadata:\n  name: x\n", encoding="utf-8")
    return tmp_path


def test_a_repository_pack_of_cluster_scoped_groups_runs_in_linear_time(tmp_path: Path) -> None:
    """Python's engine takes 2^40 steps to fail ``^(a+)+$`` on this group: RE2 does not."""
    repo = _repository(tmp_path, "'^(a+)+$'")
    done = subprocess.run([sys.executable, "-m", "linter", "scan", ".", "--fail-on", "never"], cwd=repo,
                          env={**os.environ, "SNCLINT_CACHE_DIR": str(tmp_path / "cache")},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_backtracking_cluster_scoped_group_is_refused_when_the_pack_is_loaded(tmp_path: Path) -> None:
    repo = _repository(tmp_path, "'^(?=a)a+$'")
    done = subprocess.run([sys.executable, "-m", "linter", "scan", ".", "--fail-on", "never"], cwd=repo,
                          env={**os.environ, "SNCLINT_CACHE_DIR": str(tmp_path / "cache")},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "cluster_scoped_groups[0]" in done.stderr, done.stderr
