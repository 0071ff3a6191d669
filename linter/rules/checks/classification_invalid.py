"""A classification tag whose value is outside the vocabulary."""
from __future__ import annotations

from typing import Any, Mapping

from linter.rules.check_api import Context, Match
from linter.rules.checks._common import by_status


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return by_status(ctx, "invalid", None)
