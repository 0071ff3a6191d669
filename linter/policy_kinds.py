"""Every kind of knowledge and how several files of one kind combine: one table, ``KINDS``.

A kind is a JSON Schema (``linter/schemas/<kind>.schema.json``), a shipped file
(``policies/<kind>.yaml``), a merge rule and the checks a schema cannot express
(``linter.policy_build``). Files of a kind are merged in order (the shipped one,
then each ``--policies`` folder's, then ``--catalog`` files) by that rule alone, on the validated
data, before anything builds a typed view of it: a later file wins where the rule says it does,
and no kind has a merge of its own elsewhere. ``docs/architecture.md#policy-packs`` is this table
in words (``rule``), and a test holds the two together.

A rule is a function ``(earlier, later) -> merged`` built from the few below: a document's keys
each get their own (``sections``), rows of a list are keyed (``rows``), a mapping's entries are
replaced one by one (``by_key``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from linter import policy_build as build

Merge = Callable[[Any, Any], Any]


def replace(_earlier: Any, later: Any) -> Any:
    """The later file's value."""
    return later


def keep(earlier: Any, _later: Any) -> Any:
    """The first file's value (the shipped one's)."""
    return earlier


def concat(earlier: Any, later: Any) -> list[Any]:
    """The later file's items after the earlier ones (a builder reading them in order lets the
    later win)."""
    return [*earlier, *later]


def prepend(earlier: Any, later: Any) -> list[Any]:
    """The later file's items first: they are tried first."""
    return [*later, *earlier]


def add_up(earlier: Any, later: Any) -> list[Any]:
    """Both files' items, each once."""
    return [*earlier, *(item for item in later if item not in earlier)]


def by_key(each: Merge = replace) -> Merge:
    """A mapping: every key of both, a key of both merged by ``each``."""
    def merge(earlier: Any, later: Any) -> dict[Any, Any]:
        return {k: each(earlier[k], later[k]) if k in earlier and k in later else later.get(k, earlier.get(k))
                for k in {**earlier, **later}}
    return merge


def sections(**rules: Merge) -> Merge:
    """A document: each key by its rule; a key without one is replaced."""
    def merge(earlier: Any, later: Any) -> dict[str, Any]:
        out = dict(earlier)
        for key, value in later.items():
            out[key] = rules.get(key, replace)(earlier[key], value) if key in earlier else value
        return out
    return merge


def rows(*fields: str) -> Merge:
    """A list of mappings keyed by ``fields``: a later row replaces the earlier row of its key
    where that row was, a row of a new key comes after."""
    def merge(earlier: Any, later: Any) -> list[Any]:
        keyed = {tuple(row.get(f) for f in fields): row for row in earlier}
        keyed.update({tuple(row.get(f) for f in fields): row for row in later})
        return list(keyed.values())
    return merge


def deep(earlier: Any, later: Any) -> Any:
    """Mappings merged key by key, lists appended without repeats, any other value replaced."""
    if isinstance(earlier, Mapping) and isinstance(later, Mapping):
        return by_key(deep)(earlier, later)
    if isinstance(earlier, list) and isinstance(later, list):
        return add_up(earlier, later)
    return later


def _catalog_dates(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A provider without its own ``checked_on`` takes its file's (before files are merged)."""
    checked = data.get("checked_on")
    if checked is None:
        return data
    providers = {pid: p if "checked_on" in p else {**p, "checked_on": checked}
                 for pid, p in (data.get("providers") or {}).items()}
    return {**data, "providers": providers}


@dataclass(frozen=True, slots=True, kw_only=True)
class Kind:
    """One kind of knowledge: its merge rule, that rule in words (the docs' table), and the
    checks of one file that its schema cannot express."""

    name: str
    merge: Merge
    rule: str
    # read when the knowledge loads; the others when the stage that needs them asks (a scan
    # without Kubernetes never reads the Kubernetes files)
    eager: bool = True
    # what a file says for the whole file, moved down to its entries before files are merged
    prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    problems: Callable[[Mapping[str, Any]], list[str]] | None = None


_KINDS = (
    Kind(name="rules", problems=build.rules_problems, merge=sections(rules=rows("id")),
         rule="adds a rule with a new id, replaces the rule with the same id"),
    Kind(name="resource-types", problems=build.resource_types_problems,
         merge=sections(groups=concat, defaults=by_key()),
         rule="adds or replaces types by name; its `defaults` replace key by key"),
    Kind(name="flows", problems=build.flows_problems, merge=sections(flows=rows("type", "attribute")),
         rule="adds or replaces flows by type and attribute"),
    Kind(name="modules", problems=build.modules_problems, merge=sections(groups=concat),
         rule="adds or replaces modules by source key or pattern (their flows replace as `flows`)"),
    Kind(name="catalog", problems=build.catalog_problems,
         merge=sections(providers=by_key(), checked_on=keep, note=keep, sources=keep, checked_against=keep),
         prepare=_catalog_dates,
         rule="replaces a provider as a whole (`--catalog FILE` too); the first file's date, note and sources "
              "describe the catalogue"),
    Kind(name="recognition", problems=build.recognition_problems,
         merge=sections(terraform=sections(registry_hosts=add_up, implicit_sources=by_key(), providers=prepend),
                        regions=by_key(), endpoints=by_key(prepend),
                        kubernetes=sections(signals=by_key(prepend), api_groups=prepend)),
         rule="is tried first (provider entries, endpoints, signals, API groups); implicit sources and "
              "region rules replace by key; registry hosts add up"),
    Kind(name="classification", problems=build.classification_problems, merge=replace,
         rule="replaces the vocabulary as a whole (the config's `classification` replaces levels by name)"),
    Kind(name="kubernetes", problems=build.kubernetes_problems, merge=deep, eager=False,
         rule="merges key by key: mappings merged, lists appended without repeats, other values replaced"),
    Kind(name="kustomize", merge=deep, eager=False,
         rule="merges key by key: mappings merged, lists appended without repeats, other values replaced"),
    Kind(name="terraform-kubernetes", merge=sections(cluster_clients=concat), eager=False,
         rule="adds cluster clients; a later entry for the same provider source replaces its attributes"),
)
KINDS: Mapping[str, Kind] = {kind.name: kind for kind in _KINDS}


def merged(kind: str, documents: Any) -> Any:
    """The documents of one kind (validated, in order) as one, by the kind's rule."""
    spec = KINDS[kind]
    out: Any = None
    for index, document in enumerate(documents):
        document = spec.prepare(document) if spec.prepare else document
        out = document if index == 0 else spec.merge(out, document)
    return out
