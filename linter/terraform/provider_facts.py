"""What the frontend needs to know about providers, read from data under ``policies/``.

* ``recognition.yaml`` (the policies' file): the source a provider name means when
  ``required_providers`` does not say (``implicit_sources``), and where a provider configuration
  keeps tags for all its resources (``default_tags``: ``default_tags.tags`` for AWS);
* ``terraform-kubernetes.yaml`` (this frontend's file): which providers talk to a Kubernetes
  cluster and which of their attributes name it, so that ``kubernetes_*``/``helm_release``
  resources are hosted on the cluster resource, not on "the kubernetes provider".
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import yaml

from linter.errors import PolicyError
from linter.knowledge import Knowledge
from linter.loaders.ir import Body, Expr, ObjectExpr
from linter.model import NodeKind, ProviderConfig
from linter.terraform.definitions import literal_string
from linter.terraform.references import Target, targets_of
from linter.terraform.sources import normalise_provider_source

if TYPE_CHECKING:
    from linter.terraform.modules import RootContext

CLUSTER_KIND = "terraform-kubernetes"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def cluster_clients(knowledge: Knowledge) -> Mapping[str, tuple[str, ...]]:
    """Provider source → attribute paths naming the cluster. The ``terraform-kubernetes`` files of
    user policy directories (validated and merged by the policy loader) replace the shipped one."""
    extra = knowledge.extra.get(CLUSTER_KIND) if isinstance(knowledge.extra, Mapping) else None
    return _table(extra) if isinstance(extra, Mapping) else _shipped_table()


@functools.cache
def _shipped_table() -> dict[str, tuple[str, ...]]:
    return _table(shipped_clients())


@functools.cache
def shipped_clients() -> Mapping[str, Any]:
    """The shipped file, parsed once per process (its schema is checked by the test suite)."""
    text = (files("linter.policies") / f"{CLUSTER_KIND}.yaml").read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise PolicyError(f"policies/{CLUSTER_KIND}.yaml: not valid YAML: {error}") from None
    return data if isinstance(data, Mapping) else {}


def _table(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for client in data.get("cluster_clients") or ():
        for source in client.get("sources") or ():
            table[normalise_provider_source(source)] = tuple(client.get("attributes") or ())
    return table


def _terraform(knowledge: Knowledge) -> Mapping[str, Any]:
    section = knowledge.recognition.get("terraform") if isinstance(knowledge.recognition, Mapping) else None
    return section if isinstance(section, Mapping) else {}


def implicit_source(knowledge: Knowledge, name: str) -> str:
    """The source of a provider name no ``required_providers`` declares."""
    sources = _terraform(knowledge).get("implicit_sources")
    found = sources.get(name) if isinstance(sources, Mapping) else None
    return normalise_provider_source(found) if isinstance(found, str) else f"hashicorp/{name}"


def known_name(knowledge: Knowledge, name: str) -> bool:
    """Whether a provider local name is one recognition knows (``aws``, ``google``…)."""
    sources = _terraform(knowledge).get("implicit_sources")
    return isinstance(sources, Mapping) and name in sources


def hosts_data(knowledge: Knowledge, source: str | None) -> bool:
    """Whether resources of this provider can hold data where it runs: a provider that hosting
    recognition knows, not a cluster client (``kubernetes``, ``helm``: their objects run on a
    cluster another provider hosts) and not a utility (``random``, ``null``, ``tls``…)."""
    if not source:
        return False
    for entry in _terraform(knowledge).get("providers") or ():
        if not isinstance(entry, Mapping):
            continue
        sources = {normalise_provider_source(s) for s in entry.get("sources") or () if isinstance(s, str)}
        if source in sources:
            return not entry.get("cluster_client")
    return False


def default_tag_paths(knowledge: Knowledge, source: str | None) -> tuple[str, ...]:
    """Paths of a provider configuration whose tags apply to all its resources."""
    return _provider_paths(knowledge, source, "default_tags")


def resource_region_paths(knowledge: Knowledge, source: str | None) -> tuple[str, ...]:
    """Paths of a resource's own attributes that hosting recognition reads its region from."""
    return _provider_paths(knowledge, source, "resource_region_paths")


def _provider_paths(knowledge: Knowledge, source: str | None, key: str) -> tuple[str, ...]:
    if not source:
        return ()
    paths: list[str] = []
    for entry in _terraform(knowledge).get("providers") or ():
        if not isinstance(entry, Mapping):
            continue
        sources = {normalise_provider_source(s) for s in entry.get("sources") or () if isinstance(s, str)}
        found = entry.get(key)
        if source in sources and found:
            paths.extend([found] if isinstance(found, str) else [p for p in found if isinstance(p, str)])
    return tuple(dict.fromkeys(paths))


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
