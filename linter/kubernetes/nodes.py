"""Placed Kubernetes objects → graph nodes and edges (docs/architecture.md#graph).

Node keys are ``cluster:<name>::<address>`` (``cluster:?::<address>`` for an object on no known
cluster), so that two clusters running ``Deployment/app/api`` stay two nodes. Links between
objects (a claim and its class, a Namespace and its objects) stay inside one cluster; when the
other end is on no cluster or another one, the only object of that name in the scan is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from linter.config import KubernetesConfig
from linter.knowledge import Knowledge, normalise
from linter.kubernetes.data import KubernetesData, dig
from linter.kubernetes.objects import K8sObject, address_of, kind_label, string_map, suppressions_of, tags_of
from linter.kubernetes.operators import cloud_destination, destinations, merge_into, nested, plain_path, texts_at
from linter.kubernetes.placement import UNPLACED_WHY, Placement
from linter.kubernetes.storage import (
    CLAIM,
    CLASS,
    NAMESPACE,
    VOLUME,
    InlineClaim,
    bound_claim,
    claim_class,
    is_default_class,
    pod_volumes,
    provisioner,
    volume_driver,
)
from linter.model import (
    Destination,
    Edge,
    Egress,
    HostAddress,
    HostingClue,
    Location,
    Node,
    NodeKind,
    Reference,
    Relation,
    Tag,
)

UNPLACED = "?"
HOLDERS = frozenset({NodeKind.DATASTORE, NodeKind.COMPUTE})


@dataclass(frozen=True, slots=True)
class Placed:
    """An object and the cluster it was placed on."""

    item: K8sObject
    placement: Placement

    @property
    def scope(self) -> str:
        return f"cluster:{self.placement.cluster or UNPLACED}"

    @property
    def key(self) -> str:
        return f"{self.scope}::{self.item.address}"


class Graphlet:
    """Collects the nodes and edges of one scan's Kubernetes objects."""

    def __init__(self, placed: Sequence[Placed], knowledge: Knowledge, data: KubernetesData) -> None:
        self.knowledge = knowledge
        self.data = data
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.notes: list[str] = []
        self.by_key: dict[str, Placed] = {}
        self.by_address: dict[str, list[Placed]] = {}
        for p in placed:
            first = self.by_key.setdefault(p.key, p)
            if first is not p:
                self.notes.append(f"{p.item.address} is defined twice on {p.scope.removeprefix('cluster:')}: "
                                  f"{_where(first.item.location)} and {_where(p.item.location)}; the first is used")
                continue
            self.by_address.setdefault(p.item.address, []).append(p)
        # (cluster scope, group/Kind) → where an operator's configuration sends their data
        self.cluster_egress: dict[tuple[str, str], list[Egress]] = {}
        for p in self.by_key.values():
            specs = tuple(s for s in data.destinations.get(data.key_of(p.item.api_version, p.item.kind), ())
                          if s.applies_to)
            for spec, destination, line in destinations(p.item, specs):
                self.cluster_egress.setdefault((p.scope, spec.applies_to or ""), []).append(
                    Egress(relation=Relation(spec.relation or "backs_up_to"),
                           attribute=f"{p.item.address} {plain_path(spec.at)}",
                           location=Location(p.item.location.file, line), destination=destination))
        self.default_class = {p.scope: p for p in reversed(list(self.by_key.values()))
                              if p.item.kind == CLASS and is_default_class(p.item, data)}
        self.claimed = {(p.scope, bc): p for p in self.by_key.values() if p.item.kind == VOLUME
                        for bc in [bound_claim(p.item)] if bc is not None}

    def find(self, scope: str, address: str) -> Placed | None:
        """The object at ``address`` on the same cluster, else the only one of that address."""
        same = self.by_key.get(f"{scope}::{address}")
        if same is not None:
            return same
        others = self.by_address.get(address, [])
        return others[0] if len(others) == 1 else None

    def build(self) -> None:
        for p in self.by_key.values():
            self._object(p)

    def _object(self, p: Placed) -> None:
        item, data = p.item, self.data
        tags = tags_of(item.labels, item.annotations, item.location, data)
        workload = data.workload(item.api_version, item.kind)
        if workload is not None and workload.pod_metadata:
            meta = dig(item.obj, workload.pod_metadata)
            meta = meta if isinstance(meta, Mapping) else {}
            tags += tags_of(string_map(meta.get("labels")), string_map(meta.get("annotations")),
                            item.location, data, "pod template labels", "pod template annotations")
        type_ = data.type_of(self.knowledge, item.api_version, item.kind)
        tags += spec_tags(item, self.knowledge.tag_paths(type_))
        key = data.key_of(item.api_version, item.kind)
        # a Service or a RoleBinding holds no data: a Namespace's classification is its workloads'
        # and data stores' (own labels still count on any object); a back-up of other namespaces
        # holds theirs
        if key in data.namespace_sets:
            inherited = self._namespace_set_tags(p, *data.namespace_sets[key])
        else:
            inherited = self._namespace_tags(p) if self.knowledge.kind_of(type_) in HOLDERS else []
        notes: list[str] = []
        signals: dict[str, str] = {}
        volumes = pod_volumes(item, data)
        for use in volumes.claims:
            claim = self.find(p.scope, address_of(CLAIM, item.namespace, use.claim))
            if claim is None:
                notes.append(f"mounts claim {use.claim} (volume {use.volume}), which is not in the scanned files")
            else:
                self._edge(p.key, claim.key, Relation.MOUNTS, item.location.file, use.line, "spec.volumes")
        for inline in volumes.inline:
            self._inline_claim(p, inline, [*tags, *inherited])
        if volumes.drivers:
            signals["csi_driver"] = volumes.drivers[0]
            if len(volumes.drivers) > 1:
                notes.append(f"its inline volumes use several drivers: {', '.join(volumes.drivers)}")
        if item.kind == CLAIM:
            signals.update(self._claim_storage(p, item.obj.get("spec"), item.annotations, p.key, item.location))
        elif item.kind == VOLUME:
            signals.update(self._volume_storage(p))
        elif item.kind == CLASS and provisioner(item):
            signals["csi_driver"] = provisioner(item) or ""
        if item.namespace is not None:
            namespace = self.by_key.get(f"{p.scope}::{address_of(NAMESPACE, None, item.namespace)}")
            if namespace is not None:
                self._edge(namespace.key, p.key, Relation.CONTAINS, item.location.file, item.location.line, None)
        if p.placement.cluster is None:
            notes.append(UNPLACED_WHY)
        attributes = _attributes(item, p.placement)
        references = self._references(p, key, attributes)
        egress: list[Egress] = list(self.cluster_egress.get((p.scope, key), ()))
        hosted: Destination | None = None
        for spec, destination, line in destinations(item, data.destinations.get(key, ())):
            if spec.applies_to is not None:
                continue  # an operator's setting: the objects it manages send there (cluster_egress)
            if spec.relation is None:
                hosted = hosted or destination
            else:
                egress.append(Egress(relation=Relation(spec.relation), attribute=plain_path(spec.at),
                                     location=Location(item.location.file, line), destination=destination))
        self.nodes.append(self._node(p, item.address, item.kind, item.location, [*tags, *inherited], signals, notes,
                                     attributes, hosted or cloud_destination(item, data, self.knowledge),
                                     tuple(references), tuple(egress)))

    def _node(self, p: Placed, address: str, type_: str, location: Location, tags: list[Tag],
              signals: Mapping[str, str], notes: list[str], attributes: Mapping[str, Any],
              destination: Destination | None = None, references: tuple[Reference, ...] = (),
              egress: tuple[Egress, ...] = ()) -> Node:
        cluster = p.placement.cluster
        clue = None
        if cluster is not None or signals or destination is not None:
            clue = HostingClue(cluster=f"cluster:{cluster}" if cluster else None, signals=dict(signals),
                               destination=destination, why=p.placement.why)
        if type_ == NAMESPACE:  # its labels classify its objects, not itself (docs/kubernetes.md)
            attributes = {**attributes, "namespace_tags": tuple(tags)}
            tags = []
        if type_ == p.item.kind:
            type_ = self.data.type_of(self.knowledge, p.item.api_version, type_)
        return Node(key=f"{p.scope}::{address}", address=address, type=type_, kind=self.knowledge.kind_of(type_),
                    origin="kubernetes", location=location, scope=p.scope, cluster=cluster,
                    namespace=p.item.name if p.item.kind == NAMESPACE else p.item.namespace, tags=tuple(tags),
                    attributes=attributes, hosting=clue, suppressions=suppressions_of(p.item, self.data),
                    notes=tuple(notes), references=references, egress=egress)

    def _namespace_tags(self, p: Placed) -> list[Tag]:
        """The labels and annotations of the object's Namespace: on its cluster, else every
        Namespace of that name in the scan."""
        if p.item.namespace is None:
            return []
        address = address_of(NAMESPACE, None, p.item.namespace)
        same = self.by_key.get(f"{p.scope}::{address}")
        sources = [same] if same is not None else self.by_address.get(address, [])
        source = f"namespace {p.item.namespace}"
        return [t for ns in sources for t in tags_of(ns.item.labels, ns.item.annotations, ns.item.location,
                                                      self.data, source, source)]

    def _namespace_set_tags(self, p: Placed, included_path: str, excluded_path: str | None) -> list[Tag]:
        """The classification of the namespaces a back-up includes (every Namespace of its
        cluster when it names none, or ``*``), the ones whose level requires SecNumCloud first."""
        included = texts_at(p.item.obj, included_path)
        excluded = set(texts_at(p.item.obj, excluded_path)) if excluded_path else set()
        everything = not included or "*" in included
        sources = [ns for ns in self.by_key.values() if ns.item.kind == NAMESPACE
                   and (ns.scope == p.scope if everything else ns.item.name in included)
                   and ns.item.name not in excluded]
        if not everything:  # a Namespace of another cluster only when this cluster has none of that name
            local = {ns.item.name for ns in sources if ns.scope == p.scope}
            sources = [ns for ns in sources if ns.scope == p.scope or ns.item.name not in local]
        strict = {normalise(v) for level in self.knowledge.vocabulary.requires_secnumcloud
                  for v in self.knowledge.vocabulary.levels.get(level, ())}
        sources.sort(key=lambda ns: not any(normalise(v) in strict for v in [*ns.item.labels.values(),
                                                                            *ns.item.annotations.values()]))
        return [t for ns in sources for t in tags_of(ns.item.labels, ns.item.annotations, ns.item.location, self.data,
                                                       f"namespace {ns.item.name} (included by {p.item.address})",
                                                       f"namespace {ns.item.name} (included by {p.item.address})")]

    def _references(self, p: Placed, key: str, attributes: dict[str, Any]) -> list[Reference]:
        """The objects a custom resource names (kubernetes.yaml ``references``); the names go into
        its attributes too, so that a name no scanned object answers is a dangling flow."""
        out: list[Reference] = []
        item = p.item
        for spec in self.data.references.get(key, ()):
            kind = spec.target.rpartition("/")[2]
            label = kind_label(spec.target, kind, self.data.ambiguous)  # group/Kind splits as an apiVersion
            names = texts_at(item.obj, spec.path)
            targets: list[Placed] = []
            if names:
                targets = [t for name in names
                           if (t := self.find(p.scope, address_of(label, item.namespace, name))) is not None]
            elif spec.default_flag or spec.default_name:
                default = self._default_target(p, label, spec.default_flag, spec.default_name)
                names = [default.item.name if default else f"(the default {kind})"]
                targets = [default] if default else []
            else:
                continue
            merge_into(attributes, nested(spec.path, names))
            out += [Reference(attribute=plain_path(spec.path), target=t.key, location=item.location)
                    for t in targets]
        return out

    def _default_target(self, p: Placed, label: str, flag: str | None, name: str | None) -> Placed | None:
        """The object of that kind in the same namespace and cluster marked by ``flag``, else the one
        called ``name``."""
        same = [o for o in self.by_key.values() if o.scope == p.scope and o.item.namespace == p.item.namespace
                and (o.item.label or o.item.kind) == label]
        marked = [o for o in same if flag and str(dig(o.item.obj, flag)).lower() == "true"]
        named = [o for o in same if name and o.item.name == name]
        found = marked or named
        return found[0] if found else None

    def _inline_claim(self, owner: Placed, inline: InlineClaim, owner_tags: list[Tag]) -> None:
        """A claim template or ephemeral volume: a data store of its own, owned by the workload
        (its tags, then the owner's, then the Namespace's)."""
        item = owner.item
        address = address_of(CLAIM, item.namespace, inline.name)
        location = Location(item.location.file, inline.line)
        own = tags_of(string_map(inline.metadata.get("labels")), string_map(inline.metadata.get("annotations")),
                      location, self.data)
        owned = [t if t.source.startswith("namespace") else
                 Tag(key=t.key, value=t.value, location=t.location, source=f"{t.source} of {item.address}")
                 for t in owner_tags]
        key = f"{owner.scope}::{address}"
        signals = self._claim_storage(owner, inline.spec, string_map(inline.metadata.get("annotations")),
                                      key, location)
        attributes = {"template_of": item.address, "name_pattern": inline.name}
        self.nodes.append(self._node(owner, address, CLAIM, location, [*own, *owned], signals,
                                     [f"{inline.what}: Kubernetes creates the claims {inline.name} from it"],
                                     attributes))
        self._edge(owner.key, key, Relation.MOUNTS, location.file, location.line, "volumeClaimTemplates")

    def _claim_storage(self, p: Placed, spec: Any, annotations: Mapping[str, str], key: str,
                       location: Location) -> dict[str, str]:
        """Edges of a claim to its StorageClass and PersistentVolume; the CSI driver they tell."""
        spec = spec if isinstance(spec, Mapping) else {}
        signals: dict[str, str] = {}
        wanted = claim_class(spec, annotations, self.data)
        storage_class = (self.default_class.get(p.scope) if wanted is None
                         else self.find(p.scope, address_of(CLASS, None, wanted)) if wanted else None)
        if storage_class is not None:
            self._edge(key, storage_class.key, Relation.USES, location.file, location.line, "spec.storageClassName")
            signals["storage_class"] = storage_class.item.name
            if provisioner(storage_class.item):
                signals["csi_driver"] = provisioner(storage_class.item) or ""
        elif wanted:
            signals["storage_class"] = wanted
        name = spec.get("volumeName")
        volume = self.find(p.scope, address_of(VOLUME, None, str(name))) if name else None
        if volume is None and key == p.key and p.item.namespace is not None:
            volume = self.claimed.get((p.scope, (p.item.namespace, p.item.name)))
        if volume is not None:
            self._edge(key, volume.key, Relation.USES, location.file, location.line, "spec.volumeName")
            driver = volume_driver(dig(volume.item.obj, "spec") or {}, self.data)
            if driver:  # the volume holds the data: its driver over its class's
                signals["csi_driver"] = driver
        return signals

    def _volume_storage(self, p: Placed) -> dict[str, str]:
        spec = dig(p.item.obj, "spec")
        spec = spec if isinstance(spec, Mapping) else {}
        driver = volume_driver(spec, self.data)
        wanted = spec.get("storageClassName")
        storage_class = self.find(p.scope, address_of(CLASS, None, str(wanted))) if wanted else None
        if storage_class is not None:
            self._edge(p.key, storage_class.key, Relation.USES, p.item.location.file, p.item.location.line,
                       "spec.storageClassName")
            driver = driver or provisioner(storage_class.item)
        return {"csi_driver": driver} if driver else {}

    def _edge(self, source: str, target: str, relation: Relation, file: str, line: int,
              attribute: str | None) -> None:
        self.edges.append(Edge(source=source, target=target, relation=relation,
                               location=Location(file, line), attribute=attribute))


def spec_tags(item: K8sObject, paths: tuple[str, ...]) -> list[Tag]:
    """Tags a kind keeps in its spec (a Crossplane resource's ``spec.forProvider.tags``): every
    tag path of resource-types.yaml that is not the metadata."""
    tags: list[Tag] = []
    for path in paths:
        if path.startswith("metadata."):
            continue
        value = dig(item.obj, path)
        if isinstance(value, list):  # [{key: …, value: …}] as ACK writes them
            value = {str(e.get("key")): e.get("value") for e in value if isinstance(e, Mapping) and "key" in e}
        source = path.rsplit(".", 1)[-1]
        tags += [Tag(key=k, value=v, location=item.location, source=source) for k, v in string_map(value).items()]
    return tags


def _attributes(item: K8sObject, placement: Placement) -> dict[str, Any]:
    out: dict[str, Any] = {"apiVersion": item.api_version, "name": item.name, "placement": placement.why}
    if item.namespace is not None:
        out["namespace"] = item.namespace
    return out


def _where(location: Location) -> str:
    return f"{location.file}:{location.line}"


def cluster_nodes(used: Mapping[str, Location], config: KubernetesConfig, config_file: str | None,
                  annotation: str) -> list[Node]:
    """One node per cluster that objects run on; its hosting is declared or a Terraform resource."""
    nodes = []
    for name, first_use in used.items():
        spec = config.clusters.get(name)
        clue: HostingClue | None = None
        notes: tuple[str, ...] = ()
        if spec is not None and spec.hosting:
            clue = HostingClue(declared=dict(spec.hosting), why=f"kubernetes.clusters.{name}.hosting")
        elif spec is not None and spec.terraform:
            clue = HostingClue(host_address=HostAddress(address=spec.terraform, root=spec.root),
                               why=f"kubernetes.clusters.{name}.terraform")
        else:
            notes = (f"cluster {name} is named by a {annotation} annotation but is not in kubernetes.clusters "
                     "of the config: its hosting is unknown",)
        location = Location(config_file or ".snclint.yaml", 1) if spec is not None else first_use
        nodes.append(Node(key=f"cluster:{name}", address=f"cluster/{name}", type="cluster",
                          kind=NodeKind.CLUSTER, origin="config", location=location, scope=f"cluster:{name}",
                          cluster=name, hosting=clue, notes=notes))
    return nodes
