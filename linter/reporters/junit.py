"""JUnit XML (``artifacts:reports:junit``): GitLab's MR test summary and pipeline Tests tab (all tiers).

One testsuite per rule, one testcase per finding (failed, or skipped when suppressed), and one
passing testcase for a rule that found nothing, so the Tests tab shows which rules ran. GitLab
shows ``classname`` as the suite and keeps only the first of two equal classname+name pairs, so
names are made unique. ``file``/``line`` are GitLab's (and pytest's) extension to the Ant schema.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from linter.model import Finding, RuleInfo, ScanResult
from linter.reporters.common import (
    TOOL_NAME,
    evidence_line,
    hosting_words,
    ordered,
    rules_by_id,
    scope_words,
    suppression_words,
    timestamp,
    visible,
)

# what XML 1.0 cannot carry at all, even escaped, beyond the control characters ``visible`` handles
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def render(result: ScanResult) -> str:
    rules = rules_by_id(result)
    by_rule = {rule_id: list(group) for rule_id, group in
               groupby(sorted(ordered(result.findings), key=lambda f: f.rule_id), key=lambda f: f.rule_id)}
    root = ET.Element("testsuites")
    when = timestamp(result.started_at)
    for number, rule in enumerate(rules.values()):
        root.append(_suite(rule, by_rule.get(rule.id, []), number, when))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(rule: RuleInfo, findings: list[Finding], number: int, when: str) -> ET.Element:
    cases = [_case(rule, f, name) for f, name in zip(findings, _names(findings), strict=True)]
    if not cases:
        cases = [_element("testcase", classname=rule.id, name="no findings", time="0")]
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    suite = _element("testsuite", name=rule.id, package=TOOL_NAME, id=str(number), timestamp=when,
                     hostname="localhost", tests=str(len(cases)), failures=str(failures), errors="0",
                     skipped=str(skipped), time="0")
    properties = ET.SubElement(suite, "properties")
    properties.append(_element("property", name="title", value=rule.title or rule.id))
    properties.append(_element("property", name="severity", value=rule.severity.label))
    suite.extend(cases)
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")
    return suite


def _names(findings: list[Finding]) -> list[str]:
    """``file address [root r]`` / ``[cluster c]``; a repeat gets `` #2``, `` #3``… (no line: names
    stay stable)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for f in findings:
        scope = scope_words(f)
        name = f"{f.location.file} {f.address or '(file)'}" + (f" [{scope}]" if scope else "")
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


def _case(rule: RuleInfo, finding: Finding, name: str) -> ET.Element:
    case = _element("testcase", classname=rule.id, name=name, time="0",
                    file=finding.location.file, line=str(finding.location.line))
    if finding.suppressed_by is not None:
        case.append(_element("skipped", message=suppression_words(finding)))
        return case
    failure = _element("failure", type=finding.rule_id,
                       message=f"{finding.severity.label}: {finding.message}")
    failure.text = _clean(_details(finding, rule))
    case.append(failure)
    return case


def _details(finding: Finding, rule: RuleInfo) -> str:
    head = f"{finding.location.file}:{finding.location.line}: {finding.severity.label} {finding.rule_id}"
    lines = [f"{head} {finding.address}" if finding.address else head, finding.message]
    if finding.root is not None:
        lines.append(f"root: {finding.root}")
    if finding.cluster:
        lines.append(f"cluster: {finding.cluster}")
    if finding.system:
        lines.append(f"system: {finding.system}")
    if finding.hosting is not None:
        lines.append(f"hosting: {hosting_words(finding)}")
    lines.extend(f"  {evidence_line(e.address, e.relation, e.file, e.line, e.detail)}" for e in finding.evidence)
    if rule.remediation:
        lines.append(f"How to fix: {rule.remediation.strip()}")
    return "\n".join(lines)


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(tag, {key: _clean(value) for key, value in attributes.items()})


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", visible(text))
