"""Kubernetes objects managed by Terraform, read as Kubernetes objects (docs/kubernetes.md).

The Terraform frontend evaluates ``kubernetes_*``, ``kubectl_*`` and ``helm_release`` resources
like any other and hosts them on the cluster their provider's ``host`` names. What makes them
Kubernetes objects is read here, between the frontends and the graph, on plain nodes:

- a ``kubernetes_manifest``'s ``manifest`` or a ``kubectl_manifest``'s ``yaml_body`` is a manifest:
  its kind (a CloudNativePG ``Cluster`` is a data store), labels and operator back-ups are read as
  the manifest files' are;
- a ``helm_release`` of a chart known to deploy a data store (Bitnami PostgreSQL …) is a data
  store, classified by the labels its values set; its back-up values are read where they name a
  bucket;
- an object's Namespace (a Terraform ``kubernetes_namespace`` or a manifest's ``Namespace``) gives
  it its classification;
- an object whose provider names no cluster (``provider "kubernetes" {}`` reads KUBECONFIG) is
  placed as manifests are: its ``snclint.io/cluster`` annotation, the config cluster that lists its
  provider configuration (``providers``), the config's cluster ``paths`` (matched on its ``.tf``
  file), ``kubernetes.default``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from linter.knowledge import Knowledge
from linter.model import Fragment, Node, ProviderConfig
from linter.provider_sources import cluster_clients, implicit_source, normalise_provider_source

if TYPE_CHECKING:
    from linter.config import KubernetesConfig

TERRAFORM_ORIGINS = ("terraform", "plan")  # the frontends whose nodes are Terraform resources (HCL, plan JSON)


def link_terraform_objects(fragments: list[Fragment], knowledge: Knowledge, config: KubernetesConfig,
                           config_file: str | None = None) -> list[Fragment]:
    """The fragments with their Terraform-managed Kubernetes objects read as such, and the config
    clusters those objects are placed on added when no manifest added them."""
    clients = set(cluster_clients(knowledge))
    objects = [[n for n in fragment.nodes if _on_cluster(n, clients, knowledge)] for fragment in fragments]
    if not any(objects):  # most roots manage no Kubernetes object: its knowledge is not even read
        return fragments
    from linter.kubernetes.terraform_object_reader import read_objects

    return read_objects(fragments, objects, knowledge, config, config_file)


def _on_cluster(node: Node, clients: set[str], knowledge: Knowledge) -> bool:
    """A Terraform resource whose provider talks to a Kubernetes cluster."""
    return node.origin in TERRAFORM_ORIGINS and node.hosting is not None and node.hosting.provider is not None \
        and _source(node.hosting.provider, knowledge) in clients


def _source(config: ProviderConfig, knowledge: Knowledge) -> str:
    if config.source:
        return normalise_provider_source(config.source, knowledge)
    return implicit_source(knowledge, config.name)
