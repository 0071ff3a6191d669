"""Line numbers in a plan document, found cheaply.

``json.loads`` keeps no positions, and a plan may be hundreds of megabytes. So positions are found
in one pass each: every ``"address"`` key after the ``planned_values`` key (its string value decoded
by ``json.JSONDecoder.raw_decode``, so spacing and escapes do not matter; the first occurrence of
an address wins), and the keys of the ``provider_config`` object (walked key by key with the same
decoder). Newlines are counted incrementally. What cannot be found is on line 1 (docs/architecture.md#addresses):
``terraform show -json`` writes one line; a plan pretty-printed by ``jq`` gets real lines.
"""
from __future__ import annotations

import json

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


class LineFinder:
    def __init__(self, text: str, anchor: str) -> None:
        self._text = text
        self._anchor = anchor
        self._addresses: dict[str, int] | None = None
        self._keys: dict[str, dict[str, int]] = {}
        self._pos = 0
        self._line = 1

    def address_line(self, address: str) -> int:
        """The line of ``"address": "<address>"`` after the anchor key, else 1."""
        if self._addresses is None:
            self._addresses = _address_positions(self._text, _key_position(self._text, self._anchor))
        pos = self._addresses.get(address)
        return 1 if pos is None else self.line_of(pos)

    def key_line(self, key: str, container: str) -> int:
        """The line of ``key`` in the object value of the first ``container`` key, else 1."""
        if container not in self._keys:
            self._keys[container] = _object_keys(self._text, _key_position(self._text, container))
        pos = self._keys[container].get(key)
        return 1 if pos is None else self.line_of(pos)

    def line_of(self, pos: int) -> int:
        """1-based line of a character position (incremental: cheap in document order)."""
        if pos >= self._pos:
            self._line += self._text.count("\n", self._pos, pos)
        else:
            self._line -= self._text.count("\n", pos, self._pos)
        self._pos = pos
        return self._line


def _key_position(text: str, key: str) -> int:
    """Position just after ``"key":`` (first occurrence), or -1."""
    quoted = json.dumps(key)
    pos = text.find(quoted)
    while pos >= 0:
        after = _value_start(text, pos + len(quoted))
        if after >= 0:
            return after
        pos = text.find(quoted, pos + 1)
    return -1


def _value_start(text: str, i: int) -> int:
    """After a key string ending at ``i``: the start of its value, or -1 when no colon follows."""
    n = len(text)
    while i < n and text[i] in _SPACE:
        i += 1
    if i >= n or text[i] != ":":
        return -1
    i += 1
    while i < n and text[i] in _SPACE:
        i += 1
    return i


def _address_positions(text: str, start: int) -> dict[str, int]:
    out: dict[str, int] = {}
    if start < 0:
        return out
    pos = text.find('"address"', start)
    while pos >= 0:
        value = _value_start(text, pos + 9)
        if value >= 0 and text.startswith('"', value):
            try:
                address, _ = _DECODER.raw_decode(text, value)
            except ValueError:
                address = None
            if isinstance(address, str):
                out.setdefault(address, pos)
        pos = text.find('"address"', pos + 9)
    return out


def _object_keys(text: str, start: int) -> dict[str, int]:
    """Each key of the JSON object starting at ``start`` → its position."""
    out: dict[str, int] = {}
    if start < 0 or not text.startswith("{", start):
        return out
    i = _skip(text, start + 1)
    try:
        while text.startswith('"', i):
            key, end = _DECODER.raw_decode(text, i)
            value = _value_start(text, end)
            if value < 0:
                break
            out.setdefault(key, i)
            _, end = _DECODER.raw_decode(text, value)
            i = _skip(text, end)
            if not text.startswith(",", i):
                break
            i = _skip(text, i + 1)
    except (ValueError, RecursionError):
        pass
    return out


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _SPACE:
        i += 1
    return i
