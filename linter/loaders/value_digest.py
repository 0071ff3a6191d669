"""A digest of a value built from plain data (the knowledge, the config, the options), the same in
every process: what an incremental cache entry depends on besides the files.

``repr`` would not do: a set's order changes with the process's hash seed (and so does the order of
mappings built from one), and an object without its own ``repr`` shows its memory address.
Dataclasses (less what is derived from their fields: a field neither given nor compared, such as
``Knowledge.memo``), mappings and sets (their items sorted), sequences, enums, dates, paths and compiled
patterns are walked; anything else raises ``TypeError``
(the caller then keeps nothing rather than trusting a digest that may not say everything).
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import os
import re
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, Mapping

_SCALARS = (str, int, float, bool, type(None))


def value_digest(value: Any) -> str:
    """The sha256 of ``value``'s canonical form."""
    return hashlib.sha256(_canonical(value, 0).encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: Any, depth: int) -> str:
    if depth > 200:
        raise TypeError("a value nested too deeply to digest")
    if isinstance(value, enum.Enum):
        return f"E{type(value).__qualname__}:{value.value!r}"
    if isinstance(value, _SCALARS):
        return f"{type(value).__name__}:{value!r}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ",".join(f"{f.name}={_canonical(getattr(value, f.name), depth + 1)}"
                         for f in dataclasses.fields(value) if f.init or f.compare)  # not a memo
        return f"{type(value).__module__}.{type(value).__qualname__}({inner})"
    if isinstance(value, Mapping):  # sorted: some are built from sets, in the hash seed's order
        return "{" + ",".join(sorted(f"{_canonical(k, depth + 1)}:{_canonical(v, depth + 1)}"
                                     for k, v in value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[" + ",".join(_canonical(v, depth + 1) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "set{" + ",".join(sorted(_canonical(v, depth + 1) for v in value)) + "}"
    if isinstance(value, (date, datetime)):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, PurePath):
        return f"path:{value.as_posix()}"
    if isinstance(value, re.Pattern):
        return f"re:{value.flags}:{value.pattern!r}"
    raise TypeError(f"cannot digest a {type(value).__name__}")


@functools.cache
def code_digest() -> str:
    """The tool's version, its parsers' versions, the sources of the whole package and its shipped
    knowledge (the files and their compiled copy): an edited install changes code or a shipped
    policy file without changing its version (in a checkout the policies are not inside the
    package's folder). Every scan that keeps anything asks: the package's folders are walked with
    plain strings (no ``Path`` per file), in the order of their parts."""
    from linter import __version__
    from linter.loaders.cache import parser_versions
    from linter.package_data import folder

    digest = hashlib.sha256(__version__.encode())
    digest.update(parser_versions().encode())
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    sources: list[tuple[list[str], str]] = []
    for place, folders, files in os.walk(package):
        folders[:] = [name for name in folders if name != "__pycache__"]
        below = os.path.relpath(place, package).replace(os.sep, "/")
        sources += [((f"{below}/{name}" if below != "." else name).split("/"), os.path.join(place, name))
                    for name in files if name.endswith(".py")]
    for parts, path in sorted(sources):
        with open(path, "rb") as source:
            digest.update(f"\0{'/'.join(parts)}\0".encode() + source.read())
    shipped = folder("linter.policies")
    for name in sorted(entry.name for entry in shipped.iterdir() if entry.name.endswith((".yaml", ".json"))):
        digest.update(f"\0policies/{name}\0".encode() + (shipped / name).read_bytes())
    return digest.hexdigest()
