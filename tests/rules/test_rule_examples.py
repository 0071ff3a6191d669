"""Every rule's examples in ``policies/rules.yaml`` run: ``fail`` gives the rule, ``pass`` does not.

They are what ``snclint explain``, docs/rules.md and the HTML report show, so an example that
stopped doing what it says would teach the wrong thing.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from linter.cli import main
from linter.model import RuleInfo
from linter.policy_files import load_knowledge
from linter.rules.checks import CHECKS

REPO = Path(__file__).resolve().parents[2]
RULES = load_knowledge().rules
RULE_ID = re.compile(r"SNC\d{3}")
FILE_LINE = re.compile(r"^# file: (\S+)\s*$", re.M)


def files_of(example: str) -> dict[str, str]:
    """One file (main.tf, or manifest.yaml for a manifest), or one per ``# file: PATH`` line."""
    parts = FILE_LINE.split(example)
    if len(parts) == 1:
        return {"manifest.yaml" if re.search(r"^apiVersion:", example, re.M) else "main.tf": example}
    assert not parts[0].strip(), "text before the first '# file:' line"
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def rule_ids(tmp_path: Path, example: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    (tmp_path / ".git").mkdir()
    for name, text in files_of(example).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = main(["scan", "-f", "json", "--fail-on", "never", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return {f["rule_id"] for f in json.loads(captured.out)["findings"]}


def test_every_rule_has_both_examples() -> None:
    assert [r.id for r in RULES if set(r.examples) != {"fail", "pass"}] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_fail_example_gives_the_rule(rule: RuleInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rule.id in rule_ids(tmp_path, rule.examples["fail"], capsys)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_pass_example_does_not(rule: RuleInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rule.id not in rule_ids(tmp_path, rule.examples["pass"], capsys)


def test_every_check_is_in_the_schema_and_run_by_a_shipped_rule() -> None:
    """The check modules are the registry; the rules schema (which editors validate user packs
    against) and the shipped rules follow it."""
    schema = json.loads((REPO / "linter" / "schemas" / "rules.schema.json").read_text(encoding="utf-8"))
    enum = schema["$defs"]["rule"]["properties"]["check"]["enum"]
    assert sorted(enum) == sorted(CHECKS), "the check enum of linter/schemas/rules.schema.json is the check modules"
    assert sorted({r.check for r in RULES}) == sorted(CHECKS)


def test_no_rule_id_in_the_code() -> None:
    """Rule ids are knowledge (``policies/rules.yaml``): code names checks and problem kinds, so a
    pack that renumbers or reuses a check changes no Python."""
    found = []
    for path in sorted((REPO / "linter").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and RULE_ID.fullmatch(node.value):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value}")
    assert found == []
