"""One manifest file's parsed documents (``loaders.kubernetes.ManifestFile``) as JSON, for the
kept manifests (``linter.kubernetes.kept``): never pickle.

A document's mappings are ``YamlMap``s that know their line, which the graph uses for nested
places (a claim template, a volume, an operator's back-up destination); a JSON manifest's may be
plain dicts without one. So a ``YamlMap`` is written as a JSON object whose first key is ``"\\0"``
(its line), a plain dict without it; ``object_hook`` turns the first back into a ``YamlMap``.
Decoding JSON this way costs about a tenth of composing the YAML again (0.09 s against 0.95 s for
the 9,027 YAML files of the MoJ estate, measured 2026-12-07).

``encode`` refuses (TypeError) what JSON would not give back identically: a key that is not a
string or starts with NUL, a date, bytes, a ``<<`` used as a value. That file is then not kept and
is parsed again on each scan.
"""
from __future__ import annotations

from typing import Any

from linter.loaders.kubernetes import Manifest, ManifestFile
from linter.loaders.yaml_values import YamlMap
from linter.model import Location, Problem, ProblemKind

LINE = "\0"  # the key of a mapping's line: no YAML key kept here starts with NUL
_new = YamlMap.__new__
_SCALARS = frozenset({str, int, float, bool, type(None)})  # written by JSON as they are


class DecodeError(ValueError):
    """A value ``encode`` did not write."""


def encode(loaded: ManifestFile) -> list[Any]:
    """``loaded`` as plain JSON values (its path is the caller's key); TypeError when it holds
    something JSON would not give back identically."""
    return [[[_plain(m.obj), m.line, [[line, text] for line, text in m.comments]] for m in loaded.documents],
            [[p.location.file, p.location.line, p.message, p.kind.value, p.address] for p in loaded.problems],
            loaded.skipped]


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:  # a scalar item as it is: no call for it
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    if kind is YamlMap or kind is dict:
        out: dict[str, Any] = {LINE: value.line} if kind is YamlMap else {}
        for key, item in value.items():
            if type(key) is not str or key.startswith(LINE):
                raise TypeError("a mapping key JSON cannot keep")
            out[key] = item if type(item) in _SCALARS else _plain(item)
        return out
    raise TypeError(f"a {kind.__name__} value")


def object_hook(obj: dict[str, Any]) -> Any:
    """``json.loads``' hook: an object written for a ``YamlMap`` becomes one again."""
    if LINE not in obj:
        return obj
    line = obj.pop(LINE)
    if type(line) is not int:
        raise DecodeError("a mapping's line is not a number")
    built = _new(YamlMap)
    built.line = line
    dict.update(built, obj)
    return built


def decode(path: str, value: Any) -> ManifestFile:
    """What ``encode`` wrote for the file at ``path`` (already through ``object_hook``) → the file;
    DecodeError when it is not that."""
    try:
        documents, problems, skipped = value
        return ManifestFile(
            path,
            tuple(Manifest(_mapping(obj), _number(line), tuple((_number(at), _text(text)) for at, text in comments))
                  for obj, line, comments in documents),
            tuple(Problem(location=Location(_text(file), _number(line)), message=_text(message),
                          kind=ProblemKind(kind), address=_text(address))
                  for file, line, message, kind, address in problems),
            None if skipped is None else _text(skipped))
    except (TypeError, ValueError) as error:  # a wrong shape or kind
        raise DecodeError(str(error)[:80]) from None


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DecodeError("a document that is not a mapping")
    return value


def _number(value: Any) -> int:
    if type(value) is not int:
        raise DecodeError("not a line number")
    return value


def _text(value: Any) -> str:
    if type(value) is not str:
        raise DecodeError("not a text")
    return value
