"""Suppressions in force: inline comments, ``snclint.io/ignore`` annotations and config exceptions
(their syntax: ``linter.suppression_syntax``).

A suppression silences the findings it covers on its object; one without a reason, or past its
date, still silences nothing after its date and is itself reported (SNC007), so that exceptions
cannot quietly become permanent.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from linter.errors import UsageError
from linter.model import Suppression


def unreadable_dates(suppressions: Iterable[Suppression]) -> None:
    """A suppression whose date cannot be read stops the scan with a usage error (docs/architecture.md#exit-codes): the
    author meant an end date, and neither "forever" nor "already over" is what they wrote."""
    for suppression in suppressions:
        if suppression.unreadable_date is not None:
            where = suppression.location
            raise UsageError(f"{where.file}:{where.line}: until={suppression.unreadable_date} is not a date "
                             "(YYYY-MM-DD)")


def is_active(suppression: Suppression, today: date) -> bool:
    return suppression.until is None or suppression.until >= today


def problem_of(suppression: Suppression, today: date) -> str | None:
    """Why a suppression is reported (SNC007), or None when it is in order."""
    if suppression.until is not None and suppression.until < today:
        if suppression.until == date.min:
            return "its date could not be read"
        return f"it expired on {suppression.until.isoformat()}"
    if not suppression.reason:
        return "it gives no reason"
    return None


def same_file(file: str, path: str) -> bool:
    """A config exception's ``file`` names ``path`` (a report path), whole or by its end."""
    return path == file or path.endswith("/" + file.lstrip("./"))
