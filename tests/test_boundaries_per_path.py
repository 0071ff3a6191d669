"""Outside a common git work tree, each scanned path is confined to its own boundary
(docs/security.md#the-boundary): links, kustomizations and Terragrunt sources from one scanned path
into another's tree are refused, and each path's own kustomizations and units are read."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.cli import main

FILES = {
    # one: a kustomization reaching into two's base, a link to two's file, a unit using two's module
    "one/k8s/overlay/kustomization.yaml": "resources: [pod.yaml, ../../../two/k8s/base]\n",
    "one/k8s/overlay/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
    "one/tg/unit/terragrunt.hcl": 'terraform {\n  source = "../../../two/tg/mod"\n}\n',
    # two: an overlay of its own base, a unit of its own module
    "two/k8s/app/kustomization.yaml": "resources: [../base]\nnamespace: b\n",
    "two/k8s/base/kustomization.yaml": "resources: [pvc.yaml]\n",
    "two/k8s/base/pvc.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n",
    "two/k8s/secret.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: secret}\n",
    "two/tg/unit/terragrunt.hcl": 'terraform {\n  source = "../mod"\n}\n',
    "two/tg/mod/main.tf": 'provider "aws" {\n  region = "eu-west-3"\n}\n'
                          'resource "aws_db_instance" "p" {\n  tags = { sensibilite = "particuliere" }\n}\n',
}
OUT = " leaves the scanned repository"


def test_each_scanned_path_keeps_to_its_own_boundary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "one/k8s/link.yaml").symlink_to("../../two/k8s/secret.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "one", "two", "--report", "json:r.json"]) == 1
    report = json.loads((tmp_path / "r.json").read_text())
    assert [(f["rule_id"], f["file"], f["line"], f["root"], f["address"], f["message"])
            for f in report["findings"]] == [
        ("SNC000", "one/k8s/link.yaml", 1, None, "one/k8s/link.yaml", f"symbolic link{OUT}: not followed"),
        ("SNC004", "one/k8s/overlay/kustomization.yaml", 1, None, "one/k8s/overlay/kustomization.yaml",
         f"kustomization one/k8s/overlay/kustomization.yaml not rendered: ../../../two/k8s/base{OUT}; "
         "its files are scanned as they are"),
        ("SNC000", "one/tg/unit/terragrunt.hcl", 1, None, "one/tg/unit/terragrunt.hcl",
         f"terraform source ../../../two/tg/mod{OUT}: scan the parent folder or run inside the git work tree"),
        ("SNC003", "two/k8s/app/kustomization.yaml", 1, None, "PersistentVolumeClaim/b/data",
         "datastore PersistentVolumeClaim/b/data has no classification (add a tag such as data_sensitivity or "
         "data-sensitivity)"),
        ("SNC003", "two/k8s/secret.yaml", 1, None, "PersistentVolumeClaim/default/secret",
         "datastore PersistentVolumeClaim/default/secret has no classification (add a tag such as "
         "data_sensitivity or data-sensitivity)"),
        ("SNC001", "two/tg/mod/main.tf", 4, "two/tg/unit", "aws_db_instance.p",
         "aws_db_instance.p holds particuliere data on aws, region eu-west-3 (not-qualified): "
         "provider-not-qualified"),
    ]
    assert report["notes"] == ["rendered two/k8s/app/kustomization.yaml"]
