"""The report a person reads in a terminal: grouped by file, ``file:line``, and the chain of
evidence under each finding (where the classification came from, how the hosting was decided)."""
from __future__ import annotations

from itertools import groupby

from linter.model import Finding, ScanResult
from linter.reporters.common import scope_words
from linter.reporters.json_report import summary


def _evidence_lines(finding: Finding) -> list[str]:
    lines = []
    for e in finding.evidence:
        where = f" ({e.file}:{e.line})" if e.file else ""
        detail = f": {e.detail}" if e.detail else ""
        lines.append(f"      {e.relation:<13} {e.address}{where}{detail}")
    return lines


def render(result: ScanResult) -> str:
    out: list[str] = []
    active = result.active
    for file, group in groupby(active, key=lambda f: f.location.file):
        out.append(file or "(scan)")
        for f in group:
            scope = scope_words(f)
            where = f" [{scope}]" if scope else ""
            out.append(f"  {file}:{f.location.line}: {f.severity.label} {f.rule_id} {f.address}{where}")
            out.append(f"      {f.message}")
            out.extend(_evidence_lines(f))
        out.append("")
    for note in result.notes:
        out.append(f"note: {note}")
    counts = summary(result)
    base = ""
    if result.baseline is not None:
        stats = result.baseline
        base = f", {stats.get('baselined', 0)} baselined, {stats.get('fixed', 0)} baseline entries fixed"
    out.append(f"{counts['files']} files, {counts['resources']} resources: {counts['error']} errors, "
               f"{counts['warning']} warnings, {counts['info']} info, {counts['suppressed']} suppressed{base}")
    return "\n".join(out) + "\n"
