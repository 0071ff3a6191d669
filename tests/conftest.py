"""Every test run writes its parse cache into a temporary folder, never the user's own, and runs a
small scan's frontends in its own process unless a test asks for the fork (``linter.scan._overlaps``):
whether a scan forks depends on the machine's load and on what the process imported before, and a
test spying on the frontends in this process must see the same whichever tests ran first."""
from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SNCLINT_CACHE_DIR", str(tmp_path_factory.mktemp("parse-cache")))
        yield


@pytest.fixture(autouse=True)
def _frontends_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import linter.scan

    monkeypatch.setattr(linter.scan, "_overlaps", lambda request: False)
