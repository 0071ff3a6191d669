"""Path globs of the config (``kubernetes.clusters.*.paths``, ``systems``, ``declared_hosting``):
one syntax wherever a user names files, roots, namespaces or addresses by pattern, matched alike
by cluster placement and by the graph."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from linter.policy_regex import compiled_path_pattern


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> Any:
    """A path glob as a regex: ``**`` any number of folders, ``*`` and ``?`` inside one name,
    ``[…]`` a class. A pattern without wildcards also matches everything below it (a folder)."""
    pattern = pattern.strip().removeprefix("./")
    if not any(c in pattern for c in "*?["):
        folder = re.escape(pattern.rstrip("/"))
        return compiled_path_pattern(f"{folder}(?:/.*)?" if folder else ".*")
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return compiled_path_pattern("".join(out))  # RE2: linear time, whatever the glob


def glob_match(pattern: str, path: str) -> bool:
    return glob_regex(pattern).fullmatch(path.removeprefix("./")) is not None
