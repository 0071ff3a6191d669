"""Declared hosting: what the team states about hosting that code cannot reveal, with its evidence.

OVHcloud Hosted Private Cloud SecNumCloud is driven by the ordinary vSphere provider, Bare Metal
Pod SecNumCloud by OpenStack APIs: nothing in the code tells them from the unqualified offers. A
config entry (``declared_hosting``) names a provider configuration, a URL host or a path, the
hosting behind it, and the evidence the team holds (contract, attestation, date). A Terraform
resource it matches takes that hosting instead of the recognised one; the finding and every
report show it as declared, with the evidence.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

from linter.config import DeclaredHosting
from linter.globs import glob_match
from linter.model import Declaration, Fragment, HostingClue, Node, ProviderConfig


def declare(fragments: Iterable[Fragment], entries: tuple[DeclaredHosting, ...], config_file: str) -> list[Fragment]:
    """The fragments, with the hosting clue of each Terraform node a declaration matches replaced."""
    if not entries:
        return list(fragments)
    out = []
    for fragment in fragments:
        nodes = tuple(_declared(node, entries, config_file) for node in fragment.nodes)
        out.append(replace(fragment, nodes=nodes))
    return out


def _declared(node: Node, entries: tuple[DeclaredHosting, ...], config_file: str) -> Node:
    clue = node.hosting
    if clue is None or (clue.provider is None and not clue.alternatives):
        return node
    config = clue.provider
    for entry in entries:
        if _matches(entry, node, config):
            where = f"declared_hosting[{entry.index}] of {config_file}"
            evidence = "; ".join(f"{key} {value}" for key, value in entry.evidence.items())
            date = entry.evidence_date.isoformat() if entry.evidence_date else None
            declared = HostingClue(declared=dict(entry.hosting), why=where,
                                   declaration=Declaration(where=where, evidence=evidence, date=date,
                                                           attested="attestation" in entry.evidence))
            return replace(node, hosting=declared)
    return node


def _matches(entry: DeclaredHosting, node: Node, config: ProviderConfig | None) -> bool:
    checks = []
    if entry.provider_configs:
        checks.append(config is not None and any(glob_match(p, config.address) for p in entry.provider_configs))
    if entry.roots:
        checks.append(node.root is not None and any(glob_match(p, node.root) for p in entry.roots))
    if entry.hosts:
        hosts = set(_hosts(config.attributes)) if config is not None else set()
        checks.append(any(glob_match(p.casefold(), h) for p in entry.hosts for h in hosts))
    if entry.paths:
        checks.append(any(glob_match(p, node.location.file) for p in entry.paths))
    return bool(checks) and all(checks)


def _hosts(value: Any) -> Iterator[str]:
    """The host of every string in a provider configuration that reads as a URL or a host name."""
    if isinstance(value, str):
        text = value.strip()
        try:
            host = urlsplit(text if "//" in text else f"//{text}").hostname
        except ValueError:  # not a URL (an unbalanced "[")
            host = None
        if host and "." in host:
            yield host.casefold()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _hosts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _hosts(item)
