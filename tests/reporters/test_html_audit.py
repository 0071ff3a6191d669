"""The audit side of the HTML report: scope, per-system table, totals, the SVG picture, French and
English, hostile text escaped; and the page as a headless Chromium renders it."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from linter.cli import main
from linter.model import Hosting, Location, SystemRow
from linter.reporters.html import render

REPO = Path(__file__).resolve().parents[2]
CHAIN = REPO / "fixtures" / "flows" / "outscale-chain"


def _page(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["scan", str(CHAIN), "-f", "html", "--fail-on", "never", *args]) == 0
    return capsys.readouterr().out


def test_scope_contents_systems_totals_and_picture(capsys: pytest.CaptureFixture[str]) -> None:
    page = _page(capsys)
    for anchor in ("scope", "summary", "systems", "totals", "picture", "findings", "rules"):
        assert f'<a href="#{anchor}">' in page and f'id="{anchor}"' in page, anchor
    assert "<dt>Scanned paths</dt><dd>fixtures/flows/outscale-chain</dd>" in page
    assert "cyber.gouv.fr" in page, "the catalogue caveat"
    rows = re.findall(r'<tr class="([a-z-]+)"><td class="system">([^<]+)</td>', page)
    assert rows == [("non-compliant", "fixtures/flows/outscale-chain")]
    assert "<summary>8 (particuliere)</summary>" in page
    assert "<tbody><tr><td>outscale</td><td>8</td><td>3</td></tr></tbody>" in page, "totals by provider"
    assert "<tbody><tr><td>outscale/iaas</td><td>8</td><td>3</td></tr></tbody>" in page, "totals by offer"
    assert "<tr><td>SNC002 Sensitive data flows to a resource on unqualified hosting</td><td>3</td>" in page
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<rect") == 8 + 2, "8 sensitive objects, 2 hosting places"
    assert "outscale / iaas / cloudgouv-eu-west-1" in svg and "outscale / iaas / us-east-2" in svg
    assert svg.count('stroke-dasharray="4 3"') == 6, "the six data flows between sensitive objects"


def test_french(capsys: pytest.CaptureFixture[str]) -> None:
    page = _page(capsys, "--lang", "fr")
    assert '<html lang="fr">' in page
    assert "<h1>Rapport d&#x27;audit snclint</h1>" in page
    for words in ("Périmètre", "Systèmes sensibles", "Schéma des chaînes sensibles", "non conforme", "Par offre"):
        assert words in page, words


def test_hostile_text_is_escaped_in_the_table_and_the_picture() -> None:
    from reporters.sample import make_result

    hostile = SystemRow(system='<script>alert(1)</script>', address='aws_s3_bucket.x"><svg onload=alert(1)>',
                        kind="datastore", location=Location("a.tf", 1), sensitivity="particuliere",
                        hosting=Hosting(provider="aws", offer=None, region="</text><script>", qualification="x",
                                        reason=None), verdict="non-compliant")
    page = render(replace(make_result(), systems=(hostile,)))
    assert "<script>" not in page and "<svg onload" not in page
    assert "&lt;/text&gt;&lt;script&gt;" in page


def _chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
                None)


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium (apt-get install chromium) to render the page")
def test_the_fixtures_audit_fits_on_a_few_pages_in_a_browser(tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    assert main(["scan", str(REPO / "fixtures"), "-f", "html", "-o", str(page), "--fail-on", "never"]) == 0
    browser = [str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*browser, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count('<tr class="') >= 10, "the per-system table, as the browser built it"
    assert re.search(r"<svg[^>]*aria-label=\"Picture of the sensitive chains\"", dom.stdout)
    pdf = tmp_path / "audit.pdf"
    printed = subprocess.run([*browser, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
                             capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0 and pdf.is_file(), printed.stderr[-500:]
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 1 < pages <= 15, f"{pages} A4 pages for every fixture: the audit should stay a few screens"
