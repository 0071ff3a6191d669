"""``policies/kustomize.yaml``: which fields kustomize's built-in transformers write, as data.

Read once, validated by ``linter/schemas/kustomize.schema.json``; a ``kind: kustomize`` file of a
``--policies`` folder adds to it (``Knowledge.extra["kustomize"]``), e.g. the label fields of a CRD.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, Mapping

from linter.compiled import compiled
from linter.knowledge import Knowledge
from linter.policy_build import merged
from linter.policy_files import _read_shipped as read_shipped_policy


@dataclass(frozen=True, slots=True)
class Selector:
    """Objects of a group, version and kind (an empty part matches any)."""

    group: str = ""
    version: str = ""
    kind: str = ""

    def selects(self, api_version: str, kind: str) -> bool:
        group, _, version = api_version.rpartition("/")
        return ((not self.kind or self.kind == kind) and (not self.group or self.group == group)
                and (not self.version or self.version == version))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field of the selected objects: its path (a list on the way is walked item by item)."""

    selector: Selector
    path: tuple[str, ...]
    create: bool = False


@dataclass(frozen=True, slots=True)
class NameReference:
    target: Selector
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class KustomizeData:
    selector_labels: tuple[FieldSpec, ...]
    template_labels: tuple[FieldSpec, ...]
    claim_template_labels: tuple[FieldSpec, ...]
    annotations: tuple[FieldSpec, ...]
    namespace_names: tuple[Selector, ...]
    name_unchanged: tuple[Selector, ...]
    name_references: tuple[NameReference, ...]
    merge_keys: Mapping[str, tuple[str, ...]]


def kustomize_data(knowledge: Knowledge | None = None) -> KustomizeData:
    added = knowledge.extra.get("kustomize") if knowledge is not None else None
    return build(merged(shipped_raw(), added)) if isinstance(added, Mapping) else shipped()


@lru_cache(maxsize=1)
def shipped() -> KustomizeData:
    return build(shipped_raw())


@lru_cache(maxsize=1)
def shipped_raw() -> Mapping[str, Any]:
    """The shipped file, checked against its schema once per version of it (``linter.compiled``)."""
    return compiled("kustomize", _read_shipped, __name__)  # type: ignore[no-any-return]


# read as a user's file of that kind is (linter.policy_files): parsed, checked against its schema
_read_shipped = partial(read_shipped_policy, "kustomize")


def _selector(raw: Mapping[str, Any]) -> Selector:
    return Selector(raw.get("group", ""), raw.get("version", ""), raw.get("kind", ""))


def _fields(raw: Any) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(_selector(f), tuple(p.removesuffix("[]") for p in f["path"].split("/")),
                           bool(f.get("create"))) for f in raw or ())


def build(raw: Mapping[str, Any]) -> KustomizeData:
    return KustomizeData(
        selector_labels=_fields(raw.get("selector_labels")),
        template_labels=_fields(raw.get("template_labels")),
        claim_template_labels=_fields(raw.get("claim_template_labels")),
        annotations=_fields(raw.get("annotations")),
        namespace_names=tuple(_selector(s) for s in raw.get("namespace_names") or ()),
        name_unchanged=tuple(_selector(s) for s in raw.get("name_unchanged") or ()),
        name_references=tuple(NameReference(_selector(r["target"]), _fields(r["fields"]))
                              for r in raw.get("name_references") or ()),
        merge_keys={k: tuple(v) for k, v in (raw.get("merge_keys") or {}).items()},
    )
