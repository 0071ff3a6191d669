"""References → edges: a data-flow edge where ``policies/flows.yaml`` says the attribute carries
data (a replica's source, a snapshot's volume, a replication destination), else ``references``.

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


@dataclass(frozen=True, slots=True, kw_only=True)
class UnresolvedFlow:
    source: str  # node key of the data's source
    relation: Relation
    attribute: str
    location: Location


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
        node: Node = data["node"]
        refs = [r for r in node.references if r.target in graph and r.target != key]
        rules = flows.get(node.type, [])
        used: set[int] = set()
        for rule in rules:
            targets = [r for r in refs if _covers(rule.attribute, r.attribute)]
            used.update(id(r) for r in targets)
            if rule.from_attribute:
                sources = [r for r in refs if _covers(rule.from_attribute, r.attribute)]
                used.update(id(r) for r in sources)
                for src in sources:
                    for dst in targets:
                        _edge(graph, src.target, dst.target, Relation(rule.relation), dst)
                    if not targets and _has_value(node.attributes, rule.attribute):
                        unresolved.append(_unresolved(src.target, rule, node))
            elif rule.direction == "to-target":
                for dst in targets:
                    _edge(graph, key, dst.target, Relation(rule.relation), dst)
                if not targets and _has_value(node.attributes, rule.attribute):
                    unresolved.append(_unresolved(key, rule, node))
            else:
                for src in targets:
                    _edge(graph, src.target, key, Relation(rule.relation), src)
        for ref in refs:
            if id(ref) not in used:
                _edge(graph, key, ref.target, Relation.REFERENCES, ref)
    return unresolved


def _edge(graph: nx.MultiDiGraph, source: str, target: str, relation: Relation, ref: Reference) -> None:
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
