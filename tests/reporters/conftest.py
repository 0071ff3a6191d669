"""Fixtures of the reporter tests: the fixed scan result and the shared schemas folder."""
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
    """The official schemas beside the repository; the tests that need them skip without them."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"the shared schemas folder is absent ({SCHEMAS.resolve()}): schema validation not run")
    return SCHEMAS
