"""``docs/rules.md`` is the output of ``snclint policies --markdown``: the doc and the policies agree."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.cli import main
from linter.policy_files import load_knowledge

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_rules_doc_is_in_sync(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policies", "--markdown"]) == 0
    regenerate = "regenerate: snclint policies --markdown > docs/rules.md"
    assert DOC.read_text(encoding="utf-8") == capsys.readouterr().out, regenerate


def test_every_rule_has_its_anchor() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in load_knowledge().rules:
        assert f"\n## {rule.id}\n" in text
