"""What data operators' custom resources say beyond their own data (``policies/kubernetes.yaml``).

A CloudNativePG ``Cluster`` sends its WAL to a bucket it names by URL; a ``ScheduledBackup`` names
the ``Cluster`` it backs up; a Velero ``Schedule`` holds the data of the namespaces it includes
and stores it in the ``BackupStorageLocation`` it names, which stands for a bucket on some cloud;
a Crossplane ``Bucket`` is a bucket on the cloud of its API group. This module reads those facts
out of one object, as the knowledge describes them; ``nodes`` turns them into the graph's
references, egress and hosting clues, and the graph recognises the clouds.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping

from linter.knowledge import Knowledge, derived
from linter.kubernetes.data import DestinationSpec, KubernetesData, api_group, dig
from linter.kubernetes.objects import K8sObject
from linter.loaders.yaml_values import line_of
from linter.model import Destination
from linter.policy_regex import compiled

ANY = "*"  # a path step: every item of a list, every value of a mapping


def walk(value: Any, path: str) -> Iterator[Any]:
    """The values at a dotted path, ``*`` stepping through lists and mappings ("" is ``value``)."""
    if not path:
        yield value
        return
    head, _, rest = path.partition(".")
    if head == ANY:
        items = value.values() if isinstance(value, Mapping) else value if isinstance(value, list) else ()
        for item in items:
            yield from walk(item, rest)
    elif isinstance(value, Mapping) and head in value:
        yield from walk(value[head], rest)


def plain_path(path: str) -> str:
    """The path as flows.yaml names an attribute: list and mapping steps dropped."""
    return ".".join(part for part in path.split(".") if part != ANY)


def texts_at(value: Any, path: str) -> list[str]:
    """The non-empty scalar values at a path (a list of names counts item by item)."""
    out: list[str] = []
    for found in walk(value, path):
        for item in found if isinstance(found, list) else [found]:
            if item is not None and not isinstance(item, (Mapping, list)) and str(item).strip():
                out.append(str(item).strip())
    return out


def nested(path: str, leaf: Any) -> dict[str, Any]:
    """``{"spec": {"cluster": {"name": leaf}}}`` for ``spec.cluster.name``."""
    out: Any = leaf
    for part in reversed(plain_path(path).split(".")):
        out = {part: out}
    return out  # type: ignore[no-any-return]


def merge_into(target: dict[str, Any], addition: Mapping[str, Any]) -> None:
    for key, value in addition.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            merge_into(target[key], value)
        else:
            target[key] = dict(value) if isinstance(value, Mapping) else value


def destinations(item: K8sObject, specs: tuple[DestinationSpec, ...]) -> list[tuple[DestinationSpec, Destination, int]]:
    """Each destination the object names, with the spec that reads it and its line."""
    out = []
    for spec in specs:
        for place in walk(item.obj, spec.at):
            fields = _env(place) if spec.env else place
            if not isinstance(fields, Mapping):
                continue
            destination = _destination(fields, spec)
            if destination is not None:
                out.append((spec, destination, line_of(place, item.location.line)))
    return out


def _env(value: Any) -> Mapping[str, Any] | None:
    """A container's ``env`` list as name → value (``valueFrom`` entries have no value here)."""
    if not isinstance(value, list):
        return None
    return {str(e["name"]): e.get("value") for e in value if isinstance(e, Mapping) and "name" in e}


def _first(fields: Mapping[str, Any], names: str | None) -> str | None:
    for name in (names or "").split("|"):
        if not name:
            continue
        value = dig(fields, name) if "." in name else fields.get(name)
        if value is not None and not isinstance(value, (Mapping, list)) and str(value).strip():
            return str(value).strip()
    return None


def _destination(fields: Mapping[str, Any], spec: DestinationSpec) -> Destination | None:
    endpoint, url = _first(fields, spec.endpoint), _first(fields, spec.url)
    provider, region, bucket = _first(fields, spec.provider), _first(fields, spec.region), _first(fields, spec.bucket)
    if not (endpoint or url or provider or bucket or region):
        return None
    return Destination(endpoint=endpoint, endpoints=spec.endpoints, url=url, bucket=bucket,
                       provider=provider or spec.provider_name, region=region, what=spec.at)


def cloud_destination(item: K8sObject, data: KubernetesData, knowledge: Knowledge) -> Destination | None:
    """The cloud a resource declared as a Kubernetes object (Crossplane, Config Connector, ACK)
    lives on: its API group, which recognition.yaml ``kubernetes.api_groups`` names, with the
    region it declares. None for every other object."""
    group = api_group(item.api_version)
    if not group or not _cloud_group(knowledge, group):
        return None
    region = next((r for path in data.region_paths for r in texts_at(item.obj, path)), None)
    region = region or next((item.annotations[a] for a in data.region_annotations if item.annotations.get(a)), None)
    return Destination(api_group=group, region=region, what=f"apiVersion {item.api_version}")


def _cloud_group(knowledge: Knowledge, group: str) -> bool:
    """Whether recognition.yaml's ``kubernetes.api_groups`` names ``group``: once per group and
    knowledge, since an estate's objects share a few groups."""
    known: dict[str, bool] = derived(knowledge, _cloud_group, dict)
    found = known.get(group)
    if found is None:
        patterns = knowledge.recognition.get("kubernetes", {}).get("api_groups", ())
        found = known[group] = any(compiled(spec["pattern"]).fullmatch(group) for spec in patterns)
    return found
