"""``snclint providers``: the catalogue as a table, then its sources and notes."""
from __future__ import annotations

from datetime import date

from linter.knowledge import Catalog, Offer, Provider, Region
from linter.policy_files import load_knowledge
from linter.providers_table import format_providers

CATALOG = Catalog(
    checked_on="2026-11-29",
    note="Re-check every row against ANSSI's list.",
    sources=({"title": "ANSSI list", "url": "https://example.org/list", "date": "undated"},),
    providers={
        "outscale": Provider(
            id="outscale", name="3DS OUTSCALE", status="unknown", default_offer="outscale/iaas",
            checked_on="2026-11-29",
            offers=(Offer(id="outscale/iaas", name="IaaS", status="qualified", version="3.2", service_type="IaaS",
                          regions=(Region(name="eu-west-2", status="qualified", verified=False,
                                          note="which French region the visa covers is not verified"),
                                   Region(name="us-east-2", status="not_qualified")),
                          sources=({"url": "https://example.org/outscale", "date": "2025"},)),)),
        "bleu": Provider(
            id="bleu", name="Bleu", status="in_qualification", checked_on="2026-11-29",
            offers=(Offer(id="bleu/cloud", name="Cloud", status="in_qualification", milestone="J0",
                          milestone_date="2025-04-17", verified=False, note="later status not verified"),)),
    },
)


def test_format_providers() -> None:
    assert format_providers(CATALOG).splitlines() == [
        "SecNumCloud catalogue (checked on 2026-11-29)",
        "Re-check every row against ANSSI's list.",
        "  ANSSI list — https://example.org/list (undated)",
        "",
        "PROVIDER  OFFER                     STATUS                             SNC  SINCE  VALID UNTIL  REGIONS",
        "outscale  (default: outscale/iaas)  unknown",
        "          outscale/iaas             qualified                          3.2                      "
        "eu-west-2*: qualified; us-east-2: not qualified",
        "bleu      (provider-wide)           in qualification",
        "          bleu/cloud                in qualification* (J0 2025-04-17)                           (all)",
        "",
        "* not verified: see the notes below.",
        "! the visa may have lapsed (a visa lasts three years): see the caveats below.",
        "",
        "Sources and notes",
        "",
        "outscale: 3DS OUTSCALE (checked on 2026-11-29)",
        "  outscale/iaas: IaaS [IaaS]",
        "    source: https://example.org/outscale (2025)",
        "    eu-west-2: which French region the visa covers is not verified",
        "",
        "bleu: Bleu (checked on 2026-11-29)",
        "  bleu/cloud: Cloud",
        "    note: later status not verified",
    ]


def test_shipped_catalogue_lists_every_offer() -> None:
    catalog = load_knowledge().catalog
    text = format_providers(catalog)
    for provider in catalog.providers.values():
        assert f"\n{provider.id} " in text
        for offer in provider.offers:
            assert f" {offer.id} " in text
    assert ("cloudgouv-eu-west-1: qualified; eu-west-2: unknown; us-east-2, us-west-1, ap-northeast-1: "
            "not qualified") in text
    assert text.splitlines()[1].startswith("Checked against: secondary sources")


def test_lapsed_visas_are_marked_with_their_caveat() -> None:
    text = format_providers(load_knowledge().catalog, today=date(2026, 12, 7))
    row = next(line for line in text.splitlines() if line.strip().startswith("cloudtemple/secure-temple"))
    assert "qualified*!" in row and "2022" in row
    assert ("    caveat: its SecNumCloud 3.1 visa of 2022 would have lapsed by 2025-12-31 unless renewed, "
            "and no renewal is recorded") in text
    s3ns = next(line for line in text.splitlines() if line.strip().startswith("s3ns/premi3ns"))
    assert "!" not in s3ns
