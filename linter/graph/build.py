"""Fragments → one ``networkx.MultiDiGraph`` per scan (docs/architecture.md#graph).

The single place where frontends' nodes, edges and references become a graph: references become
data-flow edges when ``policies/flows.yaml`` says so (``graph.flows``), hosting clues become
``hosted_on`` edges to hosting nodes, and config clusters that name a Terraform resource are tied
to it.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Iterable, TypeAlias

import networkx as nx

from linter.graph.flows import UnresolvedFlow, add_reference_edges, index_flows
from linter.graph.hosting import UNDETERMINED, HostingMemo, resolve_destination, resolve_hosting
from linter.graph.region_flows import region_flows
from linter.graph.storage_signals import apply_storage_signals
from linter.knowledge import Knowledge
from linter.model import (
    Destination,
    Edge,
    Fragment,
    HostAddress,
    Hosting,
    HostingClue,
    Location,
    Node,
    NodeKind,
    Problem,
    ProblemKind,
    Relation,
)

Graph: TypeAlias = nx.MultiDiGraph


def build_graph(fragments: Iterable[Fragment], knowledge: Knowledge,
                today: date | None = None) -> tuple[Graph, list[Problem]]:
    """Every node keyed by ``Node.key``; node data ``node`` (the Node) and, once resolved,
    ``hosting`` (a Hosting, on the node that the clue resolved for)."""
    graph: Graph = nx.MultiDiGraph()
    edges: list[Edge] = []
    problems: list[Problem] = []
    fragments = list(fragments)
    replaced = {key for fragment in fragments for key in fragment.replaces}
    for fragment in fragments:
        for node in fragment.nodes:
            if node.key in replaced and node.key not in fragment.replaces:
                continue  # superseded by another fragment (a plan over its own Terraform files)
            graph.add_node(node.key, node=node)
        edges.extend(fragment.edges)
    for edge in edges:
        if edge.source in graph and edge.target in graph:
            _add_edge(graph, edge)
    references = (f for f in knowledge.flows if f.value == "reference")
    graph.graph["unresolved_flows"] = add_reference_edges(graph, index_flows(references))
    _attach_hosting(graph, knowledge, problems, today)
    graph.graph["unresolved_flows"] += _attach_egress(graph, knowledge, today)
    flows, unresolved = region_flows(graph, knowledge, today)
    for source, hosting, data in flows:
        _add_hosting_node(graph, hosting)
        graph.add_edge(source, hosting.key, **data)
    graph.graph["unresolved_flows"] += unresolved
    apply_storage_signals(graph, knowledge, today)
    return graph, problems


def _add_edge(graph: Graph, edge: Edge) -> None:
    graph.add_edge(edge.source, edge.target, relation=edge.relation, location=edge.location,
                   attribute=edge.attribute)


def _attach_hosting(graph: Graph, knowledge: Knowledge, problems: list[Problem], today: date | None) -> None:
    by_address: dict[str, list[str]] = {}
    for key, data in graph.nodes(data=True):
        by_address.setdefault(data["node"].address, []).append(key)
    # the resources of one provider configuration resolve to equal hostings: one object for them
    # all, not one (with its evidence sentence and catalogue fact) per resource
    shared: dict[tuple[Hosting, object, object], Hosting] = {}
    # the memo gives one object to the resources resolving alike: hashed once (each kept alive here,
    # so that no other takes its id)
    seen: dict[int, tuple[Hosting, Hosting]] = {}

    def one(hosting: Hosting) -> Hosting:
        found = seen.get(id(hosting))
        if found is None:
            found = seen[id(hosting)] = (hosting, shared.setdefault((hosting, hosting.fact, hosting.declared), hosting))
        return found[1]

    memo = HostingMemo(knowledge, today)

    for key, data in list(graph.nodes(data=True)):
        node: Node = data["node"]
        clue = node.hosting
        if clue is None:
            continue
        if clue.destination is not None:
            hosting, why = _destination(graph, clue.destination, knowledge, today)
            if hosting is not None:
                data["hosting"] = one(hosting)
                _add_edge(graph, Edge(source=key, target=hosting.key, relation=Relation.HOSTED_ON,
                                      location=node.location))
                continue
            if why is not None:  # the storage it stands for cannot be told: hosting undetermined
                data["hosting_why"] = f"the storage it stands for cannot be told ({why})"
                continue
        if clue.cluster is not None:
            if clue.cluster in graph and clue.cluster != key:
                _add_edge(graph, Edge(source=key, target=clue.cluster, relation=Relation.HOSTED_ON,
                                      location=node.location))
            continue
        if clue.host_address is not None:
            target = _addressed_host(graph, by_address, clue.host_address, node, problems)
            if target is not None:
                _add_edge(graph, Edge(source=key, target=target, relation=Relation.HOSTED_ON,
                                      location=node.location))
            continue
        hosting, undetermined = _resolve(clue, node, knowledge, today, memo)
        if hosting is None:
            if undetermined:
                data["hosting_why"] = undetermined
            continue
        data["hosting"] = one(hosting)
        _add_hosting_node(graph, hosting)
        where = clue.provider.location if clue.provider and clue.provider.location else node.location
        _add_edge(graph, Edge(source=key, target=hosting.key, relation=Relation.HOSTED_ON, location=where))


def _attach_egress(graph: Graph, knowledge: Knowledge, today: date | None) -> list[UnresolvedFlow]:
    """Data flows to storage named by address (docs/architecture.md#graph): an edge to the hosting the destination
    is on; nothing when it is in the object's own cluster; unresolved when it cannot be told."""
    unresolved: list[UnresolvedFlow] = []
    for key, data in list(graph.nodes(data=True)):
        node: Node = data["node"]
        for egress in node.egress:
            hosting, why = _destination(graph, egress.destination, knowledge, today)
            if hosting is not None:
                graph.add_edge(key, hosting.key, relation=egress.relation, location=egress.location,
                               attribute=egress.attribute, destination=egress.destination.words(),
                               evidence=hosting.evidence)
            elif why is not None:
                where = f"{egress.location.file}:{egress.location.line}"
                unresolved.append(UnresolvedFlow(source=key, relation=egress.relation, attribute=egress.attribute,
                                                 location=node.location,
                                                 why=f"{egress.destination.words()} at {where}: {why}"))
    return unresolved


def _destination(graph: Graph, destination: Destination, knowledge: Knowledge,
                 today: date | None) -> tuple[Hosting | None, str | None]:
    """Storage named by address, for a node hosted there and for a flow to it alike: (its hosting,
    None), the hosting's node added to the graph; (None, why) when it cannot be told; (None, None)
    when it is in the object's own cluster (nothing to draw)."""
    hosting, place = resolve_destination(destination, knowledge, today)
    if hosting is not None:
        _add_hosting_node(graph, hosting)
        return hosting, None
    return None, None if place.in_cluster else place.why


def _resolve(clue: HostingClue, node: Node, knowledge: Knowledge, today: date | None,
             memo: HostingMemo) -> tuple[Hosting | None, str]:
    """The hosting of a clue, or None and why it cannot be determined (for SNC006): a provider
    whose qualification depends on a region that is unknown, or a module whose candidate provider
    configurations do not resolve to the same hosting."""
    if clue.provider is None and clue.declared is None and clue.cluster is None and not clue.signals:
        return None, clue.why
    hosting = resolve_hosting(clue, node.type, node.attributes, knowledge, today=today, memo=memo)
    if hosting is not None and hosting.qualification == UNDETERMINED:
        return None, hosting.evidence
    if not clue.alternatives:
        return hosting, ""
    found = [hosting, *(resolve_hosting(replace(clue, provider=alt, alternatives=()), node.type, node.attributes,
                                        knowledge, today=today, memo=memo) for alt in clue.alternatives)]
    configs = [c for c in (clue.provider, *clue.alternatives) if c is not None]
    facts = {_facts(h) for h in found}
    if len(facts) == 1 and hosting is not None:
        names = ", ".join(c.address for c in configs)
        return replace(hosting, evidence=f"{hosting.evidence}; the module's provider type is not known and "
                                         f"every configuration it inherits ({names}) resolves alike"), ""
    described = "; ".join(f"{c.address}: {_words(h)}" for c, h in zip(configs, found, strict=True))
    return None, (f"the module's provider type is not known and the configurations it inherits disagree "
                  f"({described}): declare its provider (policies kind: modules) or pass providers = {{}}")


def _facts(hosting: Hosting | None) -> tuple[str | None, ...]:
    if hosting is None:
        return (None,)
    return (hosting.provider, hosting.offer, hosting.region, hosting.qualification)


def _words(hosting: Hosting | None) -> str:
    if hosting is None or hosting.qualification == UNDETERMINED:
        return "hosting not determined"
    return " ".join(p for p in (hosting.provider, hosting.offer, hosting.region, hosting.qualification) if p)


def _add_hosting_node(graph: Graph, hosting: Hosting) -> None:
    if hosting.key in graph:
        return
    node = Node(key=hosting.key, address=hosting.key, type="hosting", kind=NodeKind.HOSTING,
                origin="catalog", location=Location("", 0), scope="hosting")
    graph.add_node(hosting.key, node=node, hosting=hosting)


def _addressed_host(graph: Graph, by_address: dict[str, list[str]], host: HostAddress,
                    node: Node, problems: list[Problem]) -> str | None:
    """The node of a root module a config cluster names (``terraform: module.k8s.x.y``, ``root:``)."""
    address, root = host.address, host.root or ""
    candidates = [k for k in by_address.get(address, ())
                  if graph.nodes[k]["node"].root is not None
                  and (not root or graph.nodes[k]["node"].scope.rstrip("/") == root.rstrip("/"))]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        why = f"names Terraform resource {address}, which this scan did not find"
    else:
        roots = ", ".join(sorted(graph.nodes[k]["node"].scope for k in candidates))
        why = f"names Terraform resource {address}, defined in several root modules ({roots}): add root:"
    problems.append(Problem(location=node.location, address=node.address, kind=ProblemKind.HOSTING_UNDETERMINED,
                            message=f"cluster {node.address} {why}"))
    return None
