"""docs/architecture.md is what the code cites for its contracts: every anchor cited exists."""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "architecture.md"


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors: the heading in lower case, spaces as hyphens, punctuation dropped."""
    headings = re.findall(r"^#+ (.+)$", markdown, re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_every_cited_section_exists() -> None:
    anchors = _anchors(DOC.read_text(encoding="utf-8"))
    cited = {(path.relative_to(REPO).as_posix(), anchor)
             for folder in ("linter", "tests") for path in (REPO / folder).rglob("*.py")
             for anchor in re.findall(r"docs/architecture\.md#([\w-]+)", path.read_text(encoding="utf-8"))}
    assert cited
    assert [(file, anchor) for file, anchor in sorted(cited) if anchor not in anchors] == []
