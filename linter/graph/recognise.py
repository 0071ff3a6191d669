"""Recognising provider, offer and region from a Terraform provider configuration, as data says.

Everything provider-specific is in ``policies/recognition.yaml``; this module only walks it: find
the entry for the provider's source address, try its matchers in order, pick the offer for the
resource type, read the region from the resource then from the provider, and normalise it.
A value that could not be evaluated (``Unknown``) is carried as such, never taken as absent.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Mapping

from linter.knowledge import Knowledge
from linter.model import Destination, ProviderConfig, Unknown, is_unknown
from linter.policy_regex import compiled
from linter.provider_sources import normalise_provider_source


def _rx(pattern: str) -> Any:
    """A pack's pattern, run by RE2 (linear time: ``linter.policy_regex``)."""
    return compiled(pattern)


@functools.lru_cache(maxsize=8192)
def _type_fits(pattern: str, type_: str) -> bool:
    """Whether a pack's ``types`` pattern takes a resource type (asked for every resource of an
    estate, of a few hundred types)."""
    return _rx(pattern).search(type_) is not None


def values_at(obj: Any, path: str) -> list[Any]:
    """Values at a dotted path; a list (a repeated block) contributes each element's value.
    An Unknown on the way is the value: what lies below it is not known."""
    if type(obj) is dict and "." not in path:  # one key of a plain dict: asked for every resource's region
        value = obj.get(path)
        if value is None:
            return []
        return [v for v in value if v is not None] if isinstance(value, (list, tuple)) else [value]
    current = [obj]
    for part in path.split("."):
        found: list[Any] = []
        for item in current:
            if is_unknown(item):
                found.append(item)
            elif (type(item) is dict or isinstance(item, Mapping)) and item.get(part) is not None:  # dict: no ABC check
                value = item[part]
                found.extend(v for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None)
        current = found
    return current


def _first(obj: Any, path: str) -> Any:
    values = [v for v in values_at(obj, path) if v is not None and v != ""]
    return values[0] if values else None


def matches(spec: Mapping[str, Any], value: str) -> Any:
    """``equals`` (case-insensitive) or ``pattern``: a match object gives named groups."""
    if "equals" in spec:
        return value.casefold() == spec["equals"].casefold()
    return _rx(spec["pattern"]).search(value) or False


def _terraform(knowledge: Knowledge) -> Mapping[str, Any]:
    return knowledge.recognition.get("terraform", {})


def source_of(config: ProviderConfig, knowledge: Knowledge) -> tuple[str | None, bool]:
    """(source address, implicit?): the declared source, else the one a local name implies."""
    if config.source:
        return normalise_provider_source(config.source, knowledge), False
    implicit = _terraform(knowledge).get("implicit_sources", {}).get(config.name)
    return (normalise_provider_source(implicit, knowledge), True) if implicit else (None, True)


def entry_for(source: str, knowledge: Knowledge) -> Mapping[str, Any] | None:
    for entry in _terraform(knowledge).get("providers", ()):
        if source in (s.lower() for s in entry["sources"]):
            return entry
    return None


@dataclass(slots=True)
class Recognised:
    """What the provider configuration and the resource say, with the words of how."""

    provider: str | None
    offer: str | None = None
    region: str | Unknown | None = None
    region_from: str = ""
    undetermined: bool = False
    unknown: str = ""  # why the provider/offer could not be told (an Unknown attribute)
    steps: list[str] = field(default_factory=list)


def recognise(entry: Mapping[str, Any], config: ProviderConfig, type_: str,
              attributes: Mapping[str, Any], knowledge: Knowledge) -> Recognised:
    result = Recognised(provider=entry.get("provider"))
    _apply_matchers(entry, config, type_, result, knowledge)
    if result.undetermined:
        return result
    if result.provider == entry.get("provider") and result.offer is None and not result.unknown:
        for rule in entry.get("offers_by_type", ()):
            if _type_fits(rule["types"], type_):
                result.offer = rule["offer"]
                result.steps.append(rule.get("why") or f"offer {rule['offer']} for {type_}")
                break
    if result.region is None:
        _resource_region(entry, type_, attributes, knowledge, result)
    if result.region is None:
        _provider_region(entry, config, result)
    if isinstance(result.region, str) and result.provider:
        result.region = normalise_region(result.region, result.provider, knowledge)
    return result


def endpoint_match(list_name: str, value: str, knowledge: Knowledge,
                   seen: frozenset[str] = frozenset()) -> tuple[Mapping[str, Any], Any] | None:
    """The first entry of ``recognition.endpoints[list_name]`` matching ``value``, following an
    entry that defers to another list (never twice to the same one)."""
    for spec in knowledge.recognition.get("endpoints", {}).get(list_name, ()):
        hit = _rx(spec["pattern"]).match(value.strip())
        if hit is None:
            continue
        deferred = spec.get("endpoints")
        if deferred:
            if deferred in seen or deferred == list_name:
                continue
            return endpoint_match(deferred, value, knowledge, seen | {list_name})
        return spec, hit
    return None


def _matcher_hit(matcher: Mapping[str, Any], value: str,
                 knowledge: Knowledge) -> tuple[Mapping[str, Any], Any] | None:
    """(the spec that decides, its match) for a matcher: its own ``equals``/``pattern``, or an
    entry of the endpoint list it names (an in-cluster host means nothing to a cloud provider)."""
    if "endpoints" not in matcher:
        hit = matches(matcher, value)
        return (matcher, hit) if hit else None
    found = endpoint_match(matcher["endpoints"], value, knowledge)
    if found is None:
        return None
    spec, match = found
    if spec.get("in_cluster"):
        return {**spec, "undetermined": True, "in_cluster": False}, match
    return spec, match


def _apply_matchers(entry: Mapping[str, Any], config: ProviderConfig, type_: str, result: Recognised,
                    knowledge: Knowledge) -> None:
    for matcher in entry.get("matchers", ()):
        if "types" in matcher and not _type_fits(matcher["types"], type_):
            continue
        for value in values_at(config.attributes, matcher["attribute"]):
            if is_unknown(value):
                if matcher.get("if_unknown", "unknown") == "unknown":
                    result.unknown = (f"{matcher['attribute']} is unknown ({value.reason}) and decides "
                                      f"whether {matcher['why']}")
                    return
                continue
            found = _matcher_hit(matcher, str(value), knowledge)
            if found is None:
                continue
            spec, hit = found
            result.steps.append(f"{matcher['attribute']} = {value}: {spec['why']}")
            if spec.get("undetermined"):
                result.undetermined = True
                return
            result.provider = spec.get("provider", result.provider)
            result.offer = spec.get("offer")
            group = hit.groupdict().get("region") if not isinstance(hit, bool) else None
            if group:
                result.region, result.region_from = group, f"from {matcher['attribute']}"
            return


def resource_region_paths(entry: Mapping[str, Any], type_: str, knowledge: Knowledge) -> tuple[str, ...]:
    """Where a resource of ``type_`` gives its own region, in order: its type's paths, else its provider's."""
    info = knowledge.module_info(type_)  # a resource type, or a module known by its source key
    return tuple((info.region_paths if info and info.region_paths else ()) or entry.get("resource_region_paths", ()))


def region_given(attributes: Mapping[str, Any], path: str) -> str | Unknown | None:
    """The region a resource gives at ``path`` as recognition reads it (an Unknown stays one)."""
    value = _first(attributes, path)
    return value if value is None or is_unknown(value) else str(value)


def _resource_region(entry: Mapping[str, Any], type_: str, attributes: Mapping[str, Any],
                     knowledge: Knowledge, result: Recognised) -> None:
    for path in resource_region_paths(entry, type_, knowledge):
        value = region_given(attributes, path)
        if value is not None:
            result.region = value
            result.region_from = f"from {path}" + (f" = {value}" if not is_unknown(value) else "")
            return


def _provider_region(entry: Mapping[str, Any], config: ProviderConfig, result: Recognised) -> None:
    for spec in entry.get("region_attributes", ()):
        attribute = spec if isinstance(spec, str) else spec["attribute"]
        value = _first(config.attributes, attribute)
        if value is None:
            continue
        where = f"from {config.address}" + ("" if attribute == "region" else f" {attribute}")
        if is_unknown(value):
            result.region, result.region_from = value, where
            return
        if isinstance(spec, str):
            result.region, result.region_from = str(value), where
            return
        hit = _rx(spec["pattern"]).search(str(value))
        if hit and hit.group("region"):
            result.region, result.region_from = hit.group("region"), f"{where} = {value}"
            return


def normalise_region(region: str, provider: str, knowledge: Knowledge) -> str:
    """Case and zone → region (``cloudgouv-eu-west-1a`` → ``cloudgouv-eu-west-1``), per provider."""
    rule = knowledge.recognition.get("regions", {}).get(provider, {})
    region = region.strip()
    for step in rule.get("normalize", ()):
        region = {"lower": str.lower, "upper": str.upper,
                  "no-spaces": lambda r: r.replace(" ", "")}[step](region)
    for pattern in rule.get("patterns", ()):
        hit = _rx(pattern).fullmatch(region)
        if hit and hit.group("region"):
            return hit.group("region")
    return region


def signal_match(kind: str, value: str, knowledge: Knowledge) -> Mapping[str, Any] | None:
    """The first Kubernetes signal entry (``csi_driver``, ``node_label`` …) matching ``value``."""
    for spec in knowledge.recognition.get("kubernetes", {}).get("signals", {}).get(kind, ()):
        if matches(spec, value):
            return spec
    return None


@dataclass(slots=True)
class Place:
    """Where a destination is: a hosting (``provider`` …), the cluster the object runs on
    (``in_cluster``), or nowhere recognition can tell (``undetermined``); ``why`` says how."""

    provider: str | None = None
    offer: str | None = None
    region: str | None = None
    in_cluster: bool = False
    undetermined: bool = False
    why: str = ""


def recognise_destination(destination: Destination, knowledge: Knowledge) -> Place:
    """A cloud API group first, else the endpoint, else the object URL, else the storage provider
    name (``recognition.yaml`` ``kubernetes.api_groups`` and ``endpoints``). An endpoint that no
    entry recognises is undetermined: it is never taken for the provider's default service."""
    if destination.api_group:
        for spec in knowledge.recognition.get("kubernetes", {}).get("api_groups", ()):
            if _rx(spec["pattern"]).fullmatch(destination.api_group):
                return _region(Place(provider=spec["provider"], offer=spec.get("offer"),
                                     why=f"API group {destination.api_group}: {spec['note'].rstrip('.')}"),
                               destination, None, knowledge)
        return Place(in_cluster=True, why=f"API group {destination.api_group} is not a cloud's")
    for value, list_name, what in ((destination.endpoint, destination.endpoints, "endpoint"),
                                   (destination.url, "object_urls", "URL"),
                                   (destination.provider, "storage_providers", "storage provider")):
        if not value:
            continue
        found = endpoint_match(list_name, value, knowledge)
        if found is None:
            return Place(undetermined=True, why=f"{what} {value} is not in the recognition data")
        spec, hit = found
        why = f"{what} {value}: {spec['why']}"
        if spec.get("in_cluster") or spec.get("undetermined"):
            return Place(in_cluster=bool(spec.get("in_cluster")), undetermined=bool(spec.get("undetermined")),
                         why=why)
        return _region(Place(provider=spec["provider"], offer=spec.get("offer"), why=why), destination,
                       hit.groupdict().get("region"), knowledge)
    return Place(undetermined=True, why="no endpoint, URL or storage provider is given")


def _region(place: Place, destination: Destination, matched: str | None, knowledge: Knowledge) -> Place:
    region = destination.region or matched
    if region and place.provider:
        place.region = normalise_region(region, place.provider, knowledge)
        place.why += f", region {place.region}" + (" (from the host)" if not destination.region else "")
    return place
