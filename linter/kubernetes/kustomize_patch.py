"""Kustomize patches: strategic merge patches, JSON 6902 patches (``jsonpatch``) and patch targets.

A strategic merge patch merges mappings key by key (``null`` deletes), replaces lists except those
with a merge key (``policies/kustomize.yaml``: containers by name, volumes by name …), and honours
``$patch: delete|replace``; other directives (``$setElementOrder``, ``$retainKeys``) only order or
prune fields and are dropped. Target selectors are matched without backtracking blow-ups: a name or
namespace pattern may only use literal text, ``.*``, ``|`` and ``^…$`` (anything else is refused).
"""
from __future__ import annotations

import copy
import re
from typing import Any, Mapping

import jsonpatch
import jsonpointer

from linter import limits

DELETE = object()  # what a merge returns when the patch deletes the whole value
_SAFE_PATTERN = re.compile(r"^(?:[A-Za-z0-9_\-/|^$]|\\\.|\.\*|\.(?!\*))*$")


class PatchError(ValueError):
    """A patch kustomize would fail on too."""


def strategic_merge(base: Any, patch: Any, merge_keys: Mapping[str, tuple[str, ...]]) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    directive = patch.get("$patch")
    if directive == "delete":
        return DELETE
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if not str(k).startswith("$")}
    out = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if str(key).startswith("$"):
            continue
        if value is None:
            out.pop(key, None)
            continue
        keys = merge_keys.get(key)
        if keys and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_list(out[key], value, keys, merge_keys)
            continue
        merged = strategic_merge(out.get(key), value, merge_keys)
        if merged is DELETE:
            out.pop(key, None)
        else:
            out[key] = merged
    return out


def _merge_list(base: list[Any], patch: list[Any], keys: tuple[str, ...],
                merge_keys: Mapping[str, tuple[str, ...]]) -> list[Any]:
    if not all(isinstance(item, dict) for item in patch):
        return copy.deepcopy(patch)
    if any(item.get("$patch") == "replace" for item in patch):
        return [copy.deepcopy(i) for i in patch if i.get("$patch") != "replace"]
    out = list(base)
    for item in patch:
        key = next((k for k in keys if k in item), None)
        index = next((n for n, old in enumerate(out) if key is not None and isinstance(old, dict)
                      and old.get(key) == item[key]), None)
        if index is None:
            if item.get("$patch") != "delete":
                out.append({k: copy.deepcopy(v) for k, v in item.items() if not str(k).startswith("$")})
            continue
        merged = strategic_merge(out[index], item, merge_keys)
        if merged is DELETE:
            del out[index]
        else:
            out[index] = merged
    return out


def json_patch(obj: dict[str, Any], operations: list[Any]) -> dict[str, Any]:
    """RFC 6902, with kustomize's option: ``add`` creates the mappings missing on its path."""
    try:
        obj = copy.deepcopy(obj)
        for operation in operations:
            if isinstance(operation, dict) and operation.get("op") == "add":
                _ensure_parents(obj, jsonpointer.JsonPointer(operation.get("path", "")).parts[:-1])
        result = jsonpatch.JsonPatch(operations).apply(obj, in_place=True)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError, KeyError,
            IndexError, ValueError) as err:
        raise PatchError(f"JSON patch failed: {err}") from None
    if not isinstance(result, dict):
        raise PatchError("JSON patch did not leave an object")
    return result


def _ensure_parents(obj: Any, parts: list[str]) -> None:
    for part in parts:
        if isinstance(obj, list):
            if not part.isdigit() or int(part) >= len(obj):
                return
            obj = obj[int(part)]
        elif isinstance(obj, dict):
            obj = obj.setdefault(part, {})
        else:
            return


def name_pattern(text: Any, what: str) -> re.Pattern[str]:
    """A target's ``name`` or ``namespace``: anchored, as kustomize does; refused when it could
    backtrack (nested or repeated quantifiers)."""
    if not isinstance(text, str) or len(text) > limits.KUSTOMIZE_PATTERN_CHARS or not _SAFE_PATTERN.match(text) \
            or text.count(".*") > 2:
        raise PatchError(f"the target {what} {str(text)[:60]!r} is not a pattern snclint evaluates "
                         "(literal text, .*, | only)")
    try:
        return re.compile(f"^(?:{text})$")
    except re.error as err:
        raise PatchError(f"the target {what} {text!r} is not a valid pattern: {err}") from None


def selector_matches(selector: Any, values: Mapping[str, str]) -> bool:
    """A label selector (``a=b,c!=d,e,!f,g in (h,i),j notin (k)``) against labels or annotations."""
    if not isinstance(selector, str):
        raise PatchError("a label or annotation selector must be a string")
    for term in re.split(r",(?![^()]*\))", selector):
        term = term.strip()
        if not term:
            continue
        match = re.fullmatch(r"([^\s!=()]+)\s+(in|notin)\s+\(([^()]*)\)", term)
        if match:
            key, op, items = match.groups()
            inside = values.get(key) in {i.strip() for i in items.split(",")}
            if inside != (op == "in"):
                return False
        elif "!=" in term:
            key, value = (p.strip() for p in term.split("!=", 1))
            if values.get(key) == value:
                return False
        elif "=" in term:
            key, value = (p.strip() for p in term.replace("==", "=").split("=", 1))
            if values.get(key) != value:
                return False
        elif term.startswith("!"):
            if term[1:].strip() in values:
                return False
        elif term not in values:
            return False
    return True
