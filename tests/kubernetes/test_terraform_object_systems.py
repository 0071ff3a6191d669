"""A config system claims the Kubernetes objects Terraform manages by their namespace, as it claims
manifests: the namespace a ``kubernetes_manifest`` holds or a ``helm_release`` deploys into counts,
not only a ``metadata`` block's."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import cnpg

SYSTEMS = """systems:
  - name: dossiers
    level: particuliere
    members:
      namespaces: [dossiers]
"""

MAIN = """provider "kubernetes" {}
provider "helm" {}

""" + cnpg.hcl('"dossiers"') + """
resource "helm_release" "db" {
  name       = "db"
  namespace  = "dossiers"
  repository = "oci://registry-1.docker.io/bitnamicharts"
  chart      = "postgresql"
}

resource "helm_release" "elsewhere" {
  name       = "cache"
  namespace  = "vitrine"
  repository = "oci://registry-1.docker.io/bitnamicharts"
  chart      = "postgresql"
}
"""


def test_objects_managed_by_terraform_belong_to_the_system_of_their_namespace(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    report = cnpg.scan(tmp_path, {".snclint.yaml": cnpg.CONFIG + SYSTEMS, "main.tf": MAIN}, ["."],
                       monkeypatch, capsys)
    assert [(f["rule_id"], f["address"], f["line"], f["hosting"]["reason"]) for f in report["findings"]
            if f["severity"] == "error"] == [("SNC002", "kubernetes_manifest.pg", 4, "offer-not-qualified")]
    assert sorted((s["system"], s["address"]) for s in report["systems"]) == [
        ("dossiers", "helm_release.db"), ("dossiers", "kubernetes_manifest.pg")]
    assert [f["address"] for f in report["findings"] if f["rule_id"] == "SNC003"] == ["helm_release.elsewhere"]
