"""GitLab Code Quality (``artifacts:reports:codequality``): the MR widget of every GitLab tier.

A JSON array of Code Climate issues. GitLab stops reading at the first invalid element and keeps
one entry per fingerprint, so every element carries all the required fields and a fingerprint that
is unique in the file. Suppressed findings are left out: the widget shows what needs work.
"""
from __future__ import annotations

import json
from typing import Any

from linter.model import Finding, RuleInfo, ScanResult
from linter.reporters.common import TOOL_NAME, band, fingerprints, ordered, rules_by_id, scope_words

# bands (see common.band) to Code Climate severities
SEVERITIES = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def render(result: ScanResult) -> str:
    rules = rules_by_id(result)
    findings = ordered(result.active)
    issues = [_issue(f, fp, rules[f.rule_id]) for f, fp in zip(findings, fingerprints(findings), strict=True)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, fingerprint: str, rule: RuleInfo) -> dict[str, Any]:
    line = max(finding.location.line, 1)
    return {
        "type": "issue",
        "check_name": finding.rule_id,
        "description": _description(finding),
        "content": {"body": _body(finding, rule)},
        "categories": ["Security"],
        "engine_name": TOOL_NAME,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[band(finding, rule)],
        "location": {"path": finding.location.file, "lines": {"begin": line, "end": line}},
    }


def _description(finding: Finding) -> str:
    """The widget shows only this line: rule, root or cluster, object (unless the message names
    it), message."""
    prefix = finding.rule_id
    scope = scope_words(finding)
    if scope:
        prefix += f" [{scope}]"
    if finding.address and finding.address not in finding.message:
        prefix += f" {finding.address}"
    return f"{prefix}: {finding.message}"


def _body(finding: Finding, rule: RuleInfo) -> str:
    parts = [rule.title or rule.id] + ([f"System: {finding.system}"] if finding.system else [])
    if finding.evidence:
        parts.append("\n".join(f"- {e.relation} `{e.address}`" + (f" ({e.file}:{e.line or 1})" if e.file else "")
                               + (f": {e.detail}" if e.detail else "") for e in finding.evidence))
    if rule.remediation:
        parts.append(rule.remediation.strip())
    return "\n\n".join(parts)
