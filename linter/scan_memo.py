"""A whole scan's result, kept with everything the scan read: scanning an unchanged estate again is a
``stat`` of each file it read, a listing of each folder it walked and one cache entry.

Kept root modules (``terraform.modules.root_cache``) spare the evaluation, but building the graph,
the Kubernetes frontend and the rules still take seconds on a large estate. When the same scan
(same options, config, knowledge and code) ran before, and nothing it read changed since, its
result is the same: the memo gives it back with this run's timestamps. What a scan read is told by
the reading places themselves (``linter.read_log``): every file opened with the digest of its
bytes, every folder walked or listed with the digest of its entries, every module source checked
against the boundary. A scan reading standard input, or without the cache, is never kept.

Keeping and checking are ``linter.read_memo``'s (model JSON sealed with the cache's HMAC: a planted
or damaged entry is a miss, and a miss scans).

``snclint graph`` is kept alike (``graph_export``): the exported document, written to the cache as
it is written out (never whole in memory), is given back for the same scan and format when nothing
the scan read changed; its sealed entry holds the document's digest, which its bytes must match.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable

from linter import discovery, limits, read_log, read_memo
from linter.config import Config
from linter.knowledge import Knowledge
from linter.loaders import cache, file_digests
from linter.loaders.value_digest import code_digest, value_digest
from linter.model import ScanResult
from linter.policy_files import knowledge_digest
from linter.scan_options import ScanOptions, anchored, now

if TYPE_CHECKING:
    from linter.graph.export import Context, Out

FORMAT = "snclint-scan-1"
SECTION = "scans"
GRAPH_FORMAT = "snclint-graph-1"
GRAPH_SECTION = "graphs"  # sealed entries, and the documents they name
STAMP_FORMAT = "snclint-graph-stamp-1"  # a document's ``stat`` when its bytes were found to be its name's
CHUNK = 1 << 20


def scan_result(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path | None = None) -> ScanResult:
    """``run_scan(…).result``, from the memo when nothing the same scan read before has changed."""
    cwd = cwd or Path.cwd()
    with discovery.one_scan():  # the key, the repository root and discovery find each boundary once
        if not options.cache or options.stdin is not None:
            return _scan(options, config, knowledge, cwd)
        started = now()
        given, root = anchored(options, cwd)
        key = _key(given, root, config, knowledge, cwd)
        with file_digests.one_scan():  # the check and the scan after a miss ask each file once
            if key is not None:
                if options.progress is not None:
                    options.progress("checking what changed since the same scan")
                kept = read_memo.recall(SECTION, FORMAT, key, root, ScanResult)
                if kept is not None:
                    return replace(kept, started_at=started, finished_at=now())
            with read_log.recording() as log:
                result = _scan(options, config, knowledge, cwd)
    if key is not None:
        read_memo.keep(SECTION, FORMAT, key, log, result)
    return result


Writer = Callable[["Context", "Out"], None]


@dataclass(slots=True)
class GraphExport:
    """An export about to be written: a kept document (``kept``), or the scan to write it from
    (``context``), then kept under ``key`` with what the scan read (``log``)."""

    kept: BinaryIO | None = None
    plain: bool = False  # the kept bytes are UTF-8 without any surrogate: text that encodes back to them
    context: Context | None = None
    key: str | None = None
    log: read_log.ReadLog | None = None

    def write(self, writer: Writer, out: Out) -> None:
        """The document into ``out``: the kept one, else ``writer`` on the scan (copied to the cache)."""
        if self.kept is not None:
            with self.kept:
                if not (self.plain and _send(self.kept, out)):
                    _copy(self.kept, out)
            return
        context, self.context = self.context, None  # written once; released before keeping (below)
        assert context is not None
        if self.key is None or self.log is None:
            writer(context, out)
            return
        copy = cache.KeptFile(GRAPH_SECTION, limits.CACHE_ENTRY_BYTES)
        tee = _Tee(out, copy)
        try:
            writer(context, tee)
            tee.flush()
        except BaseException:
            copy.close(keep=False)
            raise
        del context  # the graph is freed before the read log is encoded: the two need not fit at once
        name = copy.close()
        if name is not None:
            read_memo.keep(GRAPH_SECTION, GRAPH_FORMAT, self.key, self.log, [name, copy.size])


def graph_export(options: ScanOptions, config: Config, knowledge: Knowledge, form: str,
                 cwd: Path | None = None) -> GraphExport:
    """The export of the scan's graph in ``form`` (its format and options), from the memo when the
    same export of the same scan was written before and nothing the scan read has changed since."""
    cwd = cwd or Path.cwd()
    with discovery.one_scan():  # as ``scan_result``
        if not options.cache or options.stdin is not None:
            return GraphExport(context=_graph(options, config, knowledge, cwd))
        given, root = anchored(options, cwd)
        scan_key = _key(given, root, config, knowledge, cwd)
        key = value_digest([GRAPH_FORMAT, scan_key, form]) if scan_key is not None else None
        with file_digests.one_scan():  # as ``scan_result``
            if key is not None:
                kept = read_memo.recall(GRAPH_SECTION, GRAPH_FORMAT, key, root, list)
                document = _document(kept) if kept is not None else None
                if document is not None:
                    return GraphExport(kept=document[0], plain=document[1])
            with read_log.recording() as log:
                context = _graph(options, config, knowledge, cwd)
    return GraphExport(context=context, key=key, log=log)


def _document(kept: list[object]) -> tuple[BinaryIO, bool] | None:
    """The kept document, opened at its start, when its bytes are those the sealed entry names; and
    whether none of them is 0xED, the lead byte of a surrogate's (and of some Hangul's) UTF-8 bytes.

    Its bytes are hashed once: then its ``stat`` is stamped (as ``file_digests`` memoises a scanned
    file's, racy ones never), and a document whose ``stat`` is its stamp's is not read again."""
    started = time.time_ns()
    name, size = kept if len(kept) == 2 else (None, None)
    if not (isinstance(name, str) and isinstance(size, int)):
        return None
    handle = cache.open_kept(GRAPH_SECTION, name)
    if handle is None:
        return None
    try:
        info = os.fstat(handle.fileno())
    except OSError:
        handle.close()
        return None
    seen = list(read_log.stat_of(info))
    stamp_key = hashlib.sha256(f"{STAMP_FORMAT}|{name}".encode()).hexdigest()
    stamp = cache.read_sealed(GRAPH_SECTION, stamp_key, CHUNK)
    for plain in (True, False):
        if stamp == json.dumps([STAMP_FORMAT, name, *seen, plain]).encode():
            return handle, plain
    checked = _checked(handle, name, size)
    if checked is None:
        handle.close()
        return None
    if max(seen[3], seen[4]) < started - file_digests.RACY_NS:  # as a scanned file's digest is memoised
        cache.write_sealed(GRAPH_SECTION, stamp_key, json.dumps([STAMP_FORMAT, name, *seen, checked]).encode(),
                           CHUNK)
    return handle, checked


def _checked(handle: BinaryIO, name: str, size: int) -> bool | None:
    """None unless the bytes from ``handle`` are ``size`` long and named by their sha256; else
    ``handle`` is back at its start, and whether none of the bytes is 0xED."""
    digest = hashlib.sha256()
    read = 0
    plain = True
    try:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            plain = plain and b"\xed" not in chunk
            read += len(chunk)
        if read == size and f"{digest.hexdigest()}.out" == name:
            handle.seek(0)
            return plain
    except OSError:
        pass
    return None


def _send(kept: BinaryIO, out: Out) -> bool:
    """The kept bytes straight into ``out``'s file, copied by the kernel, when writing them as text
    would give the same bytes (UTF-8, strict, no newline translation); False when nothing was sent
    (``out`` is no file, or one the kernel cannot copy into): then they are written as text."""
    fileno = getattr(out, "fileno", None)
    encoding = getattr(out, "encoding", None)
    if fileno is None or getattr(out, "errors", None) != "strict" or os.linesep != "\n" or not encoding:
        return False
    try:
        if codecs.lookup(encoding).name != "utf-8":
            return False
        target = fileno()
    except (LookupError, OSError, ValueError):  # io.UnsupportedOperation is both of the last two
        return False
    getattr(out, "flush", lambda: None)()
    source = kept.fileno()
    sent = 0
    while True:
        try:
            count = os.sendfile(target, source, sent, CHUNK * 8)
        except OSError:
            if sent:
                raise
            return False
        if not count:
            return True
        sent += count


def _copy(kept: BinaryIO, out: Out) -> None:
    """The kept bytes, decoded as they were encoded, written as the writer wrote them."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    while chunk := kept.read(CHUNK):
        out.write(decoder.decode(chunk))
    out.write(decoder.decode(b"", final=True))


class _Tee:
    """Writes to ``out`` and to the cache's copy (UTF-8; any text ``out`` takes can be kept), the
    copy a few pages at a time: the writers write a node as a dozen small pieces."""

    def __init__(self, out: Out, copy: cache.KeptFile) -> None:
        self.out = out
        self.copy = copy
        self.pending: list[str] = []
        self.size = 0

    def write(self, text: str, /) -> object:
        written = self.out.write(text)
        self.pending.append(text)
        self.size += len(text)
        if self.size >= CHUNK // 16:
            self.flush()
        return written

    def flush(self) -> None:
        """The copy of what was written so far (the output is the writer's to flush)."""
        self.copy.write("".join(self.pending).encode("utf-8", "surrogatepass"))
        self.pending.clear()
        self.size = 0


def _scan(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path) -> ScanResult:
    from linter.scan import run_scan  # on a miss only: a kept scan loads neither graph nor rules

    return run_scan(options, config, knowledge, cwd).result


def _graph(options: ScanOptions, config: Config, knowledge: Knowledge, cwd: Path) -> Context:
    from linter.scan import graph_context  # on a miss only, as ``_scan``

    return graph_context(options, config, knowledge, cwd)


def _key(given: ScanOptions, root: Path, config: Config, knowledge: Knowledge, cwd: Path) -> str | None:
    """What the result depends on besides the files it read (``given``: the options anchored at the
    repository ``root``); None when one of them cannot be told."""
    try:
        boundaries = [str(b) for b in discovery.scan_boundaries(given.paths, root)]
        return value_digest([FORMAT, code_digest(), str(root), os.path.realpath(cwd), boundaries, given.paths,
                             given.var_files, sorted(given.variables.items()), given.select, given.ignore,
                             given.strict, given.today, value_digest(config), knowledge_digest(knowledge)])
    except TypeError:
        return None
