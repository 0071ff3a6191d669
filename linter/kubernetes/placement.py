"""Which cluster a manifest runs on (docs/kubernetes.md, "Placement").

First match wins: the ``snclint.io/cluster`` annotation on the object, then on its Namespace,
then ``kubernetes.clusters.<name>.paths`` (globs on the manifest's path, the most specific
pattern winning), then ``kubernetes.default``. What matched is kept as the reason, for the
evidence of a finding.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Sequence

from linter.config import KubernetesConfig
from linter.globs import glob_match


@dataclass(frozen=True, slots=True)
class Placement:
    """The cluster an object runs on (None: not placed), and why."""

    cluster: str | None
    why: str


UNPLACED_WHY = ("not placed: no snclint.io/cluster annotation, no kubernetes.clusters.*.paths "
                "pattern matches its file, and no kubernetes.default")


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
