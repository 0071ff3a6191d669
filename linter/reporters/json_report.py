"""The JSON report, schema_version 1 (docs/architecture.md#report-paths): what ``merge`` reads and tools consume."""
from __future__ import annotations

import json
from typing import Any

from linter.model import Finding, ScanResult, Severity, SystemRow
from linter.reporters.codec import hosting_dict, stamp_dict
from linter.reporters.common import by_system

SCHEMA_VERSION = 1


def summary(result: ScanResult) -> dict[str, int]:
    active = result.active
    counts = {s.label: sum(1 for f in active if f.severity == s) for s in reversed(Severity)}
    files = sum(p.summary.get("files", 0) for p in result.parts) if result.parts else len(result.files)
    return {"files": files, "resources": result.resources, **counts,
            "suppressed": len(result.findings) - len(active)}


def finding_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "severity": finding.severity.label,
        "message": finding.message,
        "address": finding.address,
        "file": finding.location.file,
        "line": finding.location.line,
        "root": finding.root,
        "cluster": finding.cluster,
        "system": finding.system,
        "sensitivity": finding.sensitivity,
        "hosting": hosting_dict(finding.hosting),
        "evidence": [
            {"address": e.address, "relation": e.relation, "file": e.file, "line": e.line,
             **({"detail": e.detail} if e.detail else {})}
            for e in finding.evidence
        ],
        "fingerprint": finding.fingerprint,
    }
    if finding.suppressed_by is not None:
        s = finding.suppressed_by
        data["suppressed"] = {"origin": s.origin, "reason": s.reason,
                              "until": s.until.isoformat() if s.until else None,
                              "file": s.location.file, "line": s.location.line}
    return data


def system_dict(row: SystemRow) -> dict[str, Any]:
    hosting = row.hosting
    return {
        "system": row.system, "address": row.address, "kind": row.kind, "file": row.location.file,
        "line": row.location.line, "sensitivity": row.sensitivity,
        "hosting": None if hosting is None else {"provider": hosting.provider, "offer": hosting.offer,
                                                 "region": hosting.region, "qualification": hosting.qualification},
        "verdict": row.verdict, "flows": [{"relation": r, "to": a} for r, a in row.flows],
        **({"repository": row.repository} if row.repository else {}),
    }


def report_dict(result: ScanResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "snclint", "version": result.tool_version, "catalogue": stamp_dict(result.catalogue)},
        "summary": summary(result),
        "findings": [finding_dict(f) for f in result.active],
        "suppressed": [finding_dict(f) for f in result.findings if f.suppressed_by is not None],
    }
    if result.systems:  # every sensitive object, compliant or not: the audit's inventory
        data["systems"] = [system_dict(s) for s in result.systems]
    if result.parts:  # a merged report: each repository's own totals
        data["repositories"] = [{"name": p.name or ".", "report": p.report, "summary": dict(p.summary)}
                                for p in result.parts]
    if result.baseline is not None:
        data["baseline"] = dict(result.baseline)
    if result.notes:
        data["notes"] = list(result.notes)
    if result.declared_systems:  # the findings counted per declared system, then those of none
        data["system_totals"] = [{"name": s.name if s else None, "level": s.level if s else None,
                                  "owner": s.owner if s else None, **counts}
                                 for s, (_, counts) in zip([*result.declared_systems, None], by_system(result),
                                                           strict=True)]
    return data


def render(result: ScanResult) -> str:
    return json.dumps(report_dict(result), indent=2, ensure_ascii=False) + "\n"
