from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from linter.terraform.plan.addresses import Address, join_module, parse, parse_module, segments, strip_keys


def test_expanded_addresses() -> None:
    assert parse('module.app["eu.west"].module.db[0].aws_db_instance.main["a]\\"b"]') == Address(
        module=(("app", '"eu.west"'), ("db", "0")), relative='aws_db_instance.main["a]\\"b"]',
        base="aws_db_instance.main", key='"a]\\"b"')
    data = parse('module.a[1].data.aws_region.this["x"]')
    assert data is not None and data.unexpanded == "module.a.data.aws_region.this"


def test_malformed_addresses() -> None:
    for text in ("", "aws_s3_bucket", "a.b.c", "a.b[", "a.b[]", 'a.b["x]', "a..b", "a.b.", "a.b[0]x",
                 "module.x", "module.x[0].a"):
        assert parse(text) is None, text


def test_module_addresses() -> None:
    assert parse_module("") == ()
    assert parse_module('module.a[0].module.b["k"]') == (("a", "0"), ("b", '"k"'))
    assert parse_module("module.a.b") is None
    assert join_module((("a", "0"), ("b", None)), "x.y") == "module.a[0].module.b.x.y"
    assert strip_keys('module.a["x.y"].t.n[3]') == "module.a.t.n"
    assert segments('a["]"].b') == [("a", '"]"'), ("b", None)]


@given(st.text(max_size=60))
def test_parsing_never_raises(text: str) -> None:
    parse(text)
    parse_module(text)
    strip_keys(text)
