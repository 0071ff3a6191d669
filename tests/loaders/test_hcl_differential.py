"""linter.loaders.hcl_ts against the reference (python-hcl2): the same IR, or None (fall back).

Every file of the repository, of the shared acceptance scenarios and of a generated estate, every
HCL-looking string of the test suite, and generated snippets go through both front ends.
"""
from __future__ import annotations

import ast
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.loaders import hcl_ts_lex
from linter.loaders.hcl import PARSER_ENV, load_hcl, load_hcl2
from linter.loaders.hcl_ts import load_hcl_ts
from linter.loaders.ir import Conditional, ConfigFile, Literal, Variable

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "acceptance"


def reference(text: str) -> ConfigFile | None:
    """python-hcl2's IR; None where it raises (``-1-2.5`` makes it convert "-1-2.5" to a float)."""
    try:
        return load_hcl2("t.tf", text)
    except ValueError:
        return None


def assert_agrees(text: str) -> bool:
    """The fast front end gives the reference's IR or None; True when it gave an IR."""
    fast = load_hcl_ts("t.tf", text)
    if fast is not None:
        assert fast == reference(text), text
    return fast is not None


def hcl_files(top: Path) -> list[Path]:
    return sorted(p for p in top.rglob("*") if p.suffix in (".tf", ".tfvars") and p.is_file())


# ---- real files --------------------------------------------------------------------------------

@pytest.mark.parametrize("top", ["fixtures", "tests", "benchmarks"])
def test_repository_files(top: str) -> None:
    files = hcl_files(REPO / top)
    assert files or top != "fixtures"
    for path in files:
        assert_agrees(path.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared acceptance folder is not beside the repo")
def test_acceptance_files() -> None:
    for path in hcl_files(SHARED):
        assert_agrees(path.read_text(encoding="utf-8"))


def test_strings_of_the_test_suite() -> None:
    """Snippets written inline in tests (frontends, rules, reporters…)."""
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "=" in node.value:
                assert_agrees(node.value)


@pytest.mark.slow
def test_generated_estate_agrees_and_rarely_falls_back(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(tmp_path), "--roots", "20"],
                   check=True, capture_output=True)
    files = hcl_files(tmp_path)
    fast = sum(assert_agrees(path.read_text(encoding="utf-8")) for path in files)
    assert len(files) > 200
    assert len(files) - fast < len(files) / 100  # the fast path really is the one used


# ---- decisions, one by one -----------------------------------------------------------------------

def test_nested_conditionals_group_to_the_right_as_in_the_reference() -> None:
    text = "x = a ? 1 : b ? 2 : c\n"
    expected = Conditional(Variable("a", 1), Literal(1, 1),
                           Conditional(Variable("b", 1), Literal(2, 1), Variable("c", 1), 1), 1)
    loaded = load_hcl_ts("t.tf", text)
    assert loaded is not None and loaded.body.attributes[0].expr == expected
    assert loaded == load_hcl2("t.tf", text)


@pytest.mark.parametrize("text", [
    "x = a\n  || b\n", "x = a # why\n  && b\n", "x = (\n  a\n  +\n  b\n)\n", "x = [\n  1, # one\n  2,\n]\n",
    "x = f(\n  a,\n  b...\n)\n", 'x = {\n  a = 1\n  "b" = 2, (c) = 3\n}\n', "x = -12\ny = - 1.5\n",
    "x = <<EOT\na ${b} %{ if c }d%{ endif }\nEOT\ny = 1\n", 'x = "$${a} %%{b} \\u00e9"\n',
    "x = a[*].b[0].c\ny = a.*.b[0]\nz = a[*].b[k]\n", "x = cond\n  ? 1\n  : 2\n",
    "x = foo(\n  a\n)[0]\ny = a[*].b[\n  k\n].c\n", "x = a\n  ? 1\n  : b\n  ? 2\n  : 3\n",
    "x = f(<<EOT\n${a}\nEOT\n, 1)\ny = <<EOT\nhi\nEOT\n.foo\n",
    "x = <<-EOT\n  ${a}\n    %{ if b }\n  x\n  %{ endif }\n  EOT\n",
], ids=["op-newline", "op-comment", "parens", "tuple-comments", "call-lines", "object-lines", "negative",
        "heredoc", "escapes", "splats", "conditional-lines", "trailer-lines", "conditional-chain-lines",
        "heredoc-token-newline", "indented-heredoc-directive"])
def test_layouts_the_reference_reads_are_converted(text: str) -> None:
    assert load_hcl_ts("t.tf", text) == load_hcl2("t.tf", text)
    assert load_hcl2("t.tf", text).errors == ()


@pytest.mark.parametrize("text", [
    'x = "plain"\ny = ""\nz = "ünï {b} 50% $"\n', "x = module.my-db.arn\ny = var.for\nz = a-b\nw = self\n",
    'x = { a.b = "c", "d" = e, f = g.h, i: "j", true = k, for = "l" }\ny = [var.x, "y", z]\nv = f(a.b, "c")\n',
    'resource "aws_s3_bucket" "b" {\n  bucket\t= "x"\n  tags = {\n    "k" : var.k # c\n    in = "v"\n  }\n}\n',
    'x = a.b ? "c" : d\ny = "${a.b}-c"\nz = true\nw = null\n',
], ids=["strings", "names", "nested", "block", "around"])
def test_plain_strings_and_names_read_from_their_bytes_agree(text: str) -> None:
    """``TsExprs.plain`` reads the commonest expressions without their nodes."""
    assert load_hcl_ts("t.tf", text) == load_hcl2("t.tf", text)


@pytest.mark.parametrize("text", [
    "# a\u00a0b\nx = 1 #\u00a0c\n", "/* \u00a0\n\u2003 */\nx = \"é\"\n", '// \u00a0\nb "l" {\n  # \u00a0\n  y = 2\n}\n',
])
def test_odd_spaces_in_comments_are_read_by_the_fast_front_end(text: str) -> None:
    """A no-break space after ``#`` is common in real files; in a comment both parsers take it."""
    fast = load_hcl_ts("t.tf", text)
    assert fast is not None and fast == load_hcl2("t.tf", text)


@pytest.mark.parametrize("text", [
    "x = a\n  - b\n",  # python-hcl2 does not merge a newline into a following minus
    "x = /* c */ 1\n",  # nor take a comment after "="
    "x = a\n\n  || b\n",  # nor two newlines before an operator
    "x = !!a\n",  # its unary operand is a term
    "x = -12.foo\n", "x = length(y) -10\n",  # it lexes -12 and -10 as numbers
    'x = "$$${a}"\n',  # it lexes "$" then "$${a}", tree-sitter "$$" then "${a}"
    'x = "${~ a}"\n',  # no strip marker in its interpolations
    "x = <<EOT \nfoo\nEOT\n",  # its heredoc token wants the newline right after the marker
    "x = a.b\n  .c\n", "x = a\n[0]\n", "x = f\n(1)\n",
    "é = 1\n", "x = 0x1F\n", "x = 1e3\n", "x = 1\u00a0\n", "x = -1-2.5\n",
    "x\u00a0= 1\n", 'x = "${a\u00a0}"\n', "#\u00a0c\nx = 1\u00a0\n",  # odd spaces between tokens
    "# " + "\u00a0" * 101 + "\nx = 1\n",  # more odd spaces than are looked up one by one
    'x = "${\n a}"\n', "x = {for k, v in m : k\n => v}\n", "x = { in.x = 1 }\n",
])
def test_what_the_reference_may_read_otherwise_falls_back(text: str) -> None:
    assert load_hcl_ts("t.tf", text) is None


@pytest.mark.slow
def test_hostile_sizes_stay_linear() -> None:
    """Queries over broken trees are slow in tree-sitter: none is run; ``Node.parent`` (linear in the
    siblings before) is asked for at most ``hcl_ts._MAX_LOOK_UPS`` comments of a file."""
    garbage = "".join(random.Random(1).choice('{}[]()"$%<>=#/*\\\n .,:?!~-EOT0x') for _ in range(200_000))
    comments = "# c\n" * 50_000
    start = time.perf_counter()
    assert load_hcl_ts("t.tf", "x = 1\n" * 50_000 + "y = [ # c\n  1]\n" * 300) is not None
    assert load_hcl_ts("t.tf", garbage) is None
    assert load_hcl_ts("t.tf", comments) == ConfigFile("t.tf")
    assert load_hcl_ts("t.tf", "x = " + "[" * 3000 + "]" * 3000 + "\n") is None  # the reference says how deep
    assert time.perf_counter() - start < 5


def test_syntax_errors_fall_back_to_the_reference_message() -> None:
    text = 'resource "a" "b" {\n  x = \n}\n'
    assert load_hcl_ts("t.tf", text) is None
    assert load_hcl("t.tf", text) == load_hcl2("t.tf", text)
    assert load_hcl("t.tf", text).errors[0].line == 2


def test_environment_forces_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr("linter.loaders.hcl_ts.load_hcl_ts", lambda path, text: calls.append(path))
    monkeypatch.setenv(PARSER_ENV, "hcl2")
    assert load_hcl("a.tf", "x = 1\n").body.attributes[0].expr == Literal(1, 1)
    monkeypatch.delenv(PARSER_ENV)
    load_hcl("b.tf", "x = 1\n")
    assert calls == ["b.tf"]


def test_without_tree_sitter_the_reference_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("linter.loaders.hcl_ts._parser", lambda: None)
    assert load_hcl_ts("t.tf", "x = 1\n") is None
    assert load_hcl("t.tf", "x = 1\n") == load_hcl2("t.tf", "x = 1\n")


def test_lexer_patterns_are_the_reference_grammar() -> None:
    from hcl2.parser import parser

    theirs = {t.name: t.pattern.to_regexp().replace("\r", "\\r").replace("\n", "\\n") for t in parser().terminals}
    for mine, name in [("STRING_CHARS", "STRING_CHARS"), ("ESCAPED_INTERPOLATION", "ESCAPED_INTERPOLATION"),
                       ("ESCAPED_DIRECTIVE", "ESCAPED_DIRECTIVE"), ("INT_LITERAL", "INT_LITERAL"),
                       ("FLOAT_LITERAL", "FLOAT_LITERAL"), ("NAME", "NAME"), ("HEREDOC", "HEREDOC_TEMPLATE"),
                       ("HEREDOC_TRIM", "HEREDOC_TEMPLATE_TRIM")]:
        assert getattr(hcl_ts_lex, mine).decode() == theirs[name], mine


# ---- generated HCL -----------------------------------------------------------------------------

# a clean draw keeps to layouts and names every parser reads; a wild one tries the corners
SEPARATORS = {False: [" ", " ", " ", ""],
              True: [" "] * 8 + ["", "", "\n", "\n  ", "\n\n", " # c\n", " // c\n", " /* c */ ", "/*\n*/", "\t",
                                 "\r\n"]}
NAMES = {False: ["a", "b", "var", "local", "x_1", "each", "for_each", "null_resource", "format", "a-b"],
         True: ["in", "if", "true", "é", "for", "endif"]}
LITERAL_CHUNKS = {False: ["a", " ", "b c", "\\n", '\\"', "\\\\", "$${x}", "%%{y}", "$", "%", "\\u00e9", "#", "é",
                          "}", "{", "'", "~", "\n"],
                  True: ["$$", "\\q", "%%", "$${", "\\", "\u00a0"]}
NUMBERS = {False: ["0", "1", "42", "1.5", "007", "12345678901234567890"], True: ["1e3", "0x1F", "1.", "2.5e-3"]}


class Gen:
    """Draws HCL text: expressions of every kind with a random separator between tokens."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.wild = draw(st.booleans())

    def pick(self, options: list[str]) -> str:
        return self.draw(st.sampled_from(options))

    def choose(self, table: dict[bool, list[str]]) -> str:
        """From the clean list, or (when wild, one time in four) the wild one."""
        wild = self.wild and self.draw(st.integers(0, 3)) == 0
        return self.pick(table[wild])

    def join(self, *tokens: str) -> str:
        out = tokens[0]
        for token in tokens[1:]:
            out += self.pick(SEPARATORS[self.wild]) + token
        return out

    def expr(self, depth: int) -> str:
        kinds = ["number", "name", "string", "bool"]
        if depth < 3:
            kinds += ["neg", "unary", "binary", "cond", "call", "trav", "tuple", "object", "for", "parens",
                      "heredoc", "template", "splat"]
        kind = self.pick(kinds)
        sub = depth + 1
        if kind == "number":
            return self.choose(NUMBERS)
        if kind == "name":
            return self.choose(NAMES)
        if kind == "bool":
            return self.pick(["true", "false", "null"])
        if kind == "string":
            return '"' + "".join(self.choose(LITERAL_CHUNKS) for _ in range(self.draw(st.integers(0, 4)))) + '"'
        if kind == "neg":
            return self.join("-", self.choose({False: ["1", "2.5", "12"], True: ["1-2.5", "12.a"]}))
        if kind == "unary":
            return self.join(self.pick(["!", "-"]), self.expr(sub))
        if kind == "binary":
            ops = ["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"]
            return self.join(self.expr(sub), self.pick(ops), self.expr(sub))
        if kind == "cond":
            return self.join(self.expr(sub), "?", self.expr(sub), ":", self.expr(sub))
        if kind == "call":
            tokens = []
            for _ in range(self.draw(st.integers(0, 3))):
                tokens += [self.expr(sub), ","]
            tail = self.pick(["", ",", "..."]) if tokens else ""
            tokens = [*tokens[:-1], tail] if tail else tokens[:-1]
            return self.join(self.choose({False: ["f", "lookup"], True: ["provider::a::b"]}), "(", *tokens, ")")
        if kind in ("trav", "splat"):
            steps = {False: [".a", ".b", "[0]", '["k"]', ".0", "[*]", ".*", "[var.i]"], True: [".true", "[-1]"]}
            trailers = [self.choose(steps) for _ in range(self.draw(st.integers(1, 3)))]
            return self.join(self.expr(sub), *trailers)
        if kind == "tuple":
            items = [self.expr(sub) for _ in range(self.draw(st.integers(0, 3)))]
            return self.join("[", *[t + "," for t in items], "]")
        if kind == "object":
            keys = {False: ["a", '"q"', "(k)", '"${p}"', "1", "x.y", "in", "true"], True: ["for", "in.x"]}
            pairs = [self.join(self.choose(keys), self.pick(["=", ":"]), self.expr(sub)) + self.pick([",", "\n", ""])
                     for _ in range(self.draw(st.integers(0, 3)))]
            return self.join("{", *pairs, "}")
        if kind == "for":
            intro = self.join("for", self.pick(["k, v", "v", "k,v"]), "in", self.expr(sub), ":")
            cond = self.pick(["", "if " + self.expr(sub)])
            if self.draw(st.booleans()):
                return self.join("[", intro, self.expr(sub), cond, "]")
            return self.join("{", intro, self.expr(sub), "=>", self.expr(sub), self.pick(["", "..."]), cond, "}")
        if kind == "parens":
            return self.join("(", self.expr(sub), ")")
        if kind == "template":
            return '"' + self.template(sub) + '"'
        return self.heredoc(sub)

    def template(self, depth: int) -> str:
        parts = []
        for _ in range(self.draw(st.integers(0, 4))):
            kind = self.pick(["literal", "literal", "interp", "if", "for"])
            if kind == "literal":
                parts.append(self.choose(LITERAL_CHUNKS))
            elif kind == "interp":
                strip = {False: ["", " "], True: ["~"]}
                parts.append("${" + self.choose(strip) + self.expr(depth) + self.choose(strip) + "}")
            elif kind == "if":
                strip = self.pick(["", "~"])
                parts.append(f"%{{ if {self.expr(depth)} {strip}}}{self.choose(LITERAL_CHUNKS)}"
                             f"{self.pick(['', '%{ else }x'])}%{{{strip} endif }}")
            else:
                parts.append(f"%{{ for {self.pick(['v', 'k, v'])} in {self.expr(depth)} }}${{v}}%{{ endfor }}")
        return "".join(parts)

    def heredoc(self, depth: int) -> str:
        marker = self.pick(["EOT", "END_X", "E"])
        indent = self.pick(["", "  ", "\t"])
        lines = [indent + self.template(depth).replace('\\"', '"') for _ in range(self.draw(st.integers(0, 3)))]
        closing = self.choose({False: [marker, indent + marker], True: [marker + " ", marker + "x"]})
        return f"<<{self.pick(['', '-'])}{marker}\n" + "".join(line + "\n" for line in lines) + closing + "\n"

    def body(self, depth: int) -> str:
        out = []
        for _ in range(self.draw(st.integers(0, 3))):
            kind = self.pick(["attr", "attr", "block", "comment"] if depth < 2 else ["attr", "comment"])
            if kind == "attr":
                out.append(self.join(self.choose(NAMES), "=", self.expr(depth)) + "\n")
            elif kind == "comment":
                out.append(self.pick(["# note\n", "// note\n", "/* a\n b */\n", "\n"]))
            else:
                labels = self.draw(st.lists(st.sampled_from(['"a"', "b", '"c d"', '"e\\"f"']), max_size=2))
                out.append(self.join(self.pick(["resource", "locals", "dynamic"]), *labels, "{")
                           + "\n" + self.body(depth + 1) + "}\n")
        return "".join(out)


@st.composite
def hcl_texts(draw: st.DrawFn) -> str:
    return Gen(draw).body(0)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hcl_texts())
def test_generated_snippets_give_the_same_ir_or_fall_back(text: str) -> None:
    assert_agrees(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_agrees(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='abx {}[]()"$%<>=#/*\\\n .,:?!~-EOT0123456789', max_size=60))
def test_hcl_alphabet_soup_never_raises(text: str) -> None:
    assert_agrees(re.sub(r"^", "x = ", text))


# ---- the nodes holding comments -------------------------------------------------------------------

def _holders_both_ways(text: str) -> tuple[set[int] | None, set[int]]:
    """``hcl_ts._holders`` and the query it replaces, on one error-free tree."""
    from tree_sitter import QueryCursor

    from linter.loaders import hcl_ts

    found = hcl_ts._parser()
    assert found is not None
    parser, query = found
    src = (text + "\n").encode("utf-8")
    root = parser.parse(src).root_node
    assert not root.has_error, text
    return hcl_ts._holders(root, src), {n.id for n in QueryCursor(query).captures(root).get("holder", [])}


@pytest.mark.parametrize("text", [
    "/* a *//* b */\nx = 1\n", "# top\n", "x = 1 # c\ny = \"#fff\" // d\nz = [ # e\n  1, /* f */ 2]\n",
    'u = "http://a//b/*c*/"\nv = <<EOT\n# not a comment\n// nor this\nEOT\n',
    'b "l" /* c */ {\n  # in a body\n  m = { # in an object\n    k = 1 // after\n  }\n'
    '  n = f(a, # in a call\n  b)\n}\n',
    "x = a ///* c */\n", "x = 4 / /* c */ 2\n", "x = [\n  #\n  ##\n  /**/\n]\n",
], ids=["adjacent", "alone", "lines", "in-strings", "nested", "slashes", "division", "empty"])
def test_the_holders_of_comments_are_those_the_query_finds(text: str) -> None:
    mine, query = _holders_both_ways(text)
    assert mine == query
    assert bool(mine) == (text != 'u = "http://a//b/*c*/"\nv = <<EOT\n# not a comment\n// nor this\nEOT\n')


def test_many_places_a_comment_may_start_go_to_the_query() -> None:
    mine, query = _holders_both_ways('x = "' + "#" * 10 + '"\n' + "# c\n" * 300)
    assert mine is None and query


@settings(max_examples=300, deadline=None)
@given(hcl_texts())
def test_generated_snippets_have_the_holders_the_query_finds(text: str) -> None:
    from linter.loaders import hcl_ts

    found = hcl_ts._parser()
    assert found is not None
    if found[0].parse((text + "\n").encode("utf-8")).root_node.has_error:
        return
    mine, query = _holders_both_ways(text)
    assert mine is None or mine == query


def test_the_odd_spaces_of_ascii_text_are_those_of_the_pattern() -> None:
    from linter.loaders import hcl_ts

    odd = [chr(c) for c in range(128) if hcl_ts._ODD_SPACE.match(chr(c))]
    assert sorted(odd) == sorted(hcl_ts._ODD_ASCII_SPACES)


@pytest.mark.parametrize("space", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f"])
def test_an_odd_ascii_space_between_tokens_goes_to_the_reference(space: str) -> None:
    assert load_hcl_ts("t.tf", f"x ={space}1\n") is None
    assert load_hcl_ts("t.tf", f"# a{space}b\nx = 1\n") == load_hcl2("t.tf", f"# a{space}b\nx = 1\n")
