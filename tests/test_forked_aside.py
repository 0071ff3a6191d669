"""Work done aside, in a forked child (``linter.forked.aside``): it runs beside the scan and gives
nothing back — no output, no descriptor held open, no exception — and the scan waits for it."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from linter import forked

pytestmark = pytest.mark.skipif(not forked.available(), reason="no fork on this platform")


def test_the_work_is_done_once_waited_for(tmp_path: Path) -> None:
    done = tmp_path / "done"
    forked.aside(lambda: (time.sleep(0.2), done.write_text("yes")))
    forked.wait_aside()
    assert done.read_text() == "yes"


def test_the_child_writes_nothing_to_the_scans_output(capfd: pytest.CaptureFixture[str]) -> None:
    def noisy() -> None:
        print("from the child")
        print("to stderr", file=sys.stderr)
        sys.stdout.flush()
        raise RuntimeError("no traceback either")

    print("before", end="")  # buffered in this process when it forks: written once, by this process
    forked.aside(noisy)
    forked.wait_aside()
    assert capfd.readouterr() == ("before", "")


def test_the_child_holds_no_inherited_descriptor() -> None:
    """A pipe the scan closes (the worker pool's) ends at once, not when the child does."""
    read, write = os.pipe()
    forked.aside(lambda: time.sleep(2))
    os.close(write)
    started = time.monotonic()
    assert os.read(read, 1) == b""
    assert time.monotonic() - started < 1.5
    os.close(read)
    forked.wait_aside()


def test_done_here_when_no_child_can_be_made_or_in_a_forked_part(monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[int] = []
    forked.aside(lambda: pids.append(os.getpid()))  # a child's list: not this one's
    forked.wait_aside()
    assert pids == []

    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fork", no_fork)
        forked.aside(lambda: pids.append(os.getpid()))
    assert pids == [os.getpid()]
    # in ``overlapped``'s child: done there, before its value is sent back
    assert forked.overlapped(lambda: (forked.aside(lambda: pids.append(os.getpid())), pids[-1])[1],
                             lambda: None) not in (None, os.getpid())


def test_an_interrupt_does_not_interrupt_the_wait() -> None:
    """Ctrl-C while the scan waits for the child (its report is out by then): the wait ends when
    the child does, without a KeyboardInterrupt, and the interrupt is handled as before after it."""
    started = time.monotonic()
    forked.aside(lambda: time.sleep(0.6))
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    forked.wait_aside()
    timer.join()
    assert time.monotonic() - started >= 0.55
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
