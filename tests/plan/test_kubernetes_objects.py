"""Kubernetes objects in a plan (``kubernetes_manifest``, ``helm_release``…) are read as Kubernetes
objects, as in HCL: a CloudNativePG back-up leaving the cluster is seen in plan mode too."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cnpg

KUBERNETES = "registry.terraform.io/hashicorp/kubernetes"


def _resource(address: str, values: dict[str, object]) -> dict[str, object]:
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name, "provider_name": KUBERNETES,
            "values": values, "sensitive_values": {}}


PLAN = {
    "format_version": "1.2", "terraform_version": "1.10.2",
    "planned_values": {"root_module": {"resources": [
        _resource("kubernetes_namespace_v1.dossiers",
                  {"metadata": [{"name": "dossiers", "labels": {"sensibilite": "particuliere"}}]}),
        _resource("kubernetes_manifest.pg", {"manifest": cnpg.manifest("dossiers")}),
    ]}},
    "configuration": {"provider_config": {"kubernetes": {"name": "kubernetes", "full_name": KUBERNETES}},
                      "root_module": {"resources": []}},
}


def test_a_planned_kubernetes_manifest_is_read_as_the_object_it_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    files = {".snclint.yaml": cnpg.CONFIG, "plan.json": json.dumps(PLAN, indent=1)}
    findings = cnpg.scan(tmp_path, files, ["plan.json"], monkeypatch, capsys)["findings"]
    assert [(f["rule_id"], f["address"], f["file"], f["cluster"], f["hosting"]["reason"]) for f in findings] == [
        ("SNC002", "kubernetes_manifest.pg", "plan.json", "snc", "offer-not-qualified")]
