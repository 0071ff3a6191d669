"""Text-level helpers for HCL templates: escapes, quoting a template into a synthetic quoted
string, and heredoc bodies. No parsing happens here (and no parser is imported: the fast front end uses it)."""
from __future__ import annotations

from linter import limits

SPLAT_ITEM = "splat.item"  # the loop variable of a rewritten ``x[*].a[expr]``; not an identifier
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def decode_escapes(text: str) -> str:
    """Resolve HCL quoted-string escapes (``\\n``, ``\\"``, ``\\uXXXX``…); unknown ones are kept."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        j = text.find("\\", i)
        if j < 0 or j == len(text) - 1:
            out.append(text[i:])
            break
        out.append(text[i:j])
        nxt = text[j + 1]
        width = {"u": 4, "U": 8}.get(nxt, 0)
        digits = text[j + 2:j + 2 + width]
        if width and len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
            code = int(digits, 16)
            out.append(chr(code) if code <= 0x10FFFF else text[j:j + 2 + width])
            i = j + 2 + width
        else:
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i = j + 2
    return "".join(out)


def quote(text: str) -> str:
    """``text`` (a template's decoded text) as the body of an HCL quoted string.

    Only literal runs are escaped: interpolations and directives are copied as written, so the
    grammar parses their expressions (nested strings included) exactly as in a ``.tf`` file. The
    scan below only finds where each ``${``/``%{`` ends (braces and quoted strings).
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        start = min((j for j in (text.find("${", i), text.find("%{", i)) if j >= 0), default=-1)
        if start < 0:
            out.append(_escape(text[i:]))
            break
        if start > i and text[start - 1] == text[start]:  # "$${" / "%%{": a literal "${" / "%{"
            out.append(_escape(text[i:start - 1]) + text[start] + "\\u007b")
            i = start + 2
            continue
        end = _template_end(text, start + 2)
        out.append(_escape(text[i:start]) + text[start:end])
        i = end
    return "".join(out)


def _escape(literal: str) -> str:
    return literal.replace("\\", "\\\\").replace('"', '\\"')


def _template_end(text: str, i: int) -> int:
    """The offset past the ``}`` that closes the interpolation/directive whose body starts at i."""
    depth = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _string_end(text, i + 1)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    return len(text)


def _string_end(text: str, i: int) -> int:
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        elif text.startswith(("$${", "%%{"), i):
            i += 3
        elif text.startswith(("${", "%{"), i):
            i = _template_end(text, i + 2)
        else:
            i += 1
    return len(text)


def heredoc_body(raw: str) -> str:
    """The text of a heredoc token (``<<EOT\\n…\\nEOT\\n``); ``<<-`` strips the indentation common
    to its non-blank lines, as Terraform does (blank lines are kept as written)."""
    lines = raw.split("\n")  # "<<EOT", body…, "  EOT", ""
    body = lines[1:-2]
    if raw.startswith("<<-"):
        cut = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
        body = [b[cut:] if b.strip() else b for b in body]
    return "".join(b + "\n" for b in body)


def unescape_once(text: str) -> str:
    r"""Undo ``quote``: ``\\`` -> ``\``, ``\"`` -> ``"``."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


MAX_BYTES = limits.HCL_BYTES


def too_large(text: str) -> bool:
    return len(text) > MAX_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_BYTES


def comments_above(lines: list[str], line: int) -> tuple[str, ...]:
    """The contiguous comment lines (``#``, ``//``, ``/* */``) right above 1-based ``line``,
    top to bottom, stripped of surrounding blanks but keeping their markers."""
    found: list[str] = []
    i = line - 2
    while i >= 0:
        stripped = lines[i].strip()
        if stripped.startswith(("#", "//")):
            found.append(stripped)
            i -= 1
        elif stripped.endswith("*/"):
            start = i
            while start >= 0 and "/*" not in lines[start]:
                start -= 1
            if start < 0 or not lines[start].lstrip().startswith("/*"):
                break
            found.extend(lines[j].strip() for j in range(i, start - 1, -1))
            i = start - 1
        else:
            break
    return tuple(reversed(found))
