"""Reading and evaluating Terraform leaves no reference cycles behind per file or per root
module: a file's loader and text, and a root's module instances, scopes and cells, are freed by
reference counting as soon as they are of no further use, so the cycle collector has nothing to
find there that grows with the estate (``linter.gc_pacing``)."""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from linter.policy_files import load_knowledge
from linter.terraform.modules.frontend import load_terraform

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _cyclic_garbage(estate: Path) -> tuple[int, int]:
    """The resources of the estate's Terraform, and the objects only the cycle collector would free
    after reading and evaluating it in this process."""
    files = sorted(str(p.relative_to(estate)) for p in estate.rglob("*.tf"))
    knowledge = load_knowledge()
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        fragment = load_terraform(files, knowledge=knowledge, boundary=estate, cwd=estate, jobs=1)
        resources = len(fragment.nodes)
        del fragment
        return resources, gc.collect()
    finally:
        if was:
            gc.enable()


def test_reading_and_evaluating_leave_no_cyclic_garbage(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(out), "--roots", "12"],
                   check=True, capture_output=True)
    _cyclic_garbage(out)  # what is made once per process (imports, memos)
    resources, garbage = _cyclic_garbage(out)
    assert resources > 100
    assert garbage == 0, f"{garbage} objects left to the cycle collector"
