"""Peak memory grows with the estate by a bounded amount per resource (README, "Memory"), and
exporting the graph takes no more than the scan it exports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The README gives about 5.5 KB per resource on the generated estate (graph, nodes, their
# attributes); a scan that kept every file's syntax trees twice measured 6.3 KB, one that kept a
# second graph for the export twice as much.
PER_RESOURCE_BYTES = 8 * 1024
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")]


def _peak(cwd: Path, *args: str) -> int:
    """Peak RSS in bytes of one ``snclint`` process (not of this one)."""
    proc = subprocess.Popen([sys.executable, "-m", "linter", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, proc.stderr.read().decode() if proc.stderr else ""
    return usage.ru_maxrss * 1024


def _estate(tmp_path: Path, roots: int) -> tuple[Path, int, int]:
    """A generated estate: its folder, the scan's resource count and peak memory."""
    out = tmp_path / f"estate-{roots}"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(out), "--roots", str(roots)],
                   check=True, capture_output=True)
    report = tmp_path / f"report-{roots}.json"
    peak = _peak(out, "scan", ".", "-f", "json", "-o", str(report), "--fail-on", "never", "--no-cache", "--jobs", "1")
    return out, json.loads(report.read_text(encoding="utf-8"))["summary"]["resources"], peak


def test_memory_per_resource_is_bounded_and_the_export_costs_no_more(tmp_path: Path) -> None:
    _, small, small_peak = _estate(tmp_path, 20)
    large_estate, large, large_peak = _estate(tmp_path, 80)
    assert large > 3 * small
    per_resource = (large_peak - small_peak) / (large - small)
    assert per_resource < PER_RESOURCE_BYTES, f"{per_resource:.0f} bytes per resource"
    for fmt in ("json", "graphml"):
        graph_peak = _peak(large_estate, "graph", ".", "-f", fmt, "-o", str(tmp_path / f"graph.{fmt}"),
                           "--no-cache", "--jobs", "1")
        assert graph_peak < large_peak + 4 * 1024 * 1024, f"graph -f {fmt}: {graph_peak} vs scan {large_peak}"
