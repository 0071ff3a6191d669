"""The shared acceptance scenarios, run against this checkout's CLI (``python -m linter``)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "acceptance"


@pytest.mark.skipif(not (SHARED / "check.py").is_file(), reason="the shared acceptance folder is not beside the repo")
def test_acceptance_scenarios() -> None:
    env = dict(os.environ, SNCLINT=f"{sys.executable} -m linter")
    run = subprocess.run([sys.executable, str(SHARED / "check.py")], capture_output=True, text=True,
                         env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
