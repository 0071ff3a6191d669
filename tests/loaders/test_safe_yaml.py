"""The bounded YAML composer: values as PyYAML's safe loader gives them, lines, limits, no crash."""
from __future__ import annotations

import time
from datetime import date

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.loaders import safe_yaml
from linter.loaders.safe_yaml import YamlIssue, load_documents
from linter.loaders.yaml_values import YamlDocument, line_of

BOMB = """a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_documents_and_their_lines() -> None:
    docs, issue = load_documents("# head\na: 1\n---\n\nb:\n  c: [1, {d: 2}]\n")
    assert issue is None
    assert docs == [YamlDocument({"a": 1}, 2), YamlDocument({"b": {"c": [1, {"d": 2}]}}, 5)]
    nested = docs[1].value["b"]
    assert line_of(nested) == 6 and line_of(nested["c"][1]) == 6 and line_of("text", 9) == 9


def test_same_values_as_pyyaml_safe_load() -> None:
    text = ("a: yes\nb: 0o17\nc: 012\nd: 1.5e3\ne: ~\nf: 2024-01-31\ng: '123'\nh: !!str 12\n"
            "i: !!binary aGVsbG8=\nj: [on, off, Null]\n")
    docs, issue = load_documents(text)
    assert issue is None
    assert docs[0].value == yaml.safe_load(text)
    assert docs[0].value["f"] == date(2024, 1, 31) and docs[0].value["i"] == b"hello"


def test_yaml_1_1_value_tag_is_the_string_equals() -> None:
    docs, issue = load_documents("enum: [=, '<', =]\n")
    assert issue is None and docs[0].value == {"enum": ["=", "<", "="]}


def test_merge_keys_own_keys_win_and_earlier_sources_win() -> None:
    text = "base: &b {x: 1, y: 1}\nother: &o {y: 2, z: 2}\nm:\n  <<: [*b, *o]\n  x: 3\nq: {'<<': 1}\n"
    docs, issue = load_documents(text)
    assert issue is None
    assert docs[0].value["m"] == {"x": 3, "y": 1, "z": 2} == yaml.safe_load(text)["m"]
    assert docs[0].value["q"] == {"<<": 1}  # a quoted "<<" is an ordinary key


def test_unknown_and_python_tags_are_plain_values_never_objects() -> None:
    docs, issue = load_documents("a: !Ref Bucket\nb: !!python/object/apply:os.system ['true']\n"
                                 "c: !!python/name:os.system\n")
    assert issue is None
    assert docs[0].value == {"a": "Bucket", "b": ["true"], "c": ""}


def test_values_that_do_not_build_stay_text() -> None:
    docs, issue = load_documents("a: 2024-13-45\nb: !!int 12x\nc: " + "9" * 5000 + "\n")
    assert issue is None
    assert docs[0].value["a"] == "2024-13-45" and docs[0].value["b"] == "12x"
    assert docs[0].value["c"] == "9" * 5000
    text = 'a: !!int ""\nb: !!float ""\nc: !!bool x\nd: !!timestamp 2024-1-1T\ne: [!!bool yes]\n'
    assert load_documents(text) == ([YamlDocument({"a": "", "b": "", "c": "x", "d": "2024-1-1T", "e": [True]}, 1)],
                                    None)


def test_error_keeps_documents_before_it_and_gives_its_line() -> None:
    docs, issue = load_documents("a: 1\n---\nb: [1, 2\nc: 3\n")
    assert docs == [YamlDocument({"a": 1}, 1)]
    assert issue is not None and issue.line == 4 and not issue.limit


def test_undefined_alias_and_unhashable_key() -> None:
    assert load_documents("a: *nope\n") == ([], YamlIssue("alias *nope names no anchor defined before it", 1))
    docs, issue = load_documents("? [a, b]\n: 1\n")
    assert docs == [] and issue == YamlIssue("a mapping or a sequence is used as a key", 1)


def test_bad_merge_value() -> None:
    assert load_documents("a:\n  <<: 3\n")[1] == YamlIssue("<< must merge a mapping or a list of mappings", 2)


def test_billion_laughs_is_refused_fast() -> None:
    start = time.perf_counter()
    docs, issue = load_documents(BOMB)
    assert time.perf_counter() - start < 1.0
    assert docs == [] and issue is not None and issue.limit
    assert issue.message.startswith("too many aliases (YAML bomb?)") and issue.line == 6


def test_deep_nesting_does_not_crash_the_interpreter() -> None:
    # libyaml's own composer overflows the C stack on this (segmentation fault)
    docs, issue = load_documents("[" * 100_000)
    assert docs == [] and issue == YamlIssue("nesting deeper than 256 levels", 1, limit=True)


def test_nesting_at_the_limit_is_read() -> None:
    docs, issue = load_documents("[" * 256 + "]" * 256)
    assert issue is None and len(docs) == 1


def test_reader_error_gives_a_line() -> None:
    docs, issue = load_documents("a: 1\nb: \x07\n")
    assert docs == [] and issue is not None and issue.line == 2


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    docs, issue = load_documents(text)
    assert isinstance(docs, list) and (issue is None or issue.line >= 1)


YAMLISH = st.lists(st.sampled_from(["a", ":", " ", "\n", "- ", "&x ", "*x", "<<", "[", "]", "{", "}", ",",
                                    "'", '"', "!!", "? ", "---", "#", "=", "1", "\t", "|", ">", "%YAML 1.1"]),
                   max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(YAMLISH)
def test_never_raises_on_yaml_like_text(text: str) -> None:
    docs, issue = load_documents(text)
    assert isinstance(docs, list) and (issue is None or isinstance(issue.message, str))


def test_plain_scalars_resolved_once_give_the_same_values_and_the_memo_stays_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: [yes, '1', 1, 1.5, ~, 2024-01-31, <<, plain, !!str 1]\n"
    first = load_documents(text)
    assert first == load_documents(text)  # the second time from the memo of plain scalars
    assert first[0][0].value == {"a": [True, "1", 1, 1.5, None, date(2024, 1, 31), safe_yaml._Merge, "plain", "1"]}
    monkeypatch.setattr(safe_yaml, "_PLAIN_ENTRIES", 10)
    load_documents("[" + ", ".join(f"v{n}" for n in range(100)) + "]\n")
    assert len(safe_yaml._PLAIN) <= 10
    long = "x" * (safe_yaml._PLAIN_TEXT + 1)
    assert load_documents(f"k: {long}\n")[0][0].value == {"k": long} and long not in safe_yaml._PLAIN
