"""A sensitive object whose hosting is not SecNumCloud-qualified for its offer and region."""
from __future__ import annotations

from typing import Any, Mapping

from linter.rules.check_api import Context, Match
from linter.rules.checks._common import sensitive_matches

HOSTING_VERDICT = True  # its findings are a verdict on where an object runs: the audit's inventory reads them


def check(ctx: Context, params: Mapping[str, Any]) -> list[Match]:
    return sensitive_matches(ctx, params, flows=False)
