"""A single self-contained HTML page for audits: a table of contents, the scope, summary, the
per-system table, totals and a picture of the sensitive chains (``html_audit``), then the
findings by file with their evidence chains (folded), suppressed findings, and the rules.

No external assets and no script: the page is read offline and attached to audit records. Every
piece of scanned content (addresses, messages, tag values, paths) is hostile, so everything is
escaped, links are emitted only for http(s) references, and a Content-Security-Policy forbids
scripts and remote loads even if something slipped through.
"""
from __future__ import annotations

import re
from functools import cache
from html import escape
from itertools import groupby
from typing import Callable

from linter.model import Finding, RuleInfo, ScanResult
from linter.package_data import folder
from linter.reporters import html_audit as audit
from linter.reporters.common import (
    TOOL_NAME,
    band,
    by_system,
    catalogue_words,
    finding_score,
    hosting_words,
    ordered,
    plural,
    reference_parts,
    rules_by_id,
    visible,
)
from linter.reporters.json_report import summary

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'"


def render(result: ScanResult, *, lang: str = "en") -> str:
    """``lang``: ``en`` or ``fr`` for the page's own words (findings' messages stay as the rules
    write them)."""
    t = audit.text(lang)
    rules = rules_by_id(result)
    counts = summary(result)
    active = ordered(result.active)
    suppressed = ordered(f for f in result.findings if f.suppressed_by is not None)
    sections = [("scope", t("scope")), ("summary", t("summary")), ("systems", t("systems")),
                ("totals", t("totals"))]
    drawing = audit.picture(result, t)
    if drawing:
        sections.append(("picture", t("picture")))
    sections.append(("findings", t("findings")))
    if suppressed:
        sections.append(("suppressed", t("suppressed")))
    if result.notes:
        sections.append(("notes", t("notes")))
    sections.append(("rules", t("rules")))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_e(t('title'))}</title>",
        f"<style>{_style()}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(t('title'))}</h1>",
        f'<p class="meta">{_e(_meta(result))}</p>',
        "</header>",
        "<main>",
        audit.contents(sections, t),
        audit.scope(result, result.scanned, result.config_file, catalogue_words(result), t),
        _summary(result, counts, t),
        audit.systems(result, t),
        audit.totals(result, t),
        drawing,
        _section("findings", t("findings"), active, rules, "No findings."),
    ]
    if suppressed:
        parts.append(_section("suppressed", t("suppressed"), suppressed, rules, ""))
    if result.notes:
        parts.append(f'<section id="notes"><h2>{_e(t("notes"))}</h2><ul>'
                     + "".join(f"<li>{_e(n)}</li>" for n in result.notes) + "</ul></section>")
    parts += [_rules(rules, result.findings, t("rules")), "</main>", "</body>", "</html>"]
    return "\n".join(p for p in parts if p) + "\n"


def _meta(result: ScanResult) -> str:
    words = f"{TOOL_NAME} {result.tool_version}"
    if result.started_at:
        words += f", scan of {result.started_at[:19].replace('T', ' ')} UTC"
    catalogue = catalogue_words(result)
    return words + (f"; {catalogue}" if catalogue else "")


def _summary(result: ScanResult, counts: dict[str, int], t: Callable[[str], str]) -> str:
    cards = [("error", "errors"), ("warning", "warnings"), ("info", "info"), ("suppressed", "suppressed_n"),
             ("files", "files"), ("resources", "resources")]
    out = [f'<section id="summary" aria-label="{_e(t("summary"))}"><div class="cards">']
    for key, label in cards:
        out.append(f'<div class="card {key}"><span class="n">{counts[key]}</span> '
                   f'<span class="label">{_e(t(label))}</span></div>')
    out.append("</div>")
    systems = by_system(result)
    if systems:
        out.append('<table class="system-totals"><caption>Findings by system</caption><thead><tr>'
                   "<th>System</th><th>errors</th><th>warnings</th><th>info</th></tr></thead><tbody>")
        out.extend(f"<tr><td>{_e(label)}</td><td>{c['error']}</td><td>{c['warning']}</td><td>{c['info']}</td></tr>"
                   for label, c in systems)
        out.append("</tbody></table>")
    if result.baseline is not None:
        baselined = plural(int(result.baseline.get("baselined", 0)), "finding")
        fixed = plural(int(result.baseline.get("fixed", 0)), "baseline entry", "baseline entries")
        out.append(f'<p class="baseline">Baseline: {baselined} baselined, {fixed} now fixed.</p>')
    out.append("</section>")
    return "\n".join(out)


def _section(anchor: str, title: str, findings: list[Finding], rules: dict[str, RuleInfo], empty: str) -> str:
    out = [f'<section id="{anchor}"><h2>{_e(title)} <span class="count">{len(findings)}</span></h2>']
    if not findings:
        out.append(f'<p class="empty">{_e(empty)}</p>')
    for file, group in groupby(findings, key=lambda f: f.location.file):
        items = list(group)
        out.append(f'<section class="file" data-file="{_e(file)}"><details><summary><h3><code>'
                   f'{_e(file or "(scan)")}</code> <span class="count">{len(items)}</span></h3></summary>')
        out.extend(_finding(f, rules[f.rule_id]) for f in items)
        out.append("</details></section>")
    out.append("</section>")
    return "\n".join(out)


def _finding(finding: Finding, rule: RuleInfo) -> str:
    level = finding.severity.label
    state = " suppressed" if finding.suppressed_by is not None else ""
    head = (f'<span class="badge {level}">{level}</span> '
            f'<a class="rule" href="#rule-{_anchor(rule.id)}">{_e(finding.rule_id)}</a> '
            f'<code class="address">{_e(finding.address or "(file)")}</code> '
            f'<span class="loc">line {finding.location.line}</span>')
    if finding.root is not None:
        head += f' <span class="tag">root {_e(finding.root)}</span>'
    if finding.cluster:
        head += f' <span class="tag">cluster {_e(finding.cluster)}</span>'
    if finding.system:
        head += f' <span class="tag">system {_e(finding.system)}</span>'
    out = [f'<article class="finding {level}{state}">', f"<h4>{head}</h4>",
           f'<p class="message">{_e(finding.message)}</p>']
    facts = []
    if finding.sensitivity:
        facts.append(("Sensitivity", finding.sensitivity))
    if finding.hosting is not None:
        facts.append(("Hosting", hosting_words(finding)))
        if finding.hosting.declared is not None:
            d = finding.hosting.declared
            facts.append(("Declared", f"{d.where}: {d.evidence}" + (f" ({d.date})" if d.date else "")))
        if finding.hosting.fact is not None:
            facts.append(("Catalogue row", f"{finding.hosting.fact.subject}: {finding.hosting.fact.dates()}"))
    if finding.suppressed_by is None:
        facts.append(("Security severity", f"{band(finding, rule)} ({finding_score(finding, rule):.1f})"))
    if facts:
        out.append('<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
                   + "</dl>")
    if finding.evidence:
        steps = "".join(
            f'<li><span class="rel">{_e(e.relation)}</span> <code>{_e(e.address)}</code>'
            + (f' <span class="loc">{_e(e.file)}:{e.line or 1}</span>' if e.file else "")
            + (f' <span class="detail">{_e(e.detail)}</span>' if e.detail else "") + "</li>"
            for e in finding.evidence)
        out.append(f'<details><summary>Evidence ({len(finding.evidence)})</summary>'
                   f'<ol class="chain">{steps}</ol></details>')
    s = finding.suppressed_by
    if s is not None:
        until = f", until {s.until.isoformat()}" if s.until else ""
        out.append(f'<p class="why-suppressed">Suppressed ({_e(s.origin)}{until}) at '
                   f'<span class="loc">{_e(s.location.file)}:{s.location.line}</span>: '
                   f'{_e(s.reason or "no reason given")}</p>')
    out.append("</article>")
    return "\n".join(out)


def _rules(rules: dict[str, RuleInfo], findings: tuple[Finding, ...], title: str) -> str:
    out = [f'<section id="rules"><h2>{_e(title)}</h2>']
    for rule in rules.values():
        n = sum(1 for f in findings if f.rule_id == rule.id and f.suppressed_by is None)
        out.append(f'<article class="rule-doc" id="rule-{_anchor(rule.id)}"><details>')
        out.append(f'<summary><h3><span class="badge {rule.severity.label}">{rule.severity.label}</span> '
                   f'{_e(rule.id)}: {_e(rule.title or rule.id)} <span class="count">{plural(n, "finding")}</span>'
                   "</h3></summary>")
        out.extend(_paragraphs(rule.rationale))
        if rule.remediation:
            out.append("<h4>How to fix</h4>")
            out.extend(_paragraphs(rule.remediation))
        for name, text in sorted(rule.examples.items()):
            out.append(f"<h4>Example: {_e(name)}</h4><pre><code>{_e(text)}</code></pre>")
        links = [*rule.references, *([rule.help_uri] if rule.help_uri else [])]
        if links:
            out.append('<ul class="refs">' + "".join(f"<li>{_link(r)}</li>" for r in links) + "</ul>")
        out.append("</details></article>")
    out.append("</section>")
    return "\n".join(out)


@cache
def _style() -> str:
    return (folder("linter.reporters") / "report.css").read_text(encoding="utf-8").strip()


def _paragraphs(text: str) -> list[str]:
    return [f"<p>{_e(p.strip())}</p>" for p in text.split("\n\n") if p.strip()]


def _link(reference: str) -> str:
    title, url = reference_parts(reference)
    if url is None:
        return _e(title)
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(title)}</a>'


def _anchor(rule_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", rule_id)


def _e(text: str) -> str:
    return escape(visible(text), quote=True)

