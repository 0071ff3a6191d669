"""What the SARIF, GitLab, JUnit and HTML reporters share: rule lookup, one severity score, and
fingerprints that every format can rely on being present and unique.

One score per finding keeps the formats consistent: GitHub's security-severity bands, GitLab SAST
severities and Code Quality severities are all cut from the same number.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Sequence

from linter.model import Finding, RuleInfo, ScanResult, Severity

TOOL_NAME = "snclint"
EPOCH = "1970-01-01T00:00:00"  # when a ScanResult carries no times: fixed, so output stays deterministic

# used when a rule's policy gives no ``security_severity`` param (GitHub bands: >=9 critical,
# 7-8.9 high, 4-6.9 medium, 0.1-3.9 low)
DEFAULT_SCORE = {Severity.ERROR: 7.0, Severity.WARNING: 4.0, Severity.INFO: 1.0}
SCORE_PARAM = "security_severity"

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
# DEL, C1, and the invisible marks that reorder or hide text (bidi overrides and isolates,
# zero-width characters, line and paragraph separators); with C0 but tab and newlines, or all of C0
_INVISIBLE = "\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff"
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_INVISIBLE}]")
_CONTROL_LINE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")


def rules_by_id(result: ScanResult) -> dict[str, RuleInfo]:
    """The rules of the run, plus a stand-in for any rule id a finding carries without a RuleInfo,
    so that no finding is ever dropped for want of documentation."""
    rules = {rule.id: rule for rule in result.rules}
    for finding in result.findings:
        if finding.rule_id not in rules:
            rules[finding.rule_id] = RuleInfo(id=finding.rule_id, title=finding.rule_id,
                                              severity=finding.severity, check="", rationale="",
                                              remediation="")
    return dict(sorted(rules.items()))


def rule_score(rule: RuleInfo) -> float:
    """The rule's security-severity in (0, 10]: its ``security_severity`` param when valid, else a
    value derived from its default severity."""
    value = rule.params.get(SCORE_PARAM)
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if 0.0 < number <= 10.0:
            return number
    return DEFAULT_SCORE[rule.severity]


def finding_score(finding: Finding, rule: RuleInfo) -> float:
    """A finding at its rule's default severity takes the rule's score; one raised or lowered
    (``--strict``) takes the default score of its own severity."""
    return rule_score(rule) if finding.severity == rule.severity else DEFAULT_SCORE[finding.severity]


def band(finding: Finding, rule: RuleInfo) -> str:
    """critical | high | medium | low | info: the GitHub bands, with info findings kept as info."""
    if finding.severity == Severity.INFO:
        return "info"
    score = finding_score(finding, rule)
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low"


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, in order: the engine's when set, a line-free hash otherwise,
    and a suffix on repeats, because GitLab keeps only one entry per fingerprint."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for finding in findings:
        base = finding.fingerprint or _derived(finding)
        count = seen.get(base, 0)
        seen[base] = count + 1
        out.append(base if count == 0 else _hash(f"{base}\x1f{count}"))
    return out


def _derived(finding: Finding) -> str:
    return _hash("\x1f".join((finding.rule_id, finding.location.file, finding.address,
                              finding.cluster or "", finding.root or "")))


def by_system(result: ScanResult) -> list[tuple[str, dict[str, int]]]:
    """Active findings counted by severity per declared system (``level, owner`` in the label),
    then those of no system; empty when the config declares none."""
    if not result.declared_systems:
        return []
    rows = []
    for name, label in [*((s.name, f"{s.name} ({s.level}" + (f", {s.owner})" if s.owner else ")"))
                          for s in result.declared_systems), (None, "(no system)")]:
        found = [f for f in result.active if f.system == name]
        rows.append((label, {s.label: sum(1 for f in found if f.severity == s) for s in reversed(Severity)}))
    return rows


def scope_words(finding: Finding) -> str:
    """``root envs/prod`` / ``cluster prod``: what tells apart two findings on one file and address
    (two roots calling one module, two clusters running one manifest); "" when neither is known."""
    parts = ([f"root {finding.root}"] if finding.root is not None else []) + (
        [f"cluster {finding.cluster}"] if finding.cluster else [])
    return ", ".join(parts)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def timestamp(value: str | None) -> str:
    """``YYYY-MM-DDTHH:MM:SS``, as GitLab SAST and the JUnit schema want it (no zone, no fraction)."""
    if value and _TIMESTAMP.match(value):
        return value[:19]
    return EPOCH


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Report order: (file, line, rule, address), then fingerprint to break the last ties."""
    return sorted(findings, key=lambda f: (*f.sort_key(), f.fingerprint))


def hosting_words(finding: Finding) -> str:
    """``aws / - / eu-west-3 (not-qualified: provider-not-qualified)``, or "" without hosting."""
    h = finding.hosting
    if h is None:
        return ""
    words = f"{h.provider or '?'} / {h.offer or '-'} / {h.region or '-'} ({h.qualification}"
    return words + (f": {h.reason})" if h.reason else ")")


def catalogue_words(result: ScanResult) -> str:
    """``catalogue checked on 2026-12-07 against …``: what every report header says, "" when unknown."""
    stamp = result.catalogue
    if stamp is None:
        return ""
    words = f"SecNumCloud catalogue checked on {stamp.checked_on or 'an unknown date'}"
    if stamp.checked_against:
        words += f" against {stamp.checked_against}"
    if stamp.extra_files:
        words += f" (with {plural(stamp.extra_files, 'added catalogue file')})"
    return words


def evidence_line(address: str, relation: str, file: str | None, line: int | None, detail: str) -> str:
    where = f" ({file}:{line or 1})" if file else ""
    return f"{relation} {address}{where}" + (f": {detail}" if detail else "")


def suppression_words(finding: Finding) -> str:
    s = finding.suppressed_by
    if s is None:
        return ""
    until = f" until {s.until.isoformat()}" if s.until else ""
    return f"suppressed ({s.origin}{until}): {s.reason or 'no reason given'}"



_URL = re.compile(r"https?://[^\s<>\"'`]+")


def reference_parts(reference: str) -> tuple[str, str | None]:
    """A policy reference as (title, url): a bare URL, or a title with the URL in it
    (``Title — URL``, ``Title: URL``, ``Title <URL>``, ``Title (URL)``). url is None when there is no web link."""
    found = list(_URL.finditer(reference))
    if not found:
        return reference.strip(), None
    match = found[-1]
    url = match.group()
    # trailing punctuation is the sentence's, not the URL's, except a ")" the URL opened itself
    while url and (url[-1] in ".,;]>" or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    before, after = reference[: match.start()].rstrip(), reference[match.start() + len(url):].strip()
    if (before.endswith("(") and after.startswith(")")) or (before.endswith("<") and after.startswith(">")):
        before, after = before[:-1], after[1:]  # "Title (URL)", "Title <URL>": the brackets go with the URL
    title = (before.rstrip(" \t-–—:") + " " + after).strip(" \t-–—:.,;")
    return title or url, url


def visible(text: str) -> str:
    """Control characters (a terminal escape in a tag value…) shown as ``\\x1b``: readable, and
    harmless in XML and HTML, where most of them are not allowed at all."""
    return _CONTROL.sub(_escaped, text)


def one_line(text: str) -> str:
    """``visible``, newlines and tabs escaped too: for a terminal, where a carriage return or an
    escape sequence from a file name, a label or a tag value would rewrite what is shown."""
    return _CONTROL_LINE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"
