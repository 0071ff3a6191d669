"""``docs/catalogue.md`` lists every provider and offer of the shipped catalogue, and no other."""
from __future__ import annotations

import re
from pathlib import Path

from linter.policy_files import load_knowledge

DOC = Path(__file__).resolve().parents[1] / "docs" / "catalogue.md"


def test_catalogue_doc_lists_every_provider_and_offer() -> None:
    section = DOC.read_text(encoding="utf-8").split("## Providers and offers", 1)[1].split("\n## ", 1)[0]
    rows = {m[1]: set(re.findall(r"`([a-z0-9-]+/[a-z0-9-]+)`", m[2]))
            for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (.*) \|$", section, re.MULTILINE)}
    catalog = load_knowledge().catalog
    assert rows == {pid: {o.id for o in p.offers} for pid, p in catalog.providers.items()}
