"""Where Kubernetes data lives: claims mounted by pods, claim templates, classes, volumes, drivers.

Claim templates (a StatefulSet's ``volumeClaimTemplates``, a pod's ``ephemeral`` volumes) are
data stores of their own, owned by the workload: Kubernetes creates one claim per pod from them
(``data-postgres-0``, ``data-postgres-1`` …), so their address is the pattern of those names,
``PersistentVolumeClaim/<namespace>/<template>-<statefulset>-*``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from linter.kubernetes.data import KubernetesData, dig
from linter.kubernetes.objects import K8sObject
from linter.loaders.yaml_values import line_of

CLAIM, VOLUME, CLASS, NAMESPACE = "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "Namespace"


@dataclass(frozen=True, slots=True)
class ClaimUse:
    """A pod volume naming a claim (``persistentVolumeClaim.claimName``)."""

    volume: str
    claim: str
    line: int


@dataclass(frozen=True, slots=True)
class InlineClaim:
    """A claim written inside a workload: a claim template or an ephemeral volume."""

    name: str  # the names Kubernetes gives the claims it creates, as a pattern
    metadata: Mapping[str, Any]
    spec: Mapping[str, Any]
    line: int
    what: str  # for notes: "claim template data of StatefulSet/db/postgres"


@dataclass(frozen=True, slots=True)
class PodVolumes:
    """What a pod's volumes use: claims, inline claim templates, CSI drivers."""

    claims: tuple[ClaimUse, ...] = ()
    inline: tuple[InlineClaim, ...] = ()
    drivers: tuple[str, ...] = ()  # CSI drivers (or in-tree provisioners) of inline volumes


def _maps(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _name(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def pod_volumes(item: K8sObject, data: KubernetesData) -> PodVolumes:
    """The claims, ephemeral claims and inline drivers of a workload's pod template."""
    workload = data.workload(item.api_version, item.kind)
    if workload is None:
        return PodVolumes()
    spec = dig(item.obj, workload.pod_spec)
    claims: list[ClaimUse] = []
    inline: list[InlineClaim] = []
    drivers: list[str] = []
    pods = item.name if workload.pod_metadata == "" else f"{item.name}-*"
    for volume in _maps(spec.get("volumes") if isinstance(spec, Mapping) else None):
        name = _name(volume.get("name"))
        line = line_of(volume, item.location.line)
        claim = _name(dig(volume, "persistentVolumeClaim.claimName"))
        template = dig(volume, "ephemeral.volumeClaimTemplate")
        if claim:
            claims.append(ClaimUse(name, claim, line))
        elif isinstance(template, Mapping):
            inline.append(_inline(f"{pods}-{name}", template, line,
                                  f"ephemeral volume {name} of {item.address}"))
        else:
            driver = volume_driver(volume, data)
            if driver:
                drivers.append(driver)
    for template in _maps(dig(item.obj, workload.claim_templates or "") if workload.claim_templates else None):
        name = _name(dig(template, "metadata.name"))
        if name:
            inline.append(_inline(f"{name}-{item.name}-*", template, line_of(template, item.location.line),
                                  f"claim template {name} of {item.address}"))
    return PodVolumes(tuple(claims), tuple(inline), tuple(dict.fromkeys(drivers)))


def _inline(name: str, template: Mapping[str, Any], line: int, what: str) -> InlineClaim:
    metadata = template.get("metadata")
    spec = template.get("spec")
    return InlineClaim(name, metadata if isinstance(metadata, Mapping) else {},
                       spec if isinstance(spec, Mapping) else {}, line, what)


def volume_driver(source: Mapping[str, Any], data: KubernetesData) -> str | None:
    """The CSI driver of a pod volume or a PersistentVolume spec, or the provisioner name an
    in-tree source stands for (``awsElasticBlockStore`` → ``kubernetes.io/aws-ebs``)."""
    driver = _name(dig(source, "csi.driver"))
    if driver:
        return driver
    return next((p for key, p in data.in_tree_volumes.items() if isinstance(source.get(key), Mapping)), None)


def claim_class(spec: Mapping[str, Any], annotations: Mapping[str, str], data: KubernetesData) -> str | None:
    """The StorageClass a claim asks for: "" for none (static binding), None when it names none
    and the cluster's default class serves it."""
    if "storageClassName" in spec and spec["storageClassName"] is not None:
        return _name(spec["storageClassName"])
    if data.class_annotation and data.class_annotation in annotations:
        return annotations[data.class_annotation]
    return None


def is_default_class(item: K8sObject, data: KubernetesData) -> bool:
    return any(item.annotations.get(a, "").lower() == "true" for a in data.default_class_annotations)


def provisioner(item: K8sObject) -> str | None:
    """A StorageClass's provisioner (its CSI driver name)."""
    return _name(item.obj.get("provisioner")) or None


def bound_claim(item: K8sObject) -> tuple[str, str] | None:
    """(namespace, name) of the claim a PersistentVolume is reserved for (``spec.claimRef``)."""
    ref = dig(item.obj, "spec.claimRef")
    if not isinstance(ref, Mapping) or not _name(ref.get("name")):
        return None
    return _name(ref.get("namespace")) or "default", _name(ref["name"])
