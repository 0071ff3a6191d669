"""Every test run writes its parse cache into a temporary folder, never the user's own."""
from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SNCLINT_CACHE_DIR", str(tmp_path_factory.mktemp("parse-cache")))
        yield
