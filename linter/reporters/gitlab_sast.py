"""GitLab SAST security report (``artifacts:reports:sast``): the Security tab and MR security widget.

GitLab validates a report against the schema version it *declares* and drops it when that version
is not one it vendors (GitLab 17.1/17.2 reject 15.2.1), so the declared version is a parameter and
only fields present in every 15.x schema are emitted. The first identifier (the rule id) is the
primary identifier GitLab tracks; the id is a UUID derived from the line-free fingerprint.
"""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

from linter.errors import UsageError
from linter.model import Finding, RuleInfo, ScanResult
from linter.reporters.common import (
    TOOL_NAME,
    band,
    evidence_line,
    fingerprints,
    hosting_words,
    ordered,
    reference_parts,
    rules_by_id,
    scope_words,
    timestamp,
)

DEFAULT_VERSION = "15.2.1"
SCHEMA_URL = ("https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
              "v{version}/dist/sast-report-format.json")
SEVERITIES = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low", "info": "Info"}
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "snclint:gitlab-sast")  # fixed: ids must not change between runs
MAX_SOLUTION = 7000


def check_version(version: str) -> str:
    """The CLI's check of a user-chosen schema version: 15.x.y only (the fields emitted here)."""
    if not re.fullmatch(r"15\.\d+\.\d+", version):
        raise UsageError(f"GitLab SAST schema version {version!r}: expected 15.MINOR.PATCH, e.g. {DEFAULT_VERSION}")
    return version


def render(result: ScanResult, schema_version: str = DEFAULT_VERSION) -> str:
    version = check_version(schema_version)
    rules = rules_by_id(result)
    findings = ordered(result.active)
    scanner = {"id": TOOL_NAME, "name": TOOL_NAME, "version": result.tool_version, "vendor": {"name": TOOL_NAME}}
    scan: dict[str, Any] = {
        "analyzer": dict(scanner),
        "scanner": dict(scanner),
        "type": "sast",
        "start_time": timestamp(result.started_at),
        "end_time": timestamp(result.finished_at or result.started_at),
        "status": "success",
    }
    if result.notes:
        scan["messages"] = [{"level": "info", "value": note} for note in result.notes]
    report = {
        "version": version,
        "schema": SCHEMA_URL.format(version=version),
        "scan": scan,
        "vulnerabilities": [_vulnerability(f, fp, rules[f.rule_id])
                            for f, fp in zip(findings, fingerprints(findings), strict=True)],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _vulnerability(finding: Finding, fingerprint: str, rule: RuleInfo) -> dict[str, Any]:
    line = max(finding.location.line, 1)
    identifier: dict[str, str] = {"type": f"{TOOL_NAME}_rule_id", "name": f"{TOOL_NAME} {rule.id}",
                                  "value": rule.id}
    if rule.help_uri.startswith(("https://", "http://")):
        identifier["url"] = rule.help_uri
    vulnerability: dict[str, Any] = {
        "id": str(uuid.uuid5(NAMESPACE, fingerprint)),
        "name": (rule.title or rule.id)[:255],
        "description": _description(finding, rule),
        "severity": SEVERITIES[band(finding, rule)],
        "identifiers": [identifier],
        "location": {"file": finding.location.file, "start_line": line, "end_line": line},
        "tracking": {"type": "source", "items": [{
            "file": finding.location.file, "start_line": line, "end_line": line,
            "signatures": [{"algorithm": "hash", "value": fingerprint}]}]},
        "details": _details(finding),
    }
    if rule.remediation:
        vulnerability["solution"] = rule.remediation.strip()[:MAX_SOLUTION]
    links = [{"name": title, "url": url} for title, url in map(reference_parts, rule.references) if url]
    if links:
        vulnerability["links"] = links
    return vulnerability


def _description(finding: Finding, rule: RuleInfo) -> str:
    scope = scope_words(finding)
    parts = [f"{finding.message} ({scope})" if scope else finding.message]
    if finding.evidence:
        parts.append("Evidence:\n\n" + "\n".join(
            f"1. {evidence_line(e.address, e.relation, e.file, e.line, e.detail)}" for e in finding.evidence))
    if rule.rationale:
        parts.append(rule.rationale.strip())
    return "\n\n".join(parts)


def _details(finding: Finding) -> dict[str, Any]:
    details: dict[str, Any] = {"address": {"name": "Address", "type": "text", "value": finding.address or "-"}}
    if finding.root is not None:
        details["root"] = {"name": "Root", "type": "text", "value": finding.root}
    if finding.cluster:
        details["cluster"] = {"name": "Cluster", "type": "text", "value": finding.cluster}
    if finding.system:
        details["system"] = {"name": "System", "type": "text", "value": finding.system}
    if finding.sensitivity:
        details["sensitivity"] = {"name": "Sensitivity", "type": "text", "value": finding.sensitivity}
    if finding.hosting is not None:
        details["hosting"] = {"name": "Hosting", "type": "text", "value": hosting_words(finding)}
    if finding.evidence:
        details["evidence"] = {"name": "Evidence", "type": "list", "items": [
            {"type": "text", "value": evidence_line(e.address, e.relation, e.file, e.line, e.detail)}
            for e in finding.evidence]}
    return details
