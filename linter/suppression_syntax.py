"""The ``snclint:ignore`` syntax, read by the frontends from comments and annotations.

Only the syntax lives here, below the frontends; whether a suppression is in force, and what it
silences, is the rules' business (``linter.rules.suppressions``).
"""
from __future__ import annotations

import shlex
from datetime import date

from linter.model import Location, Suppression

MARKER = "snclint:ignore"


def parse_suppression(text: str, location: Location, origin: str = "inline") -> Suppression | None:
    """Parse ``snclint:ignore SNC001,SNC002 reason="…" until=2027-06-30`` out of a comment or an
    annotation value. Returns None when the text holds no marker."""
    body = text.strip().lstrip("#/* ").rstrip("*/ ")
    if origin == "inline":
        at = body.find(MARKER)
        if at < 0:
            return None
        body = body[at + len(MARKER):]
    try:
        words = shlex.split(body)
    except ValueError:
        words = body.split()
    rules: list[str] = []
    reason: str | None = None
    until: date | None = None
    bad_date: str | None = None
    for word in words:
        key, sep, value = word.partition("=")
        if sep and key == "reason":
            reason = value.strip() or None
        elif sep and key in ("until", "expires"):
            try:
                until = date.fromisoformat(value)
            except ValueError:
                bad_date = value
        elif not sep:
            rules.extend(r for r in word.split(",") if r)
    if bad_date is not None:
        until = date.min  # expired if it ever got past the scan's check (``unreadable_dates``)
    return Suppression(rules=tuple(r.upper() for r in rules), reason=reason, until=until,
                       location=location, origin=origin, unreadable_date=bad_date)
