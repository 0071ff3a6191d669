"""Terraform plan JSON (``terraform show -json plan``) → ``PlanFile``, the view the plan frontend reads.

A plan is written by Terraform but read here as hostile input: one JSON document parsed by the
standard library under a size bound, then copied into plain values under a depth bound. Values
Terraform only knows after apply (``resource_changes[].change.after_unknown``) become ``Unknown``
so that they never read as empty or false. Entries of the wrong shape are skipped with a Problem
(SNC000), never trusted; a document that is not a plan at all is one Problem.

Formats 0.x and 1.x are read (Terraform 0.12 onwards); the JSON of a *state*
(``terraform show -json`` without a plan: ``values`` instead of ``planned_values``) is read the
same way, without configuration. Line numbers: a resource is placed on the line of its
``"address": "…"`` in ``planned_values`` (see ``plan_lines``), else line 1.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from linter import limits
from linter.loaders.plan_config import (
    MAX_MODULE_DEPTH,
    MAX_VALUE_DEPTH,
    ConfigModule,
    PlanProvider,
    bounded,
    read_configuration,
)
from linter.loaders.plan_lines import LineFinder
from linter.model import Location, Problem, Unknown

MAX_PLAN_BYTES = limits.PLAN_BYTES  # a UTF-8 text of this size has at most as many characters
SUPPORTED_MAJORS = ("0", "1")
AFTER_APPLY = Unknown("known after apply")

__all__ = ["ConfigModule", "PlanFile", "PlanProvider", "PlanResource", "load_plan"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanResource:
    """One resource instance of ``planned_values``, with its planned attribute values."""

    address: str  # expanded: module.db[0].aws_db_instance.main["eu"]
    mode: str  # managed | data
    type: str
    name: str
    provider_name: str  # registry.terraform.io/hashicorp/aws
    values: Mapping[str, Any]  # Unknown where Terraform knows the value only after apply
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFile:
    path: str
    format_version: str
    terraform_version: str | None
    variables: Mapping[str, Any]  # root module input variables: name → value
    resources: tuple[PlanResource, ...]
    providers: Mapping[str, PlanProvider]  # configuration.provider_config, by key
    root: ConfigModule | None  # configuration.root_module; None for a state or when absent
    problems: tuple[Problem, ...] = ()
    is_state: bool = False
    notes: tuple[str, ...] = ()


def load_plan(path: str, text: str) -> PlanFile | Problem:
    """Parse one plan document. Never raises on any text."""
    def problem(message: str, line: int = 1) -> Problem:
        return Problem(location=Location(path, line), message=message)

    if len(text) > MAX_PLAN_BYTES:
        return problem(f"plan of {len(text)} characters is over the {MAX_PLAN_BYTES} limit: not read")
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        end = len(text.rstrip())
        if end == 0:
            return problem("empty document: not a Terraform plan")
        if err.pos >= end:  # the usual damage: a plan cut short (a size limit, a full disk)
            return problem("not valid JSON: the document ends too early (a truncated plan?)",
                           text.count("\n", 0, end) + 1)
        return problem(f"not valid JSON: {err.msg} (column {err.colno})", err.lineno)
    except RecursionError:
        return problem("JSON nested too deeply: not read")
    except (ValueError, TypeError) as err:
        return problem(f"not valid JSON: {err}")
    if not isinstance(doc, dict):
        return problem("not a Terraform plan: the document is not a JSON object")
    version = doc.get("format_version")
    if not isinstance(version, str) or version.partition(".")[0] not in SUPPORTED_MAJORS:
        return problem(f"not a Terraform plan of a supported format: format_version {version!r}"
                       f" (supported: {', '.join(m + '.x' for m in SUPPORTED_MAJORS)})")
    is_state = "planned_values" not in doc and isinstance(doc.get("values"), dict)
    values = doc.get("values") if is_state else doc.get("planned_values")
    if not isinstance(values, dict):
        return problem("not a Terraform plan: no planned_values object")
    root_values = values.get("root_module", {})
    if not isinstance(root_values, dict):
        return problem("planned_values.root_module is not an object")
    finder = LineFinder(text, anchor="values" if is_state else "planned_values")
    problems: list[Problem] = []
    changes = {} if is_state else _changes(doc.get("resource_changes"))
    resources = []
    for raw in _module_resources(root_values, problems, path):
        resource = _resource(raw, changes, finder, path, problems)
        if resource is not None:
            resources.append(resource)
    providers, root = read_configuration(doc.get("configuration"), finder, path, problems)
    terraform_version = doc.get("terraform_version")
    return PlanFile(
        path=path, format_version=version,
        terraform_version=terraform_version if isinstance(terraform_version, str) else None,
        variables=_variables(doc.get("variables")), resources=tuple(resources), providers=providers,
        root=None if is_state else root, problems=tuple(problems), is_state=is_state,
        notes=_notes(doc, path, is_state),
    )


def _notes(doc: dict[str, Any], path: str, is_state: bool) -> tuple[str, ...]:
    """What the reader of a report should know about the document itself."""
    if is_state:
        return (f"{path}: a Terraform state, not a plan: provider configurations are not known",)
    notes = []
    if doc.get("errored") is True:
        notes.append(f"{path}: Terraform reported errors while planning: resources may be missing")
    elif doc.get("complete") is False:
        notes.append(f"{path}: an incomplete plan (deferred changes): resources may be missing")
    return tuple(notes)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _module_resources(module: dict[str, Any], problems: list[Problem], path: str,
                      depth: int = 0) -> Iterator[Any]:
    """Resources of a module and of its child modules, in document order."""
    if depth > MAX_MODULE_DEPTH:
        problems.append(Problem(location=Location(path, 1),
                                message=f"modules nested more than {MAX_MODULE_DEPTH} deep: not read"))
        return
    yield from _list(module.get("resources"))
    for child in _list(module.get("child_modules")):
        if isinstance(child, dict):
            yield from _module_resources(child, problems, path, depth + 1)


def _resource(raw: Any, changes: Mapping[str, Mapping[str, Any]], finder: LineFinder, path: str,
              problems: list[Problem]) -> PlanResource | None:
    fields = _strings(raw, ("address", "mode", "type", "name"))
    if fields is None:
        address = raw.get("address") if isinstance(raw, dict) else None
        address = address if isinstance(address, str) else ""
        problems.append(Problem(location=Location(path, finder.address_line(address) if address else 1),
                                address=address, message="a planned_values resource without address, mode,"
                                                          " type or name: not read"))
        return None
    address, mode, type_, name = fields
    change = changes.get(address, {})
    values = _with_unknowns(raw.get("values"), change.get("after_unknown"), 0)
    provider_name = raw.get("provider_name")
    return PlanResource(
        address=address, mode=mode, type=type_, name=name,
        provider_name=provider_name if isinstance(provider_name, str) else "",
        values=values if isinstance(values, dict) else {},
        line=finder.address_line(address),
    )


def _strings(raw: Any, keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """The non-empty strings at ``keys`` of an object, or None when one is missing."""
    if not isinstance(raw, dict):
        return None
    found = [value for value in (raw.get(k) for k in keys) if isinstance(value, str) and value]
    return tuple(found) if len(found) == len(keys) else None


def _changes(raw: Any) -> dict[str, Mapping[str, Any]]:
    """``resource_changes`` by address (current objects only: deposed ones are on their way out)."""
    out: dict[str, Mapping[str, Any]] = {}
    for entry in _list(raw):
        if isinstance(entry, dict) and isinstance(entry.get("address"), str) and not entry.get("deposed"):
            change = entry.get("change")
            if isinstance(change, dict):
                out[entry["address"]] = change
    return out


def _with_unknowns(value: Any, unknown: Any, depth: int) -> Any:
    """A planned value with ``Unknown`` wherever ``after_unknown`` says so.

    Terraform leaves unknown values out of objects and writes them as null in lists; ``after_unknown``
    mirrors the value with ``true`` at each unknown leaf (``true`` alone: wholly unknown).
    """
    if unknown is True:
        return AFTER_APPLY
    if depth > MAX_VALUE_DEPTH:
        return Unknown("nested too deeply to be read")
    if isinstance(unknown, dict) and (isinstance(value, dict) or value is None):
        known: dict[str, Any] = value or {}
        out = {k: _with_unknowns(v, unknown.get(k), depth + 1) for k, v in known.items()}
        for k, u in unknown.items():
            if k not in out and _holds_unknown(u, depth + 1):
                out[k] = _with_unknowns(None, u, depth + 1)
        return out
    if isinstance(unknown, list) and (isinstance(value, list) or value is None):
        items: list[Any] = value or []
        return [_with_unknowns(items[i] if i < len(items) else None, unknown[i] if i < len(unknown) else None,
                               depth + 1) for i in range(max(len(items), len(unknown)))]
    return bounded(value, depth)


def _holds_unknown(unknown: Any, depth: int) -> bool:
    if unknown is True:
        return True
    if depth > MAX_VALUE_DEPTH:
        return False
    if isinstance(unknown, dict):
        return any(_holds_unknown(u, depth + 1) for u in unknown.values())
    if isinstance(unknown, list):
        return any(_holds_unknown(u, depth + 1) for u in unknown)
    return False


def _variables(raw: Any) -> dict[str, Any]:
    """``{"region": {"value": "eu-west-3"}}`` → ``{"region": "eu-west-3"}``."""
    if not isinstance(raw, dict):
        return {}
    return {name: bounded(entry["value"], 0) for name, entry in raw.items()
            if isinstance(entry, dict) and "value" in entry}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
