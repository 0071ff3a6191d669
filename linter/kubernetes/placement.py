"""Which cluster a manifest runs on (docs/kubernetes.md, "Placement").

First match wins: the ``snclint.io/cluster`` annotation on the object, then on its Namespace,
then ``kubernetes.clusters.<name>.paths`` (globs on the manifest's path, the most specific
pattern winning), then ``kubernetes.default``. What matched is kept as the reason, for the
evidence of a finding.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from linter.config import KubernetesConfig
from linter.policy_regex import compiled_path_pattern


@dataclass(frozen=True, slots=True)
class Placement:
    cluster: str | None
    why: str


UNPLACED_WHY = ("not placed: no snclint.io/cluster annotation, no kubernetes.clusters.*.paths "
                "pattern matches its file, and no kubernetes.default")


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


def _specificity(pattern: str) -> int:
    return sum(1 for c in pattern if c not in "*?[]")


class Placer:
    """Placement by the config; the annotations are read by the frontend and passed in."""

    def __init__(self, config: KubernetesConfig) -> None:
        self.config = config
        self.patterns = [(name, pattern) for name, spec in config.clusters.items()
                         for pattern in spec.paths]

    def by_path(self, path: str) -> Placement | None:
        """The cluster whose most specific ``paths`` pattern matches ``path`` (config order on a
        tie); None when none does. Standard input (``-``) is matched like any path."""
        best: tuple[int, str, str] | None = None
        for name, pattern in self.patterns:
            if glob_match(pattern, path) and (best is None or _specificity(pattern) > best[0]):
                best = (_specificity(pattern), name, pattern)
        if best is None:
            return None
        return Placement(best[1], f"kubernetes.clusters.{best[1]}.paths matches {path} ({best[2]})")

    def place(self, path: str, own: str | None, namespace: tuple[str, str] | None) -> Placement:
        """``own``: the object's annotation; ``namespace``: (cluster, Namespace address) from its
        Namespace's annotation."""
        if own:
            return Placement(own, "annotation snclint.io/cluster")
        if namespace is not None:
            return Placement(namespace[0], f"annotation snclint.io/cluster on {namespace[1]}")
        found = self.by_path(path)
        if found is not None:
            return found
        if self.config.default:
            return Placement(self.config.default, "kubernetes.default")
        return Placement(None, UNPLACED_WHY)


def nearest(path: str, candidates: Sequence[str]) -> int:
    """Index of the candidate path sharing the most leading folders with ``path`` (first on a tie):
    which of several same-named Namespaces an object belongs to."""
    def shared(other: str) -> int:
        return len(os.path.commonprefix([_folders(path), _folders(other)]))
    scores = [shared(c) for c in candidates]
    return scores.index(max(scores))


def _folders(path: str) -> list[str]:
    return path.split("/")[:-1]


def distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
