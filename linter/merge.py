"""``snclint merge``: the JSON reports of many repositories as one result (a security team's audit),
which every reporter can then write.

Each report's paths (finding, root, evidence, suppression) are prefixed with the report's folder
so repositories stay apart, each keeps its own totals, and a report given twice (or two reports
whose paths would mix) is refused rather than counted twice.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from linter import __version__
from linter.errors import UsageError
from linter.model import (
    CatalogueStamp,
    Evidence,
    Finding,
    Location,
    Part,
    RuleInfo,
    ScanResult,
    Severity,
    Suppression,
    SystemRow,
)
from linter.reporters.codec import hosting_from, stamp_from
from linter.reporters.json_report import SCHEMA_VERSION

SUMMED = ("files", "resources", "error", "warning", "info", "suppressed")


def merge_reports(paths: Sequence[str], rules: Sequence[RuleInfo]) -> ScanResult:
    """``rules``: the documentation of the rules the reports may name (others get a bare entry)."""
    seen: dict[Path, str] = {}
    names: dict[str, str] = {}
    parts: list[Part] = []
    findings: list[Finding] = []
    systems: list[SystemRow] = []
    stamps: list[CatalogueStamp] = []
    for path in paths:
        real = Path(path).resolve()
        if real in seen:
            raise UsageError(f"{path}: given twice (as {seen[real]}): it would be counted twice")
        seen[real] = path
        name = posixpath.normpath(Path(path).parent.as_posix())
        name = "" if name == "." else name
        if name in names:
            raise UsageError(f"{path} and {names[name]} are in the same folder: their paths would mix "
                             "(put each repository's report in its own folder)")
        names[name] = path
        report = _read(path)
        summary = {key: int((report.get("summary") or {}).get(key, 0)) for key in SUMMED}
        parts.append(Part(name=name, report=path, summary=summary))
        for item in [*report.get("findings", []), *report.get("suppressed", [])]:
            findings.append(_finding(item, name, path))
        systems.extend(_system(item, name, path) for item in report.get("systems", []))
        stamp = stamp_from((report.get("tool") or {}).get("catalogue"))
        if stamp is not None:
            stamps.append(stamp)
    totals = {key: sum(p.summary[key] for p in parts) for key in SUMMED}
    known = {r.id: r for r in rules}
    used = sorted({f.rule_id for f in findings})
    return ScanResult(
        tool_version=__version__, files=(), resources=totals["resources"],
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        rules=tuple(known.get(r) or RuleInfo(id=r, title=r, severity=Severity.ERROR, check="", rationale="",
                                              remediation="") for r in used),
        parts=tuple(parts), systems=tuple(systems), catalogue=_oldest(stamps))


def _oldest(stamps: list[CatalogueStamp]) -> CatalogueStamp | None:
    """The merged reports' catalogue as the least current of theirs: what the merge can vouch for."""
    if not stamps:
        return None
    dated = [s for s in stamps if s.checked_on]
    return min(dated, key=lambda s: s.checked_on or "") if dated else stamps[0]


def _read(path: str) -> dict[str, Any]:
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise UsageError(f"{path}: not a readable snclint JSON report ({err})") from None
    if not isinstance(report, dict) or report.get("schema_version") != SCHEMA_VERSION:
        raise UsageError(f"{path}: not a snclint JSON report of schema_version {SCHEMA_VERSION}")
    return report


def _prefixed(name: str, file: Any) -> Any:
    if not isinstance(file, str) or not name or file == "-":
        return file
    return f"{name}/{file}" if file != "." else name


def _fingerprint(name: str, fingerprint: str) -> str:
    """Two repositories with the same file and resource stay two findings (GitLab needs them unique)."""
    if not name or not fingerprint:
        return fingerprint
    return hashlib.sha256(f"{name}\x1f{fingerprint}".encode()).hexdigest()[:32]


def _finding(item: dict[str, Any], name: str, path: str) -> Finding:
    try:
        suppressed = item.get("suppressed")
        return Finding(
            rule_id=item["rule_id"], severity=Severity.parse(item["severity"]), message=item["message"],
            address=item["address"], location=Location(_prefixed(name, item["file"]), int(item["line"])),
            root=_prefixed(name, item.get("root")), cluster=item.get("cluster"), system=item.get("system"),
            sensitivity=item.get("sensitivity"),
            hosting=hosting_from(item.get("hosting")),
            evidence=tuple(Evidence(address=e["address"], relation=e["relation"], file=_prefixed(name, e.get("file")),
                                    line=e.get("line"), detail=e.get("detail", ""))
                           for e in item.get("evidence", [])),
            fingerprint=_fingerprint(name, item.get("fingerprint", "")),
            suppressed_by=None if suppressed is None else Suppression(
                rules=(item["rule_id"],), reason=suppressed.get("reason"),
                until=date.fromisoformat(suppressed["until"]) if suppressed.get("until") else None,
                location=Location(_prefixed(name, suppressed["file"]), int(suppressed["line"])),
                origin=suppressed.get("origin", "config")),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"{path}: a finding is not as snclint writes it ({type(err).__name__}: {err})") from None


def _system(item: dict[str, Any], name: str, path: str) -> SystemRow:
    try:
        return SystemRow(
            system=_prefixed(name, item["system"]) if item["system"] != "-" else item["system"],
            address=item["address"], kind=item["kind"],
            location=Location(_prefixed(name, item["file"]), int(item["line"])), sensitivity=item["sensitivity"],
            hosting=hosting_from(item.get("hosting")),
            verdict=item["verdict"], flows=tuple((f["relation"], f["to"]) for f in item.get("flows", [])),
            repository=name or ".")
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"{path}: a system is not as snclint writes it ({type(err).__name__}: {err})") from None
