"""One Kubernetes object as the frontend sees it: identity, address, labels, suppressions.

Addresses: docs/architecture.md#addresses.

Labels and annotations are all kept as tags with their full key (``example.gouv.fr/sensibilite``):
the classifier compares the part after the prefix, and the report can show the key as written.
snclint's own annotations (placement, suppression) are directives, not tags.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from linter.kubernetes.data import KubernetesData, api_group
from linter.loaders.kubernetes import Comment, Manifest
from linter.model import Location, Suppression, Tag
from linter.suppression_syntax import MARKER, parse_suppression

DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True, slots=True, kw_only=True)
class K8sObject:
    """A Kubernetes object of a manifest, with what placement and the graph read of it."""

    obj: Mapping[str, Any]
    kind: str
    api_version: str
    name: str
    namespace: str | None  # None for cluster-scoped kinds
    location: Location
    placement_path: str  # the path matched by kubernetes.clusters.*.paths
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    comments: tuple[Comment, ...] = ()
    label: str = ""  # the kind as addresses write it: Kind, or Kind.group when the name is ambiguous

    @property
    def address(self) -> str:
        return address_of(self.label or self.kind, self.namespace, self.name)


def address_of(kind: str, namespace: str | None, name: str) -> str:
    return f"{kind}/{namespace}/{name}" if namespace is not None else f"{kind}/{name}"


def kind_label(api_version: str, kind: str, ambiguous: frozenset[str]) -> str:
    """``Backup.velero.io`` for a custom resource whose Kind several known API groups define
    (``kubectl get backup.velero.io`` says it the same way), else the Kind alone."""
    group = api_group(api_version)
    return f"{kind}.{group}" if group and kind in ambiguous else kind


def to_object(manifest: Manifest, location: Location, placement_path: str,
              data: KubernetesData) -> K8sObject | None:
    """The object of a manifest; None for documents that are not cluster objects (tool
    configuration such as a kustomization or a kubeconfig, or anything without a name)."""
    obj = manifest.obj
    kind, api_version = str(obj["kind"]), str(obj["apiVersion"])
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    name = _text(metadata.get("name")) or _generated(metadata.get("generateName"))
    if not name or not data.is_object(api_version, kind):
        return None
    namespace: str | None = None
    if not data.is_cluster_scoped(api_version, kind):
        namespace = _text(metadata.get("namespace")) or DEFAULT_NAMESPACE
    return K8sObject(obj=obj, kind=kind, api_version=api_version, name=name, namespace=namespace,
                     location=location, placement_path=placement_path,
                     labels=string_map(metadata.get("labels")),
                     annotations=string_map(metadata.get("annotations")),
                     comments=manifest.comments, label=kind_label(api_version, kind, data.ambiguous))


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def _generated(prefix: Any) -> str:
    """``generateName: backup-`` → ``backup-*``: the server completes the name."""
    text = _text(prefix)
    return f"{text}*" if text else ""


def string_map(value: Any) -> dict[str, str]:
    """Labels or annotations as text (YAML may have made ``true`` or ``1`` of a value)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): _scalar_text(v) for k, v in value.items()}


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def tags_of(labels: Mapping[str, str], annotations: Mapping[str, str], location: Location,
            data: KubernetesData, labels_source: str = "labels",
            annotations_source: str = "annotations") -> list[Tag]:
    """Every label and annotation, snclint's own annotations left out."""
    directives = {data.cluster_annotation, data.ignore_annotation}
    tags = [Tag(key=k, value=v, location=location, source=labels_source) for k, v in labels.items()]
    tags += [Tag(key=k, value=v, location=location, source=annotations_source)
             for k, v in annotations.items() if k not in directives]
    return tags


def suppressions_of(item: K8sObject, data: KubernetesData) -> tuple[Suppression, ...]:
    """``# snclint:ignore`` comment lines right above the document, and the ignore annotation
    (one suppression a line)."""
    found: list[Suppression] = []
    for line, text in item.comments:
        if MARKER in text:
            parsed = parse_suppression(text, Location(item.location.file, line))
            if parsed is not None:
                found.append(parsed)
    for text in item.annotations.get(data.ignore_annotation, "").splitlines():
        if text.strip():
            # the value may repeat the comment's marker: `snclint:ignore SNC001 reason=…`
            parsed = parse_suppression(text, item.location, origin="inline" if MARKER in text else "annotation")
            if parsed is not None:
                found.append(replace(parsed, origin="annotation"))
    return tuple(found)
