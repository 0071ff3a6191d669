"""A sensitive object, or a flow of its data, whose hosting cannot be determined."""
from __future__ import annotations

from typing import Any, Mapping

from linter.model import ProblemKind
from linter.rules.check_api import Context, Match
from linter.rules.checks._common import levels_of, path_evidence, sensitive_resources

HOSTING_VERDICT = True  # its findings are a verdict on where an object runs: the audit's inventory reads them


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    levels = levels_of(ctx, params)
    out = []
    for node, level, steps in sensitive_resources(ctx, params):
        hops, hosting = ctx.hosting_of(node.key)
        if hosting is not None:
            continue
        origin = steps[0].source if steps else node.key
        evidence = [*ctx.classification_evidence(origin), *path_evidence(ctx, steps, node.key), *hops]
        why = ctx.graph.nodes[node.key].get("hosting_why") or (
            "it is not placed on any cluster (config kubernetes.clusters, snclint.io/cluster)"
            if node.origin == "kubernetes" and not hops else "its provider or cluster is not recognised")
        out.append(Match(node_key=node.key, address=node.address, location=node.location,
                         message=f"{node.address} holds {level} data but its hosting cannot be determined: {why}",
                         cluster=node.cluster, sensitivity=level, evidence=tuple(evidence)))
    for flow in ctx.graph.graph.get("unresolved_flows", ()):
        state = ctx.sensitive.get(flow.source)
        if state is None or state[0] not in levels:
            continue
        source = ctx.node(flow.source)
        out.append(Match(node_key=flow.source, address=source.address, location=flow.location,
                         cluster=source.cluster, sensitivity=state[0],
                         evidence=(*ctx.classification_evidence(state[1][0].source if state[1] else flow.source),
                                   *path_evidence(ctx, state[1], flow.source)),
                         message=f"{source.address} holds {state[0]} data and {flow.relation.value} a destination "
                                 f"({flow.attribute}) " + (f"whose hosting cannot be told ({flow.why})" if flow.why
                                 else "that the scan cannot resolve to a resource: its hosting cannot be checked"),
                         identity=f"flow:{flow.attribute}:{flow.location.file}:{flow.location.line}"))
    for problem in ctx.problems:
        if problem.kind == ProblemKind.HOSTING_UNDETERMINED:
            out.append(Match(node_key=None, address=problem.address, location=problem.location,
                             message=problem.message, identity=problem.message))
    return out
