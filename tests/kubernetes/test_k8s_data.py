"""policies/kubernetes.yaml: valid, complete, and extended (not replaced) by a policy folder."""
from __future__ import annotations

import json
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import jsonschema
import yaml

from linter.knowledge import Knowledge
from linter.kubernetes.data import Workload, dig, kubernetes_data, shipped
from linter.policy_files import load_knowledge, shipped_document
from linter.policy_kinds import deep as merged


def test_shipped_file_is_valid_and_complete() -> None:
    schema = json.loads((files("linter.schemas") / "kubernetes.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    raw = shipped_document("kubernetes")
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(raw)) == []
    assert {"annotations", "cluster_scoped_kinds", "workloads", "storage", "kustomization_files"} <= set(raw)
    data = shipped()
    assert (data.cluster_annotation, data.ignore_annotation) == ("snclint.io/cluster", "snclint.io/ignore")
    assert {"Namespace", "PersistentVolume", "StorageClass", "ClusterRole"} <= data.cluster_scoped
    assert data.workloads["CronJob"] == Workload(pod_metadata="spec.jobTemplate.spec.template.metadata",
                                                 pod_spec="spec.jobTemplate.spec.template.spec")
    assert data.workloads["StatefulSet"].claim_templates == "spec.volumeClaimTemplates"
    assert data.in_tree_volumes["awsElasticBlockStore"] == "kubernetes.io/aws-ebs"
    assert data.workload("argoproj.io/v1alpha1", "Rollout") == data.workloads["argoproj.io/Rollout"]
    assert data.workload("apps/v1", "Deployment") == data.workloads["Deployment"]
    assert data.workload("v1", "Service") is None and data.workload("example.org/v1", "Rollout") is None


def test_every_workload_and_claim_kind_is_known_to_the_resource_types() -> None:
    knowledge = load_knowledge()
    pending = {"argoproj.io/Rollout"}  # asked of policies/resource-types.yaml
    for kind in [*shipped().workloads, "PersistentVolumeClaim", "PersistentVolume"]:
        assert kind in knowledge.types or kind in pending, kind


def test_a_policy_folder_adds_to_the_shipped_facts(tmp_path: Path) -> None:
    (tmp_path / "k8s.yaml").write_text(yaml.safe_dump({
        "kind": "kubernetes", "version": 1,
        "cluster_scoped_kinds": ["Tenant"],
        "workloads": {"Workflow": {"pod_metadata": "", "pod_spec": "spec.templates.0"}},
    }))
    data = kubernetes_data(load_knowledge([str(tmp_path)]))
    assert {"Tenant", "Namespace"} <= data.cluster_scoped
    assert {"Workflow", "Deployment"} <= set(data.workloads)
    assert data.cluster_annotation == "snclint.io/cluster"


def test_type_of_custom_resources(tmp_path: Path) -> None:
    knowledge: Knowledge = load_knowledge()
    data = shipped()
    assert data.type_of(knowledge, "postgresql.cnpg.io/v1", "Cluster") == "postgresql.cnpg.io/Cluster"
    assert data.type_of(knowledge, "cluster.x-k8s.io/v1beta1", "Cluster") == "Cluster"
    assert data.type_of(knowledge, "apps/v1", "Deployment") == "Deployment"
    assert data.type_of(replace(knowledge, types={}), "postgresql.cnpg.io/v1", "Cluster") == "Cluster"
    assert not data.is_object("kustomize.config.k8s.io/v1beta1", "Kustomization")
    assert not data.is_object("v1", "Config") and data.is_object("v1", "ConfigMap")


def test_merged_and_dig() -> None:
    assert merged({"a": [1, 2], "b": {"x": 1}, "c": 1}, {"a": [2, 3], "b": {"y": 2}, "c": 2}) == \
        {"a": [1, 2, 3], "b": {"x": 1, "y": 2}, "c": 2}
    assert dig({"a": {"b": 1}}, "a.b") == 1 and dig({"a": [1]}, "a.b") is None and dig(3, "") == 3
