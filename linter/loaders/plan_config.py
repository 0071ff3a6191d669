"""The ``configuration`` part of a plan: provider configurations and the module tree.

``configuration.provider_config`` is keyed ``aws``, ``aws.replica``, ``module.db:aws`` … and holds
each configuration's unevaluated ``expressions``; ``root_module`` holds each module's resources
(module-relative addresses, ``provider_config_key``, ``expressions`` with ``references``), its
outputs and its ``module_calls`` (with the called module inside). Expressions are kept as the
plan wrote them (bounded copies): the plan frontend interprets them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from linter import limits
from linter.model import Location, Problem, Unknown

if TYPE_CHECKING:
    from linter.loaders.plan_lines import LineFinder

MAX_VALUE_DEPTH = limits.PLAN_VALUE_DEPTH
MAX_MODULE_DEPTH = limits.PLAN_MODULE_DEPTH


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanProvider:
    """One entry of ``configuration.provider_config``."""

    key: str  # "aws.replica", "module.db:aws"
    name: str  # local name, "aws"
    full_name: str | None  # "registry.terraform.io/hashicorp/aws"
    alias: str | None
    module_address: str  # "" for the root module
    expressions: Mapping[str, Any]
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigResource:
    address: str  # module-relative, unexpanded: "aws_db_instance.main"
    mode: str
    type: str
    name: str
    provider_config_key: str
    expressions: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModuleCall:
    source: str
    expressions: Mapping[str, Any]  # the call's arguments, by input variable name
    module: ConfigModule


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigModule:
    resources: Mapping[str, ConfigResource]  # by module-relative address
    module_calls: Mapping[str, ModuleCall]
    outputs: Mapping[str, Any]  # output name → its expression ({"references": […]} …)


def read_configuration(raw: Any, finder: LineFinder, path: str,
                       problems: list[Problem]) -> tuple[dict[str, PlanProvider], ConfigModule | None]:
    if not isinstance(raw, dict):
        return {}, None
    providers = {}
    for key, entry in _dict(raw.get("provider_config")).items():
        if not isinstance(entry, dict):
            continue
        name = _str(entry.get("name")) or key.rpartition(":")[2]
        providers[key] = PlanProvider(
            key=key, name=name, full_name=_str(entry.get("full_name")) or None,
            alias=_str(entry.get("alias")) or None, module_address=_str(entry.get("module_address")),
            expressions=_dict(bounded(entry.get("expressions"), 0)),
            line=finder.key_line(key, "provider_config"),
        )
    root = raw.get("root_module")
    return providers, _module(root, path, problems, 0) if isinstance(root, dict) else None


def _module(raw: dict[str, Any], path: str, problems: list[Problem], depth: int) -> ConfigModule:
    resources = {}
    for entry in _list(raw.get("resources")):
        if not isinstance(entry, dict):
            continue
        fields = [_str(entry.get(k)) for k in ("address", "mode", "type", "name")]
        if not all(fields):
            continue
        address, mode, type_, name = fields
        resources[address] = ConfigResource(
            address=address, mode=mode, type=type_, name=name,
            provider_config_key=_str(entry.get("provider_config_key")),
            expressions=_dict(bounded(entry.get("expressions"), 0)))
    calls = {}
    for name, call in _dict(raw.get("module_calls")).items():
        if not isinstance(call, dict):
            continue
        if depth >= MAX_MODULE_DEPTH:
            problems.append(Problem(location=Location(path, 1),
                                    message=f"configuration modules nested more than {MAX_MODULE_DEPTH} deep:"
                                            " the deeper ones are not read"))
            break
        inner = call.get("module")
        calls[name] = ModuleCall(
            source=_str(call.get("source")), expressions=_dict(bounded(call.get("expressions"), 0)),
            module=_module(inner if isinstance(inner, dict) else {}, path, problems, depth + 1))
    outputs = {name: bounded(out.get("expression"), 0)
               for name, out in _dict(raw.get("outputs")).items() if isinstance(out, dict)}
    return ConfigModule(resources=resources, module_calls=calls, outputs=outputs)


def bounded(value: Any, depth: int) -> Any:
    """A copy of a parsed JSON value, with anything nested deeper than the bound made Unknown."""
    if depth > MAX_VALUE_DEPTH:
        return Unknown("nested too deeply to be read")
    if isinstance(value, dict):
        return {k: bounded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [bounded(v, depth + 1) for v in value]
    return value


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
