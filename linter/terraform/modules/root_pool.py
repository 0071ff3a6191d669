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
   through the cache's model JSON).

In both phases a worker takes its share's chunks from the front, and once done with them the
last chunk of another's (``Claims``, memory shared by the workers: no round trip through the
scan, which may be busy with other frontends during the first phase). The chunks halve (half the
share, then half the rest…): a worker slowed by the machine's other work leaves small chunks at
the end for the other, files of the same bytes are still mostly parsed once, and few roots are
evaluated away from the trees their worker holds.

Whatever goes wrong with the pool (no ``fork`` on this platform, a worker that dies, a result that
cannot be pickled, an error inside a worker) leaves those items without a result, and the caller
computes them in its own process: the outcome never depends on the pool. A small scan (one root,
the pre-commit case) never starts it, nor imports ``multiprocessing``.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import io
import operator
import os
import pickle
import select
import struct
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence, cast

from linter.loaders.model_json import FIELDS

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

MIN_FOLDERS = 16  # fewer new folders than this: the scan parses and evaluates them itself
MIN_ROOTS = 8  # fewer roots to evaluate than this: likewise
_END = b"end"  # a worker's last message for a run (results are pickles, never these bytes)
_SPAN = struct.Struct("qq")  # a share's chunks left: the first one and the end

# One phase's work for a worker: ``serve(phase, items)`` yields ``(name, result)`` per item.
Serve = Callable[[str, Sequence[Any]], Iterable[tuple[str, Any]]]


def pool_size(cpus: int) -> int:
    """Workers for ``--jobs`` (``cpus``: its effective value): none for ``--jobs 1`` or off Linux."""
    if cpus < 2 or sys.platform != "linux":
        return 0
    return cpus


class Pool:
    """Forked workers, each with its own end of a pipe; closed with ``close``."""

    def __init__(self, processes: list[BaseProcess], connections: list[Connection], claims: Claims | None) -> None:
        self.processes = processes
        self.connections: list[Connection | None] = list(connections)
        self.claims = claims

    @classmethod
    def start(cls, workers: int, serve: Serve) -> Pool | None:
        """``workers`` processes forked now (they hold this process's state as it is), or None
        when they cannot be started here."""
        processes: list[BaseProcess] = []
        connections: list[Connection] = []
        claims: Claims | None = None
        try:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            claims = Claims(workers)
            for worker in range(workers):
                mine, theirs = context.Pipe()
                connections.append(mine)
                process = context.Process(target=_worker, args=(theirs, serve, claims, worker, tuple(connections)),
                                          daemon=True)
                process.start()
                theirs.close()
                processes.append(process)
        except (OSError, RuntimeError, ValueError):  # no processes on this platform or in this sandbox
            cls(processes, connections[:len(processes)], claims).close()
            return None
        return cls(processes, connections, claims)

    def run(self, phase: str, shares: Sequence[Sequence[Any]], chunk: int | None = None, *,
            hold: bool = False) -> Iterator[tuple[int, str, Any]]:
        """Starts the workers on ``shares`` now, and gives ``(worker, name, result)`` as results
        come in; the iterator is to be read to its end before the next run. ``shares[i]`` is worker
        ``i``'s work, cut into chunks of ``chunk`` items (None: the first half of the share, then
        half of the rest, and so on down to one item); each worker takes its own chunks from the
        front, then, done with them, the last chunk of the share with the most left, by itself
        (``Claims``): the scan's process may be busy elsewhere meanwhile. Results are sent as they
        come while the connection has room, the others kept until it has (a worker never
        waits on a busy scan while it has work left); ``hold``: all of them once the worker has
        no chunk left to take (the scan needs them all before it can go on). Items without a
        result (a dead worker, an unpicklable result) are simply not given: the caller computes
        them."""
        plan = [_chunks(share, chunk) for share in shares]
        assert self.claims is not None and len(plan) <= len(self.connections)
        self.claims.set([len(chunks) for chunks in plan])
        busy: set[int] = set()
        for worker, connection in enumerate(self.connections):
            if connection is None:
                continue
            try:
                connection.send((phase, plan, hold))
                busy.add(worker)
            except (OSError, ValueError):
                self._lost(worker)
        return self._results(busy)

    def _results(self, busy: set[int]) -> Iterator[tuple[int, str, Any]]:
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
        if self.claims is not None:
            self.claims.close()
            self.claims = None


class Claims:
    """Which chunks of a run are left, in memory shared with the forked workers: per share, the
    next chunk from the front (its own worker's) and the end of what is left (where the others
    take from). A POSIX record lock (``lockf``) guards it, which the kernel releases when the
    process holding it dies: a worker killed there leaves the others working."""

    def __init__(self, shares: int) -> None:
        import mmap

        self.shares = shares
        self.fd = os.memfd_create("snclint-claims", os.MFD_CLOEXEC)
        try:
            os.ftruncate(self.fd, _SPAN.size * shares)
            self.memory = mmap.mmap(self.fd, _SPAN.size * shares)  # shared with the processes forked after
        except OSError:
            os.close(self.fd)
            raise

    def set(self, counts: Sequence[int]) -> None:
        """A new run: ``counts[i]`` chunks in share ``i`` (none in the shares not given)."""
        with self._locked():
            for share in range(self.shares):
                _SPAN.pack_into(self.memory, _SPAN.size * share, 0, counts[share] if share < len(counts) else 0)

    def take(self, worker: int) -> tuple[int, int] | None:
        """The next chunk for ``worker`` as ``(share, index)``: its own share's first one left,
        else the last one of the share with the most left; None when all are taken."""
        with self._locked():
            spans = [_SPAN.unpack_from(self.memory, _SPAN.size * share) for share in range(self.shares)]
            own = worker < self.shares and spans[worker][0] < spans[worker][1]
            share = worker if own else max(range(self.shares), key=lambda s: spans[s][1] - spans[s][0])
            front, end = spans[share]
            if front >= end:
                return None
            if own:
                _SPAN.pack_into(self.memory, _SPAN.size * share, front + 1, end)
                return share, front
            _SPAN.pack_into(self.memory, _SPAN.size * share, front, end - 1)
            return share, end - 1

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import fcntl  # Linux only, as the pool

        fcntl.lockf(self.fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.memory.close()
        os.close(self.fd)


def _chunks(share: Sequence[Any], size: int | None) -> list[list[Any]]:
    """``share`` cut into chunks of ``size`` items, or (None) halves: the first half, half of the
    rest…: few chunks, and small ones at the end, where other workers take from."""
    if size is not None:
        return [list(share[i:i + size]) for i in range(0, len(share), size)]
    chunks: list[list[Any]] = []
    rest = list(share)
    while rest:
        take = max(1, len(rest) // 2)
        chunks.append(rest[:take])
        rest = rest[take:]
    return chunks


def _worker(connection: Connection, serve: Serve, claims: Claims, worker: int, inherited: Sequence[Connection]) -> None:
    """A forked worker: first closes the scan's ends of the pipes it inherited (its own among
    them), so that it sees the scan go (an end of file, a broken pipe) even if the scan is killed."""
    for other in inherited:
        other.close()
    _serve(connection, serve, claims, worker)


def _serve(connection: Connection, serve: Serve, claims: Claims, worker: int) -> None:
    """A worker: runs the phases it is sent, chunk after chunk as ``claims`` gives them, until
    told to stop (or the scan is gone, or closed the pool unread). What it inherited is never
    collected here: the cycle collector would walk it again and again (and copy the pages it
    touches) for nothing."""
    gc.freeze()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        phase, plan, hold = message
        held: list[bytes] = []
        try:
            while (taken := claims.take(worker)) is not None:
                share, index = taken
                try:
                    for name, result in serve(phase, plan[share][index]):
                        try:
                            held.append(dumps((name, result)))
                        except Exception:  # noqa: BLE001 - too deep, or not picklable: not sent, computed by the scan
                            continue
                        if not hold:
                            _send_while_room(connection, held)
                except Exception:  # noqa: BLE001 - the items left without a result are computed by the scan
                    pass
            for data in held:
                connection.send_bytes(data)
            connection.send_bytes(_END)
        except OSError:  # the scan closed the pool without reading (an error of its own): nothing to say
            return


def _send_while_room(connection: Connection, held: list[bytes]) -> None:
    """Sends the results ``held`` from the first while the connection has room for more, and keeps
    the others: a worker never waits on the scan's process, busy elsewhere (its imports while the
    roots are evaluated: measured 45-100 ms per worker on a 1,352-file estate), while it has work
    left. A result sent when the connection has room may still wait for part of it."""
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLOUT)
    sent = 0
    while sent < len(held) and poller.poll(0):
        connection.send_bytes(held[sent])
        sent += 1
    del held[:sent]


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
    """An instance of a frozen dataclass from its fields' values, as pickled by ``dumps``: by the
    class's builder (``_builder``), compiled when the scan first unpickles one of its instances."""
    build = _BUILDERS.get(cls)
    if build is None:
        build = _BUILDERS[cls] = _builder(cls)
    return build(values)


_BUILDERS: dict[type, Callable[[tuple[Any, ...]], Any]] = {}


def _builder(cls: type) -> Callable[[tuple[Any, ...]], Any]:
    """A function setting each slot of a new ``cls`` one statement each (the scan unpickles
    thousands of nodes, tags and locations per estate while its workers still evaluate: a loop of
    ``object.__setattr__`` over the fields took half as long again); ValueError for values that
    are not one per field, as ``zip(strict=True)`` would."""
    names = FIELDS[cls]
    setters = [vars(cls)[name].__set__ for name in names]  # every model class has slots (tested)
    lines = ["def build(values):",
             f"    if len(values) != {len(names)}:",
             f"        raise ValueError('{cls.__name__}: not one value per field')",
             "    made = new(cls)"]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    for i, setter in enumerate(setters):
        scope[f"set{i}"] = setter
        lines.append(f"    set{i}(made, values[{i}])")
    lines.append("    return made")
    exec("\n".join(lines), scope)  # noqa: S102 - the code of a fixed model class, never of a file
    return cast(Callable[[tuple[Any, ...]], Any], scope["build"])
