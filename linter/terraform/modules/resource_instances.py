"""One draft per resource instance (and per opaque module call instance) of a root module.

A draft is a node before instances are grouped (``instances_to_nodes``): it has both its expanded address
(``module.db["eu"].aws_db_instance.this``) and its unexpanded one, its evaluated attributes, its
tags (own, then the provider's ``default_tags``), its provider configuration and the references
of its expressions, kept as unexpanded targets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from linter.classification_tags import tags_of, values_at
from linter.knowledge import Knowledge, TypeInfo, derived
from linter.loaders.ir import Body, Expr
from linter.model import HOLDS_DATA, HostingClue, Location, NodeKind, ProviderConfig, Suppression, Tag
from linter.module_sources import module_key, module_type, named_provider
from linter.suppression_syntax import parse_suppression
from linter.terraform.modules.definitions import Decl
from linter.terraform.modules.expand import address_key, evaluate_body
from linter.terraform.modules.provider_facts import (
    cluster_targets,
    default_tag_paths,
    hosts_data,
    known_name,
    resource_region_paths,
)
from linter.terraform.modules.providers import providers_map
from linter.terraform.modules.references import Target, targets_of
from linter.terraform.modules.resources import ResourceEval
from linter.terraform.modules.tags import tags_at
from linter.terraform.modules.tree import CallResult, ModuleInstance

MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_NOT_REFERENCES = frozenset({"provider", "lifecycle", "providers", "source", "version"})  # of a module call
# of a resource: `source` and `version` are ordinary arguments there (a migration job's source)
_RESOURCE_NOT_REFERENCES = frozenset({"provider", "lifecycle"})


@dataclass(slots=True)
class Draft:
    base: str  # unexpanded address
    address: str  # expanded address
    module: str  # expanded address of the module instance holding it
    key: int | str | None
    type: str
    kind: NodeKind
    location: Location
    tags: tuple[Tag, ...]
    attributes: dict[str, Any]
    provider: ProviderConfig | None
    clusters: tuple[Target, ...]
    references: tuple[tuple[str, Target, Location], ...]
    suppressions: tuple[Suppression, ...]
    notes: tuple[str, ...] = ()
    region: tuple[Any, ...] = field(default=())
    alternatives: tuple[ProviderConfig, ...] = ()  # other configurations it may use (opaque modules)
    undetermined: str = ""  # why no provider configuration can be told, when there is none

    def signature(self) -> tuple[Any, ...]:
        """What instances must agree on to be one node."""
        return (self.tags, self.provider, self.alternatives, self.clusters, self.region)

    def clue(self, cluster: str | None) -> HostingClue | None:
        if self.provider is None:
            return HostingClue(why=self.undetermined) if self.undetermined else None
        return HostingClue(provider=self.provider, alternatives=self.alternatives, cluster=cluster,
                           why=f"provider configuration {self.provider.address}")


def walk(inst: ModuleInstance) -> Iterator[Draft]:
    """Every draft of ``inst`` and of the module instances below it."""
    for resource in inst.resources.values():
        yield from resource_drafts(inst, resource)
    for call in inst.calls():
        if call.opaque is not None:
            yield from opaque_drafts(inst, call)
        else:
            for child in call.children:
                yield from walk(child)


def resource_drafts(inst: ModuleInstance, resource: ResourceEval) -> Iterator[Draft]:
    knowledge = inst.ctx.knowledge
    decl = resource.decl
    body, file, line = decl.block.body, decl.file, decl.block.line
    config = inst.providers.for_resource(decl, resource.type)
    provider_tags = _provider_tags(inst, config) if inherits(knowledge, resource.type) else ()
    clusters = tuple(cluster_targets(config, inst.ctx))
    references = tuple(_references(inst, body, file, _RESOURCE_NOT_REFERENCES))
    suppressions = suppressions_of(decl)
    exp = resource.expansion
    notes = (exp.reason + ": evaluated once, with each/count unknown",) if exp.mode == "unknown" else ()
    own = knowledge.types[resource.type].region_paths if resource.type in knowledge.types else ()
    region_paths = tuple(dict.fromkeys((*own, *resource_region_paths(knowledge, config.source))))
    for instance in resource.instances:
        attributes = instance.attributes.materialized()
        tags = tags_at(attributes, knowledge.tag_paths(resource.type), body, file, line)
        yield Draft(
            base=resource.base, address=resource.address + address_key(instance.key), module=inst.address,
            key=instance.key, type=resource.type, kind=knowledge.kind_of(resource.type),
            location=Location(file, line), tags=(*tags, *provider_tags), attributes=attributes,
            provider=config, clusters=clusters, references=references, suppressions=suppressions,
            notes=notes, region=tuple(tuple(values_at(attributes, p.split("."))) for p in region_paths),
        )


def inherits(knowledge: Knowledge, type_: str) -> bool:
    """Whether a provider's default tags classify this type: only what holds or processes data
    (data stores, compute, clusters), only when the provider accepts tags on it, never a data
    store's sub-setting (evidence of its data store) — IAM, DNS or certificates never."""
    info = knowledge.types.get(type_)
    return info is not None and info.kind in HOLDS_DATA and info.taggable and info.setting_of is None


def opaque_drafts(inst: ModuleInstance, call: CallResult) -> Iterator[Draft]:
    """A module whose source was not read: one node per call instance, typed by its source key
    (``policies/modules.yaml``), tagged by its classification arguments and by the default tags
    of the provider configurations it inherits."""
    knowledge = inst.ctx.knowledge
    decl = call.decl
    body, file, line = decl.block.body, decl.file, decl.block.line
    type_, info, _ = opaque_type(knowledge, call.source)
    configs, why = opaque_providers(inst, call, info.uses_provider if info else None)
    # inherited tags classify an opaque module unless it is known to hold no data (IAM, DNS…)
    holds_data = info is None or info.kind in HOLDS_DATA
    provider_tags = tuple(dict.fromkeys(t for c in configs for t in _provider_tags(inst, c))) if holds_data else ()
    references = tuple(_references(inst, body, file, _NOT_REFERENCES))
    base = f"{inst.base}.module.{call.name}" if inst.base else f"module.{call.name}"
    address = f"{inst.address}.module.{call.name}" if inst.address else f"module.{call.name}"
    notes = tuple(n for n in (call.opaque, why, call.expansion.reason) if n)
    tag_paths = info.tag_paths if info and info.tag_paths else knowledge.default_tag_paths
    region_paths = info.region_paths if info else ()
    for key, scope in call.scopes:
        attributes = evaluate_body(body, scope, MODULE_META)
        tags = tags_at(attributes, tag_paths, body, file, line)
        yield Draft(
            base=base, address=address + address_key(key), module=inst.address, key=key, type=type_,
            kind=info.kind if info else NodeKind.OTHER, location=Location(file, line),
            tags=(*tags, *provider_tags), attributes={**attributes, "source": call.source},
            provider=configs[0] if configs else None, alternatives=configs[1:], clusters=(),
            references=references, suppressions=suppressions_of(decl), notes=notes,
            region=tuple(tuple(values_at(attributes, p.split("."))) for p in region_paths),
            undetermined="" if configs else why,
        )


def opaque_type(knowledge: Knowledge, source: str) -> tuple[str, TypeInfo | None, str | None]:
    """An opaque module's type (its source key), what knowledge knows of it, and the provider
    type its address names: once per source, as an estate calls the same few remote modules
    thousands of times."""
    def compute() -> tuple[str, TypeInfo | None, str | None]:
        key = module_key(source)
        return key, knowledge.module_info(key) or knowledge.types.get(module_type(source)), named_provider(source)
    return derived(knowledge, (__name__, source), compute)


def opaque_providers(inst: ModuleInstance, call: CallResult,
                     declared: str | None) -> tuple[tuple[ProviderConfig, ...], str]:
    """The configurations an opaque module's resources may use, as Terraform decides: without a
    ``providers`` map a module inherits its caller's default configuration of every provider type.
    When its provider type is known (module knowledge, a registry address, the
    ``terraform-<provider>-<name>`` naming convention), that one; else every inherited or passed
    configuration that could host data (the graph checks that they agree); why, when none."""
    knowledge = inst.ctx.knowledge
    passed = providers_map(call.decl)
    named = opaque_type(knowledge, call.source)[2]
    visible = inst.providers.visible_names()
    name = declared or (named if named is not None and (named in visible or known_name(knowledge, named)) else None)
    if name:
        return (inst.providers.config(passed.get(name, name)),), ""
    if len(passed) == 1:
        return (inst.providers.config(next(iter(passed.values()))),), ""
    found: dict[str, ProviderConfig] = {}
    for ref in [*sorted(passed.values()), *sorted(n for n in visible if n not in passed)]:
        config = inst.providers.config(ref)
        if hosts_data(knowledge, config.source):
            found.setdefault(config.address, config)
    if not found:
        return (), ("its provider type is not known and no provider configuration that could host data "
                    "reaches it: declare the module (policies kind: modules)")
    if len(found) == 1:
        return tuple(found.values()), ""
    return tuple(found.values()), (f"its provider type is not known: it inherits {', '.join(found)}, "
                                   "which must agree on classification and hosting")


def _provider_tags(inst: ModuleInstance, config: ProviderConfig) -> tuple[Tag, ...]:
    if config.location is None:
        return ()
    tags: list[Tag] = []
    for path in default_tag_paths(inst.ctx.knowledge, config.source):
        for value in values_at(config.attributes, path.split(".")):
            tags.extend(tags_of(value, config.location, "default_tags"))
    return tuple(tags)


def suppressions_of(decl: Decl) -> tuple[Suppression, ...]:
    """``# snclint:ignore …`` comments right above the block (docs/architecture.md#suppressions)."""
    comments = decl.block.comments
    found: list[Suppression] = []
    for index, text in enumerate(comments):
        line = max(1, decl.block.line - len(comments) + index)
        suppression = parse_suppression(text, Location(decl.file, line))
        if suppression is not None:
            found.append(suppression)
    return tuple(found)


def _references(inst: ModuleInstance, body: Body, file: str,
                skip: frozenset[str]) -> Iterator[tuple[str, Target, Location]]:
    for path, expr, line in _expressions(body, "", skip):
        for target in targets_of(inst, expr):
            yield path, target, Location(file, line)


def _expressions(body: Body, prefix: str, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, Expr, int]]:
    """Every attribute expression of a body with its dotted path (blocks by type, dynamic blocks
    by label, ``for_each`` of a dynamic block under its label)."""
    for attribute in body.attributes:
        if not prefix and attribute.name in skip:
            continue
        yield f"{prefix}{attribute.name}", attribute.expr, attribute.line
    for block in body.blocks:
        if not prefix and block.type in skip:
            continue
        if block.type == "dynamic" and block.labels:
            label = f"{prefix}{block.labels[0]}"
            for_each = block.body.attribute("for_each")
            if for_each is not None:
                yield label, for_each.expr, for_each.line
            for content in block.body.blocks_of("content"):
                yield from _expressions(content.body, f"{label}.")
        else:
            yield from _expressions(block.body, f"{prefix}{block.type}.")
