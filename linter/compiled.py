"""The shipped knowledge files, parsed and checked once per version of them, not at every start.

Reading the shipped YAML (about 170 KB) and checking it against its JSON Schema cost a small scan
about 0.12 s, a quarter of a pre-commit run, on every start. What comes out depends only on the
file's bytes, its schema, the code that reads it and the YAML library, so it is kept in the cache
(``cache_dir()/knowledge``) as JSON under a key that hashes all of them with the tool's version:
any change to one of them is a miss, and a miss reads, checks and writes again. A shipped file
that does not pass its schema is an error (``PolicyError``), as before.

Entries are kept as the parse cache's are (``cache.write_sealed``: a ``0700`` directory of the
user's reached without following links, whole writes, an HMAC under the user's key): a planted,
damaged or foreign entry is a miss, never trusted. Dates (a config's ``expires: 2027-06-30``)
are kept as their ISO text with where they were, and given back as dates; other values JSON would
not give back identically (a non-string key, a tuple, a timestamp) are never written.
``--no-cache`` (``use_cache(False)``) reads and writes nothing.

The package ships the shipped files compiled (``linter.shipped_knowledge``): this is the path of
a shipped file only when that copy is stale (an edited checkout), and of the config.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, Callable

from linter import __version__, limits
from linter.loaders import cache
from linter.package_data import folder

FORMAT = "snclint-knowledge-2"
SECTION = "knowledge"  # the cache folder
_ENABLED = [True]


def use_cache(enabled: bool) -> None:
    """``--no-cache``: read every shipped file, write nothing (for the rest of the process)."""
    _ENABLED[0] = enabled


def compiled(kind: str, read: Callable[[str], Any], module: str) -> Any:
    """``read(text of policies/<kind>.yaml)`` (which parses and checks it, raising
    ``PolicyError``), from the cache when these bytes were read before by this code.
    ``module`` is the one ``read`` belongs to: its sources and those it uses key the entry."""
    return checked(kind, (folder("linter.policies") / f"{kind}.yaml").read_bytes().decode("utf-8"), read, module)


def checked(kind: str, text: str, read: Callable[[str], Any], module: str, also: tuple[str, ...] = ()) -> Any:
    """``read(text)`` for a document of ``kind`` (a shipped file, the config), from the cache when
    this text was read and checked before by this code: a pre-commit run with a config file would
    otherwise import a YAML parser and a JSON Schema validator at every start only to accept the
    same file again. ``read`` raises on a bad document: nothing is kept then, so the error is
    raised again on the next run. ``also``: the other kinds whose schemas ``read`` checks parts of
    the document against (they key the entry too)."""
    raw = text.encode("utf-8", "surrogatepass")
    key = _key(kind, raw, module, also) if _ENABLED[0] else None
    if key is not None:
        stored = cache.read_sealed(SECTION, key, limits.COMPILED_ENTRY_BYTES)
        try:
            found = json.loads(stored) if stored is not None else None
        except (ValueError, RecursionError):
            found = None
        if isinstance(found, list) and len(found) == 4 and found[:2] == [FORMAT, key]:
            kept = _with_dates(found[2], found[3])
            if kept is not None:
                return kept
    value = read(text)
    if key is not None:
        plain, dates = _dates_apart(value)
        encoded = _exact_json([FORMAT, key, plain, dates])
        if encoded is not None and _with_dates(json.loads(encoded)[2], dates) == value:
            cache.write_sealed(SECTION, key, encoded, limits.COMPILED_ENTRY_BYTES)
    return value


def _key(kind: str, text: bytes, module: str, also: tuple[str, ...] = ()) -> str:
    yaml = cache.installed_versions(_ENABLED[0])["PyYAML"]
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{yaml}|{kind}|".encode())
    digest.update(cache.fingerprint(module).encode() + b"\0" + text + b"\0")
    for name in (kind, *also):
        schema = folder("linter.schemas") / f"{name}.schema.json"
        digest.update(schema.read_bytes() if schema.is_file() else b"-")
    return digest.hexdigest()


Path = list[str | int]  # keys and indexes from a document's top to one of its values


def _dates_apart(value: Any, where: Path | None = None, dates: list[Path] | None = None) -> tuple[Any, list[Path]]:
    """``value`` with each date (a YAML date in a config: ``expires: 2027-06-30``) as its ISO text,
    and where they were: JSON has no dates, and a config that holds one would otherwise be read and
    checked again at every start. Only plain dates; a timestamp is left as it is (not kept)."""
    where = where or []
    dates = [] if dates is None else dates
    if isinstance(value, dict):
        return {k: _dates_apart(v, [*where, k], dates)[0] for k, v in value.items()}, dates
    if isinstance(value, list):
        return [_dates_apart(v, [*where, i], dates)[0] for i, v in enumerate(value)], dates
    if type(value) is date:
        dates.append(where)
        return value.isoformat(), dates
    return value, dates


def _with_dates(value: Any, dates: Any) -> Any:
    """``value`` with the texts at ``dates`` (paths of ``_dates_apart``) as dates; None when a path
    does not lead to a date's text (an entry this code did not write)."""
    if not isinstance(dates, list):
        return None
    for path in dates:
        if not (isinstance(path, list) and path):
            return None
        try:
            parent = value
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = date.fromisoformat(parent[path[-1]])
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _exact_json(value: Any) -> bytes | None:
    """``value`` as JSON, only when JSON gives it back identically (no tuple, no non-string key)."""
    try:
        text = json.dumps(value, ensure_ascii=True, allow_nan=False)
        return text.encode("ascii") if json.loads(text) == value else None
    except (TypeError, ValueError, RecursionError):
        return None
