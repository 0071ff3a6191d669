"""Builders shared by the tests: small nodes, knowledge and contexts made by hand."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import networkx as nx

from linter.graph.sensitivity import classify, propagate
from linter.knowledge import Catalog, Knowledge, Vocabulary
from linter.model import Edge, Hosting, Location, Node, NodeKind, RuleInfo, Tag
from linter.policy_files import load_knowledge
from linter.rules.check_api import Context

VOCABULARY = Vocabulary(
    keys=("data_sensitivity", "data-sensitivity", "sensitivity", "sensibilite"),
    levels={"particuliere": ("particuliere", "particulière", "dsp"), "standard": ("standard", "public")},
    requires_secnumcloud=frozenset({"particuliere"}),
)

def rules() -> tuple[RuleInfo, ...]:
    """The shipped rules: the tests run the checks with the ids, severities and params users get."""
    return load_knowledge().rules


def knowledge() -> Knowledge:
    return Knowledge(types={}, default_tag_paths=("tags",), flows=(), catalog=Catalog(providers={}),
                     recognition={}, rules=rules(), vocabulary=VOCABULARY)


def node(address: str, *, kind: NodeKind = NodeKind.DATASTORE, line: int = 1, file: str = "main.tf",
         tags: dict[str, Any] | None = None, **extra: Any) -> Node:
    loc = Location(file, line)
    return Node(key=f".::{address}", address=address, type=address.split(".")[0], kind=kind,
                origin="terraform", location=loc, scope=".",
                tags=tuple(Tag(key=k, value=v, location=loc) for k, v in (tags or {}).items()), **extra)


def hosting(qualified: bool, provider: str = "aws", region: str = "eu-west-3") -> Hosting:
    return Hosting(provider=provider, offer=None, region=region,
                   qualification="qualified" if qualified else "not-qualified",
                   reason=None if qualified else "provider-not-qualified")


def context(nodes: Iterable[Node], edges: Iterable[Edge] = (), hostings: dict[str, Hosting] | None = None,
            today: date = date(2026, 11, 29)) -> Context:
    graph = nx.MultiDiGraph()
    for n in nodes:
        graph.add_node(n.key, node=n)
    for e in edges:
        graph.add_edge(e.source, e.target, relation=e.relation, location=e.location, attribute=e.attribute)
    for key, h in (hostings or {}).items():
        graph.nodes[key]["hosting"] = h
    kn = knowledge()
    classifications = {k: classify(d["node"], VOCABULARY) for k, d in graph.nodes(data=True)}
    seeds = {k: c.level for k, c in classifications.items()
             if c.status == "classified" and c.level in VOCABULARY.requires_secnumcloud}
    return Context(graph=graph, knowledge=kn, classifications=classifications,
                   sensitive=propagate(graph, seeds), problems=(), config_suppressions=(), today=today)
