"""How current a catalogue row is: the fact a hosting verdict rests on, with its dates.

A SecNumCloud visa lasts three years. The catalogue is rebuilt from secondary sources, so a row may
say "qualified" for a visa that has since lapsed, or for a status no source confirmed. This module
turns the row into a ``CatalogueFact`` that names it, gives its dates, and lists the caveats that
make a qualified verdict doubtful (rule SNC008 reports them): a row not verified, a visa whose
three years are past with no renewal recorded, or no dated source at all that shows it running.
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Iterable, Mapping

from linter.knowledge import Offer, Provider, Region
from linter.model import CatalogueFact

VISA_YEARS = 3
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _bounds(text: str | None) -> tuple[date, date] | None:
    """First and last day of a YYYY, YYYY-MM or YYYY-MM-DD date; None when undated or invalid."""
    hit = _PARTIAL.match(text or "")
    if hit is None:
        return None
    year, month, day = int(hit[1]), hit[2], hit[3]
    try:
        if day:
            exact = date(year, int(month), int(day))
            return exact, exact
        if month:
            last = calendar.monthrange(year, int(month))[1]
            return date(year, int(month), 1), date(year, int(month), last)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def plus_years(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def newest_source(sources: Iterable[Mapping[str, str]]) -> str | None:
    """The date of the newest dated source, as written (``2025``, ``2024-06-20``)."""
    dated = [(b[0], s["date"]) for s in sources if (b := _bounds(s.get("date"))) is not None]
    return max(dated)[1] if dated else None


def fact_of(provider: Provider, offer: Offer | None, region: Region | None, status: str,
            today: date) -> CatalogueFact:
    """The row (provider, offer, region) behind a verdict of ``status``, and its caveats."""
    subject = offer.id if offer else provider.id
    if region is not None:
        subject += f" in {region.name}"
    # a region's own sources are about that region; the offer's visa (version, since) is only
    # shown where the row says it holds
    sources = (region.sources if region and region.sources else None) or (offer.sources if offer else provider.sources)
    newest = newest_source(sources)
    visa = offer if offer and status == "qualified" else None
    caveats: list[str] = []
    verified = provider.verified if offer is None else offer.verified and (region is None or region.verified)
    if not verified:
        caveats.append("the catalogue row is not verified (its note in `snclint providers` says what is uncertain)")
    valid_until = offer.valid_until if offer else None
    if status == "qualified" and not valid_until:
        _lapse(offer, newest, today, caveats)
    return CatalogueFact(subject=subject, status=status, version=visa.version if visa else None,
                         since=visa.since if visa else None, valid_until=valid_until,
                         newest_source=newest, checked_on=provider.checked_on, caveats=tuple(caveats))


def _lapse(offer: Offer | None, newest: str | None, today: date, caveats: list[str]) -> None:
    """A caveat when the evidence has run out: the latest date the visa can have been issued
    (``since``), or else the newest source that shows it, is more than three years ago."""
    version = f"SecNumCloud {offer.version} " if offer and offer.version else ""
    since = _bounds(offer.since) if offer else None
    if since is not None:
        lapse = plus_years(since[1], VISA_YEARS)
        if lapse < today:
            caveats.append(f"its {version}visa of {offer.since if offer else ''} would have lapsed by "
                           f"{lapse.isoformat()} unless renewed, and no renewal is recorded")
        return
    seen = _bounds(newest)
    if seen is None:
        caveats.append("no dated source shows the visa, so whether it still runs cannot be told")
    elif plus_years(seen[0], VISA_YEARS) < today:
        caveats.append(f"its newest source ({newest}) is more than {VISA_YEARS} years old, and a visa "
                       f"lasts {VISA_YEARS} years")
