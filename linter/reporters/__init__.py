"""Reporters: one module per output format, each a pure function ``ScanResult -> str``."""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from linter.model import ScanResult

Reporter = Callable[[ScanResult], str]

# format name -> module under linter.reporters; imported on use so a run pays only for its formats
REPORTERS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "gitlab": "gitlab",
    "gitlab-sast": "gitlab_sast",
    "junit": "junit",
    "html": "html",
}


def get_reporter(name: str) -> Reporter:
    module = import_module(f"linter.reporters.{REPORTERS[name]}")
    return module.render  # type: ignore[no-any-return]
