"""Kubernetes manifests: bytes of one file → the Kubernetes objects in it, each with its line.

A pure function of (path, bytes) that never raises. Scanned repositories hold much YAML that is
not Kubernetes (Helm values, CI files, ``Chart.yaml``, Jest snapshots named ``.yaml``): anything
without ``apiVersion`` and ``kind`` is left out quietly, and a file that does not parse is only an
SNC000 problem when it looks like a manifest. Go templates (Helm charts) are recognised and
reported with the way to render them; binary files (git-crypt) are skipped with a note.
"""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any

from linter import limits
from linter.loaders import size
from linter.loaders.yaml_values import YamlDocument, YamlMap, line_of
from linter.model import Location, Problem

MAX_BYTES = limits.MANIFEST_BYTES
MAX_LIST_NESTING = limits.LIST_NESTING
TEMPLATE_ADVICE = "render it first: helm template RELEASE CHART | snclint scan -"

Comment = tuple[int, str]  # (1-based line, text)

_MANIFEST_HINT = re.compile(r"""^\s*["']?apiVersion["']?\s*:.*^\s*["']?kind["']?\s*:"""
                            r"""|^\s*["']?kind["']?\s*:.*^\s*["']?apiVersion["']?\s*:""",
                            re.MULTILINE | re.DOTALL)
_GO_ACTION = re.compile(r"(?<!\$)\{\{")  # ${{ … }} is a GitHub Actions expression
_GO_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.DOTALL)
JEST_HEADER = "// Jest Snapshot v"  # Jest snapshots named .yaml hold manifests inside JavaScript
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
         (codecs.BOM_UTF8, "utf-8"))


@dataclass(frozen=True, slots=True)
class Manifest:
    """One Kubernetes object: the mapping, its first line, the comment lines right above it."""

    obj: dict[str, Any]
    line: int
    comments: tuple[Comment, ...] = ()


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """One file's Kubernetes objects, the problems met reading it, or why it was not read."""

    path: str
    documents: tuple[Manifest, ...] = ()
    problems: tuple[Problem, ...] = ()
    skipped: str | None = None  # why the file was not read at all (binary…), for a note


def load_manifests(path: str, data: bytes) -> ManifestFile:
    """The Kubernetes objects of one YAML or JSON file (``path`` is only used for messages,
    the ``.json`` suffix and the Helm ``templates/`` convention)."""
    if len(data) > MAX_BYTES:
        return _problem(path, 1, f"file too large ({len(data) // 1_000_000} MB, limit "
                                 f"{MAX_BYTES // 1_000_000} MB): not read")
    text, why = decode(data)
    if text is None:
        return ManifestFile(path, skipped=why)
    too_many = size.over(text, limits.DATA_ELEMENTS)
    if too_many is not None:
        return _problem(path, 1, too_many)
    if text.startswith(JEST_HEADER):  # said only when it holds manifests, which are not read
        return ManifestFile(path, skipped="a Jest snapshot (JavaScript) of manifests, not YAML"
                            if _MANIFEST_HINT.search(text) else None)
    action = template_line(text) if "{{" in text else None
    if action is not None and _in_templates_dir(path):
        return _template(path, action)
    if path.lower().endswith(".json"):
        return _load_json(path, text)
    from linter.loaders.safe_yaml import load_documents  # on use: kept documents need no YAML parser

    documents, issue = load_documents(text)
    manifests = tuple(_manifests(documents, text.splitlines()))
    if issue is None:
        return ManifestFile(path, manifests)
    if action is not None and not issue.limit:
        return _template(path, action)
    if issue.limit or manifests or _MANIFEST_HINT.search(text):
        kind = "" if issue.limit else "not valid YAML: "
        problem = Problem(location=Location(path, issue.line), message=kind + issue.message)
        return ManifestFile(path, manifests, (problem,))
    return ManifestFile(path)  # not a manifest, and not even YAML: none of our business


def decode(data: bytes) -> tuple[str | None, str]:
    """Text of a file, or None and why it is not text (NUL bytes: binary or encrypted)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), ""
            except UnicodeDecodeError:
                return None, f"not {encoding.upper()} text"
    if b"\x00" in data:
        return None, "binary content (encrypted?)"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, "not UTF-8 text"


def _problem(path: str, line: int, message: str) -> ManifestFile:
    return ManifestFile(path, problems=(Problem(location=Location(path, line), message=message),))


def _in_templates_dir(path: str) -> bool:
    return "templates" in path.replace("\\", "/").split("/")[:-1]


def template_line(text: str) -> int | None:
    """The line of the first Go template action that Helm would render into the manifest; None
    when every ``{{`` is a GitHub Actions expression (``${{ }}``), a Go comment (``{{/* */}}``) or
    inside a YAML comment line (a template wholly commented out renders to comments only)."""
    blanked = _GO_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    for number, line in enumerate(blanked.splitlines(), 1):
        if not line.lstrip().startswith("#") and _GO_ACTION.search(line):
            return number
    return None


def _template(path: str, line: int) -> ManifestFile:
    return _problem(path, line, f"Go template (Helm?): {TEMPLATE_ADVICE}")


def _load_json(path: str, text: str) -> ManifestFile:
    """JSON is read as JSON (fast, strict: ``package-lock.json`` costs little); a Kubernetes
    object is then composed as YAML too, for the lines of its items, when YAML reads the same."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        if not _MANIFEST_HINT.search(text):
            return ManifestFile(path)
        return _problem(path, err.lineno, f"not valid JSON: {err.msg}")
    except (RecursionError, ValueError):
        return _problem(path, 1, "not valid JSON: nested too deeply")
    if not is_object(value):
        return ManifestFile(path)
    from linter.loaders.safe_yaml import load_documents

    documents, issue = load_documents(text)
    if issue is not None or len(documents) != 1 or documents[0].value != value:
        documents = [YamlDocument(value, 1)]
    return ManifestFile(path, tuple(_manifests(documents, [])))


def _manifests(documents: list[YamlDocument], lines: list[str]) -> list[Manifest]:
    found: list[Manifest] = []
    for doc in documents:
        if is_object(doc.value):  # comments only above objects: above every empty document they are quadratic
            _collect(doc.value, doc.line, _comments_above(lines, doc.line), lines, found, 0)
    return found


def _collect(obj: Any, line: int, comments: tuple[Comment, ...], lines: list[str],
             found: list[Manifest], depth: int) -> None:
    """Add ``obj`` when it is a Kubernetes object; open ``List`` and typed lists (``PodList``)."""
    if not is_object(obj):
        return
    kind, items = obj["kind"], obj.get("items")
    if kind.endswith("List") and isinstance(items, list) and depth < MAX_LIST_NESTING:
        implied = kind[: -len("List")]
        for item in items:
            if isinstance(item, dict) and implied and "kind" not in item:
                item = _with_kind(item, implied, obj["apiVersion"])  # API lists omit it
            at = line_of(item, line)
            _collect(item, at, comments + _comments_above(lines, at), lines, found, depth + 1)
        return
    found.append(Manifest(obj, line, comments))


def is_object(obj: Any) -> bool:
    """A Kubernetes object has a string ``apiVersion`` and ``kind``; nothing else is one."""
    return (isinstance(obj, dict) and isinstance(obj.get("apiVersion"), str)
            and isinstance(obj.get("kind"), str) and bool(obj["apiVersion"]) and bool(obj["kind"]))


def _with_kind(item: dict[str, Any], kind: str, api_version: str) -> dict[str, Any]:
    copy = YamlMap(line_of(item))
    copy.update({"apiVersion": api_version, "kind": kind})
    copy.update(item)
    return copy


def _comments_above(lines: list[str], line: int) -> tuple[Comment, ...]:
    """The comment lines right above ``line`` (document markers between them are skipped)."""
    found: list[Comment] = []
    index = line - 2
    while 0 <= index < len(lines):
        text = lines[index].strip()
        if text.startswith("#"):
            found.append((index + 1, text))
        elif text not in ("---", "...") and not text.startswith("--- "):
            break
        index -= 1
    return tuple(reversed(found))
