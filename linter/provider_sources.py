"""Provider source addresses as the knowledge says them, for every frontend and the graph.

A provider is known by its source address without the registry host (``hashicorp/aws``, not
``registry.terraform.io/hashicorp/aws``). Which hosts are registries is knowledge
(``recognition.yaml`` ``terraform.registry_hosts``), so a host a user pack adds is honoured by the
Terraform and plan frontends, the Kubernetes frontend's Terraform objects and hosting recognition
alike. Also here, for the same readers: the source a bare provider name means and which providers
talk to a Kubernetes cluster.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from linter.knowledge import Knowledge, per_knowledge
from linter.policy_files import document, shipped_document

CLUSTER_KIND = "terraform-kubernetes"


@per_knowledge
def terraform_recognition(knowledge: Knowledge) -> Mapping[str, Any]:
    """The ``terraform`` section of recognition knowledge (empty when absent)."""
    section = knowledge.recognition.get("terraform") if isinstance(knowledge.recognition, Mapping) else None
    return section if isinstance(section, Mapping) else {}


@per_knowledge
def registry_hosts(knowledge: Knowledge) -> tuple[str, ...]:
    """The hosts a provider source may start with and still mean the public registry's name."""
    hosts = terraform_recognition(knowledge).get("registry_hosts") or ()
    return tuple(h.strip().lower().rstrip("/") for h in hosts if isinstance(h, str) and h.strip())


def normalise_provider_source(source: str, knowledge: Knowledge) -> str:
    """``registry.terraform.io/hashicorp/aws`` → ``hashicorp/aws`` (lower case); the hosts that are
    not registries in the knowledge are kept."""
    return _normalise(source, registry_hosts(knowledge))


def _normalise(source: str, hosts: tuple[str, ...]) -> str:
    lowered = source.strip().lower()
    for host in hosts:
        if lowered.startswith(host + "/"):
            return lowered[len(host) + 1:]
    return lowered


def implicit_source(knowledge: Knowledge, name: str) -> str:
    """The source of a provider name no ``required_providers`` declares."""
    sources = terraform_recognition(knowledge).get("implicit_sources")
    found = sources.get(name) if isinstance(sources, Mapping) else None
    return normalise_provider_source(found, knowledge) if isinstance(found, str) else f"hashicorp/{name}"


@per_knowledge
def cluster_clients(knowledge: Knowledge) -> Mapping[str, tuple[str, ...]]:
    """Provider source → attribute paths naming the cluster: the ``terraform-kubernetes`` files
    (shipped, then user packs'), merged by that kind's rule (``linter.policy_kinds``)."""
    hosts = registry_hosts(knowledge)
    if not knowledge.packs.get(CLUSTER_KIND):
        return _shipped_table(hosts)
    return _table(document(knowledge, CLUSTER_KIND), hosts)


@functools.cache
def _shipped_table(hosts: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return _table(shipped_document(CLUSTER_KIND), hosts)


def _table(data: Mapping[str, Any], hosts: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for client in data.get("cluster_clients") or ():
        for source in client.get("sources") or ():
            table[_normalise(source, hosts)] = tuple(client.get("attributes") or ())
    return table
