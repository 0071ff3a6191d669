"""Terraform functions, called with evaluated values."""
from __future__ import annotations

from typing import Any

import pytest

from linter.model import Unknown
from linter.terraform.language.functions import FUNCTIONS, NOT_EVALUATED
from linter.terraform.language.values import Invalid, OpenDict, is_known

U = Unknown("var.x has no value")


def call(name: str, *args: Any) -> Any:
    return FUNCTIONS[name](*args)


CASES: list[tuple[str, tuple[Any, ...], Any]] = [
    # strings
    ("lower", ("AbC",), "abc"),
    ("upper", ("abc",), "ABC"),
    ("upper", (5,), "5"),
    ("title", ("hello wORLD-x_y",), "Hello WORLD-X_y"),
    ("trimspace", ("  a b \n",), "a b"),
    ("dirname", ("live/prod/root.hcl",), "live/prod"),
    ("dirname", ("a/b/",), "a/b"),
    ("dirname", ("root.hcl",), "."),
    ("basename", ("live/prod/",), "prod"),
    ("basename", ("",), "."),
    ("trim", ("?!hello?!", "!?"), "hello"),
    ("trimprefix", ("helloworld", "hello"), "world"),
    ("trimsuffix", ("helloworld", "world"), "hello"),
    ("chomp", ("a\r\n\n",), "a"),
    ("chomp", ("a\r",), "a\r"),
    ("strrev", ("abc",), "cba"),
    ("startswith", ("hello", "he"), True),
    ("endswith", ("hello", "x"), False),
    ("strcontains", ("hello", "ll"), True),
    ("indent", (2, "a\nb"), "a\n  b"),
    ("replace", ("a-b-c", "-", "_"), "a_b_c"),
    ("substr", ("hello world", 1, 4), "ello"),
    ("substr", ("hello world", -5, -1), "world"),
    ("substr", ("hello", 10, 2), ""),
    ("join", ("-", ["a", "b"], ["c"]), "a-b-c"),
    ("join", (",", [1, True]), "1,true"),
    ("split", (",", "a,b,,c"), ["a", "b", "", "c"]),
    ("split", (",", ""), [""]),
    ("format", ("%s-%d", "a", 3), "a-3"),
    ("format", ("%q", "x\"y"), '"x\\"y"'),
    ("format", ("%v %v %v %#v", "s", 1.5, None, "j"), 's 1.5 null "j"'),
    ("format", ("%v", {"b": 1, "a": [True]}), '{"a":[true],"b":1}'),
    ("format", ("%5s|%-5s|%05d|%+d", "ab", "cd", -42, 7), "   ab|cd   |-0042|+7"),
    ("format", ("%.2f %x %X %o %b %t", 3.14159, 255, 255, 8, 5, True), "3.14 ff FF 10 101 true"),
    ("format", ("%[2]s %[1]s", "a", "b"), "b a"),
    ("format", ("%.3s 100%%", "abcdef"), "abc 100%"),
    ("format", ("%d", "12"), "12"),
    ("formatlist", ("%s=%s", ["a", "b"], "x"), ["a=x", "b=x"]),
    ("formatlist", ("%s", "x"), ["x"]),
    # collections
    ("merge", ({"a": 1, "b": 2}, None, {"b": 3}), {"a": 1, "b": 3}),
    ("merge", (), {}),
    ("lookup", ({"a": 1}, "a"), 1),
    ("lookup", ({"a": 1}, "b", "d"), "d"),
    ("lookup", ({"a": 1}, "a", U), 1),
    ("coalesce", ("", None, "x", "y"), "x"),
    ("coalesce", (None, 2, "a"), "2"),
    ("coalesce", ("a", U), "a"),
    ("coalescelist", ([], ["a"], ["b"]), ["a"]),
    ("concat", ([1], [], [2, U]), [1, 2, U]),
    ("keys", ({"b": 1, "a": 2},), ["a", "b"]),
    ("values", ({"b": 1, "a": U},), [U, 1]),
    ("length", ("héllo",), 5),
    ("length", ([1, U],), 2),
    ("length", ({"a": 1},), 1),
    ("element", (["a", "b", "c"], 4), "b"),
    ("element", ([U, "b"], 1), "b"),
    ("index", (["a", "b"], "b"), 1),
    ("contains", (["a", 1], "1"), False),
    ("contains", ([{"a": [1]}], {"a": [1]}), True),
    ("distinct", (["b", "a", "b", 1, 1.0],), ["b", "a", 1]),
    ("flatten", ([[1, [2, [3]]], [], 4],), [1, 2, 3, 4]),
    ("compact", (["a", "", None, "b", 1],), ["a", "b", "1"]),
    ("zipmap", (["a", "b"], [1, U]), {"a": 1, "b": U}),
    ("range", (3,), [0, 1, 2]),
    ("range", (1, 4), [1, 2, 3]),
    ("range", (4, 1), [4, 3, 2]),
    ("range", (0, 1, 0.25), [0, 0.25, 0.5, 0.75]),
    ("range", (0, 10, 5), [0, 5]),
    ("one", ([],), None),
    ("one", ([U],), U),
    ("sum", ([1, 2.5, "3"],), 6.5),
    ("setunion", (["b", "a"], ["c", "a"]), ["a", "b", "c"]),
    ("setintersection", (["a", "b", "c"], ["c", "b"], ["b", "c", "d"]), ["b", "c"]),
    ("setsubtract", ([3, 1, 2], [2]), [1, 3]),
    ("slice", (["a", "b", "c", "d"], 1, 3), ["b", "c"]),
    ("reverse", ([1, U],), [U, 1]),
    ("sort", (["b", "a", 10, 9],), ["10", "9", "a", "b"]),
    ("chunklist", ([1, 2, 3], 2), [[1, 2], [3]]),
    ("chunklist", ([1, 2], 0), [[1, 2]]),
    ("alltrue", ([True, "true"],), True),
    ("alltrue", ([U, False],), False),
    ("alltrue", ([True, U],), U),
    ("anytrue", ([U, True],), True),
    ("anytrue", ([],), False),
    # types and encodings
    ("tostring", (1.5,), "1.5"),
    ("tostring", (None,), None),
    ("tonumber", ("42",), 42),
    ("tonumber", ("1e3",), 1000),
    ("tobool", ("false",), False),
    ("tolist", (["a", 1, True],), ["a", "1", "true"]),
    ("toset", (["b", "a", "b"],), ["a", "b"]),
    ("tomap", ({"a": 1, "b": "x"},), {"a": "1", "b": "x"}),
    ("jsonencode", ({"b": [1, 1.5, None], "a": "<&>", "c": True},),
     '{"a":"\\u003c\\u0026\\u003e","b":[1,1.5,null],"c":true}'),
    ("jsondecode", ('{"a": [1, 2.0, "x", null, false]}',), {"a": [1, 2, "x", None, False]}),
    ("base64encode", ("héllo",), "aMOpbGxv"),
    ("base64decode", ("aMOpbGxv",), "héllo"),
    ("urlencode", ("a b&c/é",), "a+b%26c%2F%C3%A9"),
    ("md5", ("hello",), "5d41402abc4b2a76b9719d911017c592"),
    ("sha256", ("",), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("base64sha256", ("",), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
    ("min", (3, "1", 2.5), 1),
    ("max", (3, 7.5), 7.5),
    ("abs", (-2,), 2),
    ("ceil", (1.2,), 2),
    ("floor", (-1.2,), -2),
    ("signum", (-7,), -1),
    ("pow", (2, 10), 1024),
    ("log", (8, 2), 3),
    ("parseint", ("ff", 16), 255),
    ("parseint", ("-101", 2), -5),
    ("parseint", ("Z", 62), 61),
    ("sensitive", (U,), U),
    ("nonsensitive", ("x",), "x"),
]


@pytest.mark.parametrize(("name", "args", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_function_values(name: str, args: tuple[Any, ...], expected: Any) -> None:
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)


ERRORS: list[tuple[str, tuple[Any, ...]]] = [
    ("upper", ([1],)), ("upper", (None,)), ("upper", ()), ("upper", ("a", "b")),
    ("lookup", ({"a": 1}, "b")), ("lookup", ([1], "a")), ("coalesce", (None, "")), ("coalescelist", ([],)),
    ("element", ([], 0)), ("element", ([1], -1)), ("index", ([1], 2)), ("slice", ([1, 2], 1, 3)),
    ("range", (0, 2000)), ("range", (0, 5, -1)), ("range", (1, 2, 0)), ("range", ()),
    ("one", ([1, 2],)), ("sum", ([],)), ("zipmap", (["a"], [])), ("merge", ([1],)), ("length", (None,)),
    ("format", ("%s %s", "a")), ("format", ("%s", "a", "b")), ("format", ("%d", 1.5)), ("format", ("%y", 1)),
    ("format", ("%s", [1])), ("format", ("%",)), ("formatlist", ("%s", ["a"], ["b", "c"])),
    ("join", (",",)), ("join", (",", [None])), ("tonumber", ("0x10",)), ("tonumber", (" 1",)),
    ("tonumber", (True,)), ("tobool", ("yes",)), ("tolist", ([[1], "a"],)), ("tomap", ([1],)),
    ("jsondecode", ("{",)), ("jsondecode", ("NaN",)), ("base64decode", ("@@",)), ("base64decode", ("/w==",)),
    ("log", (0, 2)), ("pow", (10, 1000)), ("parseint", ("12", 2)), ("parseint", ("1", 99)), ("chunklist", ([1], -1)),
    ("sort", ([[1]],)), ("compact", ([[1]],)), ("tostring", ([1],)),
]


@pytest.mark.parametrize(("name", "args"), ERRORS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)])
def test_function_errors_are_invalid(name: str, args: tuple[Any, ...]) -> None:
    assert isinstance(call(name, *args), Invalid)


def test_wrong_argument_count_reason() -> None:
    assert call("upper") == Invalid("wrong number of arguments to upper()")


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS) - {"sensitive", "nonsensitive", "merge", "coalesce",
                                                           "coalescelist", "lookup", "zipmap"}))
def test_unknown_argument_gives_unknown(name: str) -> None:
    for count in range(1, 4):
        result = call(name, *([U] * count))
        if not isinstance(result, Invalid) or "wrong number" not in result.reason:
            assert isinstance(result, Unknown), (name, count, result)


def test_merge_with_an_unknown_map_is_unknown() -> None:
    assert call("merge", {"a": 1}, U) == U
    assert call("merge", U, {"a": 1}) == U


def test_merge_of_an_open_object_stays_open() -> None:
    assert isinstance(call("merge", OpenDict(a=1), {"b": 2}), OpenDict)


def test_lookup_in_an_open_object_is_unknown() -> None:
    result = call("lookup", OpenDict(a=1), "b", "d")
    assert result == Unknown("lookup(): key 'b' is not known") and not isinstance(result, Invalid)


def test_coalesce_stops_at_an_unknown_before_a_value() -> None:
    assert call("coalesce", None, U, "x") == U
    assert call("coalescelist", [], U, ["x"]) == U


def test_deep_unknowns_make_reading_functions_unknown() -> None:
    assert call("join", ",", ["a", U]) == U
    assert call("contains", ["a", U], "b") == U
    assert call("jsonencode", {"a": [U]}) == U
    assert call("format", "%s", U) == U


def test_regex_replace_is_unknown() -> None:
    assert call("replace", "abc", "/b/", "x") == Unknown("replace() with a regular expression is not evaluated")


@pytest.mark.parametrize("name", sorted(NOT_EVALUATED))
def test_not_evaluated_functions_say_why(name: str) -> None:
    result = call(name, "x")
    assert isinstance(result, Unknown) and not isinstance(result, Invalid)
    assert result.reason == f"{name}() {NOT_EVALUATED[name]}"


def test_not_evaluated_function_keeps_an_error_of_its_argument() -> None:
    assert call("file", Invalid("var.x.y does not exist")) == Invalid("var.x.y does not exist")


def test_required_functions_are_registered() -> None:
    required = """merge lookup coalesce coalescelist concat format formatlist lower upper title trimspace
    trim trimprefix trimsuffix replace substr join split tomap toset tolist tostring tonumber tobool keys
    values length element index contains distinct flatten compact zipmap range min max abs ceil floor
    jsonencode jsondecode base64encode base64decode startswith endswith strcontains one sum setunion
    setintersection slice reverse sort chunklist regex regexall file templatefile timestamp uuid""".split()
    assert [name for name in required if name not in FUNCTIONS] == []


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("join", ("", ["x" * 600_000, "y" * 600_000])),
        ("replace", ("a" * 1000, "a", "b" * 2000)),
        ("format", ("%99999999s", "x")),
        ("indent", (10**7, "a\nb")),
        ("jsonencode", ([["x" * 300_000] * 2] * 3,)),
        ("split", ("", "x" * 200_000)),
    ],
)
def test_oversized_results_are_unknown(name: str, args: tuple[Any, ...]) -> None:
    result = call(name, *args)
    assert isinstance(result, Unknown) and not isinstance(result, Invalid)


def test_jsondecode_of_deep_nesting_is_not_a_crash() -> None:
    assert isinstance(call("jsondecode", "[" * 100_000 + "]" * 100_000), Unknown)
    assert not is_known(call("jsondecode", "[" * 300 + "]" * 300))
