from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from reporters.sample import check_golden

from linter.model import ScanResult
from linter.reporters.html import render

VOID = {"meta", "br", "hr", "img", "link", "input"}


class _Checker(HTMLParser):
    """Collects tags, attributes and text, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(text: str) -> _Checker:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker


def test_golden(result: ScanResult) -> None:
    check_golden("report.html", render(result))


def test_well_formed_and_self_contained(result: ScanResult) -> None:
    page = _parse(render(result))
    assert not page.errors and not page.stack
    names = {tag for tag, _ in page.tags}
    assert "script" not in names and "img" not in names and "link" not in names and "iframe" not in names
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert not any("src" in attrs for _, attrs in page.tags)
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp


def test_hostile_text_is_escaped_and_still_readable(result: ScanResult) -> None:
    text = render(result)
    assert "<script>" not in text and "<b>" not in text
    page = _parse(text)
    shown = "".join(page.text)
    assert 'aws_s3_bucket.x["<script>alert(\'x\')</script>"]' in shown
    assert 'infra/we ird&"name".tf' in shown
    assert "données « particulières »" in shown
    assert "not a link: <b>bold</b>" in shown
    assert '"quotes" \\x1b[31m' in shown


def test_only_web_references_are_links(result: ScanResult) -> None:
    hrefs = [a["href"] for t, a in _parse(render(result)).tags if t == "a" and not a["href"].startswith("#")]
    assert hrefs == ["https://www.legifrance.gouv.fr/loda/id/JORFTEXT000049563368"]
    rules = tuple(replace(r, references=("javascript:alert(1)",)) for r in result.rules)
    hrefs = [a["href"] for t, a in _parse(render(replace(result, rules=rules))).tags
             if t == "a" and not a["href"].startswith("#")]
    assert hrefs == []


def test_summary_groups_and_evidence(result: ScanResult) -> None:
    page = _parse(render(replace(result, baseline={"baselined": 3, "fixed": 1})))
    shown = " ".join("".join(page.text).split())
    assert "6 errors" in shown and "2 warnings" in shown and "2 suppressed" in shown
    assert "Baseline: 3 findings baselined, 1 baseline entry now fixed." in shown
    files = [a.get("data-file") for t, a in page.tags if t == "section" and "data-file" in a]
    assert files == ["infra/backup.tf", "infra/legacy.tf", "infra/modules/db/main.tf", 'infra/we ird&"name".tf',
                     "k8s/broken.yaml", "k8s/prod/db.yaml", "infra/legacy.tf"]  # then the suppressed ones
    assert "backs_up_to module.db.aws_db_instance.this infra/backup.tf:8" in shown
    assert "Suppressed (inline, until 2099-12-31) at infra/legacy.tf:5: moving to Outscale" in shown
    anchors = {a["id"] for t, a in page.tags if "id" in a}
    links = {a["href"][1:] for t, a in page.tags if t == "a" and a["href"].startswith("#")}
    assert links <= anchors
