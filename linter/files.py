"""Opening a file of a scanned repository: regular files only, never blocking, never unbounded.

A hostile repository can name a FIFO, a device or a symbolic link loop ``main.tf``: opening a
FIFO for reading blocks forever, reading ``/dev/zero`` never ends, and opening some devices has
effects of its own. So the kind of file is checked before opening (``stat``), again on the open
descriptor (``fstat``, in case the file was swapped in between), the descriptor is opened
non-blocking, and at most ``limit`` bytes are read.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import NamedTuple

from linter import read_log


class NotReadable(Exception):
    """Why a file was not read, in words fit for a finding."""


def kind_problem(mode: int) -> str | None:
    """None for a regular file, else what it is (for the message)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def check_regular(path: Path | str, *, follow_links: bool = True) -> int:
    """The size of a regular file (links followed unless told not to); NotReadable otherwise."""
    try:
        info = os.stat(path) if follow_links else os.lstat(path)
    except OSError as error:
        raise NotReadable(_os_reason(error)) from None
    what = kind_problem(info.st_mode)
    if what is not None:
        raise NotReadable(f"{what}, not a regular file: not read")
    return info.st_size


class Read(NamedTuple):
    """A file read whole: its bytes, their sha256 and the ``fstat`` of the descriptor they were read from."""

    data: bytes
    digest: str
    info: os.stat_result


def read_hashed(path: Path | str, limit: int) -> Read:
    """``read_regular`` for a caller that needs the bytes' digest too: hashed once, here, the read
    log given that digest, so that the digest a caller keeps is of the very bytes it parses."""
    try:
        data, info = _read_regular(path, limit, True)
    except NotReadable:
        _failed(path)
        raise
    digest = hashlib.sha256(data).hexdigest()
    read_log.file_read(path, data, digest=digest, info=info)
    return Read(data, digest, info)


def read_regular(path: Path | str, limit: int, *, follow_links: bool = True, told: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; NotReadable otherwise.

    ``follow_links=False`` refuses a final symbolic link too (``lstat``, ``O_NOFOLLOW``): for a
    caller that checked where the path itself leads, so a link swapped in afterwards is not followed.
    What was read, or not, is told to the scan's read log (``linter.read_log``), unless ``told`` is
    False: git's own files, read only to find the boundary, which the whole-scan memo keys instead.
    """
    try:
        data, info = _read_regular(path, limit, follow_links)
    except NotReadable:
        if told:
            _failed(path)
        raise
    if told:
        read_log.file_read(path, data, info=info)
    return data


def _failed(path: Path | str) -> None:
    if read_log.active():
        read_log.file_read(path, None, missing=not os.path.lexists(path))


def _read_regular(path: Path | str, limit: int, follow_links: bool) -> tuple[bytes, os.stat_result]:
    """The bytes, and the ``fstat`` of the descriptor taken before reading them."""
    size = check_regular(path, follow_links=follow_links)
    if size > limit:
        raise NotReadable(f"file of {size} bytes is over the {limit}-byte limit: not read")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise NotReadable(_os_reason(error)) from None
    try:
        info = os.fstat(fd)
        what = kind_problem(info.st_mode)
        if what is not None:
            raise NotReadable(f"{what}, not a regular file: not read")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as error:
        raise NotReadable(_os_reason(error)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise NotReadable(f"file over the {limit}-byte limit: not read")
    return data, info


def _os_reason(error: OSError) -> str:
    if error.errno == getattr(os, "ELOOP", 40):
        return "symbolic link loop: not read"
    return f"could not be read: {error.strerror or error}"
