"""Which provider configuration each resource of a plan uses, as a ``ProviderConfig``.

A configuration resource names its configuration by ``provider_config_key``: ``aws``,
``aws.replica``, or ``module.db:aws.replica`` for one declared inside a module. Terraform (1.1+)
already follows ``providers = {}`` maps and implicit inheritance, so a module's resource usually
carries the key of the root configuration it really uses. Older plans may carry the module's own
key, absent from ``provider_config``: it is then looked up in the enclosing modules, as Terraform
itself does for the default (unaliased) configuration. A key found nowhere gives a configuration
with no settings, and the node says so (its region then comes from the resource, or is unknown).
"""
from __future__ import annotations

from typing import Mapping

from linter.knowledge import Knowledge
from linter.loaders.plan import PlanFile, PlanProvider
from linter.model import Location, ProviderConfig
from linter.provider_sources import normalise_provider_source
from linter.terraform.plan.addresses import join_module, parse_module
from linter.terraform.plan.expressions import body_values


def provider_source(full_name: str | None, knowledge: Knowledge) -> str | None:
    """``registry.terraform.io/hashicorp/aws`` → ``hashicorp/aws``, as the Terraform frontend says it."""
    return normalise_provider_source(full_name, knowledge) if full_name else None


def split_key(key: str) -> tuple[str, str, str | None]:
    """``module.db:aws.replica`` → (``module.db``, ``aws``, ``replica``)."""
    module, colon, local = key.rpartition(":")
    name, _, alias = (local if colon else key).partition(".")
    return (module if colon else ""), name, alias or None


def find_provider(providers: Mapping[str, PlanProvider], key: str, full_name: str) -> PlanProvider | None:
    """The configuration behind ``key``: itself, else the same name in each enclosing module."""
    if key in providers:
        return providers[key]
    module, name, alias = split_key(key)
    steps = parse_module(module)
    if steps is None:
        return None
    local = name if alias is None else f"{name}.{alias}"
    while steps:
        steps = steps[:-1]
        parent = join_module(steps)
        candidate = providers.get(f"{parent}:{local}" if parent else local)
        if candidate is not None and (not full_name or not candidate.full_name
                                      or candidate.full_name == full_name):
            return candidate
    return None


class ProviderResolver:
    """One ``ProviderConfig`` per provider configuration key of a plan (cached)."""

    def __init__(self, plan: PlanFile, knowledge: Knowledge) -> None:
        self._plan = plan
        self._knowledge = knowledge
        self._cache: dict[tuple[str, str], tuple[ProviderConfig, str | None]] = {}

    def config(self, key: str, provider_name: str) -> tuple[ProviderConfig, str | None]:
        """The configuration, and a note when the plan's configuration does not hold it."""
        cached = self._cache.get((key, provider_name))
        if cached is None:
            cached = self._cache[(key, provider_name)] = self._build(key, provider_name)
        return cached

    def _build(self, key: str, provider_name: str) -> tuple[ProviderConfig, str | None]:
        found = find_provider(self._plan.providers, key, provider_name) if key else None
        if found is None:
            module, name, alias = split_key(key) if key else ("", _type_name(provider_name), None)
            config = ProviderConfig(name=name, source=provider_source(provider_name, self._knowledge), alias=alias,
                                    attributes={}, address=_address(module, name, alias), location=None)
            what = f"provider configuration {key!r}" if key else "its provider configuration"
            return config, f"{what} is not in the plan's configuration: its settings are not known"
        name = found.name.partition(".")[0]
        alias = found.alias or found.name.partition(".")[2] or None
        attributes = body_values(found.expressions, None if found.module_address else self._plan.variables)
        return ProviderConfig(
            name=name, source=provider_source(found.full_name or provider_name, self._knowledge), alias=alias,
            attributes=attributes, address=_address(found.module_address, name, alias),
            location=Location(self._plan.path, found.line),
        ), None


def _address(module: str, name: str, alias: str | None) -> str:
    """``module.db.provider.aws.replica``, the form the Terraform frontend uses."""
    words = [module] if module else []
    words += ["provider", name] + ([alias] if alias else [])
    return ".".join(words)


def _type_name(provider_name: str) -> str:
    """``registry.terraform.io/hashicorp/aws`` → ``aws``."""
    return provider_name.rstrip("/").rpartition("/")[2] or "unknown"
