"""The JSON shapes reports write are what merge reads back: every field, both ways."""
from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Callable

import pytest

from linter.model import CatalogueFact, CatalogueStamp, Declaration, Hosting
from linter.reporters.codec import (
    declaration_dict,
    declaration_from,
    fact_dict,
    fact_from,
    hosting_dict,
    hosting_from,
    stamp_dict,
    stamp_from,
)

FACT = CatalogueFact(subject="outscale/iaas in cloudgouv-eu-west-1", status="qualified", version="3.2",
                     since="2025-12-17", valid_until="2028-12-17", newest_source="2026-01-07",
                     checked_on="2026-12-07", caveats=("visa renewal pending",))
DECLARED = Declaration(where="declared_hosting[0] of .snclint.yaml", evidence="attestation on file",
                       date="2026-03-02", attested=True)
FULL = [
    (CatalogueStamp(checked_on="2026-12-07", checked_against="ANSSI list of 2026-11-28", extra_files=2),
     stamp_dict, stamp_from),
    (FACT, fact_dict, fact_from),
    (DECLARED, declaration_dict, declaration_from),
    (Hosting(provider="ovhcloud", offer="ovhcloud/hosted-private-cloud-snc", region="eu-west-par",
             qualification="not-qualified", reason="offer-not-qualified", evidence="provider ovhcloud …",
             fact=FACT, declared=DECLARED),
     hosting_dict, hosting_from),
]
# fields the reports leave out on purpose (the codec's docstrings say why): read back at their default
NOT_WRITTEN = {Declaration: ("attested",), Hosting: ("evidence",)}


@pytest.mark.parametrize(("value", "write", "read"), FULL)
def test_what_is_written_reads_back_the_same(value: Any, write: Callable[[Any], Any],
                                             read: Callable[[Any], Any]) -> None:
    assert all(getattr(value, f.name) != f.default for f in fields(value)), "a field left at its default"
    defaults = {f.name: f.default for f in fields(value) if f.name in NOT_WRITTEN.get(type(value), ())}
    back = read(write(value))
    assert back == replace(value, **defaults)
    if isinstance(value, Hosting):  # not compared by Hosting's equality
        assert (back.fact, back.declared) == (value.fact, replace(DECLARED, attested=False))


@pytest.mark.parametrize(("value", "write", "read"), FULL)
def test_nothing_reads_as_nothing_and_the_wrong_shape_as_nothing_or_an_error(
        value: Any, write: Callable[[Any], Any], read: Callable[[Any], Any]) -> None:
    """A finding's hosting must be whole (merge then names the report); its parts may be missing."""
    assert write(None) is None and read(None) is None
    if read is hosting_from:
        with pytest.raises(TypeError):
            read(["not", "a", "mapping"])
        with pytest.raises(KeyError):
            read({"provider": "aws"})
    else:
        assert read(["not", "a", "mapping"]) is None
