"""A suppression or config exception that is not in force: no reason, past its date, or stale."""
from __future__ import annotations

from typing import Any, Mapping

from linter.rules.check_api import Context, Match
from linter.rules.suppressions import problem_of, same_file

# a finding about suppressions is not silenced by one: an expired exception cannot hide itself
SUPPRESSIBLE = False


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    out = []
    known = {r.id for r in ctx.knowledge.rules} | {"ALL"}
    for node in ctx.resources():
        for suppression in node.suppressions:
            unknown = [r for r in suppression.rules if r not in known]
            why = (f"{', '.join(unknown)} {'is not a rule' if len(unknown) == 1 else 'are not rules'} (a typo?)"
                   if unknown else problem_of(suppression, ctx.today))
            if why:
                out.append(Match(node_key=node.key, address=node.address, location=suppression.location,
                                 cluster=node.cluster, suppression=suppression,
                                 message=f"the suppression of {', '.join(suppression.rules) or 'all rules'} "
                                         f"on {node.address} is not in force: {why}",
                                 identity=f"{suppression.location.line}"))
    scanned = {(n.address, n.location.file) for n in ctx.resources()} if ctx.whole_config_scope else set()
    scanned |= {(p.address or p.location.file, p.location.file) for p in ctx.problems}
    for address, file, suppression in ctx.config_suppressions:
        why = problem_of(suppression, ctx.today)
        if not why and ctx.whole_config_scope and not any(
                a == address and (file is None or same_file(file, f)) for a, f in scanned):
            why = "it matches nothing in this scan (a renamed or deleted resource, or a typo)"
        if why:
            out.append(Match(node_key=None, address=address, location=suppression.location,
                             suppression=suppression,
                             message=f"the exception for {', '.join(suppression.rules)} on {address} "
                                     f"is not in force: {why}"))
    return out
