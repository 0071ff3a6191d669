"""What every check reads of the graph: the resources in one stable order, sorted once per scan."""
from __future__ import annotations

import pytest

from linter.model import NodeKind
from tests.helpers import context, node


def test_resources_are_sorted_once_and_each_caller_gets_its_own_list(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = context([node("aws_s3_bucket.b"), node("aws_db_instance.a"), node("aws_s3_bucket.a")])
    ctx.graph.add_node("hosting:aws", node=node("aws", kind=NodeKind.HOSTING))
    first = ctx.resources()
    assert [n.address for n in first] == ["aws_db_instance.a", "aws_s3_bucket.a", "aws_s3_bucket.b"]
    first.clear()  # a check's own list: the next one still gets every resource
    monkeypatch.setattr(type(ctx.graph), "nodes", property(lambda _: pytest.fail("the graph is walked once")))
    assert [n.address for n in ctx.resources()] == ["aws_db_instance.a", "aws_s3_bucket.a", "aws_s3_bucket.b"]
