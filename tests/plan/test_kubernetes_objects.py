"""Kubernetes objects in a plan (``kubernetes_manifest``, ``helm_release``…) are read as Kubernetes
objects, as in HCL: a CloudNativePG back-up leaving the cluster is seen in plan mode too."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cli import main

CONFIG = """version: 1
kubernetes:
  clusters:
    snc:
      hosting: {provider: outscale, offer: iaas, region: cloudgouv-eu-west-1}
  default: snc
"""

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
        _resource("kubernetes_manifest.pg", {"manifest": {
            "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
            "metadata": {"name": "pg", "namespace": "dossiers"},
            "spec": {"backup": {"barmanObjectStore": {"destinationPath": "s3://dossiers/pg",
                                                      "endpointURL": "https://s3.gra.io.cloud.ovh.net"}}}}}),
    ]}},
    "configuration": {"provider_config": {"kubernetes": {"name": "kubernetes", "full_name": KUBERNETES}},
                      "root_module": {"resources": []}},
}


def test_a_planned_kubernetes_manifest_is_read_as_the_object_it_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".snclint.yaml").write_text(CONFIG)
    (tmp_path / "plan.json").write_text(json.dumps(PLAN, indent=1))
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "plan.json", "-f", "json", "--no-cache"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule_id"], f["address"], f["file"], f["cluster"], f["hosting"]["reason"]) for f in findings] == [
        ("SNC002", "kubernetes_manifest.pg", "plan.json", "snc", "offer-not-qualified")]
