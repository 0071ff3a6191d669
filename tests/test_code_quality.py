"""The package is lint-clean and type-checked: the contracts between stages are enforced."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_ruff() -> None:
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "linter", "tests", "benchmarks"],
                         cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_mypy() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy", "linter"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
