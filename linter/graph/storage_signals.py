"""Storage drivers as a second witness of where data lives (issue: CSI provisioners).

A claim placed on a cluster is hosted where the cluster is, but its storage class's CSI
provisioner names a cloud too. When the two disagree, the stricter outcome wins and the evidence
says why: an ``ebs.csi.aws.com`` claim on a cluster declared as Outscale is either Amazon EBS or a
pre-1.0 Outscale driver, and only a person can tell which.
"""
from __future__ import annotations

from datetime import date

import networkx as nx

from linter.graph.chains import hosting_chain
from linter.graph.hosting import UNDETERMINED, assess, csi_driver_provider
from linter.knowledge import Knowledge
from linter.model import Hosting, Node


def apply_storage_signals(graph: nx.MultiDiGraph, knowledge: Knowledge, today: date | None) -> None:
    for _key, data in list(graph.nodes(data=True)):
        node: Node = data["node"]
        driver = node.hosting.signals.get("csi_driver") if node.hosting else None
        if not driver or node.hosting is None or node.hosting.cluster is None:
            continue
        _hops, cluster_hosting = hosting_chain(graph, node.hosting.cluster)
        provider, note = csi_driver_provider(driver, knowledge)
        if provider is None or cluster_hosting is None or provider == cluster_hosting.provider:
            continue
        qualification, reason, words, fact = assess(provider, None, None, knowledge, today)
        if qualification == UNDETERMINED:  # no region on a storage class: fail closed here
            qualification, reason = "unknown", "qualification-unknown"
        if qualification == "qualified" or not cluster_hosting.qualified:
            continue  # the cluster's own outcome is already the stricter one
        data["hosting"] = Hosting(
            provider=provider, offer=None, region=None, qualification=qualification, reason=reason,
            evidence=(f"storage provisioner {driver} names {provider} ({note}), while cluster "
                      f"{node.cluster} is declared on {cluster_hosting.provider}: the stricter outcome is kept; "
                      f"{words}"),
            fact=fact,
        )
