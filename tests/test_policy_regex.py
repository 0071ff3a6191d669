"""Pack patterns run by RE2: linear time, and the constructs that need backtracking are refused."""
from __future__ import annotations

import time

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
