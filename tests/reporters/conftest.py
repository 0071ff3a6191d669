"""Fixtures of the reporter tests: the fixed scan result and the official schemas."""
from __future__ import annotations

from pathlib import Path

import pytest
from reporters.sample import SCHEMAS, make_result

from linter.model import ScanResult


@pytest.fixture
def result() -> ScanResult:
    return make_result()


@pytest.fixture
def schemas() -> Path:
    """The official schemas, vendored under ``tests/schemas`` (with their sources and licences)."""
    return SCHEMAS
