"""The lean composer (streams without anchors or merge keys) gives exactly what the full one gives:
the same values of the same types, the same lines, the same documents before an error, the same issue."""
from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.loaders import safe_yaml
from linter.loaders.safe_yaml import YamlIssue, load_documents
from linter.loaders.yaml_values import YamlDocument, YamlMap, line_of


def full(text: str, max_depth: int = safe_yaml.MAX_DEPTH) -> tuple[list[YamlDocument], YamlIssue | None]:
    """What the full composer alone makes of ``text``."""
    return safe_yaml._read(text, max_depth, lambda loader, out: safe_yaml._Composer(
        loader, out, max_depth, safe_yaml.MAX_ALIAS_NODES).run())


def lean(text: str) -> tuple[list[YamlDocument], YamlIssue | None]:
    """What the lean composer alone makes of ``text`` (it may give up: ``_Anchored``)."""
    return safe_yaml._read(text, safe_yaml.MAX_DEPTH, lambda loader, out: safe_yaml._compose_plainly(
        loader, out, safe_yaml.MAX_DEPTH))


def shape(value: Any) -> Any:
    """Everything a caller can see of a value: types (True is not 1), mapping lines, order, NaN."""
    if isinstance(value, dict):
        return ("map", type(value).__name__, line_of(value, -1),
                [(shape(key), shape(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("seq", [shape(item) for item in value])
    return (type(value).__name__, repr(value))


def outcome(result: tuple[list[YamlDocument], YamlIssue | None]) -> Any:
    documents, issue = result
    return [(shape(doc.value), doc.line) for doc in documents], issue


def same_as_full(text: str) -> None:
    assert outcome(load_documents(text)) == outcome(full(text)), text


def test_lean_values_types_and_lines() -> None:
    text = "# c\na: yes\nb: [1, '1', 1.0, ~, 2024-01-31, =, !!str 2, ! 3, !Ref x]\nc:\n  d: {e: f}\n---\nplain\n"
    docs, issue = lean(text)
    assert issue is None
    assert docs[0].value == {"a": True, "b": [1, "1", 1.0, None, date(2024, 1, 31), "=", "2", 3, "x"],
                             "c": {"d": {"e": "f"}}}
    assert isinstance(docs[0].value["c"]["d"], YamlMap) and line_of(docs[0].value["c"]["d"]) == 5
    assert docs[1] == YamlDocument("plain", 7)
    same_as_full(text)


def test_lean_gives_up_on_anchors_and_merge_keys_before_anything_differs() -> None:
    for text in ("a: 1\n---\nb: &x [1]\nc: *x\n", "a: &s 1\n", "a:\n  !!merge x: {b: 1}\n",
                 "m:\n  !!merge : {b: 1}\n  c: 2\n"):
        try:
            lean(text)
        except safe_yaml._Anchored:
            pass
        else:
            raise AssertionError(text)
        same_as_full(text)
    assert load_documents("a: &x {b: 1}\nc:\n  !!merge : *x\n")[0][0].value == {"a": {"b": 1}, "c": {"b": 1}}


def test_lean_errors_where_the_full_composer_errs() -> None:
    cases = {
        "a: *nope\n": YamlIssue("alias *nope names no anchor defined before it", 1),
        "x: 1\n? [a, b]\n: 1\n? {c: d}\n: 2\n": YamlIssue("a mapping or a sequence is used as a key", 2),
        "a:\n  ? [a]\n  : 1\n  c: [1, 2\n": None,  # the parser's error before the mapping's end wins
        "[" * 300: YamlIssue("nesting deeper than 256 levels", 1, limit=True),
    }
    for text, issue in cases.items():
        result = lean(text)
        if issue is not None:
            assert result[1] == issue
        else:
            assert result[1] is not None and "mapping" not in result[1].message
        same_as_full(text)


def test_lean_keeps_the_documents_before_an_error() -> None:
    text = "a: 1\n---\n- b\n---\nc: [1, 2\nd: 3\n"
    assert lean(text)[0] == [YamlDocument({"a": 1}, 1), YamlDocument(["b"], 3)]
    same_as_full(text)


def test_a_given_depth_limit_holds_on_both_paths() -> None:
    text = "a: [[[1]]]\n"
    assert load_documents(text, max_depth=3) == full(text, max_depth=3)
    assert load_documents(text, max_depth=3)[1] == YamlIssue("nesting deeper than 3 levels", 1, limit=True)


SCALAR = st.sampled_from([
    "a", "k8s", "yes", "No", "on", "OFF", "~", "null", "", "0", "-1", "0o17", "012", "0x1F", "0b101", "1_000",
    "1:20", "1.5e3", "-.inf", ".NaN", "2024-01-31", "2024-01-31 10:00:00Z", "2024-13-45", "=", "<<", "'<<'",
    "'q''s'", '"d\\tq"', '"\\x61piVersion"', "!!str 12", "!!int 12x", "!!int 0x10", "!!binary aGVsbG8=",
    "!!binary ###", "!Ref x", "! 12", "!!float 1", "!!null ''", "!!bool yes", "!!timestamp 2024-01-01",
    "!!merge <<", "!<tag:yaml.org,2002:int> 7", "*x", "*y", "&x v", "&y 1", "9" * 30, "a b", "x: y", "- z",
])
KEY = st.sampled_from(["a", "b", "apiVersion", "kind", "1", "yes", "~", "'a'", "<<", "? [k]", "? {k: v}", "&x k", "*x"])
ANCHOR = st.sampled_from(["", "", "", "", "&x ", "&y ", "!!map ", "!!seq "])

Tree = Any
TREES: st.SearchStrategy[Tree] = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.tuples(st.just("seq"), ANCHOR, st.lists(inner, max_size=4), st.booleans()),
        st.tuples(st.just("map"), ANCHOR, st.lists(st.tuples(KEY, inner), max_size=4), st.booleans())),
    max_leaves=25)


def render(tree: Tree, indent: int, flow: bool) -> str:
    """YAML text of ``tree`` at ``indent``: a scalar inline, a collection in flow or block style."""
    if isinstance(tree, str):
        return tree
    kind, anchor, items, as_flow = tree
    if flow or as_flow or not items:
        if kind == "seq":
            return anchor + "[" + ", ".join(render(item, 0, True) for item in items) + "]"
        return anchor + "{" + ", ".join(f"{key}: {render(item, 0, True)}" for key, item in items) + "}"
    pad = " " * indent
    lines = [anchor.rstrip()] if anchor else []
    for entry in items:
        head, item = ("- ", entry) if kind == "seq" else (f"{entry[0]}: ", entry[1])
        if isinstance(item, str) or item[3] or not item[2]:
            lines.append(pad + head + render(item, indent + 2, False))
        else:
            lines.append(pad + head.rstrip())
            lines.append(render(item, indent + 2, False))
    return "\n".join(line for line in lines if line)


@settings(max_examples=200, deadline=None)
@given(st.lists(TREES, min_size=1, max_size=3), st.data())
def test_lean_and_full_agree_on_generated_yaml(trees: list[Tree], data: st.DataObject) -> None:
    text = "\n---\n".join(render(tree, 0, False) for tree in trees) + "\n"
    same_as_full(text)
    if text.strip():  # and on the same text damaged at one place
        at = data.draw(st.integers(0, len(text) - 1))
        same_as_full(text[:at] + data.draw(st.sampled_from(["", "[", "]", "{", ":", "\n", " ", "\t", "&a ", "- "]))
                     + text[at + 1:])


PLAIN = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
              st.dates(), st.sampled_from(["yes", "on", "0o17", "1:20", "=", "~", "1e3"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(PLAIN, st.sampled_from([None, True, False]))
def test_lean_and_full_agree_on_dumped_values(value: Any, flow: bool | None) -> None:
    same_as_full(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True))
