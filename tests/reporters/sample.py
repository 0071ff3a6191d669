"""One fixed scan result, built by hand, that every reporter's golden file is rendered from.

It holds what the formats must survive: several rules, evidence chains, a Kubernetes finding with a
cluster, one module file's finding in two roots, suppressed findings (inline and config), a parse
error without fingerprint, unicode, and hostile text (markup, quotes, a control character) in
addresses, messages and paths.
"""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from linter.model import (
    Evidence,
    Finding,
    Hosting,
    Location,
    RuleInfo,
    ScanResult,
    Severity,
    Suppression,
    SystemInfo,
)

GOLDEN = Path(__file__).parent / "golden"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"  # vendored official schemas (schemas/README.md)
UPDATE = os.environ.get("SNCLINT_UPDATE_GOLDEN") == "1"
SREN = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000049563368"


def _rule(rule_id: str, title: str, severity: Severity, **extra: Any) -> RuleInfo:
    return RuleInfo(id=rule_id, title=title, severity=severity, check=rule_id.lower(),
                    rationale=extra.pop("rationale", f"Why {rule_id} matters."),
                    remediation=extra.pop("remediation", f"How to fix {rule_id}."), **extra)


RULES = (
    _rule("SNC000", "File could not be parsed", Severity.ERROR),
    _rule("SNC001", "Sensitive data on hosting that is not SecNumCloud-qualified", Severity.ERROR,
          rationale="SREN article 31 requires particularly sensitive data to run on SecNumCloud-qualified "
                    "offers.\n\nQualification belongs to an offer in given regions.",
          remediation="Move the resource to a qualified offer and region, or correct its classification.",
          references=(SREN, "not a link: <b>bold</b>"), params={"security_severity": 8.5},
          examples={"bad": 'provider "aws" { region = "eu-west-3" }\n# <script>x</script>'}),
    _rule("SNC002", "Sensitive data flows to unqualified hosting", Severity.ERROR,
          params={"security_severity": "9.1"}),
    _rule("SNC003", "Datastore without classification", Severity.WARNING),
    _rule("SNC005", "Classification outside the vocabulary", Severity.ERROR, params={"security_severity": 0}),
    _rule("SNC007", "Suppression expired or without reason", Severity.WARNING),
)

AWS = Hosting(provider="aws", offer=None, region="eu-west-3", qualification="not-qualified",
              reason="provider-not-qualified", evidence="provider.aws region eu-west-3")
OVH = Hosting(provider="ovhcloud", offer="public-cloud", region="GRA", qualification="not-qualified",
              reason="offer-not-qualified")


def _module_db_in_root(root: str, fingerprint: str) -> Finding:
    """The one module file's finding as each root that calls it reports it, with that root's provider."""
    return Finding(
        rule_id="SNC001", severity=Severity.ERROR, address="module.db.aws_db_instance.this",
        message="module.db.aws_db_instance.this holds particuliere data on aws, region eu-west-3 "
                "(not-qualified): provider-not-qualified — données « particulières »",
        location=Location("infra/modules/db/main.tf", 7), root=root,
        sensitivity="particuliere", hosting=AWS,
        evidence=(Evidence(address="module.db.aws_db_instance.this", relation="classified",
                           file="infra/modules/db/main.tf", line=9,
                           detail="data_sensitivity = particulière (tags)"),
                  Evidence(address="provider.aws", relation="hosted_on", file=f"{root}/providers.tf", line=1),
                  Evidence(address="aws/-/eu-west-3", relation="hosted_on", file=None, line=None,
                           detail="provider.aws region eu-west-3")),
        fingerprint=fingerprint)


FINDINGS = (
    Finding(rule_id="SNC000", severity=Severity.ERROR, address="",
            message="k8s/broken.yaml: mapping values are not allowed here",
            location=Location("k8s/broken.yaml", 4)),
    Finding(rule_id="SNC001", severity=Severity.ERROR, address="StatefulSet/payments/postgres",
            message="StatefulSet/payments/postgres holds particuliere data on ovhcloud, offer public-cloud, "
                    "region GRA (not-qualified): offer-not-qualified",
            location=Location("k8s/prod/db.yaml", 1), cluster="prod", system="paiements", sensitivity="particuliere",
            hosting=OVH,
            evidence=(Evidence(address="Namespace/payments", relation="classified", file="k8s/prod/ns.yaml",
                               line=5, detail="example.org/data-sensitivity = dsp (namespace)"),
                      Evidence(address="cluster:prod", relation="hosted_on", file=".snclint.yaml", line=4),
                      Evidence(address="ovhcloud/public-cloud/GRA", relation="hosted_on", file=None, line=None,
                               detail="declared in the config")),
            fingerprint="b7c2a1d94e0f3a5b6c7d8e9f00112233"),
    Finding(rule_id="SNC002", severity=Severity.ERROR, address='aws_s3_bucket.backup["eu"]',
            message='sensitive data (particuliere) from module.db.aws_db_instance.this reaches '
                    'aws_s3_bucket.backup["eu"] on aws, region eu-west-3 (not-qualified): provider-not-qualified',
            location=Location("infra/backup.tf", 3), root="infra", sensitivity="particuliere", hosting=AWS,
            evidence=(Evidence(address="module.db.aws_db_instance.this", relation="classified",
                               file="infra/modules/db/main.tf", line=9,
                               detail="data_sensitivity = particulière (tags)"),
                      Evidence(address="module.db.aws_db_instance.this", relation="backs_up_to",
                               file="infra/backup.tf", line=8, detail='to aws_s3_bucket.backup["eu"]'),
                      Evidence(address="provider.aws", relation="hosted_on", file="infra/providers.tf", line=1),
                      Evidence(address="aws/-/eu-west-3", relation="hosted_on", file=None, line=None,
                               detail="provider.aws region eu-west-3")),
            fingerprint="0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
    _module_db_in_root("infra", "f00dfeed0000111122223333444455aa"),
    _module_db_in_root("envs/staging", "f00dfeed0000111122223333444455bb"),
    Finding(rule_id="SNC001", severity=Severity.ERROR, address="aws_s3_bucket.legacy",
            message="aws_s3_bucket.legacy holds particuliere data on aws, region eu-west-3 (not-qualified): "
                    "provider-not-qualified",
            location=Location("infra/legacy.tf", 6), root="infra", sensitivity="particuliere", hosting=AWS,
            fingerprint="1111aaaa2222bbbb3333cccc4444dddd",
            suppressed_by=Suppression(rules=("SNC001",), reason="moving to Outscale, tracked in INFRA-42",
                                      until=date(2099, 12, 31), location=Location("infra/legacy.tf", 5))),
    Finding(rule_id="SNC003", severity=Severity.WARNING, address="aws_s3_bucket.tmp",
            message="aws_s3_bucket.tmp is a datastore without a classification tag",
            location=Location("infra/legacy.tf", 20), root="infra", fingerprint="5555eeee6666ffff7777000088881111",
            suppressed_by=Suppression(rules=("SNC003",), reason="scratch bucket, emptied nightly", until=None,
                                      location=Location(".snclint.yaml", 12), origin="config")),
    Finding(rule_id="SNC003", severity=Severity.WARNING,
            address='aws_s3_bucket.x["<script>alert(\'x\')</script>"]',
            message='aws_s3_bucket.x["<script>alert(\'x\')</script>"] is a datastore without a '
                    'classification tag & "quotes" \x1b[31m',
            location=Location('infra/we ird&"name".tf', 2), fingerprint="9999aaaa0000bbbb1111cccc2222dddd"),
    Finding(rule_id="SNC005", severity=Severity.ERROR, address="aws_ebs_volume.data",
            message="aws_ebs_volume.data: classification 'particuliare' is not in the vocabulary",
            location=Location("infra/modules/db/main.tf", 30), root="infra",
            evidence=(Evidence(address="aws_ebs_volume.data", relation="classified",
                               file="infra/modules/db/main.tf", line=33,
                               detail="data_sensitivity = particuliare (tags)"),),
            fingerprint="abababababababababababababababab"),
    Finding(rule_id="SNC007", severity=Severity.WARNING, address="aws_s3_bucket.forgotten",
            message="the suppression of SNC001 on aws_s3_bucket.forgotten expired on 2020-01-01",
            location=Location("infra/legacy.tf", 11), fingerprint="cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"),
)


def make_result(**changes: Any) -> ScanResult:
    base: dict[str, Any] = dict(
        tool_version="0.1.0",
        files=("envs/staging/providers.tf", "infra/backup.tf", "infra/legacy.tf", "infra/modules/db/main.tf",
               "infra/providers.tf", 'infra/we ird&"name".tf', "k8s/broken.yaml", "k8s/prod/db.yaml",
               "k8s/prod/ns.yaml"),
        resources=15,
        findings=tuple(sorted(FINDINGS, key=Finding.sort_key)),
        rules=RULES,
        notes=("k8s/chart/templates/db.yaml is a Go template: render it with `helm template` and pipe it to "
               "`snclint scan -`",),
        declared_systems=(SystemInfo(name="paiements", level="particuliere", owner="Équipe <paiements>"),),
        started_at="2026-11-29T10:15:00",
        finished_at="2026-11-29T10:15:02",
    )
    base.update(changes)
    return ScanResult(**base)


def load_schema(folder: Path, name: str) -> dict[str, Any]:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def check_golden(name: str, text: str) -> None:
    """Compare with ``golden/<name>``; ``SNCLINT_UPDATE_GOLDEN=1`` rewrites it instead."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.is_file(), f"no golden file {path}: run with SNCLINT_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden file: review the change, then run with SNCLINT_UPDATE_GOLDEN=1")
