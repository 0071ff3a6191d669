"""One plan → graph nodes: every managed resource instance of ``planned_values``.

Addresses stay expanded (``aws_db_instance.main[0]``, ``module.app["eu"].aws_s3_bucket.logs``);
attributes are the planned values (``Unknown`` where known only after apply); tags come from the
type's tag paths and from the provider-merged ``tags_all``; hosting from the provider
configuration the resource really uses; references are rebuilt from the configuration. Data
sources are read, not created: they are not nodes.

An attribute the configuration does not set and the provider computes at apply (an S3 bucket's
``region``, a database's ``availability_zone``) is left out of the attributes, as in HCL mode:
hosting then takes the provider's region, which is what the provider will use, instead of an
Unknown that would hide it. An attribute the configuration sets stays Unknown when its value is.

A plan carries no comments, hence no suppressions of its own: a node gets the inline suppressions
of the Terraform block it comes from when that block is scanned too (see ``supersede``).
"""
from __future__ import annotations

import posixpath
from typing import Any, Mapping

from linter.knowledge import Knowledge
from linter.loaders.plan import PlanFile, PlanResource
from linter.loaders.plan_config import ConfigModule, ConfigResource
from linter.model import HostingClue, Location, Node, Reference, is_unknown
from linter.terraform.object_namespace import metadata_namespace
from linter.terraform.plan.addresses import Address, parse
from linter.terraform.plan.expressions import walk
from linter.terraform.plan.providers import ProviderResolver
from linter.terraform.plan.references import Instance, ReferenceResolver
from linter.terraform.plan.tags import plan_tags


def config_modules(root: ConfigModule | None) -> dict[tuple[str, ...], ConfigModule]:
    """Every module of the configuration by its path of call names (``()`` for the root)."""
    out: dict[tuple[str, ...], ConfigModule] = {}
    stack: list[tuple[tuple[str, ...], ConfigModule]] = [((), root)] if root is not None else []
    while stack:
        path, module = stack.pop()
        out[path] = module
        stack.extend((path + (name,), call.module) for name, call in module.module_calls.items())
    return out


def plan_nodes(plan: PlanFile, scope: str, knowledge: Knowledge) -> list[Node]:
    configs = config_modules(plan.root)
    managed: list[tuple[PlanResource, Address]] = []
    for resource in plan.resources:
        address = parse(resource.address)
        if resource.mode == "managed" and address is not None:
            managed.append((resource, address))
    instances: dict[Instance, dict[str, list[tuple[str | None, str]]]] = {}
    for resource, address in managed:
        instances.setdefault(address.module, {}).setdefault(address.base, []).append(
            (address.key, node_key(scope, resource.address)))
    resolver = ReferenceResolver(configs, instances)
    providers = ProviderResolver(plan, knowledge)
    nodes = []
    for resource, address in managed:
        module = configs.get(address.module_path)
        config = module.resources.get(address.base) if module is not None else None
        nodes.append(_node(plan, resource, address, config, scope, knowledge, resolver, providers))
    return nodes


def node_key(scope: str, address: str) -> str:
    return f"{scope}::{address}"


def _node(plan: PlanFile, resource: PlanResource, address: Address, config: ConfigResource | None,
          scope: str, knowledge: Knowledge, resolver: ReferenceResolver,
          providers: ProviderResolver) -> Node:
    location = Location(plan.path, resource.line)
    notes: list[str] = []
    provider, note = providers.config(config.provider_config_key if config else "", resource.provider_name)
    if config is None and plan.root is not None:
        notes.append(f"{address.unexpanded} is not in the plan's configuration: its provider settings and"
                     " references are not known")
    elif note:
        notes.append(note)
    attributes = _attributes(resource.values, config)
    return Node(
        key=node_key(scope, resource.address), address=resource.address, type=resource.type,
        kind=knowledge.kind_of(resource.type), origin="plan", location=location, scope=scope,
        root=posixpath.dirname(plan.path) or ".", namespace=metadata_namespace(attributes),
        tags=plan_tags(resource.values, knowledge.tag_paths(resource.type), location), attributes=attributes,
        hosting=HostingClue(provider=provider, why=f"provider configuration in {plan.path}"),
        references=_references(config, address, resolver, location), notes=tuple(notes),
    )


def _attributes(values: Mapping[str, Any], config: ConfigResource | None) -> Mapping[str, Any]:
    if config is None:
        return values
    return {name: value for name, value in values.items()
            if name in config.expressions or not is_unknown(value)}


def _references(config: ConfigResource | None, address: Address, resolver: ReferenceResolver,
                location: Location) -> tuple[Reference, ...]:
    if config is None:
        return ()
    out: dict[tuple[str, str], Reference] = {}
    for attribute, refs in walk(config.expressions):
        for target in resolver.targets(refs, address.module):
            out.setdefault((attribute, target), Reference(attribute=attribute, target=target, location=location))
    return tuple(out.values())
