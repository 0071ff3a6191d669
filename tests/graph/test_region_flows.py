"""Region-valued flows whose destination cannot be told fail closed (SNC006), exactly."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cli import main

TF = """terraform {
  required_providers {
    ovh = { source = "ovh/ovh" }
  }
}

variable "regions" {
  type = list(string)
}

resource "ovh_cloud_project_database" "dossiers" {
  service_name   = "projet"
  engine         = "postgresql"
  backup_regions = var.regions
  nodes {
    region = "GRA"
  }
  tags = { sensibilite = "particuliere" }
}
"""


def test_an_unknown_region_value_is_an_unresolved_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(TF)
    monkeypatch.chdir(tmp_path)
    assert main(["scan", ".", "-f", "json", "--no-cache"]) == 1
    found = [(f["rule_id"], f["address"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert found == [("SNC001", "ovh_cloud_project_database.dossiers", 11),
                     ("SNC006", "ovh_cloud_project_database.dossiers", 11)]
