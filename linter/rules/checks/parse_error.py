"""A file that could not be read or understood: each such problem of the frontends is a finding."""
from __future__ import annotations

from typing import Any, Mapping

from linter.model import ProblemKind
from linter.rules.check_api import Context, Match


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return [Match(node_key=None, address=p.address or p.location.file, location=p.location,
                  message=p.message, identity=f"{p.location.line}:{p.message}")
            for p in ctx.problems if p.kind == ProblemKind.UNREADABLE]
