"""Which rules a run keeps, and the check that every id the user names is a rule: plain functions of
the rules' documentation, so that the CLI checks its options without loading the checks."""
from __future__ import annotations

from typing import Iterable, Sequence

from linter.errors import UsageError
from linter.model import RuleInfo


def selected(rules: Iterable[RuleInfo], select: Sequence[str], ignore: Sequence[str]) -> list[RuleInfo]:
    """``--select`` and ``--ignore`` take ids or prefixes (``SNC00``)."""
    chosen = []
    for rule in rules:
        if select and not any(rule.id.startswith(s) for s in select):
            continue
        if any(rule.id.startswith(i) for i in ignore):
            continue
        chosen.append(rule)
    return chosen


def check_rule_ids(rules: Sequence[RuleInfo], ids: Sequence[str], where: str, *, prefixes: bool = True) -> None:
    """A rule id that names no rule is an error, not an empty selection: ``--select SNC999`` would
    otherwise turn every rule off and pass."""
    known = [r.id for r in rules]
    for given in ids:
        if not any(k == given or (prefixes and k.startswith(given)) for k in known):
            raise UsageError(f"{where}: {given} is not a rule id (the rules are {', '.join(known)})")
