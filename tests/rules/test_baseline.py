from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linter.errors import ConfigError
from linter.model import Finding, Location, Severity, Suppression
from linter.rules.baseline import BaselineStats, apply_baseline, read_baseline, write_baseline


def _finding(rule: str, address: str, file: str = "main.tf", line: int = 1, **changes: object) -> Finding:
    base = Finding(rule_id=rule, severity=Severity.ERROR, message=f"{rule} on {address}", address=address,
                   location=Location(file, line), fingerprint=f"fp-{rule}-{address}")
    return replace(base, **changes)


TODAY = [
    _finding("SNC001", "aws_s3_bucket.b", line=10),
    _finding("SNC001", "aws_db_instance.a", line=3),
    _finding("SNC003", "aws_s3_bucket.b", line=10),
    _finding("SNC001", "aws_db_instance.a", file="envs/staging/main.tf", line=3),
]


def test_written_file_is_versioned_sorted_and_one_entry_a_line() -> None:
    text = write_baseline(TODAY)
    assert text == (
        '{\n  "version": 1,\n  "tool": "snclint",\n  "entries": [\n'
        '    {"address": "aws_db_instance.a", "file": "envs/staging/main.tf", "fingerprint": '
        '"fp-SNC001-aws_db_instance.a", "rule": "SNC001"},\n'
        '    {"address": "aws_db_instance.a", "file": "main.tf", "fingerprint": "fp-SNC001-aws_db_instance.a", '
        '"rule": "SNC001"},\n'
        '    {"address": "aws_s3_bucket.b", "file": "main.tf", "fingerprint": "fp-SNC001-aws_s3_bucket.b", '
        '"rule": "SNC001"},\n'
        '    {"address": "aws_s3_bucket.b", "file": "main.tf", "fingerprint": "fp-SNC003-aws_s3_bucket.b", '
        '"rule": "SNC003"}\n'
        "  ]\n}\n")
    assert write_baseline(list(reversed(TODAY))) == text
    assert json.loads(write_baseline([])) == {"version": 1, "tool": "snclint", "entries": []}


def test_round_trip_moved_block_and_new_violation() -> None:
    """Write today's baseline; then a block moves to another line and a violation is added:
    only the new one stays active."""
    baseline = write_baseline(TODAY)
    moved = [replace(f, location=Location(f.location.file, f.location.line + 25)) for f in TODAY]
    new = _finding("SNC001", "aws_s3_bucket.new", line=60)
    findings, stats = apply_baseline([*moved, new], baseline, "snclint-baseline.json")
    assert [f.address for f in findings if f.suppressed_by is None] == ["aws_s3_bucket.new"]
    assert stats == BaselineStats(baselined=4, fixed=0)
    marked = findings[0].suppressed_by
    assert marked == Suppression(rules=("SNC001",), reason="baseline", until=None,
                                 location=Location("snclint-baseline.json", 1), origin="baseline")


def test_fixed_entries_are_counted() -> None:
    findings, stats = apply_baseline(TODAY[:2], write_baseline(TODAY), "b.json")
    assert stats.as_dict() == {"baselined": 2, "fixed": 2}
    assert all(f.suppressed_by is not None for f in findings)


def test_roots_sharing_a_module_file_are_two_entries() -> None:
    """Two roots calling one module file: an entry per root; a rootless entry covers both."""
    prod = _finding("SNC001", "module.db.aws_db_instance.this", file="modules/db/main.tf", root="envs/prod")
    staging = replace(prod, root="envs/staging")
    findings, stats = apply_baseline([prod, staging], write_baseline([prod]), "b.json")
    assert [f.suppressed_by is not None for f in findings] == [True, False]
    assert '"root": "envs/prod"' in write_baseline([prod])
    legacy = json.dumps({"version": 1, "entries": [{"rule": "SNC001", "address": prod.address,
                                                    "file": "modules/db/main.tf"}]})
    findings, stats = apply_baseline([prod, staging], legacy, "b.json")
    assert all(f.suppressed_by is not None for f in findings) and stats.fixed == 0


def test_same_address_in_another_root_module_is_not_covered() -> None:
    findings, stats = apply_baseline([TODAY[3]], write_baseline(TODAY[:3]), "b.json")
    assert findings[0].suppressed_by is None
    assert stats == BaselineStats(baselined=0, fixed=3)


def test_other_suppressions_win_and_are_not_written() -> None:
    inline = Suppression(rules=("SNC001",), reason="r", until=None, location=Location("main.tf", 9))
    quiet = replace(TODAY[0], suppressed_by=inline)
    assert json.loads(write_baseline([quiet]))["entries"] == []
    findings, stats = apply_baseline([quiet], write_baseline([TODAY[0]]), "b.json")
    assert findings[0].suppressed_by is inline
    assert stats == BaselineStats(baselined=0, fixed=0)  # the entry still matches: not fixed


def test_rewriting_with_a_baseline_applied_keeps_its_entries() -> None:
    old = write_baseline(TODAY)
    findings, _ = apply_baseline(TODAY, old, "b.json")
    assert write_baseline(findings) == old


def test_entries_without_fingerprint_are_accepted() -> None:
    text = json.dumps({"version": 1, "entries": [{"rule": "SNC001", "address": "aws_s3_bucket.b", "file": "main.tf"}]})
    assert read_baseline(text, "b.json") == {("SNC001", "aws_s3_bucket.b", "main.tf", None)}


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", r"b\.json: not a snclint baseline: invalid JSON"),
    ("[]", r"b\.json: not a snclint baseline: expected an object"),
    ('{"version": 2, "entries": []}', r"b\.json: baseline version 2 is not supported"),
    ('{"entries": []}', r"b\.json: baseline version None is not supported"),
    ('{"version": 1, "entries": {}}', r"'entries' must be a list"),
    ('{"version": 1, "entries": [{"rule": "SNC001", "file": "main.tf"}]}', r"baseline entry 1 needs"),
    ('{"version": 1, "entries": ["SNC001"]}', r"baseline entry 1 needs"),
    ("[" * 100_000 + "]" * 100_000, r"b\.json: not a snclint baseline"),
])
def test_bad_files_are_one_line_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        apply_baseline(TODAY, text, "b.json")
    assert "\n" not in str(err.value)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.lists(st.tuples(st.sampled_from(["SNC001", "SNC002", "SNC007"]), _TEXT, _TEXT), max_size=12))
def test_any_findings_survive_the_round_trip(keys: list[tuple[str, str, str]]) -> None:
    findings = [_finding(rule, address, file) for rule, address, file in keys]
    text = write_baseline(findings)
    assert read_baseline(text, "b.json") == {(*k, None) for k in keys}
    marked, stats = apply_baseline(findings, text, "b.json")
    assert all(f.suppressed_by is not None for f in marked)
    assert (stats.baselined, stats.fixed) == (len(findings), 0)


BUCKET = '''resource "aws_s3_bucket" "{name}" {{
  bucket = "{name}"
  tags   = {{ data_sensitivity = "particuliere" }}
}}
'''
PROVIDER = 'provider "aws" {\n  region = "eu-west-3"\n}\n\n'


def test_cli_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """--write-baseline, then move the block and add a violation: --baseline fails on the new one only."""
    from linter.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(PROVIDER + BUCKET.format(name="records"), encoding="utf-8")
    assert main(["scan", ".", "--write-baseline", "snclint-baseline.json"]) == 1
    entries = json.loads((tmp_path / "snclint-baseline.json").read_text(encoding="utf-8"))["entries"]
    assert [(e["rule"], e["address"], e["file"]) for e in entries] == [("SNC001", "aws_s3_bucket.records", "main.tf")]

    moved = PROVIDER + "# the records bucket moved down\n\n" + BUCKET.format(name="invoices") + "\n"
    (tmp_path / "main.tf").write_text(moved + BUCKET.format(name="records"), encoding="utf-8")
    capsys.readouterr()
    assert main(["scan", ".", "--baseline", "snclint-baseline.json", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], f["address"], f["line"]) for f in report["findings"]] == [
        ("SNC001", "aws_s3_bucket.invoices", 7)]
    assert report["baseline"] == {"baselined": 1, "fixed": 0}

    (tmp_path / "main.tf").write_text(PROVIDER + BUCKET.format(name="records"), encoding="utf-8")
    assert main(["scan", ".", "--baseline", "snclint-baseline.json"]) == 0
