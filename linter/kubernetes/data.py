"""``policies/kubernetes.yaml``: how Kubernetes objects are shaped, as data (not code).

Which kinds are cluster-scoped, where each workload kind keeps its pod template, which
annotations snclint reads: read and validated by the policy loader
(``linter/schemas/kubernetes.schema.json``). A ``kind: kubernetes`` file of a ``--policies`` folder
adds to it by that kind's merge rule (``linter.policy_kinds``): a user adds the cluster-scoped
kinds of their CRDs without copying the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, TypeVar

from linter.knowledge import Knowledge, per_knowledge
from linter.policy_files import document, shipped_document
from linter.policy_regex import compiled

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Workload:
    """Where a workload kind keeps its pod's metadata and spec (and its claim templates)."""

    pod_metadata: str  # dotted path, "" for the object itself
    pod_spec: str
    claim_templates: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectReference:
    """A custom resource naming another object of its namespace (``spec.cluster.name``)."""

    path: str  # dotted, ``*`` any item or value
    target: str  # group/Kind
    default_flag: str | None = None  # the target marked by this field is used when path is absent
    default_name: str | None = None  # … else the target of this name


@dataclass(frozen=True, slots=True, kw_only=True)
class DestinationSpec:
    """Where an object names storage outside the cluster (kubernetes.yaml ``destinations``)."""

    at: str
    relation: str | None  # a data flow to that storage; None: the object is hosted there
    env: bool = False
    endpoint: str | None = None
    endpoints: str = "s3"
    url: str | None = None
    provider: str | None = None
    region: str | None = None
    bucket: str | None = None
    provider_name: str | None = None
    applies_to: str | None = None  # group/Kind: the objects of the cluster that send there, not this one


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """A Helm chart known to deploy a data store (kubernetes.yaml ``terraform.charts``)."""

    chart: str
    repository: str | None = None  # pattern the release's repository must match
    kind: str = "datastore"
    note: str = ""
    destinations: tuple[DestinationSpec, ...] = ()


# a Helm release's values whose key matches are label maps, read for classification tags
LABEL_MAPS = r"(?i)(?:labels|annotations)$"


@dataclass(frozen=True, slots=True, kw_only=True)
class TerraformObjects:
    """How Kubernetes objects managed by Terraform are read (kubernetes.yaml ``terraform``)."""

    metadata: tuple[str, ...] = ()
    namespaces: frozenset[str] = frozenset()  # Terraform types that are Namespaces
    manifests: Mapping[str, tuple[str, bool]] = field(default_factory=dict)  # type → (attribute, yaml?)
    helm_types: frozenset[str] = frozenset()
    chart: str = "chart"
    repository: str | None = None
    namespace: str | None = None
    values: str | None = None
    set: tuple[str, ...] = ()
    label_maps: str = LABEL_MAPS
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class KubernetesData:
    """The Kubernetes facts of the knowledge (``policies/kubernetes.yaml``), as the frontend reads them."""

    cluster_annotation: str
    ignore_annotation: str
    cluster_scoped: frozenset[str]
    cluster_scoped_groups: tuple[str, ...] = ()  # anchored patterns
    not_object_groups: frozenset[str]
    not_object_kinds: frozenset[str]
    workloads: Mapping[str, Workload]
    default_class_annotations: tuple[str, ...]
    class_annotation: str | None
    in_tree_volumes: Mapping[str, str]
    kustomization_files: frozenset[str]
    references: Mapping[str, tuple[ObjectReference, ...]] = field(default_factory=dict)  # by group/Kind
    namespace_sets: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)  # included, excluded
    destinations: Mapping[str, tuple[DestinationSpec, ...]] = field(default_factory=dict)
    region_paths: tuple[str, ...] = ()  # of cloud resources declared as objects
    region_annotations: tuple[str, ...] = ()
    terraform: TerraformObjects = field(default_factory=TerraformObjects)
    # kinds several API groups define among the knowledge's types: addressed ``Kind.group``
    ambiguous: frozenset[str] = frozenset()

    def key_of(self, api_version: str, kind: str) -> str:
        """``group/Kind`` for a custom resource, ``Kind`` for the core group."""
        group = api_group(api_version)
        return f"{group}/{kind}" if group else kind

    def type_of(self, knowledge: Knowledge, api_version: str, kind: str) -> str:
        """The key of ``policies/resource-types.yaml`` for an object: ``group/Kind`` for a custom
        resource listed there (``postgresql.cnpg.io/Cluster``), else its Kind."""
        group = api_group(api_version)
        return f"{group}/{kind}" if group and f"{group}/{kind}" in knowledge.types else kind

    def workload(self, api_version: str, kind: str) -> Workload | None:
        """Where a kind keeps its pod template (``group/Kind`` first, as custom resources are
        keyed), None for kinds that run no pods."""
        group = api_group(api_version)
        return (self.workloads.get(f"{group}/{kind}") if group else None) or self.workloads.get(kind)

    def is_cluster_scoped(self, api_version: str, kind: str) -> bool:
        if kind in self.cluster_scoped:
            return True
        group = api_group(api_version)
        return bool(group) and _matches_any(self.cluster_scoped_groups, group)

    def is_object(self, api_version: str, kind: str) -> bool:
        """False for tool configuration that looks like an object (kustomizations, kubeconfigs)."""
        return api_group(api_version) not in self.not_object_groups and kind not in self.not_object_kinds


@lru_cache(maxsize=4096)
def _matches_any(patterns: tuple[str, ...], text: str) -> bool:
    """Whether one of the anchored ``patterns`` matches: once per API group (an estate has a few).
    Run by RE2, as every pack pattern: a pack's pattern meets a group a scanned manifest wrote."""
    return any(compiled(p).fullmatch(text) for p in patterns)


def kubernetes_data(knowledge: Knowledge | None = None) -> KubernetesData:
    """The shipped facts, with the policy set's additions when it has any."""
    return shipped() if knowledge is None else _with_knowledge(knowledge)


@per_knowledge
def _with_knowledge(knowledge: Knowledge) -> KubernetesData:
    """Once per knowledge: the manifests and the Kubernetes objects declared in Terraform both ask."""
    data = build(document(knowledge, "kubernetes")) if knowledge.packs.get("kubernetes") else shipped()
    return replace(data, ambiguous=ambiguous_kinds(knowledge.types))


@lru_cache(maxsize=1)
def shipped() -> KubernetesData:
    return build(shipped_document("kubernetes"))


def ambiguous_kinds(types: Iterable[str]) -> frozenset[str]:
    """Kind names that several API groups define among the known types (``Backup`` of Velero and
    of CloudNativePG): objects of those kinds are addressed ``Kind.group``. Bare keys are the core
    and apps kinds; registry module keys (``owner/name/provider``) are not kinds."""
    groups: dict[str, set[str]] = {}
    for key in types:
        group, _, kind = key.rpartition("/")
        if "/" in group or not kind[:1].isalpha():
            continue
        groups.setdefault(kind, set()).add(group)
    return frozenset(kind for kind, found in groups.items() if len(found) > 1)


def api_group(api_version: str) -> str:
    """``apps/v1`` → ``apps``; the core ``v1`` has no group."""
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def build(raw: Mapping[str, Any]) -> KubernetesData:
    storage = raw["storage"]
    not_objects = raw.get("not_objects") or {}
    return KubernetesData(
        cluster_annotation=raw["annotations"]["cluster"],
        ignore_annotation=raw["annotations"]["ignore"],
        cluster_scoped=frozenset(raw["cluster_scoped_kinds"]),
        cluster_scoped_groups=tuple(raw.get("cluster_scoped_groups") or ()),
        not_object_groups=frozenset(not_objects.get("api_groups") or ()),
        not_object_kinds=frozenset(not_objects.get("kinds") or ()),
        workloads={kind: Workload(pod_metadata=w["pod_metadata"], pod_spec=w["pod_spec"],
                                  claim_templates=w.get("claim_templates"))
                   for kind, w in raw["workloads"].items()},
        default_class_annotations=tuple(storage["default_class_annotations"]),
        class_annotation=storage.get("class_annotation"),
        in_tree_volumes=dict(storage["in_tree_volumes"]),
        kustomization_files=frozenset(raw["kustomization_files"]),
        references=_grouped(raw.get("references") or (), _reference),
        namespace_sets={kind: (spec["included"], spec.get("excluded"))
                        for kind, spec in (raw.get("namespace_sets") or {}).items()},
        destinations=_grouped(raw.get("destinations") or (), _destination),
        region_paths=tuple((raw.get("cloud_resources") or {}).get("region_paths") or ()),
        region_annotations=tuple((raw.get("cloud_resources") or {}).get("region_annotations") or ()),
        terraform=_terraform(raw.get("terraform") or {}),
    )


def _terraform(raw: Mapping[str, Any]) -> TerraformObjects:
    helm = raw.get("helm") or {}
    return TerraformObjects(
        metadata=tuple(raw.get("metadata") or ()), namespaces=frozenset(raw.get("namespaces") or ()),
        manifests={t: (m["attribute"], bool(m.get("yaml"))) for t, m in (raw.get("manifests") or {}).items()},
        helm_types=frozenset(helm.get("types") or ()), chart=helm.get("chart", "chart"),
        repository=helm.get("repository"), namespace=helm.get("namespace"), values=helm.get("values"),
        set=tuple(helm.get("set") or ()), label_maps=helm.get("label_maps", LABEL_MAPS),
        charts=tuple(Chart(chart=c["chart"], repository=c.get("repository"), kind=c.get("kind", "datastore"),
                           note=c.get("note", ""),
                           destinations=tuple(_destination(d) for d in c.get("destinations") or ()))
                     for c in raw.get("charts") or ()),
    )


def _grouped(entries: Iterable[Mapping[str, Any]], make: Callable[[Mapping[str, Any]], T]) -> dict[str, tuple[T, ...]]:
    out: dict[str, list[T]] = {}
    for entry in entries:
        out.setdefault(entry["kind"], []).append(make(entry))
    return {kind: tuple(items) for kind, items in out.items()}


def _reference(entry: Mapping[str, Any]) -> ObjectReference:
    default = entry.get("default") or {}
    return ObjectReference(path=entry["path"], target=entry["target"], default_flag=default.get("flag"),
                           default_name=default.get("name"))


def _destination(entry: Mapping[str, Any]) -> DestinationSpec:
    return DestinationSpec(at=entry["at"], relation=entry.get("relation"), env=bool(entry.get("env")),
                           endpoint=entry.get("endpoint"), endpoints=entry.get("endpoints", "s3"),
                           url=entry.get("url"), provider=entry.get("provider"), region=entry.get("region"),
                           bucket=entry.get("bucket"), provider_name=entry.get("provider_name"),
                           applies_to=entry.get("applies_to"))


def dig(obj: Any, path: str) -> Any:
    """The value at a dotted path ("" is ``obj``), None when any step is missing or not a mapping."""
    if not path:
        return obj
    for part in path.split("."):
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(part)
    return obj
