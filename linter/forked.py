"""Part of a scan run in a forked process while the scan's own process does other work.

A small scan's frontends (reading, parsing and evaluating a few root modules: about 60 ms in the
pre-commit case, the parser's and evaluator's imports included) and the import of the stages
after them (networkx alone is about 70 ms) do not depend on each other: on a second core they
overlap (``linter.scan.load_fragments``). The child is forked with everything the scan has loaded
(options, config, knowledge, the read logs open), runs the work and sends back its value, pickled,
with what it read: its copy of each open read log (``linter.read_log``), which the scan's own logs
take over as if it had read it all itself.

Whatever goes wrong (no ``fork`` here, an error in the work, a value that cannot be pickled, a
child that dies) gives None: the caller does the work in its own process, so the outcome never
depends on the fork, and an error the work raises is raised there, as without it.

Work whose value the scan does not need (keeping an outcome for a later scan: ``read_memo.keep``'s
``aside``) is done ``aside``: in a child forked now, on the CPU the scan leaves idle while it goes
on (its graph, rules and report), waited for (``wait_aside``) before the scan's process exits, so a
cache a scan writes is whole when it returns. Forking is not free: the scan's process then faults
on every page it writes that it shares with the child, and copies it while the child lives (on the
MoJ estate, forked after the Kubernetes frontend, 0.05-0.2 s of the scan's wall time, half of it
without the child's own work): only work that costs the scan more than that goes aside. The child
gives nothing back and its failure changes nothing: a cache entry is written to a temporary file
then renamed, so it leaves the entry there before, never half of one; the report and the exit code
never depend on it. It runs at the lowest priority, with the cycle collector off (a collection
would walk, and copy, every object it inherited), standard streams on ``/dev/null`` and every
other inherited descriptor closed (the worker pool's pipes: a worker sees the scan go when the scan
does, not when this child does), and ends with ``os._exit``: no ``atexit`` handler, finaliser or
buffered output of the scan runs twice. A forked part of the scan (``overlapped``'s child) does
such work itself: its parent waits for it, not for its children.
"""
from __future__ import annotations

import atexit
import gc
import os
import pickle
import sys
from typing import Callable, TypeVar

from linter import read_log

T = TypeVar("T")
_ASIDE: list[int] = []  # the children ``aside`` forked, not yet waited for
_FORKED: list[bool] = []  # not empty in a child forked by this module
_PIPE_BYTES = 1 << 20  # room for a small scan's value: the child is done without waiting for a reader


def effective_jobs(jobs: int) -> int:
    """``--jobs``: 0 or less means one per usable CPU."""
    if jobs > 0:
        return jobs
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def available() -> bool:
    """Whether a process can be forked here: the worker pools' platform (Linux), and no other thread
    running in this one (a program calling the scan from one of its threads): a lock another
    thread holds at the fork would stay held in the child for ever."""
    threading = sys.modules.get("threading")  # not imported: no thread was started through it
    return (sys.platform == "linux" and hasattr(os, "fork")
            and (threading is None or threading.active_count() == 1))


def idle_cpus() -> int:
    """How many of the machine's CPUs no task is running on at this moment, as the kernel's count of
    runnable tasks tells (``/proc/loadavg``, this process among them); 1 when it cannot be told.
    A fork pays only with a CPU to run on: on a busy machine the child would take turns with the
    scan's process, and the fork's own cost (the child's copies of the pages it writes, its value
    pickled: 15 ms more CPU time in all on a small root) would be all that is left of it. The CPUs
    counted are those this process may run on (``effective_jobs``), not all the machine's."""
    cpus = effective_jobs(0)
    try:
        with open("/proc/loadavg", "rb") as stats:
            running = int(stats.read().split()[3].partition(b"/")[0])
    except (OSError, ValueError, IndexError):
        return 1
    return max(0, cpus - running)


def overlapped(work: Callable[[], T], meanwhile: Callable[[], object]) -> T | None:
    """``work()`` run in a forked child while this process runs ``meanwhile()``; its value, or
    None when the child could not give it (then nothing it read was told to the read logs)."""
    try:
        reader, writer = os.pipe()
    except OSError:
        return None
    try:
        child = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if child == 0:  # pragma: no cover - the child's side: never returns (coverage is not told of it)
        os.close(reader)
        _child(work, writer)
    os.close(writer)
    try:
        meanwhile()
        data = _read_all(reader)
    except BaseException:
        os.close(reader)
        _end(child, kill=True)
        raise
    os.close(reader)
    if not _end(child, kill=False) or not data:
        return None
    try:
        value, logs = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a value that does not come back whole is computed here
        return None
    if len(logs) != len(read_log.recorded()):
        return None
    read_log.take_over(logs)
    return value  # type: ignore[no-any-return]


def _child(work: Callable[[], T], writer: int) -> None:
    """The child: the work, its value and read logs written to ``writer``, then out without
    running anything of the scan's process (its ``finally`` blocks, ``atexit``, buffered output):
    exit status 0 once all is written, 1 on any error."""
    status = 1
    _FORKED.append(True)
    try:
        gc.freeze()  # what it inherited is never collected here (as the root pool's workers)
        try:
            import fcntl

            fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        except (ImportError, AttributeError, OSError):
            pass  # the default room: the child waits for the reader
        data = pickle.dumps((work(), read_log.recorded()), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(writer, view):]
        status = 0
    except BaseException:  # noqa: BLE001 - the scan's process does the work again, and says what fails
        pass
    finally:
        os._exit(status)


def _read_all(reader: int) -> bytes:
    chunks = []
    while chunk := os.read(reader, _PIPE_BYTES):
        chunks.append(chunk)
    return b"".join(chunks)


def _end(child: int, *, kill: bool) -> bool:
    """Wait for ``child`` (killed first when ``kill``); whether it exited with status 0."""
    if kill:
        try:
            os.kill(child, 9)
        except OSError:
            pass
    while True:
        try:
            _, status = os.waitpid(child, 0)
        except ChildProcessError:
            return False
        return os.waitstatus_to_exitcode(status) == 0


def aside(work: Callable[[], object]) -> None:
    """``work()`` run in a child forked now, while this process goes on; here when no child can be
    made (``available``), or when this process is itself a forked part of the scan."""
    try:
        child = os.fork() if not _FORKED and available() else None
    except OSError:
        child = None
    if child is None:
        work()
        return
    if child == 0:  # pragma: no cover - the child's side: never returns
        _FORKED.append(True)
        status = 1
        try:
            _detach()
            work()
            status = 0
        finally:
            os._exit(status)
    _ASIDE.append(child)


def wait_aside() -> None:
    """Wait for every child ``aside`` forked; their outcome is not looked at. An interrupt meanwhile
    (Ctrl-C: the child gets it too, and leaves no entry) does not interrupt the wait, which comes
    once the scan's report is out: the command ends as it would have, without a traceback."""
    if not _ASIDE:
        return
    import signal

    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not its to handle
        previous = None
    try:
        while _ASIDE:
            _end(_ASIDE.pop(), kill=False)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


atexit.register(wait_aside)  # a caller of the scan that does not wait itself


def _detach() -> None:
    os.nice(19)  # the scan's process first, where both want a CPU: measured, it lost half as much time
    gc.disable()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
