"""Peak memory of a whole process tree, sampled from ``/proc`` (Linux).

``wait4`` gives the peak RSS of the largest single process only; a scan that parses in worker
processes uses the sum of them at once. Proportional set size (PSS) is summed, so pages the
workers share with their parent (after ``fork``) count once, not once per process.
"""
from __future__ import annotations

import os
import threading
from types import TracebackType

PROC = "/proc"
INTERVAL = 0.1  # seconds between samples: a short peak between two samples is missed
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{PROC}/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()  # the command name may hold spaces and ')'
        if len(fields) > 1:
            out.setdefault(int(fields[1]), []).append(int(entry.name))
    return out


def _memory(pid: int) -> int:
    """PSS of one process in bytes (RSS when ``smaps_rollup`` is not there); 0 once it is gone."""
    try:
        with open(f"{PROC}/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        with open(f"{PROC}/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def tree_memory(root: int) -> int:
    """Summed memory of ``root`` and all its descendants now."""
    children = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _memory(pid)
        stack.extend(children.get(pid, ()))
    return total


class TreeMemory:
    """``with TreeMemory(pid) as tree: …`` samples in a thread; ``tree.peak`` is None off Linux."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak: int | None = 0 if os.path.isdir(f"{PROC}/self") else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak or 0, tree_memory(self.pid))
            if self._stop.wait(INTERVAL):
                return

    def __enter__(self) -> TreeMemory:
        if self.peak is not None:
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
