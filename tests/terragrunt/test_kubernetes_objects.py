"""Kubernetes objects a Terragrunt unit's module declares are read as Kubernetes objects, as in a
plain root module: a scan of the units alone sees a CloudNativePG back-up leave the cluster."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import cnpg

MODULE = """provider "kubernetes" {}

resource "kubernetes_namespace_v1" "dossiers" {
  metadata {
    name   = "dossiers"
    labels = { sensibilite = "particuliere" }
  }
}

""" + cnpg.hcl("kubernetes_namespace_v1.dossiers.metadata[0].name")


def test_a_unit_alone_links_the_kubernetes_objects_of_its_module(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    files = {".snclint.yaml": cnpg.CONFIG, "modules/db/main.tf": MODULE,
             "live/prod/terragrunt.hcl": 'terraform {\n  source = "../../modules/db"\n}\n'}
    findings = cnpg.scan(tmp_path, files, ["live"], monkeypatch, capsys)["findings"]
    assert [(f["rule_id"], f["address"], f["file"], f["line"], f["root"], f["cluster"], f["hosting"]["reason"])
            for f in findings] == [("SNC002", "kubernetes_manifest.pg", "modules/db/main.tf", 10, "live/prod", "snc",
                                    "offer-not-qualified")]
