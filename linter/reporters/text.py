"""The report a person reads in a terminal: grouped by file, ``file:line``, and the chain of
evidence under each finding (where the classification came from, how the hosting was decided).

``quiet`` keeps one line per finding (pre-commit logs); ``color`` adds ANSI styles, which the
command line asks for only on a terminal without ``NO_COLOR``. Whatever comes from the scanned
files (names, addresses, labels, tag values) is shown with its control characters escaped
(``one_line``): an escape sequence or a carriage return in a file name must not reach the terminal."""
from __future__ import annotations

from itertools import groupby

import click

from linter.model import Finding, ScanResult, Severity
from linter.reporters.common import by_system, catalogue_words, one_line, plural, scope_words
from linter.reporters.json_report import summary

_STYLES = {Severity.ERROR: {"fg": "red", "bold": True}, Severity.WARNING: {"fg": "yellow", "bold": True},
           Severity.INFO: {"fg": "blue"}}


def _evidence_lines(finding: Finding, color: bool) -> list[str]:
    lines = []
    for e in finding.evidence:
        where = f" ({e.file}:{e.line})" if e.file else ""
        detail = f": {e.detail}" if e.detail else ""
        relation = click.style(f"{e.relation:<13}", dim=True) if color else f"{e.relation:<13}"
        lines.append(f"      {relation} {one_line(f'{e.address}{where}{detail}')}")
    return lines


def _headline(f: Finding, color: bool) -> str:
    scope = scope_words(f) + (", " if scope_words(f) and f.system else "") + (f"system {f.system}" if f.system else "")
    where = f" [{scope}]" if scope else ""
    label = click.style(f.severity.label, **_STYLES.get(f.severity, {})) if color else f.severity.label  # type: ignore[arg-type]
    rule = click.style(f.rule_id, bold=True) if color else f.rule_id
    return f"{one_line(f.location.file)}:{f.location.line}: {label} {rule} {one_line(f.address + where)}"


def render(result: ScanResult, *, color: bool = False, quiet: bool = False) -> str:
    out: list[str] = []
    for file, group in groupby(result.active, key=lambda f: f.location.file):
        if quiet:
            out.extend(f"{_headline(f, color)}: {one_line(f.message)}" for f in group)
            continue
        shown = one_line(file)
        out.append(click.style(shown, bold=True, underline=True) if color and file else shown or "(scan)")
        for f in group:
            out.append(f"  {_headline(f, color)}")
            out.append(f"      {one_line(f.message)}")
            out.extend(_evidence_lines(f, color))
        out.append("")
    if not quiet:
        systems = by_system(result)
        if systems:
            out.append("by system:")
            out.extend(f"  {label}: {plural(c['error'], 'error')}, {plural(c['warning'], 'warning')}, {c['info']} info"
                       for label, c in systems)
            out.append("")
        out.extend(f"note: {one_line(note)}" for note in result.notes)
    for part in result.parts:  # a merged report: one line per repository
        s = part.summary
        out.append(f"{one_line(part.name or '.')}: {plural(s['error'], 'error')}, {plural(s['warning'], 'warning')}, "
                   f"{s['info']} info, {s['suppressed']} suppressed ({part.report})")
    if not quiet and result.catalogue is not None:
        out.append(catalogue_words(result) + ".")
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def summary_line(result: ScanResult) -> str:
    """``2 files, 1 resource: 1 error, 0 warnings, 0 info, 0 suppressed``."""
    counts = summary(result)
    base = ""
    if result.baseline is not None:
        stats = result.baseline
        base = (f", {stats.get('baselined', 0)} baselined, "
                f"{plural(int(stats.get('fixed', 0)), 'baseline entry', 'baseline entries')} fixed")
    return (f"{plural(counts['files'], 'file')}, {plural(counts['resources'], 'resource')}: "
            f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, {counts['info']} info, "
            f"{counts['suppressed']} suppressed{base}")
