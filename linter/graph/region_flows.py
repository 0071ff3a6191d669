"""Region-valued flows: settings that send a resource's data to a region, not to another resource.

An OVHcloud managed database's ``backup_regions``, a Cosmos DB account's ``geo_location``, an
Azure storage account whose ``account_replication_type`` is geo-redundant (its paired region), a
Scaleway database whose back-ups leave its region (``backup_same_region = false``): the copy is
not a resource of the scan, so the flow is an edge from the resource to the hosting of the same
provider and offer in the destination region, as ``policies/flows.yaml`` says (``value``). A
destination region that cannot be told (an unknown value, a region missing from ``pairs``) is an
unresolved flow when the qualification depends on it: SNC006, never silence.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import networkx as nx

from linter.graph.flows import UnresolvedFlow
from linter.graph.hosting import UNDETERMINED, assess
from linter.graph.recognise import normalise_region, values_at
from linter.knowledge import FlowRule, Knowledge
from linter.model import Hosting, Node, Relation, Unknown, is_unknown
from linter.policy_regex import compiled


def region_rules(flows: Iterable[FlowRule]) -> dict[str, list[FlowRule]]:
    index: dict[str, list[FlowRule]] = {}
    for rule in flows:
        if rule.value != "reference":
            index.setdefault(rule.type, []).append(rule)
    return index


RegionFlow = tuple[str, Hosting, dict[str, Any]]  # (source node key, destination hosting, edge data)


def region_flows(graph: nx.MultiDiGraph, knowledge: Knowledge,
                 today: date | None) -> tuple[list[RegionFlow], list[UnresolvedFlow]]:
    """The flows from each resource with a region-valued setting to the hosting its copies land
    on, and those whose destination cannot be told."""
    rules = region_rules(knowledge.flows)
    found: list[RegionFlow] = []
    unresolved: list[UnresolvedFlow] = []
    for key, data in list(graph.nodes(data=True)):
        node: Node = data["node"]
        hosting: Hosting | None = data.get("hosting")
        if hosting is None or hosting.provider is None or not rules.get(node.type):
            continue
        for rule in rules[node.type]:
            for value, region in _destinations(rule, node, hosting, knowledge):
                where = f"{rule.attribute} = {value}"
                if isinstance(region, Unknown):
                    unresolved.append(_unresolved(key, rule, node, f"{where}: {region.reason}"))
                    continue
                if region is not None and hosting.region and region.casefold() == hosting.region.casefold():
                    continue  # a copy in the resource's own region: its own hosting
                target = _hosting(hosting, region, knowledge, today)
                if target.qualification == UNDETERMINED:
                    unresolved.append(_unresolved(key, rule, node, f"{where}: {target.evidence}"))
                    continue
                found.append((key, target, {"relation": Relation(rule.relation), "location": node.location,
                                            "attribute": rule.attribute, "destination": _words(rule, value, region),
                                            "evidence": target.evidence}))
    return found, unresolved


def _destinations(rule: FlowRule, node: Node, hosting: Hosting,
                  knowledge: Knowledge) -> list[tuple[Any, str | Unknown | None]]:
    """(the attribute's value, the destination region: a name, Unknown, or None for "another
    region the setting does not name") for each value that makes the flow apply."""
    out: list[tuple[Any, str | Unknown | None]] = []
    for value in values_at(node.attributes, rule.attribute):
        if is_unknown(value):
            out.append((value, Unknown(f"{rule.attribute} could not be evaluated ({value.reason})")))
            continue
        if not _applies(rule, value):
            continue
        if rule.value == "region":
            out.append((value, normalise_region(str(value), hosting.provider or "", knowledge)))
        elif rule.value == "paired-region":
            pair = rule.pairs.get((hosting.region or "").casefold()) if hosting.region else None
            out.append((value, pair if pair else None))
        else:
            out.append((value, None))
    return out


def _applies(rule: FlowRule, value: Any) -> bool:
    when = rule.when
    if not when:
        return True
    if "equals" in when:
        expected = when["equals"]
        return value == expected if isinstance(expected, bool) else str(value).casefold() == str(expected).casefold()
    return compiled(when["pattern"]).fullmatch(str(value)) is not None


def _hosting(source: Hosting, region: str | None, knowledge: Knowledge, today: date | None) -> Hosting:
    qualification, reason, words, fact = assess(source.provider, source.offer, region, knowledge, today)
    return Hosting(provider=source.provider, offer=source.offer, region=region, qualification=qualification,
                   reason=reason, fact=fact,
                   evidence=f"same provider and offer as its source ({source.provider}"
                            f"{', ' + source.offer if source.offer else ''}), "
                            f"{'region ' + region if region else 'a region the setting does not name'}; {words}")


def _words(rule: FlowRule, value: Any, region: str | None) -> str:
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    if rule.value == "region":
        return f"region {region} ({rule.attribute} = {shown})"
    if rule.value == "paired-region":
        return (f"the paired region {region}" if region else "the paired region") + f" ({rule.attribute} = {shown})"
    return f"another region ({rule.attribute} = {shown})"


def _unresolved(key: str, rule: FlowRule, node: Node, why: str) -> UnresolvedFlow:
    return UnresolvedFlow(source=key, relation=Relation(rule.relation), attribute=rule.attribute,
                          location=node.location, why=why)
