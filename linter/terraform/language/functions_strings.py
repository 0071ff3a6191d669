"""Terraform's string functions. Characters are Unicode code points (Terraform counts grapheme
clusters: the two differ only for combining sequences, which tags and names do not use)."""
from __future__ import annotations

import json
import posixpath
from typing import Any

from linter.model import Unknown
from linter.terraform.language.functions_base import Function, as_int, as_list, as_str, check_length, define
from linter.terraform.language.values import kind, render_number, to_bool, to_number

STRINGS: dict[str, Function] = {}


@define(STRINGS, "lower")
def lower(text: Any) -> str:
    return as_str(text).lower()


@define(STRINGS, "upper")
def upper(text: Any) -> str:
    return as_str(text).upper()


@define(STRINGS, "title")
def title(text: Any) -> str:
    """Go's ``strings.Title``: the letter after a separator is upper-cased, the rest is kept."""
    out, after_separator = [], True
    for char in as_str(text):
        out.append(char.upper() if after_separator else char)
        after_separator = not (char.isalnum() or char == "_") if char.isascii() else char.isspace()
    return "".join(out)


@define(STRINGS, "dirname")
def dirname(path: Any) -> str:
    """Go's ``filepath.Dir`` on a slash path: a pure string function, no file is read."""
    text = as_str(path)
    head = text[: text.rfind("/") + 1] if "/" in text else ""
    return posixpath.normpath(head) if head else "."


@define(STRINGS, "basename")
def basename(path: Any) -> str:
    """Go's ``filepath.Base`` on a slash path: trailing slashes dropped, ``.`` for nothing."""
    text = as_str(path).rstrip("/")
    if not text:
        return "/" if as_str(path).startswith("/") else "."
    return text.rsplit("/", 1)[-1]


@define(STRINGS, "trimspace")
def trimspace(text: Any) -> str:
    return as_str(text).strip()


@define(STRINGS, "trim")
def trim(text: Any, cutset: Any) -> str:
    return as_str(text).strip(as_str(cutset))


@define(STRINGS, "trimprefix")
def trimprefix(text: Any, prefix: Any) -> str:
    return as_str(text).removeprefix(as_str(prefix))


@define(STRINGS, "trimsuffix")
def trimsuffix(text: Any, suffix: Any) -> str:
    return as_str(text).removesuffix(as_str(suffix))


@define(STRINGS, "chomp")
def chomp(text: Any) -> str:
    """Removes trailing ``\n`` and ``\r\n`` (a lone ``\r`` stays, as in Terraform)."""
    text = as_str(text)
    while text.endswith("\n"):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    return text


@define(STRINGS, "strrev")
def strrev(text: Any) -> str:
    return as_str(text)[::-1]


@define(STRINGS, "startswith")
def startswith(text: Any, prefix: Any) -> bool:
    return as_str(text).startswith(as_str(prefix))


@define(STRINGS, "endswith")
def endswith(text: Any, suffix: Any) -> bool:
    return as_str(text).endswith(as_str(suffix))


@define(STRINGS, "strcontains")
def strcontains(text: Any, part: Any) -> bool:
    return as_str(part) in as_str(text)


@define(STRINGS, "indent")
def indent(spaces: Any, text: Any) -> str:
    count, lines = as_int(spaces), as_str(text).split("\n")
    check_length(len(as_str(text)) + max(count, 0) * len(lines))
    return ("\n" + " " * count).join(lines)


@define(STRINGS, "replace")
def replace(text: Any, search: Any, replacement: Any) -> Any:
    """Plain replacement only. A ``/pattern/`` is an RE2 regular expression in Terraform; it is not
    evaluated (Unknown): Python's backtracking engine differs from RE2 and a hostile pattern could
    hang the scan."""
    text, search, replacement = as_str(text), as_str(search), as_str(replacement)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        return Unknown("replace() with a regular expression is not evaluated")
    count = text.count(search) if search else len(text) + 1
    check_length(len(text) + count * (len(replacement) - len(search)))
    return text.replace(search, replacement)


@define(STRINGS, "substr")
def substr(text: Any, offset: Any, length: Any) -> str:
    """Negative ``offset`` counts from the end; ``length`` -1 means "to the end"."""
    text, start, size = as_str(text), as_int(offset), as_int(length)
    if start < 0:
        start = max(len(text) + start, 0)
    rest = text[start:]
    return rest if size < 0 else rest[:size]


@define(STRINGS, "join")
def join(separator: Any, *lists: Any) -> str:
    if not lists:
        raise ValueError("at least one list is required")
    parts = [as_str(item) for items in lists for item in as_list(items)]
    sep = as_str(separator)
    check_length(sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0))
    return sep.join(parts)


@define(STRINGS, "split")
def split(separator: Any, text: Any) -> list[str]:
    sep, text = as_str(separator), as_str(text)
    return list(text) if sep == "" else text.split(sep)


@define(STRINGS, "format")
def format_(spec: Any, *args: Any) -> str:
    """Go-style verbs as Terraform has them: ``%s %d %q %v %#v %t %f %e %g %b %o %x %X %%``, with
    flags ``-+ 0#``, width, precision and ``%[n]`` argument indexes. Every argument must be used."""
    out, used, next_arg = [], set(), 0
    text, pos = as_str(spec), 0
    while pos < len(text):
        percent = text.find("%", pos)
        if percent < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:percent])
        verb, pos = _parse_verb(text, percent + 1)
        if verb["verb"] == "%":
            out.append("%")
            continue
        index = verb["index"] - 1 if verb["index"] is not None else next_arg
        if index >= len(args):
            raise ValueError(f"not enough arguments for the verbs of {text[:40]!r}")
        used.add(index)
        next_arg = index + 1
        out.append(_format_one(verb, args[index]))
        check_length(sum(map(len, out)))
    if len(used) < len(args):
        raise ValueError(f"too many arguments; only {len(used)} used by the format string")
    return "".join(out)


@define(STRINGS, "formatlist")
def formatlist(spec: Any, *args: Any) -> list[str]:
    lengths = {len(arg) for arg in args if isinstance(arg, list)}
    if len(lengths) > 1:
        raise ValueError("all list arguments must have the same length")
    count = lengths.pop() if lengths else 1
    rows = [[arg[i] if isinstance(arg, list) else arg for arg in args] for i in range(count)]
    results = [format_(spec, *row) for row in rows]
    for result in results:
        if isinstance(result, Unknown):
            return result  # type: ignore[return-value]
    return results


def _parse_verb(text: str, pos: int) -> tuple[dict[str, Any], int]:
    flags = ""
    while pos < len(text) and text[pos] in "-+# 0":
        flags, pos = flags + text[pos], pos + 1
    index = None
    if text.startswith("[", pos):
        close = text.find("]", pos)
        if close < 0 or not text[pos + 1 : close].isdigit():
            raise ValueError("bad argument index in format string")
        index, pos = int(text[pos + 1 : close]), close + 1
    width, pos = _digits(text, pos)
    precision = None
    if text.startswith(".", pos):
        precision, pos = _digits(text, pos + 1)
        precision = precision or 0
    if pos >= len(text):
        raise ValueError("the format string ends in the middle of a verb")
    for size in (width, precision):
        check_length(size or 0)
    return {"flags": flags, "index": index, "width": width, "precision": precision, "verb": text[pos]}, pos + 1


def _digits(text: str, pos: int) -> tuple[int | None, int]:
    end = pos
    while end < len(text) and text[end].isdigit() and end - pos < 8:
        end += 1
    return (int(text[pos:end]) if end > pos else None), end


def _format_one(verb: dict[str, Any], value: Any) -> str:
    letter, flags, precision = verb["verb"], verb["flags"], verb["precision"]
    if letter in "sqvt":
        rendered = _format_text(letter, flags, value)
        if precision is not None and letter != "t":
            rendered = rendered[:precision]
    elif letter in "dboxX":
        rendered = _format_integer(letter, flags, as_int(value))
    elif letter in "eEfgG":
        rendered = _format_float(letter, flags, precision, to_number(value))
    else:
        raise ValueError(f"unsupported format verb %{letter}")
    return _pad(rendered, verb["width"], flags, numeric=letter not in "sqvt")


def _format_text(letter: str, flags: str, value: Any) -> str:
    if letter == "t":
        return "true" if to_bool(value) else "false"
    if letter == "q":
        return json.dumps(as_str(value), ensure_ascii=False)
    if letter == "v" and ("#" in flags or kind(value) in ("list", "map")):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if letter == "v" and value is None:
        return "null"
    return as_str(value)


def _format_integer(letter: str, flags: str, value: int) -> str:
    base = {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[letter]
    sign = "+" if "+" in flags else (" " if " " in flags else "-")
    alternate = "#" if "#" in flags and letter != "d" else ""
    return format(value, f"{sign}{alternate}{base}")


def _format_float(letter: str, flags: str, precision: int | None, value: int | float) -> str:
    sign = "+" if "+" in flags else (" " if " " in flags else "-")
    if letter in "gG" and precision is None:
        text = render_number(value) if isinstance(value, int) else repr(value)
        text = "+" + text if sign == "+" and value >= 0 else text
        return text.upper() if letter == "G" else text
    return format(float(value), f"{sign}.{6 if precision is None else precision}{letter}")


def _pad(text: str, width: int | None, flags: str, numeric: bool) -> str:
    if width is None or len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and numeric:
        sign = text[0] if text[:1] in "+- " else ""
        return sign + text[len(sign) :].rjust(width - len(sign), "0")
    return text.rjust(width)
