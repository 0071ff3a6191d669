"""Sensitive data that a flow (replica, back-up, export, copy) takes to unqualified hosting."""
from __future__ import annotations

from typing import Any, Mapping

from linter.model import DATA_FLOWS, Evidence, NodeKind
from linter.rules.check_api import Context, Match
from linter.rules.checks._common import hosting_words, levels_of, path_evidence, sensitive_matches

HOSTING_VERDICT = True  # its findings are a verdict on where an object runs: the audit's inventory reads them


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return sensitive_matches(ctx, params, flows=True) + _egress_matches(ctx, params)


def _egress_matches(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    """Sensitive data sent to storage named by address (a back-up bucket): the flow's edge goes
    straight to that storage's hosting, so the finding is on the object that sends it."""
    levels = levels_of(ctx, params)
    out = []
    for node in ctx.resources():
        state = ctx.sensitive.get(node.key)
        if state is None or state[0] not in levels:
            continue
        level, steps = state
        for _, target, data in ctx.graph.out_edges(node.key, data=True):
            hosting = ctx.graph.nodes[target].get("hosting")
            if data["relation"] not in DATA_FLOWS or ctx.node(target).kind != NodeKind.HOSTING \
                    or hosting is None or hosting.qualified:
                continue
            origin = steps[0].source if steps else node.key
            destination = data.get("destination") or hosting.key
            location = data["location"]
            evidence = [*ctx.classification_evidence(origin), *path_evidence(ctx, steps, node.key),
                        Evidence(address=node.address, relation=data["relation"].value, file=location.file,
                                 line=location.line, detail=f"{data.get('attribute')}: to {destination}"),
                        Evidence(address=hosting.key.removeprefix("hosting:"), relation="hosted_on", file=None,
                                 line=None, detail=data.get("evidence") or hosting.evidence)]
            out.append(Match(node_key=node.key, address=node.address, location=node.location, cluster=node.cluster,
                             sensitivity=level, hosting=hosting, evidence=tuple(evidence),
                             message=f"sensitive data ({level}) of {node.address} {data['relation'].value} "
                                     f"{destination} on {hosting_words(hosting)}: {hosting.reason}",
                             identity=f"egress:{data.get('attribute')}:{destination}"))
    return out
