"""Kubernetes objects a Terragrunt unit's module declares are read as Kubernetes objects, as in a
plain root module: a scan of the units alone sees a CloudNativePG back-up leave the cluster."""
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

MODULE = """provider "kubernetes" {}

resource "kubernetes_namespace_v1" "dossiers" {
  metadata {
    name   = "dossiers"
    labels = { sensibilite = "particuliere" }
  }
}

resource "kubernetes_manifest" "pg" {
  manifest = {
    apiVersion = "postgresql.cnpg.io/v1"
    kind       = "Cluster"
    metadata   = { name = "pg", namespace = kubernetes_namespace_v1.dossiers.metadata[0].name }
    spec = {
      backup = {
        barmanObjectStore = {
          destinationPath = "s3://dossiers/pg"
          endpointURL     = "https://s3.gra.io.cloud.ovh.net"
        }
      }
    }
  }
}
"""


def test_a_unit_alone_links_the_kubernetes_objects_of_its_module(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".snclint.yaml").write_text(CONFIG)
    (tmp_path / "modules" / "db").mkdir(parents=True)
    (tmp_path / "modules" / "db" / "main.tf").write_text(MODULE)
    (tmp_path / "live" / "prod").mkdir(parents=True)
    (tmp_path / "live" / "prod" / "terragrunt.hcl").write_text('terraform {\n  source = "../../modules/db"\n}\n')
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "live", "-f", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule_id"], f["address"], f["file"], f["line"], f["root"], f["cluster"], f["hosting"]["reason"])
            for f in findings] == [("SNC002", "kubernetes_manifest.pg", "modules/db/main.tf", 10, "live/prod", "snc",
                                    "offer-not-qualified")]
