"""``snclint providers``: the catalogue as a table a person can check against ANSSI's list.

One row per provider (its status when the offer is not known) and per offer, then the sources
with their dates and the notes, so that every row can be traced and re-checked. A status the
sources could not confirm is marked ``*``; its note says what is uncertain. A qualification whose
visa may have lapsed (three years past its date, no renewal recorded) is marked ``!``, with why.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, Sequence

from linter.graph.standing import fact_of
from linter.knowledge import Catalog, Offer, Provider, Region

_HEADERS = ("PROVIDER", "OFFER", "STATUS", "SNC", "SINCE", "VALID UNTIL", "REGIONS")


def format_providers(catalog: Catalog, today: date | None = None) -> str:
    today = today or date.today()
    lines = [f"SecNumCloud catalogue (checked on {catalog.checked_on or 'unknown date'})"]
    if catalog.checked_against:
        lines.append(f"Checked against: {catalog.checked_against}.")
    if catalog.files > 1:
        lines.append(f"With {catalog.files - 1} added catalogue file(s) (--catalog, config): their rows replace ours.")
    if catalog.note:
        lines.append(catalog.note)
    lines += [f"  {_source(s)}" for s in catalog.sources]
    lines += ["", *_table([row for p in catalog.providers.values() for row in _rows(p, today)])]
    lines += ["", "* not verified: see the notes below.",
              "! the visa may have lapsed (a visa lasts three years): see the caveats below.", "",
              "Sources and notes"]
    for provider in catalog.providers.values():
        lines += _details(provider, today)
    return "\n".join(lines) + "\n"


def _rows(provider: Provider, today: date) -> list[tuple[str, ...]]:
    default = f"(default: {provider.default_offer})" if provider.default_offer else "(provider-wide)"
    rows: list[tuple[str, ...]] = [(provider.id, default, _status(provider.status, provider.verified),
                                    "", "", "", "")]
    for offer in provider.offers:
        rows.append(("", offer.id, _offer_status(offer) + ("!" if _lapse_caveats(provider, offer, today) else ""),
                     offer.version or "", offer.since or "", offer.valid_until or "", _regions(offer.regions)))
    return rows


def _lapse_caveats(provider: Provider, offer: Offer, today: date) -> list[str]:
    """What makes the offer's qualification doubtful beyond "not verified" (which ``*`` marks)."""
    if offer.status != "qualified":
        return []
    fact = fact_of(provider, offer, None, offer.status, today)
    return [c for c in fact.caveats if "not verified" not in c]


def _offer_status(offer: Offer) -> str:
    text = _status(offer.status, offer.verified)
    if offer.milestone:
        text += f" ({offer.milestone}" + (f" {offer.milestone_date})" if offer.milestone_date else ")")
    return text


def _status(status: str, verified: bool) -> str:
    return status.replace("_", " ") + ("" if verified else "*")


def _regions(regions: Sequence[Region]) -> str:
    """Regions grouped by status: ``eu-west-2*, cloudgouv-eu-west-1*: qualified; us-east-2: …``."""
    groups: dict[str, list[str]] = {}
    for region in regions:
        groups.setdefault(region.status, []).append(region.name + ("" if region.verified else "*"))
    return "; ".join(f"{', '.join(names)}: {status.replace('_', ' ')}" for status, names in groups.items()) \
        or "(all)"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell, but the last (regions), which may be long."""
    widths = [max(len(r[i]) for r in [_HEADERS, *rows]) for i in range(len(_HEADERS) - 1)]
    return [("  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]).rstrip()
            for row in [_HEADERS, *rows]]


def _details(provider: Provider, today: date) -> list[str]:
    lines = ["", f"{provider.id}: {provider.name} (checked on {provider.checked_on or 'unknown date'})"]
    lines += _notes_and_sources("  ", provider.note, provider.sources)
    for offer in provider.offers:
        lines.append(f"  {offer.id}: {offer.name}" + (f" [{offer.service_type}]" if offer.service_type else ""))
        lines += _notes_and_sources("    ", offer.note, offer.sources)
        lines += [f"    caveat: {c}" for c in _lapse_caveats(provider, offer, today)]
        for region in offer.regions:
            if region.note:
                lines.append(f"    {region.name}: {region.note}")
            lines += [f"      source: {_source(s)}" for s in region.sources]
    return lines


def _notes_and_sources(indent: str, note: str, sources: Sequence[Mapping[str, str]]) -> list[str]:
    out = [f"{indent}note: {note}"] if note else []
    out += [f"{indent}source: {_source(s)}" for s in sources]
    return out


def _source(source: Mapping[str, str]) -> str:
    parts = [p for p in (source.get("title"), source.get("url")) if p]
    return " — ".join(parts) + f" ({source.get('date', 'undated')})"
