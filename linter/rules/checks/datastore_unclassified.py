"""A data store with no classification, and what to add."""
from __future__ import annotations

from typing import Any, Mapping

from linter.model import Node, NodeKind
from linter.rules.check_api import Context, Match


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
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
