"""SARIF 2.1.0, as GitHub code scanning and SARIF viewers read it.

Rules carry their policy documentation and a security-severity so GitHub files them as security
alerts; results carry a line-free fingerprint (alerts survive edits above them), the evidence chain
as a code flow, and suppressions instead of being dropped, so reviewers see what was waived and why.
Paths stay relative to the scan's working directory (``SRCROOT``).
"""
from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from linter.model import Evidence, Finding, RuleInfo, ScanResult, Severity, Suppression
from linter.reporters.codec import declaration_dict, fact_dict, stamp_dict
from linter.reporters.common import (
    TOOL_NAME,
    evidence_line,
    fingerprints,
    ordered,
    reference_parts,
    rule_score,
    rules_by_id,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "SRCROOT"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
IN_SOURCE = frozenset({"inline", "annotation"})  # the others (config, baseline) are "external"
MAX_TEXT = 1024  # GitHub's limit on rule descriptions


def render(result: ScanResult) -> str:
    rules = rules_by_id(result)
    index = {rule_id: i for i, rule_id in enumerate(rules)}
    findings = ordered(result.findings)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": TOOL_NAME, "version": result.tool_version,
                            "semanticVersion": result.tool_version,
                            "rules": [_rule(rule) for rule in rules.values()]}},
        "invocations": [_invocation(result)],
        "originalUriBaseIds": {BASE_ID: {"description": {
            "text": "The directory snclint ran in; every relative path is relative to it."}}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, fp, index[f.rule_id], result.baseline is not None)
                    for f, fp in zip(findings, fingerprints(findings), strict=True)],
    }
    if result.catalogue is not None:
        run["properties"] = {"catalogue": stamp_dict(result.catalogue)}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: RuleInfo) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _camel(rule.title) or rule.id,
        "shortDescription": {"text": _cut(rule.title or rule.id)},
        "fullDescription": {"text": _cut(_first_paragraph(rule.rationale) or rule.title or rule.id)},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["security", "secnumcloud"],
                       "security-severity": f"{rule_score(rule):.1f}"},
    }
    if rule.help_uri.startswith(("https://", "http://")):
        descriptor["helpUri"] = rule.help_uri
    return descriptor


def _invocation(result: ScanResult) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if result.started_at:
        invocation["startTimeUtc"] = result.started_at[:19] + "Z"
    if result.finished_at:
        invocation["endTimeUtc"] = result.finished_at[:19] + "Z"
    if result.notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "note", "message": {"text": note}} for note in result.notes]
    return invocation


def _result(finding: Finding, fingerprint: str, rule_index: int, baselined_run: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.location.file, finding.location.line, finding.address)],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint, f"{TOOL_NAME}/v1": fingerprint},
        "properties": _properties(finding),
    }
    if finding.evidence:
        out["codeFlows"] = [{
            "message": {"text": f"Why {finding.address} is reported"},
            "threadFlows": [{"locations": [_flow_step(e) for e in finding.evidence]}],
        }]
    if finding.suppressed_by is not None:
        out["suppressions"] = [_suppression(finding.suppressed_by)]
    if baselined_run:
        baselined = finding.suppressed_by is not None and finding.suppressed_by.origin == "baseline"
        out["baselineState"] = "unchanged" if baselined else "new"
    return out


def _location(file: str, line: int, address: str | None = None,
              message: str | None = None) -> dict[str, Any]:
    start = max(line, 1)
    # a reporter does not know the line's length: the region is the object's first character,
    # which viewers widen to its line
    location: dict[str, Any] = {"physicalLocation": {
        "artifactLocation": _artifact(file),
        "region": {"startLine": start, "startColumn": 1, "endLine": start, "endColumn": 2},
    }}
    if address:
        location["logicalLocations"] = [{"fullyQualifiedName": address, "kind": "resource"}]
    if message:
        location["message"] = {"text": message}
    return location


def _artifact(file: str) -> dict[str, str]:
    if PurePosixPath(file).is_absolute():
        return {"uri": "file://" + quote(file, safe="/")}
    return {"uri": quote(file, safe="/"), "uriBaseId": BASE_ID}


def _flow_step(evidence: Evidence) -> dict[str, Any]:
    text = evidence_line(evidence.address, evidence.relation, evidence.file, evidence.line, evidence.detail)
    if evidence.file:
        location = _location(evidence.file, evidence.line or 1, evidence.address, text)
    else:
        location = {"message": {"text": text},
                    "logicalLocations": [{"fullyQualifiedName": evidence.address}]}
    return {"location": location, "kinds": [evidence.relation]}


def _suppression(s: Suppression) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "inSource" if s.origin in IN_SOURCE else "external",
                           "status": "accepted"}
    if s.reason:
        out["justification"] = s.reason
    out["location"] = _location(s.location.file, s.location.line)
    out["properties"] = {"origin": s.origin, **({"until": s.until.isoformat()} if s.until else {})}
    return out


def _properties(finding: Finding) -> dict[str, Any]:
    props: dict[str, Any] = {"address": finding.address, "severity": finding.severity.label}
    if finding.root is not None:
        props["root"] = finding.root
    if finding.cluster:
        props["cluster"] = finding.cluster
    if finding.system:
        props["system"] = finding.system
    if finding.sensitivity:
        props["sensitivity"] = finding.sensitivity
    if finding.hosting is not None:
        h = finding.hosting
        props["hosting"] = {"provider": h.provider, "offer": h.offer, "region": h.region,
                            "qualification": h.qualification, "reason": h.reason}
        for key, value in (("catalogue_fact", fact_dict(h.fact)), ("declared", declaration_dict(h.declared))):
            if value is not None:
                props["hosting"][key] = value
    return props


def _help_text(rule: RuleInfo) -> str:
    parts = [rule.title or rule.id]
    if rule.rationale:
        parts.append(rule.rationale.strip())
    if rule.remediation:
        parts.append("How to fix: " + rule.remediation.strip())
    if rule.references:
        parts.append("References:\n" + "\n".join(f"- {r}" for r in rule.references))
    return "\n\n".join(parts)


def _help_markdown(rule: RuleInfo) -> str:
    parts = [f"**{rule.id}: {rule.title or rule.id}**"]
    if rule.rationale:
        parts.append(rule.rationale.strip())
    if rule.remediation:
        parts.append("**How to fix**\n\n" + rule.remediation.strip())
    if rule.references:
        parts.append("**References**\n\n" + "\n".join(_markdown_link(r) for r in rule.references))
    return "\n\n".join(parts)


def _markdown_link(reference: str) -> str:
    title, url = reference_parts(reference)
    return f"- [{title}]({url})" if url else f"- {title}"


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n\n", 1)[0].replace("\n", " ").strip()


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _camel(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))[:255]
