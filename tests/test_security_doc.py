"""docs/security.md lists every bound of linter/limits.py."""
from __future__ import annotations

import re
from pathlib import Path

from linter import limits

DOC = Path(__file__).resolve().parents[1] / "docs" / "security.md"


def test_every_limit_is_documented() -> None:
    names = [n for n in vars(limits) if re.fullmatch(r"[A-Z][A-Z_]+", n) and n != "MIB"]
    text = DOC.read_text(encoding="utf-8")
    assert [n for n in names if f"`{n}`" not in text and f"`{n}`," not in text and n not in text] == []
