"""What python-hcl2's lexer would make of a stretch of text, for the tree-sitter front end.

tree-sitter-hcl skips whitespace and comments between any two tokens and scans strings with its
own rules; python-hcl2 lets newlines and comments through only at some places and lexes strings,
numbers and heredocs with the regular expressions below (copied from its grammar, ``hcl2.lark``;
``tests/loaders/test_hcl_differential.py`` checks they still are the same). The tree-sitter front
end uses them to accept only text that the reference reads the same way.
"""
from __future__ import annotations

import re

from linter import limits
from linter.loaders.hcl_text import decode_escapes


class Unsupported(Exception):
    """The reference parser may read this text differently (or reject it): use the reference."""


# python-hcl2 8.1.4 terminals (hcl2.lark), as bytes patterns: the source is utf-8, and ``.`` and
# the character classes never match part of a multi-byte character differently.
STRING_CHARS = rb'(?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^"\\]|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+'
ESCAPED_INTERPOLATION = rb"\$\$\{[^}]*\}"
ESCAPED_DIRECTIVE = rb"%%\{[^}]*\}"
INT_LITERAL = rb"(?:\-[0-9])?(?:[0-9])+"
FLOAT_LITERAL = (rb"(?:(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)\.(?:[0-9])+(?:(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)?"
                 rb"|(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)")
NAME = rb"[a-zA-Z_][a-zA-Z0-9_-]*"
HEREDOC = rb"<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc)\r?\n"
HEREDOC_TRIM = rb"<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc_trim)\r?\n"

_STRING_PART = re.compile(rb"(" + ESCAPED_INTERPOLATION + rb"|" + ESCAPED_DIRECTIVE + rb")|" + STRING_CHARS)
_INT = re.compile(INT_LITERAL)
_FLOAT = re.compile(FLOAT_LITERAL)
_NAME = re.compile(NAME)
HEREDOC_RE = re.compile(HEREDOC)
HEREDOC_TRIM_RE = re.compile(HEREDOC_TRIM)
_SPECIAL = re.compile(rb'[\\$%"]')
_GAP = re.compile(rb"[ \t\r]+|\n|#[^\n]*\n?|//[^\n]*\n?|/\*.*?\*/", re.S)
_SPACES = b" \t\r"

# the gaps python-hcl2 allows between two tokens
NONE = 0  # spaces only
ONE = 1  # at most one newline or comment: merged into the binary operator or ``?`` that follows
ANY = 2  # any newlines and comments (``new_line_or_comment?`` in its grammar)

DEPTH_LIMIT = limits.HCL_FAST_DEPTH
KEYWORDS = frozenset({"if", "in", "for", "for_each", "else", "endif", "endfor"})


_NAMES: dict[bytes, str] = {}


def name(raw: bytes) -> str:
    """An identifier as python-hcl2 lexes it (ASCII letters, digits, ``_`` and ``-``)."""
    found = _NAMES.get(raw)
    if found is None:
        if _NAME.fullmatch(raw) is None:
            raise Unsupported
        if len(_NAMES) > 50_000:  # names repeat; hostile text must not grow it without bound
            _NAMES.clear()
        found = _NAMES[raw] = raw.decode("ascii")
    return found


def number(src: bytes, start: int, end: int) -> int | float:
    """The numeric literal at ``src[start:end]`` (``start`` may be a ``-`` that python-hcl2 makes
    part of the number), if python-hcl2 lexes exactly that span as one number."""
    float_match = _FLOAT.match(src, start)
    if float_match is not None:
        if float_match.end() != end:
            raise Unsupported
        return float(src[start:end])
    int_match = _INT.match(src, start)
    if int_match is None or int_match.end() != end or end - start > 4000:
        raise Unsupported  # hex, or more digits than python-hcl2 converts
    return int(src[start:end])


def lexes_number(src: bytes, start: int) -> bool:
    """Whether python-hcl2 would lex a number (not a ``-`` operator) at ``start``."""
    return _FLOAT.match(src, start) is not None or _INT.match(src, start) is not None


def literal_text(src: bytes, start: int, end: int) -> str:
    """A run of string characters between two template parts, decoded as python-hcl2 decodes it;
    Unsupported when its lexer would not end a token exactly at ``end``."""
    raw = src[start:end]
    if not _SPECIAL.search(raw):
        return raw.decode("utf-8")  # one STRING_CHARS token without escapes
    out: list[str] = []
    i = start
    while i < end:
        match = _STRING_PART.match(src, i)
        if match is None or match.end() > end:
            raise Unsupported
        text = match.group().decode("utf-8")
        if match.group(1) is not None:  # "$${" -> "${", "%%{" -> "%{"
            out.append(text[1:3] + decode_escapes(text[3:]))
        else:
            out.append(decode_escapes(text))
        i = match.end()
    return "".join(out)


def check_gap(src: bytes, start: int, end: int, mode: int) -> None:
    """Raise Unsupported unless python-hcl2 accepts what lies between two tokens in this mode."""
    if mode == ANY or start >= end:
        return
    gap = src[start:end]
    if mode == NONE:
        if gap.strip(_SPACES):
            raise Unsupported
        return
    tokens = 0
    i = 0
    while i < len(gap):
        match = _GAP.match(gap, i)
        if match is None:
            raise Unsupported
        if match.group()[0] not in _SPACES:
            tokens += 1
        i = match.end()
    if tokens > 1:
        raise Unsupported
