"""The JSON shapes of the catalogue stamp, a finding's hosting, its catalogue fact and its
declaration: what the JSON and SARIF reports write and ``merge`` reads back. Each shape's writer
and reader sit side by side, and a test round-trips them, so a field added to one cannot be
forgotten by the other.

A reader takes what a report holds, which is untrusted: a value of the wrong shape gives None
(the report had no such part), a missing field its default.
"""
from __future__ import annotations

from typing import Any

from linter.model import CatalogueFact, CatalogueStamp, Declaration, Hosting


def stamp_dict(stamp: CatalogueStamp | None) -> dict[str, Any] | None:
    if stamp is None:
        return None
    return {"checked_on": stamp.checked_on, "checked_against": stamp.checked_against,
            "added_files": stamp.extra_files}


def stamp_from(data: Any) -> CatalogueStamp | None:
    if not isinstance(data, dict):
        return None
    checked = data.get("checked_on")
    return CatalogueStamp(checked_on=checked if isinstance(checked, str) else None,
                          checked_against=str(data.get("checked_against") or ""),
                          extra_files=int(data.get("added_files") or 0))


def hosting_dict(hosting: Hosting | None) -> dict[str, Any] | None:
    """``evidence`` is not written: the finding's own evidence says how the hosting was found."""
    if hosting is None:
        return None
    return {"provider": hosting.provider, "offer": hosting.offer, "region": hosting.region,
            "qualification": hosting.qualification, "reason": hosting.reason,
            "catalogue_fact": fact_dict(hosting.fact), "declared": declaration_dict(hosting.declared)}


def hosting_from(data: Any) -> Hosting | None:
    """A hosting must say its qualification: KeyError or TypeError when it does not (the caller
    names the report)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TypeError(f"a hosting is an object, not {type(data).__name__}")
    return Hosting(provider=data.get("provider"), offer=data.get("offer"), region=data.get("region"),
                   qualification=data["qualification"], reason=data.get("reason"),
                   fact=fact_from(data.get("catalogue_fact")), declared=declaration_from(data.get("declared")))


def fact_dict(fact: CatalogueFact | None) -> dict[str, Any] | None:
    """The catalogue row a hosting verdict rests on, with its dates."""
    if fact is None:
        return None
    return {"row": fact.subject, "status": fact.status, "version": fact.version, "since": fact.since,
            "valid_until": fact.valid_until, "newest_source": fact.newest_source,
            "checked_on": fact.checked_on, "caveats": list(fact.caveats)}


def fact_from(data: Any) -> CatalogueFact | None:
    if not isinstance(data, dict) or not isinstance(data.get("row"), str):
        return None
    return CatalogueFact(subject=data["row"], status=str(data.get("status") or "unknown"),
                         version=data.get("version"), since=data.get("since"), valid_until=data.get("valid_until"),
                         newest_source=data.get("newest_source"), checked_on=data.get("checked_on"),
                         caveats=tuple(str(c) for c in data.get("caveats") or ()))


def declaration_dict(declared: Declaration | None) -> dict[str, Any] | None:
    """``attested`` is not written: the hosting's verdict and evidence already say what it changed."""
    if declared is None:
        return None
    return {"where": declared.where, "evidence": declared.evidence, "date": declared.date}


def declaration_from(data: Any) -> Declaration | None:
    if not isinstance(data, dict) or not isinstance(data.get("where"), str):
        return None
    return Declaration(where=data["where"], evidence=str(data.get("evidence") or ""), date=data.get("date"))
