"""Baselines: adopt snclint on an existing estate by recording today's findings, then fail only on
new ones.

An entry is keyed by rule + address + file (+ root, when the finding has one: two roots calling one
module file are two entries), never by line, so that editing above a resource or moving a block does
not resurrect it. An entry without a root covers that finding in every root. The file is
versioned JSON, one entry per line, sorted, so that its diffs review well. Entries that match
nothing any more are counted as fixed, to tell the user the baseline can shrink.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Sequence

from linter.errors import ConfigError
from linter.model import Finding, Location, Suppression

VERSION = 1
ORIGIN = "baseline"
REASON = "baseline"

Key = tuple[str, str, str, str | None]  # (rule, address, file, root)


@dataclass(frozen=True, slots=True)
class BaselineStats:
    baselined: int  # findings of this run that the baseline covers
    fixed: int  # baseline entries that matched no finding of this run

    def as_dict(self) -> dict[str, int]:
        return {"baselined": self.baselined, "fixed": self.fixed}


def key_of(finding: Finding) -> Key:
    return (finding.rule_id, finding.address, finding.location.file, finding.root)


def write_baseline(findings: Sequence[Finding]) -> str:
    """The baseline text for these findings. Findings silenced by a suppression (inline,
    annotation, config) are left out: they need no baseline; ones silenced by a previous
    baseline are kept, so that ``--baseline old --write-baseline new`` carries them over."""
    entries: dict[Key, dict[str, str]] = {}
    for f in findings:
        if f.suppressed_by is not None and f.suppressed_by.origin != ORIGIN:
            continue
        rule, address, file, root = key_of(f)
        entry = {"rule": rule, "address": address, "file": file, **({"root": root} if root is not None else {})}
        if f.fingerprint:
            entry["fingerprint"] = f.fingerprint
        entries.setdefault(key_of(f), entry)
    lines = [json.dumps(entries[k], ensure_ascii=False, sort_keys=True)
             for k in sorted(entries, key=lambda k: (*k[:3], k[3] or ""))]
    body = ",\n".join(f"    {line}" for line in lines)
    return (f'{{\n  "version": {VERSION},\n  "tool": "snclint",\n  "entries": ['
            + (f"\n{body}\n  " if lines else "") + "]\n}\n")


def apply_baseline(findings: Sequence[Finding], text: str, source: str) -> tuple[list[Finding], BaselineStats]:
    """Mark the findings the baseline covers as suppressed by it; count them and the entries that
    matched nothing. A finding already suppressed otherwise keeps its own suppression."""
    keys = read_baseline(text, source)
    marker = Suppression(rules=(), reason=REASON, until=None, location=Location(source, 1), origin=ORIGIN)
    out: list[Finding] = []
    matched: set[Key] = set()
    baselined = 0
    for f in findings:
        key = key_of(f)
        if key not in keys:
            key = (*key[:3], None)  # an entry without a root
        if key in keys:
            matched.add(key)
            if f.suppressed_by is None:
                f = replace(f, suppressed_by=replace(marker, rules=(f.rule_id,)))
                baselined += 1
        out.append(f)
    return out, BaselineStats(baselined=baselined, fixed=len(keys - matched))


def read_baseline(text: str, source: str) -> set[Key]:
    """The keys of a baseline file; a file that is not one is a ``ConfigError`` (one line)."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{source}: not a snclint baseline: invalid JSON ({err.msg}, line {err.lineno})") from None
    except (ValueError, RecursionError) as err:  # a huge number, nesting deeper than Python's stack
        raise ConfigError(f"{source}: not a snclint baseline: {type(err).__name__}") from None
    if not isinstance(data, dict) or "entries" not in data:
        raise ConfigError(f"{source}: not a snclint baseline: expected an object with 'version' and 'entries'")
    if data.get("version") != VERSION:
        raise ConfigError(f"{source}: baseline version {data.get('version')!r} is not supported "
                          f"(expected {VERSION}); write it again with --write-baseline")
    entries = data["entries"]
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: not a snclint baseline: 'entries' must be a list")
    keys: set[Key] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("rule", "address", "file")):
            raise ConfigError(f"{source}: baseline entry {number} needs string 'rule', 'address' and 'file'")
        root = entry.get("root")
        if root is not None and not isinstance(root, str):
            raise ConfigError(f"{source}: baseline entry {number}: 'root' must be a string")
        keys.add((entry["rule"], entry["address"], entry["file"], root))
    return keys
