"""Classification of each node and its propagation along the graph (docs/architecture.md#classification,
docs/architecture.md#graph).

A node's own tags decide first (a resource's tags over the provider's ``default_tags``, an
object's labels over its Namespace's); an unevaluable value is *unknown* and a value outside the
vocabulary is *invalid* — neither ever reads as "not sensitive". Sensitivity then flows along
data-flow edges (to replicas, backups, snapshots, exports, copies) and from a datastore to the
workloads that mount or use it.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx

from linter.knowledge import Vocabulary, normalise
from linter.model import DATA_FLOWS, Location, Node, NodeKind, Relation, Tag, is_unknown
from linter.secrets import shown

# tags from the object itself win over inherited ones
_SOURCE_RANK = {"default_tags": 1}
_INHERITED_PREFIX = "namespace"
WORKLOAD_LINKS = frozenset({Relation.MOUNTS, Relation.USES})


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """A node's own classification, read from its tags: its status, level and the tag that gave it."""

    status: str  # classified | unclassified | unknown | invalid
    level: str | None = None
    tag: Tag | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """How sensitivity reached a node: from ``source`` along ``relation`` (edge at ``location``)."""

    source: str
    relation: Relation
    location: Location


def bare_key(key: str) -> str:
    """``example.org/data-sensitivity`` counts as ``data-sensitivity``."""
    return normalise(key.rsplit("/", 1)[-1])


def _rank(tag: Tag) -> int:
    if tag.source.startswith(_INHERITED_PREFIX):
        return 2
    return _SOURCE_RANK.get(tag.source, 0)


def inherited(tag: Tag) -> bool:
    """Whether a tag came from elsewhere (provider ``default_tags``, a Namespace) rather than the
    object itself."""
    return _rank(tag) > 0


# the last vocabulary's keys and values as tags are compared with them (``_compared``)
_COMPARED: list[tuple[Vocabulary, frozenset[str], dict[str, str]]] = []


def _compared(vocabulary: Vocabulary) -> tuple[frozenset[str], dict[str, str]]:
    """The vocabulary's keys, and its values to their level, ``normalise``d: made once for a scan's
    vocabulary, not for each of its nodes (30,000 on a large estate)."""
    if not _COMPARED or _COMPARED[0][0] is not vocabulary:
        keys = frozenset(normalise(k) for k in vocabulary.keys)
        values = {normalise(v): level for level, vs in vocabulary.levels.items() for v in vs}
        _COMPARED[:] = [(vocabulary, keys, values)]
    return _COMPARED[0][1], _COMPARED[0][2]


def classify(node: Node, vocabulary: Vocabulary) -> Classification:
    keys, values = _compared(vocabulary)
    candidates = sorted((t for t in node.tags if t.key != "*" and bare_key(t.key) in keys), key=_rank)
    if not candidates:
        wholesale = next((t for t in node.tags if t.key == "*" and is_unknown(t.value)), None)
        if wholesale is not None:
            return Classification(status="unknown", tag=wholesale,
                                  detail=f"the tags could not be evaluated: {wholesale.value.reason}")
        return Classification(status="unclassified")
    best_rank = _rank(candidates[0])
    own_unknown = next((t for t in node.tags if t.key == "*" and is_unknown(t.value) and _rank(t) < best_rank), None)
    def strictness(tag: Tag) -> int:
        """Tags of equal rank may disagree (two keys, or the default tags of every configuration an
        opaque module may use): a level requiring SecNumCloud first, then what cannot be read."""
        if is_unknown(tag.value):
            return 2
        level = values.get(normalise(str(tag.value)))
        return 0 if level in vocabulary.requires_secnumcloud else 1 if level is None else 3

    for tag in sorted((t for t in candidates if _rank(t) == best_rank), key=strictness):
        if is_unknown(tag.value):
            return Classification(status="unknown", tag=tag,
                                  detail=f"{tag.key} could not be evaluated: {tag.value.reason}")
        level = values.get(normalise(str(tag.value)))
        if level is None:
            return Classification(status="invalid", tag=tag,
                                  detail=f"{tag.key} = {shown(tag.value)} is not a known level")
        if own_unknown is not None and level not in vocabulary.requires_secnumcloud:
            # the object's own tags could not be evaluated and may override the inherited level:
            # only an inherited level that already requires SecNumCloud is safe to keep
            return Classification(status="unknown", tag=own_unknown,
                                  detail=f"the tags could not be evaluated ({own_unknown.value.reason}) and may "
                                         f"override {tag.key} = {tag.value} ({tag.source})")
        return Classification(status="classified", level=level, tag=tag)
    return Classification(status="unclassified")  # pragma: no cover - candidates is never empty here


def propagate(graph: nx.MultiDiGraph, seeds: dict[str, str]) -> dict[str, tuple[str, list[Step]]]:
    """From the nodes classified at a level that requires SecNumCloud (``seeds``: key → level) to
    every node their data reaches; value: (level, the steps from the seed, in order)."""
    reached: dict[str, tuple[str, list[Step]]] = {k: (lvl, []) for k, lvl in seeds.items()}
    queue = deque(seeds)
    while queue:
        current = queue.popleft()
        level, path = reached[current]
        for nxt, relation, location in _spreads(graph, current):
            if nxt in reached:
                continue
            reached[nxt] = (level, [*path, Step(source=current, relation=relation, location=location)])
            queue.append(nxt)
    return reached


def _spreads(graph: nx.MultiDiGraph, key: str) -> list[tuple[str, Relation, Location]]:
    out: list[tuple[str, Relation, Location]] = []
    for _, target, data in graph.out_edges(key, data=True):
        if data["relation"] in DATA_FLOWS:
            out.append((target, data["relation"], data["location"]))
    for source, _, data in graph.in_edges(key, data=True):
        relation = data["relation"]
        src_node: Node = graph.nodes[source]["node"]
        if relation in WORKLOAD_LINKS and src_node.kind == NodeKind.COMPUTE:
            out.append((source, relation, data["location"]))
    return out
