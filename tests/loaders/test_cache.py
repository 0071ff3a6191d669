"""linter.loaders.cache and ir_json: exact round trips, misses on anything odd, never pickle."""
from __future__ import annotations

import ast
import dataclasses
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.loaders import cache, ir, ir_json
from linter.loaders.cache import cache_dir, decode_text, load_cached, lookup, prune
from linter.loaders.hcl import load_hcl
from linter.loaders.ir import (
    Attribute,
    BinaryOp,
    Block,
    Body,
    Call,
    Conditional,
    ConfigFile,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    ParseError,
    Splat,
    Template,
    TemplateDirective,
    TupleExpr,
    UnaryOp,
    Variable,
)
from linter.loaders.tf_json import load_tf_json

CALLS: list[str] = []
TF = 'resource "aws_s3_bucket" "b" {\n  bucket = "${var.env}-logs"\n  tags   = { a = 1 }\n}\n'


def counting_hcl(path: str, text: str) -> ConfigFile:
    """A module-level loader (so it is cacheable) that records when it really parses."""
    CALLS.append(path)
    return load_hcl(path, text)


@pytest.fixture(autouse=True)
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / "cache"))
    CALLS.clear()
    return tmp_path / "cache"


def entries(root: Path) -> list[Path]:
    return sorted(root.glob("ir/*/*/*.json"))


# ---- every IR class, generated -------------------------------------------------------------------

names = st.text(max_size=5)
lines = st.integers(0, 10**6)
scalars = st.one_of(st.text(max_size=8), st.integers(-(2**70), 2**70), st.booleans(), st.none(),
                    st.floats(allow_nan=False))
leaves = st.one_of(st.builds(Literal, scalars, lines), st.builds(Variable, names, lines))


def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    some = st.lists(children, max_size=3).map(tuple)
    return st.one_of(
        st.builds(Template, st.lists(names | children, max_size=3).map(tuple), lines),
        st.builds(TemplateDirective, names, lines, some),
        st.builds(GetAttr, children, names, lines),
        st.builds(Index, children, children, lines),
        st.builds(Splat, children, st.lists(names, max_size=2).map(tuple), lines),
        st.builds(Call, names, some, st.booleans(), lines),
        st.builds(Conditional, children, children, children, lines),
        st.builds(BinaryOp, st.sampled_from(["+", "&&", "=="]), children, children, lines),
        st.builds(UnaryOp, st.sampled_from(["!", "-"]), children, lines),
        st.builds(TupleExpr, some, lines),
        st.builds(ObjectExpr, st.lists(st.tuples(children, children), max_size=2).map(tuple), lines),
        st.builds(ForExpr, st.none() | names, names, children, children, st.none() | children,
                  st.none() | children, st.booleans(), lines),
    )


exprs = st.recursive(leaves, extend, max_leaves=12)
bodies = st.recursive(
    st.builds(Body, st.lists(st.builds(Attribute, names, exprs, lines), max_size=2).map(tuple)),
    lambda inner: st.builds(Body, st.lists(st.builds(Attribute, names, exprs, lines), max_size=2).map(tuple),
                            st.lists(st.builds(Block, names, st.lists(names, max_size=2).map(tuple), inner,
                                               lines, lines, st.lists(names, max_size=2).map(tuple)),
                                     max_size=2).map(tuple)),
    max_leaves=4,
)
configs = st.builds(ConfigFile, names, bodies, st.lists(st.builds(ParseError, lines, names), max_size=2).map(tuple))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_round_trip_of_generated_ir_is_exact(config: ConfigFile) -> None:
    # == on the dataclasses also checks the types: a list where a tuple belongs is not equal
    assert ir_json.decode(ir_json.encode(config), ConfigFile) == config


EVERY_CLASS = ConfigFile("main.tf", Body(
    (Attribute("a", Template(("x-", TemplateDirective("%{if c}", 1, (Variable("c", 1),)),
                              Splat(Variable("v", 2), ("id",), 2), Index(GetAttr(Variable("w", 2), "m", 2),
                                                                          Literal(-1.5e300, 2), 2)), 2), 2),
     Attribute("b", ForExpr("k", "v", Call("f", (TupleExpr((), 3),), True, 3),
                            Conditional(UnaryOp("!", Literal(True, 3), 3), Literal(None, 3),
                                        BinaryOp("+", Literal(1, 3), Literal(2**80, 3), 3), 3),
                            ObjectExpr(((Literal("k", 3), Literal(float("inf"), 3)),), 3), None, True, 3), 3)),
    (Block("resource", ("t", "n"), Body(), 4, 5, ("# c",)),),
), (ParseError(9, "unexpected '}'"),))


def test_the_fixed_example_holds_every_ir_class() -> None:
    found = set()

    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value):
            found.add(type(value).__name__)
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)

    walk(EVERY_CLASS)
    assert found == set(ir_json._CLASSES) == {
        name for name, obj in vars(ir).items() if dataclasses.is_dataclass(obj) and obj.__module__ == ir.__name__}
    assert ir_json.decode(ir_json.encode(EVERY_CLASS), ConfigFile) == EVERY_CLASS


# ---- decoding refuses what it did not write --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", "not json", "[", '{"Literal": ["x", 1]', "NaN",
    '{"Pickle": ["x", 1]}', '{"Literal": ["x", 1], "Variable": ["y", 2]}', "{}",
    '{"Literal": ["x"]}', '{"Literal": "x"}', '{"Literal": [["a"], 1]}', '{"Literal": ["x", true]}',
    '{"Literal": ["x", 1.5]}', '{"Variable": [1, 1]}', '{"GetAttr": ["x", "a", 1]}',
    '{"Template": [[1], 1]}', '{"ObjectExpr": [[[{"Literal": [1, 1]}]], 1]}',
    '{"__class__": ["x", 1]}', '{"Body": [[], []]}', "1" + "0" * 5000,
    "[" * 100000 + "]" * 100000,
])
def test_decode_rejects_anything_but_the_expected_ir(text: str) -> None:
    with pytest.raises(ir_json.DecodeError):
        ir_json.decode(text, ir.Expr)


def test_encode_refuses_foreign_objects() -> None:
    with pytest.raises(TypeError):
        ir_json.encode(Literal(object(), 1))  # type: ignore[arg-type]


# ---- the cache -----------------------------------------------------------------------------------

def test_miss_then_hit_with_the_path_of_the_caller(root: Path) -> None:
    first = load_cached("a/main.tf", TF.encode(), counting_hcl)
    assert first == load_hcl("a/main.tf", TF)
    second = load_cached("b/other.tf", TF.encode(), counting_hcl)
    assert second == load_hcl("b/other.tf", TF)
    assert CALLS == ["a/main.tf"]
    (entry,) = entries(root)
    assert lookup("c.tf", TF.encode(), counting_hcl) == ConfigFile("c.tf", first.body)


def test_key_covers_bytes_loader_and_suffixes(root: Path) -> None:
    load_cached("x.tf", TF.encode(), counting_hcl)
    load_cached("x.tf", TF.encode() + b"\n", counting_hcl)
    load_cached("x.tf", TF.encode(), load_hcl)
    load_cached("x.tfvars", TF.encode(), counting_hcl)
    text = '{"region": "eu-west-3"}'
    as_config = load_cached("a.tf.json", text.encode(), load_tf_json)
    as_vars = load_cached("a.tfvars.json", text.encode(), load_tf_json)
    assert as_config.errors == (ParseError(1, "a 'region' block must be a JSON object"),)
    assert as_vars.body.attributes == (Attribute("region", Literal("eu-west-3", 1), 1),)
    assert CALLS == ["x.tf", "x.tf", "x.tfvars"]
    assert len(entries(root)) == 6


def test_text_is_decoded_as_the_loaders_read_files() -> None:
    assert decode_text(b"\xef\xbb\xbfa = 1\r\nb = 2\rc = \xff\n") == "\ufeffa = 1\nb = 2\nc = \ufffd\n"
    crlf = TF.replace("\n", "\r\n").encode()
    assert load_cached("m.tf", crlf, counting_hcl) == load_hcl("m.tf", TF)


def test_entries_are_compact_json_never_pickle(root: Path) -> None:
    load_cached("main.tf", TF.encode(), counting_hcl)
    (entry,) = entries(root)
    mac, _, data = entry.read_bytes().partition(b"\n")
    assert len(mac) == 64 and not data.startswith(b"\x80")  # an HMAC, then JSON (never a pickle header)
    fmt, key, body, errors = json.loads(data)
    assert (fmt, key, errors) == (cache.FORMAT, entry.stem, [])
    assert body["Body"][1][0]["Block"][:2] == ["resource", ["aws_s3_bucket", "b"]]
    assert entry.parent.parent.name == cache.fingerprint(__name__)[:16]
    assert (root / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")


@pytest.mark.parametrize("module", ["cache.py", "ir_json.py", "parallel.py"])
def test_no_pickle_marshal_or_shelve_in_the_cache_code(module: str) -> None:
    tree = ast.parse((Path(cache.__file__).parent / module).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"pickle", "marshal", "shelve", "dill", "cloudpickle"}


@pytest.mark.parametrize("content", [
    b"", b"garbage", b"\x80\x04\x95 a pickle", b'["snclint-ir-1"', b'{"Body": [[], []]}',
    b'["snclint-ir-0", "KEY", {"Body": [[], []]}, []]',
    b'["snclint-ir-1", "0000", {"Body": [[], []]}, []]',
    b'["snclint-ir-1", "KEY", {"Evil": [[], []]}, []]',
    b'["snclint-ir-1", "KEY", {"Body": [[], []]}, [{"ParseError": ["1", "m"]}]]',
], ids=["empty", "garbage", "pickle", "truncated", "not-an-entry", "other-format", "other-key",
        "unknown-class", "bad-field"])
def test_a_corrupted_or_foreign_entry_is_a_miss(root: Path, content: bytes) -> None:
    expected = load_cached("main.tf", TF.encode(), counting_hcl)
    (entry,) = entries(root)
    entry.write_bytes(content.replace(b"KEY", entry.stem.encode()))
    assert load_cached("main.tf", TF.encode(), counting_hcl) == expected
    assert CALLS == ["main.tf", "main.tf"]
    assert load_cached("main.tf", TF.encode(), counting_hcl) == expected  # rewritten
    assert CALLS == ["main.tf", "main.tf"]


def test_unusable_cache_directory_still_parses(root: Path) -> None:
    root.parent.mkdir(parents=True, exist_ok=True)
    root.write_text("a file where the directory should be")
    assert load_cached("main.tf", TF.encode(), counting_hcl) == load_hcl("main.tf", TF)
    assert lookup("main.tf", TF.encode(), counting_hcl) is None


def test_the_version_covers_what_a_loader_uses_and_only_that() -> None:
    used = cache._linter_modules({"linter.loaders.tf_json"})
    assert {"linter.loaders.tf_json", "linter.loaders.hcl_expr", "linter.loaders.hcl_text",
            "linter.loaders.ir"} <= used
    assert not used & {"linter.loaders.plan", "linter.loaders.kubernetes", "linter.loaders.parallel"}
    assert cache.fingerprint("linter.loaders.hcl") != cache.fingerprint("linter.loaders.tf_json")


def test_the_version_follows_lazily_imported_siblings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fakeload.py").write_text("def load(path, text):\n    from fakeload_fast import go\n")
    (tmp_path / "fakeload_fast.py").write_text("go = 1\n")
    (tmp_path / "other.py").write_text("x = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import fakeload  # noqa: F401

    def version() -> str:
        cache.fingerprint.cache_clear()
        return cache.fingerprint("fakeload")

    first = version()
    (tmp_path / "other.py").write_text("x = 2\n")
    assert version() == first
    (tmp_path / "fakeload_fast.py").write_text("go = 2\n")
    assert version() != first


def test_what_is_never_cached(root: Path) -> None:
    load_cached("main.tf", TF.encode(), lambda p, t: load_hcl(p, t))  # no stable name
    big = ("# " + "x" * 100 + "\n") * 60_000
    assert load_cached("big.tf", big.encode(), counting_hcl).errors == (ParseError(1, "file too large (over 5 MB)"),)
    assert entries(root) == []


def test_cache_directory_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("SNCLINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "snclint"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "snclint"


def test_prune_removes_the_oldest_entries_and_only_cache_files(root: Path) -> None:
    for i in range(10):
        load_cached("main.tf", (TF + f"# {i}\n").encode(), counting_hcl)
    files = entries(root)
    size = sum(f.stat().st_size for f in files)
    now = time.time()
    for age, file in enumerate(sorted(files, key=lambda f: f.name)):
        os.utime(file, (now - 1000 + age, now - 1000 + age))
    stray = files[0].parent / "notes.txt"
    stray.write_text("kept")
    oldest_first = sorted(files, key=lambda f: f.stat().st_mtime)
    assert prune(root, max_bytes=size) == 0  # under the bound: nothing to do
    assert prune(root, max_bytes=size // 2) == 0  # pruned less than a day ago
    removed = prune(root, max_bytes=size // 2, force=True)
    assert removed >= 5
    assert [f.exists() for f in oldest_first] == [False] * removed + [True] * (10 - removed)
    assert stray.exists()


def test_prune_counts_the_sealed_sections_too(root: Path) -> None:
    cache.write_sealed("roots", "a" * 64, b"x" * 1000, 4096)
    cache.write_sealed("roots", "b" * 64, b"y" * 1000, 4096)
    (root / "roots" / "notes.txt").write_text("kept")
    old = root / "roots" / f"{'a' * 64}.json"
    os.utime(old, (time.time() - 1000, time.time() - 1000))
    assert prune(root, max_bytes=1500, force=True) == 1
    assert not old.exists() and (root / "roots" / f"{'b' * 64}.json").exists()
    assert (root / "roots" / "notes.txt").exists() and (root / "hmac.key").exists()


def test_an_entry_its_reader_would_refuse_is_not_written(root: Path) -> None:
    cache.write_sealed("scans", "c" * 64, b"z" * 1000, 1000)  # the seal makes it larger than its reader takes
    assert not (root / "scans" / f"{'c' * 64}.json").exists()
    cache.write_sealed("scans", "c" * 64, b"z" * 1000, 2000)
    assert cache.read_sealed("scans", "c" * 64, 2000) == b"z" * 1000


def test_an_entry_written_in_parts_is_the_one_written_whole(root: Path) -> None:
    cache.write_sealed("scans", "c" * 64, b"ab" + b"cd" * 1000, 4096)
    whole = (root / "scans" / f"{'c' * 64}.json").read_bytes()
    cache.write_sealed_parts("scans", "d" * 64, iter([b"ab", b"", b"cd" * 1000]), 4096)
    parts = root / "scans" / f"{'d' * 64}.json"
    assert cache.read_sealed("scans", "d" * 64, 4096) == b"ab" + b"cd" * 1000
    assert parts.read_bytes().partition(b"\n")[2] == whole.partition(b"\n")[2]
    parts.write_bytes(parts.read_bytes().replace(b"ab", b"xy", 1))  # damaged: its seal no longer holds
    assert cache.read_sealed("scans", "d" * 64, 4096) is None
    parts.write_bytes(whole)  # sealed for another key
    assert cache.read_sealed("scans", "d" * 64, 4096) is None


def test_parts_over_the_limit_or_that_fail_leave_nothing(root: Path) -> None:
    def failing() -> Any:
        yield b"ab"
        raise TypeError("not encodable")

    cache.write_sealed_parts("scans", "e" * 64, iter([b"ab", b"cd" * 1000]), 1000)
    with pytest.raises(TypeError):
        cache.write_sealed_parts("scans", "e" * 64, failing(), 4096)
    assert list((root / "scans").iterdir()) == []
