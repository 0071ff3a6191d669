"""The built-in checks. A rule in ``policies/`` names one (``check:``) and gives its params.

Each check reads the ``Context`` and returns ``Match`` values — facts, not policy: the engine
stamps rule id, severity, fingerprint and suppressions. ``CHECKS`` is the registry.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from linter.graph.sensitivity import Step, inherited
from linter.model import DATA_FLOWS, OPAQUE_MODULE, Evidence, Hosting, Node, NodeKind
from linter.rules.context import Context, Match
from linter.rules.suppressions import problem_of, same_file
from linter.terraform.sources import module_key

Check = Callable[[Context, Mapping[str, Any]], list[Match]]


def _levels(ctx: Context, params: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(params.get("levels") or ctx.knowledge.vocabulary.requires_secnumcloud)


def _via_flow(steps: list[Step]) -> bool:
    return any(step.relation in DATA_FLOWS for step in steps)


def _path_evidence(ctx: Context, steps: list[Step], end: str) -> list[Evidence]:
    """One line per hop: ``source --relation--> next`` with the file:line that made the edge."""
    out = []
    for i, step in enumerate(steps):
        target = steps[i + 1].source if i + 1 < len(steps) else end
        out.append(Evidence(address=ctx.node(step.source).address, relation=step.relation.value,
                            file=step.location.file, line=step.location.line,
                            detail=f"to {ctx.node(target).address}"))
    return out


def _sensitive_matches(ctx: Context, params: Mapping[str, Any], flows: bool) -> list[Match]:
    levels = _levels(ctx, params)
    out = []
    for node in ctx.resources():
        if node.kind == NodeKind.CLUSTER and node.origin == "config":
            continue
        state = ctx.sensitive.get(node.key)
        if state is None or state[0] not in levels or _via_flow(state[1]) != flows:
            continue
        level, steps = state
        hosting_evidence, hosting = ctx.hosting_of(node.key)
        if hosting is None or hosting.qualified:
            continue
        origin = steps[0].source if steps else node.key
        evidence = [*ctx.classification_evidence(origin), *_path_evidence(ctx, steps, node.key), *hosting_evidence,
                    *ctx.settings_evidence(node.key)]
        what = _hosting_words(hosting)
        reason = f"{hosting.reason}{_DECLARE_HINT if hosting.reason == 'qualification-unknown' else ''}"
        if flows:
            message = (f"sensitive data ({level}) from {ctx.node(origin).address} reaches "
                       f"{node.address} on {what}: {reason}")
        else:
            message = f"{node.address} holds {level} data on {what}: {reason}"
        out.append(Match(node_key=node.key, address=node.address, location=node.location, message=message,
                         cluster=node.cluster, sensitivity=level, hosting=hosting, evidence=tuple(evidence),
                         identity=ctx.node(origin).address if flows else ""))
    return out


_DECLARE_HINT = (" (the catalogue holds no verified qualification for this offer and region; if you hold one — ANSSI's "
                 "list, an attestation — add a catalogue row with its sources and checked_on in a --catalog "
                 "file, or declare this hosting with its evidence in .snclint.yaml: docs/catalogue.md)")


def qualification_unverified(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    """A sensitive resource on hosting the catalogue calls qualified, but on a row that is not
    verified or whose visa may have lapsed: the verdict is shown, with the row and its dates."""
    levels = _levels(ctx, params)
    out = []
    for node in ctx.resources():
        state = ctx.sensitive.get(node.key)
        if state is None or state[0] not in levels or node.kind == NodeKind.CLUSTER and node.origin == "config":
            continue
        hosting_evidence, hosting = ctx.hosting_of(node.key)
        fact = hosting.fact if hosting is not None else None
        if hosting is None or not hosting.qualified or fact is None or not fact.caveats:
            continue
        level, steps = state
        origin = steps[0].source if steps else node.key
        evidence = [*ctx.classification_evidence(origin), *_path_evidence(ctx, steps, node.key), *hosting_evidence]
        out.append(Match(node_key=node.key, address=node.address, location=node.location, cluster=node.cluster,
                         sensitivity=level, hosting=hosting, evidence=tuple(evidence),
                         message=(f"{node.address} holds {level} data on {_hosting_words(hosting)}, but that "
                                  f"rests on the catalogue row {fact.subject} ({fact.dates()}): "
                                  f"{'; '.join(fact.caveats)}. Check ANSSI's list; record a verified fact "
                                  f"with --catalog, or declare the hosting with the attestation you hold "
                                  f"(docs/catalogue.md)")))
    return out


def _hosting_words(hosting: Hosting) -> str:
    parts = [hosting.provider or "unknown provider"]
    if hosting.offer:
        parts.append(f"offer {hosting.offer}")
    if hosting.region:
        parts.append(f"region {hosting.region}")
    return ", ".join(parts) + f" ({hosting.qualification})"


def hosting_not_qualified(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return _sensitive_matches(ctx, params, flows=False)


def flow_not_qualified(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return _sensitive_matches(ctx, params, flows=True) + _egress_matches(ctx, params)


def _egress_matches(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    """Sensitive data sent to storage named by address (a back-up bucket): the flow's edge goes
    straight to that storage's hosting, so the finding is on the object that sends it."""
    levels = _levels(ctx, params)
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
            evidence = [*ctx.classification_evidence(origin), *_path_evidence(ctx, steps, node.key),
                        Evidence(address=node.address, relation=data["relation"].value, file=location.file,
                                 line=location.line, detail=f"{data.get('attribute')}: to {destination}"),
                        Evidence(address=hosting.key.removeprefix("hosting:"), relation="hosted_on", file=None,
                                 line=None, detail=data.get("evidence") or hosting.evidence)]
            out.append(Match(node_key=node.key, address=node.address, location=node.location, cluster=node.cluster,
                             sensitivity=level, hosting=hosting, evidence=tuple(evidence),
                             message=f"sensitive data ({level}) of {node.address} {data['relation'].value} "
                                     f"{destination} on {_hosting_words(hosting)}: {hosting.reason}",
                             identity=f"egress:{data.get('attribute')}:{destination}"))
    return out


def hosting_undetermined(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    levels = _levels(ctx, params)
    out = []
    for node in ctx.resources():
        state = ctx.sensitive.get(node.key)
        if state is None or state[0] not in levels or node.kind == NodeKind.CLUSTER and node.origin == "config":
            continue
        hops, hosting = ctx.hosting_of(node.key)
        if hosting is not None:
            continue
        origin = state[1][0].source if state[1] else node.key
        evidence = [*ctx.classification_evidence(origin), *_path_evidence(ctx, state[1], node.key), *hops]
        why = ctx.graph.nodes[node.key].get("hosting_why") or (
            "it is not placed on any cluster (config kubernetes.clusters, snclint.io/cluster)"
            if node.origin == "kubernetes" and not hops else "its provider or cluster is not recognised")
        out.append(Match(node_key=node.key, address=node.address, location=node.location,
                         message=f"{node.address} holds {state[0]} data but its hosting cannot be determined: {why}",
                         cluster=node.cluster, sensitivity=state[0], evidence=tuple(evidence)))
    for flow in ctx.graph.graph.get("unresolved_flows", ()):
        state = ctx.sensitive.get(flow.source)
        if state is None or state[0] not in levels:
            continue
        source = ctx.node(flow.source)
        out.append(Match(node_key=flow.source, address=source.address, location=flow.location,
                         cluster=source.cluster, sensitivity=state[0],
                         evidence=(*ctx.classification_evidence(state[1][0].source if state[1] else flow.source),
                                   *_path_evidence(ctx, state[1], flow.source)),
                         message=f"{source.address} holds {state[0]} data and {flow.relation.value} a destination "
                                 f"({flow.attribute}) " + (f"whose hosting cannot be told ({flow.why})" if flow.why
                                 else "that the scan cannot resolve to a resource: its hosting cannot be checked"),
                         identity=f"flow:{flow.attribute}:{flow.location.file}:{flow.location.line}"))
    for problem in ctx.problems:
        if problem.rule_id == "SNC006":
            out.append(Match(node_key=None, address=problem.address, location=problem.location,
                             message=problem.message, identity=problem.message))
    return out


def _by_status(ctx: Context, status: str, kinds: frozenset[NodeKind] | None) -> list[Match]:
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


def classification_unevaluated(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    matches = _by_status(ctx, "unknown", None)
    # a wholly unknown tags map only matters where data lives
    out = [m for m in matches if not _wholesale(ctx, m) or ctx.node(m.node_key or "").kind == NodeKind.DATASTORE]
    # objects whose labels and namespace cannot be known (a kustomization snclint does not render)
    return out + [Match(node_key=None, address=p.address or p.location.file, location=p.location,
                        message=p.message, identity=f"{p.location.line}:{p.message}")
                  for p in ctx.problems if p.rule_id == "SNC004"]


def _wholesale(ctx: Context, match: Match) -> bool:
    cls = ctx.classifications.get(match.node_key or "")
    return bool(cls and cls.tag and cls.tag.key == "*")


def classification_invalid(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return _by_status(ctx, "invalid", None)


def datastore_unclassified(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    kinds = {NodeKind(k) for k in params.get("kinds") or (NodeKind.DATASTORE.value,)}
    out = []
    for node in ctx.resources():
        cls = ctx.classifications.get(node.key)
        if node.kind not in kinds or cls is None or cls.status != "unclassified":
            continue
        if node.key in ctx.sensitive:
            continue  # a replica or snapshot of classified data carries its classification
        out.append(Match(node_key=node.key, address=node.address, location=node.location, cluster=node.cluster,
                         message=f"datastore {node.address} has no classification ({_how_to_classify(ctx, node)})"))
    return out


def _how_to_classify(ctx: Context, node: Node) -> str:
    """What to add: a tag, a module argument, or — for a type that accepts no tags, which the
    provider's default tags therefore do not reach — a classification of its own."""
    keys = " or ".join(ctx.knowledge.vocabulary.keys[:2])
    info = ctx.knowledge.module_info(node.type)
    if info is not None and isinstance(node.attributes.get("source"), str):
        paths = " or ".join(info.tag_paths or ctx.knowledge.default_tag_paths)
        return f"pass {keys} in its argument {paths}, or in the default tags of the provider it inherits"
    if info is not None and not info.taggable:
        return (f"{node.type} accepts no tags, so provider default tags do not reach it: classify it "
                f"through a system of the config, or suppress it with a reason if it holds no such data")
    return f"add a tag such as {keys}"


def type_unknown(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    """A resource classified sensitive by its own tags whose type the knowledge does not name: its
    hosting is still checked (SNC001/SNC006), but not where its data is copied nor its own
    region settings, so the gap is said rather than read as "nothing else to check"."""
    levels = _levels(ctx, params)
    known = set(ctx.knowledge.types) | {f.type for f in ctx.knowledge.flows}
    out = []
    for node in ctx.resources():
        cls = ctx.classifications.get(node.key)
        if (node.kind != NodeKind.OTHER or node.type in known or node.origin == "config" or cls is None
                or cls.status != "classified" or cls.level not in levels or cls.tag is None or inherited(cls.tag)
                or ctx.knowledge.module_info(node.type) is not None):
            continue
        source = node.attributes.get("source")
        module = isinstance(source, str) and node.type in (OPAQUE_MODULE, module_key(source))
        what = f"module source {source}" if module else f"type {node.type}"
        out.append(Match(node_key=node.key, address=node.address, location=node.location, cluster=node.cluster,
                         sensitivity=cls.level, evidence=tuple(ctx.classification_evidence(node.key)),
                         message=f"{node.address} is classified {cls.level} but its {what} is not in snclint's "
                                 f"knowledge: its hosting is checked, not its replicas, back-ups or exports. If it "
                                 f"holds data, declare the {what.split()[0]} in a policy file of kind "
                                 f"{'modules' if module else 'resource-types'} (copy attributes in "
                                 f"{'its flows' if module else 'one of kind flows'}), given with --policies"))
    return out


def parse_error(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return [Match(node_key=None, address=p.address or p.location.file, location=p.location,
                  message=p.message, identity=f"{p.location.line}:{p.message}")
            for p in ctx.problems if p.rule_id == "SNC000"]


def suppression_invalid(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
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


CHECKS: dict[str, Check] = {
    "parse-error": parse_error,
    "hosting-not-qualified": hosting_not_qualified,
    "flow-not-qualified": flow_not_qualified,
    "datastore-unclassified": datastore_unclassified,
    "classification-unevaluated": classification_unevaluated,
    "classification-invalid": classification_invalid,
    "hosting-undetermined": hosting_undetermined,
    "suppression-invalid": suppression_invalid,
    "type-unknown": type_unknown,
    "qualification-unverified": qualification_unverified,
}
