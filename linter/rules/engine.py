"""Runs the rules of the policies over the graph and turns their matches into findings.

The engine decides policy: which rules run (``--select``/``--ignore``), at which severity
(``--strict``), each finding's fingerprint, and which suppression covers it.
"""
from __future__ import annotations

import hashlib
from typing import Sequence

from linter.model import Finding, RuleInfo, Severity, Suppression
from linter.rules.check_api import Context, Match
from linter.rules.checks import CHECKS, UNSUPPRESSIBLE
from linter.rules.suppressions import is_active, same_file


def run_rules(ctx: Context, rules: Sequence[RuleInfo], *, strict: bool = False) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for rule in rules:
        strict_severity = rule.params.get("strict_severity")
        severity = Severity.parse(strict_severity) if strict and strict_severity else rule.severity
        for match in CHECKS[rule.check](ctx, rule.params):
            root = ctx.node(match.node_key).root if match.node_key is not None else None
            system = ctx.systems.get(match.node_key) if match.node_key is not None else None
            fingerprint = fingerprint_of(rule.id, match, root)
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            findings.append(Finding(
                rule_id=rule.id, severity=severity, message=match.message, address=match.address,
                location=match.location, root=root, cluster=match.cluster,
                system=system.name if system is not None else None, sensitivity=match.sensitivity,
                hosting=match.hosting, evidence=match.evidence, fingerprint=fingerprint,
                suppressed_by=None if rule.check in UNSUPPRESSIBLE else _suppression(ctx, rule.id, match),
            ))
    return sorted(findings, key=Finding.sort_key)


def fingerprint_of(rule_id: str, match: Match, root: str | None = None) -> str:
    """Stable across runs and line moves (no line in it), unique per finding: the rule, the file
    the object lives in, its address, the root and cluster it was evaluated in (two roots calling
    one module file give two findings) and what tells two findings on it apart."""
    parts = [rule_id, match.location.file, match.address, match.identity]
    parts += [f"root={root}"] if root is not None else []
    parts += [f"cluster={match.cluster}"] if match.cluster is not None else []
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _suppression(ctx: Context, rule_id: str, match: Match) -> Suppression | None:
    if match.node_key is not None:
        for suppression in ctx.node(match.node_key).suppressions:
            if suppression.covers(rule_id) and is_active(suppression, ctx.today):
                return suppression
    for address, file, suppression in ctx.config_suppressions:
        if (suppression.covers(rule_id) and is_active(suppression, ctx.today) and address == match.address
                and (file is None or same_file(file, match.location.file))):
            return suppression
    return None

