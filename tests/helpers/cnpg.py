"""A CloudNativePG cluster whose back-ups go to OVHcloud Public Cloud (not qualified), on a config
cluster that is: the object the tests of Kubernetes objects managed by Terraform follow, whatever
reads it (HCL, a Terragrunt unit, a plan)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from linter.cli import main

CONFIG = """version: 1
kubernetes:
  clusters:
    snc:
      hosting: {provider: outscale, offer: iaas, region: cloudgouv-eu-west-1}
  default: snc
"""

BACKUP = {"barmanObjectStore": {"destinationPath": "s3://dossiers/pg", "endpointURL": "https://s3.gra.io.cloud.ovh.net"}}


def manifest(namespace: str) -> dict[str, Any]:
    """The ``Cluster`` object, as a plan holds a ``kubernetes_manifest``'s ``manifest``."""
    return {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
            "metadata": {"name": "pg", "namespace": namespace}, "spec": {"backup": BACKUP}}


def hcl(namespace: str) -> str:
    """The ``kubernetes_manifest`` resource holding it, in HCL (``namespace`` is an expression)."""
    return f"""resource "kubernetes_manifest" "pg" {{
  manifest = {{
    apiVersion = "postgresql.cnpg.io/v1"
    kind       = "Cluster"
    metadata   = {{ name = "pg", namespace = {namespace} }}
    spec = {{
      backup = {{
        barmanObjectStore = {{
          destinationPath = "s3://dossiers/pg"
          endpointURL     = "https://s3.gra.io.cloud.ovh.net"
        }}
      }}
    }}
  }}
}}
"""


def scan(repo: Path, files: dict[str, str], args: list[str], monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The JSON report of ``snclint scan ARGS -f json --no-cache`` in a repository of ``files``."""
    (repo / ".git").mkdir()
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    monkeypatch.chdir(repo)
    assert main(["scan", *args, "-f", "json", "--no-cache"]) == 1
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report
