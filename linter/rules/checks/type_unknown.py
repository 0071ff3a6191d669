"""A sensitive object whose type the knowledge does not name."""
from __future__ import annotations

from typing import Any, Mapping

from linter.graph.sensitivity import inherited
from linter.model import OPAQUE_MODULE, NodeKind
from linter.module_sources import module_key
from linter.rules.check_api import Context, Match
from linter.rules.checks._common import levels_of


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    """A resource classified sensitive by its own tags whose type the knowledge does not name: its
    hosting is still checked (SNC001/SNC006), but not where its data is copied nor its own
    region settings, so the gap is said rather than read as "nothing else to check"."""
    levels = levels_of(ctx, params)
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
