"""The shipped knowledge as the package ships it compiled: parsed and checked when it was built.

A first run (a pipeline's, pre-commit's, any scan with an empty cache) would otherwise parse the
shipped YAML and check it against its JSON Schemas (about 0.15 s, importing a YAML parser and
jsonschema) before ``linter.compiled`` keeps a copy in the cache. ``policies/compiled.json`` is
that work done once, when the files were written: each kind's document, as reading and checking
its file gives it, under a key that hashes every shipped policy file and schema. It is a file of
the installed package like the YAML beside it (not the cache: nothing a scan writes), and it is
used only while the key matches the files installed with it; an edited checkout falls back to
reading the files (``linter.compiled``). A test fails when it is stale; regenerate it with
``python -m linter.shipped_build``.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from linter.package_data import folder

FORMAT = "snclint-shipped-knowledge-1"
FILE = "compiled.json"  # in linter.policies, beside the YAML it was built from


def key(kinds: tuple[str, ...]) -> str:
    """The digest of every shipped file of ``kinds`` and of their schemas, in a fixed order."""
    digest = hashlib.sha256(FORMAT.encode())
    for kind in sorted(kinds):
        schema = folder("linter.schemas") / f"{kind}.schema.json"
        digest.update(f"\0{kind}\0".encode() + (folder("linter.policies") / f"{kind}.yaml").read_bytes())
        digest.update(b"\0" + (schema.read_bytes() if schema.is_file() else b"-"))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _documents() -> dict[str, Any] | None:
    """The shipped documents by kind when ``compiled.json`` was built from the installed files,
    else None (an edited file or schema, no file, a file this code did not write)."""
    from linter.policy_kinds import KINDS

    try:
        found = json.loads((folder("linter.policies") / FILE).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not (isinstance(found, dict) and found.get("format") == FORMAT and isinstance(found.get("documents"), dict)
            and sorted(found["documents"]) == sorted(KINDS)):
        return None
    try:
        if found.get("key") != key(tuple(KINDS)):
            return None
    except OSError:
        return None
    documents: dict[str, Any] = found["documents"]
    return documents


def compiled_copy() -> bool:
    """True when the shipped documents come from ``compiled.json`` (it is current)."""
    return _documents() is not None


def shipped(kind: str) -> tuple[bool, Any]:
    """(True, the document of ``kind``) from the compiled copy, or (False, None) when it is stale."""
    documents = _documents()
    return (True, documents[kind]) if documents is not None else (False, None)
