"""A classification tag whose value is outside the vocabulary."""
from __future__ import annotations

from typing import Any, Mapping

from linter.rules.checks._common import by_status
from linter.rules.context import Context, Match


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return by_status(ctx, "invalid", None)
