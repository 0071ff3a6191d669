"""Reporters: one module per output format, each a pure function ``ScanResult -> str``.

``REPORTERS`` is the one list of formats (``--format`` and ``--report`` offer its names). An entry
is the format's reporter called with the run's ``RenderOptions``: it imports its module on use, so
a run pays only for its formats, and passes on the options that format takes, by name, so that
mypy checks them against the module's ``render``.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Callable

from linter.model import ScanResult


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderOptions:
    """The run's choices that some formats take; each entry of ``REPORTERS`` reads its own."""

    color: bool = False  # text: ANSI colours (a terminal)
    quiet: bool = False  # text: one line per finding, and the summary
    lang: str = "en"  # html: the page's language
    sast_schema: str | None = None  # gitlab-sast: the schema version declared (None: the reporter's default)


Reporter = Callable[[ScanResult, RenderOptions], str]


def _plain(module: str) -> Reporter:
    """A format that takes no option: its module's ``render(result)``."""
    def render(result: ScanResult, _: RenderOptions) -> str:
        plain: Callable[[ScanResult], str] = import_module(f"linter.reporters.{module}").render
        return plain(result)
    return render


def _text(result: ScanResult, options: RenderOptions) -> str:
    from linter.reporters.text import render

    return render(result, color=options.color, quiet=options.quiet)


def _html(result: ScanResult, options: RenderOptions) -> str:
    from linter.reporters.html import render

    return render(result, lang=options.lang)


def _gitlab_sast(result: ScanResult, options: RenderOptions) -> str:
    from linter.reporters.gitlab_sast import DEFAULT_VERSION, render

    return render(result, options.sast_schema or DEFAULT_VERSION)


# format name -> reporter
REPORTERS: dict[str, Reporter] = {
    "text": _text,
    "json": _plain("json_report"),
    "sarif": _plain("sarif"),
    "gitlab": _plain("gitlab"),
    "gitlab-sast": _gitlab_sast,
    "junit": _plain("junit"),
    "html": _html,
}
