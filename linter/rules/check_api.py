"""What every check reads: the graph, each node's classification and sensitivity, the problems."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

import networkx as nx

from linter.config import System
from linter.graph.chains import hosting_chain
from linter.graph.sensitivity import Classification, Step
from linter.graph.systems import SOURCE as SYSTEM_SOURCE
from linter.knowledge import Knowledge
from linter.model import Evidence, Hosting, Location, Node, NodeKind, Problem, Suppression


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """What a check found; the engine adds rule id, severity, fingerprint and suppression."""

    node_key: str | None
    address: str
    location: Location
    message: str
    cluster: str | None = None
    sensitivity: str | None = None
    hosting: Hosting | None = None
    evidence: tuple[Evidence, ...] = ()
    identity: str = ""  # what tells two matches of one rule on one address apart
    suppression: Suppression | None = None  # SNC007: the suppression it is about


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What every check is given: the graph, the knowledge, what the graph stage found, problems and suppressions."""

    graph: nx.MultiDiGraph
    knowledge: Knowledge
    classifications: dict[str, Classification]
    sensitive: dict[str, tuple[str, list[Step]]]  # node key → (level, steps from the tagged source)
    problems: tuple[Problem, ...]
    config_suppressions: tuple[tuple[str, str | None, Suppression], ...]  # (address, file, s)
    today: date
    systems: Mapping[str, System] = field(default_factory=dict)  # node key → the system it belongs to
    # the scan covered the config file's whole folder, so an exception that matches nothing is stale
    # (a pre-commit run on a few files, or a scan of one subfolder, cannot tell)
    whole_config_scope: bool = False
    # ``resources()`` sorted once: every check asks for it, the graph is complete when a context is made
    _resources: list[Node] = field(default_factory=list, init=False, repr=False, compare=False)

    def node(self, key: str) -> Node:
        return self.graph.nodes[key]["node"]  # type: ignore[no-any-return]

    def resources(self) -> list[Node]:
        """Every node a rule may speak of (not hosting nodes), in a stable order."""
        if not self._resources:
            nodes = (d["node"] for _, d in self.graph.nodes(data=True))
            self._resources.extend(sorted((n for n in nodes if n.kind != NodeKind.HOSTING), key=lambda n: n.key))
        return list(self._resources)  # the caller's own list

    def hosting_of(self, key: str) -> tuple[list[Evidence], Hosting | None]:
        hops, hosting = hosting_chain(self.graph, key)
        # each hop says why it holds (a cluster placement: which config path or annotation)
        sources = [key, *(k for k, _ in hops)][:len(hops)]
        whys = [self.node(k).hosting for k in sources]
        evidence = [Evidence(address=self.node(k).address, relation="hosted_on", file=loc.file or None,
                             line=loc.line or None, detail=why.why if why else "")
                    for (k, loc), why in zip(hops, whys, strict=True)]
        if hosting is not None:
            evidence.append(Evidence(address=hosting.key.removeprefix("hosting:"), relation="hosted_on",
                                     file=None, line=None, detail=hosting.evidence))
        return evidence, hosting

    def classification_evidence(self, key: str) -> list[Evidence]:
        cls = self.classifications.get(key)
        out: list[Evidence] = []
        if cls is not None and cls.tag is not None:
            tag = cls.tag
            value = tag.value if isinstance(tag.value, str) else "(not evaluated)"
            detail = f"{tag.key} = {value} ({tag.source})" + (f": {cls.detail}" if cls.detail else "")
            out.append(Evidence(address=self.node(key).address, relation="classified",
                                file=tag.location.file, line=tag.location.line, detail=detail))
        system = self.systems.get(key)
        if system is not None and not (cls is not None and cls.tag is not None and cls.tag.source == SYSTEM_SOURCE):
            owner = f", owner {system.owner}" if system.owner else ""
            out.append(Evidence(address=f"system {system.name}", relation="member_of", file=system.location.file,
                                line=system.location.line, detail=f"level {system.level}{owner}"))
        return out

    def settings_evidence(self, key: str) -> list[Evidence]:
        """The sub-settings of a data store (bucket policy, versioning…: knowledge ``setting_of``)
        that name it: evidence of its finding, never findings of their own."""
        out = []
        for source, _, data in self.graph.in_edges(key, data=True):
            node = self.node(source)
            info = self.knowledge.types.get(node.type)
            attribute = data.get("attribute") or ""
            if info is None or info.setting_of is None or attribute.split(".")[0] != info.setting_of:
                continue
            evidence = Evidence(address=node.address, relation="configures", file=node.location.file,
                                line=node.location.line, detail=f"{node.type} of this data store")
            if evidence not in out:
                out.append(evidence)
        return sorted(out, key=lambda e: (e.file or "", e.line or 0))
