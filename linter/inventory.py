"""The audit's inventory: every sensitive object of a scan with where it runs and its verdict,
the compliant ones included (findings only name what is wrong; an audit also shows what is right).
"""
from __future__ import annotations

from typing import Sequence

from linter.model import DATA_FLOWS, Finding, NodeKind, SystemRow
from linter.rules.check_api import Context
from linter.rules.checks import HOSTING_VERDICTS

LISTED_KINDS = frozenset({NodeKind.DATASTORE, NodeKind.COMPUTE})


def inventory(ctx: Context, findings: Sequence[Finding]) -> tuple[SystemRow, ...]:
    rows = []
    by_object: dict[tuple[str, str, str | None], list[Finding]] = {}
    hosting_rules = {r.id for r in ctx.knowledge.rules if r.check in HOSTING_VERDICTS}
    for finding in findings:
        if finding.rule_id in hosting_rules:
            by_object.setdefault((finding.address, finding.location.file, finding.root), []).append(finding)
    for node in ctx.resources():
        state = ctx.sensitive.get(node.key)
        if state is None or node.kind not in LISTED_KINDS or node.origin == "config":
            continue
        _, hosting = ctx.hosting_of(node.key)
        about = by_object.get((node.address, node.location.file, node.root), [])
        if about and all(f.suppressed_by is not None for f in about):
            verdict = "exception"
        elif hosting is None:
            verdict = "undetermined"
        else:
            verdict = "compliant" if hosting.qualified else "non-compliant"
        flows = sorted({(data["relation"].value, ctx.node(target).address)
                        for _, target, data in ctx.graph.out_edges(node.key, data=True)
                        if data["relation"] in DATA_FLOWS and target in ctx.sensitive})
        declared = ctx.systems.get(node.key)  # a system of the config, else the root or cluster
        system = (declared.name if declared is not None else node.root if node.root is not None
                  else f"cluster {node.cluster}" if node.cluster else "-")
        rows.append(SystemRow(system=system, address=node.address, kind=node.kind.value, location=node.location,
                              sensitivity=state[0], hosting=hosting, verdict=verdict, flows=tuple(flows)))
    return tuple(sorted(rows, key=lambda r: (r.system, r.address, r.location.file)))
