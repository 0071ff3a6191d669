"""What several checks share: the levels a rule applies to, the evidence of a path, the words
for a hosting, the matches of the hosting checks and of the classification statuses."""
from __future__ import annotations

from typing import Any, Iterator, Mapping

from linter.graph.sensitivity import Step
from linter.model import DATA_FLOWS, Evidence, Hosting, Node, NodeKind
from linter.rules.check_api import Context, Match


def levels_of(ctx: Context, params: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(params.get("levels") or ctx.knowledge.vocabulary.requires_secnumcloud)


def via_flow(steps: list[Step]) -> bool:
    return any(step.relation in DATA_FLOWS for step in steps)


def path_evidence(ctx: Context, steps: list[Step], end: str) -> list[Evidence]:
    """One line per hop: ``source --relation--> next`` with the file:line that made the edge."""
    out = []
    for i, step in enumerate(steps):
        target = steps[i + 1].source if i + 1 < len(steps) else end
        out.append(Evidence(address=ctx.node(step.source).address, relation=step.relation.value,
                            file=step.location.file, line=step.location.line,
                            detail=f"to {ctx.node(target).address}"))
    return out


def sensitive_resources(ctx: Context, params: Mapping[str, Any]) -> Iterator[tuple[Node, str, list[Step]]]:
    """Each resource holding data of the rule's levels, with its level and the path that made it
    sensitive; a config cluster stands for its hosting, not for data."""
    levels = levels_of(ctx, params)
    for node in ctx.resources():
        if node.kind == NodeKind.CLUSTER and node.origin == "config":
            continue
        state = ctx.sensitive.get(node.key)
        if state is not None and state[0] in levels:
            yield node, state[0], state[1]


def sensitive_matches(ctx: Context, params: Mapping[str, Any], flows: bool) -> list[Match]:
    out = []
    for node, level, steps in sensitive_resources(ctx, params):
        if via_flow(steps) != flows:
            continue
        hosting_evidence, hosting = ctx.hosting_of(node.key)
        if hosting is None or hosting.qualified:
            continue
        origin = steps[0].source if steps else node.key
        evidence = [*ctx.classification_evidence(origin), *path_evidence(ctx, steps, node.key), *hosting_evidence,
                    *ctx.settings_evidence(node.key)]
        what = hosting_words(hosting)
        reason = f"{hosting.reason}{DECLARE_HINT if hosting.reason == 'qualification-unknown' else ''}"
        if flows:
            message = (f"sensitive data ({level}) from {ctx.node(origin).address} reaches "
                       f"{node.address} on {what}: {reason}")
        else:
            message = f"{node.address} holds {level} data on {what}: {reason}"
        out.append(Match(node_key=node.key, address=node.address, location=node.location, message=message,
                         cluster=node.cluster, sensitivity=level, hosting=hosting, evidence=tuple(evidence),
                         identity=ctx.node(origin).address if flows else ""))
    return out


DECLARE_HINT = (" (the catalogue holds no verified qualification for this offer and region; if you hold one — ANSSI's "
                 "list, an attestation — add a catalogue row with its sources and checked_on in a --catalog "
                 "file, or declare this hosting with its evidence in .snclint.yaml: docs/catalogue.md)")


def hosting_words(hosting: Hosting) -> str:
    parts = [hosting.provider or "unknown provider"]
    if hosting.offer:
        parts.append(f"offer {hosting.offer}")
    if hosting.region:
        parts.append(f"region {hosting.region}")
    return ", ".join(parts) + f" ({hosting.qualification})"


def by_status(ctx: Context, status: str, kinds: frozenset[NodeKind] | None) -> list[Match]:
    out = []
    for node in ctx.resources():
        cls = ctx.classifications.get(node.key)
        if cls is None or cls.status != status or (kinds is not None and node.kind not in kinds):
            continue
        tag = cls.tag
        location = tag.location if tag and tag.location.file == node.location.file else node.location
        out.append(Match(node_key=node.key, address=node.address, location=node.location,
                         cluster=node.cluster, message=f"{node.address}: {cls.detail}",
                         evidence=tuple(ctx.classification_evidence(node.key)),
                         identity=f"{location.file}:{tag.key if tag else ''}"))
    return out
