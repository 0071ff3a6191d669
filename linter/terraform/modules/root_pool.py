"""Persistent forked workers that parse and evaluate the Terraform folders of a large estate
(``--jobs``), so that syntax trees never cross a process boundary.

Why this shape (measured on the MoJ estate, 12,469 ``.tf`` files, 2 cores): sending a file's IR
from a parse worker back to the scan costs about a quarter of parsing it, and sending back whole
root outcomes after forking the parsed estate ate what evaluating in two processes gained. Here
each worker keeps what it parsed from one phase to the next and sends back only small facts:

1. each worker parses a contiguous share of the folders (sorted paths, balanced by file count:
   a root and the local modules beside it stay in one share) and returns each folder's facts
   (its local calls, problems, files and their digests);
2. the scan finds the root modules from those facts, and each worker evaluates the roots of its
   share with the trees it already holds (a module folder of another share is parsed again
   locally), keeps each root in the cache itself, and returns nodes, problems and reads, pickled
   one root at a time (``dumps``: the estate's 19,000 Terraform nodes take 0.24 s to pickle and
   0.31 s to unpickle, against 0.46 and 0.44 s with dataclasses' own pickling, and 1.0 and 1.5 s
   through the cache's model JSON). A worker that runs out of its own roots takes chunks from the
   end of another's queue.

Whatever goes wrong with the pool (no ``fork`` on this platform, a worker that dies, a result that
cannot be pickled, an error inside a worker) leaves those items without a result, and the caller
computes them in its own process: the outcome never depends on the pool. A small scan (one root,
the pre-commit case) never starts it, nor imports ``multiprocessing``.
"""
from __future__ import annotations

import functools
import gc
import io
import operator
import pickle
import sys
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from linter.loaders.model_json import FIELDS

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

MIN_FOLDERS = 16  # fewer new folders than this: the scan parses and evaluates them itself
MIN_ROOTS = 8  # fewer roots to evaluate than this: likewise
CHUNK = 8  # roots sent to a worker at a time (small enough to balance, large enough to amortise)
_END = b"end"  # a worker's last message for a chunk (results are pickles, never these bytes)

# One phase's work for a worker: ``serve(phase, items)`` yields ``(name, result)`` per item.
Serve = Callable[[str, Sequence[Any]], Iterable[tuple[str, Any]]]


def pool_size(cpus: int) -> int:
    """Workers for ``--jobs`` (``cpus``: its effective value): none for ``--jobs 1`` or off Linux."""
    if cpus < 2 or sys.platform != "linux":
        return 0
    return cpus


class Pool:
    """Forked workers, each with its own end of a pipe; closed with ``close``."""

    def __init__(self, processes: list[BaseProcess], connections: list[Connection]) -> None:
        self.processes = processes
        self.connections: list[Connection | None] = list(connections)

    @classmethod
    def start(cls, workers: int, serve: Serve) -> Pool | None:
        """``workers`` processes forked now (they hold this process's state as it is), or None
        when they cannot be started here."""
        processes: list[BaseProcess] = []
        connections: list[Connection] = []
        try:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            for _ in range(workers):
                mine, theirs = context.Pipe()
                connections.append(mine)
                process = context.Process(target=_serve, args=(theirs, serve), daemon=True)
                process.start()
                theirs.close()
                processes.append(process)
        except (OSError, RuntimeError, ValueError):  # no processes on this platform or in this sandbox
            cls(processes, connections[:len(processes)]).close()
            return None
        return cls(processes, connections)

    def run(self, phase: str, shares: Sequence[Sequence[Any]], chunk: int | None = None) -> Iterator[
            tuple[int, str, Any]]:
        """Sends each worker its first work now, and gives ``(worker, name, result)`` as results
        come in. ``shares[i]`` is worker ``i``'s work, sent whole (``chunk`` None) or ``chunk``
        items at a time, a worker done with its own share taking chunks from the end of the
        longest other one. Items without a result (a dead worker, an unpicklable result) are
        simply not given: the caller computes them."""
        queues = [deque([list(share)] if chunk is None else
                        [list(share[i:i + chunk]) for i in range(0, len(share), chunk)]) for share in shares]
        busy: set[int] = set()
        for worker, connection in enumerate(self.connections):
            if connection is not None:
                self._feed(worker, phase, queues, busy, steal=chunk is not None)
        return self._results(phase, queues, busy, steal=chunk is not None)

    def _feed(self, worker: int, phase: str, queues: list[deque[list[Any]]], busy: set[int], *, steal: bool) -> None:
        own = queues[worker] if worker < len(queues) and queues[worker] else None
        if own is None and steal:  # from the end of the longest queue
            own = max(queues, key=len, default=None)
        if not own:
            return
        work = own.popleft() if own is queues[worker] else own.pop()
        connection = self.connections[worker]
        try:
            assert connection is not None
            connection.send((phase, work))
            busy.add(worker)
        except (OSError, ValueError, AssertionError):
            self._lost(worker)

    def _results(self, phase: str, queues: list[deque[list[Any]]], busy: set[int], *, steal: bool) -> Iterator[
            tuple[int, str, Any]]:
        from multiprocessing.connection import wait

        while busy:
            waiting = {id(c): (w, c) for w, c in enumerate(self.connections) if w in busy and c is not None}
            for ready in wait([c for _, c in waiting.values()]):
                worker, connection = waiting[id(ready)]
                try:
                    data = connection.recv_bytes()
                except (EOFError, OSError):
                    busy.discard(worker)
                    self._lost(worker)
                    continue
                if data == _END:
                    busy.discard(worker)
                    self._feed(worker, phase, queues, busy, steal=steal)
                    continue
                try:
                    name, result = pickle.loads(data)
                except Exception:  # noqa: BLE001 - an item without a result is computed by the caller
                    continue
                yield worker, name, result

    def _lost(self, worker: int) -> None:
        connection = self.connections[worker]
        self.connections[worker] = None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        """Tell the workers to stop, and wait for them (a worker that does not stop is killed)."""
        for worker, connection in enumerate(self.connections):
            if connection is not None:
                try:
                    connection.send(None)
                except (OSError, ValueError):
                    pass
                self._lost(worker)
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


def _serve(connection: Connection, serve: Serve) -> None:
    """A worker: runs the phases it is sent until told to stop (or the scan is gone). What it
    inherited is never collected here: the cycle collector would walk it again and again (and
    copy the pages it touches) for nothing."""
    gc.freeze()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        phase, items = message
        try:
            for name, result in serve(phase, items):
                try:
                    data = dumps((name, result))
                except Exception:  # noqa: BLE001 - too deep, or not picklable: not sent, computed by the scan
                    continue
                connection.send_bytes(data)
        except Exception:  # noqa: BLE001 - the items left without a result are computed by the scan
            pass
        connection.send_bytes(_END)


def shares(items: Sequence[str], weight: Callable[[str], int], count: int) -> list[list[str]]:
    """``items`` (sorted) cut into ``count`` contiguous shares of about equal total ``weight``."""
    total = sum(weight(item) for item in items)
    out: list[list[str]] = [[] for _ in range(count)]
    done = 0
    for item in items:
        index = min(count - 1, done * count // total) if total else 0
        out[index].append(item)
        done += weight(item)
    return out


def dumps(value: Any) -> bytes:
    """``value`` pickled, the model's dataclasses as a tuple of their fields (``_rebuilt``): their
    own ``__getstate__`` and ``__setstate__`` walk the fields one by one in Python."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _reducers()  # type: ignore[misc]
    pickler.dump(value)
    return out.getvalue()


@functools.cache
def _reducers() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """A reducer for each frozen dataclass of ``linter.model``."""
    table: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
    for cls, names in FIELDS.items():
        values = operator.attrgetter(*names) if len(names) > 1 else (lambda o, n=names[0]: (getattr(o, n),))
        table[cls] = functools.partial(_reduce, cls, values)
    return table


def _reduce(cls: type, values: Callable[[Any], tuple[Any, ...]], instance: Any) -> tuple[Any, ...]:
    return _rebuilt, (cls, values(instance))


def _rebuilt(cls: type, values: tuple[Any, ...]) -> Any:
    """An instance of a frozen dataclass from its fields' values, as pickled by ``dumps``."""
    instance: Any = object.__new__(cls)
    for name, value in zip(FIELDS[cls], values, strict=True):
        object.__setattr__(instance, name, value)
    return instance
