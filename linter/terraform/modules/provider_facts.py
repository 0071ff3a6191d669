"""What the Terraform frontend needs to know about providers, read from ``recognition.yaml``.

Whether a provider local name is known, whether a provider hosts data, where a provider
configuration keeps tags for all its resources (``default_tags``: ``default_tags.tags`` for AWS),
and the cluster resources a Kubernetes-talking configuration names (which providers those are is
in ``linter.provider_sources``, shared with the Kubernetes frontend), so that
``kubernetes_*``/``helm_release`` resources are hosted on the cluster resource, not on "the
kubernetes provider".
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from linter.knowledge import Knowledge, derived, per_knowledge
from linter.loaders.ir import Body, Expr, ObjectExpr
from linter.model import NodeKind, ProviderConfig
from linter.provider_sources import cluster_clients, normalise_provider_source, terraform_recognition
from linter.terraform.language.literals import literal_string
from linter.terraform.modules.references import Target, targets_of

if TYPE_CHECKING:
    from linter.terraform.modules.tree import RootContext


def known_name(knowledge: Knowledge, name: str) -> bool:
    """Whether a provider local name is one recognition knows (``aws``, ``google``…)."""
    sources = terraform_recognition(knowledge).get("implicit_sources")
    return isinstance(sources, Mapping) and name in sources


def hosts_data(knowledge: Knowledge, source: str | None) -> bool:
    """Whether resources of this provider can hold data where it runs: a provider that hosting
    recognition knows, not a cluster client (``kubernetes``, ``helm``: their objects run on a
    cluster another provider hosts) and not a utility (``random``, ``null``, ``tls``…)."""
    entry = next(iter(_entries_of(knowledge, source)), None)
    return entry is not None and not entry.get("cluster_client")


def default_tag_paths(knowledge: Knowledge, source: str | None) -> tuple[str, ...]:
    """Paths of a provider configuration whose tags apply to all its resources."""
    return _provider_paths(knowledge, source, "default_tags")


def resource_region_paths(knowledge: Knowledge, source: str | None) -> tuple[str, ...]:
    """Paths of a resource's own attributes that hosting recognition reads its region from."""
    return _provider_paths(knowledge, source, "resource_region_paths")


def _provider_paths(knowledge: Knowledge, source: str | None, key: str) -> tuple[str, ...]:
    return derived(knowledge, (__name__, key, source), lambda: _paths_of(_entries_of(knowledge, source), key))


def _paths_of(entries: Iterable[Mapping[str, Any]], key: str) -> tuple[str, ...]:
    paths: list[str] = []
    for entry in entries:
        found = entry.get(key)
        if found:
            paths.extend([found] if isinstance(found, str) else [p for p in found if isinstance(p, str)])
    return tuple(dict.fromkeys(paths))


def _entries_of(knowledge: Knowledge, source: str | None) -> tuple[Mapping[str, Any], ...]:
    """The ``terraform.providers`` entries of recognition knowledge that list this source."""
    return _entries_by_source(knowledge).get(source, ()) if source else ()


@per_knowledge
def _entries_by_source(knowledge: Knowledge) -> dict[str, tuple[Mapping[str, Any], ...]]:
    """Normalised source → the ``terraform.providers`` entries listing it, in their order."""
    index: dict[str, list[Mapping[str, Any]]] = {}
    for entry in terraform_recognition(knowledge).get("providers") or ():
        if not isinstance(entry, Mapping):
            continue
        sources = {normalise_provider_source(s, knowledge) for s in entry.get("sources") or () if isinstance(s, str)}
        for source in sources:
            index.setdefault(source, []).append(entry)
    return {source: tuple(entries) for source, entries in index.items()}


def cluster_targets(config: ProviderConfig, ctx: RootContext) -> list[Target]:
    """The cluster resources a Kubernetes-talking provider configuration references."""
    paths = cluster_clients(ctx.knowledge).get(config.source or "")
    origin = ctx.provider_blocks.get(config.address)
    if not paths or origin is None:
        return []
    decl, inst = origin
    for path in paths:
        for expr in expressions_at(decl.block.body, path.split(".")):
            clusters = [t for t in targets_of(inst, expr, follow_data=True)
                        if ctx.knowledge.kind_of(t.kind_of) == NodeKind.CLUSTER]
            if clusters:
                return clusters
    return []


def expressions_at(body: Body, parts: list[str]) -> list[Expr]:
    """The expressions a dotted path names in a block body (through blocks and object values);
    a path that stops at a block gives every attribute expression inside it."""
    if not parts:
        return _all_expressions(body)
    head, rest = parts[0], parts[1:]
    attribute = body.attribute(head)
    if attribute is not None:
        expr: Expr = attribute.expr
        for part in rest:
            if not isinstance(expr, ObjectExpr):
                break
            found = next((v for k, v in expr.items if literal_string(k) == part), None)
            if found is None:
                return []
            expr = found
        return [expr]
    found_exprs: list[Expr] = []
    for block in body.blocks_of(head):
        found_exprs.extend(expressions_at(block.body, rest))
    return found_exprs


def _all_expressions(body: Body) -> list[Expr]:
    exprs: list[Expr] = [a.expr for a in body.attributes]
    for block in body.blocks:
        exprs.extend(_all_expressions(block.body))
    return exprs
