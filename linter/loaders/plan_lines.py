"""Line numbers in a plan document, found cheaply.

``json.loads`` keeps no positions, and a plan may be hundreds of megabytes, so lines are found by
searching the exact JSON text of a known key and value (``"address": "aws_s3_bucket.logs[\\"eu\\"]"``)
with ``str.find``, after an anchor key (``planned_values``), in document order, and counting
newlines incrementally. What cannot be found is placed on line 1 (SPEC §8). ``terraform show
-json`` writes one line; a plan pretty-printed by ``jq`` gets real lines.
"""
from __future__ import annotations

import json


class LineFinder:
    def __init__(self, text: str, anchor: str) -> None:
        self._text = text
        self._start = _key_position(text, anchor, 0)
        self._next = self._start  # resources are searched in document order
        self._pos = 0
        self._line = 1

    def address_line(self, address: str) -> int:
        """The line of ``"address": "<address>"`` after the anchor, else 1."""
        if self._start < 0:
            return 1
        pos = self._find(_literals("address", address), self._next)
        if pos < 0:
            pos = self._find(_literals("address", address), self._start)
        if pos < 0:
            return 1
        self._next = pos + 1
        return self.line_of(pos)

    def key_line(self, key: str, *anchors: str) -> int:
        """The line of the object key ``"<key>":`` found after each anchor key in turn, else 1."""
        pos = 0
        for anchor in anchors:
            pos = _key_position(self._text, anchor, pos)
            if pos < 0:
                return 1
        pos = self._find([f"{json.dumps(key, ensure_ascii=a)}{sep}" for a in (False, True)
                          for sep in (":", " :")], pos)
        return self.line_of(pos) if pos >= 0 else 1

    def line_of(self, pos: int) -> int:
        """1-based line of a character position (incremental: cheap when moving forward)."""
        if pos >= self._pos:
            self._line += self._text.count("\n", self._pos, pos)
        else:
            self._line -= self._text.count("\n", pos, self._pos)
        self._pos = pos
        return self._line

    def _find(self, literals: list[str], start: int) -> int:
        found = [p for p in (self._text.find(lit, start) for lit in dict.fromkeys(literals)) if p >= 0]
        return min(found) if found else -1


def _literals(key: str, value: str) -> list[str]:
    """The ways a JSON writer may spell ``"key": "value"`` (spacing, ASCII escaping)."""
    out = []
    for ascii_only in (False, True):
        k, v = json.dumps(key, ensure_ascii=ascii_only), json.dumps(value, ensure_ascii=ascii_only)
        out += [f"{k}:{v}", f"{k}: {v}", f"{k} : {v}"]
    return out


def _key_position(text: str, key: str, start: int) -> int:
    quoted = json.dumps(key)
    found = [p for p in (text.find(f"{quoted}{sep}", start) for sep in (":", " :")) if p >= 0]
    return min(found) if found else -1
