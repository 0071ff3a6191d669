"""Bounded, safe YAML loading that keeps line numbers: the base of every manifest we read.

Why not ``yaml.load_all(..., Loader=CSafeLoader)``: libyaml's composer is recursive in C, so a
file of 100,000 ``[`` crashes the interpreter (segmentation fault), and PyYAML expands nothing but
lets a billion-laughs document reach any code that walks it. Here the events of libyaml's
(iterative) parser are composed with an explicit stack, a depth limit and an alias-expansion
budget; scalars are resolved and built by PyYAML's safe resolver and constructors only. Mappings
come back as ``YamlMap`` (a dict that knows its 1-based line: ``loaders.yaml_values``) so that
callers can point at nested objects (a claim template, a volume).

Most manifests use neither anchors nor merge keys (``<<``): nothing can then expand, so they are
composed by a leaner loop (``_compose_plainly``) that keeps no sizes, anchors or per-item lines.
It gives back to the full composer, which reads the text again from its start, as soon as it meets
an anchor or a merge key; a text holding ``<<`` goes to the full composer at once.
"""
from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from linter import limits
from linter.loaders.yaml_values import YamlDocument, YamlMap

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = limits.YAML_DEPTH
# plain scalars' values by their text (most repeat: keys, `true`, small numbers); values built by
# the safe constructors are immutable, so one can be shared. Bounded: cleared when full.
_PLAIN: dict[str, Any] = {}
_PLAIN_TEXT = 64
_PLAIN_ENTRIES = 50_000
_UNSEEN = object()
MAX_ALIAS_NODES = limits.YAML_ALIAS_NODES

_T = "tag:yaml.org,2002:"
_STR, _MERGE, _VALUE = _T + "str", _T + "merge", _T + "value"
# Only scalar constructors: the collection ones expect other node types (and some are generators).
_SCALARS = {
    _T + name: SafeConstructor.yaml_constructors[_T + name]
    for name in ("null", "bool", "int", "float", "binary", "timestamp")
}


@dataclass(frozen=True, slots=True)
class YamlIssue:
    """Why reading stopped. ``limit`` is True for our own bounds (depth, aliases), which are
    reported whatever the file looks like."""

    message: str
    line: int
    limit: bool = False


class _Stop(Exception):
    def __init__(self, message: str, line: int, limit: bool = False) -> None:
        super().__init__(message)
        self.issue = YamlIssue(message, line, limit)


@dataclass(slots=True)
class _Frame:
    """A collection being composed: its items so far and what it weighs once expanded."""

    is_map: bool
    anchor: str | None
    line: int
    items: list[Any]
    size: int = 1


class _Anchored(Exception):
    """The lean loop met an anchor or a merge key: only the full composer reads this text."""


def load_documents(
    text: str, *, max_depth: int = MAX_DEPTH, max_alias_nodes: int = MAX_ALIAS_NODES
) -> tuple[list[YamlDocument], YamlIssue | None]:
    """Every document of ``text`` up to the first error, and that error (None when all went well).

    Never raises for any text: YAML errors, limits and unbuildable values come back as an issue.
    """
    if "<<" not in text:  # no plain merge key can be in it (a tagged one sends the lean loop back)
        try:
            return _read(text, max_depth, lambda loader, out: _compose_plainly(loader, out, max_depth))
        except _Anchored:
            pass
    return _read(text, max_depth, lambda loader, out: _Composer(loader, out, max_depth, max_alias_nodes).run())


def _read(text: str, max_depth: int, compose: Callable[[Any, list[YamlDocument]], None]
          ) -> tuple[list[YamlDocument], YamlIssue | None]:
    """``compose`` run on a parser of ``text``; parser errors and our own stops turned into an issue."""
    documents: list[YamlDocument] = []
    loader = _Parser(text)
    try:
        compose(loader, documents)
    except _Stop as stop:
        return documents, stop.issue
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(str(p) for p in (err.context, err.problem) if p) or "not valid YAML"
        if "nesting depth" in message:  # PyYAML >= 6.0.4 bounds nesting in its own parser
            return documents, YamlIssue(f"nesting deeper than {max_depth} levels", line, limit=True)
        return documents, YamlIssue(message, line)
    except yaml.YAMLError as err:  # reader errors: a character YAML does not allow
        position = getattr(err, "position", 0) or 0
        reason = getattr(err, "reason", "") or "not readable as YAML"
        return documents, YamlIssue(str(reason), text.count("\n", 0, position) + 1)
    finally:
        loader.dispose()
    return documents, None


def _compose_plainly(loader: Any, out: list[YamlDocument], max_depth: int) -> None:
    """The documents of a stream without anchors or merge keys, as ``_Composer`` builds them.

    Without anchors nothing expands, so no sizes are kept; a mapping's items alternate keys and
    values in one list, a sequence's list is its value. Raises ``_Anchored`` at the first anchor or
    merge key, before anything differs from what the full composer would have done.
    """
    get = loader.get_event
    plain, unseen = _PLAIN, _UNSEEN
    scalar_event, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    new_map = dict.__new__  # a YamlMap without a call of its __init__ in Python
    parents: list[tuple[list[Any] | None, bool, int]] = []  # the collections around the current one
    items: list[Any] | None = None  # the current collection's (None: at the document's root)
    is_map, line = False, 1  # the current collection's kind and first line
    root: list[tuple[Any, int]] = []  # (value, line)
    bad_keys: dict[int, int] = {}  # depth of a mapping → line of its first collection used as a key
    while (event := get()) is not None:
        kind = type(event)
        if kind is scalar_event:
            if event.anchor is not None:
                raise _Anchored
            tag, value = event.tag, event.value
            if tag is not None and tag != "!":
                value = _build(tag, value, event)
                if value is _Merge:
                    raise _Anchored
            elif event.implicit[0]:
                built = plain.get(value, unseen)
                value = _plain(value) if built is unseen else built
            if items is not None:
                items.append(value)
            else:
                root.append((value, event.start_mark.line + 1 if event.start_mark else 1))
        elif kind is map_start or kind is seq_start:
            if event.anchor is not None:
                raise _Anchored
            start = event.start_mark.line + 1 if event.start_mark else 1
            if len(parents) >= max_depth:
                raise _Stop(f"nesting deeper than {max_depth} levels", start, limit=True)
            parents.append((items, is_map, line))
            items, is_map, line = [], kind is map_start, start
        elif kind is map_end or kind is seq_end:
            collection: Any = items
            if is_map:
                if bad_keys and len(parents) in bad_keys:
                    raise _Stop("a mapping or a sequence is used as a key", bad_keys[len(parents)])
                collection = new_map(YamlMap)
                collection.line = line
                pairs = iter(items)  # type: ignore[arg-type]
                collection.update(zip(pairs, pairs, strict=False))
            first = line
            items, is_map, line = parents.pop()
            if items is None:
                root.append((collection, first))
            else:
                if is_map and not len(items) & 1:  # in a key's place
                    bad_keys.setdefault(len(parents), first)
                items.append(collection)
        elif kind is yaml.AliasEvent:  # no anchor was defined before (the first one sent us back)
            raise _Stop(f"alias *{event.anchor} names no anchor defined before it",
                        event.start_mark.line + 1 if event.start_mark else 1)
        elif kind is yaml.DocumentStartEvent:
            root = []
        elif kind is yaml.DocumentEndEvent and root:
            out.append(YamlDocument(*root[0]))


class _Composer:
    """Any stream: anchors, aliases and merge keys within the alias budget."""

    def __init__(self, loader: Any, out: list[YamlDocument], max_depth: int, budget: int) -> None:
        self.loader = loader
        self.out = out
        self.max_depth = max_depth
        self.budget = budget
        self.expanded = 0  # nodes brought in by aliases and merges, whole file
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.root: list[tuple[Any, int, int]] = []  # (value, size, line)

    def run(self) -> None:
        get = self.loader.get_event  # None after the stream's end
        stack, anchors, plain = self.stack, self.anchors, _PLAIN
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        while (event := get()) is not None:
            kind = type(event)
            line = event.start_mark.line + 1 if event.start_mark else 1
            if kind is scalar_event:
                tag, value = event.tag, event.value
                if tag is not None and tag != "!":
                    value = _build(tag, value, event)
                elif event.implicit[0]:  # a plain scalar: what it resolves to depends on its text alone
                    built = plain.get(value, _UNSEEN)
                    value = _plain(value) if built is _UNSEEN else built
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                if stack:
                    frame = stack[-1]
                    frame.items.append((value, 1, line))
                    frame.size += 1
                else:
                    self.root.append((value, 1, line))
            elif kind is alias_event:
                self._alias(event.anchor, line)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= self.max_depth:
                    raise _Stop(f"nesting deeper than {self.max_depth} levels", line, limit=True)
                stack.append(_Frame(kind is yaml.MappingStartEvent, event.anchor, line, []))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                built = self._mapping(frame) if frame.is_map else [item[0] for item in frame.items]
                self._add(built, frame.size, frame.anchor, frame.line)
            elif kind is yaml.DocumentStartEvent:
                self.anchors = anchors = {}
                self.root = []
            elif kind is yaml.DocumentEndEvent and self.root:
                built, _, first = self.root[0]
                self.out.append(YamlDocument(built, first))

    def _add(self, value: Any, size: int, anchor: str | None, line: int) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if self.stack:
            frame = self.stack[-1]
            frame.items.append((value, size, line))
            frame.size += size
        else:
            self.root.append((value, size, line))

    def _alias(self, anchor: str, line: int) -> None:
        if anchor not in self.anchors:
            raise _Stop(f"alias *{anchor} names no anchor defined before it", line)
        value, size = self.anchors[anchor]
        self._spend(size, line)
        self._add(value, size, None, line)

    def _spend(self, size: int, line: int) -> None:
        self.expanded += size
        if self.expanded > self.budget:
            raise _Stop(f"too many aliases (YAML bomb?): they expand to more than {self.budget} "
                        "nodes", line, limit=True)

    def _mapping(self, frame: _Frame) -> YamlMap:
        """Pairs → YamlMap, with ``<<`` merges applied as PyYAML does (own keys win)."""
        items = frame.items
        result = YamlMap(frame.line)
        own: list[tuple[Any, Any]] = []
        for i in range(0, len(items) - 1, 2):
            (key, _, line), (value, size, _) = items[i], items[i + 1]
            if key is _Merge:
                self._merge(result, value, size, line)
                continue
            if isinstance(key, (dict, list)):
                raise _Stop("a mapping or a sequence is used as a key", line)
            own.append((key, value))
        result.update(own)
        return result

    def _merge(self, into: YamlMap, value: Any, size: int, line: int) -> None:
        sources = [value] if isinstance(value, dict) else list(reversed(value)) \
            if isinstance(value, list) else None
        if sources is None or not all(isinstance(s, dict) for s in sources):
            raise _Stop("<< must merge a mapping or a list of mappings", line)
        self._spend(size, line)
        for source in sources:
            into.update(source)


_RESOLVER = Resolver()  # resolving a scalar and building one keep no state: shared
_CONSTRUCTOR = SafeConstructor()


def _plain(text: str) -> Any:
    """A plain scalar's value, kept for the next one of the same text (short texts only)."""
    value = _build(_RESOLVER.resolve(ScalarNode, text, (True, False)), text, None)
    if len(text) <= _PLAIN_TEXT:
        if len(_PLAIN) >= _PLAIN_ENTRIES:
            _PLAIN.clear()
        _PLAIN[text] = value
    return value


def _build(tag: str, text: str, event: Any) -> Any:
    """A scalar's value by its tag (``event``: None for a plain scalar, built once per text)."""
    if tag == _STR or tag == _VALUE or tag == _MERGE:
        return _Merge if tag == _MERGE else text  # `=` (YAML 1.1 value) stays "="
    build = _SCALARS.get(tag)
    if build is None:  # unknown or application tag (!Ref, !!python/…): the plain text
        return text
    node = ScalarNode(tag, text, event.start_mark if event else None, event.end_mark if event else None,
                      event.style if event else None)
    try:
        return build(_CONSTRUCTOR, node)
    except (ValueError, TypeError, OverflowError, LookupError, AttributeError, binascii.Error, yaml.YAMLError):
        return text  # 2024-13-45, a 5,000-digit integer, bad base64, !!int "", !!bool x: keep the text


class _MergeKey:
    """The ``<<`` key, kept apart from the string "<<" (a quoted "<<" is an ordinary key)."""

    def __repr__(self) -> str:
        return "<<"


_Merge = _MergeKey()
