"""Reading, validating and merging every kind of knowledge: the shipped files and user packs.

One path for all: a file is read by ``read_document`` (bounded: a pack or a config may come with a
scanned repository), validated against the JSON Schema of its kind
(``linter/schemas/<kind>.schema.json``) before anything reads it, and the files of a kind are
merged by that kind's one rule (``linter.policy_kinds.KINDS``). A problem is ONE line,
``<file>: <JSON path of the element>: <the schema's message>``, never quoting a value (exit 2), so a
typo in a user policy is a clear error rather than a rule that silently never fires. The
shipped files are checked when they are compiled (``linter.compiled``), not on every start. A
file's kind is its ``kind:`` key, else its file name (``rules.yaml``). The config file
(``.snclint.yaml``) is read and checked by the same functions, with its own error type.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
from functools import lru_cache, partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from linter import limits
from linter import policy_build as build
from linter.compiled import compiled
from linter.errors import LinterError, PolicyError
from linter.knowledge import Knowledge
from linter.loaders.value_digest import code_digest, value_digest
from linter.package_data import folder
from linter.policy_kinds import KINDS, merged
from linter.shipped_knowledge import compiled_copy, shipped

if TYPE_CHECKING:  # jsonschema is imported on use: a scan with only the shipped knowledge never needs it
    import jsonschema
    from jsonschema.exceptions import ValidationError

SHIPPED = tuple(KINDS)  # every kind ships its file, policies/<kind>.yaml
EAGER = tuple(name for name, kind in KINDS.items() if kind.eager)
_YAML_SUFFIXES = (".yaml", ".yml")
_MAX_BYTES = limits.POLICY_FILE_BYTES
_MAX_MESSAGE = limits.MESSAGE_CHARS

Document = tuple[str, str, Any]  # (kind, file name for messages, validated data)


def read_document(path: Path, name: str, error: type[LinterError] = PolicyError, *, dates: bool = False) -> Any:
    """The one YAML document of a file a user gives (a policy file, a config). ``name`` is the
    file as messages show it; problems are ``error``s naming it, never quoting its content."""
    return parse_document(read_text(path, name, error), name, error, dates=dates)


def read_text(path: Path, name: str, error: type[LinterError] = PolicyError) -> str:
    """The text of a file a user gives, within the size a document may have."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise error(f"{name}: larger than {_MAX_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error(f"{name}: cannot read: not UTF-8 text") from None
    except OSError as err:
        raise error(f"{name}: cannot read: {err.strerror or 'error'}") from None
    return text


def parse_document(text: str, name: str, error: type[LinterError] = PolicyError, *, dates: bool = False) -> Any:
    """Parse one document by the bounded loader (depth and aliases limited). Dates stay the ISO
    strings the policy schemas check (``format: date``) unless ``dates`` (the config's)."""
    from linter.loaders.safe_yaml import load_documents  # on use: the shipped files come compiled

    documents, issue = load_documents(text)
    if issue is not None:
        raise error(unquoted(f"{name}:{issue.line}: not valid YAML: {issue.message}", name))
    if any(d.value is not None for d in documents[1:]):
        raise error(f"{name}:{documents[1].line}: not valid YAML: one document expected, found several")
    data = documents[0].value if documents else None
    return data if dates else _dates_as_text(data)


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {_dates_as_text(k): _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, datetime.date) else value


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads((folder("linter.schemas") / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def known_kinds() -> frozenset[str]:
    """Every kind of knowledge (``linter.policy_kinds.KINDS``)."""
    return frozenset(KINDS)


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


_KEY = r"^[A-Za-z0-9_.:/@-]{1,40}$"  # a key a problem may show: compiled on first use (a problem)
_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
          "number": "a number", "boolean": "true or false", "null": "nothing"}


def _key_shown(part: Any) -> Any:
    return part if isinstance(part, int) or re.match(_KEY, str(part)) else "…"


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
    consistency = KINDS[kind].problems if kind in KINDS else None
    if not lines and consistency is not None:
        lines = [f"{name}: {line}" for line in consistency(data)]
    return [unquoted(line, name) for line in (lines[:1] if first_only else lines)]


def unquoted(line: str, name: str) -> str:
    """A problem line with every secret-looking part (a key, an id, a pattern a check quotes)
    shown as its shape: a pack or a config may hold, or be, a credential. The file's own name
    is shown as given."""
    from linter.secrets import scrub  # on use: a file read and checked without a problem needs none

    return scrub(line, paths=name)


def document_problems(data: Any, kind: str, name: str) -> list[str]:
    """Every problem of one policy document given as data (the config's ``modules:``)."""
    return _problems(data, kind, name, first_only=False)


def with_modules(knowledge: Knowledge, document: Mapping[str, Any] | None) -> Knowledge:
    """``knowledge`` with the modules a validated document of kind modules declares on top (the
    config's ``modules:``), merged by the rule of that kind as a last file of it would be."""
    if not document or "modules" not in knowledge.documents:
        return knowledge
    documents = {**knowledge.documents, "modules": merged("modules", (knowledge.documents["modules"], document))}
    return _assemble(documents, knowledge.packs, knowledge.catalog.files)


def _ordered(patterns: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The most specific pattern first: the longest once its wildcards are left out."""
    return tuple(sorted(patterns.items(), key=lambda p: -len(p[0].replace("*", ""))))


def _kind_of(data: Any, path: Path) -> str:
    kind = data.get("kind") if isinstance(data, Mapping) else None
    return kind if isinstance(kind, str) else path.stem


def _policy_files(directory: str) -> list[Path]:
    root = Path(directory)
    if not root.is_dir():
        raise PolicyError(f"{directory}: not a directory")
    found = sorted(p for p in root.rglob("*") if p.suffix in _YAML_SUFFIXES and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not found:  # a wrong folder is a mistake to say, not an empty pack to accept
        raise PolicyError(f"{directory}: no policy file ({', '.join(sorted(_YAML_SUFFIXES))}) in it")
    return found


def check(data: Any, kind: str, name: str, error: type[LinterError] = PolicyError) -> Any:
    """``data`` when it is valid for its kind's schema (and consistent), else its first problem
    as an ``error``."""
    problems = _problems(data, kind, name, first_only=True)
    if problems:
        raise error(problems[0])
    return data


def _unknown_kind(name: str, kind: str) -> str:
    return unquoted(f"{name}: kind: {_key_shown(kind)!r} is not a known kind "
                    f"(expected one of: {', '.join(sorted(known_kinds()))})", name)


def _dir_documents(directory: str) -> list[Document]:
    """(kind, file name, data) of each file of a user policy directory, validated."""
    out = []
    for path in _policy_files(directory):
        name = path.as_posix()
        data = read_document(path, name)
        kind = _kind_of(data, path)
        if kind not in known_kinds():
            raise PolicyError(_unknown_kind(name, kind))
        out.append((kind, name, check(data, kind, name)))
    return out


@lru_cache(maxsize=None)
def shipped_document(kind: str) -> Any:
    """The file of a kind in the wheel, checked against its schema once per version of it (a
    compiled copy shipped in the package, ``linter.shipped_knowledge``, else one in the cache,
    ``linter.compiled``), not on every start."""
    found, document = shipped(kind)
    if found:
        return document
    return compiled(kind, partial(_read_shipped, kind), __name__)


def _read_shipped(kind: str, text: str) -> Any:
    name = f"policies/{kind}.yaml"
    return check(parse_document(text, name), kind, name)


def shipped_problems() -> list[str]:
    """Every schema and consistency problem of the shipped files (for the tests and release checks)."""
    lines = [line for kind in SHIPPED
             for line in _problems(shipped_document(kind), kind, f"policies/{kind}.yaml", first_only=False)]
    catalog = build.catalog_of(shipped_document("catalog"), 1)
    return lines + [f"policies/recognition.yaml: {line}"
                    for line in build.reference_problems(shipped_document("recognition"), catalog)]


def document(knowledge: Knowledge | None, kind: str) -> Any:
    """One kind's files as one document: the shipped file with the knowledge's packs of that
    kind merged on top by its rule (read on demand for a kind not ``eager``)."""
    if knowledge is not None and kind in knowledge.documents:
        return knowledge.documents[kind]
    packs = knowledge.packs.get(kind, ()) if knowledge is not None else ()
    return merged(kind, (shipped_document(kind), *packs))


def load_knowledge(extra_policy_dirs: Sequence[str] = (), extra_catalogs: Sequence[str] = ()) -> Knowledge:
    """The shipped knowledge, with user policy directories and catalogues on top (later wins)."""
    return _load(tuple(extra_policy_dirs), tuple(extra_catalogs), os.getcwd())


@lru_cache(maxsize=16)
def _load(dirs: tuple[str, ...], catalogs: tuple[str, ...], cwd: str) -> Knowledge:
    """``cwd`` is only part of the cache key: relative folders resolve against it, so the same
    name from another folder (two scans in one process) is another pack."""
    added: list[Document] = []
    for directory in dirs:
        added += _dir_documents(directory)
    for catalog in catalogs:
        name = Path(catalog).as_posix()
        added.append(("catalog", name, check(read_document(Path(catalog), name), "catalog", name)))
    by_kind: dict[str, list[Any]] = {kind: [shipped_document(kind)] for kind in EAGER}
    packs: dict[str, list[Any]] = {}
    for kind, _name, data in added:
        (by_kind if kind in by_kind else packs).setdefault(kind, []).append(data)
    documents = {kind: merged(kind, found) for kind, found in by_kind.items()}
    knowledge = _assemble(documents, {kind: tuple(found) for kind, found in packs.items()}, len(by_kind["catalog"]),
                          shipped_alone=not added and compiled_copy())
    # a user catalogue that replaces a provider without some of the offers shipped recognition
    # names is not an error (what it leaves out is then unknown: fail closed); the shipped files
    # are checked together by ``shipped_problems``
    endpoints = knowledge.recognition.get("endpoints", {})
    for kind, name, data in added:
        problems = build.reference_problems(data, knowledge.catalog, endpoints) if kind == "recognition" else []
        if problems:
            raise PolicyError(unquoted(f"{name}: {problems[0]}", name))
    return knowledge


def _assemble(documents: Mapping[str, Any], packs: Mapping[str, tuple[Any, ...]], catalog_files: int, *,
              shipped_alone: bool = False) -> Knowledge:
    """The typed knowledge from one merged document per kind read at load (``shipped_alone``: the
    shipped documents as the package ships them compiled, and nothing else)."""
    exact, patterns, module_flows = build.modules_of(documents["modules"])
    flows = {(f.type, f.attribute): f for f in module_flows}
    flows.update({(f.type, f.attribute): f for f in build.flows_of(documents["flows"])})
    knowledge = Knowledge(
        types=MappingProxyType({**build.types_of(documents["resource-types"]), **exact}),
        default_tag_paths=tuple(documents["resource-types"].get("defaults", {}).get("tag_paths", ())),
        flows=tuple(flows.values()),
        catalog=build.catalog_of(documents["catalog"], catalog_files),
        recognition=MappingProxyType(documents["recognition"]),
        rules=tuple(sorted(build.rules_of(documents["rules"]), key=lambda r: r.id)),
        vocabulary=build.vocabulary_of(documents["classification"]),
        module_patterns=_ordered(dict(patterns)),
        documents=MappingProxyType(dict(documents)),
        packs=MappingProxyType(dict(packs)),
    )
    if shipped_alone:
        _keep(knowledge, None)
    else:
        _remember(knowledge, [dict(documents), {kind: list(found) for kind, found in packs.items()}, catalog_files])
    return knowledge


# id → (the knowledge, the digest of what it was built from; None: the shipped documents alone)
_BUILT: dict[int, tuple[Knowledge, str | None]] = {}


def knowledge_digest(knowledge: Knowledge) -> str:
    """A digest that changes whenever ``knowledge`` may (what incremental scans key their entries
    by). Knowledge this module assembled is known by what it was assembled from: its documents and
    packs as canonical JSON, and the code that assembles them (a few milliseconds); from the
    shipped documents alone, by the package (``_shipped_digest``). Any other (a copy with a field
    replaced, one a test builds) is digested whole: tens of milliseconds, paid by every small scan
    if it were the only way."""
    found = _BUILT.get(id(knowledge))
    if found is not None and found[0] is knowledge:
        return found[1] if found[1] is not None else _shipped_digest()
    return value_digest(knowledge)


@lru_cache(maxsize=1)
def _shipped_digest() -> str:
    """The digest of the knowledge assembled from the shipped documents alone, read from the
    package's compiled copy: a function of the package, whose code digest covers that copy and
    the code reading it (no JSON of the documents to write and check on every start)."""
    return hashlib.sha256(f"shipped\0{code_digest()}".encode()).hexdigest()


def _remember(knowledge: Knowledge, inputs: list[Any]) -> None:
    """Keep the digest of ``inputs`` for ``knowledge`` when JSON says them exactly (it gives them
    back equal: no tuple, no key that is not a string), else nothing."""
    try:
        text = json.dumps(inputs, sort_keys=True, ensure_ascii=False, allow_nan=False)
        if json.loads(text) != inputs:
            return
    except (TypeError, ValueError, RecursionError):
        return
    _keep(knowledge, hashlib.sha256(f"{code_digest()}\0{text}".encode("utf-8", "surrogatepass")).hexdigest())


def _keep(knowledge: Knowledge, digest: str | None) -> None:
    if len(_BUILT) >= 64:  # a long-lived process (the tests) assembles many: the oldest go
        del _BUILT[next(iter(_BUILT))]
    _BUILT[id(knowledge)] = (knowledge, digest)


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
            data = read_document(file, name)
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
