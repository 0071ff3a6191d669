"""Reading and validating ``policies/`` (shipped, and user directories) into one ``Knowledge``.

Every user file is validated against the JSON Schema of its kind (``linter/schemas/<kind>.schema.json``)
before anything reads it, and a problem is ONE line, ``<file>: <path to the key>: <message>``, so a
typo in a user policy is a clear exit-2 error rather than a rule that silently never fires. The
shipped set is validated by the test suite and parsed once per process (pre-commit runs start often).
A file's kind is its ``kind:`` key, else its file name (``rules.yaml``); kinds this module does not
build into ``Knowledge`` but that have a schema (another stage's data) land in ``Knowledge.extra``.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from functools import lru_cache, partial, reduce
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import yaml

from linter import limits
from linter import policy_build as build
from linter.compiled import compiled
from linter.errors import PolicyError
from linter.knowledge import Knowledge

if TYPE_CHECKING:  # jsonschema is imported on use: a scan with only the shipped knowledge never needs it
    import jsonschema
    from jsonschema.exceptions import ValidationError

SHIPPED = ("catalog", "resource-types", "modules", "recognition", "classification", "rules", "flows")
_YAML_SUFFIXES = (".yaml", ".yml")
_MAX_BYTES = limits.POLICY_FILE_BYTES
_MAX_MESSAGE = limits.MESSAGE_CHARS

Document = tuple[str, str, Any]  # (kind, file name for messages, validated data)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading, with dates kept as the strings the schemas check (``format: date``)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, name: str) -> Any:
    """Parse one policy or config document; dates stay ISO strings. Errors name file and line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise PolicyError(f"{name}{where}: not valid YAML: {problem}") from None


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads((files("linter.schemas") / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def known_kinds() -> frozenset[str]:
    """Every kind with a schema: this module's, and those other parts of snclint ship."""
    names = (entry.name for entry in files("linter.schemas").iterdir())
    return frozenset(n.removesuffix(".schema.json") for n in names
                     if n.endswith(".schema.json") and n != "config.schema.json")


def json_path(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def describe(error: ValidationError) -> tuple[str, str]:
    """(path, message) for one error, without the value found: a file's content is never quoted
    (it may be a credential that a hostile config pointed at). An unknown key is named in the
    path itself, where it reads as a key (short, no spaces)."""
    path = [_key_shown(p) for p in error.absolute_path]
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        if extra and allowed:
            expected = ", ".join(sorted(allowed))
            return json_path([*path, _key_shown(extra[0])]), f"unknown key (expected one of: {expected})"
    message = " ".join(_expected(error).split())
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE - 1] + "…"
    return json_path(path), message


_KEY = re.compile(r"^[A-Za-z0-9_.:/@-]{1,40}$")
_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
          "number": "a number", "boolean": "true or false", "null": "nothing"}


def _key_shown(part: Any) -> Any:
    return part if isinstance(part, int) or _KEY.match(str(part)) else "…"


def _expected(error: ValidationError) -> str:
    """What the schema wanted, in its own words (its values only, never the instance's)."""
    kind, wanted = error.validator, error.validator_value
    if kind == "type":
        names = wanted if isinstance(wanted, list) else [wanted]
        return "expected " + " or ".join(_TYPES.get(str(n), str(n)) for n in names)
    if kind == "enum":
        return "expected one of: " + ", ".join(map(str, wanted))
    if kind == "const":
        return f"expected {wanted!r}"
    if kind == "required":  # one error per missing key; the name is the schema's
        missing = re.match(r"^'([^']+)' is a required property", error.message)
        return f"missing key {missing.group(1)!r}" if missing else "missing key"
    if kind == "pattern":
        return f"does not match the pattern {wanted}"
    if kind == "format":
        return f"not a valid {wanted}"
    if kind in ("minItems", "minProperties", "minLength") and wanted == 1:
        return "should be non-empty"
    if kind in ("oneOf", "anyOf"):
        return "matches none of the allowed forms"
    if kind == "not":
        return "is a form that is not allowed"
    return f"does not satisfy {kind}: {wanted!r}" if isinstance(wanted, (int, float, bool, str)) else \
        f"does not satisfy {kind}"


def _problems(data: Any, kind: str, name: str, first_only: bool) -> list[str]:
    from jsonschema.exceptions import best_match

    validator = _validator(kind)
    if first_only:
        error = best_match(validator.iter_errors(data))
        errors = [error] if error is not None else []
    else:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    lines = [f"{name}: {path}: {message}" for path, message in map(describe, errors)]
    if not lines and kind in build.PROBLEMS:
        lines = [f"{name}: {line}" for line in build.PROBLEMS[kind](data)]
    return lines[:1] if first_only else lines


def document_problems(data: Any, kind: str, name: str) -> list[str]:
    """Every problem of one policy document given as data (the config's ``modules:``)."""
    return _problems(data, kind, name, first_only=False)


def with_modules(knowledge: Knowledge, document: Mapping[str, Any] | None) -> Knowledge:
    """``knowledge`` with the modules a validated document of kind modules declares on top."""
    if not document:
        return knowledge
    exact, found, flows = build.modules_of(document)
    patterns = {**dict(knowledge.module_patterns), **dict(found)}
    known_flows = {(f.type, f.attribute): f for f in knowledge.flows}
    known_flows.update({(f.type, f.attribute): f for f in flows})
    return replace(knowledge, types=MappingProxyType({**knowledge.types, **exact}), flows=tuple(known_flows.values()),
                   module_patterns=_ordered(patterns))


def _ordered(patterns: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The most specific pattern first: the longest once its wildcards are left out."""
    return tuple(sorted(patterns.items(), key=lambda p: -len(p[0].replace("*", ""))))


def _kind_of(data: Any, path: Path) -> str:
    kind = data.get("kind") if isinstance(data, Mapping) else None
    return kind if isinstance(kind, str) else path.stem


def _read(path: Path, name: str) -> Any:
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise PolicyError(f"{name}: larger than {_MAX_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise PolicyError(f"{name}: cannot read: {getattr(err, 'strerror', None) or err}") from None
    return load_yaml(text, name)


def _policy_files(directory: str) -> list[Path]:
    root = Path(directory)
    if not root.is_dir():
        raise PolicyError(f"{directory}: not a directory")
    found = sorted(p for p in root.rglob("*") if p.suffix in _YAML_SUFFIXES and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not found:  # a wrong folder is a mistake to say, not an empty pack to accept
        raise PolicyError(f"{directory}: no policy file ({', '.join(sorted(_YAML_SUFFIXES))}) in it")
    return found


def _checked(data: Any, kind: str, name: str) -> Any:
    problems = _problems(data, kind, name, first_only=True)
    if problems:
        raise PolicyError(problems[0])
    return data


def _unknown_kind(name: str, kind: str) -> str:
    return f"{name}: kind: {kind!r} is not a known kind (expected one of: {', '.join(sorted(known_kinds()))})"


def _dir_documents(directory: str) -> list[Document]:
    """(kind, file name, data) of each file of a user policy directory, validated."""
    out = []
    for path in _policy_files(directory):
        name = path.as_posix()
        data = _read(path, name)
        kind = _kind_of(data, path)
        if kind not in known_kinds():
            raise PolicyError(_unknown_kind(name, kind))
        out.append((kind, name, _checked(data, kind, name)))
    return out


@lru_cache(maxsize=1)
def _shipped() -> tuple[Document, ...]:
    """The files in the wheel, checked against their schemas once per version of them (a
    compiled copy in the cache, ``linter.compiled``), not on every start."""
    return tuple((kind, f"policies/{kind}.yaml", compiled(kind, partial(_read_shipped, kind), __name__))
                 for kind in SHIPPED)


def _read_shipped(kind: str, text: str) -> Any:
    name = f"policies/{kind}.yaml"
    data = load_yaml(text, name)
    problems = _problems(data, kind, name, first_only=True)
    if problems:
        raise PolicyError(problems[0])
    return data


def shipped_problems() -> list[str]:
    """Every schema and consistency problem of the shipped files (for the tests and release checks)."""
    return [line for kind, name, data in _shipped() for line in _problems(data, kind, name, first_only=False)]


def load_knowledge(extra_policy_dirs: Sequence[str] = (), extra_catalogs: Sequence[str] = ()) -> Knowledge:
    """The shipped knowledge, with user policy directories and catalogues on top (later wins)."""
    return _load(tuple(extra_policy_dirs), tuple(extra_catalogs), os.getcwd())


@lru_cache(maxsize=16)
def _load(dirs: tuple[str, ...], catalogs: tuple[str, ...], cwd: str) -> Knowledge:
    """``cwd`` is only part of the cache key: relative folders resolve against it, so the same
    name from another folder (two scans in one process) is another pack."""
    shipped = list(_shipped())
    documents = list(shipped)
    for directory in dirs:
        documents += _dir_documents(directory)
    for catalog in catalogs:
        name = Path(catalog).as_posix()
        documents.append(("catalog", name, _checked(_read(Path(catalog), name), "catalog", name)))
    knowledge = _assemble(documents)
    # shipped recognition names shipped offers: a user catalogue that replaces a provider without
    # some of its offers is not an error (what it leaves out is then unknown: fail closed)
    shipped_catalog = build.catalog_of(d for k, _, d in shipped if k == "catalog")
    for index, (kind, name, data) in enumerate(documents):
        if kind == "recognition":
            against = shipped_catalog if index < len(shipped) else knowledge.catalog
            problems = build.reference_problems(data, against, knowledge.recognition.get("endpoints", {}))
            if problems:
                raise PolicyError(f"{name}: {problems[0]}")
    return knowledge


def _assemble(documents: list[Document]) -> Knowledge:
    by_kind: dict[str, list[Any]] = {}
    for kind, _name, data in documents:
        by_kind.setdefault(kind, []).append(data)
    types: dict[str, Any] = {}
    flows: dict[tuple[str, str], Any] = {}
    rules: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for kind, _name, data in documents:  # in order: a user file's entry replaces a shipped one
        if kind == "resource-types":
            types.update(build.types_of(data))
        elif kind == "modules":
            exact, found, module_flows = build.modules_of(data)
            types.update(exact)
            patterns.update(found)
            flows.update({(f.type, f.attribute): f for f in module_flows})
    for data in by_kind.get("flows", ()):
        flows.update({(f.type, f.attribute): f for f in build.flows_of(data)})
    for data in by_kind.get("rules", ()):
        rules.update({r.id: r for r in build.rules_of(data)})
    recognition: dict[str, Any] = {}
    for data in by_kind.get("recognition", ()):
        recognition = build.merge_recognition(recognition, data)
    # every file of such a kind, merged in order (two user packs of kind kubernetes both count)
    extra = {kind: reduce(build.merged, docs) for kind, docs in by_kind.items() if kind not in SHIPPED}
    return Knowledge(
        types=MappingProxyType(types),
        default_tag_paths=tuple(by_kind["resource-types"][0].get("defaults", {}).get("tag_paths", ())),
        flows=tuple(flows.values()),
        catalog=build.catalog_of(by_kind.get("catalog", ())),
        recognition=MappingProxyType(recognition),
        rules=tuple(sorted(rules.values(), key=lambda r: r.id)),
        vocabulary=build.vocabulary_of(by_kind["classification"][-1]),
        extra=MappingProxyType(extra),
        module_patterns=_ordered(patterns),
    )


def validate_policy_dir(path: str) -> list[str]:
    """Every problem of a user policy directory, one line each (``snclint policies validate``)."""
    try:
        paths = _policy_files(path)
    except PolicyError as err:
        return [str(err)]
    lines: list[str] = []
    for file in paths:
        name = file.as_posix()
        try:
            data = _read(file, name)
        except PolicyError as err:
            lines.append(str(err))
            continue
        kind = _kind_of(data, file)
        if kind not in known_kinds():
            lines.append(_unknown_kind(name, kind))
            continue
        lines += _problems(data, kind, name, first_only=False)
    if not lines:  # each file is valid: now what they say together (ids across files)
        try:
            _load((path,), (), os.getcwd())
        except PolicyError as err:
            lines.append(str(err))
    return lines
