"""Terraform-managed Kubernetes objects read as Kubernetes objects (``linter.kubernetes.terraform_objects``
says which they are): kind, labels, back-ups, Namespace, cluster."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable, Mapping

from linter.config import KubernetesConfig
from linter.knowledge import Knowledge
from linter.kubernetes.data import Chart, DestinationSpec, KubernetesData, dig, kubernetes_data
from linter.kubernetes.nodes import HOLDERS, cluster_nodes, spec_tags
from linter.kubernetes.objects import K8sObject, kind_label
from linter.kubernetes.operators import cloud_destination, destinations, plain_path
from linter.kubernetes.placement import Placement, Placer
from linter.kubernetes.storage import NAMESPACE
from linter.loaders.kubernetes import is_object
from linter.model import (
    Egress,
    Fragment,
    HostingClue,
    Location,
    Node,
    NodeKind,
    Relation,
    Tag,
    is_unknown,
)

DEFAULT_NAMESPACE = "default"


def read_objects(fragments: list[Fragment], objects: list[list[Node]], knowledge: Knowledge,
                 config: KubernetesConfig, config_file: str | None) -> list[Fragment]:
    """``fragments`` with ``objects`` (those of each fragment) read as Kubernetes objects, and the
    config clusters they are placed on added when no manifest added them."""
    data = kubernetes_data(knowledge)
    reader = _Reader(data, knowledge, config)
    present = {n.key for f in fragments for n in f.nodes}
    yaml_namespaces = [n for f in fragments for n in f.nodes if n.origin == "kubernetes" and n.type == NAMESPACE]
    out: list[Fragment] = []
    used: dict[str, Location] = {}
    for fragment, managed in zip(fragments, objects, strict=True):
        if not managed:
            out.append(fragment)
            continue
        read = {n.key: reader.read(n) for n in managed}
        namespaces = _terraform_namespaces(read.values())
        nodes = []
        for node in fragment.nodes:
            if node.key not in read:
                nodes.append(node)
                continue
            found = reader.inherit(read[node.key], namespaces, yaml_namespaces)
            if found.cluster and f"cluster:{found.cluster}" not in present:
                used.setdefault(found.cluster, found.location)
            nodes.append(found)
        out.append(replace(fragment, nodes=tuple(nodes)))
    if used:
        out.append(Fragment(nodes=tuple(cluster_nodes(used, config, config_file, data.cluster_annotation))))
    return out


def _terraform_namespaces(nodes: Iterable[Node]) -> dict[tuple[str, str], list[Tag]]:
    """(root, name) → the classification tags of the Namespaces Terraform creates there."""
    return {(n.scope, str(n.attributes["k8s_name"])): list(n.attributes.get("namespace_tags", ()))
            for n in nodes if n.attributes.get("k8s_kind") == NAMESPACE and n.attributes.get("k8s_name")}


class _Reader:
    def __init__(self, data: KubernetesData, knowledge: Knowledge, config: KubernetesConfig) -> None:
        self.data = data
        self.knowledge = knowledge
        self.config = config
        self.placer = Placer(config)
        self.terraform = data.terraform

    def read(self, node: Node) -> Node:
        """The node as a Kubernetes object: kind, tags, back-ups, cluster."""
        tf = self.terraform
        manifest = tf.manifests.get(node.type)
        if manifest is not None:
            node = self._manifest(node, *manifest)
        elif node.type in tf.helm_types:
            node = self._helm(node)
        metadata = node.attributes.get("k8s_metadata") or self._metadata(node)
        name, namespace = _text(metadata.get("name")), _text(metadata.get("namespace"))
        kind = node.attributes.get("k8s_kind") or (NAMESPACE if node.type in tf.namespaces else None)
        in_namespace = namespace or (None if kind == NAMESPACE else DEFAULT_NAMESPACE)
        attributes = {**node.attributes, "k8s_name": name, "k8s_kind": kind, "k8s_namespace": in_namespace}
        if kind == NAMESPACE:  # a Namespace classifies its objects, not itself
            attributes["namespace_tags"] = tuple(node.tags)
            node = replace(node, tags=())
        # the namespace a config system claims it by, as a manifest's (a Namespace: its own name)
        own = name if kind == NAMESPACE else in_namespace
        return self._place(replace(node, attributes=attributes, namespace=own or node.namespace), metadata)

    def inherit(self, node: Node, terraform: Mapping[tuple[str, str], list[Tag]], yaml: list[Node]) -> Node:
        """A data store's or workload's Namespace classification, after its own tags: the Namespace
        Terraform creates in the same root, else a manifest's Namespace of that name (on the same
        cluster, else the only one)."""
        namespace = node.attributes.get("k8s_namespace")
        if not namespace or node.kind not in HOLDERS:
            return node
        source = f"namespace {namespace}"
        tags = terraform.get((node.scope, namespace))
        if tags is None:
            named = [n for n in yaml if n.address == f"{NAMESPACE}/{namespace}"]
            same = [n for n in named if node.cluster and n.cluster == node.cluster]
            chosen = same or (named if len(named) == 1 else [])
            tags = [t for n in chosen for t in n.attributes.get("namespace_tags", ())]
        inherited = [Tag(key=t.key, value=t.value, location=t.location, source=source) for t in tags]
        return replace(node, tags=(*node.tags, *inherited)) if inherited else node

    def _metadata(self, node: Node) -> Mapping[str, Any]:
        for path in self.terraform.metadata:
            found = dig(node.attributes, path) if "." in path else node.attributes.get(path)
            found = found[0] if isinstance(found, list) and found else found  # a block is a list
            if isinstance(found, Mapping):
                return found
        if node.type in self.terraform.helm_types and self.terraform.namespace:
            return {"namespace": node.attributes.get(self.terraform.namespace), "name": node.attributes.get("name")}
        return {}

    def _place(self, node: Node, metadata: Mapping[str, Any]) -> Node:
        """Placed as a manifest when its provider names no cluster: annotation, paths, default."""
        clue = node.hosting
        if clue is None or clue.cluster is not None:
            return node
        annotations = metadata.get("annotations")
        own = _text(annotations.get(self.data.cluster_annotation)) if isinstance(annotations, Mapping) else ""
        address = clue.provider.address if clue.provider else ""
        mapped = next((c.name for c in self.config.clusters.values() if address and address in c.providers), None)
        placement = (Placement(mapped, f"kubernetes.clusters.{mapped}.providers names {address}")
                     if mapped and not own else self.placer.place(node.location.file, own or None, None))
        if placement.cluster is None:
            return node
        why = f"{placement.why} (provider {clue.provider.address if clue.provider else '?'} names no cluster)"
        return replace(node, cluster=placement.cluster,
                       hosting=HostingClue(cluster=f"cluster:{placement.cluster}", destination=clue.destination,
                                           why=why))

    def _manifest(self, node: Node, attribute: str, is_yaml: bool) -> Node:
        body = node.attributes.get(attribute)
        if is_yaml and isinstance(body, str):
            from linter.loaders.safe_yaml import load_documents  # on use: most objects hold no YAML text

            documents, _ = load_documents(body)
            body = documents[0].value if documents else None
        if not isinstance(body, Mapping) or not is_object(body):
            return node
        found = body.get("metadata")
        metadata: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        item = K8sObject(obj=body, kind=str(body["kind"]), api_version=str(body["apiVersion"]),
                         name=_text(metadata.get("name")), namespace=_text(metadata.get("namespace")) or None,
                         location=node.location, placement_path=node.location.file, labels={}, annotations={},
                         label=kind_label(str(body["apiVersion"]), str(body["kind"]), self.data.ambiguous))
        type_ = self.data.type_of(self.knowledge, item.api_version, item.kind)
        tags = [*node.tags, *_meta_tags(metadata, node.location, self.data),
                *spec_tags(item, self.knowledge.tag_paths(type_))]
        found = destinations(item, self.data.destinations.get(self.data.key_of(item.api_version, item.kind), ()))
        egress = [Egress(relation=Relation(spec.relation), attribute=f"{attribute}.{plain_path(spec.at)}",
                         location=node.location, destination=destination)
                  for spec, destination, _ in found if spec.relation is not None]
        hosted = next((d for spec, d, _ in found if spec.relation is None), None)
        destination = hosted or cloud_destination(item, self.data, self.knowledge)
        hosting = replace(node.hosting, destination=destination) if node.hosting and destination else node.hosting
        return replace(node, type=type_, kind=self.knowledge.kind_of(type_), tags=tuple(tags),
                       egress=(*node.egress, *egress), hosting=hosting,
                       attributes={**node.attributes, "k8s_kind": item.kind, "k8s_metadata": metadata},
                       notes=(*node.notes, f"its {attribute} is a {item.label} manifest"))

    def _helm(self, node: Node) -> Node:
        tf = self.terraform
        chart_name = _text(node.attributes.get(tf.chart)).rstrip("/").rsplit("/", 1)[-1]
        repository = _text(node.attributes.get(tf.repository)) if tf.repository else ""
        chart = next((c for c in tf.charts if _chart_matches(c, chart_name, repository)), None)
        if chart is None:
            return node
        values = self._values(node)
        tags = [*node.tags, *_label_tags(values, re.compile(tf.label_maps), node.location)]
        egress = [Egress(relation=Relation(spec.relation), attribute=f"values.{plain_path(spec.at)}",
                         location=node.location, destination=destination)
                  for spec, destination, _ in _value_destinations(values, chart.destinations, node)
                  if spec.relation is not None]
        return replace(node, kind=NodeKind(chart.kind), tags=tuple(tags), egress=(*node.egress, *egress),
                       notes=(*node.notes, f"chart {chart_name}: {chart.note or 'a data store'}"))

    def _values(self, node: Node) -> dict[str, Any]:
        """The release's values: its ``values`` YAML documents, then its ``set`` entries."""
        tf = self.terraform
        merged: dict[str, Any] = {}
        documents = node.attributes.get(tf.values) if tf.values else None
        texts = [text for text in documents if isinstance(text, str)] if isinstance(documents, list) else []
        if texts:
            from linter.loaders.safe_yaml import load_documents  # on use: most releases hold no values text

            for text in texts:
                loaded, _ = load_documents(text)
                for document in loaded:
                    if isinstance(document.value, Mapping):
                        _merge(merged, document.value)
        for attribute in tf.set:
            entries = node.attributes.get(attribute)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
                    _merge(merged, _nested(_set_path(entry["name"]), entry.get("value")))
        return merged


def _chart_matches(chart: Chart, name: str, repository: str) -> bool:
    if chart.chart != name:
        return False
    return chart.repository is None or re.search(chart.repository, repository, re.IGNORECASE) is not None


def _value_destinations(values: Mapping[str, Any], specs: tuple[DestinationSpec, ...],
                        node: Node) -> list[Any]:
    item = K8sObject(obj=values, kind="", api_version="", name="", namespace=None, location=node.location,
                     placement_path=node.location.file, labels={}, annotations={})
    return destinations(item, specs)


def _set_path(name: str) -> list[str]:
    """Helm's ``--set`` key: dots split it, ``\\.`` is a dot inside a key (``podLabels.app\\.kubernetes\\.io/x``)."""
    return [part.replace("\0", ".") for part in name.replace("\\.", "\0").split(".")]


def _nested(parts: list[str], leaf: Any) -> dict[str, Any]:
    out: Any = leaf
    for part in reversed(parts):
        out = {part: out}
    return out  # type: ignore[no-any-return]


def _merge(target: dict[str, Any], addition: Mapping[str, Any]) -> None:
    for key, value in addition.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = dict(value) if isinstance(value, Mapping) else value


def _label_tags(values: Any, label_maps: re.Pattern[str], location: Location, path: str = "") -> list[Tag]:
    """Every entry of a mapping found under a key ending in labels or annotations, at any depth."""
    tags: list[Tag] = []
    if not isinstance(values, Mapping):
        return tags
    for key, value in values.items():
        where = f"{path}.{key}" if path else str(key)
        if label_maps.search(str(key)) and isinstance(value, Mapping):
            tags += [Tag(key=str(k), value=v if is_unknown(v) else _text(v), location=location,
                         source=f"values {where}") for k, v in value.items() if not isinstance(v, (Mapping, list))]
        else:
            tags += _label_tags(value, label_maps, location, where)
    return tags


def _meta_tags(metadata: Mapping[str, Any], location: Location, data: KubernetesData) -> list[Tag]:
    """Labels and annotations of a manifest in HCL, an unevaluated value kept as unknown."""
    directives = {data.cluster_annotation, data.ignore_annotation}
    tags = []
    for source in ("labels", "annotations"):
        found = metadata.get(source)
        if is_unknown(found):
            tags.append(Tag(key="*", value=found, location=location, source=f"manifest {source}"))
        elif isinstance(found, Mapping):
            tags += [Tag(key=str(k), value=v if is_unknown(v) else _text(v), location=location,
                         source=f"manifest {source}") for k, v in found.items() if k not in directives]
    return tags


def _text(value: Any) -> str:
    if value is None or isinstance(value, (Mapping, list)) or is_unknown(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
