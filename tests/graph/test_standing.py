"""How current a catalogue row is: its dates and the caveats that SNC008 reports, exactly."""
from __future__ import annotations

from datetime import date

from linter.graph.standing import fact_of, newest_source
from linter.knowledge import Offer, Provider, Region
from linter.model import CatalogueFact

TODAY = date(2026, 12, 7)
PROVIDER = Provider(id="acme", name="ACME", status="unknown", checked_on="2026-12-07")


def offer(**kw: object) -> Offer:
    return Offer(id="acme/iaas", name="IaaS", status="qualified", **kw)  # type: ignore[arg-type]


def test_a_visa_three_years_past_may_have_lapsed() -> None:
    fact = fact_of(PROVIDER, offer(version="3.1", since="2022"), None, "qualified", TODAY)
    assert fact == CatalogueFact(
        subject="acme/iaas", status="qualified", version="3.1", since="2022", checked_on="2026-12-07",
        caveats=("its SecNumCloud 3.1 visa of 2022 would have lapsed by 2025-12-31 unless renewed, "
                 "and no renewal is recorded",))


def test_a_month_bound_lapses_at_the_end_of_that_month() -> None:
    fact = fact_of(PROVIDER, offer(since="2021-10"), None, "qualified", TODAY)
    assert fact.caveats == ("its visa of 2021-10 would have lapsed by 2024-10-31 unless renewed, "
                            "and no renewal is recorded",)


def test_a_recent_source_bounds_an_undated_visa() -> None:
    recent = offer(sources=({"title": "t", "date": "2025"},))
    assert fact_of(PROVIDER, recent, None, "qualified", TODAY).caveats == ()
    old = offer(sources=({"title": "t", "date": "2023-06"},))
    assert fact_of(PROVIDER, old, None, "qualified", TODAY).caveats == (
        "its newest source (2023-06) is more than 3 years old, and a visa lasts 3 years",)
    assert fact_of(PROVIDER, offer(), None, "qualified", TODAY).caveats == (
        "no dated source shows the visa, so whether it still runs cannot be told",)


def test_given_validity_and_unverified_rows() -> None:
    valid = offer(since="2025-12-17", valid_until="2028-12-17", sources=({"title": "t", "date": "2026-01-07"},))
    assert fact_of(PROVIDER, valid, None, "qualified", TODAY).caveats == ()
    region = Region(name="r1", status="qualified", verified=False, sources=({"title": "t", "date": "2026"},))
    fact = fact_of(PROVIDER, valid, region, "qualified", TODAY)
    assert (fact.subject, fact.newest_source) == ("acme/iaas in r1", "2026")
    assert fact.caveats == ("the catalogue row is not verified (its note in `snclint providers` says what is "
                            "uncertain)",)


def test_not_qualified_rows_have_no_visa_words() -> None:
    fact = fact_of(PROVIDER, offer(version="3.2", since="2019"), Region(name="us", status="not_qualified"),
                   "not_qualified", TODAY)
    assert (fact.version, fact.since, fact.caveats) == (None, None, ())
    assert fact.dates() == "catalogue row checked on 2026-12-07"


def test_newest_source_ignores_undated() -> None:
    assert newest_source([{"date": "undated"}, {"date": "2024-07"}, {"date": "2024"}]) == "2024-07"
    assert newest_source([{"date": "undated"}]) is None
