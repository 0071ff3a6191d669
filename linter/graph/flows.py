"""References → edges: a data-flow edge where ``policies/flows.yaml`` says the attribute carries
data (a replica's source, a snapshot's volume, a replication destination), else ``references``.

A rule's path may hop into the resource it references (``plan_id>rule.target_vault_name``: the
vault that the referenced backup plan names), so that a carrier which only points at another
carrier (a backup selection → its plan → the vault) ties the data to where it lands without the
plan becoming a hop; a step may name alternatives (``snapshot|source_disk``).

A flow whose destination is written as a value the scan cannot tie to a node (an ARN or a bucket
name in a variable) is recorded as *unresolved*, so that a sensitive source gets SNC006 instead
of silence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import networkx as nx

from linter.knowledge import FlowRule
from linter.model import Location, Node, Reference, Relation

HOP = ">"  # in a rule's path: follow the reference into the resource it names
EITHER = "|"  # in one step of a path: any of these attributes


@dataclass(frozen=True, slots=True, kw_only=True)
class UnresolvedFlow:
    """A data flow of a node whose destination could not be resolved to a node of the graph."""

    source: str  # node key of the data's source
    relation: Relation
    attribute: str
    location: Location
    why: str = ""  # why the destination cannot be told, when it is known


# one end of a rule's path: the node key reached, and the reference of the rule's own node that
# leads there (its location is the edge's)
End = tuple[str, Reference]


def index_flows(flows: Iterable[FlowRule]) -> dict[str, list[FlowRule]]:
    index: dict[str, list[FlowRule]] = {}
    for rule in flows:
        index.setdefault(rule.type, []).append(rule)
    return index


def _covers(rule_attribute: str, attribute: str) -> bool:
    return attribute == rule_attribute or attribute.startswith(rule_attribute + ".")


def add_reference_edges(graph: nx.MultiDiGraph, flows: dict[str, list[FlowRule]]) -> list[UnresolvedFlow]:
    unresolved: list[UnresolvedFlow] = []
    for key, data in list(graph.nodes(data=True)):
        used: set[int] = set()  # ids of the references a flow rule consumed
        for rule in flows.get(data["node"].type, []):
            unresolved.extend(_apply(graph, key, rule, used))
        for ref in _references(graph, key):
            if id(ref) not in used:
                _edge(graph, key, ref.target, Relation.REFERENCES, ref)
    return unresolved


def _apply(graph: nx.MultiDiGraph, key: str, rule: FlowRule, used: set[int]) -> list[UnresolvedFlow]:
    """The edges one rule draws from one node; the destinations it cannot resolve."""
    for path in filter(None, (rule.attribute, rule.from_attribute)):
        used.update(id(ref) for ref in _matching(graph, key, path.split(HOP)[0]))
    relation = Relation(rule.relation)
    ends, dangling = _follow(graph, key, rule.attribute.split(HOP))
    if rule.from_attribute:
        found, _ = _follow(graph, key, rule.from_attribute.split(HOP))
        senders = list(dict.fromkeys(source for source, _ in found))
    else:
        senders = [key] if rule.direction in ("to-target", "both") else []
        if rule.direction in ("from-target", "both"):
            for end, ref in ends:
                _edge(graph, end, key, relation, ref)
    for sender in senders:
        for end, ref in ends:
            _edge(graph, sender, end, relation, ref)
    node: Node = graph.nodes[key]["node"]
    return [_unresolved(sender, rule, node) for sender in senders] if dangling else []


def _references(graph: nx.MultiDiGraph, key: str) -> list[Reference]:
    node: Node = graph.nodes[key]["node"]
    return [r for r in node.references if r.target in graph and r.target != key]


def _follow(graph: nx.MultiDiGraph, key: str, hops: list[str]) -> tuple[list[End], bool]:
    """The nodes a path leads to from ``key``, and whether a step of it holds a value that no
    reference ties to a node (``dangling``: the flow goes somewhere the scan cannot see)."""
    attributes = graph.nodes[key]["node"].attributes
    refs = _matching(graph, key, hops[0])
    dangling = any(not any(_covers(alternative, r.attribute) for r in refs) and _has_value(attributes, alternative)
                   for alternative in hops[0].split(EITHER))
    if len(hops) == 1:
        return [(r.target, r) for r in refs], dangling
    ends: list[End] = []
    for ref in refs:
        further, lost = _follow(graph, ref.target, hops[1:])
        ends.extend((end, ref) for end, _ in further if (end, ref) not in ends)
        dangling = dangling or lost
    return ends, dangling


def _matching(graph: nx.MultiDiGraph, key: str, step: str) -> list[Reference]:
    """The references of ``key`` that one step of a path (``a|b``) names."""
    alternatives = step.split(EITHER)
    return [r for r in _references(graph, key) if any(_covers(a, r.attribute) for a in alternatives)]


def _edge(graph: nx.MultiDiGraph, source: str, target: str, relation: Relation, ref: Reference) -> None:
    if source != target:
        graph.add_edge(source, target, relation=relation, location=ref.location, attribute=ref.attribute)


def _unresolved(source: str, rule: FlowRule, node: Node) -> UnresolvedFlow:
    return UnresolvedFlow(source=source, relation=Relation(rule.relation), attribute=rule.attribute,
                          location=node.location)


def _has_value(attributes: Any, path: str) -> bool:
    """Whether the dotted ``path`` holds something (known or not) in nested dicts and block lists."""
    return any(v is not None and v != "" and v != [] for v in _lookup(attributes, path.split(".")))


def _lookup(value: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield value
        return
    if isinstance(value, list):
        for item in value:
            yield from _lookup(item, parts)
    elif isinstance(value, dict) and parts[0] in value:
        yield from _lookup(value[parts[0]], parts[1:])
