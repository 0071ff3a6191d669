"""The parse cache's directory and key, opened so that no one else can plant or redirect anything.

The root is created ``0700``; it must not be a symbolic link (opened with ``O_NOFOLLOW``), must be
a directory owned by the current user, and writable by no one else — otherwise the cache is off
for the run, with a note saying why (one that is only readable by others is made ``0700``). Every
folder and file below it is reached from the root's descriptor (``dir_fd``), never by following a
link. The per-user HMAC key is 32 random bytes in ``hmac.key``, ``0600``, created by a link of a
complete temporary file (two scans starting at once agree on one key; no one ever reads half of
it). Writes are a temporary file and ``os.replace`` in the same folder: a reader sees the old entry
or the new one, never a part of one, and a scan killed mid-write leaves at most a temporary file
(removed by ``prune``).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

KEY_NAME = "hmac.key"
KEY_BYTES = 32
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC


class Unsafe(Exception):
    """Why the cache is off."""


def open_root(root: Path, *, create: bool) -> int:
    """A descriptor of the cache root, checked (``Unsafe`` otherwise)."""
    if create:
        try:
            os.makedirs(root.parent, mode=0o700, exist_ok=True)
            os.mkdir(root, 0o700)
        except FileExistsError:
            pass
        except OSError as err:
            raise Unsafe(f"cannot be created ({err.strerror})") from None
    try:
        fd = os.open(root, _DIR)
    except OSError as err:
        raise Unsafe("is a symbolic link" if os.path.islink(root) else f"cannot be opened ({err.strerror})") from None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid():
            raise Unsafe("belongs to another user")
        if info.st_mode & 0o022:
            raise Unsafe(f"is writable by other users (mode {stat.S_IMODE(info.st_mode):o})")
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o700)
    except (Unsafe, OSError):
        os.close(fd)
        raise
    return fd


def open_folder(parent: int, name: str, *, create: bool) -> int:
    """A folder below the root, never a link, owned by the current user."""
    if create:
        try:
            os.mkdir(name, 0o700, dir_fd=parent)
        except FileExistsError:
            pass
    fd = os.open(name, _DIR, dir_fd=parent)
    if os.fstat(fd).st_uid != os.geteuid():
        os.close(fd)
        raise OSError(0, "a cache folder of another user")
    return fd


def read_file(folder: int, name: str, limit: int) -> bytes | None:
    """A regular file of ours (no link, no FIFO) of at most ``limit`` bytes; None otherwise."""
    handle = open_file(folder, name)
    if handle is None:
        return None
    with handle:
        try:
            if os.fstat(handle.fileno()).st_size > limit:
                return None
            return handle.read(limit + 1)[:limit]
        except OSError:
            return None


def open_file(folder: int, name: str) -> BinaryIO | None:
    """A regular file of ours (no link, no FIFO), opened for reading as it goes; None otherwise."""
    try:
        fd = os.open(name, _FILE, dir_fd=folder)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            return os.fdopen(fd, "rb")
    except OSError:
        pass
    os.close(fd)
    return None


def _temporary_name() -> str:
    """A name no other writer picks: the random bytes ``secrets.token_hex`` takes (``os.urandom``),
    without importing ``secrets`` and ``random`` for them (about a millisecond of a small scan)."""
    return f".tmp-{os.getpid()}-{os.urandom(8).hex()}"


def new_file(folder: int) -> tuple[str, BinaryIO] | None:
    """A temporary file to write as it goes, then ``place`` or ``discard``; None when it cannot be made."""
    tmp = _temporary_name()
    try:
        return tmp, os.fdopen(os.open(tmp, _NEW, 0o600, dir_fd=folder), "wb")
    except OSError:
        return None


def place(folder: int, tmp: str, name: str) -> bool:
    """The written temporary file ``tmp`` becomes ``name`` (a reader sees the old file or the new one)."""
    try:
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
        return True
    except OSError:
        discard(folder, tmp)
        return False


def discard(folder: int, tmp: str) -> None:
    try:
        os.unlink(tmp, dir_fd=folder)
    except OSError:
        pass


def write_file(folder: int, name: str, data: bytes, *, exclusive: bool = False) -> bool:
    """``data`` as ``name``, whole or not at all: a temporary file, then ``os.replace`` (or, when
    ``exclusive``, a link that fails if ``name`` exists). False when nothing was written."""
    tmp = _temporary_name()
    try:
        fd = os.open(tmp, _NEW, 0o600, dir_fd=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if exclusive:
            os.link(tmp, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        else:
            os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
            tmp = ""
        return True
    except OSError:
        return False
    finally:
        if tmp:
            try:
                os.unlink(tmp, dir_fd=folder)
            except OSError:
                pass


def hmac_key(root: int) -> bytes:
    """The per-user key, created on first use (``Unsafe`` when the one there is not ours alone)."""
    for _ in range(2):
        try:
            fd = os.open(KEY_NAME, _FILE, dir_fd=root)
        except FileNotFoundError:
            write_file(root, KEY_NAME, os.urandom(KEY_BYTES), exclusive=True)  # ``secrets.token_bytes``' bytes
            continue
        except OSError as err:
            raise Unsafe(f"has an unreadable {KEY_NAME} ({err.strerror})") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077 \
                    or info.st_size != KEY_BYTES:
                raise Unsafe(f"has a {KEY_NAME} that is not a {KEY_BYTES}-byte file readable by its owner only")
            return os.read(fd, KEY_BYTES)
        finally:
            os.close(fd)
    raise Unsafe(f"{KEY_NAME} cannot be created")
