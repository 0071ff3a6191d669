"""A classification tag whose value could not be evaluated."""
from __future__ import annotations

from typing import Any, Mapping

from linter.model import NodeKind, ProblemKind
from linter.rules.check_api import Context, Match
from linter.rules.checks._common import by_status


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    matches = by_status(ctx, "unknown", None)
    # a wholly unknown tags map only matters where data lives
    out = [m for m in matches if not _wholesale(ctx, m) or ctx.node(m.node_key or "").kind == NodeKind.DATASTORE]
    # objects whose labels and namespace cannot be known (a kustomization snclint does not render)
    return out + [Match(node_key=None, address=p.address or p.location.file, location=p.location,
                        message=p.message, identity=f"{p.location.line}:{p.message}")
                  for p in ctx.problems if p.kind == ProblemKind.UNEVALUATED]


def _wholesale(ctx: Context, match: Match) -> bool:
    cls = ctx.classifications.get(match.node_key or "")
    return bool(cls and cls.tag and cls.tag.key == "*")
